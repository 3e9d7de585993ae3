//! Running what is queued: at most two at once, each into its `.part`
//! file from where it stopped, until it has the size the server gave;
//! paused or cancelled from outside (another process too) within a moment.

use super::convert::{CopyState, Via};
use super::{on_store, Core};
use crate::error::{Error, Result};
use crate::ids::{ItemKey, SourceId};
use crate::models::{Download, DownloadFault, DownloadState};
use crate::services::downloads::lock::PartLock;
use crate::services::downloads::pace::Pace;
use crate::services::downloads::transfer::{self, Got, Source};
use crate::services::downloads::{turns, DownloadStore};
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

/// Tries in one run at a download that ends short before it counts as failed.
const SHORT_TRIES: u32 = 3;
/// How often a running download's progress is told.
const TELL_EVERY: Duration = Duration::from_millis(250);
/// How often a download another process runs is looked at, and a
/// running one's row read for a pause or a cancel.
const LOOK_AGAIN: Duration = Duration::from_millis(500);

/// How a running download was stopped from outside its run.
enum Stop {
    Paused,
    Cancelled,
}

enum Ended {
    Fetched(std::result::Result<u64, DownloadFault>),
    Stopped(Stop),
}

impl Core {
    /// Runs what is queued (and what a stopped run left running), at most
    /// two at once, until nothing is left to run; `changed` hears every
    /// change of state and the progress of each.
    pub async fn run_downloads(&self, changed: &(dyn Fn(&Download) + Send + Sync)) -> Result<()> {
        let mut started: HashSet<(SourceId, ItemKey)> = HashSet::new();
        let mut running = FuturesUnordered::new();
        loop {
            let all = self.downloads().await?;
            let waiting: Vec<Download> =
                all.into_iter().filter(|d| !started.contains(&(d.source_id.clone(), d.rating_key.clone()))).collect();
            for d in turns::next(&waiting, running.len()) {
                started.insert((d.source_id.clone(), d.rating_key.clone()));
                running.push(self.run_one(d.clone(), changed));
            }
            if running.next().await.is_none() {
                return Ok(());
            }
        }
    }

    /// One download, to its end or to a fault; its row says which.
    async fn run_one(&self, mut d: Download, changed: &(dyn Fn(&Download) + Send + Sync)) {
        let mut part = DownloadStore::part_file(&d.file);
        let Some(mut lock) = self.take_part(&mut d, &part, changed).await else { return };
        d.state = DownloadState::Running;
        d.fault = None;
        if let Err(e) = self.set_download_state(&d).await {
            tracing::warn!("a download's state was not kept: {e}");
        }
        changed(&d);
        let me = d.clone();
        let ended = tokio::select! {
            outcome = self.fetch_whole(&mut d, &mut part, &mut lock, changed) => Ended::Fetched(outcome),
            stop = self.stopped_elsewhere(&me) => Ended::Stopped(stop),
        };
        // The lock is held until the row says how it ended (to the end of
        // this function): let go before, another runner took the finished
        // `.part` for one still to fetch.
        let outcome = match ended {
            Ended::Fetched(outcome) => outcome,
            // Paused: what came stays for the resume.
            Ended::Stopped(Stop::Paused) => {
                d.state = DownloadState::Paused;
                d.converting = false;
                d.fetched = tokio::fs::metadata(&part).await.map(|m| m.len()).unwrap_or(0);
                tracing::info!(bytes = d.fetched, "download paused");
                changed(&d);
                return;
            }
            Ended::Stopped(Stop::Cancelled) => {
                let _ = tokio::fs::remove_file(&part).await;
                return;
            }
        };
        // Cancelled meanwhile (by another process): nothing is kept; done
        // by another (this run stood aside): that stays.
        match self.download_row(&d).await {
            None => {
                let _ = tokio::fs::remove_file(&part).await;
                return;
            }
            Some(row) if row.state == DownloadState::Done && outcome.is_err() => return,
            Some(_) => {}
        }
        d.converting = false;
        match outcome {
            Ok(n) => match tokio::fs::rename(&part, &d.file).await {
                Ok(()) => {
                    self.keep_sidecars(&d).await;
                    self.keep_images(&d).await;
                    d.state = DownloadState::Done;
                    d.fetched = n;
                }
                Err(e) => {
                    d.state = DownloadState::Failed;
                    d.fault = Some(DownloadFault::Disk { reason: e.to_string() });
                }
            },
            Err(fault) => {
                if let DownloadFault::WrongSize { expected, got } = fault {
                    // Longer than the server said: not the same file; the next try starts afresh.
                    if got > expected {
                        let _ = tokio::fs::remove_file(&part).await;
                    }
                }
                // A full disk waits for room; everything else for another try.
                d.state = if fault == DownloadFault::DiskFull { DownloadState::Paused } else { DownloadState::Failed };
                d.fetched = tokio::fs::metadata(&part).await.map(|m| m.len()).unwrap_or(0);
                d.fault = Some(fault);
            }
        }
        tracing::info!(state = ?d.state, fault = ?d.fault, bytes = d.fetched, "download ended");
        if let Err(e) = self.set_download_state(&d).await {
            tracing::warn!("a download's state was not kept: {e}");
        }
        changed(&d);
    }

