//! What is downloaded, in `downloads.sqlite3` beside the files: one row a
//! download, written at every change of state, read by the app and
//! reel-cli alike (each opens it for what it does; SQLite keeps them in
//! step). The bytes so far are the file's own length, not a number kept.

use crate::error::{Error, Result, Stored};
use crate::ids::{ItemKey, SourceId};
use crate::models::{Download, DownloadFault, DownloadQuality, DownloadSpace, DownloadState, ItemKind, KeepNext, Playable};
use rusqlite::{params, Connection, OptionalExtension};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

mod images;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS downloads (
    source_id TEXT NOT NULL,
    rating_key TEXT NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL,
    part_key TEXT NOT NULL,
    size INTEGER,
    state TEXT NOT NULL,
    fault TEXT,
    file TEXT NOT NULL,
    playable TEXT,
    asked INTEGER NOT NULL,
    PRIMARY KEY (source_id, rating_key)
);
CREATE TABLE IF NOT EXISTS keep_next (
    source_id TEXT NOT NULL,
    show_key TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (source_id, show_key)
);
CREATE TABLE IF NOT EXISTS images (
    source_id TEXT NOT NULL,
    rating_key TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (source_id, rating_key, path)
);";

/// Columns added since the first downloads list, with what an older row
/// means: its original file, no conversion asked.
const ADDED_COLUMNS: [(&str, &str); 2] =
    [("quality", "TEXT NOT NULL DEFAULT 'original'"), ("conversion", "TEXT")];

/// The columns a download is read with.
const COLUMNS: &str = "source_id, rating_key, title, kind, part_key, size, state, fault, file, playable, quality";

#[derive(Debug, Clone)]
pub struct DownloadStore {
    /// Where `downloads.sqlite3` is, and the files unless a folder was chosen.
    dir: PathBuf,
    /// Where new files go (the store's clones share it): a folder chosen in
    /// Preferences, or `dir`. Files already there stay where they are.
    files: Arc<RwLock<PathBuf>>,
    /// Taken while a download's pictures are kept: two downloads of one
    /// season finishing together fetch their show's poster once.
    pictures: Arc<tokio::sync::Mutex<()>>,
}

/// Only letters, digits and `_` of an id go into a file name.
fn safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect()
}

/// The sidecar subtitles of what a download keeps (every version's parts:
/// the one downloaded is among them).
pub fn sidecars_of(p: &Playable) -> impl Iterator<Item = &crate::models::MediaStream> {
    p.media.iter().flat_map(|m| &m.parts).flat_map(|part| part.sidecar_subtitles())
}

/// A subtitle file's extension, from its format (`srt` unless it says).
pub fn sidecar_ext(codec: Option<&str>) -> String {
    let ext: String = codec.unwrap_or("srt").chars().filter(char::is_ascii_alphanumeric).take(8).collect();
    if ext.is_empty() {
        "srt".into()
    } else {
        ext
    }
}

/// The folder of a server's files: named by its id.
fn source_dir_name(source_id: &SourceId) -> String {
    safe(source_id.as_str())
}

fn stored(e: impl std::fmt::Display) -> Error {
    Error::Storage { what: Stored::Downloads, reason: e.to_string() }
}

