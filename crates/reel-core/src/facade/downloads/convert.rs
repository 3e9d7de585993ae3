//! A converted download: the server's download queue makes a copy of the
//! item at the size asked, and the runner fetches it once it is made. The
//! queue entry is kept with the download, so a run after a restart waits
//! for the same copy. A server with no download queue has its universal
//! transcoder make the copy while it sends it (offline mode); a server
//! that has neither sends the original file, and the download says so.

use super::{on_store, Core};
use crate::backends::plex::Conversion;
use crate::models::{Download, DownloadFault, DownloadQuality, VideoSize};
use std::time::Duration;

/// How often the server is asked how a copy stands while it decides.
const ASK_AGAIN: Duration = Duration::from_secs(2);

/// Where a download's file comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// The part itself (the original quality).
    Part,
    /// Entry `(queue, item)` of the server's download queue.
    Queue(u64, u64),
    /// The universal transcoder's offline mode, at this size.
    Transcoder(VideoSize),
}

/// How a copy stands for the runner.
pub(super) enum CopyState {
    /// Made, or being made: its media is asked for (a 503 says to wait).
    Ready,
    /// No longer on the server: asked for anew.
    Gone,
}

impl Core {
    /// Where `d`'s file comes from: its part for the original; for a
    /// copy, the entry of the server's download queue that makes it (the
    /// one asked for before, or a new one), or the universal transcoder
    /// when the server has no download queue.
    pub(super) async fn conversion_entry(&self, d: &Download) -> Result<Via, DownloadFault> {
        let Some(size) = d.quality.size() else { return Ok(Via::Part) };
        let (id, key) = (d.source_id.clone(), d.rating_key.clone());
        if let Some((q, i)) = on_store(self.downloads.clone(), move |s| s.conversion(&id, &key)).await.map_err(disk)? {
            return Ok(Via::Queue(q, i));
        }
        let key = &d.rating_key;
        let asked = self
            .connections
            .call(d.source_id.as_str(), |c| async move {
                let Some(queue) = c.download_queue().await? else { return Ok(None) };
                Ok(c.convert_for_download(queue, key.as_str(), size).await?.map(|item| (queue, item)))
            })
            .await
            .map_err(|e| super::runner::fault_of(&e))?;
        let Some(entry) = asked else {
            tracing::info!("the server has no download queue: its transcoder is asked");
            return Ok(Via::Transcoder(size));
        };
        tracing::info!(queue = entry.0, item = entry.1, quality = d.quality.name(), "the server converts a download");
        let (id, key) = (d.source_id.clone(), d.rating_key.clone());
        on_store(self.downloads.clone(), move |s| s.set_conversion(&id, &key, Some(entry))).await.map_err(disk)?;
        Ok(Via::Queue(entry.0, entry.1))
    }

    /// Forgets the entry making `d`'s copy (the server let it go).
    pub(super) async fn forget_conversion(&self, d: &Download) -> Result<(), DownloadFault> {
        let (id, key) = (d.source_id.clone(), d.rating_key.clone());
        on_store(self.downloads.clone(), move |s| s.set_conversion(&id, &key, None)).await.map_err(disk)
    }

    /// Waits while the server decides how to make entry `(queue, item)`,
    /// telling `changed` that `d` is being converted.
    pub(super) async fn copy_of(
        &self,
        d: &Download,
        (queue, item): (u64, u64),
        changed: &(dyn Fn(&Download) + Send + Sync),
    ) -> Result<CopyState, DownloadFault> {
        loop {
            let status = self
                .connections
                .call(d.source_id.as_str(), |c| async move { c.conversion(queue, item).await })
                .await
                .map_err(|e| super::runner::fault_of(&e))?;
            match status {
                Conversion::Working | Conversion::Available => return Ok(CopyState::Ready),
                Conversion::Gone => return Ok(CopyState::Gone),
                Conversion::Failed => return Err(DownloadFault::ConversionFailed),
                Conversion::Waiting => {
                    changed(&Download { converting: true, ..d.clone() });
                    tokio::time::sleep(ASK_AGAIN).await;
                }
            }
        }
    }

    /// `d` fetches the original file: the server converts nothing.
    pub(super) async fn fetch_original_instead(&self, d: &mut Download) -> Result<(), DownloadFault> {
        tracing::info!("the server converts no downloads: the original file is fetched");
        let (id, key) = (d.source_id.clone(), d.rating_key.clone());
        let kept = on_store(self.downloads.clone(), move |s| s.playable(&id, &key)).await.map_err(disk)?;
        d.quality = DownloadQuality::Original;
        d.size = kept.as_ref().and_then(|p| p.first_part()).and_then(|(_, _, part)| part.size);
        d.file = self.downloads.file_for(&d.source_id, &d.rating_key, &d.part_key);
        let now = d.clone();
        on_store(self.downloads.clone(), move |s| s.set_fetched_as(&now)).await.map_err(disk)
    }
}

fn disk(e: crate::error::Error) -> DownloadFault {
    DownloadFault::Disk { reason: e.to_string() }
}
