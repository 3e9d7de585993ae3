//! One go at a download's bytes: asked from where the `.part` file ends
//! (`Range`), appended as they come, flushed to disk at the end. A go that
//! ends short leaves what came; the next one goes on from there, on the
//! same connection or the one the failover picks.

use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result, Stored};
use crate::http::{host_of, transport_error};
use reqwest::StatusCode;
use std::path::Path;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// How long a transfer may receive nothing before it counts as dropped.
const STALL: Duration = Duration::from_secs(30);

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
    loop {
        let chunk = tokio::time::timeout(STALL, resp.chunk())
            .await
            .map_err(|_| Error::Timeout { host: host_of(&url) })?
            .map_err(|e| transport_error(&url, &e));
        // What came before a drop is kept: the next go starts after it.
        let chunk = match chunk {
            Ok(c) => c,
            Err(e) => {
                file.sync_data().await.map_err(disk)?;
                return Err(e);
            }
        };
        let Some(bytes) = chunk else { break };
        file.write_all(&bytes).await.map_err(disk)?;
        got += bytes.len() as u64;
        progress(got);
    }
    file.sync_data().await.map_err(disk)?;
    Ok(got)
}