impl DownloadStore {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        let dir = dir.into();
        Self { files: Arc::new(RwLock::new(dir.clone())), dir, pictures: Arc::default() }
    }

    /// New files go into `folder` (None: beside the list, Reel's own).
    pub fn set_files_dir(&self, folder: Option<PathBuf>) {
        let folder = folder.unwrap_or_else(|| self.dir.clone());
        *self.files.write().unwrap_or_else(|e| e.into_inner()) = folder;
    }

    /// Where new files go.
    pub fn files_dir(&self) -> PathBuf {
        self.files.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Whether `folder` can take downloads: an absolute path to a folder
    /// (made if missing) where a file can be written. Nothing else in it is
    /// touched.
    pub fn check_folder(folder: &Path) -> Result<()> {
        let refused = |reason: String| Error::DownloadFolder { path: folder.to_path_buf(), reason };
        if !folder.is_absolute() {
            return Err(refused("not a full path".into()));
        }
        std::fs::create_dir_all(folder).map_err(|e| refused(e.to_string()))?;
        let probe = folder.join(format!(".reel-write-check-{}", std::process::id()));
        crate::paths::private_file(&probe).map_err(|e| refused(e.to_string()))?;
        std::fs::remove_file(&probe).map_err(|e| refused(e.to_string()))
    }

    /// Where `key`'s file of `source_id` goes, with the part's extension:
    /// named by ids alone (never a token, nor a title a server chose).
    pub fn file_for(&self, source_id: &SourceId, key: &ItemKey, part_key: &str) -> PathBuf {
        let ext = Path::new(part_key)
            .extension()
            .and_then(|e| e.to_str())
            .filter(|e| e.len() <= 8 && e.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or("bin");
        self.files_dir().join(source_dir_name(source_id)).join(format!("{}.{ext}", safe(key.as_str())))
    }

    /// Where the copy of `key` the server converts to `quality` goes
    /// (Matroska: what a converted download is asked in).
    pub fn converted_file_for(&self, source_id: &SourceId, key: &ItemKey, quality: DownloadQuality) -> PathBuf {
        let name = format!("{}-{}.mkv", safe(key.as_str()), quality.name());
        self.files_dir().join(source_dir_name(source_id)).join(name)
    }

    /// Where a download's subtitle file `key` (a sidecar on the server, in
    /// format `codec`) is kept: in Reel's own folder (small, and found
    /// again whatever folder the media went to), named by ids.
    pub fn sidecar_file(&self, source_id: &SourceId, key: &str, codec: Option<&str>) -> PathBuf {
        self.dir.join(source_dir_name(source_id)).join("subtitles").join(format!("{}.{}", safe(key), sidecar_ext(codec)))
    }

    /// Keeps `bytes` as the sidecar `key` (written whole, then renamed).
    pub fn keep_sidecar(&self, source_id: &SourceId, key: &str, codec: Option<&str>, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        let path = self.sidecar_file(source_id, key, codec);
        // The server's folder first: made on the way to `subtitles`, it would be left open to others.
        crate::paths::private_dir(&self.dir.join(source_dir_name(source_id))).map_err(stored)?;
        let dir = path.parent().unwrap_or(&self.dir);
        crate::paths::private_dir(dir).map_err(stored)?;
        let tmp = Self::part_file(&path);
        let mut f = crate::paths::private_file(&tmp).map_err(stored)?;
        f.set_len(0).and_then(|_| f.write_all(bytes)).and_then(|_| f.sync_data()).map_err(stored)?;
        std::fs::rename(&tmp, &path).map_err(stored)
    }

    /// What the downloads take (their files and partial files, wherever
    /// each is: a chosen folder holds other things too), and what is free
    /// on the disk new ones go to.
    pub fn space(&self) -> Result<DownloadSpace> {
        let used = self.all()?.iter().map(|d| d.fetched).sum();
        // The folder may not be made yet: its disk is its nearest parent's.
        let files = self.files_dir();
        let there = files.ancestors().find(|p| p.exists());
        let free = there.and_then(|p| rustix::fs::statvfs(p).ok()).map(|s| s.f_bavail.saturating_mul(s.f_frsize));
        Ok(DownloadSpace { used, free })
    }

    /// Removes the folders of `source_id`'s files once they hold nothing
    /// (named by the server's id: in Reel's folder, and in a chosen one).
    pub fn forget_source_dir(&self, source_id: &SourceId) -> Result<()> {
        let own = self.dir.join(source_dir_name(source_id));
        let folders =
            [own.join("subtitles"), own.join("images"), own, self.files_dir().join(source_dir_name(source_id))];
        for folder in folders {
            match std::fs::remove_dir(folder) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                    tracing::warn!("a server's downloads folder stays: {e}");
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Keeps the next `count` unwatched episodes of `show` downloaded, or
    /// (None) no longer.
    pub fn set_keep_next(&self, source_id: &SourceId, show: &ItemKey, count: Option<u32>) -> Result<()> {
        let c = self.open()?;
        match count {
            Some(n) => c.execute(
                "INSERT INTO keep_next (source_id, show_key, count) VALUES (?1, ?2, ?3)
                 ON CONFLICT (source_id, show_key) DO UPDATE SET count = excluded.count",
                params![source_id.as_str(), show.as_str(), n],
            ),
            None => c.execute(
                "DELETE FROM keep_next WHERE source_id = ?1 AND show_key = ?2",
                params![source_id.as_str(), show.as_str()],
            ),
        }
        .map_err(stored)?;
        Ok(())
    }

    /// Every show kept up with.
    pub fn keep_rules(&self) -> Result<Vec<KeepNext>> {
        if !self.dir.join("downloads.sqlite3").exists() {
            return Ok(Vec::new());
        }
        let c = self.open()?;
        let mut q = c.prepare("SELECT source_id, show_key, count FROM keep_next ORDER BY rowid").map_err(stored)?;
        let rows = q
            .query_map([], |r| {
                Ok(KeepNext {
                    source_id: SourceId::new(r.get::<_, String>(0)?),
                    show_key: ItemKey::new(r.get::<_, String>(1)?),
                    count: r.get(2)?,
                })
            })
            .map_err(stored)?;
        rows.map(|r| r.map_err(stored)).collect()
    }

    /// The file being written until it is whole.
    pub fn part_file(file: &Path) -> PathBuf {
        let mut name = file.as_os_str().to_owned();
        name.push(".part");
        PathBuf::from(name)
    }

    fn open(&self) -> Result<Connection> {
        crate::paths::private_dir(&self.dir).map_err(stored)?;
        let path = self.dir.join("downloads.sqlite3");
        if !path.exists() {
            crate::paths::private_file(&path).map_err(stored)?;
        }
        let c = Connection::open(&path).map_err(stored)?;
        // The app and reel-cli may write at the same moment: one waits.
        c.busy_timeout(Duration::from_secs(5)).map_err(stored)?;
        c.execute_batch(SCHEMA).map_err(stored)?;
        add_columns(&c)?;
        Ok(c)
    }

    /// Adds `d` (asked for now), or changes it when it is there, with what
    /// playing it needs with no server (its media, streams and markers).
    pub fn put(&self, d: &Download, playable: &Playable) -> Result<()> {
        let c = self.open()?;
        let fault = d.fault.as_ref().map(serde_json::to_string).transpose().map_err(stored)?;
        let playable = serde_json::to_string(playable).map_err(stored)?;
        c.execute(
            "INSERT INTO downloads (source_id, rating_key, title, kind, part_key, size, state, fault, file, playable,
               quality, asked)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, (SELECT COALESCE(MAX(asked), 0) + 1 FROM downloads))
             ON CONFLICT (source_id, rating_key) DO UPDATE SET title = excluded.title, kind = excluded.kind,
               part_key = excluded.part_key, size = excluded.size, state = excluded.state, fault = excluded.fault,
               file = excluded.file, playable = excluded.playable, quality = excluded.quality, conversion = NULL",
            params![
                d.source_id.as_str(),
                d.rating_key.as_str(),
                d.title,
                enum_text(&d.kind)?,
                d.part_key,
                d.size.map(|s| s as i64),
                enum_text(&d.state)?,
                fault,
                d.file.to_string_lossy(),
                playable,
                d.quality.name(),
            ],
        )
        .map_err(stored)?;
        Ok(())
    }

    pub fn set_state(
        &self,
        source_id: &SourceId,
        key: &ItemKey,
        state: DownloadState,
        fault: Option<&DownloadFault>,
    ) -> Result<()> {
        let c = self.open()?;
        let fault = fault.map(serde_json::to_string).transpose().map_err(stored)?;
        c.execute(
            "UPDATE downloads SET state = ?3, fault = ?4 WHERE source_id = ?1 AND rating_key = ?2",
            params![source_id.as_str(), key.as_str(), enum_text(&state)?, fault],
        )
        .map_err(stored)?;
        Ok(())
    }

    /// Every download, in the order asked for, with the bytes on disk.
    pub fn all(&self) -> Result<Vec<Download>> {
        if !self.dir.join("downloads.sqlite3").exists() {
            return Ok(Vec::new());
        }
        let c = self.open()?;
        let mut q = c
            .prepare(&format!("SELECT {COLUMNS} FROM downloads ORDER BY asked"))
            .map_err(stored)?;
        let rows = q.query_map([], row).map_err(stored)?;
        rows.map(|r| r.map_err(stored).and_then(|r| r.into_download())).collect()
    }

    pub fn get(&self, source_id: &SourceId, key: &ItemKey) -> Result<Option<Download>> {
        if !self.dir.join("downloads.sqlite3").exists() {
            return Ok(None);
        }
        let c = self.open()?;
        let r = c
            .query_row(
                &format!("SELECT {COLUMNS} FROM downloads WHERE source_id = ?1 AND rating_key = ?2"),
                params![source_id.as_str(), key.as_str()],
                row,
            )
            .optional()
            .map_err(stored)?;
        r.map(Row::into_download).transpose()
    }

    /// The server's download-queue entry making `key`'s converted copy
    /// (its queue and item ids), once one was asked for.
    pub fn conversion(&self, source_id: &SourceId, key: &ItemKey) -> Result<Option<(u64, u64)>> {
        let c = self.open()?;
        let text: Option<Option<String>> = c
            .query_row(
                "SELECT conversion FROM downloads WHERE source_id = ?1 AND rating_key = ?2",
                params![source_id.as_str(), key.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(stored)?;
        Ok(text.flatten().and_then(|t| {
            let (q, i) = t.split_once('/')?;
            Some((q.parse().ok()?, i.parse().ok()?))
        }))
    }

    /// Keeps (or, None, forgets) the download-queue entry making `key`'s copy.
    pub fn set_conversion(&self, source_id: &SourceId, key: &ItemKey, entry: Option<(u64, u64)>) -> Result<()> {
        let c = self.open()?;
        c.execute(
            "UPDATE downloads SET conversion = ?3 WHERE source_id = ?1 AND rating_key = ?2",
            params![source_id.as_str(), key.as_str(), entry.map(|(q, i)| format!("{q}/{i}"))],
        )
        .map_err(stored)?;
        Ok(())
    }

    /// What is fetched for `d` now: its quality, the size of the file the
    /// server sends (learnt once a converted copy is made), and where it goes.
    pub fn set_fetched_as(&self, d: &Download) -> Result<()> {
        let c = self.open()?;
        c.execute(
            "UPDATE downloads SET quality = ?3, size = ?4, file = ?5 WHERE source_id = ?1 AND rating_key = ?2",
            params![
                d.source_id.as_str(),
                d.rating_key.as_str(),
                d.quality.name(),
                d.size.map(|s| s as i64),
                d.file.to_string_lossy()
            ],
        )
        .map_err(stored)?;
        Ok(())
    }

    /// Keeps what the server says of a downloaded item now, for the next
    /// time it plays (nothing when it is no longer downloaded).
    pub fn set_playable(&self, source_id: &SourceId, key: &ItemKey, playable: &Playable) -> Result<()> {
        let text = serde_json::to_string(playable).map_err(stored)?;
        self.open()?
            .execute(
                "UPDATE downloads SET playable = ?3 WHERE source_id = ?1 AND rating_key = ?2",
                params![source_id.as_str(), key.as_str(), text],
            )
            .map_err(stored)?;
        Ok(())
    }

    /// What playing `key` needs with no server, as it was when downloaded.
    pub fn playable(&self, source_id: &SourceId, key: &ItemKey) -> Result<Option<Playable>> {
        if !self.dir.join("downloads.sqlite3").exists() {
            return Ok(None);
        }
        let c = self.open()?;
        let text: Option<Option<String>> = c
            .query_row(
                "SELECT playable FROM downloads WHERE source_id = ?1 AND rating_key = ?2",
                params![source_id.as_str(), key.as_str()],
                |r| r.get(0),
            )
            .optional()
            .map_err(stored)?;
        text.flatten().map(|t| serde_json::from_str(&t).map_err(stored)).transpose()
    }

    /// The items of `source_id` whose download is done and on disk, as
    /// they were kept, in the order asked for.
    pub fn finished_items(&self, source_id: &SourceId) -> Result<Vec<crate::models::MediaItem>> {
        Ok(self
            .all()?
            .into_iter()
            .filter(|d| d.source_id == *source_id && d.state == DownloadState::Done)
            .filter_map(|d| self.playable(source_id, &d.rating_key).ok().flatten())
            .map(|p| p.item)
            .collect())
    }

    /// Forgets a download and deletes its file (whole or partial).
    pub fn remove(&self, source_id: &SourceId, key: &ItemKey) -> Result<()> {
        let sidecars = match self.playable(source_id, key) {
            Ok(Some(p)) => sidecars_of(&p).map(|s| self.sidecar_file(source_id, s.key.as_deref().unwrap_or_default(), s.codec.as_deref())).collect(),
            // Its subtitles stay behind rather than the download.
            _ => Vec::new(),
        };
        if let Some(d) = self.get(source_id, key)? {
            for f in [Self::part_file(&d.file), d.file].into_iter().chain(sidecars) {
                match std::fs::remove_file(&f) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(stored(e)),
                }
            }
        }
        let c = self.open()?;
        c.execute("DELETE FROM downloads WHERE source_id = ?1 AND rating_key = ?2", params![source_id.as_str(), key.as_str()])
            .map_err(stored)?;
        self.let_go_images(&c, source_id, key)
    }
}

struct Row {
    source_id: String,
    rating_key: String,
    title: String,
    kind: String,
    part_key: String,
    size: Option<i64>,
    state: String,
    fault: Option<String>,
    file: String,
    playable: Option<String>,
    quality: String,
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        source_id: r.get(0)?,
        rating_key: r.get(1)?,
        title: r.get(2)?,
        kind: r.get(3)?,
        part_key: r.get(4)?,
        size: r.get(5)?,
        state: r.get(6)?,
        fault: r.get(7)?,
        file: r.get(8)?,
        playable: r.get(9)?,
        quality: r.get(10)?,
    })
}

