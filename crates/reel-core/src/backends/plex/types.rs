//! Plex's JSON as sent on the wire. Lenient on purpose: real servers send ids
//! as strings or numbers and booleans as true/1/"1", and fields come and go.

pub use crate::models::Hub;
use crate::models::{
    Connection, ItemKind, Marker, MarkerKind, MediaItem, MediaPart, MediaStream, MediaVersion, Playable, Section,
    SectionKind, StreamKind,
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Bool(b) => b,
        Value::Number(n) => n.as_i64().unwrap_or(0) != 0,
        Value::String(s) => matches!(s.as_str(), "1" | "true"),
        _ => false,
    })
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

fn lenient_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.parse().ok(),
        _ => None,
    })
}

fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

#[derive(Debug, Deserialize)]
pub struct Envelope<T> {
    #[serde(rename = "MediaContainer")]
    pub media_container: T,
}

/// One device from plex.tv's `/api/v2/resources`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlexResource {
    #[serde(default, deserialize_with = "lenient_string")]
    pub name: String,
    #[serde(deserialize_with = "lenient_string")]
    pub client_identifier: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub provides: String,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub owned: bool,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub access_token: Option<String>,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub https_required: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub presence: bool,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub product_version: Option<String>,
    #[serde(default)]
    pub connections: Vec<WireConnection>,
}

impl PlexResource {
    pub fn is_server(&self) -> bool {
        self.provides.split(',').any(|p| p.trim() == "server")
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireConnection {
    #[serde(default, deserialize_with = "lenient_string")]
    pub protocol: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub address: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub port: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub uri: String,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub local: bool,
    #[serde(default, deserialize_with = "lenient_bool")]
    pub relay: bool,
    #[serde(default, rename = "IPv6", deserialize_with = "lenient_bool")]
    pub ipv6: bool,
}

impl From<WireConnection> for Connection {
    fn from(w: WireConnection) -> Self {
        Connection {
            uri: w.uri.trim_end_matches('/').to_string(),
            protocol: w.protocol,
            address: w.address,
            port: w.port.and_then(|p| u16::try_from(p).ok()).unwrap_or(0),
            local: w.local,
            relay: w.relay,
            ipv6: w.ipv6,
            fallback_for: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlexUser {
    #[serde(default, deserialize_with = "lenient_string")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub uuid: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub username: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub email: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub thumb: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WirePin {
    pub id: u64,
    #[serde(deserialize_with = "lenient_string")]
    pub code: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub expires_in: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub expires_at: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub auth_token: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Identity {
    #[serde(deserialize_with = "lenient_string")]
    pub machine_identifier: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub version: Option<String>,
}

/// `GET /` on a server: what it calls itself.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerRoot {
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub friendly_name: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct SectionsContainer {
    #[serde(rename = "Directory", default)]
    pub directory: Vec<WireSection>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WireSection {
    #[serde(deserialize_with = "lenient_string")]
    pub key: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: String,
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub uuid: Option<String>,
    #[serde(default, rename = "updatedAt", deserialize_with = "lenient_i64")]
    pub updated_at: Option<i64>,
    #[serde(default, rename = "scannedAt", deserialize_with = "lenient_i64")]
    pub scanned_at: Option<i64>,
    #[serde(default, rename = "contentChangedAt", deserialize_with = "lenient_i64")]
    pub content_changed_at: Option<i64>,
}

impl From<WireSection> for Section {
    fn from(w: WireSection) -> Self {
        let marks = [w.updated_at, w.scanned_at, w.content_changed_at];
        let version = marks
            .iter()
            .any(Option::is_some)
            .then(|| marks.map(|m| m.map(|v| v.to_string()).unwrap_or_default()).join(":"));
        Section { key: w.key.into(), title: w.title, kind: SectionKind::from_plex(&w.kind), uuid: w.uuid, version }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemsContainer {
    #[serde(default, deserialize_with = "lenient_i64")]
    pub size: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub total_size: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub offset: Option<i64>,
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<WireItem>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireItem {
    #[serde(deserialize_with = "lenient_string")]
    pub rating_key: String,
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub year: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub index: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub summary: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub thumb: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub duration: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub view_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub view_offset: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub leaf_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub viewed_leaf_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub parent_title: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub grandparent_title: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    pub added_at: Option<i64>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub parent_rating_key: Option<String>,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    pub grandparent_rating_key: Option<String>,
}

impl From<WireItem> for MediaItem {
    fn from(w: WireItem) -> Self {
        MediaItem {
            rating_key: w.rating_key.into(),
            kind: ItemKind::from_plex(&w.kind),
            title: w.title,
            year: w.year.and_then(|y| i32::try_from(y).ok()),
            index: w.index,
            summary: w.summary,
            thumb: w.thumb,
            duration_ms: w.duration,
            view_count: w.view_count.unwrap_or(0),
            view_offset_ms: w.view_offset.unwrap_or(0),
            leaf_count: w.leaf_count,
            viewed_leaf_count: w.viewed_leaf_count,
            parent_title: w.parent_title,
            grandparent_title: w.grandparent_title,
            added_at: w.added_at,
            parent_key: w.parent_rating_key.map(Into::into),
            grandparent_key: w.grandparent_rating_key.map(Into::into),
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct HubsContainer {
    #[serde(rename = "Hub", default)]
    pub hub: Vec<WireHub>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WireHub {
    #[serde(default, deserialize_with = "lenient_string")]
    pub hub_identifier: String,
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: String,
    #[serde(rename = "type", default, deserialize_with = "lenient_string")]
    pub kind: String,
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<WireItem>,
}

impl From<WireHub> for Hub {
    fn from(w: WireHub) -> Self {
        Hub { id: w.hub_identifier, title: w.title, items: w.metadata.into_iter().map(Into::into).collect() }
    }
}

/// `/library/metadata/{key}?includeMarkers=1`: the item with what playing it needs.
#[derive(Debug, Deserialize)]
pub struct PlayableContainer {
    #[serde(rename = "Metadata", default)]
    pub metadata: Vec<WirePlayable>,
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
