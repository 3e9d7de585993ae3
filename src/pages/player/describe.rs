//! The playback in words and for the shell: what plays, how (direct play
//! or transcoding, and why), and the state the server hears.

use super::*;

/// The size of the poster handed to the shell's media controls.
pub(super) const ART_SIZE: (u32, u32) = (300, 450);

pub(super) fn now_playing(p: &Playing, art: Option<std::path::PathBuf>) -> NowPlaying {
    NowPlaying {
        title: p.item.title.clone(),
        show: p.item.grandparent_title.clone(),
        length_ms: p.duration_ms,
        art,
        id: p.item.rating_key.to_string(),
    }
}

pub(super) fn what(item: &MediaItem) -> String {
    match (&item.grandparent_title, item.kind) {
        (Some(show), reel_core::models::ItemKind::Episode) => i18n_f("{} – {}", &[show, &item.title]),
        _ => item.title.clone(),
    }
}

/// How the item plays, in words: Direct Play, or Transcoding and why.
pub(super) fn how(decision: &Decision) -> String {
    match decision {
        Decision::DirectPlay => gettext("Direct Play"),
        Decision::Transcode(TranscodeReason::ImageSubtitle) => {
            gettext("Transcoding: the server draws the subtitles into the picture")
        }
        Decision::Transcode(TranscodeReason::Unsupported(formats)) if !formats.is_empty() => {
            let names: Vec<&str> = formats.iter().map(Format::name).collect();
            i18n_f("Transcoding: this computer cannot decode {}", &[&names.join(", ")])
        }
        Decision::Transcode(_) => gettext("Transcoding"),
    }
}

pub(super) fn play_state(p: &Playing) -> PlayState {
    match p.state {
        _ if p.buffering => PlayState::Buffering,
        EngineState::Loading => PlayState::Buffering,
        EngineState::Playing => PlayState::Playing,
        EngineState::Paused => PlayState::Paused,
        EngineState::Stopped => PlayState::Stopped,
    }
}

/// Whether trying again (where the failover says) may help: the connection
/// failed, or the server's answer may pass (busy, failing, its access
/// checked again). A file the server does not have is not tried again.
pub(super) fn recoverable(e: &EngineError) -> bool {
    match e {
        EngineError::Network(_) => true,
        EngineError::Http(code) => matches!(code, 401 | 403 | 408 | 429) || *code >= 500,
        _ => false,
    }
}

/// Why playback stopped, in words.
pub(super) fn failure_words(e: &EngineError, server: &str) -> String {
    match e {
        EngineError::MissingCodec(name) => {
            i18n_f("This computer cannot decode {}. The server can convert it while it plays.", &[name])
        }
        // GStreamer's own words ("Internal data stream error") help no one
        // here; they are in the log.
        EngineError::Network(_) => i18n_f(
            "{} stopped sending this file. Check that the server is on and can be reached, then try again.",
            &[server],
        ),
        EngineError::Http(401 | 403) => {
            i18n_f("{} refused to send this file. Your account may no longer have access to it.", &[server])
        }
        EngineError::Http(404 | 410) => i18n_f(
            "{} no longer has this file. It may have been moved or deleted; refreshing the library may help.",
            &[server],
        ),
        EngineError::Http(429) => i18n_f("{} is too busy to send this file now. Try again in a moment.", &[server]),
        EngineError::Http(code) if *code >= 500 => {
            i18n_f("{} failed while sending this file (error {}). Try again later.", &[server, &code.to_string()])
        }
        EngineError::Http(code) => {
            i18n_f("{} answered with error {} instead of the file.", &[server, &code.to_string()])
        }
        EngineError::Decode(why) => i18n_f("The file could not be decoded (it may be damaged): {}", &[why]),
        EngineError::Other(why) => i18n_f("Playback failed: {}", &[why]),
    }
}

/// Whether the media ended well before its known length: a file cut short.
/// (A length the server measured may be off by a little.)
pub(super) fn ended_early(at_ms: u64, duration_ms: u64) -> bool {
    let slack = (duration_ms / 50).max(5_000);
    duration_ms > 0 && at_ms + slack < duration_ms
}

pub(super) fn ended_early_words(at_ms: u64, duration_ms: u64) -> String {
    i18n_f(
        "The file ends at {}, before its length of {}: it may be incomplete or damaged on the server.",
        &[&clock(at_ms), &clock(duration_ms)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_cut_short_is_told_from_a_length_a_little_off() {
        assert!(ended_early(5_000, 30_000), "half of it");
        assert!(!ended_early(29_400, 30_000), "a length measured a little long");
        assert!(!ended_early(0, 0), "no length known");
        // Two hours: off by two minutes is still the whole film.
        assert!(!ended_early(7_100_000, 7_200_000));
        assert!(ended_early(3_600_000, 7_200_000));
    }

    #[test]
    fn only_what_may_pass_is_tried_again() {
        assert!(recoverable(&EngineError::Network("reset".into())));
        assert!(recoverable(&EngineError::Http(503)));
        assert!(recoverable(&EngineError::Http(401)), "access is checked again first");
        assert!(!recoverable(&EngineError::Http(404)));
        assert!(!recoverable(&EngineError::Decode("bad".into())));
    }
}
