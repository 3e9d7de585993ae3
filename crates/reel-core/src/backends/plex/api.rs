//! A Plex Media Server at one chosen URL, with that server's own token.

use super::playback_types::{PlayableContainer, PrefsContainer};
use super::types::{
    DetailsContainer, Envelope, Hub, HubsContainer, Identity, ItemsContainer, SectionsContainer, ServerRoot, WireDetailed,
};
use crate::error::{Error, Result};
use crate::http::{check_status, host_of, parse_json, read_limited, HttpClient};
use crate::models::{MediaItem, Page, Playable, PlaybackPrefs, Section, ServerAction};
use crate::services::playback::TranscodeRequest;
use crate::token::Token;
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::time::Duration;
use tracing::{info_span, Instrument};
use url::Url;

mod browse;
mod collections;
mod download_queue;
mod play_queues;
mod playlists;
mod search;

pub use download_queue::Conversion;

/// The library's identifier in Plex's item URIs and scrobbles.
const LIBRARY: &str = "com.plexapp.plugins.library";

const API_TIMEOUT: Duration = Duration::from_secs(30);
/// A whole download may take hours; a stalled one is noticed by its reader.
const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(24 * 3600);
/// An identity answer is tiny; anything big is not a Plex server.
const IDENTITY_LIMIT: usize = 64 << 10;
/// A subtitle file of a long film is well under this.
const SIDECAR_LIMIT: usize = 16 << 20;
/// A poster is well under this; more is not a poster.
const IMAGE_LIMIT: usize = 8 << 20;

#[derive(Clone)]
pub struct PlexServerClient {
    http: HttpClient,
    base: Url,
    token: Token,
}

