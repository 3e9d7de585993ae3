//! Playlists on the server (`/playlists`): listed, read with their items
//! (each with its `playlistItemID`), made, added to, reordered, emptied of
//! an item, deleted. Smart playlists are listed and played like the others;
//! their items are the server's to choose, so Reel does not change them.

use super::{urlencode, PlexServerClient, API_TIMEOUT, LIBRARY};
use crate::backends::plex::types::{lenient_i64, lenient_string, Envelope, WireItem};
use crate::error::{Error, Result};
use crate::http::{check_status, host_of, parse_json, read_limited, DEFAULT_BODY_LIMIT};
use crate::models::{Playlist, PlaylistEntry};
use reqwest::Method;
use serde::Deserialize;
use tracing::{info_span, Instrument};

#[derive(Debug, Deserialize)]
struct ListsContainer {
    #[serde(rename = "Metadata", default)]
    metadata: Vec<WirePlaylist>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WirePlaylist {
    #[serde(deserialize_with = "lenient_string")]
    rating_key: String,
    #[serde(default, deserialize_with = "lenient_string")]
    title: String,
    #[serde(default, deserialize_with = "lenient_string")]
    playlist_type: String,
    #[serde(default)]
    smart: serde_json::Value,
    #[serde(default, deserialize_with = "lenient_i64")]
    leaf_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_i64")]
    duration: Option<i64>,
    #[serde(default)]
    composite: Option<String>,
}

impl From<WirePlaylist> for Playlist {
    fn from(w: WirePlaylist) -> Self {
        Playlist {
            id: w.rating_key,
            title: w.title,
            audio: w.playlist_type == "audio",
            smart: w.smart.as_bool().unwrap_or(false) || w.smart.as_i64() == Some(1),
            items: w.leaf_count.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
            duration_ms: w.duration.filter(|d| *d > 0),
            thumb: w.composite,
        }
    }
}

#[derive(Debug, Deserialize)]
struct ItemsContainer {
    #[serde(rename = "Metadata", default)]
    metadata: Vec<ListedWire>,
}

#[derive(Debug, Deserialize)]
struct ListedWire {
    #[serde(rename = "playlistItemID", default, deserialize_with = "lenient_i64")]
    entry_id: Option<i64>,
    #[serde(flatten)]
    item: WireItem,
}

impl PlexServerClient {
    fn items_uri(machine_id: &str, rating_keys: &[&str]) -> String {
        format!("server://{machine_id}/{LIBRARY}/library/metadata/{}", rating_keys.join(","))
    }

    /// Sends a playlist request; its answer (a container) is read as `T`.
    async fn playlist_request<T: serde::de::DeserializeOwned>(&self, method: Method, path: &str) -> Result<T> {
        let url = self.url(path)?;
        let resp = self
            .http
            .send(self.http.request(method, &url, Some(&self.token), API_TIMEOUT), &url)
            .instrument(info_span!("pms_playlist", host = %host_of(&url), path = %url.path()))
            .await?;
        let status = resp.status();
        let body = read_limited(resp, &url, DEFAULT_BODY_LIMIT).await?;
        check_status(status, &url, &body)?;
        let env: Envelope<T> = parse_json(&url, &body)?;
        Ok(env.media_container)
    }

    fn entries(url_host: String, c: ItemsContainer) -> Result<Vec<PlaylistEntry>> {
        c.metadata
            .into_iter()
            .map(|w| {
                let id = w.entry_id.and_then(|i| u64::try_from(i).ok()).ok_or_else(|| Error::BadResponse {
                    host: url_host.clone(),
                    reason: "a playlist item without its id".into(),
                })?;
                Ok(PlaylistEntry { id, item: w.item.into() })
            })
            .collect()
    }

    /// Every playlist of the server's owner (music and video).
    pub async fn playlists(&self) -> Result<Vec<Playlist>> {
        let c: ListsContainer = self.playlist_request(Method::GET, "/playlists").await?;
        Ok(c.metadata.into_iter().map(Into::into).collect())
    }

    pub async fn playlist_items(&self, id: &str) -> Result<Vec<PlaylistEntry>> {
        let path = format!("/playlists/{}/items", urlencode(id));
        let c: ItemsContainer = self.playlist_request(Method::GET, &path).await?;
        Self::entries(self.host(), c)
    }

    /// A new playlist named `title` holding `rating_keys` (music: `audio`).
    pub async fn create_playlist(
        &self,
        machine_id: &str,
        title: &str,
        audio: bool,
        rating_keys: &[&str],
    ) -> Result<Playlist> {
        let ty = if audio { "audio" } else { "video" };
        let mut path = format!("/playlists?type={ty}&title={}&smart=0", urlencode(title));
        if !rating_keys.is_empty() {
            path.push_str(&format!("&uri={}", urlencode(&Self::items_uri(machine_id, rating_keys))));
        }
        let c: ListsContainer = self.playlist_request(Method::POST, &path).await?;
        c.metadata.into_iter().next().map(Into::into).ok_or_else(|| Error::BadResponse {
            host: self.host(),
            reason: "the new playlist was not in the answer".into(),
        })
    }

    /// Adds `rating_keys` at the end of playlist `id`; its items as they are now.
    pub async fn add_to_playlist(
        &self,
        id: &str,
        machine_id: &str,
        rating_keys: &[&str],
    ) -> Result<Vec<PlaylistEntry>> {
        let uri = urlencode(&Self::items_uri(machine_id, rating_keys));
        let path = format!("/playlists/{}/items?uri={uri}", urlencode(id));
        let c: ItemsContainer = self.playlist_request(Method::PUT, &path).await?;
        Self::entries(self.host(), c)
    }

    /// Moves an entry after another (`None`: to the top).
    pub async fn move_in_playlist(&self, id: &str, entry: u64, after: Option<u64>) -> Result<Vec<PlaylistEntry>> {
        let mut path = format!("/playlists/{}/items/{entry}/move", urlencode(id));
        if let Some(after) = after {
            path.push_str(&format!("?after={after}"));
        }
        let c: ItemsContainer = self.playlist_request(Method::PUT, &path).await?;
        Self::entries(self.host(), c)
    }

    pub async fn remove_from_playlist(&self, id: &str, entry: u64) -> Result<Vec<PlaylistEntry>> {
        let path = format!("/playlists/{}/items/{entry}", urlencode(id));
        let c: ItemsContainer = self.playlist_request(Method::DELETE, &path).await?;
        Self::entries(self.host(), c)
    }

    fn host(&self) -> String {
        self.url("/").map(|u| host_of(&u)).unwrap_or_default()
    }
}
