//! The library cache: sections, items and children of every server, in SQLite
//! under `$XDG_DATA_HOME/reel/`. It is what lets Reel start instantly and keep
//! browsing with no network. A damaged database is only a cache: it is kept
//! aside and rebuilt, never a reason not to start.

use super::schema::{migrate, SCHEMA};
use crate::error::{Error, Notice, Result, Stored};
use crate::models::{MediaItem, Page, Section, SectionKind};
use chrono::Utc;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

pub struct LibraryCache {
    conn: Mutex<Connection>,
    path: Option<PathBuf>,
    /// Told when the file was found damaged while Reel ran, kept aside and
    /// started afresh (the user hears it; the servers fill it again).
    resets: tokio::sync::broadcast::Sender<Notice>,
}

pub(super) fn db_err(e: rusqlite::Error) -> Error {
    Error::Storage { what: Stored::LibraryCache, reason: e.to_string() }
}

fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(e.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
}

fn open_conn(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path).map_err(db_err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db_err)?;
    conn.execute_batch(SCHEMA).map_err(db_err)?;
    migrate(&conn)?;
    // Touch the biggest table so a file that is not a database fails here;
    // damage further in is found by `verify`.
    conn.query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0)).map_err(db_err)?;
    Ok(conn)
}

/// Renames a damaged cache (with its journal) to `….damaged-<time>`, never deleting it.
fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S%.3f");
    let kept = path.with_extension(format!("sqlite3.damaged-{stamp}"));
    std::fs::rename(path, &kept)?;
    for ext in ["sqlite3-wal", "sqlite3-shm"] {
        let side = path.with_extension(ext);
        if side.exists() {
            let _ = std::fs::rename(&side, kept.with_extension(format!("{ext}.damaged-{stamp}")));
        }
    }
    Ok(kept)
}

/// Saved items' JSON, parsed row by row. A row that cannot be read is an
/// error (a damaged file is then found and set aside); one a newer Reel
/// wrote is only skipped.
fn parsed<T: serde::de::DeserializeOwned>(mut rows: rusqlite::Rows<'_>, capacity: usize) -> rusqlite::Result<Vec<T>> {
    let mut items = Vec::with_capacity(capacity);
    while let Some(row) = rows.next()? {
        let json: String = row.get(0)?;
        items.extend(serde_json::from_str(&json).ok());
    }
    Ok(items)
}

pub fn default_path() -> PathBuf {
    crate::paths::data_dir().join("library.sqlite3")
}

impl LibraryCache {
    /// Opens (or creates) the cache. If the file is not a usable database it is
    /// renamed aside and a fresh one is made; the notice says so.
    pub fn open(path: impl AsRef<Path>) -> Result<(Self, Option<Notice>)> {
        let path = path.as_ref().to_path_buf();
        if let Some(dir) = path.parent() {
            crate::paths::private_dir(dir)
                .map_err(|e| Error::Storage { what: Stored::LibraryCache, reason: format!("its folder: {e}") })?;
        }
        // Watch history: the user's alone (SQLite gives its -wal and -shm
        // files the database file's mode).
        crate::paths::private_sqlite(&path);
        let resets = tokio::sync::broadcast::channel(4).0;
        match open_conn(&path) {
            Ok(conn) => Ok((Self { conn: Mutex::new(conn), path: Some(path), resets }, None)),
            Err(first) => {
                let kept = move_aside(&path).map_err(|e| Error::Storage {
                    what: Stored::LibraryCache,
                    reason: format!("{first}; cannot move it aside: {e}"),
                })?;
                crate::paths::private_sqlite(&path);
                let conn = open_conn(&path)?;
                let notice = Notice::LibraryCacheReset { kept_as: kept, reason: first.to_string() };
                Ok((Self { conn: Mutex::new(conn), path: Some(path), resets }, Some(notice)))
            }
        }
    }

