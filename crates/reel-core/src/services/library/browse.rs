//! A library ordered and narrowed from what Reel saved of it, with no
//! server: the sorts and filters of [`SORTS_OFFLINE`] and
//! [`FILTERS_OFFLINE`]. Ties keep the title order, as the server's do.
//!
//! What they read is kept beside each saved item in columns of its own
//! (`items_fields`, and `items_genres` a row a genre), written by triggers
//! whenever the item is: a library of 50 000 is ordered and narrowed from
//! those small rows, and only the items shown are read whole.

use super::cache::{db_err, LibraryCache};
use crate::error::{Error, Result};
use crate::models::{
    added_since, letters_of, unix_now, FirstLetter, LibraryView, MediaItem, ADDED_AFTER, FILTERS_OFFLINE,
    SORTS_OFFLINE,
};
use rusqlite::types::Value;
use rusqlite::Connection;

/// The fields of an item (`{row}.json` and its other columns), in the
/// order of `items_fields`'s columns.
const FIELDS: &str = "{row}.rowid, {row}.source_id, {row}.section_key, {row}.section_pos,
    lower(coalesce(json_extract({row}.json, '$.title_sort'), json_extract({row}.json, '$.title'))),
    coalesce(json_extract({row}.json, '$.year'), 0),
    coalesce(json_extract({row}.json, '$.added_at'), 0),
    coalesce(json_extract({row}.json, '$.last_viewed_at'), 0),
    coalesce(json_extract({row}.json, '$.duration_ms'), 0),
    CASE WHEN json_extract({row}.json, '$.leaf_count') IS NOT NULL
        THEN coalesce(json_extract({row}.json, '$.viewed_leaf_count'), 0) < json_extract({row}.json, '$.leaf_count')
        ELSE coalesce(json_extract({row}.json, '$.view_count'), 0) = 0 END,
    coalesce(json_extract({row}.json, '$.view_count'), 0) = 0
        AND coalesce(json_extract({row}.json, '$.view_offset_ms'), 0) > 0,
    json_extract({row}.json, '$.video_resolution')";

/// Makes the tables and the triggers that keep them; fills them from the
/// saved items the first time.
pub(super) fn prepare(conn: &Connection) -> Result<()> {
    // Made by a Reel that kept fewer fields: made again, from the items.
    let columns: Vec<String> = conn
        .prepare("SELECT name FROM pragma_table_info('items_fields')")
        .and_then(|mut st| st.query_map([], |r| r.get(0))?.collect())
        .map_err(db_err)?;
    let existed = columns.iter().any(|c| c == "resolution");
    if !columns.is_empty() && !existed {
        conn.execute_batch(
            "DROP TRIGGER IF EXISTS items_fields_insert; DROP TRIGGER IF EXISTS items_fields_update;
             DROP TRIGGER IF EXISTS items_fields_delete; DROP TABLE items_fields; DROP TABLE IF EXISTS items_genres;",
        )
        .map_err(db_err)?;
    }
    // What an item written (added or changed) does to its fields.
    let written = format!(
        "DELETE FROM items_fields WHERE id = new.rowid;
         INSERT INTO items_fields VALUES ({});
         DELETE FROM items_genres WHERE id = new.rowid;
         INSERT INTO items_genres SELECT DISTINCT value, new.rowid FROM json_each(new.json, '$.genres');",
        FIELDS.replace("{row}", "new")
    );
    let sql = format!(
        "CREATE TABLE IF NOT EXISTS items_fields (
            id INTEGER PRIMARY KEY, source_id TEXT, section_key TEXT, section_pos INTEGER, sort_title TEXT,
            year INTEGER, added_at INTEGER, last_viewed_at INTEGER, duration_ms INTEGER,
            unwatched INTEGER, in_progress INTEGER, resolution TEXT);
        CREATE INDEX IF NOT EXISTS items_fields_by_section ON items_fields (source_id, section_key);
        CREATE TABLE IF NOT EXISTS items_genres (
            genre TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (genre, id)) WITHOUT ROWID;
        -- (A statement in a trigger takes the conflict policy of the one
        -- that fired it: rows are deleted before, never replaced.)
        CREATE TRIGGER IF NOT EXISTS items_fields_insert AFTER INSERT ON items BEGIN {written} END;
        CREATE TRIGGER IF NOT EXISTS items_fields_update AFTER UPDATE ON items BEGIN {written} END;
        CREATE TRIGGER IF NOT EXISTS items_fields_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fields WHERE id = old.rowid;
            DELETE FROM items_genres WHERE id = old.rowid;
        END;"
    );
    conn.execute_batch(&sql).map_err(db_err)?;
    if !existed {
        let fill = format!(
            "INSERT INTO items_fields SELECT {} FROM items AS new;
             INSERT INTO items_genres SELECT DISTINCT j.value, new.rowid FROM items AS new, json_each(new.json, '$.genres') AS j;",
            FIELDS.replace("{row}", "new")
        );
        conn.execute_batch(&fill).map_err(db_err)?;
    }
    Ok(())
}

