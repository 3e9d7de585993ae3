//! `config.toml`: what Reel remembers besides secrets. Reads the layout Reel
//! 0.3 wrote, keeps fields it does not know, writes atomically with mode 0600,
//! and re-reads under a lock before each write so the app and `reel-cli` never
//! undo each other's changes.

use crate::error::{Error, Result};
use crate::models::{AuthProvider, Source};
use crate::services::connections::history::ServerHistory;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct Config {
    #[serde(default, skip_serializing_if = "Preferences::is_unset")]
    pub preferences: Preferences,
    #[serde(default)]
    pub runtime: RuntimeConfig,
    /// Reel 0.3 could keep a Plex token here; it is moved to the keyring and removed.
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub backends: toml::Table,
    #[serde(flatten)]
    pub extra: toml::Table,
}

/// What the user chose in Preferences; unset means Reel's default.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct Preferences {
    /// How long the list of servers counts as fresh at first (default 300 s);
    /// it then adapts between the two bounds below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources_ttl_secs: Option<u64>,
    /// Shortest lifetime the adaptation may reach (default 60 s, or the start value if lower).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources_ttl_min_secs: Option<u64>,
    /// Longest lifetime the adaptation may reach (default 1 hour, or the start value if higher).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sources_ttl_max_secs: Option<u64>,
    /// Plain http to servers on the local network (default yes; never for remote ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_insecure_local: Option<bool>,
    /// Where new downloads go (default: Reel's data folder).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_folder: Option<std::path::PathBuf>,
    /// What films and episodes are downloaded at (default: the original file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub download_quality: Option<crate::models::DownloadQuality>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Preferences {
    fn is_unset(&self) -> bool {
        *self == Self::default()
    }

    /// (shortest, start, longest) lifetime of the server list, in seconds.
    pub fn sources_ttl_bounds(&self) -> (u64, u64, u64) {
        let start = self.sources_ttl_secs.unwrap_or(DEFAULT_SOURCES_TTL_SECS);
        let min = self.sources_ttl_min_secs.unwrap_or(start.min(60));
        let max = self.sources_ttl_max_secs.unwrap_or(start.max(3600)).max(min);
        (min, start.clamp(min, max), max)
    }
}

/// A library's key in `library_visibility`: `{source id}:{section key}`, as Reel 0.3 wrote it.
pub fn visibility_key(source_id: &str, section_key: &str) -> String {
    format!("{source_id}:{section_key}")
}

/// How long a server list is trusted before it is asked for again, at first
/// (README: Preferences adapt it within its bounds).
pub const DEFAULT_SOURCES_TTL_SECS: u64 = 300;

#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct RuntimeConfig {
    /// A UUID made once per install, sent as `X-Plex-Client-Identifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_identifier: Option<String>,
    #[serde(default, alias = "configured_backends", skip_serializing_if = "Vec::is_empty")]
    pub legacy_backends: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub library_visibility: BTreeMap<String, bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub auth_providers: BTreeMap<String, AuthProvider>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cached_sources: BTreeMap<String, Vec<Source>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources_last_fetched: BTreeMap<String, DateTime<Utc>>,
    /// Connections the user pinned, by source id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub pinned_connections: BTreeMap<String, String>,
    /// Reel 0.4 kept how each connection has done here; read once and moved
    /// to the state store (see `services::servers::state`), never written.
    #[serde(default, skip_serializing)]
    pub connection_history: BTreeMap<String, ServerHistory>,
    /// Reel 0.4 kept each account's adapted server-list lifetime here; moved likewise.
    #[serde(default, skip_serializing)]
    pub sources_ttl_current: BTreeMap<String, u64>,
    #[serde(flatten)]
    pub extra: toml::Table,
}

impl Config {
    /// Whether the provider's server list is older than `max_age` (a zero
    /// lifetime, set in Preferences, makes it stale at once).
    pub fn is_sources_cache_stale(&self, provider_id: &str, max_age: std::time::Duration) -> bool {
        match self.runtime.sources_last_fetched.get(provider_id) {
            Some(t) => (Utc::now() - *t).to_std().map(|age| age >= max_age).unwrap_or(false),
            None => true,
        }
    }

    #[cfg(any(test, feature = "internals"))]
    pub fn library_visible(&self, library_id: &str) -> bool {
        self.runtime.library_visibility.get(library_id).copied().unwrap_or(true)
    }

    /// Every cached source, of every provider.
    pub fn all_sources(&self) -> impl Iterator<Item = &Source> {
        self.runtime.cached_sources.values().flatten()
    }
}

/// What happened while loading, for the user to be told.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadNotice {
    /// The file could not be read as settings; it was kept under this name.
    CorruptMovedAside { kept_as: PathBuf, reason: String },
}

impl std::fmt::Display for LoadNotice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadNotice::CorruptMovedAside { kept_as, reason } => write!(
                f,
                "Reel's settings file was damaged ({reason}). It was kept as {} and Reel started with fresh settings; your accounts may need to be added again.",
                kept_as.display()
            ),
        }
    }
}

