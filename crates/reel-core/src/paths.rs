//! XDG locations (`$XDG_CONFIG_HOME/reel`, `$XDG_DATA_HOME/reel`, `$XDG_CACHE_HOME/reel`).

use std::path::{Path, PathBuf};

fn xdg(var: &str, fallback: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(fallback)))
        .unwrap_or_else(|| PathBuf::from("/tmp").join(fallback))
        .join("reel")
}

pub fn config_dir() -> PathBuf {
    xdg("XDG_CONFIG_HOME", ".config")
}

pub fn data_dir() -> PathBuf {
    xdg("XDG_DATA_HOME", ".local/share")
}

pub fn cache_dir() -> PathBuf {
    xdg("XDG_CACHE_HOME", ".cache")
}

/// Reel's own folders hold watch history and server addresses: the
/// user's alone (0700), like the files in them (0600).
/// (A folder Reel did not make, and that is not named for it, is left as it is.)
pub fn private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let ours = !dir.exists() || dir.file_name().is_some_and(|n| n == "reel");
    std::fs::create_dir_all(dir)?;
    if ours {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Opens (creating) a file only the user may read.
pub fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let file = std::fs::OpenOptions::new().create(true).truncate(false).write(true).mode(0o600).open(path)?;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    Ok(file)
}

/// The database file and what SQLite keeps beside it, made (or made
/// again) readable by the user alone.
pub fn private_sqlite(path: &Path) {
    if let Err(e) = private_file(path) {
        tracing::warn!("cannot make {} private: {e}", path.display());
    }
    for side in ["-wal", "-shm"] {
        let mut p = path.as_os_str().to_owned();
        p.push(side);
        if Path::new(&p).exists() {
            let _ = private_file(Path::new(&p));
        }
    }
}
