//! Search on a server (`/hubs/search?query=…&limit=…`): its hubs, one a
//! kind, each item with the library it is in and why it was found.

use super::{urlencode, PlexServerClient};
use crate::backends::plex::types::{lenient_i64, lenient_opt_string, lenient_string, Envelope, WireItem};
use crate::error::Result;
use crate::http::host_of;
use crate::models::{Collection, Found, SearchHit};
use serde::Deserialize;
use std::time::Duration;
use tracing::{info_span, Instrument};

/// A search is asked while the person types: a server that has not
/// answered by then is shown as not answering, the others are not held.
const SEARCH_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, Deserialize)]
struct SearchContainer {
    #[serde(rename = "Hub", default)]
    hubs: Vec<WireSearchHub>,
}

#[derive(Debug, Deserialize)]
struct WireSearchHub {
    #[serde(rename = "Metadata", default)]
    metadata: Vec<WireHit>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireHit {
    #[serde(flatten)]
    item: WireItem,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    reason_title: Option<String>,
    #[serde(rename = "librarySectionID", default, deserialize_with = "lenient_opt_string")]
    library_section_id: Option<String>,
    #[serde(default, deserialize_with = "lenient_i64")]
    child_count: Option<i64>,
    #[serde(default, deserialize_with = "lenient_string")]
    subtype: String,
}

/// A server's hit with the library it is in (None when the server does not say).
pub struct ServerHit {
    pub hit: SearchHit,
    pub section_key: Option<String>,
}

impl PlexServerClient {
    /// What the server finds for `query`: at most `limit` of each kind, in
    /// the server's order.
    pub async fn search(&self, query: &str, limit: usize) -> Result<Vec<ServerHit>> {
        let url = self.url(&format!("/hubs/search?query={}&limit={limit}", urlencode(query)))?;
        let env: Envelope<SearchContainer> = self
            .http
            .get_json(&url, Some(&self.token), SEARCH_TIMEOUT)
            .instrument(info_span!("pms_search", host = %host_of(&url)))
            .await?;
        Ok(env.media_container.hubs.into_iter().flat_map(|h| h.metadata).map(ServerHit::from).collect())
    }
}

impl From<WireHit> for ServerHit {
    fn from(w: WireHit) -> Self {
        let section_key = w.library_section_id.clone();
        let found = if w.item.kind == "collection" {
            Found::Collection(Collection {
                id: w.item.rating_key,
                title: w.item.title,
                section_key: section_key.clone().unwrap_or_default(),
                audio: matches!(w.subtype.as_str(), "artist" | "album" | "track"),
                items: w.child_count.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                thumb: w.item.thumb.filter(|t| !t.is_empty()),
            })
        } else {
            Found::Item(w.item.into())
        };
        ServerHit { hit: SearchHit { found, reason: w.reason_title }, section_key }
    }
}
