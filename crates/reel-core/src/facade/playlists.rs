//! Playlists and collections: listed (saved, so they show at once and
//! offline, then refreshed), opened (played: `Core::create_play_queue`), and
//! playlists made and changed (added to, reordered, emptied of an entry),
//! through the connection manager (failover included). Every answer of the
//! server is saved as it comes: what the user sees next is what it holds.

use super::Core;
use crate::error::{Error, Result};
use crate::ids::{ItemKey, SourceId};
use crate::models::{MediaItem, MediaList, Playlist, PlaylistEntry, SectionKind};

impl Core {
    /// A server's playlists and collections as saved.
    pub async fn saved_lists(&self, source_id: &SourceId) -> Result<Vec<MediaList>> {
        let id = source_id.to_string();
        self.blocking(move |l| l.lists(&id)).await
    }

    /// A server's playlists, then the collections of each of its (saved)
    /// libraries, from the server; saved as they come.
    pub async fn fetch_lists(&self, source_id: &SourceId) -> Result<Vec<MediaList>> {
        let sections = self.saved_sections(source_id).await?;
        let sections: Vec<_> = sections
            .into_iter()
            .filter(|s| matches!(s.kind, SectionKind::Movie | SectionKind::Show | SectionKind::Music))
            .collect();
        let sections = &sections;
        let lists = self
            .connections
            .call(source_id.as_str(), |c| async move {
                let mut lists: Vec<MediaList> = c.playlists().await?.into_iter().map(MediaList::Playlist).collect();
                for s in sections {
                    let audio = s.kind == SectionKind::Music;
                    // A library the server will not list collections of (an
                    // older server answers 404) has none here; the rest stay.
                    match c.collections(s.key.as_str(), audio).await {
                        Ok(found) => lists.extend(found.into_iter().map(MediaList::Collection)),
                        Err(e) if e.is_offline() => return Err(e),
                        Err(e) => tracing::debug!(section = %s.key, error = %e, "no collections"),
                    }
                }
                Ok(lists)
            })
            .await?;
        let (id, kept) = (source_id.to_string(), lists.clone());
        self.blocking(move |l| l.put_lists(&id, &kept)).await?;
        Ok(lists)
    }

    /// Saves the entries of each of `lists` whose saved entries are not as
    /// many as it holds (new, added to or emptied elsewhere), so every list
    /// opens offline too; the others are brought up to date when opened.
    /// Returns how many lists were fetched; one that fails is left as it was.
    pub async fn sync_list_entries(&self, source_id: &SourceId, lists: &[MediaList]) -> usize {
        let mut fetched = 0;
        for list in lists {
            let saved = self.saved_list_items(source_id, &ItemKey::from(list.id())).await.map(|e| e.len()).unwrap_or(0);
            if saved == list.items() as usize {
                continue;
            }
            match self.fetch_list_items(source_id, list).await {
                Ok(_) => fetched += 1,
                Err(e) => tracing::debug!(list = list.id(), error = %e, "list entries not saved"),
            }
        }
        fetched
    }

    /// A list's entries as saved.
    pub async fn saved_list_items(&self, source_id: &SourceId, list_id: &ItemKey) -> Result<Vec<PlaylistEntry>> {
        let (id, list) = (source_id.to_string(), list_id.to_string());
        self.blocking(move |l| l.list_items(&id, &list)).await
    }

    /// A list's entries from the server, saved. A collection's entries are
    /// numbered by their place (they are not moved or removed one by one).
    pub async fn fetch_list_items(&self, source_id: &SourceId, list: &MediaList) -> Result<Vec<PlaylistEntry>> {
        let entries = match list {
            MediaList::Playlist(p) => {
                let id = p.id.as_str();
                self.connections.call(source_id.as_str(), |c| async move { c.playlist_items(id).await }).await?
            }
            MediaList::Collection(col) => {
                let id = col.id.as_str();
                let items =
                    self.connections.call(source_id.as_str(), |c| async move { c.collection_items(id).await }).await?;
                items.into_iter().zip(1..).map(|(item, id)| PlaylistEntry { id, item }).collect()
            }
        };
        self.keep_entries(source_id.as_str(), list.id(), &entries).await?;
        Ok(entries)
    }

    async fn keep_entries(&self, source_id: &str, list_id: &str, entries: &[PlaylistEntry]) -> Result<()> {
        let (id, list, kept) = (source_id.to_string(), list_id.to_string(), entries.to_vec());
        self.blocking(move |l| l.put_list_items(&id, &list, &kept)).await
    }

    /// A new playlist named `title` holding `items` (music when they are tracks).
    pub async fn create_playlist(&self, source_id: &SourceId, title: &str, items: &[MediaItem]) -> Result<Playlist> {
        let title = title.trim();
        if title.is_empty() {
            return Err(Error::PlaylistNeedsName);
        }
        let machine = self.machine_id_of(source_id)?;
        let audio = items.iter().all(|i| i.kind.is_music());
        let keys: Vec<&str> = items.iter().map(|i| i.rating_key.as_str()).collect();
        let (machine, keys) = (machine.as_str(), keys.as_slice());
        self.connections
            .call(source_id.as_str(), |c| async move { c.create_playlist(machine, title, audio, keys).await })
            .await
    }

    /// Adds `items` at the end of a playlist; its entries as they are now.
    pub async fn add_to_playlist(
        &self,
        source_id: &SourceId,
        playlist: &str,
        items: &[MediaItem],
    ) -> Result<Vec<PlaylistEntry>> {
        let machine = self.machine_id_of(source_id)?;
        let keys: Vec<&str> = items.iter().map(|i| i.rating_key.as_str()).collect();
        let (machine, keys) = (machine.as_str(), keys.as_slice());
        let entries = self
            .connections
            .call(source_id.as_str(), |c| async move { c.add_to_playlist(playlist, machine, keys).await })
            .await?;
        self.keep_entries(source_id.as_str(), playlist, &entries).await?;
        Ok(entries)
    }

    /// Moves an entry after another (`None`: to the top).
    pub async fn move_in_playlist(
        &self,
        source_id: &SourceId,
        playlist: &str,
        entry: u64,
        after: Option<u64>,
    ) -> Result<Vec<PlaylistEntry>> {
        let entries = self
            .connections
            .call(source_id.as_str(), |c| async move { c.move_in_playlist(playlist, entry, after).await })
            .await?;
        self.keep_entries(source_id.as_str(), playlist, &entries).await?;
        Ok(entries)
    }

    pub async fn remove_from_playlist(
        &self,
        source_id: &SourceId,
        playlist: &str,
        entry: u64,
    ) -> Result<Vec<PlaylistEntry>> {
        let entries = self
            .connections
            .call(source_id.as_str(), |c| async move { c.remove_from_playlist(playlist, entry).await })
            .await?;
        self.keep_entries(source_id.as_str(), playlist, &entries).await?;
        Ok(entries)
    }
}
