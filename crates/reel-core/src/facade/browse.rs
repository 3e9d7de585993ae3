//! Ordering and narrowing a library: the sorts and filters its server
//! offers (kept, for offline), the choice made for each library
//! (remembered), and the library as that choice shows it: the server's
//! answer, or what was saved when the server cannot be reached.

use super::Core;
use crate::error::{Error, Result};
use crate::ids::{SectionKey, SourceId};
use crate::models::{FilterOption, FilterValue, LibraryView, MediaItem, SortOption};
use crate::services::library::sync;
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
}

fn options_key(source_id: &SourceId, section: &SectionKey) -> String {
    format!("library_options:{source_id}:{section}")
}

fn view_key(source_id: &SourceId, section: &SectionKey) -> String {
    format!("library_view:{source_id}:{section}")
}

impl Core {
    /// The sorts and filters a library offers, as its server says (kept);
    /// what was kept when the server does not answer.
    pub async fn library_options(&self, source_id: &SourceId, section: &SectionKey) -> Result<LibraryOptions> {
        let asked = self
            .connections
            .call(source_id.as_str(), |c| async move {
                let (sorts, filters) = tokio::join!(c.sorts(section.as_str()), c.filters(section.as_str()));
                Ok(LibraryOptions { sorts: sorts?, filters: filters? })
            })
            .await;
        self.kept_or_asked(options_key(source_id, section), asked).await
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
    ) -> Result<Vec<FilterValue>> {
        let asked = self
            .connections
            .call(source_id.as_str(), |c| async move { c.filter_values(section.as_str(), filter).await })
            .await;
        self.kept_or_asked(format!("filter_values:{source_id}:{section}:{filter}"), asked).await
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
                let mut items = Vec::new();
                loop {
                    let page = c.items_in_view(section.as_str(), view, items.len(), sync::PAGE_SIZE).await?;
                    let got = page.items.len();
                    items.extend(page.items);
                    if got == 0 || items.len() >= page.total {
                        return Ok(items);
                    }
                }
            })
            .await;
        match asked {
            Ok(items) => Ok(Browsed { items, from_saved_data: false }),
            Err(e) if e.is_offline() && view.works_offline() => {
                let (id, key, view) = (source_id.to_string(), section.to_string(), view.clone());
                let items = self.blocking(move |l| l.browse(&id, &key, &view)).await?;
                Ok(Browsed { items, from_saved_data: true })
            }
            Err(e) => Err(e),
        }
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