    /// Fetches `d` into `part` until it has the size the server gave (a
    /// go that ends short is followed by another while it moves): the
    /// bytes then, or why it stopped. A converted download first has the
    /// server make its copy (or its transcoder make it while it sends it);
    /// when the server converts nothing, `d` becomes a download of the
    /// original, into its own `part` (`lock` follows).
    async fn fetch_whole(
        &self,
        d: &mut Download,
        part: &mut std::path::PathBuf,
        lock: &mut PartLock,
        changed: &(dyn Fn(&Download) + Send + Sync),
    ) -> std::result::Result<u64, DownloadFault> {
        let mut via = self.conversion_entry(d).await?;
        let (mut tries, mut last, mut asked_again) = (0, None, false);
        loop {
            // Fetched as the original after all: into its own file.
            if DownloadStore::part_file(&d.file) != *part {
                *part = DownloadStore::part_file(&d.file);
                match self.take_part(d, part, changed).await {
                    Some(l) => *lock = l,
                    // Finished or stopped elsewhere meanwhile: its row says so.
                    None => return Err(DownloadFault::Unreachable),
                }
            }
            if let Via::Queue(queue, item) = via {
                match self.copy_of(d, (queue, item), changed).await? {
                    CopyState::Ready => {}
                    // Let go by the server before it was fetched: asked for once more.
                    CopyState::Gone if !asked_again => {
                        asked_again = true;
                        self.forget_conversion(d).await?;
                        via = self.conversion_entry(d).await?;
                        continue;
                    }
                    CopyState::Gone => return Err(DownloadFault::ConversionFailed),
                }
            }
            let source = match via {
                Via::Part => Source::Part(&d.part_key),
                Via::Queue(queue, item) => Source::Converted { queue, item },
                Via::Transcoder(size) => {
                    // Made anew each time: its size is the one this answer gives.
                    d.size = None;
                    Source::Transcoded { rating_key: d.rating_key.as_str(), size }
                }
            };
            let go = {
                let told = std::sync::Mutex::new((std::time::Instant::now(), Pace::default()));
                let now = &*d;
                let progress = |n: u64, total: Option<u64>| {
                    let at = std::time::Instant::now();
                    let Ok(mut told) = told.lock() else { return };
                    if at.duration_since(told.0) >= TELL_EVERY {
                        told.0 = at;
                        let rate = told.1.at(at, n);
                        changed(&Download {
                            fetched: n,
                            bytes_per_second: rate,
                            size: now.size.or(total),
                            ..now.clone()
                        });
                    }
                };
                let (progress, part) = (&progress, &*part);
                self.connections
                    .call(d.source_id.as_str(), |c| async move { transfer::fetch(&c, source, part, progress).await })
                    .await
            };
            let (n, total) = match go {
                // No transcoder either: the original file, as it is.
                Err(Error::Http { status: 404, .. }) if matches!(via, Via::Transcoder(_)) => {
                    self.fetch_original_instead(d).await?;
                    via = Via::Part;
                    continue;
                }
                Ok(Got::Bytes { have, total }) => (have, total),
                Ok(Got::NotYet(wait)) => {
                    changed(&Download { converting: true, ..d.clone() });
                    tokio::time::sleep(wait).await;
                    continue;
                }
                Err(e) => return Err(fault_of(&e)),
            };
            // A converted copy's size is known once the server sends it.
            if d.size.is_none() && total.is_some() {
                d.size = total;
                let now = d.clone();
                if let Err(e) = on_store(self.downloads.clone(), move |s| s.set_fetched_as(&now)).await {
                    tracing::warn!("a download's size was not kept: {e}");
                }
            }
            match d.size {
                Some(size) if n == size => return Ok(n),
                // Short (a connection closed early): on from there, while it moves.
                Some(size) if n < size && last != Some(n) && tries < SHORT_TRIES => {
                    tries += 1;
                    last = Some(n);
                }
                Some(size) => return Err(DownloadFault::WrongSize { expected: size, got: n }),
                // The server gave no size: whole when it says it is done.
                None => return Ok(n),
            }
        }
    }

