//! The library cache's tables, and the columns added to caches made by an
//! older Reel.

use super::cache::db_err;
use crate::error::Result;
use rusqlite::Connection;

pub(super) const SCHEMA: &str = "
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS sections (
    source_id TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL,
    uuid TEXT, position INTEGER NOT NULL, PRIMARY KEY (source_id, key));
CREATE TABLE IF NOT EXISTS items (
    source_id TEXT NOT NULL, rating_key TEXT NOT NULL,
    section_key TEXT, section_pos INTEGER,
    parent_key TEXT, child_pos INTEGER,
    generation INTEGER NOT NULL DEFAULT 0,
    json TEXT NOT NULL, PRIMARY KEY (source_id, rating_key));
CREATE INDEX IF NOT EXISTS items_by_section ON items (source_id, section_key, section_pos);
CREATE INDEX IF NOT EXISTS items_by_parent ON items (source_id, parent_key, child_pos);
CREATE TABLE IF NOT EXISTS section_sync (
    source_id TEXT NOT NULL, section_key TEXT NOT NULL, total INTEGER NOT NULL,
    generation INTEGER NOT NULL, synced_at TEXT NOT NULL, PRIMARY KEY (source_id, section_key));
CREATE TABLE IF NOT EXISTS server_state (
    source_id TEXT PRIMARY KEY, offline_since TEXT, last_seen TEXT);
CREATE TABLE IF NOT EXISTS hubs (
    source_id TEXT NOT NULL, position INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (source_id, position));
CREATE TABLE IF NOT EXISTS lists (
    source_id TEXT NOT NULL, position INTEGER NOT NULL, json TEXT NOT NULL, PRIMARY KEY (source_id, position));
CREATE TABLE IF NOT EXISTS list_items (
    source_id TEXT NOT NULL, list_id TEXT NOT NULL, position INTEGER NOT NULL, json TEXT NOT NULL,
    PRIMARY KEY (source_id, list_id, position));
CREATE TABLE IF NOT EXISTS music_queue (
    id INTEGER PRIMARY KEY CHECK (id = 1), json TEXT NOT NULL, entry INTEGER NOT NULL,
    position_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS item_details (
    source_id TEXT NOT NULL, rating_key TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (source_id, rating_key));
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT, source_id TEXT NOT NULL, coalesce_key TEXT,
    json TEXT NOT NULL, queued_at TEXT NOT NULL);
";

/// Columns added after the first release, for caches made before them.
pub(super) fn migrate(conn: &Connection) -> Result<()> {
    for (table, column) in [("sections", "version"), ("section_sync", "version")] {
        let has: bool = conn
            .prepare(&format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = '{column}'"))
            .and_then(|mut st| st.exists([]))
            .map_err(db_err)?;
        if !has {
            conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} TEXT")).map_err(db_err)?;
        }
    }
    super::search::prepare(conn)?;
    super::browse::prepare(conn)
}
