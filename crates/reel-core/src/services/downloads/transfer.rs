//! One go at a download's bytes: asked from where the `.part` file ends
//! (`Range`), appended as they come, flushed to disk as they go and at the
//! end. A go that
//! ends short leaves what came; the next one goes on from there, on the
//! same connection or the one the failover picks.
//!
//! The network hands over small pieces (one TLS record each); each write
//! to a tokio file is a trip to a blocking thread, so pieces are gathered
//! into bigger writes. Gathered bytes never wait on a quiet network: when
//! nothing comes for a moment they go to the file, so a stalled download
//! keeps all that came; one paused while bytes flow leaves at most the
//! gathered ones, which the resume fetches again.

use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result, Stored};
use crate::http::{host_of, transport_error};
use reqwest::StatusCode;
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// How long a transfer may receive nothing before it counts as dropped.
const STALL: Duration = Duration::from_secs(30);

/// How much is gathered before it is written. A `kill -9` loses at most
/// this much, which the next go fetches again.
const GATHER: usize = 512 * 1024;

/// How long gathered bytes wait for more before they are written anyway.
const QUIET: Duration = Duration::from_millis(100);

/// How much is written between two flushes to the disk made while the
/// transfer goes on: the disk works beside the network, and the flush
/// that makes the finished file durable has little left to do.
const FLUSH_EVERY: u64 = 32 * 1024 * 1024;

/// Flushes what was written to `part` to the disk, on a blocking thread,
/// one flush at a time, without holding the transfer up.
#[derive(Default)]
struct Flusher {
    running: Option<tokio::task::JoinHandle<()>>,
    written: u64,
}

impl Flusher {
    fn wrote(&mut self, n: usize, part: &Path) {
        self.written += n as u64;
        let busy = self.running.as_ref().is_some_and(|r| !r.is_finished());
        if self.written < FLUSH_EVERY || busy {
            return;
        }
        self.written = 0;
        let part = part.to_path_buf();
        // Any descriptor of the file flushes its pages; a failure here is
        // met again by the final flush, which is the one that counts.
        self.running = Some(tokio::task::spawn_blocking(move || {
            if let Ok(f) = std::fs::File::open(&part) {
                let _ = f.sync_data();
            }
        }));
    }
}

/// A write to the download's file failed.
fn disk(e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::StorageFull => Error::DiskFull { what: Stored::Downloads },
        _ => Error::Storage { what: Stored::Downloads, reason: e.to_string() },
    }
}

/// Fetches what `part` lacks of the server's file at `part_key`; returns
/// the bytes `part` holds after. `progress` hears the count as it grows.
pub async fn fetch(
    client: &PlexServerClient,
    part_key: &str,
    part: &Path,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<u64> {
    if let Some(dir) = part.parent() {
        crate::paths::private_dir(dir).map_err(disk)?;
    }
    let have = tokio::fs::metadata(part).await.map(|m| m.len()).unwrap_or(0);
    let mut resp = client.download(part_key, have).await?;
    let url = resp.url().clone();
    let append = match resp.status() {
        StatusCode::PARTIAL_CONTENT => true,
        // Nothing from there on: what is here is all there is.
        StatusCode::RANGE_NOT_SATISFIABLE => return Ok(have),
        // The whole file again (a server that ignores ranges).
        _ => false,
    };
    let mut file = tokio::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .mode(0o600)
        .open(part)
        .await
        .map_err(disk)?;
    let mut got = if append { have } else { 0 };
    let mut gathered: Vec<u8> = Vec::with_capacity(GATHER);
    let mut flusher = Flusher::default();
    let mut quiet_since = tokio::time::Instant::now();
    loop {
        // Gathered bytes go out after a quiet moment; the stall deadline
        // counts from the last piece that came.
        let wait = if gathered.is_empty() { STALL.saturating_sub(quiet_since.elapsed()) } else { QUIET };
        let chunk = match tokio::time::timeout(wait, resp.chunk()).await {
            Ok(c) => c.map_err(|e| transport_error(&url, &e)),
            Err(_) if !gathered.is_empty() => {
                file.write_all(&gathered).await.map_err(disk)?;
                gathered.clear();
                continue;
            }
            Err(_) => Err(Error::Timeout { host: host_of(&url) }),
        };
        // What came before a drop is kept: the next go starts after it.
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                file.write_all(&gathered).await.map_err(disk)?;
                file.sync_data().await.map_err(disk)?;
                return Err(e);
            }
        };
        let Some(bytes) = chunk else { break };
        quiet_since = tokio::time::Instant::now();
        gathered.extend_from_slice(&bytes);
        if gathered.len() >= GATHER {
            file.write_all(&gathered).await.map_err(disk)?;
            flusher.wrote(gathered.len(), part);
            gathered.clear();
        }
        got += bytes.len() as u64;
        progress(got);
    }
    file.write_all(&gathered).await.map_err(disk)?;
    file.sync_data().await.map_err(disk)?;
    Ok(got)
}
