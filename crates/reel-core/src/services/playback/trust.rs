//! What the player trusts when it fetches media over https: the system's
//! certificate authorities, plus the one more Reel was told to trust
//! (`REEL_EXTRA_CA_FILE`: fake-plex's in tests and the demo), in one file
//! GStreamer's HTTP source can read (it takes a file, not certificates).

use std::path::{Path, PathBuf};

/// Where systems keep their CA bundle (Debian's first).
const SYSTEM_BUNDLES: &[&str] =
    &["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"];

/// Writes the system's bundle and `extra` (PEM) to `path` (private to the
/// user; replaced atomically); `None` when it cannot be written, and the
/// player then trusts the system's alone.
pub fn write_anchors(path: &Path, extra: &[u8]) -> Option<PathBuf> {
    let system = SYSTEM_BUNDLES.iter().find_map(|p| std::fs::read(p).ok()).unwrap_or_default();
    let mut all = system;
    all.push(b'\n');
    all.extend_from_slice(extra);
    let write = || -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("pem.part");
        std::fs::write(&tmp, &all)?;
        std::fs::rename(&tmp, path)
    };
    match write() {
        Ok(()) => Some(path.to_path_buf()),
        Err(e) => {
            tracing::warn!("cannot write the player's trusted certificates to {}: {e}", path.display());
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extra_ca_joins_the_systems() {
        let dir = tempfile::tempdir().unwrap();
        let extra = b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let path = write_anchors(&dir.path().join("sub/anchors.pem"), extra).expect("written");
        let text = std::fs::read(&path).unwrap();
        assert!(text.ends_with(extra));
        let system = SYSTEM_BUNDLES.iter().find_map(|p| std::fs::read(p).ok()).unwrap_or_default();
        assert!(text.starts_with(&system), "the system's authorities first");
    }
}
