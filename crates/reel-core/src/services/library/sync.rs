//! Keeps the library cache in step with a server: sections, and each
//! section's items page by page, removing what the server no longer has.

use super::cache::LibraryCache;
use crate::backends::plex::PlexServerClient;
use crate::error::Result;
use crate::models::{Hub, Section};
use tracing::{info_span, Instrument};

pub const PAGE_SIZE: usize = 200;

/// Fetches a server's sections and stores them.
pub async fn sync_sections(client: &PlexServerClient, cache: &LibraryCache, source_id: &str) -> Result<Vec<Section>> {
    let sections = client.sections().await?;
    cache.put_sections(source_id, &sections)?;
    Ok(sections)
}

/// True when the cached items of `section` were fully synced from the
/// version the server reports now: nothing to download.
pub fn section_is_current(cache: &LibraryCache, source_id: &str, section: &Section) -> bool {
    section.version.is_some() && cache.section_synced_version(source_id, section.key.as_str()).ok().flatten() == section.version
}

/// After a full sync of `section`: remembers which version it was made from.
pub fn mark_section_current(cache: &LibraryCache, source_id: &str, section: &Section) -> Result<()> {
    match &section.version {
        Some(v) => cache.set_section_synced_version(source_id, section.key.as_str(), v),
        None => Ok(()),
    }
}

/// Fetches a server's home hubs (those the home view shows) and stores them.
pub async fn sync_hubs(client: &PlexServerClient, cache: &LibraryCache, source_id: &str) -> Result<Vec<Hub>> {
    let mut hubs: Vec<Hub> = client.hubs().await?.into_iter().filter(|h| h.home_rank().is_some()).collect();
    hubs.sort_by_key(|h| h.home_rank());
    cache.put_hubs(source_id, &hubs)?;
    Ok(hubs)
}

/// Fetches a whole section page by page; `progress(done, total)` after each
/// page. A failure part-way leaves what was already cached in place.
pub async fn sync_section(
    client: &PlexServerClient,
    cache: &LibraryCache,
    source_id: &str,
    section_key: &str,
    page_size: usize,
    mut progress: impl FnMut(usize, usize),
) -> Result<usize> {
    async {
        let generation = cache.begin_section_sync(source_id, section_key)?;
        let mut offset = 0;
        loop {
            let page = client.items(section_key, offset, page_size.max(1)).await?;
            let got = page.items.len();
            cache.put_section_page(source_id, section_key, offset, &page.items, generation)?;
            offset += got;
            progress(offset, page.total);
            if got == 0 || offset >= page.total {
                cache.finish_section_sync(source_id, section_key, offset, generation)?;
                return Ok(offset);
            }
        }
    }
    .instrument(info_span!("sync_section", source = %source_id, section = %section_key))
    .await
}

/// Fetches an item's children (seasons, episodes, albums, tracks) and stores them.
pub async fn sync_children(
    client: &PlexServerClient,
    cache: &LibraryCache,
    source_id: &str,
    parent_key: &str,
) -> Result<Vec<crate::models::MediaItem>> {
    let children = client.children(parent_key).await?;
    cache.put_children(source_id, parent_key, &children)?;
    Ok(children)
}
