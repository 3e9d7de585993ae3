//! What a server groups besides its libraries: playlists (the user's own
//! order of tracks or videos, each entry with the id the server gave it, for
//! moves and removals) and collections (items of a library grouped by its
//! owner: a film series, a box set). Both are [`MediaList`]s to the UI.

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
    /// The server's `playlistItemID` (a collection's entries: their place, from 1).
    pub id: u64,
    pub item: MediaItem,
}

/// A collection of a library's items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Collection {
    /// The server's rating key of the collection.
    pub id: String,
    pub title: String,
    /// The library it belongs to.
    pub section_key: String,
    /// Of a music library.
    pub audio: bool,
    pub items: u32,
    pub thumb: Option<String>,
}

/// A playlist or a collection: what the sidebar lists under a server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MediaList {
    Playlist(Playlist),
    Collection(Collection),
}

impl MediaList {
    pub fn id(&self) -> &str {
        match self {
            MediaList::Playlist(p) => &p.id,
            MediaList::Collection(c) => &c.id,
        }
    }
    pub fn title(&self) -> &str {
        match self {
            MediaList::Playlist(p) => &p.title,
            MediaList::Collection(c) => &c.title,
        }
    }
    /// Music (else video).
    pub fn audio(&self) -> bool {
        match self {
            MediaList::Playlist(p) => p.audio,
            MediaList::Collection(c) => c.audio,
        }
    }
    pub fn items(&self) -> u32 {
        match self {
            MediaList::Playlist(p) => p.items,
            MediaList::Collection(c) => c.items,
        }
    }
    pub fn thumb(&self) -> Option<&str> {
        match self {
            MediaList::Playlist(p) => p.thumb.as_deref(),
            MediaList::Collection(c) => c.thumb.as_deref(),
        }
    }
    /// Its entries can be added, moved and removed by the user: a
    /// playlist that is not smart (a collection is the library owner's).
    pub fn editable(&self) -> bool {
        matches!(self, MediaList::Playlist(p) if !p.smart)
    }
}
