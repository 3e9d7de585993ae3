//! One go at a download's bytes: asked from where the `.part` file ends
//! (`Range`), appended as they come, flushed to disk as they go and at the
//! end. A go that
//! ends short leaves what came; the next one goes on from there, on the
//! same connection or the one the failover picks. A converted copy comes
//! the same way once the server made it.
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

/// Where a download's bytes come from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// The part file itself (its server path).
    Part(&'a str),
    /// The copy the server converted: entry `item` of download queue `queue`.
    Converted { queue: u64, item: u64 },
    /// A copy the universal transcoder makes while it sends it (a server
    /// without a download queue): always from the start.
    Transcoded { rating_key: &'a str, size: crate::models::VideoSize },
}

/// What one go ended with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Got {
    /// The bytes `part` holds now, and the whole file's size as the server
    /// said it in this answer.
    Bytes { have: u64, total: Option<u64> },
    /// The server is still making the copy: ask again after this long.
    NotYet(Duration),
}

/// The longest a server's `Retry-After` is waited before asking again.
const LONGEST_RETRY: Duration = Duration::from_secs(30);

/// The whole file's size an answer gives: after the `/` of its
/// `Content-Range`, or its length when it is the whole file.
fn total_of(resp: &reqwest::Response) -> Option<u64> {
    let range = resp.headers().get(reqwest::header::CONTENT_RANGE).and_then(|v| v.to_str().ok());
    match range.and_then(|r| r.rsplit_once('/')) {
        Some((_, total)) => total.trim().parse().ok(),
        None if resp.status() == StatusCode::OK => resp.content_length(),
        None => None,
    }
}

/// How long a 503 asks to wait (a few seconds when it does not say).
fn retry_after(resp: &reqwest::Response) -> Duration {
    let said = resp.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok());
    said.and_then(|s| s.trim().parse::<u64>().ok()).map_or(Duration::from_secs(5), Duration::from_secs).clamp(Duration::from_secs(1), LONGEST_RETRY)
}

/// Fetches what `part` lacks of the server's file; the bytes `part` holds
/// after, or how long to wait for a copy being made. `progress` hears the
/// count as it grows, with the whole size when the server said it.
pub async fn fetch(
    client: &PlexServerClient,
    source: Source<'_>,
    part: &Path,
    progress: &(dyn Fn(u64, Option<u64>) + Send + Sync),
) -> Result<Got> {
    if let Some(dir) = part.parent() {
        crate::paths::private_dir(dir).map_err(disk)?;
    }
    let have = tokio::fs::metadata(part).await.map(|m| m.len()).unwrap_or(0);
    let mut resp = match source {
        Source::Part(key) => client.download(key, have).await?,
        Source::Converted { queue, item } => client.converted(queue, item, have).await?,
        Source::Transcoded { rating_key, size } => client.offline_transcode(rating_key, size).await?,
    };
    let url = resp.url().clone();
    let total = total_of(&resp);
    let append = match resp.status() {
        StatusCode::PARTIAL_CONTENT => true,
        StatusCode::SERVICE_UNAVAILABLE => return Ok(Got::NotYet(retry_after(&resp))),
        // Nothing from there on: what is here is all there is.
        StatusCode::RANGE_NOT_SATISFIABLE => return Ok(Got::Bytes { have, total }),
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
        progress(got, total);
    }
    file.write_all(&gathered).await.map_err(disk)?;
    file.sync_data().await.map_err(disk)?;
    Ok(Got::Bytes { have: got, total })
}
