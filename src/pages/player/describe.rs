//! The playback in words and for the shell: what plays, how (direct play
//! or transcoding, and why), and the state the server hears.

use super::*;
use reel_core::playback::Fault;
use reel_core::playback::{Decision, TranscodeReason};

pub(super) fn now_playing(v: &View) -> NowPlaying {
    NowPlaying {
        title: v.item.title.clone(),
        artist: v.item.grandparent_title.clone(),
        album: v.item.grandparent_title.clone(),
        track_number: None,
        length_ms: v.duration_ms,
        art: v.art.clone(),
        id: v.item.rating_key.to_string(),
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

/// Why the playback stopped, in words, and whether the server's
/// transcoder is worth offering.
pub(super) fn fault_words(fault: &Fault) -> (String, bool) {
    match fault {
        Fault::EngineUnavailable(why) => (i18n_f("The player could not start: {}", &[why]), false),
        Fault::Prepare(e) => (i18n_f("Cannot play this: {}", &[&reel_words::error(e)]), false),
        Fault::Engine { error, server, offer_transcode } => (reel_words::engine_error(error, server), *offer_transcode),
        Fault::EndedEarly { at_ms, duration_ms } => (reel_words::ended_early(*at_ms, *duration_ms), false),
        Fault::Relocate(e) | Fault::Retranscode(e) => (reel_words::error(e), false),
    }
}