impl LibraryCache {
    /// The saved items of a library as `view` orders and narrows them.
    /// A view that needs the server (a sort or filter saved items cannot
    /// answer) is refused, saying which.
    pub fn browse(&self, source_id: &str, section_key: &str, view: &LibraryView) -> Result<Vec<MediaItem>> {
        let (sql, args) = narrowed("f.id", source_id, section_key, view)?;
        let order = match view.sort.as_ref().map(|s| (s.key.as_str(), s.descending)) {
            None => "f.section_pos".to_string(),
            Some((key, down)) => {
                let dir = if down { "DESC" } else { "ASC" };
                let by = match key {
                    "titleSort" => return self.ordered(&sql, &args, &format!("f.sort_title {dir}")),
                    "year" => "f.year",
                    "addedAt" => "f.added_at",
                    "lastViewedAt" => "f.last_viewed_at",
                    "duration" => "f.duration_ms",
                    other => return Err(needs_server(other)),
                };
                format!("{by} {dir}, f.sort_title ASC")
            }
        };
        self.ordered(&sql, &args, &order)
    }

    /// Where each first letter's titles begin in the library listed by
    /// title as `view` narrows it: the saved items' A–Z jump.
    pub fn first_letters(&self, source_id: &str, section_key: &str, view: &LibraryView) -> Result<Vec<FirstLetter>> {
        if !view.by_title() {
            return Ok(Vec::new());
        }
        let (sql, args) = narrowed("f.sort_title", source_id, section_key, view)?;
        let sql = format!("{sql} ORDER BY f.section_pos");
        let titles: Vec<String> = self.with(|c| {
            c.prepare(&sql)?.query_map(rusqlite::params_from_iter(&args), |r| r.get(0))?.collect()
        })?;
        Ok(letters_of(titles.iter().map(String::as_str)))
    }

    /// The items `sql` picks, in `order`: the small rows are ordered, then
    /// only the items shown are read whole (sorting their JSON spilled to
    /// disk beyond a few thousand).
    fn ordered(&self, sql: &str, args: &[Value], order: &str) -> Result<Vec<MediaItem>> {
        let sql = format!("{sql} ORDER BY {order}");
        self.with(|c| {
            // Read through a memory map: the items shown are read where they
            // lie, page by page, which through read calls took four times as
            // long. Mapped only meanwhile: its pages count as Reel's memory.
            c.execute_batch("PRAGMA mmap_size = 268435456")?;
            let items = shown(c, &sql, args);
            c.execute_batch("PRAGMA mmap_size = 0")?;
            items
        })
    }
}

/// The query for `what` of a library's saved items that `view`'s filters
/// leave, with its arguments.
fn narrowed(what: &str, source_id: &str, section_key: &str, view: &LibraryView) -> Result<(String, Vec<Value>)> {
    let mut sql = format!("SELECT {what} FROM items_fields AS f WHERE f.source_id = ? AND f.section_key = ?");
    let mut args: Vec<Value> = vec![source_id.to_string().into(), section_key.to_string().into()];
    let now = unix_now();
    for f in &view.filters {
        // A genre is saved by its name; a date added lately as the moment
        // it reaches back to; the others by the value itself.
        let mut arg: Value = f.value.clone().into();
        let clause = match f.key.as_str() {
            "unwatched" => "f.unwatched = (? = '1')",
            "inProgress" => "f.in_progress = (? = '1')",
            "genre" => "EXISTS (SELECT 1 FROM items_genres AS g WHERE g.genre = ? AND g.id = f.id)",
            "year" => "f.year = CAST(? AS INTEGER)",
            "decade" => "f.year / 10 * 10 = CAST(? AS INTEGER)",
            "resolution" => "f.resolution = ?",
            ADDED_AFTER => {
                // Only the relative dates Reel offers are answered here.
                let since = added_since(&f.value, now);
                arg = since.ok_or_else(|| Error::NeedsServer { what: ADDED_AFTER.to_string() })?.into();
                "f.added_at >= ?"
            }
            other => return Err(needs_server(other)),
        };
        if f.key == "genre" {
            arg = f.title.clone().into();
        }
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.push(arg);
    }
    Ok((sql, args))
}

