//! Sizes, speeds and time left as a person reads them on the Downloads
//! page and in reel-cli: decimal units (as GNOME's Files shows sizes), one
//! decimal below 10, and the time left in the largest unit that fits.

use crate::i18n::{i18n_f, ni18n_f};
use reel_core::models::{Download, DownloadPlan, DownloadQuality, DownloadSpace, DownloadState};
use std::time::Duration;

/// "512 bytes", "3.1 MB", "12 GB".
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return ni18n_f("{} byte", "{} bytes", bytes, &[]);
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    while v >= 999.95 && unit + 1 < UNITS.len() {
        v /= 1000.0;
        unit += 1;
    }
    let n = if v < 9.95 { format!("{v:.1}") } else { format!("{v:.0}") };
    // Translators: a size, like "3.1 MB".
    i18n_f("{} {}", &[&n, UNITS[unit]])
}

/// "2.3 MB/s".
pub fn speed(bytes_per_second: u64) -> String {
    // Translators: a download's speed, like "2.3 MB/s".
    i18n_f("{}/s", &[&size(bytes_per_second)])
}

/// "5 seconds left", "3 minutes left", "2 hours left".
pub fn time_left(left: Duration) -> String {
    let s = left.as_secs();
    match s {
        0..=59 => ni18n_f("{} second left", "{} seconds left", s, &[]),
        60..=3599 => {
            let m = s.div_ceil(60);
            ni18n_f("{} minute left", "{} minutes left", m, &[])
        }
        _ => {
            let h = s.div_ceil(3600);
            ni18n_f("{} hour left", "{} hours left", h, &[])
        }
    }
}

/// How far a download is: "3.1 MB of 7.4 MB · 2.3 MB/s · 2 seconds left"
/// while it runs, the size alone once it is done.
pub fn download_progress(d: &Download) -> String {
    let total = d.size.filter(|s| *s > 0);
    if d.state == DownloadState::Done {
        return size(total.unwrap_or(d.fetched));
    }
    if d.state == DownloadState::Running && d.converting {
        return crate::i18n::gettext("The server is converting it");
    }
    let mut parts = vec![match total {
        // Translators: how much of a download is here, like "3.1 MB of 7.4 MB".
        Some(t) => i18n_f("{} of {}", &[&size(d.fetched), &size(t)]),
        None => size(d.fetched),
    }];
    if d.state == DownloadState::Running {
        parts.extend(d.bytes_per_second.map(speed));
        parts.extend(d.time_left().map(time_left));
    }
    parts.join(" · ")
}

/// A download quality as Preferences and the downloads list name it.
pub fn download_quality(q: DownloadQuality) -> String {
    match q {
        DownloadQuality::Original => crate::i18n::gettext("Original quality"),
        // Translators: a converted download's picture height and bitrate.
        DownloadQuality::P1080 => crate::i18n::gettext("1080p, 8 Mbps"),
        DownloadQuality::P720 => crate::i18n::gettext("720p, 4 Mbps"),
        DownloadQuality::P480 => crate::i18n::gettext("480p, 2 Mbps"),
    }
}

/// "Downloads take 1.2 GB · 40 GB free on this disk".
pub fn download_space(space: &DownloadSpace) -> String {
    let used = i18n_f("Downloads take {}", &[&size(space.used)]);
    match space.free {
        Some(free) => format!("{used} · {}", i18n_f("{} free on this disk", &[&size(free)])),
        None => used,
    }
}

/// What a download would fetch, said before it starts: "10 files · 3.2 GB
/// · 40 GB free on this disk", then what stands in its way.
pub fn download_plan(plan: &DownloadPlan) -> String {
    let files = ni18n_f("{} file", "{} files", plan.files as u64, &[]);
    let mut lines = vec![match plan.quality {
        DownloadQuality::Original => format!("{files} · {}", size(plan.bytes)),
        // Translators: the size a converted download will have, like "about 1.2 GB".
        q => format!("{files} · {} · {}", download_quality(q), i18n_f("about {}", &[&size(plan.bytes)])),
    }];
    if let Some(free) = plan.space.free {
        lines[0] = format!("{} · {}", lines[0], i18n_f("{} free on this disk", &[&size(free)]));
    }
    if !plan.fits() {
        lines.push(crate::i18n::gettext("There is not enough room on this disk for all of it."));
    }
    if plan.refused > 0 {
        let n = plan.refused as u64;
        lines.push(ni18n_f(
            "{} file the server's owner does not allow downloading is left out.",
            "{} files the server's owner does not allow downloading are left out.",
            n,
            &[],
        ));
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_speeds_and_time_left_read_like_gnome() {
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(999), "999 bytes");
        assert_eq!(size(3_140_000), "3.1 MB");
        assert_eq!(size(12_400_000_000), "12 GB");
        assert_eq!(size(999_990), "1.0 MB");
        assert_eq!(speed(2_300_000), "2.3 MB/s");
        assert_eq!(time_left(Duration::from_secs(1)), "1 second left");
        assert_eq!(time_left(Duration::from_secs(61)), "2 minutes left");
        assert_eq!(time_left(Duration::from_secs(7200)), "2 hours left");
    }
}
