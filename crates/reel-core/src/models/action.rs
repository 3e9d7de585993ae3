use serde::{Deserialize, Serialize};

/// Something Reel tells a server that changes its state, so it must not be
/// repeated blindly and must not be lost: it waits in the outbox while the
/// server cannot be reached.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "action")]
pub enum ServerAction {
    /// Mark as watched (`/:/scrobble`).
    Scrobble { rating_key: String },
    /// Mark as unwatched (`/:/unscrobble`).
    Unscrobble { rating_key: String },
    /// Playback position (`/:/timeline`). `session`: the player's
    /// `X-Plex-Session-Identifier`, so the server tells one playback from
    /// another (absent in outboxes written before playback existed).
    Timeline {
        rating_key: String,
        state: String,
        time_ms: u64,
        duration_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<String>,
        /// The entry of a server play queue that plays (`playQueueItemID`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        play_queue_item: Option<u64>,
    },
}

impl ServerAction {
    /// Actions with the same key replace each other in the outbox: only the
    /// latest position of an item matters.
    pub fn coalesce_key(&self) -> Option<String> {
        match self {
            ServerAction::Timeline { rating_key, .. } => Some(format!("timeline:{rating_key}")),
            _ => None,
        }
    }
}