pub struct ConfigStore {
    path: PathBuf,
    current: Mutex<Config>,
}

pub fn default_path() -> PathBuf {
    crate::paths::config_dir().join("config.toml")
}

fn read(path: &Path) -> std::result::Result<Option<Config>, String> {
    match std::fs::read_to_string(path) {
        // Reel never writes an empty file (the client identifier is always
        // there): empty is what a full disk or a crashed editor leaves.
        Ok(text) if text.trim().is_empty() => Err("it is empty".into()),
        Ok(text) => toml::from_str(&text).map(Some).map_err(|e| e.message().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::InvalidData => Err("it is not text".into()),
        Err(e) => Err(e.to_string()),
    }
}

fn move_aside(path: &Path) -> std::io::Result<PathBuf> {
    let stamp = Utc::now().format("%Y%m%dT%H%M%S");
    let mut kept = path.with_extension(format!("toml.corrupt-{stamp}"));
    let mut n = 1;
    while kept.exists() {
        kept = path.with_extension(format!("toml.corrupt-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &kept)?;
    Ok(kept)
}

/// The temporary files of saves that never finished (the process was
/// killed before the rename): called while holding the settings lock, under
/// which every save makes its temporary file, so none is in use.
fn sweep_unfinished_saves(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        if e.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            tracing::debug!("removing an unfinished save: {}", e.path().display());
            let _ = std::fs::remove_file(e.path());
        }
    }
}

const TEMP_PREFIX: &str = ".config.toml.";

impl ConfigStore {
    fn lock_path(&self) -> PathBuf {
        self.path.with_extension("toml.lock")
    }

    /// Loads `path`. A damaged file is renamed aside (never overwritten) and
    /// reported; an unreadable one (permissions) is an error.
    pub fn load(path: impl Into<PathBuf>) -> Result<(Self, Option<LoadNotice>)> {
        let path = path.into();
        let (config, notice) = match read(&path) {
            Ok(c) => (c.unwrap_or_default(), None),
            Err(reason) if path.exists() && std::fs::File::open(&path).is_ok() => {
                let kept_as =
                    move_aside(&path).map_err(|e| Error::ConfigWrite { path: path.clone(), reason: e.to_string() })?;
                tracing::warn!(kept = %kept_as.display(), "config.toml was damaged: {reason}");
                (Config::default(), Some(LoadNotice::CorruptMovedAside { kept_as, reason }))
            }
            Err(reason) => return Err(Error::ConfigWrite { path, reason }),
        };
        let store = Self { path, current: Mutex::new(config) };
        // Leftovers of a save that was killed, if no one is saving now.
        if let Some(dir) = store.path.parent().filter(|d| d.exists()) {
            if let Ok(lock) = crate::paths::private_file(&store.lock_path()) {
                if lock.try_lock().is_ok() {
                    sweep_unfinished_saves(dir);
                    let _ = lock.unlock();
                }
            }
        }
        Ok((store, notice))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the settings as last read or written, without copying them all.
    pub fn read<T>(&self, f: impl FnOnce(&Config) -> T) -> T {
        match self.current.lock() {
            Ok(c) => f(&c),
            Err(poisoned) => f(&poisoned.into_inner()),
        }
    }

    /// A copy of the settings as last read or written.
    pub fn get(&self) -> Config {
        self.current.lock().map(|c| c.clone()).unwrap_or_default()
    }

    /// Re-reads the file under an exclusive lock, applies `f`, and writes the
    /// result atomically, so concurrent writers (app, CLI) compose.
    pub fn update<T>(&self, f: impl FnOnce(&mut Config) -> T) -> Result<T> {
        let err = |reason: String| Error::ConfigWrite { path: self.path.clone(), reason };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        crate::paths::private_dir(dir).map_err(|e| err(e.to_string()))?;
        let lock = crate::paths::private_file(&self.lock_path()).map_err(|e| err(e.to_string()))?;
        lock.lock().map_err(|e| err(format!("cannot lock settings: {e}")))?;
        sweep_unfinished_saves(dir);

        let mut guard = self.current.lock().map_err(|_| err("settings lock poisoned".into()))?;
        let mut config = match read(&self.path) {
            Ok(Some(c)) => c,
            Ok(None) => guard.clone(),
            // Damaged since we loaded it: keep it aside, build on what we know.
            Err(_) => {
                let _ = move_aside(&self.path);
                guard.clone()
            }
        };
        let out = f(&mut config);
        write_atomic(&self.path, &config).map_err(|e| err(e.to_string()))?;
        *guard = config;
        drop(guard);
        let _ = lock.unlock();
        Ok(out)
    }

    /// Re-reads the file (what another process wrote), keeping ours if it is damaged.
    pub fn reload(&self) -> Config {
        if let Ok(Some(c)) = read(&self.path) {
            if let Ok(mut g) = self.current.lock() {
                *g = c;
            }
        }
        self.get()
    }
}

fn write_atomic(path: &Path, config: &Config) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let text = toml::to_string_pretty(config).map_err(std::io::Error::other)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(TEMP_PREFIX).tempfile_in(dir)?;
    tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o600))?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