impl PlexServerClient {
    pub fn new(http: HttpClient, base_url: &str, token: Token) -> Result<Self> {
        let base = Url::parse(base_url).map_err(|_| Error::NotAServerAddress { address: base_url.to_string() })?;
        Ok(Self { http, base, token })
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    fn url(&self, path_and_query: &str) -> Result<Url> {
        self.base.join(path_and_query).map_err(|e| Error::Internal(format!("{path_and_query}: {e}")))
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T> {
        let url = self.url(path)?;
        let env: Envelope<T> = self
            .http
            .get_json(&url, Some(&self.token), API_TIMEOUT)
            .instrument(info_span!("pms_get", host = %host_of(&url), path = %url.path()))
            .await?;
        Ok(env.media_container)
    }

    /// `GET /identity`, without a token: which server answers at `base`.
    pub async fn identity_at(http: &HttpClient, base: &Url, timeout: Duration) -> Result<Identity> {
        let url = base.join("/identity").map_err(|e| Error::Internal(e.to_string()))?;
        let resp = http.send(http.request(Method::GET, &url, None, timeout), &url).await?;
        let status = resp.status();
        let body = read_limited(resp, &url, IDENTITY_LIMIT).await?;
        check_status(status, &url, &body)?;
        let env: Envelope<Identity> = parse_json(&url, &body)?;
        Ok(env.media_container)
    }

    pub async fn identity(&self) -> Result<Identity> {
        Self::identity_at(&self.http, &self.base, API_TIMEOUT).await
    }

    /// The server's own name (`GET /`, which needs a valid token).
    pub async fn friendly_name(&self) -> Result<Option<String>> {
        let root: ServerRoot = self.get("/").await?;
        Ok(root.friendly_name.filter(|n| !n.trim().is_empty()))
    }

    pub async fn sections(&self) -> Result<Vec<Section>> {
        let c: SectionsContainer = self.get("/library/sections").await?;
        Ok(c.directory.into_iter().map(Into::into).collect())
    }

    /// One page of a section's top-level items.
    pub async fn items(&self, section_key: &str, offset: usize, size: usize) -> Result<Page<MediaItem>> {
        let path = format!(
            "/library/sections/{}/all?X-Plex-Container-Start={offset}&X-Plex-Container-Size={size}",
            urlencode(section_key)
        );
        let c: ItemsContainer = self.get(&path).await?;
        let items: Vec<MediaItem> = c.metadata.into_iter().map(Into::into).collect();
        let total = c.total_size.and_then(|t| usize::try_from(t).ok()).unwrap_or(offset + items.len());
        Ok(Page { offset: c.offset.and_then(|o| usize::try_from(o).ok()).unwrap_or(offset), total, items })
    }

    /// Every item of a section, page by page.
    pub async fn all_items(&self, section_key: &str, page_size: usize) -> Result<Vec<MediaItem>> {
        let mut out = Vec::new();
        loop {
            let page = self.items(section_key, out.len(), page_size).await?;
            let got = page.items.len();
            out.extend(page.items);
            if got == 0 || out.len() >= page.total {
                return Ok(out);
            }
        }
    }

    /// The item alone (what holds a download, to keep its pictures).
    pub async fn metadata(&self, rating_key: &str) -> Result<Option<MediaItem>> {
        let c: ItemsContainer = self.get(&format!("/library/metadata/{}", urlencode(rating_key))).await?;
        Ok(c.metadata.into_iter().next().map(Into::into))
    }

    /// The item and what its page tells beyond its listing (cast, crew,
    /// ratings, tagline).
    pub async fn details(&self, rating_key: &str) -> Result<Option<(MediaItem, crate::models::ItemDetails)>> {
        let c: DetailsContainer = self.get(&format!("/library/metadata/{}", urlencode(rating_key))).await?;
        Ok(c.metadata.into_iter().next().map(WireDetailed::split))
    }

    /// The item with its media, parts, streams and markers: what playing it needs.
    pub async fn playable(&self, rating_key: &str) -> Result<Option<Playable>> {
        Ok(self.playable_to_keep(rating_key).await?.map(|(p, _)| p))
    }

    /// As [`playable`](Self::playable), with whether the owner lets this
    /// user download it (`allowSync`).
    pub async fn playable_to_keep(&self, rating_key: &str) -> Result<Option<(Playable, bool)>> {
        let path = format!("/library/metadata/{}?includeMarkers=1", urlencode(rating_key));
        let c: PlayableContainer = self.get(&path).await?;
        let allowed = c.allow_sync;
        Ok(c.metadata.into_iter().next().map(|p| (p.into(), allowed)))
    }

    /// The server's settings a player follows: how far into a video it
    /// counts as watched (`LibraryVideoPlayedThreshold`, percent; 90 when
    /// unsaid) and how far its transcoder works ahead of the player
    /// (`TranscoderThrottleBuffer`, seconds; 60 when unsaid).
    pub async fn playback_prefs(&self) -> Result<PlaybackPrefs> {
        let c: PrefsContainer = self.get("/:/prefs").await?;
        let number = |id: &str| {
            c.settings
                .iter()
                .find(|s| s.id == id)
                .and_then(|s| s.value.as_f64().or_else(|| s.value.as_str().and_then(|v| v.parse().ok())))
        };
        let percent = number("LibraryVideoPlayedThreshold").filter(|p| (1.0..=100.0).contains(p)).unwrap_or(90.0);
        let ahead = number("TranscoderThrottleBuffer").filter(|s| (1.0..=3600.0).contains(s)).unwrap_or(60.0);
        Ok(PlaybackPrefs { played_threshold: percent / 100.0, transcoder_ahead_ms: (ahead * 1000.0) as u64 })
    }

    /// Saves the audio or subtitle choice for a part on the server
    /// (`PUT /library/parts/{id}`; subtitle 0 = none), so every Plex app
    /// starts with it next time.
    /// A subtitle file beside a part (`key`: the stream's server path,
    /// `/library/streams/{id}`): its bytes.
    pub async fn sidecar(&self, key: &str) -> Result<Vec<u8>> {
        let url = self.url(key)?;
        // A path on this server only: never a URL that leads elsewhere.
        if url.origin() != self.base.origin() {
            return Err(Error::BadResponse {
                host: crate::http::host_of(&self.base),
                reason: format!("{key} is not a path on this server"),
            });
        }
        let resp = self
            .http
            .send(self.http.request(Method::GET, &url, Some(&self.token), API_TIMEOUT), &url)
            .instrument(info_span!("pms_sidecar", host = %host_of(&url), path = %url.path()))
            .await?;
        let status = resp.status();
        let body = read_limited(resp, &url, SIDECAR_LIMIT).await?;
        check_status(status, &url, &body)?;
        Ok(body)
    }

    pub async fn choose_stream(&self, part_id: i64, audio: Option<i64>, subtitle: Option<i64>) -> Result<()> {
        let query = {
            let mut q = url::form_urlencoded::Serializer::new(String::new());
            if let Some(a) = audio {
                q.append_pair("audioStreamID", &a.to_string());
            }
            if let Some(s) = subtitle {
                q.append_pair("subtitleStreamID", &s.to_string());
            }
            q.append_pair("allParts", "1");
            q.finish()
        };
        let url = self.url(&format!("/library/parts/{part_id}?{query}"))?;
        let resp = self
            .http
            .send(self.http.request(Method::PUT, &url, Some(&self.token), API_TIMEOUT), &url)
            .instrument(info_span!("pms_stream_choice", host = %host_of(&url), path = %url.path()))
            .await?;
        let status = resp.status();
        let body = read_limited(resp, &url, IDENTITY_LIMIT).await?;
        check_status(status, &url, &body)
    }

    /// Where to fetch `path` (a part's key) on this connection, and the
    /// token to send with it as a header (never in the URL, so no URL a
    /// player logs carries it).
    /// The file of a part for keeping (`download=1`), from byte `from` on;
    /// the answer's body is read by the caller as it comes. The token goes
    /// in a header, never in the URL.
    pub async fn download(&self, part_key: &str, from: u64) -> Result<reqwest::Response> {
        let mut url = self.url(part_key)?;
        url.query_pairs_mut().append_pair("download", "1");
        self.file_from(&url, from, false).await
    }

    /// The file at `url` from byte `from` on (`Range`), answered as it
    /// comes when it is the file or a range past its end, and (`busy_ok`)
    /// when a 503 says the server is still making it.
    async fn file_from(&self, url: &Url, from: u64, busy_ok: bool) -> Result<reqwest::Response> {
        let mut rb = self.http.request(Method::GET, url, Some(&self.token), DOWNLOAD_TIMEOUT);
        if from > 0 {
            rb = rb.header(reqwest::header::RANGE, format!("bytes={from}-"));
        }
        let resp = self
            .http
            .send(rb, url)
            .instrument(info_span!("pms_download", host = %host_of(url), path = %url.path(), from))
            .await?;
        let status = resp.status();
        let busy = busy_ok && status == reqwest::StatusCode::SERVICE_UNAVAILABLE;
        if status.is_success() || status == reqwest::StatusCode::RANGE_NOT_SATISFIABLE || busy {
            return Ok(resp);
        }
        let body = read_limited(resp, url, IDENTITY_LIMIT).await?;
        check_status(status, url, &body)?;
        Err(Error::Http { host: host_of(url), status: status.as_u16(), message: None })
    }

    pub fn media_location(&self, path: &str) -> Result<(Url, Token)> {
        Ok((self.url(path)?, self.token.clone()))
    }

    /// Asks the universal transcoder whether it will make the stream (a
    /// refusal is an HTTP error in words).
    pub async fn transcode_decision(&self, request: &TranscodeRequest) -> Result<()> {
        let _: serde_json::Value = self.get(&request.decision_path()).await?;
        Ok(())
    }

    pub async fn stop_transcode(&self, request: &TranscodeRequest) -> Result<()> {
        let url = self.url(&request.stop_path())?;
        let resp = self.http.send(self.http.request(Method::GET, &url, Some(&self.token), API_TIMEOUT), &url).await?;
        let status = resp.status();
        let body = read_limited(resp, &url, IDENTITY_LIMIT).await?;
        check_status(status, &url, &body)
    }

    /// Seasons of a show, episodes of a season, albums of an artist, tracks of an album.
    pub async fn children(&self, rating_key: &str) -> Result<Vec<MediaItem>> {
        let c: ItemsContainer = self.get(&format!("/library/metadata/{}/children", urlencode(rating_key))).await?;
        Ok(c.metadata.into_iter().map(Into::into).collect())
    }

    pub async fn hubs(&self) -> Result<Vec<Hub>> {
        let c: HubsContainer = self.get("/hubs").await?;
        Ok(c.hub.into_iter().map(Into::into).collect())
    }

    /// A poster or other image, resized by the server (`/photo/:/transcode`).
    pub async fn image(&self, path: &str, width: u32, height: u32) -> Result<Vec<u8>> {
        let url = self.url(&format!(
            "/photo/:/transcode?url={}&width={width}&height={height}&minSize=1&upscale=1",
            urlencode(path)
        ))?;
        let resp = self
            .http
            .send(self.http.request(Method::GET, &url, Some(&self.token), API_TIMEOUT), &url)
            .instrument(info_span!("pms_image", host = %host_of(&url)))
            .await?;
        let status = resp.status();
        let is_image = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("image/"));
        let body = read_limited(resp, &url, IMAGE_LIMIT).await?;
        check_status(status, &url, &body)?;
        if !is_image {
            return Err(Error::BadResponse { host: host_of(&url), reason: "expected an image".into() });
        }
        Ok(body)
    }

    /// Tells the server about a watch-state change or a playback position.
    pub async fn perform(&self, action: &ServerAction) -> Result<()> {
        let path = match action {
            ServerAction::Scrobble { rating_key } => {
                format!("/:/scrobble?key={}&identifier={LIBRARY}", urlencode(rating_key))
            }
            ServerAction::Unscrobble { rating_key } => {
                format!("/:/unscrobble?key={}&identifier={LIBRARY}", urlencode(rating_key))
            }
            ServerAction::Timeline { rating_key, state, time_ms, duration_ms, play_queue_item, .. } => {
                let mut path = format!(
                    "/:/timeline?ratingKey={}&key=%2Flibrary%2Fmetadata%2F{}&state={}&time={time_ms}&duration={duration_ms}",
                    urlencode(rating_key),
                    urlencode(rating_key),
                    urlencode(state)
                );
                if let Some(entry) = play_queue_item {
                    path.push_str(&format!("&playQueueItemID={entry}"));
                }
                path
            }
        };
        let url = self.url(&path)?;
        let mut request = self.http.request(Method::GET, &url, Some(&self.token), API_TIMEOUT);
        if let ServerAction::Timeline { session: Some(session), .. } = action {
            request = request.header("X-Plex-Session-Identifier", session);
        }
        let resp = self
            .http
            .send(request, &url)
            .instrument(info_span!("pms_action", host = %host_of(&url), path = %url.path()))
            .await?;
        let status = resp.status();
        let body = read_limited(resp, &url, IDENTITY_LIMIT).await?;
        check_status(status, &url, &body)
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
