//! Libraries: what Reel saved (read off the caller's thread, instantly, also
//! offline) and bringing it up to date from the servers through the
//! connection manager (failover included).

use super::Core;
use crate::error::Result;
use crate::ids::{ItemKey, SectionKey, SourceId};
use crate::models::{Hub, ItemDetails, ItemSummary, MediaItem, Page, Section, ServerAction, Source};
use crate::services::connections::Delivery;
use crate::services::library::sync;
use chrono::{DateTime, Utc};

/// Items shown before the rest of a library: the first screen of the
/// default window and a row more (5 columns × 3 rows show), few enough to
/// lay out before the first frame: each tile is built whether on screen or
/// not (~0.4 ms each under software GL). A bigger window shows the rest a
/// frame later.
pub const FIRST_PAGE: usize = 24;

/// A library to show at start, with its first items already read.
#[derive(Debug, Clone)]
pub struct StartView {
    pub source_id: SourceId,
    pub section: Section,
    pub first: Page<ItemSummary>,
}

const LAST_PLACE: &str = "last_library";

/// What bringing a section up to date did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionSync {
    /// Fetched this many items.
    Fetched(usize),
    /// The saved copy was made from the server's current version: nothing
    /// was fetched (and the server was not asked, so this says nothing of
    /// whether it answers). Holds how many items are saved.
    AlreadyCurrent(usize),
}

impl Core {
    /// Remembers the library the user has open, to open it at the next start
    /// (`None`: Home).
    pub async fn remember_place(&self, place: Option<(SourceId, SectionKey)>) -> Result<()> {
        let auth = self.auth.clone();
        let value = place.map(|(source, section)| serde_json::json!([source, section]).to_string());
        tokio::task::spawn_blocking(move || auth.store().state().set_value(LAST_PLACE, value.as_deref()))
            .await
            .map_err(|e| crate::error::Error::Internal(format!("a background task failed: {e}")))?
    }

    /// The library open when Reel was last used, with its first items as
    /// saved; `None` when that was Home, or the library is gone.
    pub async fn start_view(&self) -> Option<StartView> {
        let auth = self.auth.clone();
        let place = tokio::task::spawn_blocking(move || auth.store().state().value(LAST_PLACE)).await.ok()??;
        let (source_id, key): (SourceId, SectionKey) = serde_json::from_str(&place).ok()?;
        self.server(&source_id)?;
        let section = self.saved_sections(&source_id).await.ok()?.into_iter().find(|s| s.key == key)?;
        // Sorted or filtered, the library's saved order is not what it
        // shows: nothing is read ahead, rather than the wrong first items.
        let first = if self.library_view(&source_id, &key).await.is_plain() {
            self.saved_summaries(&source_id, &key, 0, FIRST_PAGE).await.ok()?
        } else {
            Page { offset: 0, total: 0, items: Vec::new() }
        };
        Some(StartView { source_id, section, first })
    }

    /// A server's libraries as saved.
    pub async fn saved_sections(&self, source_id: &SourceId) -> Result<Vec<Section>> {
        let id = source_id.to_string();
        self.blocking(move |l| l.sections(&id)).await
    }

    /// Asks a server for its libraries (re-probing its connections first
    /// with `reprobe`) and saves them; the answer also says whether it is
    /// reachable. Returns the server as it is afterwards (the request may
    /// have moved it to another connection).
    pub async fn check_server(&self, source_id: &SourceId, reprobe: bool) -> (Option<Source>, Result<Vec<Section>>) {
        if reprobe {
            let _ = self.auth.prober().reselect(source_id.as_str()).await;
        }
        let r = self.fetch_sections(source_id).await;
        (self.server(source_id), r)
    }

    /// A server's libraries from the server, saved as they come.
    pub async fn fetch_sections(&self, source_id: &SourceId) -> Result<Vec<Section>> {
        let library = &self.library;
        self.connections
            .call(source_id.as_str(), |c| async move { sync::sync_sections(&c, library, source_id.as_str()).await })
            .await
    }

    /// A section's saved items, `limit` from `offset`.
    pub async fn saved_items(
        &self,
        source_id: &SourceId,
        section_key: &SectionKey,
        offset: usize,
        limit: usize,
    ) -> Result<Page<MediaItem>> {
        let (id, key) = (source_id.to_string(), section_key.to_string());
        self.blocking(move |l| l.items(&id, &key, offset, limit)).await
    }

