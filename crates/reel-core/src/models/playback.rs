//! What a movie or episode is made of, as far as playing it goes: its media
//! versions, their parts and streams, and the intro/credits markers.

use super::MediaItem;
use serde::{Deserialize, Serialize};

/// An item ready to be played: the metadata the player needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Playable {
    pub item: MediaItem,
    pub media: Vec<MediaVersion>,
    pub markers: Vec<Marker>,
}

/// One encoding of the item (Plex's `Media`): a 4K and a 1080p copy are two.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaVersion {
    pub id: i64,
    pub container: Option<String>,
    pub video_codec: Option<String>,
    pub audio_codec: Option<String>,
    pub duration_ms: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub parts: Vec<MediaPart>,
}

/// One file of a version (Plex's `Part`); most versions have one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaPart {
    pub id: i64,
    /// The server path of the file (`/library/parts/{id}/{ts}/file.mkv`).
    pub key: String,
    pub container: Option<String>,
    pub duration_ms: Option<i64>,
    /// The file's size in bytes, as the server says (a download is whole
    /// only at this size).
    #[serde(default)]
    pub size: Option<u64>,
    pub streams: Vec<MediaStream>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StreamKind {
    Video,
    Audio,
    Subtitle,
    Other,
}

impl StreamKind {
    pub fn from_plex(n: i64) -> Self {
        match n {
            1 => Self::Video,
            2 => Self::Audio,
            3 => Self::Subtitle,
            _ => Self::Other,
        }
    }
}

/// A track inside a part (Plex's `Stream`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaStream {
    pub id: i64,
    pub kind: StreamKind,
    pub codec: Option<String>,
    pub language_code: Option<String>,
    /// The server's own label ("English (AAC Stereo)").
    pub title: Option<String>,
    pub selected: bool,
    /// Index among the file's own streams; None for a sidecar file.
    pub index: Option<i64>,
    /// A subtitle in its own file on the server (`/library/streams/{id}`).
    pub key: Option<String>,
}

impl MediaStream {
    /// Subtitles drawn as pictures (PGS, VobSub): a transcode burns them in.
    pub fn is_image_subtitle(&self) -> bool {
        self.kind == StreamKind::Subtitle
            && matches!(
                self.codec.as_deref(),
                Some("pgs" | "vobsub" | "dvd_subtitle" | "hdmv_pgs_subtitle" | "dvb_subtitle")
            )
    }
}

impl MediaPart {
    /// Subtitles the server keeps in files beside the media, as it lists them.
    pub fn sidecar_subtitles(&self) -> Vec<&MediaStream> {
        self.streams.iter().filter(|s| s.kind == StreamKind::Subtitle && s.key.is_some()).collect()
    }

    /// Tracks of `kind` inside the file, in the file's order (what a
    /// player numbers them by).
    pub fn embedded(&self, kind: StreamKind) -> Vec<&MediaStream> {
        let mut v: Vec<&MediaStream> = self.streams.iter().filter(|s| s.kind == kind && s.key.is_none()).collect();
        v.sort_by_key(|s| s.index.unwrap_or(i64::MAX));
        v
    }

    /// The place among the file's own tracks of `kind` of the one the
    /// server has chosen, if any.
    pub fn chosen_embedded(&self, kind: StreamKind) -> Option<u32> {
        self.embedded(kind).iter().position(|s| s.selected).and_then(|i| u32::try_from(i).ok())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MarkerKind {
    Intro,
    Credits,
    Other,
}

/// A stretch of the item the server recognised (Plex's `Marker`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Marker {
    pub kind: MarkerKind,
    pub start_ms: i64,
    pub end_ms: i64,
    /// The last credits: what comes after is nothing worth waiting for.
    pub is_final: bool,
}

impl Playable {
    /// What a copy the server converted to `size` holds of this item: one
    /// version of one part with the picture and the one audio track the
    /// server put in it (the one chosen when the copy was asked, else the
    /// first), then the subtitle files kept beside it. The original's other
    /// tracks are not in the copy, so a player offers none of them.
    pub fn as_converted(mut self, size: super::VideoSize) -> Self {
        let Some(mut version) = self.media.drain(..).find(|m| !m.parts.is_empty()) else { return self };
        version.parts.truncate(1);
        let part = &mut version.parts[0];
        let video = part.embedded(StreamKind::Video).first().map(|s| (*s).clone());
        let audio = {
            let audio = part.embedded(StreamKind::Audio);
            audio.iter().find(|s| s.selected).or(audio.first()).map(|s| (*s).clone())
        };
        let sidecars: Vec<MediaStream> = part.sidecar_subtitles().into_iter().cloned().collect();
        part.streams = [video, audio]
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, s)| MediaStream { index: i64::try_from(i).ok(), selected: true, ..s })
            .chain(sidecars)
            .collect();
        // Its size and formats are the copy's, not the original's.
        part.size = None;
        part.container = None;
        (version.container, version.video_codec, version.audio_codec) = (None, None, None);
        (version.width, version.height) = (Some(size.width.into()), Some(size.height.into()));
        self.media = vec![version];
        self
    }

    /// The first version and its first part: what a plain Play plays.
    pub fn first_part(&self) -> Option<(usize, &MediaVersion, &MediaPart)> {
        self.media.iter().enumerate().find_map(|(i, m)| m.parts.first().map(|p| (i, m, p)))
    }

    /// The marker (intro or credits) that `position_ms` is in, if any.
    pub fn marker_at(&self, position_ms: i64) -> Option<&Marker> {
        self.markers
            .iter()
            .filter(|m| m.kind != MarkerKind::Other)
            .find(|m| (m.start_ms..m.end_ms).contains(&position_ms))
    }

    pub fn duration_ms(&self) -> Option<i64> {
        self.item.duration_ms.or_else(|| self.media.first().and_then(|m| m.duration_ms))
    }
}