    pub fn in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory().map_err(db_err)?;
        conn.execute_batch(SCHEMA).map_err(db_err)?;
        migrate(&conn)?;
        Ok(Self { conn: Mutex::new(conn), path: None, resets: tokio::sync::broadcast::channel(4).0 })
    }

    /// Hears about the cache being found damaged while Reel runs.
    pub fn subscribe_resets(&self) -> tokio::sync::broadcast::Receiver<Notice> {
        self.resets.subscribe()
    }

    /// Checks every page of the file (`PRAGMA quick_check`) on a connection
    /// of its own, so requests go on meanwhile; a damaged file is kept aside
    /// and started afresh. Returns what the user is to be told. Run it once
    /// after opening, off the UI thread (it reads the whole file).
    pub fn verify(&self) -> Option<Notice> {
        let path = self.path.as_ref()?;
        let problem = match Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY) {
            Ok(c) => match c.query_row("PRAGMA quick_check", [], |r| r.get::<_, String>(0)) {
                Ok(first) if first == "ok" => None,
                Ok(first) => Some(first),
                Err(e) => Some(e.to_string()),
            },
            Err(e) => Some(e.to_string()),
        };
        let problem = problem?;
        let mut c = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        self.reset(&mut c, &problem)
    }

    /// Keeps the damaged file aside and starts afresh: what was saved is
    /// only a cache, and the servers fill it again.
    fn reset(&self, conn: &mut Connection, why: &str) -> Option<Notice> {
        let path = self.path.as_ref()?;
        // Close the damaged file before moving it.
        let Ok(placeholder) = Connection::open_in_memory() else { return None };
        drop(std::mem::replace(conn, placeholder));
        let notice = match move_aside(path) {
            Ok(kept) => Notice::LibraryCacheReset { kept_as: kept, reason: why.to_string() },
            Err(e) => {
                tracing::warn!("the damaged library cache cannot be moved aside: {e}");
                return None;
            }
        };
        crate::paths::private_sqlite(path);
        match open_conn(path) {
            Ok(fresh) => *conn = fresh,
            Err(e) => {
                tracing::warn!("no fresh library cache ({e}); keeping one in memory");
                if let Ok(mem) = Connection::open_in_memory() {
                    let _ = mem.execute_batch(SCHEMA);
                    let _ = migrate(&mem);
                    *conn = mem;
                }
            }
        }
        tracing::warn!("{notice}");
        let _ = self.resets.send(notice.clone());
        Some(notice)
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub(super) fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T> {
        let mut c = self.conn.lock().map_err(|_| Error::Internal("the library cache's lock was poisoned".into()))?;
        match f(&mut c) {
            Ok(v) => Ok(v),
            // Found damaged while running: kept aside, started afresh, the user told.
            Err(e) if is_damage(&e) => {
                self.reset(&mut c, &e.to_string());
                Err(db_err(e))
            }
            Err(e) => Err(db_err(e)),
        }
    }

    pub fn put_sections(&self, source_id: &str, sections: &[Section]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute("DELETE FROM sections WHERE source_id = ?1", [source_id])?;
            for (i, s) in sections.iter().enumerate() {
                tx.execute(
                    "INSERT INTO sections (source_id, key, title, kind, uuid, position, version)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![source_id, s.key, s.title, s.kind.as_plex(), s.uuid, i as i64, s.version],
                )?;
            }
            tx.commit()
        })
    }

    pub fn sections(&self, source_id: &str) -> Result<Vec<Section>> {
        self.with(|c| {
            let mut st = c.prepare(
                "SELECT key, title, kind, uuid, version FROM sections WHERE source_id = ?1 ORDER BY position",
            )?;
            let rows = st.query_map([source_id], |r| {
                Ok(Section {
                    key: r.get(0)?,
                    title: r.get(1)?,
                    kind: SectionKind::from_plex(&r.get::<_, String>(2)?),
                    uuid: r.get(3)?,
                    version: r.get(4)?,
                })
            })?;
            rows.collect()
        })
    }

    /// Starts a full sync of a section; items not seen again by
    /// [`finish_section_sync`](Self::finish_section_sync) are removed then.
    pub fn begin_section_sync(&self, source_id: &str, section_key: &str) -> Result<i64> {
        self.with(|c| {
            let g: Option<i64> = c
                .query_row(
                    "SELECT generation FROM section_sync WHERE source_id = ?1 AND section_key = ?2",
                    [source_id, section_key],
                    |r| r.get(0),
                )
                .optional()?;
            // Mid-sync the cache is a mix of old and new: no longer any one version.
            c.execute(
                "UPDATE section_sync SET version = NULL WHERE source_id = ?1 AND section_key = ?2",
                [source_id, section_key],
            )?;
            Ok(g.unwrap_or(0) + 1)
        })
    }

    /// Stores one page of a section's listing, in order from `offset`.
    pub fn put_section_page(
        &self,
        source_id: &str,
        section_key: &str,
        offset: usize,
        items: &[MediaItem],
        generation: i64,
    ) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            {
                let mut st = tx.prepare_cached(
                    "INSERT INTO items (source_id, rating_key, section_key, section_pos, generation, json)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (source_id, rating_key) DO UPDATE SET
                        section_key = excluded.section_key, section_pos = excluded.section_pos,
                        generation = excluded.generation, json = excluded.json",
                )?;
                for (i, item) in items.iter().enumerate() {
                    let json = serde_json::to_string(item)
                        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                    st.execute(params![
                        source_id,
                        item.rating_key,
                        section_key,
                        (offset + i) as i64,
                        generation,
                        json
                    ])?;
                }
            }
            tx.commit()
        })
    }

    pub fn finish_section_sync(&self, source_id: &str, section_key: &str, total: usize, generation: i64) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE items SET section_key = NULL, section_pos = NULL
                 WHERE source_id = ?1 AND section_key = ?2 AND generation < ?3",
                params![source_id, section_key, generation],
            )?;
            tx.execute(
                "DELETE FROM items WHERE source_id = ?1 AND section_key IS NULL AND parent_key IS NULL",
                [source_id],
            )?;
            tx.execute(
                "INSERT INTO section_sync (source_id, section_key, total, generation, synced_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (source_id, section_key) DO UPDATE SET total = excluded.total,
                    generation = excluded.generation, synced_at = excluded.synced_at",
                params![source_id, section_key, total as i64, generation, Utc::now().to_rfc3339()],
            )?;
            tx.commit()
        })
    }

    /// A page of a section's saved items, as whole items or as any shape
    /// read from their JSON (such as the grid's summaries).
    pub fn items<T: serde::de::DeserializeOwned>(
        &self,
        source_id: &str,
        section_key: &str,
        offset: usize,
        limit: usize,
    ) -> Result<Page<T>> {
        self.with(|c| {
            let total: i64 = c.query_row(
                "SELECT count(*) FROM items WHERE source_id = ?1 AND section_key = ?2",
                [source_id, section_key],
                |r| r.get(0),
            )?;
            let mut st = c.prepare_cached(
                "SELECT json FROM items WHERE source_id = ?1 AND section_key = ?2 ORDER BY section_pos LIMIT ?3 OFFSET ?4",
            )?;
            // Row by row: 50 000 rows' JSON is never all held at once.
            let capacity = limit.min((total.max(0) as usize).saturating_sub(offset));
            let items = parsed(st.query(params![source_id, section_key, limit as i64, offset as i64])?, capacity)?;
            Ok(Page { offset, total: total.max(0) as usize, items })
        })
    }

    pub fn put_children(&self, source_id: &str, parent_key: &str, children: &[MediaItem]) -> Result<()> {
        self.with(|c| {
            let tx = c.transaction()?;
            tx.execute(
                "UPDATE items SET parent_key = NULL, child_pos = NULL WHERE source_id = ?1 AND parent_key = ?2",
                [source_id, parent_key],
            )?;
            {
                let mut st = tx.prepare_cached(
                    "INSERT INTO items (source_id, rating_key, parent_key, child_pos, json) VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (source_id, rating_key) DO UPDATE SET
                        parent_key = excluded.parent_key, child_pos = excluded.child_pos, json = excluded.json",
                )?;
                for (i, item) in children.iter().enumerate() {
                    let json = serde_json::to_string(item)
                        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                    st.execute(params![source_id, item.rating_key, parent_key, i as i64, json])?;
                }
            }
            tx.execute(
                "DELETE FROM items WHERE source_id = ?1 AND section_key IS NULL AND parent_key IS NULL",
                [source_id],
            )?;
            tx.commit()
        })
    }

    pub fn children(&self, source_id: &str, parent_key: &str) -> Result<Vec<MediaItem>> {
        self.with(|c| {
            let mut st =
                c.prepare_cached("SELECT json FROM items WHERE source_id = ?1 AND parent_key = ?2 ORDER BY child_pos")?;
            let children = parsed(st.query([source_id, parent_key])?, 0)?;
            Ok(children)
        })
    }

    pub fn item(&self, source_id: &str, rating_key: &str) -> Result<Option<MediaItem>> {
        self.with(|c| {
            c.query_row(
                "SELECT json FROM items WHERE source_id = ?1 AND rating_key = ?2",
                [source_id, rating_key],
                |r| r.get::<_, String>(0),
            )
            .optional()
        })
        .map(|o| o.and_then(|j| serde_json::from_str(&j).ok()))
    }

    /// Everything about a server goes (its account was removed).
    pub fn forget_source(&self, source_id: &str) -> Result<()> {
        self.with(|c| {
            for table in ["sections", "items", "section_sync", "server_state", "outbox", "hubs", "lists", "list_items"]
            {
                c.execute(&format!("DELETE FROM {table} WHERE source_id = ?1"), [source_id])?;
            }
            c.execute("DELETE FROM music_queue WHERE json_extract(json, '$.source_id') = ?1", [source_id])?;
            Ok(())
        })
    }
}
