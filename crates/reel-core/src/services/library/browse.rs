//! A library ordered and narrowed from what Reel saved of it, with no
//! server: the sorts and filters of [`SORTS_OFFLINE`] and
//! [`FILTERS_OFFLINE`], read from the saved items' fields. Ties keep the
//! title order, as the server's do.

use super::cache::LibraryCache;
use crate::error::{Error, Result};
use crate::models::{LibraryView, MediaItem, FILTERS_OFFLINE, SORTS_OFFLINE};
use rusqlite::types::Value;

/// An item's sort title, as SQL reads it from the saved JSON.
const TITLE: &str = "lower(coalesce(json_extract(json, '$.title_sort'), json_extract(json, '$.title')))";

impl LibraryCache {
    /// The saved items of a library as `view` orders and narrows them.
    /// A view that needs the server (a sort or filter saved items cannot
    /// answer) is refused, saying which.
    pub fn browse(&self, source_id: &str, section_key: &str, view: &LibraryView) -> Result<Vec<MediaItem>> {
        let mut sql = String::from("SELECT json FROM items WHERE source_id = ? AND section_key = ?");
        let mut args: Vec<Value> = vec![source_id.to_string().into(), section_key.to_string().into()];
        for f in &view.filters {
            let clause = match f.key.as_str() {
                "unwatched" => {
                    "CASE WHEN json_extract(json, '$.leaf_count') IS NOT NULL
                        THEN coalesce(json_extract(json, '$.viewed_leaf_count'), 0) < json_extract(json, '$.leaf_count')
                        ELSE json_extract(json, '$.view_count') = 0 END = (? = '1')"
                }
                "inProgress" => {
                    "(json_extract(json, '$.view_count') = 0 AND json_extract(json, '$.view_offset_ms') > 0) = (? = '1')"
                }
                "genre" => "EXISTS (SELECT 1 FROM json_each(items.json, '$.genres') WHERE value = ?)",
                "year" => "coalesce(json_extract(json, '$.year'), 0) = CAST(? AS INTEGER)",
                "decade" => "coalesce(json_extract(json, '$.year'), 0) / 10 * 10 = CAST(? AS INTEGER)",
                other => return Err(needs_server(other)),
            };
            sql.push_str(" AND ");
            sql.push_str(clause);
            // A genre is saved by its name; the others by the value itself.
            args.push(if f.key == "genre" { f.title.clone() } else { f.value.clone() }.into());
        }
        let order = match view.sort.as_ref().map(|s| (s.key.as_str(), s.descending)) {
            None => "section_pos".to_string(),
            Some((key, down)) => {
                let dir = if down { "DESC" } else { "ASC" };
                let by = match key {
                    "titleSort" => return self.ordered(&sql, &args, &format!("{TITLE} {dir}")),
                    "year" => "coalesce(json_extract(json, '$.year'), 0)",
                    "addedAt" => "coalesce(json_extract(json, '$.added_at'), 0)",
                    "lastViewedAt" => "coalesce(json_extract(json, '$.last_viewed_at'), 0)",
                    "duration" => "coalesce(json_extract(json, '$.duration_ms'), 0)",
                    other => return Err(needs_server(other)),
                };
                format!("{by} {dir}, {TITLE} ASC")
            }
        };
        self.ordered(&sql, &args, &order)
    }

    fn ordered(&self, sql: &str, args: &[Value], order: &str) -> Result<Vec<MediaItem>> {
        let sql = format!("{sql} ORDER BY {order}");
        self.with(|c| {
            let mut st = c.prepare(&sql)?;
            let rows = st.query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(0))?;
            let mut items = Vec::new();
            for json in rows {
                items.extend(serde_json::from_str::<MediaItem>(&json?).ok());
            }
            Ok(items)
        })
    }
}

fn needs_server(what: &str) -> Error {
    debug_assert!(!SORTS_OFFLINE.contains(&what) && !FILTERS_OFFLINE.contains(&what));
    Error::NeedsServer { what: what.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Filter, ItemKind, Sort};

    fn film(key: &str, title: &str, year: i32, genres: &[&str], views: i64) -> MediaItem {
        MediaItem {
            year: Some(year),
            genres: genres.iter().map(|g| g.to_string()).collect(),
            view_count: views,
            title_sort: title.strip_prefix("The ").map(str::to_string),
            ..MediaItem::new(key, ItemKind::Movie, title)
        }
    }

    fn titles(items: &[MediaItem]) -> Vec<&str> {
        items.iter().map(|i| i.title.as_str()).collect()
    }

    #[test]
    fn saved_items_are_sorted_and_filtered_as_the_server_would() {
        let cache = LibraryCache::in_memory().unwrap();
        let films = [
            film("1", "The Wild River", 1999, &["Comedy"], 0),
            film("2", "Archive", 1994, &["Drama", "Comedy"], 1),
            film("3", "The Echo", 1999, &["Comedy"], 0),
            film("4", "Meadow", 2005, &["Horror"], 0),
        ];
        cache.put_section_page("s", "1", 0, &films, 1).unwrap();
        let sort = |key: &str, descending| Some(Sort { key: key.into(), descending });
        let filter = |key: &str, value: &str, title: &str| Filter { key: key.into(), value: value.into(), title: title.into() };
        let browse = |view: LibraryView| cache.browse("s", "1", &view).unwrap();

        assert_eq!(titles(&browse(LibraryView::default())), ["The Wild River", "Archive", "The Echo", "Meadow"]);
        // By sort title: "The" aside.
        let by_title = browse(LibraryView { sort: sort("titleSort", false), filters: vec![] });
        assert_eq!(titles(&by_title), ["Archive", "The Echo", "Meadow", "The Wild River"]);
        // Newest first, ties by title; unwatched comedies only.
        let view = LibraryView {
            sort: sort("year", true),
            filters: vec![filter("unwatched", "1", "Unwatched"), filter("genre", "102", "Comedy")],
        };
        assert_eq!(titles(&browse(view)), ["The Echo", "The Wild River"]);
        let nineties = LibraryView { sort: sort("year", false), filters: vec![filter("decade", "1990", "1990s")] };
        assert_eq!(titles(&browse(nineties)), ["Archive", "The Echo", "The Wild River"]);
        let one_year = LibraryView { sort: None, filters: vec![filter("year", "2005", "2005")] };
        assert_eq!(titles(&browse(one_year)), ["Meadow"]);
        // What saved items do not hold needs the server, said so.
        let language = LibraryView { sort: None, filters: vec![filter("audioLanguage", "de", "German")] };
        assert!(matches!(cache.browse("s", "1", &language), Err(Error::NeedsServer { what }) if what == "audioLanguage"));
    }
}
