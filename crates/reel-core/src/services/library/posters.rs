//! Posters on disk (`$XDG_CACHE_HOME/reel/posters/`), fetched once through the
//! server's image transcoder and then served from disk, also offline.

use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result};
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
        .map_err(|e| Error::Invalid(e.to_string()))?;
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
