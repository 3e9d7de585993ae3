//! A library's sorts and filters as its server offers them
//! (`/library/sections/{id}/sorts`, `…/filters`, a filter's values at its
//! `key`), and its items ordered and narrowed by a [`LibraryView`].

use super::{urlencode, PlexServerClient};
use crate::backends::plex::types::{lenient_i64, lenient_opt_string, lenient_string, ItemsContainer};
use crate::error::Result;
use crate::models::{
    letters_from_counts, FilterOption, FilterValue, FirstLetter, LibraryView, Listing, MediaItem, Page, SortOption,
};
use serde::Deserialize;

/// `path` asked for the kind `listing` lists (a music library's albums or
/// tracks have sorts, filters and values of their own).
fn typed(path: String, listing: Option<Listing>) -> String {
    match listing {
        Some(_) => format!("{path}?{}", Listing::query(listing)),
        None => path,
    }
}

#[derive(Debug, Deserialize)]
struct Directories<T> {
    #[serde(rename = "Directory", default = "Vec::new")]
    directory: Vec<T>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireSort {
    #[serde(deserialize_with = "lenient_string")]
    key: String,
    #[serde(default, deserialize_with = "lenient_string")]
    title: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    default_direction: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct WireFilter {
    #[serde(deserialize_with = "lenient_string")]
    filter: String,
    #[serde(default, deserialize_with = "lenient_string")]
    title: String,
    #[serde(default, deserialize_with = "lenient_opt_string")]
    filter_type: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WireLetter {
    #[serde(default, deserialize_with = "lenient_string")]
    title: String,
    #[serde(default, deserialize_with = "lenient_string")]
    key: String,
    #[serde(default, deserialize_with = "lenient_i64")]
    size: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct WireValue {
    #[serde(deserialize_with = "lenient_string")]
    key: String,
    #[serde(default, deserialize_with = "lenient_string")]
    title: String,
}

impl PlexServerClient {
    /// The sorts library `section_key` offers.
    pub async fn sorts(&self, section_key: &str, listing: Option<Listing>) -> Result<Vec<SortOption>> {
        let path = typed(format!("/library/sections/{}/sorts", urlencode(section_key)), listing);
        let c: Directories<WireSort> = self.get(&path).await?;
        Ok(c.directory
            .into_iter()
            .map(|w| SortOption {
                descending_first: w.default_direction.as_deref() == Some("desc"),
                key: w.key,
                title: w.title,
            })
            .collect())
    }

    /// The filters library `section_key` offers.
    pub async fn filters(&self, section_key: &str, listing: Option<Listing>) -> Result<Vec<FilterOption>> {
        let path = typed(format!("/library/sections/{}/filters", urlencode(section_key)), listing);
        let c: Directories<WireFilter> = self.get(&path).await?;
        Ok(c.directory
            .into_iter()
            .map(|w| FilterOption { boolean: w.filter_type.as_deref() == Some("boolean"), key: w.filter, title: w.title })
            .collect())
    }

    /// The values filter `filter` of library `section_key` can take.
    pub async fn filter_values(
        &self,
        section_key: &str,
        filter: &str,
        listing: Option<Listing>,
    ) -> Result<Vec<FilterValue>> {
        let path = typed(format!("/library/sections/{}/{}", urlencode(section_key), urlencode(filter)), listing);
        let c: Directories<WireValue> = self.get(&path).await?;
        Ok(c.directory.into_iter().map(|w| FilterValue { key: w.key, title: w.title }).collect())
    }

    /// Where each first letter's titles begin in library `section_key`
    /// listed by title as `view`'s filters narrow it.
    pub async fn first_letters(&self, section_key: &str, view: &LibraryView) -> Result<Vec<FirstLetter>> {
        let path = format!("/library/sections/{}/firstCharacters?{}", urlencode(section_key), view.filter_query());
        let c: Directories<WireLetter> = self.get(&path).await?;
        // The letter is its title ("#", "A"); an older server names it by its key only.
        let counts = c.directory.into_iter().map(|w| {
            let size = w.size.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
            (if w.title.is_empty() { w.key } else { w.title }, size)
        });
        Ok(letters_from_counts(counts))
    }

    /// A page of library `section_key` as `view` orders and narrows it.
    pub async fn items_in_view(
        &self,
        section_key: &str,
        view: &LibraryView,
        offset: usize,
        size: usize,
    ) -> Result<Page<MediaItem>> {
        let path = format!(
            "/library/sections/{}/all?{}&X-Plex-Container-Start={offset}&X-Plex-Container-Size={size}",
            urlencode(section_key),
            view.query()
        );
        let c: ItemsContainer = self.get(&path).await?;
        let items: Vec<MediaItem> = c.metadata.into_iter().map(Into::into).collect();
        let total = c.total_size.and_then(|t| usize::try_from(t).ok()).unwrap_or(offset + items.len());
        Ok(Page { offset, total, items })
    }
}