impl Row {
    fn into_download(self) -> Result<Download> {
        let file = PathBuf::from(self.file);
        let len = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
        let fetched = len(&file).or_else(|| len(&DownloadStore::part_file(&file))).unwrap_or(0);
        let mut state: DownloadState = from_text(&self.state)?;
        let mut fault: Option<DownloadFault> =
            self.fault.map(|f| serde_json::from_str(&f)).transpose().map_err(stored)?;
        // Deleted behind Reel's back: it says so, and can be fetched again.
        if state == DownloadState::Done && !file.exists() {
            state = DownloadState::Failed;
            fault = Some(DownloadFault::Missing);
        }
        Ok(Download {
            source_id: SourceId::new(self.source_id),
            rating_key: ItemKey::new(self.rating_key),
            title: self.title,
            kind: from_text::<ItemKind>(&self.kind)?,
            part_key: self.part_key,
            size: self.size.and_then(|s| u64::try_from(s).ok()),
            state,
            fault,
            fetched,
            file,
            bytes_per_second: None,
            within: within(self.playable.as_deref()),
            // A name this version does not know: the original, which every server sends.
            quality: DownloadQuality::from_name(&self.quality).unwrap_or_default(),
            converting: false,
        })
    }
}

/// What holds the item, as its kept metadata says (nothing when it
/// cannot be read: the download itself is still what the row says).
fn within(playable: Option<&str>) -> Vec<ItemKey> {
    let Some(p) = playable.and_then(|p| serde_json::from_str::<Playable>(p).ok()) else { return Vec::new() };
    p.item.parent_key.into_iter().chain(p.item.grandparent_key).collect()
}

