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

/// The music queue as the player left it: shown again at the next start
/// (paused where it was), so a restart loses no queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedQueue {
    pub source_id: crate::SourceId,
    /// What the queue was made from (an album, an artist).
    pub origin: MediaItem,
    /// The server's queue; its `selected` is the entry that was playing.
    pub queue: PlayQueue,
    /// Where in that entry.
    pub position_ms: u64,
    #[serde(default)]
    pub repeat: Repeat,
}
