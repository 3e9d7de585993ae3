//! Downloads through the facade: ask for an item (a movie, an episode, a
//! track; a show, season, artist or album: everything it holds), list
//! them, cancel one, and run what is queued, at most two at once, each
//! going on from where it stopped.

use super::Core;
use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result};
use crate::ids::{ItemKey, SourceId};
use crate::models::{Download, DownloadFault, DownloadPlan, DownloadSpace, DownloadState, ItemKind, Playable};
use crate::services::downloads::lock::PartLock;
use crate::services::downloads::pace::Pace;
use crate::services::downloads::{transfer, turns, DownloadStore};
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Tries in one run at a download that ends short before it counts as failed.
const SHORT_TRIES: u32 = 3;
/// How often a running download's progress is told.
const TELL_EVERY: Duration = Duration::from_millis(250);
/// How often a download another process runs is looked at, and a
/// running one's row read for a pause or a cancel.
const LOOK_AGAIN: Duration = Duration::from_millis(500);

/// The size a download's poster is kept at: the item page's, on a
/// display of twice the pixels (smaller views scale it down).
const KEPT_POSTER: (u32, u32) = (400, 600);
/// The size a download's backdrop is kept at.
const KEPT_BACKDROP: (u32, u32) = (1280, 720);

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
    /// Queues `rating_key` of `source_id` for download: the item's file, or
    /// every file of what it holds (a show's or season's episodes, an
    /// artist's or album's tracks). What is already downloaded or on its
    /// way stays as it is; a failed one is queued again.
    pub async fn download(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<Vec<Download>> {
        let plan = self.plan_download(source_id, rating_key).await?;
        self.queue_download(plan).await
    }

    /// What downloading `rating_key` would fetch (asking the server for the
    /// item and what it holds), to say before it starts. A user the owner
    /// lets download none of it hears why.
    #[tracing::instrument(skip(self), fields(source = %source_id))]
    pub async fn plan_download(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<DownloadPlan> {
        let leaves = self.connections.call(source_id.as_str(), |c| async move { leaves(&c, rating_key).await }).await?;
        // The owner's word first: nothing of what they do not allow is asked for.
        let refused = leaves.iter().filter(|(_, allowed)| !allowed).count();
        let leaves: Vec<Playable> = leaves.into_iter().filter(|(_, allowed)| *allowed).map(|(p, _)| p).collect();
        if leaves.is_empty() && refused > 0 {
            return Err(Error::DownloadsNotAllowed { server: self.server_name(source_id) });
        }
        let bytes = leaves.iter().filter_map(|p| p.first_part().and_then(|(_, _, part)| part.size)).sum();
        Ok(DownloadPlan {
            source_id: source_id.clone(),
            rating_key: rating_key.clone(),
            files: leaves.iter().filter(|p| p.first_part().is_some()).count(),
            bytes,
            refused,
            space: self.download_space().await?,
            leaves,
        })
    }

    /// Queues what `plan` said it would fetch.
    pub async fn queue_download(&self, plan: DownloadPlan) -> Result<Vec<Download>> {
        let (store, id) = (self.downloads.clone(), plan.source_id.clone());
        let server = self.server_name(&id);
        let title = plan.rating_key.to_string();
        let leaves = plan.leaves;
        on_store(store, move |store| {
            let mut out = Vec::new();
            for p in leaves {
                let Some((_, _, part)) = p.first_part() else { continue };
                let key = p.item.rating_key.clone();
                if let Some(d) = store.get(&id, &key)?.filter(|d| d.state != DownloadState::Failed) {
                    out.push(d);
                    continue;
                }
                let d = Download {
                    source_id: id.clone(),
                    file: store.file_for(&id, &key, &part.key),
                    rating_key: key,
                    title: shown_title(&p),
                    kind: p.item.kind,
                    part_key: part.key.clone(),
                    size: part.size,
                    state: DownloadState::Queued,
                    fault: None,
                    fetched: 0,
                    bytes_per_second: None,
                    within: p.item.parent_key.iter().chain(&p.item.grandparent_key).cloned().collect(),
                };
                store.put(&d, &p)?;
                out.push(d);
            }
            if out.is_empty() {
                return Err(Error::NothingToPlay { server, title });
            }
            Ok(out)
        })
        .await
    }

    /// Every download, in the order asked for.
    pub async fn downloads(&self) -> Result<Vec<Download>> {
        on_store(self.downloads.clone(), |s| s.all()).await
    }

    /// Stops and forgets a download, deleting its file.
    pub async fn cancel_download(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<()> {
        let (id, key) = (source_id.clone(), rating_key.clone());
        on_store(self.downloads.clone(), move |s| s.remove(&id, &key)).await
    }

    /// Where new downloads go: the folder chosen in Preferences, or Reel's own.
    pub fn download_folder(&self) -> PathBuf {
        self.downloads.files_dir()
    }

    /// Chooses where new downloads go (None: Reel's own folder), checked
    /// first (a full path to a folder a file can be written in; made if
    /// missing) and kept in config.toml. What is downloaded or queued
    /// already stays where it is.
    pub async fn set_download_folder(&self, folder: Option<PathBuf>) -> Result<PathBuf> {
        if let Some(f) = folder.clone() {
            tokio::task::spawn_blocking(move || DownloadStore::check_folder(&f))
                .await
                .map_err(|e| Error::Internal(format!("a background task failed: {e}")))??;
        }
        let kept = folder.clone();
        self.set_preferences(move |p| p.download_folder = kept).await?;
        self.downloads.set_files_dir(folder);
        Ok(self.download_folder())
    }

    /// Deletes every download of `sources` (an account signed out of):
    /// files, rows and the servers' folders.
    pub(super) async fn forget_downloads_of(&self, sources: Vec<SourceId>) -> Result<()> {
        on_store(self.downloads.clone(), move |s| {
            for d in s.all()?.into_iter().filter(|d| sources.contains(&d.source_id)) {
                s.remove(&d.source_id, &d.rating_key)?;
            }
            sources.iter().try_for_each(|id| s.forget_source_dir(id))
        })
        .await
    }

    /// Pauses a queued or running download, keeping what came (a run going
    /// stops within a moment, in whichever process it is).
    pub async fn pause_download(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<()> {
        self.move_download(
            source_id,
            rating_key,
            &[DownloadState::Queued, DownloadState::Running],
            DownloadState::Paused,
        )
        .await
    }

    /// Queues a paused or failed download again; the next run goes on from
    /// where it stopped.
    pub async fn resume_download(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<()> {
        self.move_download(
            source_id,
            rating_key,
            &[DownloadState::Paused, DownloadState::Failed],
            DownloadState::Queued,
        )
        .await
    }

    /// What the downloads take of their disk, and what is free there.
    pub async fn download_space(&self) -> Result<DownloadSpace> {
        on_store(self.downloads.clone(), |s| s.space()).await
    }

    async fn move_download(
        &self,
        id: &SourceId,
        key: &ItemKey,
        from: &[DownloadState],
        to: DownloadState,
    ) -> Result<()> {
        let (id, key, from) = (id.clone(), key.clone(), from.to_vec());
        on_store(self.downloads.clone(), move |s| match s.get(&id, &key)? {
            Some(d) if from.contains(&d.state) => s.set_state(&id, &key, to, None),
            Some(_) => Ok(()),
            None => Err(Error::NoDownload { key: key.clone() }),
        })
        .await
    }

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
        let part = DownloadStore::part_file(&d.file);
        let Some(_lock) = self.take_part(&mut d, &part, changed).await else { return };
        d.state = DownloadState::Running;
        d.fault = None;
        if let Err(e) = self.set_download_state(&d).await {
            tracing::warn!("a download's state was not kept: {e}");
        }
        changed(&d);
        let told = std::sync::Mutex::new((std::time::Instant::now(), Pace::default()));
        let progress = |n: u64| {
            let now = std::time::Instant::now();
            let Ok(mut told) = told.lock() else { return };
            if now.duration_since(told.0) >= TELL_EVERY {
                told.0 = now;
                let rate = told.1.at(now, n);
                changed(&Download { fetched: n, bytes_per_second: rate, ..d.clone() });
            }
        };
        let ended = tokio::select! {
            outcome = self.fetch_whole(&d, &part, &progress) => Ended::Fetched(outcome),
            stop = self.stopped_elsewhere(&d) => Ended::Stopped(stop),
        };
        let outcome = match ended {
            Ended::Fetched(outcome) => outcome,
            // Paused: what came stays for the resume.
            Ended::Stopped(Stop::Paused) => {
                d.state = DownloadState::Paused;
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
        // Cancelled meanwhile (by another process): nothing is kept.
        if self.download_row(&d).await.is_none() {
            let _ = tokio::fs::remove_file(&part).await;
            return;
        }
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

    /// Keeps the subtitle files the server has beside `d`'s media, for
    /// playing it with no network. One that cannot be had now is fetched
    /// when it plays with the server there, as for any stream.
    async fn keep_sidecars(&self, d: &Download) {
        let store = self.downloads.clone();
        let (id, key) = (d.source_id.clone(), d.rating_key.clone());
        let wanted: Vec<(String, Option<String>)> = match on_store(store, move |s| s.playable(&id, &key)).await {
            Ok(Some(p)) => crate::services::downloads::store::sidecars_of(&p)
                .filter_map(|s| Some((s.key.clone()?, s.codec.clone())))
                .collect(),
            Ok(None) => Vec::new(),
            Err(e) => return tracing::warn!("a download's subtitles were not looked for: {e}"),
        };
        for (key, codec) in wanted {
            let k = key.as_str();
            let bytes = match self.connections.call(d.source_id.as_str(), |c| async move { c.sidecar(k).await }).await {
                Ok(b) => b,
                Err(e) => {
                    tracing::warn!("a download's subtitle file was not kept: {e}");
                    continue;
                }
            };
            let (store, id) = (self.downloads.clone(), d.source_id.clone());
            if let Err(e) = on_store(store, move |s| s.keep_sidecar(&id, &key, codec.as_deref(), &bytes)).await {
                tracing::warn!("a download's subtitle file was not kept: {e}");
            }
        }
    }

    /// Keeps the pictures `d`'s pages show (its poster and backdrop, and
    /// those of what holds it) beside the downloads, so they show with no
    /// network even when the poster cache was cleared. One the server
    /// cannot send now is left to the poster cache, as for any item.
    async fn keep_images(&self, d: &Download) {
        let (store, id, key) = (self.downloads.clone(), d.source_id.clone(), d.rating_key.clone());
        let Ok(Some(p)) = on_store(store, move |s| s.playable(&id, &key)).await else { return };
        let mut shown = vec![p.item];
        for holder in &d.within {
            let saved = self.saved_item(&d.source_id, holder).await.ok().flatten();
            let item = match saved {
                Some(item) => Some(item),
                None => self
                    .connections
                    .call(d.source_id.as_str(), |c| async move { c.metadata(holder.as_str()).await })
                    .await
                    .ok()
                    .flatten(),
            };
            shown.extend(item);
        }
        let pictures: Vec<(String, (u32, u32))> = shown
            .into_iter()
            .flat_map(|i| [(i.thumb, KEPT_POSTER), (i.art, KEPT_BACKDROP)])
            .filter_map(|(path, size)| Some((path?, size)))
            .collect();
        let _turn = self.downloads.pictures_turn().await;
        for (path, (width, height)) in &pictures {
            let (path, width, height) = (path.as_str(), *width, *height);
            let bytes = if self.downloads.kept_image(&d.source_id, path).is_some() {
                None
            } else {
                let fetched = self
                    .connections
                    .call(d.source_id.as_str(), |c| async move { c.image(path, width, height).await })
                    .await;
                match fetched {
                    Ok(b) => Some(b),
                    Err(e) => {
                        tracing::warn!("a download's picture was not kept: {e}");
                        continue;
                    }
                }
            };
            let (store, id, key, path) =
                (self.downloads.clone(), d.source_id.clone(), d.rating_key.clone(), path.to_string());
            if let Err(e) = on_store(store, move |s| s.keep_image(&id, &key, &path, bytes.as_deref())).await {
                tracing::warn!("a download's picture was not kept: {e}");
            }
        }
    }

    /// Fetches `d` into `part` until it has the size the server gave (a
    /// go that ends short is followed by another while it moves): the
    /// bytes then, or why it stopped.
    async fn fetch_whole(
        &self,
        d: &Download,
        part: &Path,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> std::result::Result<u64, DownloadFault> {
        let (mut tries, mut last) = (0, None);
        loop {
            let key = &d.part_key;
            let go = self
                .connections
                .call(d.source_id.as_str(), |c| async move { transfer::fetch(&c, key, part, progress).await })
                .await;
            match (go, d.size) {
                (Ok(n), Some(size)) if n == size => return Ok(n),
                // Short (a connection closed early): on from there, while it moves.
                (Ok(n), Some(size)) if n < size && last != Some(n) && tries < SHORT_TRIES => {
                    tries += 1;
                    last = Some(n);
                }
                (Ok(n), Some(size)) => return Err(DownloadFault::WrongSize { expected: size, got: n }),
                // The server gave no size: whole when it says it is done.
                (Ok(n), None) => return Ok(n),
                (Err(e), _) => return Err(fault_of(&e)),
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
        // have finished it since this run read the list.
        let row = self.download_row(d).await;
        let runs = row.as_ref().is_some_and(|r| matches!(r.state, DownloadState::Queued | DownloadState::Running));
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

    /// `key`'s download when it is done and its file is here, with what
    /// playing it needs with no server.
    pub(super) async fn downloaded(&self, source_id: &SourceId, key: &ItemKey) -> Option<(Download, Option<Playable>)> {
        let (id, key) = (source_id.clone(), key.clone());
        let found = on_store(self.downloads.clone(), move |s| {
            let d = s.get(&id, &key)?.filter(|d| d.state == DownloadState::Done);
            d.map(|d| Ok((d, s.playable(&id, &key)?))).transpose()
        })
        .await;
        found.unwrap_or_else(|e| {
            tracing::warn!("the downloads could not be read: {e}");
            None
        })
    }

    async fn set_download_state(&self, d: &Download) -> Result<()> {
        let (id, key, state, fault) = (d.source_id.clone(), d.rating_key.clone(), d.state, d.fault.clone());
        on_store(self.downloads.clone(), move |s| s.set_state(&id, &key, state, fault.as_ref())).await
    }
}

/// What stopped a download, as the downloads list says it.
fn fault_of(e: &Error) -> DownloadFault {
    match e {
        Error::DiskFull { .. } => DownloadFault::DiskFull,
        Error::Storage { reason, .. } => DownloadFault::Disk { reason: reason.clone() },
        Error::Http { status, .. } => DownloadFault::Refused { status: *status },
        Error::Unauthorized | Error::AccessRefused { .. } => DownloadFault::Refused { status: 401 },
        _ => DownloadFault::Unreachable,
    }
}

/// "Show – Episode", an album's track as its title.
fn shown_title(p: &Playable) -> String {
    match (&p.item.grandparent_title, p.item.kind) {
        (Some(show), ItemKind::Episode) => format!("{show} – {}", p.item.title),
        _ => p.item.title.clone(),
    }
}

/// The playable items `key` is or holds (a show's seasons' episodes, an
/// artist's albums' tracks).
/// Each with whether the owner lets this user download it.
async fn leaves(c: &PlexServerClient, key: &ItemKey) -> Result<Vec<(Playable, bool)>> {
    let Some((p, allowed)) = c.playable_to_keep(key.as_str()).await? else { return Ok(Vec::new()) };
    match p.item.kind {
        ItemKind::Movie | ItemKind::Episode | ItemKind::Track => Ok(vec![(p, allowed)]),
        _ => {
            let mut out = Vec::new();
            for child in c.children(key.as_str()).await? {
                match child.kind {
                    ItemKind::Movie | ItemKind::Episode | ItemKind::Track => {
                        out.extend(c.playable_to_keep(child.rating_key.as_str()).await?);
                    }
                    // A season of a show, an album of an artist.
                    _ => {
                        for leaf in c.children(child.rating_key.as_str()).await? {
                            out.extend(c.playable_to_keep(leaf.rating_key.as_str()).await?);
                        }
                    }
                }
            }
            Ok(out)
        }
    }
}

/// Runs `f` with the store on a thread that may block (SQLite, the disk).
pub(super) async fn on_store<T: Send + 'static>(
    store: DownloadStore,
    f: impl FnOnce(&DownloadStore) -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| Error::Internal(format!("a background task failed: {e}")))?
}
