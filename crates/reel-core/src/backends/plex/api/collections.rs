//! Collections of a library (`/library/sections/{key}/collections`) and
//! what each holds (`/library/collections/{key}/children`). A collection
//! plays as a server play queue of what its items play.

use super::{urlencode, PlexServerClient, LIBRARY};
use crate::backends::plex::types::{lenient_i64, lenient_string, ItemsContainer};
use crate::error::Result;
use crate::models::{Collection, MediaItem, PlayQueue};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct CollectionsContainer {
    #[serde(rename = "Metadata", default)]
    metadata: Vec<WireCollection>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireCollection {
    #[serde(deserialize_with = "lenient_string")]
    rating_key: String,
    #[serde(default, deserialize_with = "lenient_string")]
    title: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    child_count: Option<i64>,
    #[serde(default)]
    thumb: Option<String>,
}

impl PlexServerClient {
    /// The collections of library `section_key` (`audio`: a music library).
    pub async fn collections(&self, section_key: &str, audio: bool) -> Result<Vec<Collection>> {
        let path = format!("/library/sections/{}/collections", urlencode(section_key));
        let c: CollectionsContainer = self.get(&path).await?;
        Ok(c.metadata
            .into_iter()
            .map(|w| Collection {
                id: w.rating_key,
                title: w.title,
                section_key: section_key.to_string(),
                audio,
                items: w.child_count.and_then(|n| u32::try_from(n).ok()).unwrap_or(0),
                thumb: w.thumb.filter(|t| !t.is_empty()),
            })
            .collect())
    }

    /// What collection `id` holds, in its order.
    pub async fn collection_items(&self, id: &str) -> Result<Vec<MediaItem>> {
        let c: ItemsContainer = self.get(&format!("/library/collections/{}/children", urlencode(id))).await?;
        Ok(c.metadata.into_iter().map(Into::into).collect())
    }

    /// A new queue of what collection `id`'s items play, from `start` when
    /// given, shuffled when asked.
    pub async fn create_collection_queue(
        &self,
        machine_id: &str,
        id: &str,
        audio: bool,
        start: Option<&str>,
        shuffle: bool,
    ) -> Result<PlayQueue> {
        let uri = format!("server://{machine_id}/{LIBRARY}/library/collections/{id}/children");
        self.create_queue_of_uri(&uri, audio, start, shuffle).await
    }
}
