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
