//! Ordering and narrowing a library: the sorts and filters its server
//! offers (kept, for offline), the choice made for each library
//! (remembered), and the library as that choice shows it: the server's
//! answer, or what was saved when the server cannot be reached.

use super::Core;
use crate::error::{Error, Result};
use crate::ids::{SectionKey, SourceId};
use crate::models::{
    added_lately, added_lately_values, letters_of, FilterOption, FilterValue, FirstLetter, LibraryView, Listing,
    MediaItem, SortOption, ADDED_AFTER,
};
use crate::services::library::sync;
use futures::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};

/// What a library can be ordered and narrowed by.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LibraryOptions {
    pub sorts: Vec<SortOption>,
    pub filters: Vec<FilterOption>,
}

/// A library as a view shows it.
#[derive(Debug, Clone)]
pub struct Browsed {
    pub items: Vec<MediaItem>,
    /// Read from what was saved: the server did not answer.
    pub from_saved_data: bool,
    /// Where each letter's titles begin, when the view lists by title (the A–Z jump).
    pub letters: Vec<FirstLetter>,
}

/// The server's letters for a listing by title, when they add up to what it
/// listed; else the listed items' own (the server's letters missing or from
/// a library that changed between the two answers).
fn letters_for(view: &LibraryView, items: &[MediaItem], asked: Result<Vec<FirstLetter>>) -> Vec<FirstLetter> {
    if !view.by_title() {
        return Vec::new();
    }
    match asked {
        Ok(letters) if letters.iter().map(|l| l.count).sum::<usize>() == items.len() => letters,
        asked => {
            if let Err(e) = asked {
                tracing::debug!("the server's first letters not had: {e}");
            }
            letters_of(items.iter().map(|i| i.title_sort.as_deref().unwrap_or(&i.title)))
        }
    }
}

/// How many pages of a listing are asked for at once.
const PAGES_AT_ONCE: usize = 4;

/// Where what a library offers is kept: its own, or its albums' or tracks'.
fn options_key(source_id: &SourceId, section: &SectionKey, listing: Option<Listing>) -> String {
    match listing {
        None => format!("library_options:{source_id}:{section}"),
        Some(l) => format!("library_options:{source_id}:{section}:{}", l.plex_type()),
    }
}

fn view_key(source_id: &SourceId, section: &SectionKey) -> String {
    format!("library_view:{source_id}:{section}")
}

impl Core {
    /// The sorts and filters a library offers, as its server says (kept);
    /// what was kept when the server does not answer. Added lately is
    /// offered too: the server's listing understands it, its list does not
    /// name it.
    pub async fn library_options(
        &self,
        source_id: &SourceId,
        section: &SectionKey,
        listing: Option<Listing>,
    ) -> Result<LibraryOptions> {
        let asked = self
            .connections
            .call(source_id.as_str(), |c| async move {
                let section = section.as_str();
                let (sorts, filters) = tokio::join!(c.sorts(section, listing), c.filters(section, listing));
                Ok(LibraryOptions { sorts: sorts?, filters: filters? })
            })
            .await;
        let key = options_key(source_id, section, listing);
        let mut options: LibraryOptions = self.kept_or_asked(key, asked).await?;
        if !options.filters.iter().any(|f| f.key == ADDED_AFTER) {
            options.filters.push(added_lately());
        }
        Ok(options)
    }

    /// A server's answer, kept under `key`; what was kept there when the
    /// server cannot be reached.
    async fn kept_or_asked<T: Serialize + for<'de> Deserialize<'de>>(
        &self,
        key: String,
        asked: Result<T>,
    ) -> Result<T> {
        match asked {
            Ok(answer) => {
                let json = serde_json::to_string(&answer).map_err(|e| Error::Internal(e.to_string()))?;
                self.kept_value(key, Some(json)).await?;
                Ok(answer)
            }
            Err(e) if e.is_offline() => match self.kept(key).await {
                Some(json) => serde_json::from_str(&json).map_err(|_| e),
                None => Err(e),
            },
            Err(e) => Err(e),
        }
    }

