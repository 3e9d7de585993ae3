//! Posters on disk (`$XDG_CACHE_HOME/reel/posters/`), fetched once through the
//! server's image transcoder and then served from disk, also offline.

use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result, Stored};
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Clone)]
pub struct PosterCache {
    dir: PathBuf,
}

pub fn default_dir() -> PathBuf {
    crate::paths::cache_dir().join("posters")
}

impl PosterCache {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    fn file(&self, source_id: &str, path: &str, width: u32, height: u32) -> PathBuf {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        path.hash(&mut h);
        let safe: String =
            source_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '-' }).collect();
        self.dir.join(safe).join(format!("{:016x}_{width}x{height}", h.finish()))
    }

    /// Where a poster is kept on disk (whether or not it is there yet).
    pub fn path_of(&self, source_id: &str, path: &str, width: u32, height: u32) -> PathBuf {
        self.file(source_id, path, width, height)
    }

    /// Only what is on disk (no network): for instant, offline display.
    pub fn cached(&self, source_id: &str, path: &str, width: u32, height: u32) -> Option<Vec<u8>> {
        std::fs::read(self.file(source_id, path, width, height)).ok()
    }

    /// The same poster saved at another size (the largest), for when the
    /// size asked is not on disk and the server cannot send it: offline, a
    /// poster saved for another view is scaled rather than missing.
    pub fn cached_any_size(&self, source_id: &str, path: &str) -> Option<Vec<u8>> {
        let file = self.file(source_id, path, 0, 0);
        let (dir, name) = (file.parent()?, file.file_name()?.to_str()?);
        let prefix = name.strip_suffix("0x0")?;
        let size = |n: &str| -> Option<u64> {
            let (w, h) = n.strip_prefix(prefix)?.split_once('x')?;
            Some(w.parse::<u64>().ok()? * h.parse::<u64>().ok()?)
        };
        let best = std::fs::read_dir(dir)
            .ok()?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| Some((size(&n)?, n)))
            .max_by_key(|(pixels, _)| *pixels)?;
        std::fs::read(dir.join(best.1)).ok()
    }

    /// From disk, or fetched from the server and kept.
    pub async fn get(
        &self,
        client: &PlexServerClient,
        source_id: &str,
        path: &str,
        width: u32,
        height: u32,
    ) -> Result<Vec<u8>> {
        if let Some(bytes) = self.cached(source_id, path, width, height) {
            return Ok(bytes);
        }
        let bytes = client.image(path, width, height).await?;
        let file = self.file(source_id, path, width, height);
        let bytes_for_disk = bytes.clone();
        // Writing is best effort: a full disk means no poster cache, not no poster.
        let _ = tokio::task::spawn_blocking(move || -> std::io::Result<()> {
            let dir = file.parent().ok_or_else(|| std::io::Error::other("no folder"))?;
            std::fs::create_dir_all(dir)?;
            let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
            tmp.write_all(&bytes_for_disk)?;
            tmp.persist(&file).map_err(|e| e.error)?;
            Ok(())
        })
        .await
        .map_err(|e| Error::Storage { what: Stored::Posters, reason: e.to_string() })?;
        Ok(bytes)
    }
}

impl PosterCache {
    /// Removes every saved poster of a server (its account was signed out).
    pub fn forget_source(&self, source_id: &str) -> std::io::Result<()> {
        let dir = self.file(source_id, "", 0, 0);
        match dir.parent().map(std::fs::remove_dir_all) {
            Some(Err(e)) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_size_of_the_same_poster_stands_in_and_no_other_poster_does() {
        let dir = tempfile::tempdir().expect("tempdir");
        let cache = PosterCache::new(dir.path());
        assert!(cache.cached_any_size("srv", "/thumb/1").is_none(), "nothing saved yet");
        let save = |path: &str, w, h, bytes: &[u8]| {
            let f = cache.file("srv", path, w, h);
            std::fs::create_dir_all(f.parent().expect("folder")).expect("mkdir");
            std::fs::write(f, bytes).expect("write");
        };
        save("/thumb/2", 400, 600, b"other poster");
        assert!(cache.cached_any_size("srv", "/thumb/1").is_none(), "another poster is not this one");
        save("/thumb/1", 200, 300, b"small");
        save("/thumb/1", 400, 600, b"large");
        assert_eq!(cache.cached_any_size("srv", "/thumb/1").as_deref(), Some(&b"large"[..]), "the largest saved");
        assert!(cache.cached("srv", "/thumb/1", 150, 225).is_none());
    }
}
