//! Direct play or transcode, decided honestly: the player says what it can
//! decode (the app asks GStreamer's registry), and a part is played as it is
//! only when its container and every codec it needs are among those.

use crate::models::{MediaPart, MediaVersion, Playable, StreamKind};
use serde::{Deserialize, Serialize};

/// One format a file needs the player to handle, in Plex's words
/// (`mkv`, `h264`, `aac`…).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    Container(String),
    Video(String),
    Audio(String),
}

impl Format {
    pub fn name(&self) -> &str {
        match self {
            Format::Container(n) | Format::Video(n) | Format::Audio(n) => n,
        }
    }
}

/// What the player can decode. The app answers from GStreamer's registry;
/// the core never guesses.
pub trait Capabilities: Send + Sync {
    fn can_decode(&self, format: &Format) -> bool;
}

/// Why a part is not played as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TranscodeReason {
    /// Formats the installed GStreamer cannot decode.
    Unsupported(Vec<Format>),
    /// The subtitle chosen is drawn as pictures; the server burns it in.
    ImageSubtitle,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Decision {
    DirectPlay,
    Transcode(TranscodeReason),
}

/// The formats `part` of `media` needs, as far as the server said.
pub fn needed(media: &MediaVersion, part: &MediaPart) -> Vec<Format> {
    let mut out = Vec::new();
    if let Some(c) = part.container.as_ref().or(media.container.as_ref()) {
        out.push(Format::Container(c.to_ascii_lowercase()));
    }
    // The selected (or first) stream of each kind is what plays.
    for (kind, fallback, wrap) in [
        (StreamKind::Video, media.video_codec.as_ref(), Format::Video as fn(String) -> Format),
        (StreamKind::Audio, media.audio_codec.as_ref(), Format::Audio as fn(String) -> Format),
    ] {
        let of_kind: Vec<_> = part.streams.iter().filter(|s| s.kind == kind).collect();
        let stream = of_kind.iter().find(|s| s.selected).or(of_kind.first());
        if let Some(codec) = stream.and_then(|s| s.codec.as_ref()).or(fallback) {
            out.push(wrap(codec.to_ascii_lowercase()));
        }
    }
    out
}

/// Plays `playable`'s first part as it is when the player can, else asks
/// the server to transcode, saying why.
pub fn decide(playable: &Playable, caps: &dyn Capabilities, subtitle: Option<i64>) -> Decision {
    let Some((_, media, part)) = playable.first_part() else {
        return Decision::Transcode(TranscodeReason::Unsupported(Vec::new()));
    };
    let missing: Vec<Format> = needed(media, part).into_iter().filter(|f| !caps.can_decode(f)).collect();
    if !missing.is_empty() {
        return Decision::Transcode(TranscodeReason::Unsupported(missing));
    }
    let chosen = part.streams.iter().find(|s| Some(s.id) == subtitle);
    if chosen.is_some_and(|s| s.is_image_subtitle()) {
        return Decision::Transcode(TranscodeReason::ImageSubtitle);
    }
    Decision::DirectPlay
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{MediaItem, MediaStream};

    /// A decoder list, as a player would report it (the real one is GStreamer's
    /// registry, tested in the app).
    struct Knows(&'static [&'static str]);
    impl Capabilities for Knows {
        fn can_decode(&self, f: &Format) -> bool {
            self.0.contains(&f.name())
        }
    }

    fn playable(container: &str, video: &str, audio: &str) -> Playable {
        let stream = |id, kind, codec: &str| MediaStream {
            id,
            kind,
            codec: Some(codec.into()),
            language_code: None,
            title: None,
            selected: false,
            index: Some(id),
            key: None,
        };
        let mut pgs = stream(3, StreamKind::Subtitle, "pgs");
        pgs.index = Some(2);
        Playable {
            item: serde_json::from_value::<MediaItem>(serde_json::json!({
                "rating_key": "1", "kind": "movie", "title": "t", "year": null, "index": null, "summary": null,
                "thumb": null, "duration_ms": 1000, "view_count": 0, "view_offset_ms": 0, "leaf_count": null,
                "viewed_leaf_count": null, "parent_title": null, "grandparent_title": null, "added_at": null
            }))
            .unwrap(),
            media: vec![MediaVersion {
                id: 1,
                container: Some(container.into()),
                video_codec: Some(video.into()),
                audio_codec: Some(audio.into()),
                duration_ms: Some(1000),
                width: None,
                height: None,
                parts: vec![MediaPart {
                    id: 9,
                    key: "/library/parts/9/1/file".into(),
                    container: Some(container.into()),
                    duration_ms: Some(1000),
                    size: None,
                    streams: vec![stream(1, StreamKind::Video, video), stream(2, StreamKind::Audio, audio), pgs],
                }],
            }],
            markers: vec![],
        }
    }

    #[test]
    fn direct_play_only_when_every_format_is_decodable() {
        let caps = Knows(&["webm", "vp8", "vorbis"]);
        assert_eq!(decide(&playable("webm", "vp8", "vorbis"), &caps, None), Decision::DirectPlay);
        assert_eq!(
            decide(&playable("mkv", "hevc", "vorbis"), &caps, None),
            Decision::Transcode(TranscodeReason::Unsupported(vec![
                Format::Container("mkv".into()),
                Format::Video("hevc".into())
            ]))
        );
    }

    #[test]
    fn an_image_subtitle_is_burnt_in_by_the_server() {
        let caps = Knows(&["webm", "vp8", "vorbis"]);
        let p = playable("webm", "vp8", "vorbis");
        assert_eq!(decide(&p, &caps, Some(3)), Decision::Transcode(TranscodeReason::ImageSubtitle));
        assert_eq!(decide(&p, &caps, Some(0)), Decision::DirectPlay, "subtitles off");
    }

    #[test]
    fn nothing_to_play_is_not_direct_play() {
        let mut p = playable("webm", "vp8", "vorbis");
        p.media.clear();
        assert!(matches!(decide(&p, &Knows(&[]), None), Decision::Transcode(_)));
    }
}
