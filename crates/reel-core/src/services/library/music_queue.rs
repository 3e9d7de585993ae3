//! The music queue as the player left it, one at a time: written whole
//! when it changes, its place (entry, position) on its own, often and cheaply.

use super::cache::LibraryCache;
use crate::error::{Error, Result, Stored};
use crate::models::SavedQueue;
use rusqlite::{params, OptionalExtension};

impl LibraryCache {
    /// Keeps `saved` in place of any queue kept before.
    pub fn put_music_queue(&self, saved: &SavedQueue) -> Result<()> {
        let json = serde_json::to_string(saved)
            .map_err(|e| Error::Storage { what: Stored::LibraryCache, reason: e.to_string() })?;
        let (entry, at) = (saved.queue.selected as i64, saved.position_ms as i64);
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO music_queue (id, json, entry, position_ms) VALUES (1, ?1, ?2, ?3)",
                params![json, entry, at],
            )
            .map(|_| ())
        })
    }

    /// Where the queue kept is: its entry `entry`, `position_ms` into it.
    pub fn put_music_queue_place(&self, entry: u64, position_ms: u64) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE music_queue SET entry = ?1, position_ms = ?2 WHERE id = 1",
                params![entry as i64, position_ms as i64],
            )
            .map(|_| ())
        })
    }

    /// The queue kept, at its place; None when there is none (or it was
    /// written by a Reel that saved it differently: then it is let go).
    pub fn music_queue(&self) -> Result<Option<SavedQueue>> {
        let row = self.with(|c| {
            c.query_row("SELECT json, entry, position_ms FROM music_queue WHERE id = 1", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?))
            })
            .optional()
        })?;
        Ok(row.and_then(|(json, entry, at)| {
            let mut saved: SavedQueue = serde_json::from_str(&json).ok()?;
            saved.queue.selected = entry.max(0) as u64;
            saved.position_ms = at.max(0) as u64;
            Some(saved)
        }))
    }

    /// No queue kept (it ended, or its server was removed).
    pub fn forget_music_queue(&self) -> Result<()> {
        self.with(|c| c.execute("DELETE FROM music_queue", []).map(|_| ()))
    }
}

#[cfg(test)]
mod tests {
    use crate::models::{ItemKind, MediaItem, PlayQueue, QueueEntry, QueueSource, Repeat, SavedQueue};
    use crate::services::library::LibraryCache;

    #[test]
    fn the_queue_and_its_place_are_kept_and_replaced() {
        let cache = LibraryCache::in_memory().unwrap();
        assert_eq!(cache.music_queue().unwrap(), None);
        let entries = (1..=3)
            .map(|i| QueueEntry { id: 10 + i, item: MediaItem::new(format!("{i}").as_str(), ItemKind::Track, "t") })
            .collect();
        let saved = SavedQueue {
            source_id: "srv".into(),
            origin: MediaItem::new("7", ItemKind::Album, "An Album").into(),
            queue: PlayQueue { id: 5, version: 1, selected: 11, shuffled: false, entries },
            position_ms: 0,
            repeat: Repeat::All,
        };
        cache.put_music_queue(&saved).unwrap();
        cache.put_music_queue_place(12, 61_000).unwrap();
        let back = cache.music_queue().unwrap().expect("kept");
        assert_eq!((back.queue.selected, back.position_ms, back.repeat), (12, 61_000, Repeat::All));
        assert_eq!(back.queue.entries, saved.queue.entries);
        // Another queue replaces it, place and all.
        let other = SavedQueue { queue: PlayQueue { id: 6, ..saved.queue.clone() }, ..saved };
        cache.put_music_queue(&other).unwrap();
        let back = cache.music_queue().unwrap().expect("kept");
        assert_eq!((back.queue.id, back.queue.selected, back.position_ms), (6, 11, 0));
        cache.forget_music_queue().unwrap();
        assert_eq!(cache.music_queue().unwrap(), None);
    }

    #[test]
    fn a_queue_saved_before_lists_played_is_still_read() {
        // Its origin was an item, written as the item itself.
        let item = MediaItem::new("7", ItemKind::Album, "An Album");
        let json = serde_json::json!({"source_id": "srv", "origin": item,
            "queue": {"id": 5, "version": 1, "selected": 11, "shuffled": false, "entries": []}, "position_ms": 0});
        let saved: SavedQueue = serde_json::from_value(json).expect("read");
        assert_eq!(saved.origin, QueueSource::from(item));
        // A list's round trip.
        let list = crate::models::MediaList::Collection(crate::models::Collection {
            id: "c".into(),
            title: "Box".into(),
            section_key: "1".into(),
            audio: true,
            items: 1,
            thumb: None,
        });
        let saved = SavedQueue { origin: list.into(), ..saved };
        let back: SavedQueue = serde_json::from_str(&serde_json::to_string(&saved).unwrap()).unwrap();
        assert_eq!(back, saved);
    }
}