    /// A page of a section's saved items as a grid shows them (the whole
    /// item: [`Core::saved_item`]).
    pub async fn saved_summaries(
        &self,
        source_id: &SourceId,
        section_key: &SectionKey,
        offset: usize,
        limit: usize,
    ) -> Result<Page<ItemSummary>> {
        let (id, key) = (source_id.to_string(), section_key.to_string());
        self.blocking(move |l| l.items(&id, &key, offset, limit)).await
    }

    /// One saved item, whole; `None` when the cache does not hold it.
    pub async fn saved_item(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<Option<MediaItem>> {
        let (id, key) = (source_id.to_string(), rating_key.to_string());
        self.blocking(move |l| l.item(&id, &key)).await
    }

    /// Brings a saved section up to date, page by page (`progress(done,
    /// total)` after each); nothing is fetched when the saved copy is of the
    /// server's current version, unless `force`. A sync cut off by a dying
    /// connection starts over on the new one: it is idempotent.
    pub async fn sync_section(
        &self,
        source_id: &SourceId,
        section: &Section,
        force: bool,
        progress: impl Fn(usize, usize) + Send + Sync,
    ) -> Result<SectionSync> {
        let (id, s) = (source_id.to_string(), section.clone());
        let current = self
            .blocking(move |l| {
                Ok(sync::section_is_current(l, &id, &s)
                    .then(|| l.section_synced(&id, s.key.as_str()).ok().flatten().map_or(0, |(_, n)| n)))
            })
            .await?;
        if let (Some(n), false) = (current, force) {
            return Ok(SectionSync::AlreadyCurrent(n));
        }
        let (library, key, progress) = (&self.library, &section.key, &progress);
        let fetch = |client| async move {
            sync::sync_section(&client, library, source_id.as_str(), key.as_str(), sync::PAGE_SIZE, progress).await
        };
        let n = self.connections.call(source_id.as_str(), fetch).await?;
        let (id, s) = (source_id.to_string(), section.clone());
        self.blocking(move |l| sync::mark_section_current(l, &id, &s)).await?;
        Ok(SectionSync::Fetched(n))
    }

    /// A section's items straight from the server (reel-cli): `limit` from
    /// `offset`, or all of them page by page.
    pub async fn fetch_items(
        &self,
        source_id: &SourceId,
        section_key: &SectionKey,
        offset: usize,
        limit: Option<usize>,
    ) -> Result<Vec<MediaItem>> {
        self.connections
            .call(source_id.as_str(), |client| async move {
                match limit {
                    Some(n) => Ok(client.items(section_key.as_str(), offset, n).await?.items),
                    None if offset == 0 => client.all_items(section_key.as_str(), sync::PAGE_SIZE).await,
                    None => {
                        let total = client.items(section_key.as_str(), 0, 0).await?.total;
                        Ok(client.items(section_key.as_str(), offset, total.saturating_sub(offset)).await?.items)
                    }
                }
            })
            .await
    }

    /// An item's saved children (seasons, episodes, albums, tracks).
    pub async fn saved_children(&self, source_id: &SourceId, parent_key: &ItemKey) -> Result<Vec<MediaItem>> {
        let (id, key) = (source_id.to_string(), parent_key.to_string());
        self.blocking(move |l| l.children(&id, &key)).await
    }

    /// An item's children from the server, saved as they come.
    pub async fn fetch_children(&self, source_id: &SourceId, parent_key: &ItemKey) -> Result<Vec<MediaItem>> {
        let library = &self.library;
        self.connections
            .call(source_id.as_str(), |c| async move {
                sync::sync_children(&c, library, source_id.as_str(), parent_key.as_str()).await
            })
            .await
    }

    /// A server's home hubs as saved.
    pub async fn saved_hubs(&self, source_id: &SourceId) -> Result<Vec<Hub>> {
        let id = source_id.to_string();
        self.blocking(move |l| l.hubs(&id)).await
    }

    /// A server's home hubs from the server, saved as they come.
    pub async fn fetch_hubs(&self, source_id: &SourceId) -> Result<Vec<Hub>> {
        let library = &self.library;
        self.connections
            .call(source_id.as_str(), |c| async move { sync::sync_hubs(&c, library, source_id.as_str()).await })
            .await
    }

    /// Marks an item watched or not. Saved at once; sent now, or kept in the
    /// outbox until the server answers (a queued change is the user's intent,
    /// not lost). Returns the item as it is now.
    pub async fn set_watched(
        &self,
        source_id: &SourceId,
        item: &MediaItem,
        watched: bool,
    ) -> Result<(MediaItem, Delivery)> {
        let rating_key = item.rating_key.to_string();
        let action =
            if watched { ServerAction::Scrobble { rating_key } } else { ServerAction::Unscrobble { rating_key } };
        let delivery = self.connections.send_action(source_id.as_str(), action).await?;
        let marked = move |mut it: MediaItem| {
            it.view_count = i64::from(watched);
            it.view_offset_ms = 0;
            if it.kind.holds_episodes() {
                it.viewed_leaf_count = Some(if watched { it.leaf_count.unwrap_or(0) } else { 0 });
            }
            it
        };
        let updated = marked(item.clone());
        let (id, it) = (source_id.to_string(), updated.clone());
        self.blocking(move |l| {
            l.record_progress(&id, &it)?;
            // The server marks all a show or season holds: so do the saved
            // pages (its seasons, their episodes), shown again offline.
            if it.kind.holds_episodes() {
                let mut under = vec![it.rating_key.to_string()];
                while let Some(key) = under.pop() {
                    for child in l.children(&id, &key)? {
                        if child.kind.holds_episodes() {
                            under.push(child.rating_key.to_string());
                        }
                        l.record_progress(&id, &marked(child))?;
                    }
                }
            }
            Ok(())
        })
        .await?;
        Ok((updated, delivery))
    }

    /// What an item's page tells beyond its listing, as kept (None: never
    /// fetched here).
    pub async fn saved_details(&self, source_id: &SourceId, rating_key: &ItemKey) -> Result<Option<ItemDetails>> {
        let (id, key) = (source_id.to_string(), rating_key.to_string());
        self.blocking(move |l| l.details(&id, &key)).await
    }

    /// The item and what its page tells, from the server; both kept (the
    /// item's listing updated where it is listed) for the next time, also
    /// offline.
    pub async fn fetch_details(
        &self,
        source_id: &SourceId,
        rating_key: &ItemKey,
    ) -> Result<Option<(MediaItem, ItemDetails)>> {
        let found =
            self.connections.call(source_id.as_str(), |c| async move { c.details(rating_key.as_str()).await }).await?;
        if let Some((item, details)) = &found {
            let (id, item, details) = (source_id.to_string(), item.clone(), details.clone());
            self.blocking(move |l| {
                l.update_item(&id, &item)?;
                l.put_details(&id, item.rating_key.as_str(), &details)
            })
            .await?;
        }
        Ok(found)
    }

    /// How many changes wait in the outbox for a server.
    pub async fn queued_changes(&self, source_id: &SourceId) -> usize {
        let id = source_id.to_string();
        self.blocking(move |l| Ok(l.queued_actions(&id)?.len())).await.unwrap_or(0)
    }

    /// Notes whether a server answered; returns since when it is offline.
    pub async fn set_online(&self, source_id: &SourceId, online: bool) -> Option<DateTime<Utc>> {
        let id = source_id.to_string();
        self.blocking(move |l| l.set_online(&id, online)).await.ok().flatten()
    }

    /// A poster's file on disk (fetched first when it is not there yet), for
    /// those who read images by path, such as the shell's media controls.
    /// Holds no secret, unlike a server URL of the image would.
    pub async fn poster_file(
        &self,
        source_id: &SourceId,
        thumb: &str,
        width: u32,
        height: u32,
    ) -> Option<std::path::PathBuf> {
        self.poster(source_id, thumb, width, height).await?;
        Some(self.posters.path_of(source_id.as_str(), thumb, width, height))
            .filter(|p| p.is_file())
            .or_else(|| self.downloads.kept_image(source_id, thumb))
    }

    /// A poster at `width`×`height` pixels: from disk, else fetched from its
    /// server and kept, else saved at another size; `None` when none has it.
    pub async fn poster(&self, source_id: &SourceId, thumb: &str, width: u32, height: u32) -> Option<Vec<u8>> {
        let cached = |p: &crate::services::library::PosterCache| p.cached(source_id.as_str(), thumb, width, height);
        if let Some(b) = cached(&self.posters) {
            return Some(b);
        }
        let _slot = self.poster_slots.acquire().await.ok()?;
        if let Some(b) = cached(&self.posters) {
            return Some(b);
        }
        let posters = &self.posters;
        let fetched = self
            .connections
            .call(source_id.as_str(), |client| async move {
                posters.get(&client, source_id.as_str(), thumb, width, height).await
            })
            .await;
        // Not at this size, and the server cannot send it: another size saved
        // will do, or the one a download keeps.
        fetched
            .ok()
            .or_else(|| self.posters.cached_any_size(source_id.as_str(), thumb))
            .or_else(|| std::fs::read(self.downloads.kept_image(source_id, thumb)?).ok())
    }
}