    /// The values a library's filter `filter` can take (a genre's names),
    /// as its server says (kept); what was kept when it does not answer.
    pub async fn filter_values(
        &self,
        source_id: &SourceId,
        section: &SectionKey,
        filter: &str,
        listing: Option<Listing>,
    ) -> Result<Vec<FilterValue>> {
        if filter == ADDED_AFTER {
            return Ok(added_lately_values());
        }
        let asked = self
            .connections
            .call(source_id.as_str(), |c| async move { c.filter_values(section.as_str(), filter, listing).await })
            .await;
        let of = listing.map(|l| format!(":{}", l.plex_type())).unwrap_or_default();
        self.kept_or_asked(format!("filter_values:{source_id}:{section}:{filter}{of}"), asked).await
    }

    /// How the library was last ordered and narrowed (as the server lists it at first).
    pub async fn library_view(&self, source_id: &SourceId, section: &SectionKey) -> LibraryView {
        let kept = self.kept(view_key(source_id, section)).await;
        kept.and_then(|json| serde_json::from_str(&json).ok()).unwrap_or_default()
    }

    /// Remembers how the library is ordered and narrowed.
    pub async fn set_library_view(&self, source_id: &SourceId, section: &SectionKey, view: &LibraryView) -> Result<()> {
        let json = (!view.is_plain())
            .then(|| serde_json::to_string(view))
            .transpose()
            .map_err(|e| Error::Internal(e.to_string()))?;
        self.kept_value(view_key(source_id, section), json).await
    }

    /// The library as `view` shows it: the server's answer; when the
    /// server cannot be reached, what was saved (if the view can be
    /// answered from it; else why not).
    #[tracing::instrument(skip(self, view), fields(source = %source_id, view = %view.query()))]
    pub async fn browse(&self, source_id: &SourceId, section: &SectionKey, view: &LibraryView) -> Result<Browsed> {
        let asked = self
            .connections
            .call(source_id.as_str(), |c| async move {
                let listed = async {
                    let first = c.items_in_view(section.as_str(), view, 0, sync::PAGE_SIZE).await?;
                    let (total, mut items) = (first.total, first.items);
                    if items.is_empty() || items.len() >= total {
                        return Ok::<_, Error>(items);
                    }
                    // The rest a few pages at once: thousands of items are
                    // tens of pages, each a round trip the server answers
                    // on its own, and one after the other they added up.
                    let offsets = (items.len()..total).step_by(sync::PAGE_SIZE);
                    let pages: Vec<_> = futures::stream::iter(offsets)
                        .map(|offset| c.items_in_view(section.as_str(), view, offset, sync::PAGE_SIZE))
                        .buffered(PAGES_AT_ONCE)
                        .try_collect()
                        .await?;
                    items.extend(pages.into_iter().flat_map(|p| p.items));
                    Ok(items)
                };
                let letters = async {
                    if view.by_title() {
                        c.first_letters(section.as_str(), view).await
                    } else {
                        Ok(Vec::new())
                    }
                };
                let (items, letters) = tokio::join!(listed, letters);
                Ok((items?, letters))
            })
            .await;
        match asked {
            Ok((items, letters)) => {
                let letters = letters_for(view, &items, letters);
                Ok(Browsed { items, from_saved_data: false, letters })
            }
            Err(e) if e.is_offline() && view.works_offline() => {
                let (id, key, view) = (source_id.to_string(), section.to_string(), view.clone());
                let (items, letters) = self
                    .blocking(move |l| Ok((l.browse(&id, &key, &view)?, l.first_letters(&id, &key, &view)?)))
                    .await?;
                Ok(Browsed { items, from_saved_data: true, letters })
            }
            Err(e) => Err(e),
        }
    }

    /// Where each letter's titles begin in the library as saved, listed as
    /// the server lists it (what the grid shows with no sort or filter).
    pub async fn saved_first_letters(&self, source_id: &SourceId, section: &SectionKey) -> Result<Vec<FirstLetter>> {
        let (id, key) = (source_id.to_string(), section.to_string());
        self.blocking(move |l| l.first_letters(&id, &key, &LibraryView::default())).await
    }

    async fn kept(&self, key: String) -> Option<String> {
        let auth = self.auth.clone();
        tokio::task::spawn_blocking(move || auth.store().state().value(&key)).await.ok().flatten()
    }

    async fn kept_value(&self, key: String, value: Option<String>) -> Result<()> {
        let auth = self.auth.clone();
        tokio::task::spawn_blocking(move || auth.store().state().set_value(&key, value.as_deref()))
            .await
            .map_err(|e| Error::Internal(format!("a background task failed: {e}")))?
    }
}
