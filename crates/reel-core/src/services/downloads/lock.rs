//! One runner per download, whichever process runs it: the app and
//! reel-cli share the store, and both may find the same download left
//! running. The runner holds an exclusive lock on the `.part` file while
//! it fetches; the kernel lets go of it when the runner ends, even by
//! `kill -9`, so the next one can go on from where it stopped.

use rustix::fs::{flock, FlockOperation};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The `.part` file, held by this process until dropped.
#[derive(Debug)]
pub struct PartLock {
    _file: File,
}

impl PartLock {
    /// Takes `part` (made empty when it is not there yet); None while
    /// another runner holds it.
    pub fn try_take(part: &Path) -> std::io::Result<Option<PartLock>> {
        let file = OpenOptions::new().create(true).append(true).mode(0o600).open(part)?;
        match flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => Ok(Some(PartLock { _file: file })),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn held_once_until_let_go() {
        let dir = tempfile::tempdir().unwrap();
        let part = dir.path().join("a.mkv.part");
        let first = PartLock::try_take(&part).unwrap().expect("free at first");
        // flock locks belong to an open file: a second open is another runner.
        assert!(PartLock::try_take(&part).unwrap().is_none(), "held by the first");
        drop(first);
        assert!(PartLock::try_take(&part).unwrap().is_some(), "free once the first let go");
    }
}
