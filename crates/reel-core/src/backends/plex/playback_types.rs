//! Plex's JSON for playing an item: its media, parts, streams and markers
//! (`includeMarkers=1`), and the server settings a player reads
//! (`/:/prefs`). As lenient as the rest of [`super::types`].

use super::types::{lenient_bool, lenient_i64, lenient_opt_string, lenient_string, WireItem};
use crate::models::{Marker, MarkerKind, MediaPart, MediaStream, MediaVersion, Playable, StreamKind};
use serde::Deserialize;
use serde_json::Value;

/// `/library/metadata/{key}?includeMarkers=1`: the item with what playing it needs.
#[derive(Debug, Deserialize)]
pub struct PlayableContainer {
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<WirePlayable>,
    /// Whether the owner lets this user download it (absent: Plex's
    /// default, allowed).
    #[serde(rename = "allowSync", default = "allowed", deserialize_with = "lenient_bool")]
    pub allow_sync: bool,
}

fn allowed() -> bool {
    true
}

#[derive(Debug, Deserialize)]
pub struct WirePlayable {
    #[serde(flatten)]
    pub item: WireItem,
    #[serde(rename = "Media", default)]
    pub media: Vec<WireMedia>,
    #[serde(rename = "Marker", default)]
    pub markers: Vec<WireMarker>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMedia {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub container: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub video_codec: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub audio_codec: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub duration: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub width: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub height: Option<i64>,
    #[serde(rename = "Part", default)]
    pub parts: Vec<WirePart>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePart {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub key: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub container: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub duration: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub size: Option<i64>,
    #[serde(rename = "Stream", default)]
    pub streams: Vec<WireStream>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireStream {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub id: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub stream_type: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub codec: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub language_code: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub display_title: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub selected: bool,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub index: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub key: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireMarker {
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub start_time_offset: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub end_time_offset: Option<i64>,
    #[serde(rename = "final", default, deserialize_with = "lenient_bool")]
    pub is_final: bool,
}

impl From<WirePlayable> for Playable {
    fn from(w: WirePlayable) -> Self {
        let media = w
            .media
            .into_iter()
            .map(|m| MediaVersion {
                id: m.id.unwrap_or(0),
                container: m.container,
                video_codec: m.video_codec,
                audio_codec: m.audio_codec,
                duration_ms: m.duration,
                width: m.width,
                height: m.height,
                // A part without a key cannot be fetched: it is not offered.
                parts: m.parts.into_iter().filter(|p| p.key.starts_with('/')).map(Into::into).collect(),
            })
            .collect();
        let markers = w
            .markers
            .into_iter()
            .filter_map(|m| {
                let (start_ms, end_ms) = (m.start_time_offset?, m.end_time_offset?);
                let kind = match m.kind.as_str() {
                    "intro" => MarkerKind::Intro,
                    "credits" => MarkerKind::Credits,
                    _ => MarkerKind::Other,
                };
                (end_ms > start_ms).then_some(Marker { kind, start_ms, end_ms, is_final: m.is_final })
            })
            .collect();
        Playable { item: w.item.into(), media, markers }
    }
}

impl From<WirePart> for MediaPart {
    fn from(p: WirePart) -> Self {
        MediaPart {
            id: p.id.unwrap_or(0),
            key: p.key,
            container: p.container,
            duration_ms: p.duration,
            size: p.size.and_then(|s| u64::try_from(s).ok()),
            streams: p
                .streams
                .into_iter()
                .filter_map(|s| {
                    Some(MediaStream {
                        id: s.id?,
                        kind: StreamKind::from_plex(s.stream_type.unwrap_or(0)),
                        codec: s.codec,
                        language_code: s.language_code,
                        title: s.display_title,
                        selected: s.selected,
                        index: s.index,
                        key: s.key,
                    })
                })
                .collect(),
        }
    }
}

/// `GET /:/prefs`: the server's settings, of which Reel reads a few.
#[derive(Debug, Deserialize)]
pub struct PrefsContainer {
    #[serde(rename = "Setting", default)]
    pub settings: Vec<WireSetting>,
}

#[derive(Debug, Deserialize)]
pub struct WireSetting {
    #[serde(default, deserialize_with = "lenient_string")]
    pub id: String,
    #[serde(default)]
    pub value: Value,
}
