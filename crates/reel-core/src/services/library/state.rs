//! What Reel learns while it runs, kept in the library cache's database
//! rather than in the user's settings: whether each server answered, and
//! the outbox of actions waiting for a server.

use super::cache::LibraryCache;
use crate::error::{Error, Result, Stored};
use crate::models::ServerAction;
use chrono::{DateTime, Utc};
use rusqlite::params;

impl LibraryCache {
    /// Records that a server answered (online) or did not; returns since when it is offline.
    pub fn set_online(&self, source_id: &str, online: bool) -> Result<Option<DateTime<Utc>>> {
        let now = Utc::now().to_rfc3339();
        self.with(|c| {
            if online {
                c.execute(
                    "INSERT INTO server_state (source_id, offline_since, last_seen) VALUES (?1, NULL, ?2)
                     ON CONFLICT (source_id) DO UPDATE SET offline_since = NULL, last_seen = excluded.last_seen",
                    params![source_id, now],
                )?;
            } else {
                c.execute(
                    "INSERT INTO server_state (source_id, offline_since) VALUES (?1, ?2)
                     ON CONFLICT (source_id) DO UPDATE SET offline_since = COALESCE(offline_since, excluded.offline_since)",
                    params![source_id, now],
                )?;
            }
            c.query_row("SELECT offline_since FROM server_state WHERE source_id = ?1", [source_id], |r| {
                r.get::<_, Option<String>>(0)
            })
        })
        .map(|o| o.and_then(|t| DateTime::parse_from_rfc3339(&t).ok().map(|t| t.with_timezone(&Utc))))
    }

    /// Keeps an action for a server until it can be delivered; a newer
    /// action with the same coalescing key replaces the older one.
    pub fn queue_action(&self, source_id: &str, action: &ServerAction) -> Result<i64> {
        let json = serde_json::to_string(action)
            .map_err(|e| Error::Storage { what: Stored::LibraryCache, reason: e.to_string() })?;
        let key = action.coalesce_key();
        self.with(|c| {
            let tx = c.transaction()?;
            if let Some(k) = &key {
                tx.execute("DELETE FROM outbox WHERE source_id = ?1 AND coalesce_key = ?2", params![source_id, k])?;
            }
            tx.execute(
                "INSERT INTO outbox (source_id, coalesce_key, json, queued_at) VALUES (?1, ?2, ?3, ?4)",
                params![source_id, key, json, Utc::now().to_rfc3339()],
            )?;
            let id = tx.last_insert_rowid();
            tx.commit()?;
            Ok(id)
        })
    }

    /// A server's waiting actions, oldest first. One this Reel cannot read
    /// (written by a newer one) stays in the table and is not returned.
    pub fn queued_actions(&self, source_id: &str) -> Result<Vec<(i64, ServerAction)>> {
        let rows = self.with(|c| {
            let mut st = c.prepare("SELECT id, json FROM outbox WHERE source_id = ?1 ORDER BY id")?;
            let rows = st.query_map([source_id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
            rows.collect::<rusqlite::Result<Vec<_>>>()
        })?;
        Ok(rows.into_iter().filter_map(|(id, j)| serde_json::from_str(&j).ok().map(|a| (id, a))).collect())
    }

    pub fn remove_action(&self, id: i64) -> Result<()> {
        self.with(|c| c.execute("DELETE FROM outbox WHERE id = ?1", [id]).map(|_| ()))
    }
}
