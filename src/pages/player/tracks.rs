//! Audio, subtitles and speed: the window actions that choose them (in the
//! `win.` group, so the menu, GNOME Shell and the tests reach the same ones)
//! and the menu made from the part's streams.

use crate::i18n::{gettext, i18n_f};
use reel_core::models::{MediaPart, MediaStream, StreamKind};
use relm4::gtk::{gio, glib, prelude::*};

/// The player's window actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayerAction {
    /// Parameter: the Plex stream id of an audio track.
    AudioTrack,
    /// Parameter: the Plex stream id of a subtitle track; 0 turns them off.
    SubtitleTrack,
    /// Parameter: the speed, 0.5–2.0.
    PlaybackSpeed,
    /// Jumps past the intro or credits playing now.
    SkipMarker,
}

impl PlayerAction {
    pub const ALL: [PlayerAction; 4] =
        [PlayerAction::AudioTrack, PlayerAction::SubtitleTrack, PlayerAction::PlaybackSpeed, PlayerAction::SkipMarker];

    pub fn name(self) -> &'static str {
        match self {
            PlayerAction::AudioTrack => "audio-track",
            PlayerAction::SubtitleTrack => "subtitle-track",
            PlayerAction::PlaybackSpeed => "playback-speed",
            PlayerAction::SkipMarker => "skip-marker",
        }
    }

    /// The parameter's (and state's) type, if it takes one.
    pub fn parameter(self) -> Option<&'static glib::VariantTy> {
        match self {
            PlayerAction::AudioTrack | PlayerAction::SubtitleTrack => Some(glib::VariantTy::INT64),
            PlayerAction::PlaybackSpeed => Some(glib::VariantTy::DOUBLE),
            PlayerAction::SkipMarker => None,
        }
    }

    pub fn initial_state(self) -> Option<glib::Variant> {
        match self {
            PlayerAction::AudioTrack | PlayerAction::SubtitleTrack => Some(0i64.to_variant()),
            PlayerAction::PlaybackSpeed => Some(1.0f64.to_variant()),
            PlayerAction::SkipMarker => None,
        }
    }
}

/// The speeds offered.
pub const SPEEDS: [f64; 6] = [0.5, 0.75, 1.0, 1.25, 1.5, 2.0];

fn stream_label(s: &MediaStream) -> String {
    s.title.clone().or_else(|| s.language_code.clone()).unwrap_or_else(|| i18n_f("Track {}", &[&s.id.to_string()]))
}

/// The menu: audio tracks, subtitles (with Off), speeds.
pub fn menu(part: Option<&MediaPart>) -> gio::Menu {
    let menu = gio::Menu::new();
    if let Some(part) = part {
        let audio = gio::Menu::new();
        for s in part.embedded(StreamKind::Audio) {
            let item = gio::MenuItem::new(Some(&stream_label(s)), None);
            item.set_action_and_target_value(Some("win.audio-track"), Some(&s.id.to_variant()));
            audio.append_item(&item);
        }
        if audio.n_items() > 1 {
            menu.append_section(Some(&gettext("Audio")), &audio);
        }
        let subs = gio::Menu::new();
        let off = gio::MenuItem::new(Some(&gettext("Off")), None);
        off.set_action_and_target_value(Some("win.subtitle-track"), Some(&0i64.to_variant()));
        subs.append_item(&off);
        for s in part.embedded(StreamKind::Subtitle).into_iter().chain(part.sidecar_subtitles()) {
            let item = gio::MenuItem::new(Some(&stream_label(s)), None);
            item.set_action_and_target_value(Some("win.subtitle-track"), Some(&s.id.to_variant()));
            subs.append_item(&item);
        }
        if subs.n_items() > 1 {
            menu.append_section(Some(&gettext("Subtitles")), &subs);
        }
    }
    let speeds = gio::Menu::new();
    for v in SPEEDS {
        let label = if v == 1.0 { gettext("Normal") } else { format!("{v}×") };
        let item = gio::MenuItem::new(Some(&label), None);
        item.set_action_and_target_value(Some("win.playback-speed"), Some(&v.to_variant()));
        speeds.append_item(&item);
    }
    menu.append_section(Some(&gettext("Speed")), &speeds);
    menu
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(id: i64, kind: StreamKind, index: Option<i64>, key: Option<&str>) -> MediaStream {
        MediaStream {
            id,
            kind,
            codec: None,
            language_code: None,
            title: None,
            selected: false,
            index,
            key: key.map(str::to_string),
        }
    }

    #[test]
    fn tracks_in_the_files_order_and_sidecars_apart() {
        let part = MediaPart {
            id: 1,
            key: "/p".into(),
            container: None,
            duration_ms: None,
            size: None,
            streams: vec![
                stream(10, StreamKind::Video, Some(0), None),
                stream(12, StreamKind::Audio, Some(2), None),
                stream(11, StreamKind::Audio, Some(1), None),
                stream(13, StreamKind::Subtitle, Some(3), None),
                stream(14, StreamKind::Subtitle, None, Some("/library/streams/14")),
            ],
        };
        let audio: Vec<i64> = part.embedded(StreamKind::Audio).iter().map(|s| s.id).collect();
        assert_eq!(audio, [11, 12]);
        let subs: Vec<i64> = part.embedded(StreamKind::Subtitle).iter().map(|s| s.id).collect();
        assert_eq!(subs, [13]);
        let beside: Vec<i64> = part.sidecar_subtitles().iter().map(|s| s.id).collect();
        assert_eq!(beside, [14]);
    }

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<_> = PlayerAction::ALL.iter().map(|a| a.name()).collect();
        names.dedup();
        assert_eq!(names.len(), PlayerAction::ALL.len());
    }
}
