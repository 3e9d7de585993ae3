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