/// The items the query `sql` picks (their ids, in order).
fn shown(c: &Connection, sql: &str, args: &[Value]) -> rusqlite::Result<Vec<MediaItem>> {
    let ids: Vec<i64> =
        c.prepare(sql)?.query_map(rusqlite::params_from_iter(args), |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached("SELECT json FROM items WHERE rowid = ?1")?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        let json: String = st.query_row([id], |r| r.get(0))?;
        items.extend(serde_json::from_str::<MediaItem>(&json).ok());
    }
    Ok(items)
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
            video_resolution: Some(if views > 0 || year > 2000 { "720" } else { "1080" }.to_string()),
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
        let by_title = browse(LibraryView { sort: sort("titleSort", false), filters: vec![], listing: None });
        assert_eq!(titles(&by_title), ["Archive", "The Echo", "Meadow", "The Wild River"]);
        // Newest first, ties by title; unwatched comedies only.
        let view = LibraryView {
            sort: sort("year", true),
            filters: vec![filter("unwatched", "1", "Unwatched"), filter("genre", "102", "Comedy")],
            listing: None,
        };
        assert_eq!(titles(&browse(view)), ["The Echo", "The Wild River"]);
        let nineties = LibraryView { sort: sort("year", false), filters: vec![filter("decade", "1990", "1990s")], listing: None };
        assert_eq!(titles(&browse(nineties)), ["Archive", "The Echo", "The Wild River"]);
        let one_year = LibraryView { sort: None, filters: vec![filter("year", "2005", "2005")], listing: None };
        assert_eq!(titles(&browse(one_year)), ["Meadow"]);
        let hd = LibraryView { sort: None, filters: vec![filter("resolution", "720", "720p")], listing: None };
        assert_eq!(titles(&browse(hd)), ["Archive", "Meadow"]);
        // Added lately, measured from now; an item not saying when it was added is not.
        let day = 86_400;
        let added = [(1, 2 * day), (2, 20 * day), (3, 200 * day)];
        let lately: Vec<MediaItem> = films
            .iter()
            .map(|f| {
                let ago = added.iter().find(|(k, _)| f.rating_key.as_str() == k.to_string()).map(|(_, a)| unix_now() - a);
                MediaItem { added_at: ago, ..f.clone() }
            })
            .collect();
        cache.put_section_page("s", "3", 0, &lately, 1).unwrap();
        let within = |value: &str| {
            let view = LibraryView { sort: None, filters: vec![filter(ADDED_AFTER, value, "")], listing: None };
            titles(&cache.browse("s", "3", &view).unwrap()).join(",")
        };
        assert_eq!(within("-7d"), "The Wild River");
        assert_eq!(within("-30d"), "The Wild River,Archive");
        assert_eq!(within("-365d"), "The Wild River,Archive,The Echo", "Meadow does not say when it was added");
        let absolute = LibraryView { sort: None, filters: vec![filter(ADDED_AFTER, "1700000000", "")], listing: None };
        assert!(matches!(cache.browse("s", "3", &absolute), Err(Error::NeedsServer { .. })), "not a date Reel offers");
        // What saved items do not hold needs the server, said so.
        let language = LibraryView { sort: None, filters: vec![filter("audioLanguage", "de", "German")], listing: None };
        assert!(matches!(cache.browse("s", "1", &language), Err(Error::NeedsServer { what }) if what == "audioLanguage"));

        // The A–Z jump: where each letter begins as the library is listed
        // (here in the server's order: the films were saved as it lists them).
        let letters = |view: LibraryView| -> Vec<(String, usize)> {
            cache.first_letters("s", "1", &view).unwrap().into_iter().map(|l| (l.letter, l.position)).collect()
        };
        let by_title = [
            film("5", "Archive", 1994, &["Drama"], 1),
            film("6", "The Echo", 1999, &["Comedy"], 0),
            film("7", "Meadow", 2005, &["Horror"], 0),
            film("8", "Moor", 2005, &["Comedy"], 0),
        ];
        cache.put_section_page("s", "2", 0, &by_title, 1).unwrap();
        let letters_in = |view: LibraryView| -> Vec<(String, usize)> {
            cache.first_letters("s", "2", &view).unwrap().into_iter().map(|l| (l.letter, l.position)).collect()
        };
        let at = |pairs: &[(&str, usize)]| pairs.iter().map(|(l, p)| (l.to_string(), *p)).collect::<Vec<_>>();
        assert_eq!(letters_in(LibraryView::default()), at(&[("A", 0), ("E", 1), ("M", 2)]), "by sort title");
        let comedies = LibraryView { sort: None, filters: vec![filter("genre", "102", "Comedy")], listing: None };
        assert_eq!(letters_in(comedies), at(&[("E", 0), ("M", 1)]), "as filtered");
        assert!(letters(LibraryView { sort: sort("year", true), filters: vec![], listing: None }).is_empty(), "not by title: no jump");
    }

    #[test]
    fn the_fields_follow_each_change_of_an_item_and_are_made_for_a_cache_from_before() {
        let cache = LibraryCache::in_memory().unwrap();
        let unwatched = LibraryView { sort: None, filters: vec![filter_of("unwatched", "1", "Unwatched")], listing: None };
        let comedies = LibraryView { sort: None, filters: vec![filter_of("genre", "102", "Comedy")], listing: None };
        let browse = |view: &LibraryView| titles(&cache.browse("s", "1", view).unwrap()).join(",");
        cache.put_section_page("s", "1", 0, &[film("1", "Archive", 1994, &["Comedy"], 0), film("2", "Meadow", 2005, &[], 0)], 1).unwrap();
        assert_eq!((browse(&unwatched), browse(&comedies)), ("Archive,Meadow".into(), "Archive".into()));
        // Watched, and no longer a comedy: as saved again by a sync.
        cache.put_section_page("s", "1", 0, &[film("1", "Archive", 1994, &["Drama"], 1), film("2", "Meadow", 2005, &["Comedy", "Comedy"], 0)], 2).unwrap();
        assert_eq!((browse(&unwatched), browse(&comedies)), ("Meadow".into(), "Meadow".into()));
        // Gone from the library.
        cache.finish_section_sync("s", "1", 0, 3).unwrap();
        assert_eq!((browse(&unwatched), browse(&comedies)), (String::new(), String::new()));

        // A cache made before the fields were kept: they are made from its items.
        cache.put_section_page("s", "1", 0, &[film("3", "Harbor", 1999, &["Comedy"], 0)], 4).unwrap();
        cache
            .with(|c| c.execute_batch("DROP TABLE items_fields; DROP TABLE items_genres; DROP TRIGGER items_fields_insert;
                DROP TRIGGER items_fields_update; DROP TRIGGER items_fields_delete;"))
            .unwrap();
        cache.with(|c| Ok(prepare(c))).unwrap().unwrap();
        assert_eq!((browse(&unwatched), browse(&comedies)), ("Harbor".into(), "Harbor".into()));
        // One made when fewer fields were kept (no resolution): made again.
        cache
            .with(|c| c.execute_batch("DELETE FROM items_fields; ALTER TABLE items_fields DROP COLUMN resolution;"))
            .unwrap();
        cache.with(|c| Ok(prepare(c))).unwrap().unwrap();
        let hd = LibraryView { sort: None, filters: vec![filter_of("resolution", "1080", "1080p")], listing: None };
        assert_eq!((browse(&unwatched), browse(&hd)), ("Harbor".into(), "Harbor".into()));
    }

    fn filter_of(key: &str, value: &str, title: &str) -> Filter {
        Filter { key: key.into(), value: value.into(), title: title.into() }
    }
}
