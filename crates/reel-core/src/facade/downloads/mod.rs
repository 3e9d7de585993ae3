//! Downloads through the facade: ask for an item (a movie, an episode, a
//! track; a show, season, artist or album: everything it holds), list
//! them, pause, resume or cancel one, where new ones go and at what
//! quality. Running them is [`runner`]'s; having the server convert a
//! copy, [`convert`]'s; what travels with a finished one, [`kept`]'s.

mod convert;
mod kept;
mod runner;

use super::Core;
use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result};
use crate::ids::{ItemKey, SourceId};
use crate::models::{Download, DownloadPlan, DownloadQuality, DownloadSpace, DownloadState, ItemKind, Playable};
use crate::services::downloads::DownloadStore;
use std::path::PathBuf;

impl Core {
    /// Queues `rating_key` of `source_id` for download at the quality
    /// chosen in Preferences: the item's file, or every file of what it
    /// holds (a show's or season's episodes, an artist's or album's
    /// tracks). What is already downloaded or on its way stays as it is; a
    /// failed one is queued again.
    pub async fn download(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<Vec<Download>> {
        let plan = self.plan_download(source_id, rating_key).await?;
        self.queue_download(plan).await
    }

    /// What downloading `rating_key` would fetch at the quality chosen in
    /// Preferences (asking the server for the item and what it holds), to
    /// say before it starts ([`DownloadPlan::at`] for another quality). A
    /// user the owner lets download none of it hears why.
    #[tracing::instrument(skip(self), fields(source = %source_id))]
    pub async fn plan_download(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<DownloadPlan> {
        let leaves = self.connections.call(source_id.as_str(), |c| async move { leaves(&c, rating_key).await }).await?;
        // The owner's word first: nothing of what they do not allow is asked for.
        let refused = leaves.iter().filter(|(_, allowed)| !allowed).count();
        let leaves: Vec<Playable> = leaves.into_iter().filter(|(_, allowed)| *allowed).map(|(p, _)| p).collect();
        if leaves.is_empty() && refused > 0 {
            return Err(Error::DownloadsNotAllowed { server: self.server_name(source_id) });
        }
        let plan = DownloadPlan {
            source_id: source_id.clone(),
            rating_key: rating_key.clone(),
            files: leaves.iter().filter(|p| p.first_part().is_some()).count(),
            bytes: 0,
            refused,
            space: self.download_space().await?,
            quality: DownloadQuality::Original,
            leaves,
        };
        Ok(plan.at(self.download_quality()))
    }

    /// Queues what `plan` said it would fetch.
    pub async fn queue_download(&self, plan: DownloadPlan) -> Result<Vec<Download>> {
        let (store, id) = (self.downloads.clone(), plan.source_id.clone());
        let server = self.server_name(&id);
        let title = plan.rating_key.to_string();
        let (leaves, asked) = (plan.leaves, plan.quality);
        on_store(store, move |store| {
            let mut out = Vec::new();
            for p in leaves {
                let Some((_, _, part)) = p.first_part() else { continue };
                let key = p.item.rating_key.clone();
                if let Some(d) = store.get(&id, &key)?.filter(|d| d.state != DownloadState::Failed) {
                    out.push(d);
                    continue;
                }
                let quality = asked.for_kind(p.item.kind);
                let file = match quality {
                    DownloadQuality::Original => store.file_for(&id, &key, &part.key),
                    q => store.converted_file_for(&id, &key, q),
                };
                let d = Download {
                    source_id: id.clone(),
                    file,
                    rating_key: key,
                    title: shown_title(&p),
                    kind: p.item.kind,
                    part_key: part.key.clone(),
                    // A converted copy's size is known once the server made it.
                    size: if quality == DownloadQuality::Original { part.size } else { None },
                    state: DownloadState::Queued,
                    fault: None,
                    fetched: 0,
                    bytes_per_second: None,
                    within: p.item.parent_key.iter().chain(&p.item.grandparent_key).cloned().collect(),
                    quality,
                    converting: false,
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

    /// What new downloads of films and episodes are fetched at (Preferences;
    /// the original file unless another was chosen).
    pub fn download_quality(&self) -> DownloadQuality {
        self.preferences().download_quality.unwrap_or_default()
    }

    /// Chooses what new downloads are fetched at, kept in config.toml.
    pub async fn set_download_quality(&self, quality: DownloadQuality) -> Result<()> {
        self.set_preferences(move |p| p.download_quality = (quality != DownloadQuality::Original).then_some(quality))
            .await
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
