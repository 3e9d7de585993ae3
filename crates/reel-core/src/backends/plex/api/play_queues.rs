//! Play queues on the server (`/playQueues`): made from an item (an album,
//! an artist, a season, a track), read back, and changed; every answer is
//! the whole queue as it is now.

use super::{urlencode, PlexServerClient, API_TIMEOUT, LIBRARY};
use crate::backends::plex::types::{lenient_i64, Envelope, WireItem};
use crate::error::{Error, Result};
use crate::http::{check_status, host_of, parse_json, read_limited, DEFAULT_BODY_LIMIT};
use crate::models::{ItemKind, PlayQueue, QueueEntry, QueuePlace};
use reqwest::Method;
use serde::Deserialize;
use tracing::{info_span, Instrument};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueueContainer {
    #[serde(rename = "playQueueID", default, deserialize_with = "lenient_i64")]
    id: Option<i64>,
    #[serde(rename = "playQueueVersion", default, deserialize_with = "lenient_i64")]
    version: Option<i64>,
    #[serde(rename = "playQueueSelectedItemID", default, deserialize_with = "lenient_i64")]
    selected: Option<i64>,
    #[serde(rename = "playQueueShuffled", default)]
    shuffled: serde_json::Value,
    #[serde(rename = "Metadata", default)]
    metadata: Vec<QueuedWire>,
}

#[derive(Debug, Deserialize)]
struct QueuedWire {
    #[serde(rename = "playQueueItemID", default, deserialize_with = "lenient_i64")]
    queue_item_id: Option<i64>,
    #[serde(flatten)]
    item: WireItem,
}

impl TryFrom<QueueContainer> for PlayQueue {
    type Error = String;
    fn try_from(c: QueueContainer) -> std::result::Result<Self, String> {
        let id = c.id.and_then(|i| u64::try_from(i).ok()).ok_or("a play queue without its id")?;
        let entries = c
            .metadata
            .into_iter()
            .map(|w| {
                let id = w.queue_item_id.and_then(|i| u64::try_from(i).ok()).ok_or("a queue entry without its id")?;
                Ok(QueueEntry { id, item: w.item.into() })
            })
            .collect::<std::result::Result<Vec<_>, String>>()?;
        let selected = c.selected.and_then(|s| u64::try_from(s).ok()).or(entries.first().map(|e| e.id)).unwrap_or(0);
        let shuffled = c.shuffled.as_bool().unwrap_or(false) || c.shuffled.as_i64() == Some(1);
        Ok(PlayQueue {
            id,
            version: c.version.and_then(|v| u32::try_from(v).ok()).unwrap_or(0),
            selected,
            shuffled,
            entries,
        })
    }
}

impl PlexServerClient {
    /// Sends a play-queue request and reads the queue it answers with.
    async fn queue_request(&self, method: Method, path: &str) -> Result<PlayQueue> {
        let url = self.url(path)?;
        let resp = self
            .http
            .send(self.http.request(method, &url, Some(&self.token), API_TIMEOUT), &url)
            .instrument(info_span!("pms_play_queue", host = %host_of(&url), path = %url.path()))
            .await?;
        let status = resp.status();
        let body = read_limited(resp, &url, DEFAULT_BODY_LIMIT).await?;
        check_status(status, &url, &body)?;
        let env: Envelope<QueueContainer> = parse_json(&url, &body)?;
        PlayQueue::try_from(env.media_container).map_err(|reason| Error::BadResponse { host: host_of(&url), reason })
    }

    fn item_uri(machine_id: &str, rating_key: &str) -> String {
        format!("server://{machine_id}/{LIBRARY}/library/metadata/{rating_key}")
    }

    /// A new queue of everything `rating_key` plays (an album's tracks, an
    /// artist's, a season's episodes…), starting at `start` when given,
    /// shuffled when asked. `kind` says audio or video.
    pub async fn create_play_queue(
        &self,
        machine_id: &str,
        rating_key: &str,
        kind: ItemKind,
        start: Option<&str>,
        shuffle: bool,
    ) -> Result<PlayQueue> {
        self.create_queue_of_uri(&Self::item_uri(machine_id, rating_key), kind.is_music(), start, shuffle).await
    }

    /// A new queue of what `uri` names (`server://…`), from `start`.
    pub(super) async fn create_queue_of_uri(
        &self,
        uri: &str,
        audio: bool,
        start: Option<&str>,
        shuffle: bool,
    ) -> Result<PlayQueue> {
        let source = format!("uri={}", urlencode(uri));
        self.create_queue(&source, audio, start, shuffle).await
    }

    /// A new queue of a playlist's items, in its order (shuffled when asked),
    /// from `start` when given.
    pub async fn create_playlist_queue(
        &self,
        playlist: &str,
        audio: bool,
        start: Option<&str>,
        shuffle: bool,
    ) -> Result<PlayQueue> {
        self.create_queue(&format!("playlistID={}", urlencode(playlist)), audio, start, shuffle).await
    }

    /// `POST /playQueues` of `source` (`uri=…` or `playlistID=…`).
    async fn create_queue(&self, source: &str, audio: bool, start: Option<&str>, shuffle: bool) -> Result<PlayQueue> {
        let ty = if audio { "audio" } else { "video" };
        let mut path = format!(
            "/playQueues?type={ty}&{source}&shuffle={}&repeat=0&continuous=0&includeChapters=0",
            u8::from(shuffle)
        );
        if let Some(start) = start {
            path.push_str(&format!("&key={}", urlencode(&format!("/library/metadata/{start}"))));
        }
        self.queue_request(Method::POST, &path).await
    }

    pub async fn play_queue(&self, id: u64) -> Result<PlayQueue> {
        self.queue_request(Method::GET, &format!("/playQueues/{id}")).await
    }

    /// Adds everything `rating_key` plays, after the entry playing or at the end.
    pub async fn add_to_play_queue(
        &self,
        id: u64,
        machine_id: &str,
        rating_key: &str,
        place: QueuePlace,
    ) -> Result<PlayQueue> {
        let uri = urlencode(&Self::item_uri(machine_id, rating_key));
        let next = u8::from(place == QueuePlace::Next);
        self.queue_request(Method::PUT, &format!("/playQueues/{id}?uri={uri}&next={next}")).await
    }

    /// Moves an entry after another (`None`: to the start).
    pub async fn move_in_play_queue(&self, id: u64, entry: u64, after: Option<u64>) -> Result<PlayQueue> {
        let mut path = format!("/playQueues/{id}/items/{entry}/move");
        if let Some(after) = after {
            path.push_str(&format!("?after={after}"));
        }
        self.queue_request(Method::PUT, &path).await
    }

    pub async fn remove_from_play_queue(&self, id: u64, entry: u64) -> Result<PlayQueue> {
        self.queue_request(Method::DELETE, &format!("/playQueues/{id}/items/{entry}")).await
    }
}
