//! Playlists kept by the server: listed, opened, played (as a play queue),
//! made and changed (added to, reordered, emptied of an entry), through the
//! connection manager (failover included).

use super::Core;
use crate::error::{Error, Result};
use crate::models::{MediaItem, PlayQueue, Playlist, PlaylistEntry};

impl Core {
    /// Every playlist on the server (music and video).
    pub async fn playlists(&self, source_id: &str) -> Result<Vec<Playlist>> {
        self.connections.call(source_id, |c| async move { c.playlists().await }).await
    }

    pub async fn playlist_items(&self, source_id: &str, playlist: &str) -> Result<Vec<PlaylistEntry>> {
        self.connections.call(source_id, |c| async move { c.playlist_items(playlist).await }).await
    }

    /// A new playlist named `title` holding `items` (music when they are tracks).
    pub async fn create_playlist(&self, source_id: &str, title: &str, items: &[MediaItem]) -> Result<Playlist> {
        let title = title.trim();
        if title.is_empty() {
            return Err(Error::Invalid("a playlist needs a name".into()));
        }
        let machine = self.machine_id_of(source_id)?;
        let audio = items.iter().all(|i| i.kind.is_music());
        let keys: Vec<&str> = items.iter().map(|i| i.rating_key.as_str()).collect();
        let (machine, keys) = (machine.as_str(), keys.as_slice());
        self.connections.call(source_id, |c| async move { c.create_playlist(machine, title, audio, keys).await }).await
    }

    /// Adds `items` at the end of a playlist; its entries as they are now.
    pub async fn add_to_playlist(
        &self,
        source_id: &str,
        playlist: &str,
        items: &[MediaItem],
    ) -> Result<Vec<PlaylistEntry>> {
        let machine = self.machine_id_of(source_id)?;
        let keys: Vec<&str> = items.iter().map(|i| i.rating_key.as_str()).collect();
        let (machine, keys) = (machine.as_str(), keys.as_slice());
        self.connections.call(source_id, |c| async move { c.add_to_playlist(playlist, machine, keys).await }).await
    }

    /// Moves an entry after another (`None`: to the top).
    pub async fn move_in_playlist(
        &self,
        source_id: &str,
        playlist: &str,
        entry: u64,
        after: Option<u64>,
    ) -> Result<Vec<PlaylistEntry>> {
        self.connections.call(source_id, |c| async move { c.move_in_playlist(playlist, entry, after).await }).await
    }

    pub async fn remove_from_playlist(
        &self,
        source_id: &str,
        playlist: &str,
        entry: u64,
    ) -> Result<Vec<PlaylistEntry>> {
        self.connections.call(source_id, |c| async move { c.remove_from_playlist(playlist, entry).await }).await
    }

    /// A play queue of a playlist, from its first entry, shuffled if asked.
    pub async fn play_playlist(&self, source_id: &str, playlist: &Playlist, shuffle: bool) -> Result<PlayQueue> {
        let (id, audio) = (playlist.id.as_str(), playlist.audio);
        self.connections.call(source_id, |c| async move { c.create_playlist_queue(id, audio, shuffle).await }).await
    }
}