/// The server's settings a player follows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlaybackPrefs {
    /// The fraction past which a video counts as watched.
    pub played_threshold: f64,
    /// How far the transcoder works ahead of the player: a seek further
    /// than this needs a new transcode session.
    pub transcoder_ahead_ms: u64,
}

impl Default for PlaybackPrefs {
    /// Plex's defaults.
    fn default() -> Self {
        Self { played_threshold: 0.9, transcoder_ahead_ms: 60_000 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{ItemKind, VideoSize};

    fn stream(id: i64, kind: StreamKind, index: Option<i64>, selected: bool) -> MediaStream {
        let key = index.is_none().then(|| format!("/library/streams/{id}"));
        MediaStream { id, kind, codec: None, language_code: None, title: None, selected, index, key }
    }

    fn version(id: i64, streams: Vec<MediaStream>) -> MediaVersion {
        MediaVersion {
            id,
            container: Some("mkv".into()),
            video_codec: Some("hevc".into()),
            audio_codec: Some("truehd".into()),
            duration_ms: Some(60_000),
            width: Some(3840),
            height: Some(2160),
            parts: vec![MediaPart {
                id: id * 10,
                key: format!("/library/parts/{id}/1/file.mkv"),
                container: Some("mkv".into()),
                duration_ms: Some(60_000),
                size: Some(9_000_000_000),
                streams,
            }],
        }
    }

    #[test]
    fn a_converted_copy_holds_the_picture_the_chosen_audio_and_the_kept_subtitle_files() {
        use StreamKind::*;
        let original = Playable {
            item: MediaItem::new("7", ItemKind::Movie, "Harbour"),
            media: vec![version(
                1,
                vec![
                    stream(1, Video, Some(0), false),
                    stream(2, Audio, Some(1), false),
                    stream(3, Audio, Some(2), true),
                    stream(4, Subtitle, Some(3), true),
                    stream(5, Subtitle, None, false),
                ],
            )],
            markers: vec![],
        };
        let copy = original.clone().as_converted(VideoSize { width: 854, height: 480, kbps: 2000 });
        let (_, version, part) = copy.first_part().expect("one part");
        let ids = |kind| part.embedded(kind).iter().map(|s| (s.id, s.index)).collect::<Vec<_>>();
        assert_eq!(ids(Video), [(1, Some(0))]);
        assert_eq!(ids(Audio), [(3, Some(1))], "the chosen audio, second in the copy");
        assert!(ids(Subtitle).is_empty(), "no embedded subtitle is in the copy");
        assert_eq!(part.sidecar_subtitles().iter().map(|s| s.id).collect::<Vec<_>>(), [5]);
        assert_eq!(part.chosen_embedded(Audio), Some(0));
        assert_eq!((version.width, version.height, version.video_codec.as_deref()), (Some(854), Some(480), None));
        assert_eq!(part.size, None, "the original's size is not the copy's");
        assert_eq!(copy.item, original.item);

        // Nothing chosen: the first audio track is the one the server took.
        let mut unchosen = original;
        unchosen.media[0].parts[0].streams.iter_mut().for_each(|s| s.selected = false);
        let copy = unchosen.as_converted(VideoSize { width: 1280, height: 720, kbps: 4000 });
        let audio: Vec<i64> = copy.first_part().unwrap().2.embedded(Audio).iter().map(|s| s.id).collect();
        assert_eq!(audio, [2]);
    }
}
