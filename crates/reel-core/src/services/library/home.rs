//! Home's hubs as saved, and one item's progress recorded wherever the
//! library cache lists it (its section, its season, Home), so every page
//! shows it as it is now.

use super::cache::LibraryCache;
use crate::error::{Error, Result, Stored};
use crate::models::{Hub, ItemDetails, MediaItem};
use rusqlite::params;

impl LibraryCache {
    /// A server's home hubs, replacing what was kept before.
    pub fn put_hubs(&self, source_id: &str, hubs: &[Hub]) -> Result<()> {
        let rows: Vec<String> = hubs
            .iter()
            .map(serde_json::to_string)
            .collect::<std::result::Result<_, _>>()
            .map_err(|e| Error::Storage { what: Stored::LibraryCache, reason: e.to_string() })?;
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM hubs WHERE source_id = ?1", [source_id])?;
            for (i, json) in rows.iter().enumerate() {
                tx.execute(
                    "INSERT INTO hubs (source_id, position, json) VALUES (?1, ?2, ?3)",
                    params![source_id, i as i64, json],
                )?;
            }
            tx.commit()
        })
    }

    pub fn hubs(&self, source_id: &str) -> Result<Vec<Hub>> {
        let rows = self.with(|c| {
            let mut st = c.prepare("SELECT json FROM hubs WHERE source_id = ?1 ORDER BY position")?;
            let rows = st.query_map([source_id], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(rows.iter().filter_map(|j| serde_json::from_str(j).ok()).collect())
    }

    /// What an item's page tells beyond its listing, replacing what was kept.
    pub fn put_details(&self, source_id: &str, rating_key: &str, details: &ItemDetails) -> Result<()> {
        let json = serde_json::to_string(details)
            .map_err(|e| Error::Storage { what: Stored::LibraryCache, reason: e.to_string() })?;
        self.with(|c| {
            c.execute(
                "INSERT OR REPLACE INTO item_details (source_id, rating_key, json) VALUES (?1, ?2, ?3)",
                params![source_id, rating_key, json],
            )
        })
        .map(|_| ())
    }

    /// What was kept of an item's page (None: never seen, or unreadable).
    pub fn details(&self, source_id: &str, rating_key: &str) -> Result<Option<ItemDetails>> {
        let json = self.with(|c| {
            let mut st = c.prepare("SELECT json FROM item_details WHERE source_id = ?1 AND rating_key = ?2")?;
            let mut rows = st.query_map(params![source_id, rating_key], |r| r.get::<_, String>(0))?;
            rows.next().transpose()
        })?;
        Ok(json.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Replaces what is known of one item (its watched state changed, say), wherever it is listed.
    pub fn update_item(&self, source_id: &str, item: &MediaItem) -> Result<bool> {
        let json = serde_json::to_string(item)
            .map_err(|e| Error::Storage { what: Stored::LibraryCache, reason: e.to_string() })?;
        self.with(|c| {
            c.execute(
                "UPDATE items SET json = ?3 WHERE source_id = ?1 AND rating_key = ?2",
                params![source_id, item.rating_key, json],
            )
        })
        .map(|n| n > 0)
    }

    /// An item's new progress or watched state, everywhere it is listed:
    /// its row, every hub that shows it, and Continue Watching, which gains
    /// what is part-way through and loses what was finished.
    pub fn record_progress(&self, source_id: &str, item: &MediaItem) -> Result<()> {
        self.update_item(source_id, item)?;
        let mut hubs = self.hubs(source_id)?;
        for hub in &mut hubs {
            for x in hub.items.iter_mut().filter(|x| x.rating_key == item.rating_key) {
                *x = item.clone();
            }
            if hub.id == "home.continue" {
                hub.items.retain(|x| !x.watched());
                let part_way = item.view_offset_ms > 0 && !item.watched();
                if part_way && !hub.items.iter().any(|x| x.rating_key == item.rating_key) {
                    hub.items.insert(0, item.clone());
                }
            }
        }
        self.put_hubs(source_id, &hubs)
    }
}