/// Adds the columns a list made by an older Reel lacks. The app and
/// reel-cli may both open an old list at once: a column the other just
/// added is no fault.
fn add_columns(c: &Connection) -> Result<()> {
    let mut q = c.prepare("SELECT name FROM pragma_table_info('downloads')").map_err(stored)?;
    let have: Vec<String> = q.query_map([], |r| r.get(0)).map_err(stored)?.collect::<rusqlite::Result<_>>().map_err(stored)?;
    for (name, decl) in ADDED_COLUMNS.iter().filter(|(n, _)| !have.iter().any(|h| h == n)) {
        match c.execute_batch(&format!("ALTER TABLE downloads ADD COLUMN {name} {decl}")) {
            Err(e) if e.to_string().contains("duplicate column") => {}
            other => other.map_err(stored)?,
        }
    }
    Ok(())
}

/// A unit enum as its serde name ("running", "episode").
fn enum_text<T: serde::Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v).map_err(stored)? {
        serde_json::Value::String(s) => Ok(s),
        other => Err(stored(format!("not a name: {other}"))),
    }
}

fn from_text<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(stored)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_an_older_reel_wrote_opens_and_reads_as_original_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let c = Connection::open(dir.path().join("downloads.sqlite3")).expect("a list");
        c.execute_batch(
            "CREATE TABLE downloads (source_id TEXT NOT NULL, rating_key TEXT NOT NULL, title TEXT NOT NULL,
               kind TEXT NOT NULL, part_key TEXT NOT NULL, size INTEGER, state TEXT NOT NULL, fault TEXT,
               file TEXT NOT NULL, playable TEXT, asked INTEGER NOT NULL, PRIMARY KEY (source_id, rating_key));
             INSERT INTO downloads VALUES ('s', '7', 'Film', 'movie', '/library/parts/70/1/file.mkv', 10,
               'queued', NULL, '/nowhere/7.mkv', NULL, 1);",
        )
        .expect("an old list");
        drop(c);
        let store = DownloadStore::new(dir.path());
        let (s, k) = (SourceId::new("s"), ItemKey::new("7"));
        let old = store.get(&s, &k).expect("read").expect("the old row");
        assert_eq!((old.quality, old.size, old.title.as_str()), (DownloadQuality::Original, Some(10), "Film"));
        // Two openers adding the columns at once: the second finds them there.
        add_columns(&store.open().expect("opened")).expect("added once");
        store.set_conversion(&s, &k, Some((3, 41))).expect("kept");
        assert_eq!(store.conversion(&s, &k).expect("read"), Some((3, 41)));
        let converted = Download { quality: DownloadQuality::P720, size: None, ..old };
        store.set_fetched_as(&converted).expect("kept");
        let read = store.get(&s, &k).expect("read").expect("the row");
        assert_eq!((read.quality, read.size), (DownloadQuality::P720, None));
    }
}
