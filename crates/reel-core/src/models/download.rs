//! A download: one file of an item (a movie, an episode, a track) kept on
//! this machine to play with no network.

use crate::ids::{ItemKey, SourceId};
use crate::models::ItemKind;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DownloadState {
    /// Waiting for its turn (at most two run at once).
    Queued,
    /// Bytes are coming.
    Running,
    /// Stopped by the person (or by a full disk) until resumed.
    Paused,
    /// Stopped by a fault (kept in [`Download::fault`]); tried again when asked.
    Failed,
    /// The whole file is here, at the size the server gave.
    Done,
}

/// Why a download stopped short, for the app and reel-cli to put into words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum DownloadFault {
    /// The server sent a file of another size than the one it gave for
    /// the part, and asking again did not mend it.
    WrongSize { expected: u64, got: u64 },
    /// The server could not be reached.
    Unreachable,
    /// The server refused to send the file (an HTTP status).
    Refused { status: u16 },
    /// The disk is full: paused, nothing half-written kept as whole.
    DiskFull,
    /// The file could not be written.
    Disk { reason: String },
    /// Done once, then the file was deleted behind Reel's back: asked for
    /// again, it is fetched again.
    Missing,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Download {
    pub source_id: SourceId,
    pub rating_key: ItemKey,
    pub title: String,
    pub kind: ItemKind,
    /// The server path of the part (never with a token).
    pub part_key: String,
    /// The part's size as the server gave it.
    pub size: Option<u64>,
    pub state: DownloadState,
    pub fault: Option<DownloadFault>,
    /// Bytes on this machine so far.
    pub fetched: u64,
    /// Where the finished file is (it is there only once done).
    pub file: PathBuf,
    /// How fast the bytes come, while it runs (not kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_second: Option<u64>,
}

impl Download {
    /// How long the rest takes at the pace it goes now.
    pub fn time_left(&self) -> Option<std::time::Duration> {
        let rate = self.bytes_per_second.filter(|r| *r > 0)?;
        let left = self.size?.saturating_sub(self.fetched);
        Some(std::time::Duration::from_secs(left.div_ceil(rate)))
    }
}

/// The disk the downloads are on: what Reel's downloads take of it and
/// what is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadSpace {
    pub used: u64,
    /// None when the disk cannot say.
    pub free: Option<u64>,
}
