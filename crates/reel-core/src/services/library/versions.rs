//! When and from which version of a section the cached items were made, so
//! opening a library whose server copy has not changed downloads nothing.

use super::cache::LibraryCache;
use crate::error::Result;
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

impl LibraryCache {
    /// When a section was last fully synced, and how many items it had then.
    pub fn section_synced(&self, source_id: &str, section_key: &str) -> Result<Option<(DateTime<Utc>, usize)>> {
        self.with(|c| {
            c.query_row(
                "SELECT synced_at, total FROM section_sync WHERE source_id = ?1 AND section_key = ?2",
                [source_id, section_key],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)),
            )
            .optional()
        })
        .map(|o| {
            o.and_then(|(t, n)| {
                DateTime::parse_from_rfc3339(&t).ok().map(|t| (t.with_timezone(&Utc), n.max(0) as usize))
            })
        })
    }

    /// Notes that the cached items of a section were made from this version of it.
    pub fn set_section_synced_version(&self, source_id: &str, section_key: &str, version: &str) -> Result<()> {
        self.with(|c| {
            c.execute(
                "UPDATE section_sync SET version = ?3 WHERE source_id = ?1 AND section_key = ?2",
                params![source_id, section_key, version],
            )
            .map(|_| ())
        })
    }

    /// The version of the section its cached items were last fully synced from.
    pub fn section_synced_version(&self, source_id: &str, section_key: &str) -> Result<Option<String>> {
        self.with(|c| {
            c.query_row(
                "SELECT version FROM section_sync WHERE source_id = ?1 AND section_key = ?2",
                params![source_id, section_key],
                |r| r.get::<_, Option<String>>(0),
            )
            .optional()
            .map(Option::flatten)
        })
    }
}
