//! A server's play queue: what plays, in order, each entry with the id the
//! server gave it (timelines carry it; moves and removals name it).

use super::MediaItem;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlayQueue {
    pub id: u64,
    /// Bumped by the server at every change.
    pub version: u32,
    /// The entry that plays now.
    pub selected: u64,
    pub shuffled: bool,
    pub entries: Vec<QueueEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueEntry {
    /// The server's `playQueueItemID`.
    pub id: u64,
    pub item: MediaItem,
}

impl PlayQueue {
    /// Where the entry playing now is.
    pub fn selected_index(&self) -> Option<usize> {
        self.entries.iter().position(|e| e.id == self.selected)
    }
}

/// Where items go when added to a queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuePlace {
    /// Right after the entry playing now ("Play Next").
    Next,
    /// At the end ("Add to Queue").
    Last,
}

/// Repeat, as music players offer it (and MPRIS's `LoopStatus` names it).
/// Plex's play queues have none: it is the player's, saved with the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Repeat {
    #[default]
    Off,
    /// The whole queue, from the top once it ends.
    All,
    /// The entry playing, over and over.
    One,
}

/// What a play queue is made of: what an item plays (an album, an
/// artist, a season), or a playlist's or a collection's entries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum QueueSource {
    /// First: an item's JSON (what Reel saved before lists played) has no `list`.
    List {
        list: super::MediaList,
    },
    Item(MediaItem),
}

impl QueueSource {
    pub fn title(&self) -> &str {
        match self {
            QueueSource::List { list } => list.title(),
            QueueSource::Item(item) => &item.title,
        }
    }
}

impl From<MediaItem> for QueueSource {
    fn from(item: MediaItem) -> Self {
        QueueSource::Item(item)
    }
}

impl From<super::MediaList> for QueueSource {
    fn from(list: super::MediaList) -> Self {
        QueueSource::List { list }
    }
}

/// The music queue as the player left it: shown again at the next start
/// (paused where it was), so a restart loses no queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedQueue {
    pub source_id: crate::SourceId,
    /// What the queue was made from (an album, an artist, a list).
    pub origin: QueueSource,
    /// The server's queue; its `selected` is the entry that was playing.
    pub queue: PlayQueue,
    /// Where in that entry.
    pub position_ms: u64,
    #[serde(default)]
    pub repeat: Repeat,
}
