//! What the music queue plays, in order: the server's play queue as Reel
//! follows it (which entry plays, what comes next with repeat).

use crate::models::{PlayQueue, QueueEntry, Repeat};
use crate::services::playback::session::QueueChange;
use crate::services::playback::timelines::Reporter;

/// What the repeat button goes to next.
pub fn cycled(r: Repeat) -> Repeat {
    match r {
        Repeat::Off => Repeat::All,
        Repeat::All => Repeat::One,
        Repeat::One => Repeat::Off,
    }
}

/// Pressed Previous: this far into a track it starts it again instead.
pub const RESTART_AFTER_MS: u64 = 3_000;

/// What Previous does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Previous {
    /// From the top of the entry playing.
    Restart,
    /// The entry at this place.
    Go(usize),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Queue {
    /// The server's id of the queue.
    pub id: u64,
    pub entries: Vec<QueueEntry>,
    /// The entry playing.
    pub current: usize,
    pub repeat: Repeat,
    pub shuffled: bool,
}

impl Queue {
    /// The queue the server made, playing the entry it selected.
    pub fn new(q: PlayQueue, repeat: Repeat) -> Self {
        let current = q.selected_index().unwrap_or(0);
        Queue { id: q.id, current, entries: q.entries, repeat, shuffled: q.shuffled }
    }

    /// A queue the server has not made yet.
    pub fn waiting(repeat: Repeat, shuffled: bool) -> Self {
        Queue { id: 0, entries: Vec::new(), current: 0, repeat, shuffled }
    }

    pub fn position(&self, entry: u64) -> Option<usize> {
        self.entries.iter().position(|e| e.id == entry)
    }

    pub fn current(&self) -> Option<&QueueEntry> {
        self.entries.get(self.current)
    }

    /// What plays when the current entry ends on its own (None: nothing, the end).
    pub fn following(&self) -> Option<usize> {
        match self.repeat {
            Repeat::One => Some(self.current),
            Repeat::All if self.current + 1 >= self.entries.len() => (!self.entries.is_empty()).then_some(0),
            _ => Some(self.current + 1).filter(|i| *i < self.entries.len()),
        }
    }

    /// What Next goes to: the next entry (repeating one, the next one too:
    /// Next is asked for); after the last, the first when repeating all.
    pub fn next(&self) -> Option<usize> {
        match self.repeat {
            Repeat::Off => Some(self.current + 1).filter(|i| *i < self.entries.len()),
            Repeat::All | Repeat::One => (!self.entries.is_empty()).then(|| (self.current + 1) % self.entries.len()),
        }
    }

    /// What Previous does `position_ms` into the entry playing.
    pub fn previous(&self, position_ms: u64) -> Previous {
        if position_ms > RESTART_AFTER_MS {
            return Previous::Restart;
        }
        match (self.current.checked_sub(1), self.repeat) {
            (Some(i), _) => Previous::Go(i),
            (None, Repeat::All) if self.entries.len() > 1 => Previous::Go(self.entries.len() - 1),
            (None, _) => Previous::Restart,
        }
    }

    /// Made here of what is downloaded (no server had it to make).
    pub fn is_local(&self) -> bool {
        self.id == PlayQueue::LOCAL
    }

    /// `reporter` for entry `entry`: a server's queue hears which of its
    /// entries plays; one made here has no entries a server knows.
    pub fn reporting(&self, reporter: Reporter, entry: u64) -> Reporter {
        if self.is_local() {
            reporter
        } else {
            reporter.in_play_queue(entry)
        }
    }

    /// This queue after `change` at `entry`, as a server would answer it
    /// (for a queue made here).
    pub fn edited(&self, entry: u64, change: QueueChange) -> PlayQueue {
        let mut entries = self.entries.clone();
        if let Some(i) = entries.iter().position(|e| e.id == entry) {
            let moved = entries.remove(i);
            if let QueueChange::MoveAfter(after) = change {
                let at = match after {
                    None => 0,
                    Some(a) => entries.iter().position(|e| e.id == a).map_or(entries.len(), |k| k + 1),
                };
                entries.insert(at, moved);
            }
        }
        let selected = self.current().map_or(0, |e| e.id);
        PlayQueue { id: self.id, version: 0, selected, shuffled: self.shuffled, entries }
    }

    /// The server's queue after a change (a move, a removal, an addition):
    /// the entry playing stays the one playing, wherever it went.
    pub fn replace(&mut self, q: PlayQueue) {
        let playing = self.current().map(|e| e.id);
        let current = playing.and_then(|id| q.entries.iter().position(|e| e.id == id));
        self.current = current.unwrap_or_else(|| self.current.min(q.entries.len().saturating_sub(1)));
        self.entries = q.entries;
        self.id = q.id;
        self.shuffled = q.shuffled;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{ItemKind, MediaItem};

    fn queue(n: u64, selected: u64) -> Queue {
        let entries = (1..=n)
            .map(|i| QueueEntry { id: 100 + i, item: MediaItem::new(i.to_string().as_str(), ItemKind::Track, "t") })
            .collect();
        Queue::new(PlayQueue { id: 7, version: 1, selected: 100 + selected, shuffled: false, entries }, Repeat::Off)
    }

    #[test]
    fn next_following_and_previous_with_each_repeat() {
        let mut q = queue(3, 2);
        assert_eq!(q.current, 1, "the server's selection plays first");
        assert_eq!((q.following(), q.next()), (Some(2), Some(2)));
        q.current = 2;
        assert_eq!((q.following(), q.next()), (None, None), "the end of the queue");
        q.repeat = Repeat::All;
        assert_eq!((q.following(), q.next()), (Some(0), Some(0)), "round again");
        q.repeat = Repeat::One;
        assert_eq!(q.following(), Some(2), "the same track again on its own");
        assert_eq!(q.next(), Some(0), "but Next moves on");

        assert_eq!(q.previous(RESTART_AFTER_MS + 1), Previous::Restart);
        assert_eq!(q.previous(500), Previous::Go(1));
        q.current = 0;
        q.repeat = Repeat::Off;
        assert_eq!(q.previous(500), Previous::Restart, "nothing before the first");
        q.repeat = Repeat::All;
        assert_eq!(q.previous(500), Previous::Go(2), "round backwards");
        assert_eq!(cycled(cycled(cycled(Repeat::Off))), Repeat::Off);
    }

    #[test]
    fn a_changed_queue_keeps_playing_the_same_entry() {
        let mut q = queue(3, 2);
        let mut moved = queue(3, 2);
        moved.entries.swap(0, 1);
        let server = PlayQueue { id: 7, version: 2, selected: 102, shuffled: false, entries: moved.entries };
        q.replace(server);
        assert_eq!((q.current, q.current().map(|e| e.id)), (0, Some(102)));
        // The entry playing removed: the one now in its place.
        let mut fewer = queue(3, 1).entries;
        fewer.remove(0);
        q.replace(PlayQueue { id: 7, version: 3, selected: 101, shuffled: false, entries: fewer });
        assert_eq!(q.current, 0);
        q.replace(PlayQueue { id: 7, version: 4, selected: 0, shuffled: false, entries: vec![] });
        assert!(q.current().is_none() && q.following().is_none() && q.next().is_none());
    }
}
