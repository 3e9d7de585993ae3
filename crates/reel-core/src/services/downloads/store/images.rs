//! The pictures a download's pages show (the poster and backdrop of the
//! item, and of the season and show or album and artist holding it),
//! kept in Reel's own downloads folder: the poster cache is a cache that
//! may be cleared, and a download has to look as it did with no network.
//! One file per picture, named by a stable hash of its server path (never
//! a token, nor a name a server chose), shared by every download that
//! shows it and deleted with the last of them.

use super::{source_dir_name, stored, DownloadStore};
use crate::error::Result;
use crate::ids::{ItemKey, SourceId};
use rusqlite::{params, Connection};
use std::path::PathBuf;

/// FNV-1a: a file name must stay the same across Reel's versions, which
/// the standard library's hasher does not promise.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

impl DownloadStore {
    /// One download's pictures kept at a time (in this process).
    pub async fn pictures_turn(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.pictures.lock().await
    }

    fn images_dir(&self, source_id: &SourceId) -> PathBuf {
        self.dir.join(source_dir_name(source_id)).join("images")
    }

    /// Where the picture at server path `path` is kept (whether or not it is).
    pub fn image_file(&self, source_id: &SourceId, path: &str) -> PathBuf {
        self.images_dir(source_id).join(format!("{:016x}", stable_hash(path)))
    }

    /// The picture at `path`, when a download keeps it.
    pub fn kept_image(&self, source_id: &SourceId, path: &str) -> Option<PathBuf> {
        Some(self.image_file(source_id, path)).filter(|f| f.is_file())
    }

    /// Records that `key`'s download shows the picture at `path`, writing
    /// `bytes` as its file when given (whole, then renamed: a reader never
    /// sees half a picture).
    pub fn keep_image(&self, source_id: &SourceId, key: &ItemKey, path: &str, bytes: Option<&[u8]>) -> Result<()> {
        use std::io::Write;
        // Opened first: it makes Reel's own folder, private, before a picture's folder is made in it.
        let c = self.open()?;
        if let Some(bytes) = bytes {
            let file = self.image_file(source_id, path);
            crate::paths::private_dir(&self.dir.join(source_dir_name(source_id))).map_err(stored)?;
            crate::paths::private_dir(&self.images_dir(source_id)).map_err(stored)?;
            let tmp = Self::part_file(&file);
            let mut f = crate::paths::private_file(&tmp).map_err(stored)?;
            f.set_len(0).and_then(|_| f.write_all(bytes)).and_then(|_| f.sync_data()).map_err(stored)?;
            std::fs::rename(&tmp, &file).map_err(stored)?;
        }
        c.execute(
                "INSERT OR IGNORE INTO images (source_id, rating_key, path) VALUES (?1, ?2, ?3)",
            params![source_id.as_str(), key.as_str(), path],
        )
        .map_err(stored)?;
        Ok(())
    }

    /// `key`'s download is gone: the pictures no other download of the
    /// server shows go with it.
    pub(super) fn let_go_images(&self, c: &Connection, source_id: &SourceId, key: &ItemKey) -> Result<()> {
        let mut q = c
            .prepare("DELETE FROM images WHERE source_id = ?1 AND rating_key = ?2 RETURNING path")
            .map_err(stored)?;
        let paths: Vec<String> = q
            .query_map(params![source_id.as_str(), key.as_str()], |r| r.get(0))
            .map_err(stored)?
            .collect::<rusqlite::Result<_>>()
            .map_err(stored)?;
        for path in paths {
            let shown: bool = c
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM images WHERE source_id = ?1 AND path = ?2)",
                    params![source_id.as_str(), path],
                    |r| r.get(0),
                )
                .map_err(stored)?;
            if shown {
                continue;
            }
            match std::fs::remove_file(self.image_file(source_id, &path)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(stored(e)),
                _ => {}
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picture_two_downloads_show_goes_with_the_last_of_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = DownloadStore::new(dir.path());
        let source = SourceId::new("srv/1");
        let (a, b) = (ItemKey::new("11"), ItemKey::new("12"));
        store.keep_image(&source, &a, "/library/metadata/10/thumb/1", Some(b"show poster")).expect("kept");
        store.keep_image(&source, &b, "/library/metadata/10/thumb/1", None).expect("kept");
        store.keep_image(&source, &a, "/library/metadata/11/thumb/1", Some(b"still")).expect("kept");
        let show = store.kept_image(&source, "/library/metadata/10/thumb/1").expect("the show's poster");
        assert_eq!(std::fs::read(&show).expect("read"), b"show poster");
        assert!(!show.to_string_lossy().contains("metadata"), "named by a hash: {show:?}");
        assert!(store.kept_image(&source, "/library/metadata/99/thumb/1").is_none());

        store.remove(&source, &a).expect("removed");
        assert!(store.kept_image(&source, "/library/metadata/11/thumb/1").is_none(), "only a showed it");
        assert!(store.kept_image(&source, "/library/metadata/10/thumb/1").is_some(), "b still shows it");
        store.remove(&source, &b).expect("removed");
        assert!(store.kept_image(&source, "/library/metadata/10/thumb/1").is_none(), "the last one went");
    }

    #[test]
    fn kept_pictures_are_the_users_alone() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tempdir");
        let store = DownloadStore::new(dir.path().join("downloads"));
        let source = SourceId::new("srv");
        store.keep_image(&source, &ItemKey::new("1"), "/t", Some(b"x")).expect("kept");
        let file = store.kept_image(&source, "/t").expect("kept");
        let mode = |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(file.parent().expect("images")), 0o700);
        assert_eq!(mode(file.parent().and_then(|p| p.parent()).expect("server")), 0o700);
    }

    #[test]
    fn the_hash_names_the_same_picture_the_same_way_every_time() {
        assert_eq!(stable_hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(stable_hash("a"), 0xaf63_dc4c_8601_ec8c);
    }
}
