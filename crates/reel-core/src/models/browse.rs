//! How a library is ordered and narrowed: the sorts and filters its server
//! offers, and the choice made of them (remembered per library).

use serde::{Deserialize, Serialize};

/// A sort a server offers for a library (`/library/sections/{id}/sorts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortOption {
    /// The server's key (`titleSort`, `year`, `addedAt`…).
    pub key: String,
    pub title: String,
    /// Whether it goes down unless asked otherwise (newest first).
    pub descending_first: bool,
}

/// A filter a server offers for a library (`…/filters`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOption {
    /// The server's name for it (`unwatched`, `genre`, `year`…).
    pub key: String,
    pub title: String,
    /// On or off (`unwatched`), else one of its values.
    pub boolean: bool,
}

/// One value of a filter (`…/genre`: "Comedy", its key `102`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterValue {
    pub key: String,
    pub title: String,
}

/// A sort chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub key: String,
    pub descending: bool,
}

/// A filter chosen: a boolean one's value is "1"; `title` is the value as
/// shown (a genre's name), which is what saved items hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub key: String,
    pub value: String,
    pub title: String,
}

/// How a library is shown: its order and what it is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryView {
    pub sort: Option<Sort>,
    #[serde(default)]
    pub filters: Vec<Filter>,
}

/// The server's own order when no sort is asked.
pub const TITLE_SORT: &str = "titleSort";

/// The sorts saved items can be ordered by with no server.
pub const SORTS_OFFLINE: [&str; 5] = [TITLE_SORT, "year", "addedAt", "lastViewedAt", "duration"];
/// The filters saved items can be narrowed by with no server.
pub const FILTERS_OFFLINE: [&str; 5] = ["unwatched", "inProgress", "genre", "year", "decade"];

impl LibraryView {
    /// As the server's listing is asked for it: `sort=year:desc&unwatched=1&genre=102`.
    pub fn query(&self) -> String {
        let sort = self.sort.iter().map(|s| {
            let dir = if s.descending { ":desc" } else { "" };
            format!("sort={}{dir}", encode(&s.key))
        });
        let filters = self.filters.iter().map(|f| format!("{}={}", encode(&f.key), encode(&f.value)));
        sort.chain(filters).collect::<Vec<_>>().join("&")
    }

    /// Whether it is the library as the server lists it.
    pub fn is_plain(&self) -> bool {
        self.sort.is_none() && self.filters.is_empty()
    }

    /// Whether saved items can answer it with no server.
    pub fn works_offline(&self) -> bool {
        self.sort.as_ref().is_none_or(|s| SORTS_OFFLINE.contains(&s.key.as_str()))
            && self.filters.iter().all(|f| FILTERS_OFFLINE.contains(&f.key.as_str()))
    }

    /// With the filter `key` set to `value` (or taken off, with None).
    /// Ordered by `sort`, in its usual direction (newest first for dates).
    /// By title from A is the server's own order: no sort asked.
    pub fn sorted_by(mut self, sort: &SortOption) -> Self {
        self.sort = Some(Sort { key: sort.key.clone(), descending: sort.descending_first });
        self.plain_sort()
    }

    /// In the other direction, or back (no sort chosen is by title).
    pub fn descending(mut self, down: bool) -> Self {
        let key = self.sort.take().map_or_else(|| TITLE_SORT.to_string(), |s| s.key);
        self.sort = Some(Sort { key, descending: down });
        self.plain_sort()
    }

    fn plain_sort(mut self) -> Self {
        if self.sort.as_ref().is_some_and(|s| s.key == TITLE_SORT && !s.descending) {
            self.sort = None;
        }
        self
    }

    pub fn with_filter(mut self, key: &str, value: Option<(String, String)>) -> Self {
        self.filters.retain(|f| f.key != key);
        if let Some((value, title)) = value {
            self.filters.push(Filter { key: key.to_string(), value, title });
        }
        self
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_is_asked_as_the_server_names_it_and_knows_whether_it_works_offline() {
        let view = LibraryView {
            sort: Some(Sort { key: "year".into(), descending: true }),
            filters: vec![Filter { key: "unwatched".into(), value: "1".into(), title: "Unwatched".into() }],
        }
        .with_filter("genre", Some(("102".into(), "Comedy".into())));
        assert_eq!(view.query(), "sort=year:desc&unwatched=1&genre=102");
        assert!(view.works_offline() && !view.is_plain());
        let view =
            view.with_filter("unwatched", None).with_filter("audioLanguage", Some(("de".into(), "German".into())));
        assert_eq!(view.query(), "sort=year:desc&genre=102&audioLanguage=de");
        assert!(!view.works_offline(), "saved items hold no audio languages");
        assert!(LibraryView::default().is_plain() && LibraryView::default().query().is_empty());
        let option = |key: &str, down| SortOption { key: key.into(), title: key.into(), descending_first: down };
        let added = LibraryView::default().sorted_by(&option("addedAt", true));
        assert_eq!(added.query(), "sort=addedAt:desc", "dates go newest first");
        assert_eq!(added.descending(false).query(), "sort=addedAt");
        let by_title = LibraryView::default().descending(true);
        assert_eq!(by_title.query(), "sort=titleSort:desc", "reversed with no sort: by title from Z");
        assert!(by_title.descending(false).is_plain(), "by title from A is the server's own order");
        assert!(LibraryView::default().sorted_by(&option("titleSort", false)).is_plain());
    }
}
