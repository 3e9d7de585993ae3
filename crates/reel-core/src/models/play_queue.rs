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
    /// The id of a queue made here rather than by a server (Plex's start at 1).
    pub const LOCAL: u64 = 0;

    /// Where the entry playing now is.
    pub fn selected_index(&self) -> Option<usize> {
        self.entries.iter().position(|e| e.id == self.selected)
    }

    /// Made here (of what is downloaded) while the server could not make it.
    pub fn is_local(&self) -> bool {
        self.id == Self::LOCAL
    }

    /// A queue made here of `items`, playing `start` (else the first): its
    /// entries numbered from 1. Shuffled with `seed`, `start` first, as a
    /// server shuffles.
    pub fn local(mut items: Vec<MediaItem>, start: Option<&crate::ItemKey>, seed: Option<u64>) -> Self {
        let at = start.and_then(|k| items.iter().position(|i| i.rating_key == *k)).unwrap_or(0);
        if let Some(seed) = seed {
            if !items.is_empty() {
                let first = items.remove(at);
                shuffle(&mut items, seed);
                items.insert(0, first);
            }
        }
        let entries: Vec<QueueEntry> =
            items.into_iter().enumerate().map(|(i, item)| QueueEntry { id: i as u64 + 1, item }).collect();
        let selected = if seed.is_some() { 1 } else { at as u64 + 1 };
        PlayQueue { id: Self::LOCAL, version: 0, selected, shuffled: seed.is_some(), entries }
    }
}

/// Fisher–Yates, with SplitMix64 for the draws (a queue's order needs no
/// more randomness than that, nor a crate for it).
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed;
    let mut draw = || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    for i in (1..items.len()).rev() {
        let j = (draw() % (i as u64 + 1)) as usize;
        items.swap(i, j);
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
    Item(Box<MediaItem>),
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
        QueueSource::Item(Box::new(item))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::ItemKind;

    fn tracks(n: u64) -> Vec<MediaItem> {
        (1..=n).map(|i| MediaItem::new(format!("{}", 60 + i).as_str(), ItemKind::Track, format!("Track {i}"))).collect()
    }

    fn keys(q: &PlayQueue) -> Vec<&str> {
        q.entries.iter().map(|e| e.item.rating_key.as_str()).collect()
    }

    #[test]
    fn a_local_queue_plays_from_its_start_in_order() {
        let q = PlayQueue::local(tracks(4), Some(&crate::ItemKey::new("63")), None);
        assert!(q.is_local() && !q.shuffled);
        assert_eq!(keys(&q), ["61", "62", "63", "64"]);
        assert_eq!(q.entries.iter().map(|e| e.id).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(q.selected_index(), Some(2), "the start plays");
        let q = PlayQueue::local(tracks(2), None, None);
        assert_eq!(q.selected_index(), Some(0), "no start: the first");
    }

    #[test]
    fn a_shuffled_local_queue_starts_with_its_start_and_holds_everything_once() {
        let q = PlayQueue::local(tracks(12), Some(&crate::ItemKey::new("65")), Some(7));
        assert!(q.shuffled);
        assert_eq!((q.selected_index(), keys(&q)[0]), (Some(0), "65"));
        let mut sorted = keys(&q);
        sorted.sort();
        assert_eq!(sorted, keys(&PlayQueue::local(tracks(12), None, None)), "each once");
        assert_ne!(
            keys(&q),
            keys(&PlayQueue::local(tracks(12), Some(&crate::ItemKey::new("65")), Some(8))),
            "the seed tells"
        );
        assert_eq!(keys(&q), keys(&PlayQueue::local(tracks(12), Some(&crate::ItemKey::new("65")), Some(7))));
        assert!(PlayQueue::local(Vec::new(), None, Some(1)).entries.is_empty());
    }
}
