//! Reel in the user's language: gettext ([`i18n`]) and the sentences for
//! what the core answers ([`words`]: errors, notices, connection choices,
//! playback failures), shared by the app and reel-cli so both say the same
//! thing in the same words.

mod amounts;
pub mod i18n;
mod words;

pub use amounts::*;
pub use words::*;

/// A position or length as a clock shows it: "4:05", "1:02:03".
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_reads_like_a_player() {
        assert_eq!(super::clock(0), "0:00");
        assert_eq!(super::clock(65_432), "1:05");
        assert_eq!(super::clock(3_723_000), "1:02:03");
    }
}
