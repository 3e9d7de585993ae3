//! A server's playlists and collections as saved, and each one's entries:
//! what the sidebar and a list's page show at once, also offline.

use super::cache::LibraryCache;
use crate::error::{Error, Result, Stored};
use crate::models::{MediaList, PlaylistEntry};
use rusqlite::params;

fn to_json<T: serde::Serialize>(rows: &[T]) -> Result<Vec<String>> {
    rows.iter()
        .map(serde_json::to_string)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::Storage { what: Stored::LibraryCache, reason: e.to_string() })
}

impl LibraryCache {
    /// A server's lists, replacing those kept before; the entries of lists
    /// that are gone go with them.
    pub fn put_lists(&self, source_id: &str, lists: &[MediaList]) -> Result<()> {
        let rows = to_json(lists)?;
        let ids: Vec<&str> = lists.iter().map(MediaList::id).collect();
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM lists WHERE source_id = ?1", [source_id])?;
            for (i, json) in rows.iter().enumerate() {
                tx.execute(
                    "INSERT INTO lists (source_id, position, json) VALUES (?1, ?2, ?3)",
                    params![source_id, i as i64, json],
                )?;
            }
            let kept: Vec<String> = {
                let mut st = tx.prepare("SELECT DISTINCT list_id FROM list_items WHERE source_id = ?1")?;
                let rows = st.query_map([source_id], |r| r.get::<_, String>(0))?;
                rows.collect::<rusqlite::Result<_>>()?
            };
            for gone in kept.iter().filter(|k| !ids.contains(&k.as_str())) {
                tx.execute("DELETE FROM list_items WHERE source_id = ?1 AND list_id = ?2", params![source_id, gone])?;
            }
            tx.commit()
        })
    }

    pub fn lists(&self, source_id: &str) -> Result<Vec<MediaList>> {
        let rows = self.with(|c| {
            let mut st = c.prepare("SELECT json FROM lists WHERE source_id = ?1 ORDER BY position")?;
            let rows = st.query_map([source_id], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        // A row a newer Reel wrote is skipped, not a reason to show nothing.
        Ok(rows.iter().filter_map(|j| serde_json::from_str(j).ok()).collect())
    }

    /// A list's entries, replacing those kept before.
    pub fn put_list_items(&self, source_id: &str, list_id: &str, entries: &[PlaylistEntry]) -> Result<()> {
        let rows = to_json(entries)?;
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM list_items WHERE source_id = ?1 AND list_id = ?2", params![source_id, list_id])?;
            for (i, json) in rows.iter().enumerate() {
                tx.execute(
                    "INSERT INTO list_items (source_id, list_id, position, json) VALUES (?1, ?2, ?3, ?4)",
                    params![source_id, list_id, i as i64, json],
                )?;
            }
            tx.commit()
        })
    }

    pub fn list_items(&self, source_id: &str, list_id: &str) -> Result<Vec<PlaylistEntry>> {
        let rows = self.with(|c| {
            let mut st =
                c.prepare("SELECT json FROM list_items WHERE source_id = ?1 AND list_id = ?2 ORDER BY position")?;
            let rows = st.query_map(params![source_id, list_id], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(rows.iter().filter_map(|j| serde_json::from_str(j).ok()).collect())
    }
}

#[cfg(test)]
mod tests {
    use crate::models::{Collection, ItemKind, MediaItem, MediaList, Playlist, PlaylistEntry};
    use crate::services::library::LibraryCache;

    fn playlist(id: &str) -> MediaList {
        MediaList::Playlist(Playlist {
            id: id.into(),
            title: format!("List {id}"),
            audio: true,
            smart: false,
            items: 2,
            duration_ms: None,
            thumb: None,
        })
    }

    #[test]
    fn lists_and_their_entries_are_kept_and_go_with_their_list() {
        let cache = LibraryCache::in_memory().unwrap();
        let collection = MediaList::Collection(Collection {
            id: "c".into(),
            title: "Box Set".into(),
            section_key: "1".into(),
            audio: false,
            items: 3,
            thumb: None,
        });
        cache.put_lists("srv", &[playlist("a"), collection.clone()]).unwrap();
        cache.put_lists("other", &[playlist("z")]).unwrap();
        assert_eq!(cache.lists("srv").unwrap(), vec![playlist("a"), collection]);
        let entries: Vec<PlaylistEntry> = (1..=2)
            .map(|i| PlaylistEntry { id: i, item: MediaItem::new(&*format!("{i}"), ItemKind::Track, "t") })
            .collect();
        cache.put_list_items("srv", "a", &entries).unwrap();
        cache.put_list_items("other", "z", &entries[..1]).unwrap();
        assert_eq!(cache.list_items("srv", "a").unwrap(), entries);
        // Playlist "a" deleted on the server: its entries go too, another server's stay.
        cache.put_lists("srv", &[]).unwrap();
        assert!(cache.list_items("srv", "a").unwrap().is_empty());
        assert_eq!(cache.list_items("other", "z").unwrap().len(), 1);
        cache.forget_source("other").unwrap();
        assert!(cache.lists("other").unwrap().is_empty() && cache.list_items("other", "z").unwrap().is_empty());
    }
}