    /// Ends when `d` is paused or cancelled, here or by another process
    /// (the store says so).
    async fn stopped_elsewhere(&self, d: &Download) -> Stop {
        loop {
            tokio::time::sleep(LOOK_AGAIN).await;
            match self.download_row(d).await {
                None => return Stop::Cancelled,
                Some(r) if r.state == DownloadState::Paused => return Stop::Paused,
                Some(_) => {}
            }
        }
    }

    /// Waits until this process may run `d`: while another process runs it,
    /// its progress is told from the file. None when, once it may, there
    /// is nothing left to run (the other finished it, it was cancelled or
    /// stopped) or the `.part` file cannot be had (the row says why).
    async fn take_part(
        &self,
        d: &mut Download,
        part: &Path,
        changed: &(dyn Fn(&Download) + Send + Sync),
    ) -> Option<PartLock> {
        let lock = loop {
            let path = part.to_path_buf();
            let taken = tokio::task::spawn_blocking(move || {
                if let Some(dir) = path.parent() {
                    crate::paths::private_dir(dir)?;
                }
                PartLock::try_take(&path)
            })
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())));
            match taken {
                Ok(Some(lock)) => break lock,
                Ok(None) => {}
                Err(e) => {
                    d.state = DownloadState::Failed;
                    d.fault = Some(DownloadFault::Disk { reason: e.to_string() });
                    if let Err(e) = self.set_download_state(d).await {
                        tracing::warn!("a download's state was not kept: {e}");
                    }
                    changed(d);
                    return None;
                }
            }
            let fetched = tokio::fs::metadata(part).await.map(|m| m.len()).unwrap_or(0);
            changed(&Download { fetched, state: DownloadState::Running, ..d.clone() });
            tokio::time::sleep(LOOK_AGAIN).await;
        };
        // What the row says now, with the file held: another runner may
        // have finished it since this run read the list. One that has just
        // renamed its `.part` into place (its lock went with the file) says
        // so a moment later: its file being there, the row is read again.
        let running = |r: &Option<Download>| {
            r.as_ref().is_some_and(|r| matches!(r.state, DownloadState::Queued | DownloadState::Running))
        };
        let mut row = self.download_row(d).await;
        for _ in 0..10 {
            if !running(&row) || tokio::fs::metadata(&d.file).await.is_err() {
                break;
            }
            tokio::time::sleep(LOOK_AGAIN / 5).await;
            row = self.download_row(d).await;
        }
        let runs = running(&row);
        if runs {
            return Some(lock);
        }
        // The empty file taking it made, where the finished one was renamed away.
        if tokio::fs::metadata(part).await.is_ok_and(|m| m.len() == 0) {
            let _ = tokio::fs::remove_file(part).await;
        }
        if let Some(row) = row {
            changed(&row);
        }
        None
    }

    /// `d`'s row as the store has it now (as `d` when it cannot be read).
    async fn download_row(&self, d: &Download) -> Option<Download> {
        let (id, key) = (d.source_id.clone(), d.rating_key.clone());
        on_store(self.downloads.clone(), move |s| s.get(&id, &key)).await.unwrap_or_else(|e| {
            tracing::warn!("the downloads could not be read: {e}");
            Some(d.clone())
        })
    }

    async fn set_download_state(&self, d: &Download) -> Result<()> {
        let (id, key, state, fault) = (d.source_id.clone(), d.rating_key.clone(), d.state, d.fault.clone());
        on_store(self.downloads.clone(), move |s| s.set_state(&id, &key, state, fault.as_ref())).await
    }
}

/// What stopped a download, as the downloads list says it.
pub(super) fn fault_of(e: &Error) -> DownloadFault {
    match e {
        Error::DiskFull { .. } => DownloadFault::DiskFull,
        Error::Storage { reason, .. } => DownloadFault::Disk { reason: reason.clone() },
        Error::Http { status, .. } => DownloadFault::Refused { status: *status },
        Error::Unauthorized | Error::AccessRefused { .. } => DownloadFault::Refused { status: 401 },
        _ => DownloadFault::Unreachable,
    }
}
