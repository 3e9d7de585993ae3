//! A server's playlists: what they are called, what they hold, and their
//! entries, each with the id the server gave it (moves and removals name it).

use super::MediaItem;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Playlist {
    /// The server's rating key of the playlist.
    pub id: String,
    pub title: String,
    /// Music (else video).
    pub audio: bool,
    /// Made by the server from a rule: its items are the server's to choose.
    pub smart: bool,
    /// How many items it holds.
    pub items: u32,
    pub duration_ms: Option<i64>,
    /// Its picture (a composite of its items' posters) on the server.
    pub thumb: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlaylistEntry {
    /// The server's `playlistItemID`.
    pub id: u64,
    pub item: MediaItem,
}
