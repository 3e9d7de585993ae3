//! What Reel learns about servers while it runs, kept apart from the user's
//! settings: whether each answers, its last selection candidate by
//! candidate and why, each connection's history, and each account's
//! adapted server-list lifetime. SQLite (the library cache's file, so
//! reel-cli and the app share it), with a copy in memory for the request path.
//! Losing it loses nothing the user chose: the next probe rebuilds it.

use crate::error::{Error, Result, Stored};
use crate::models::{ConnectionInfo, ProbeRecord, Reason, Source};
use crate::services::connections::history::ServerHistory;
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::sync::Mutex;

/// The volatile part of a source's connection info.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConnectionState {
    pub is_online: bool,
    pub last_check: Option<DateTime<Utc>>,
    pub probes: Vec<ProbeRecord>,
    pub reason: Option<Reason>,
    pub pinned_failed: bool,
}

impl ConnectionState {
    pub fn of(ci: &ConnectionInfo) -> Self {
        Self {
            is_online: ci.is_online,
            last_check: ci.last_check,
            probes: ci.probes.clone(),
            reason: ci.reason.clone(),
            pinned_failed: ci.pinned_failed,
        }
    }

    pub fn apply(&self, ci: &mut ConnectionInfo) {
        ci.is_online = self.is_online;
        ci.last_check = self.last_check;
        ci.probes = self.probes.clone();
        ci.reason = self.reason.clone();
        ci.pinned_failed = self.pinned_failed;
    }

    /// True when there is anything to keep (an old config.toml had it).
    pub fn is_known(&self) -> bool {
        self.last_check.is_some() || !self.probes.is_empty() || self.reason.is_some()
    }
}

