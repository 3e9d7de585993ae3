//! Play queues kept by the server, so other Plex apps and the server's
//! "now playing" see what Reel plays: made from an item, read back, and
//! changed (reordered, removed from, added to), through the connection
//! manager (failover included).

use super::Core;
use crate::error::{Error, Result};
use crate::ids::{ItemKey, SourceId};
use crate::models::{MediaItem, MediaList, PlayQueue, QueuePlace, QueueSource, SavedQueue};

impl Core {
    pub(super) fn machine_id_of(&self, source_id: &SourceId) -> Result<String> {
        let source = self.server(source_id).ok_or_else(|| Error::UnknownSource(source_id.to_string()))?;
        Ok(source.machine_id().to_string())
    }

    /// A new queue of everything `from` plays (an album's tracks in order,
    /// an artist's albums', a season's episodes, a playlist's or a
    /// collection's entries; a track or an episode with the rest of what
    /// holds it when `start` names it), shuffled when asked.
    pub async fn create_play_queue(
        &self,
        source_id: &SourceId,
        from: &QueueSource,
        start: Option<&MediaItem>,
        shuffle: bool,
    ) -> Result<PlayQueue> {
        let start = start.map(|s| s.rating_key.as_str());
        let machine = self.machine_id_of(source_id)?;
        let machine = machine.as_str();
        match from {
            QueueSource::Item(item) => {
                let (key, kind) = (item.rating_key.as_str(), item.kind);
                self.connections
                    .call(source_id.as_str(), |c| async move {
                        c.create_play_queue(machine, key, kind, start, shuffle).await
                    })
                    .await
            }
            QueueSource::List { list: MediaList::Playlist(p) } => {
                let (id, audio) = (p.id.as_str(), p.audio);
                self.connections
                    .call(
                        source_id.as_str(),
                        |c| async move { c.create_playlist_queue(id, audio, start, shuffle).await },
                    )
                    .await
            }
            QueueSource::List { list: MediaList::Collection(col) } => {
                let (id, audio) = (col.id.as_str(), col.audio);
                self.connections
                    .call(source_id.as_str(), |c| async move {
                        c.create_collection_queue(machine, id, audio, start, shuffle).await
                    })
                    .await
            }
        }
    }

    /// A queue made here of what `from` plays that is downloaded, for when
    /// its server cannot make one: an album's tracks, an artist's albums'
    /// (album by album, as its page lists them) or a list's entries, in
    /// their order. None when none of it is on this machine.
    pub async fn local_play_queue(
        &self,
        source_id: &SourceId,
        from: &QueueSource,
        start: Option<&MediaItem>,
        shuffle: bool,
    ) -> Option<PlayQueue> {
        let (store, id) = (self.downloads.clone(), source_id.clone());
        let kept = super::downloads::on_store(store, move |s| s.finished_items(&id)).await.ok()?;
        let items: Vec<MediaItem> = match from {
            QueueSource::Item(item) => {
                let key = &item.rating_key;
                let mut items: Vec<MediaItem> = kept.into_iter().filter(|i| i.is_or_within(key)).collect();
                // Albums as the artist's page lists them, then as downloaded.
                let listed = self.saved_children(source_id, key).await.unwrap_or_default();
                let mut albums: Vec<Option<ItemKey>> = listed.into_iter().map(|c| Some(c.rating_key)).collect();
                for i in &items {
                    if !albums.contains(&i.parent_key) {
                        albums.push(i.parent_key.clone());
                    }
                }
                items.sort_by_key(|i| (albums.iter().position(|a| *a == i.parent_key), i.index));
                items
            }
            QueueSource::List { list } => {
                let entries = self.saved_list_items(source_id, &ItemKey::new(list.id())).await.ok()?;
                let kept: std::collections::HashSet<ItemKey> = kept.into_iter().map(|i| i.rating_key).collect();
                entries.into_iter().map(|e| e.item).filter(|i| kept.contains(&i.rating_key)).collect()
            }
        };
        if items.is_empty() {
            return None;
        }
        let seed = shuffle.then(|| uuid::Uuid::new_v4().as_u64_pair().0);
        Some(PlayQueue::local(items, start.map(|s| &s.rating_key), seed))
    }

    pub async fn play_queue(&self, source_id: &SourceId, queue_id: u64) -> Result<PlayQueue> {
        self.connections.call(source_id.as_str(), |c| async move { c.play_queue(queue_id).await }).await
    }

    /// Adds what `item` plays to a queue: after the entry playing, or at the end.
    pub async fn add_to_play_queue(
        &self,
        source_id: &SourceId,
        queue_id: u64,
        item: &MediaItem,
        place: QueuePlace,
    ) -> Result<PlayQueue> {
        let machine = self.machine_id_of(source_id)?;
        let (machine, key) = (machine.as_str(), item.rating_key.as_str());
        self.connections
            .call(source_id.as_str(), |c| async move { c.add_to_play_queue(queue_id, machine, key, place).await })
            .await
    }

    /// Moves an entry after another (`None`: to the start).
    pub async fn move_in_play_queue(
        &self,
        source_id: &SourceId,
        queue_id: u64,
        entry: u64,
        after: Option<u64>,
    ) -> Result<PlayQueue> {
        self.connections
            .call(source_id.as_str(), |c| async move { c.move_in_play_queue(queue_id, entry, after).await })
            .await
    }

    pub async fn remove_from_play_queue(&self, source_id: &SourceId, queue_id: u64, entry: u64) -> Result<PlayQueue> {
        self.connections
            .call(source_id.as_str(), |c| async move { c.remove_from_play_queue(queue_id, entry).await })
            .await
    }

    /// Keeps the music queue for the next start (its place too).
    pub async fn save_music_queue(&self, saved: SavedQueue) -> Result<()> {
        self.blocking(move |l| l.put_music_queue(&saved)).await
    }

    /// Where the kept music queue is: entry `entry`, `position_ms` into it.
    pub async fn save_music_queue_place(&self, entry: u64, position_ms: u64) -> Result<()> {
        self.blocking(move |l| l.put_music_queue_place(entry, position_ms)).await
    }

    /// The music queue kept at the last run, if its server is still one of
    /// the accounts'. Unreadable, there is none (nothing else depends on it).
    pub async fn saved_music_queue(&self) -> Option<SavedQueue> {
        let saved = self.blocking(|l| l.music_queue()).await.ok().flatten()?;
        self.server(&saved.source_id).is_some().then_some(saved)
    }

    /// The queue ended or was cleared: none is shown at the next start.
    pub async fn forget_music_queue(&self) -> Result<()> {
        self.blocking(|l| l.forget_music_queue()).await
    }
}
