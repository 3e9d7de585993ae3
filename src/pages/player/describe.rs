//! The playback in words and for the shell: what plays, how (direct play
//! or transcoding, and why), and the state the server hears.

use super::*;

/// The size of the poster handed to the shell's media controls.
pub(super) const ART_SIZE: (u32, u32) = (300, 450);

pub(super) fn now_playing(p: &Playing, art: Option<std::path::PathBuf>) -> NowPlaying {
    NowPlaying {
        title: p.item.title.clone(),
        artist: p.item.grandparent_title.clone(),
        album: p.item.grandparent_title.clone(),
        track_number: None,
        length_ms: p.duration_ms,
        art,
        id: p.item.rating_key.to_string(),
        entry: None,
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
        assert!(EngineError::Network("reset".into()).recoverable());
        assert!(EngineError::Http(503).recoverable());
        assert!(EngineError::Http(401).recoverable(), "access is checked again first");
        assert!(!EngineError::Http(404).recoverable());
        assert!(!EngineError::Decode("bad".into()).recoverable());
    }
}
