//! Keeping up with a show: a rule per show keeps its next N unwatched
//! episodes downloaded. Applied while the server answers: an episode
//! watched since (here or on another device) has its file deleted and the
//! next unwatched one is queued; with the server away nothing changes.

use super::Core;
use crate::backends::plex::PlexServerClient;
use crate::error::Result;
use crate::ids::{ItemKey, SourceId};
use crate::models::{DownloadState, ItemKind, KeepNext, KeptUp, MediaItem};

impl Core {
    /// Keeps the next `count` unwatched episodes of `show` downloaded from
    /// now on, or (None) stops; what is downloaded stays either way.
    pub async fn set_keep_next(&self, source_id: &SourceId, show: &ItemKey, count: Option<u32>) -> Result<()> {
        let (id, show) = (source_id.clone(), show.clone());
        super::downloads::on_store(self.downloads.clone(), move |s| s.set_keep_next(&id, &show, count)).await
    }

    /// Every show kept up with.
    pub async fn keep_rules(&self) -> Result<Vec<KeepNext>> {
        super::downloads::on_store(self.downloads.clone(), |s| s.keep_rules()).await
    }

    /// Applies every rule against what the servers say now: watched
    /// episodes' downloads go, the next unwatched ones are queued (run them
    /// with [`run_downloads`](Self::run_downloads)).
    #[tracing::instrument(skip(self))]
    pub async fn keep_up(&self) -> Result<KeptUp> {
        let mut done = KeptUp::default();
        for rule in self.keep_rules().await? {
            let show = &rule.show_key;
            let episodes =
                self.connections.call(rule.source_id.as_str(), |c| async move { episodes_of(&c, show).await }).await;
            let Ok(episodes) = episodes else {
                done.unreachable += 1;
                continue;
            };
            let watched = |key: &ItemKey| episodes.iter().any(|e| &e.rating_key == key && e.watched());
            let held = self.downloads().await?;
            let held: Vec<_> = held
                .into_iter()
                .filter(|d| d.source_id == rule.source_id && d.within.contains(&rule.show_key))
                .collect();
            for d in held.iter().filter(|d| watched(&d.rating_key)) {
                self.cancel_download(&d.source_id, &d.rating_key).await?;
                done.removed += 1;
            }
            let next = episodes.iter().filter(|e| !e.watched()).take(rule.count as usize);
            for e in next {
                let here = held.iter().any(|d| d.rating_key == e.rating_key && d.state != DownloadState::Failed);
                if !here {
                    self.download(&rule.source_id, &e.rating_key).await?;
                    done.queued += 1;
                }
            }
        }
        Ok(done)
    }
}

/// A show's episodes in the order it lists them (season by season).
async fn episodes_of(c: &PlexServerClient, show: &ItemKey) -> Result<Vec<MediaItem>> {
    let mut out = Vec::new();
    for child in c.children(show.as_str()).await? {
        match child.kind {
            ItemKind::Episode => out.push(child),
            _ => out.extend(
                c.children(child.rating_key.as_str()).await?.into_iter().filter(|e| e.kind == ItemKind::Episode),
            ),
        }
    }
    Ok(out)
}
