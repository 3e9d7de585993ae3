//! The server's download queue (Plex Media Server 1.41.9 and later): the
//! transcoder makes a copy of an item at the size asked, and the copy is
//! fetched like a part file. An older server answers 404: it has none, and
//! its universal transcoder's offline mode makes the copy while it sends it.

use super::{PlexServerClient, API_TIMEOUT, DOWNLOAD_TIMEOUT};
use crate::backends::plex::types::{lenient_i64, Envelope};
use crate::error::{Error, Result};
use crate::http::{check_status, host_of, parse_json, read_limited, DEFAULT_BODY_LIMIT};
use crate::models::VideoSize;
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use tracing::{info_span, Instrument};

/// How a copy on the server stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conversion {
    /// Deciding how, or waiting for the transcoder.
    Waiting,
    /// Being made.
    Working,
    /// Made: its media can be fetched.
    Available,
    /// The transcoder could not make it.
    Failed,
    /// Made, then let go by the server (or no longer in the queue): asked for again.
    Gone,
}

#[derive(Debug, Deserialize)]
struct QueueContainer {
    #[serde(rename = "DownloadQueue", default)]
    queues: Vec<QueueWire>,
}

#[derive(Debug, Deserialize)]
struct QueueWire {
    #[serde(default, deserialize_with = "lenient_i64")]
    id: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct AddedContainer {
    #[serde(rename = "AddedQueueItems", default)]
    added: Vec<QueueWire>,
}

#[derive(Debug, Deserialize)]
struct ItemsContainer {
    #[serde(rename = "DownloadQueueItem", default)]
    items: Vec<ItemWire>,
}

#[derive(Debug, Deserialize)]
struct ItemWire {
    #[serde(default, deserialize_with = "lenient_i64")]
    id: Option<i64>,
    #[serde(default)]
    status: String,
}

fn positive(id: Option<i64>) -> Option<u64> {
    id.and_then(|i| u64::try_from(i).ok()).filter(|i| *i > 0)
}

impl PlexServerClient {
    /// A request to the download queue; None when the server has none (404).
    async fn queue_call<T: DeserializeOwned>(&self, method: Method, path: &str) -> Result<Option<T>> {
        let url = self.url(path)?;
        let resp = self
            .http
            .send(self.http.request(method, &url, Some(&self.token), API_TIMEOUT), &url)
            .instrument(info_span!("pms_download_queue", host = %host_of(&url), path = %url.path()))
            .await?;
        let status = resp.status();
        if status == StatusCode::NOT_FOUND {
            return Ok(None);
        }
        let body = read_limited(resp, &url, DEFAULT_BODY_LIMIT).await?;
        check_status(status, &url, &body)?;
        let env: Envelope<T> = parse_json(&url, &body)?;
        Ok(Some(env.media_container))
    }

    /// This client's download queue on the server (made the first time);
    /// None when the server has no download queue.
    pub async fn download_queue(&self) -> Result<Option<u64>> {
        let Some(c) = self.queue_call::<QueueContainer>(Method::POST, "/downloadQueue").await? else { return Ok(None) };
        let id = c.queues.first().and_then(|q| positive(q.id));
        let url = self.url("/downloadQueue")?;
        id.map(Some).ok_or_else(|| Error::BadResponse { host: host_of(&url), reason: "a download queue without its id".into() })
    }

    /// Asks for a copy of `rating_key` at `size` in `queue`: the entry's id
    /// (None: the queue is gone).
    pub async fn convert_for_download(&self, queue: u64, rating_key: &str, size: VideoSize) -> Result<Option<u64>> {
        let key = super::urlencode(&format!("/library/metadata/{rating_key}"));
        let path = format!(
            "/downloadQueue/{queue}/add?keys={key}&mediaIndex=0&partIndex=0&protocol=http&container=mkv\
             &videoResolution={}x{}&maxVideoBitrate={}&videoQuality=100&directPlay=0&directStream=1\
             &directStreamAudio=1&subtitles=burn",
            size.width, size.height, size.kbps
        );
        let Some(c) = self.queue_call::<AddedContainer>(Method::POST, &path).await? else { return Ok(None) };
        let url = self.url(&path)?;
        let id = c.added.first().and_then(|a| positive(a.id));
        id.map(Some).ok_or_else(|| Error::BadResponse { host: host_of(&url), reason: "a download without its entry".into() })
    }

    /// How entry `item` of `queue` stands.
    pub async fn conversion(&self, queue: u64, item: u64) -> Result<Conversion> {
        let path = format!("/downloadQueue/{queue}/items");
        let Some(c) = self.queue_call::<ItemsContainer>(Method::GET, &path).await? else { return Ok(Conversion::Gone) };
        let Some(entry) = c.items.into_iter().find(|i| positive(i.id) == Some(item)) else { return Ok(Conversion::Gone) };
        Ok(match entry.status.as_str() {
            "available" => Conversion::Available,
            "processing" => Conversion::Working,
            "error" => Conversion::Failed,
            "expired" => Conversion::Gone,
            // `deciding`, `waiting`, and whatever a newer server adds.
            _ => Conversion::Waiting,
        })
    }

    /// The copy made for entry `item` of `queue`, from byte `from` on.
    /// Answered as it comes: a 503 (with `Retry-After`) while it is being
    /// made is the caller's to wait on.
    pub async fn converted(&self, queue: u64, item: u64, from: u64) -> Result<reqwest::Response> {
        let url = self.url(&format!("/downloadQueue/{queue}/item/{item}/media"))?;
        self.file_from(&url, from, true).await
    }

    /// A copy of `rating_key` at `size` from the universal transcoder's
    /// offline mode (servers before the download queue): sent whole, as
    /// fast as the server makes it, from the start every time (a
    /// transcode has no byte ranges). A 404 says the server has no
    /// transcoder.
    pub async fn offline_transcode(&self, rating_key: &str, size: VideoSize) -> Result<reqwest::Response> {
        let key = super::urlencode(&format!("/library/metadata/{rating_key}"));
        let session = uuid::Uuid::new_v4().simple().to_string();
        let url = self.url(&format!(
            "/video/:/transcode/universal/start.mkv?path={key}&offlineTranscode=1&download=1&protocol=http\
             &mediaIndex=0&partIndex=0&directPlay=0&directStream=1&directStreamAudio=1&videoQuality=100\
             &videoResolution={}x{}&maxVideoBitrate={}&subtitles=burn&session={session}",
            size.width, size.height, size.kbps
        ))?;
        let rb = self.http.request(Method::GET, &url, Some(&self.token), DOWNLOAD_TIMEOUT);
        let resp = self
            .http
            .send(rb, &url)
            .instrument(info_span!("pms_offline_transcode", host = %host_of(&url), path = %url.path()))
            .await?;
        let status = resp.status();
        if status.is_success() {
            return Ok(resp);
        }
        let body = read_limited(resp, &url, DEFAULT_BODY_LIMIT).await?;
        check_status(status, &url, &body)?;
        Err(Error::Http { host: host_of(&url), status: status.as_u16(), message: None })
    }
}