/// A source as config.toml keeps it: what was chosen, not what was learnt.
pub fn settings_only(source: &Source) -> Source {
    let mut s = source.clone();
    let ci = &mut s.connection_info;
    ci.is_online = false;
    ci.last_check = None;
    ci.probes.clear();
    ci.reason = None;
    ci.pinned_failed = false;
    s
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS connection_state (source_id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS connection_history (source_id TEXT PRIMARY KEY, json TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS list_lifetime (provider_id TEXT PRIMARY KEY, secs INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS ui_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

pub struct StateStore {
    conn: Mutex<Connection>,
}

fn db_err(e: rusqlite::Error) -> Error {
    Error::Storage { what: Stored::ConnectionState, reason: e.to_string() }
}

impl StateStore {
    pub fn open(path: &Path) -> Result<Self> {
        // Which servers the user has and how they answered: the user's alone.
        crate::paths::private_file(path).map_err(|e| Error::Storage {
            what: Stored::ConnectionState,
            reason: format!("{}: {e}", path.display()),
        })?;
        let conn = Connection::open(path).map_err(db_err)?;
        conn.busy_timeout(std::time::Duration::from_secs(5)).map_err(db_err)?;
        conn.execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;").map_err(db_err)?;
        conn.execute_batch(SCHEMA).map_err(db_err)?;
        Ok(Self { conn: Mutex::new(conn) })
    }

    pub fn in_memory() -> Self {
        let conn = Connection::open_in_memory().expect("SQLite opens in memory");
        conn.execute_batch(SCHEMA).expect("the schema applies to an empty database");
        Self { conn: Mutex::new(conn) }
    }

    fn with<T>(&self, f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> Result<T> {
        let c = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        f(&c).map_err(db_err)
    }

    fn get_json<T: for<'de> Deserialize<'de>>(&self, table: &str, id: &str) -> Option<T> {
        let sql = format!("SELECT json FROM {table} WHERE source_id = ?1");
        let json: Option<String> = self.with(|c| c.query_row(&sql, [id], |r| r.get(0)).optional()).ok().flatten();
        // What a newer Reel wrote and this one cannot read is only state: start afresh.
        json.and_then(|j| serde_json::from_str(&j).ok())
    }

    fn put_json<T: Serialize>(&self, table: &str, id: &str, value: &T) -> Result<()> {
        let json = serde_json::to_string(value)
            .map_err(|e| Error::Storage { what: Stored::ConnectionState, reason: e.to_string() })?;
        let sql = format!("INSERT INTO {table} (source_id, json) VALUES (?1, ?2) ON CONFLICT (source_id) DO UPDATE SET json = excluded.json");
        self.with(|c| c.execute(&sql, params![id, json]).map(|_| ()))
    }

    pub fn connection(&self, source_id: &str) -> Option<ConnectionState> {
        self.get_json("connection_state", source_id)
    }

    pub fn set_connection(&self, source_id: &str, state: &ConnectionState) -> Result<()> {
        self.put_json("connection_state", source_id, state)
    }

    pub fn history(&self, source_id: &str) -> ServerHistory {
        self.get_json("connection_history", source_id).unwrap_or_default()
    }

    pub fn set_history(&self, source_id: &str, history: &ServerHistory) -> Result<()> {
        self.put_json("connection_history", source_id, history)
    }

    pub fn lifetime(&self, provider_id: &str) -> Option<u64> {
        self.with(|c| {
            c.query_row("SELECT secs FROM list_lifetime WHERE provider_id = ?1", [provider_id], |r| r.get::<_, i64>(0))
                .optional()
        })
        .ok()
        .flatten()
        .and_then(|s| u64::try_from(s).ok())
    }

    pub fn set_lifetime(&self, provider_id: &str, secs: u64) -> Result<()> {
        let secs = i64::try_from(secs).unwrap_or(i64::MAX);
        self.with(|c| {
            c.execute(
                "INSERT INTO list_lifetime (provider_id, secs) VALUES (?1, ?2)
                 ON CONFLICT (provider_id) DO UPDATE SET secs = excluded.secs",
                params![provider_id, secs],
            )
            .map(|_| ())
        })
    }

    /// A small value the app keeps between runs (where the user was, say).
    pub fn value(&self, key: &str) -> Option<String> {
        self.with(|c| c.query_row("SELECT value FROM ui_state WHERE key = ?1", [key], |r| r.get(0)).optional())
            .ok()
            .flatten()
    }

    pub fn set_value(&self, key: &str, value: Option<&str>) -> Result<()> {
        self.with(|c| match value {
            Some(v) => c
                .execute(
                    "INSERT INTO ui_state (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    params![key, v],
                )
                .map(|_| ()),
            None => c.execute("DELETE FROM ui_state WHERE key = ?1", [key]).map(|_| ()),
        })
    }

    /// Forgets all that was learnt of a server, and any value kept for the
    /// app that names it (the library last open on it): nothing of an
    /// account signed out stays behind.
    pub fn forget_source(&self, source_id: &str) -> Result<()> {
        self.with(|c| {
            c.execute("DELETE FROM ui_state WHERE instr(value, ?1) > 0", [source_id])?;
            c.execute("DELETE FROM connection_state WHERE source_id = ?1", [source_id])?;
            c.execute("DELETE FROM connection_history WHERE source_id = ?1", [source_id]).map(|_| ())
        })
    }

    pub fn forget_provider(&self, provider_id: &str) -> Result<()> {
        self.with(|c| c.execute("DELETE FROM list_lifetime WHERE provider_id = ?1", [provider_id]).map(|_| ()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_and_forgotten() {
        let s = StateStore::in_memory();
        assert_eq!(s.connection("a"), None);
        let st = ConnectionState { is_online: true, reason: Some(Reason::NoneAnswered), ..Default::default() };
        s.set_connection("a", &st).unwrap();
        assert_eq!(s.connection("a"), Some(st));
        s.set_lifetime("p", 600).unwrap();
        assert_eq!(s.lifetime("p"), Some(600));
        s.set_value("last_library", Some(r#"["plex_p_srv_a","1"]"#)).unwrap();
        s.set_value("other", Some("kept")).unwrap();
        s.forget_source("plex_p_srv_a").unwrap();
        assert_eq!(s.value("last_library"), None, "the place on a server forgotten goes with it");
        assert_eq!(s.value("other").as_deref(), Some("kept"));
        s.forget_source("a").unwrap();
        s.forget_provider("p").unwrap();
        assert_eq!((s.connection("a"), s.lifetime("p")), (None, None));
    }
}
