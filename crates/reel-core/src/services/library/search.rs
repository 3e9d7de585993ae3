//! Searching what Reel saved, with no server: a full-text index (SQLite
//! FTS5) over every saved item's titles (its own, its season's or album's,
//! its show's or artist's) and summary, kept in step with the items table
//! by triggers, so every way an item is saved or removed keeps it right.
//! Case and accents are folded; every word typed matches the start of a
//! word ("sig" finds "Signal").
//!
//! Each server's results of each kind are read on their own (the index
//! knows both, as the `scope` column's words), items found by their own
//! title first, then by the names of what holds them or their summary, in
//! the order they were saved, a few at a time: a query reads only what it
//! shows however many items match.

use super::cache::{db_err, LibraryCache};
use crate::error::Result;
use crate::models::{Found, ItemKind, MediaItem, SearchGroup, SearchHit, SearchKind};
use rusqlite::{params, Connection};
use std::collections::{HashMap, HashSet};

/// The words an item is found by, read from its saved JSON, and its scope:
/// its kind and its server.
const COLUMNS: &str = "json_extract(new.json, '$.title'),
    coalesce(json_extract(new.json, '$.parent_title'), '') || ' ' || coalesce(json_extract(new.json, '$.grandparent_title'), ''),
    coalesce(json_extract(new.json, '$.summary'), ''),
    json_extract(new.json, '$.kind') || ' ' || new.source_id";

/// Makes the index and its triggers, and fills it from a cache made before
/// it existed.
pub(super) fn prepare(conn: &Connection) -> Result<()> {
    let existed: bool = conn
        .prepare("SELECT 1 FROM sqlite_master WHERE name = 'items_search'")
        .and_then(|mut st| st.exists([]))
        .map_err(db_err)?;
    let sql = format!(
        "CREATE VIRTUAL TABLE IF NOT EXISTS items_search USING fts5(
            title, context, summary, scope, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
        CREATE TRIGGER IF NOT EXISTS items_search_insert AFTER INSERT ON items BEGIN
            INSERT INTO items_search (rowid, title, context, summary, scope) VALUES (new.rowid, {COLUMNS});
        END;
        CREATE TRIGGER IF NOT EXISTS items_search_update AFTER UPDATE OF json ON items BEGIN
            DELETE FROM items_search WHERE rowid = old.rowid;
            INSERT INTO items_search (rowid, title, context, summary, scope) VALUES (new.rowid, {COLUMNS});
        END;
        CREATE TRIGGER IF NOT EXISTS items_search_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_search WHERE rowid = old.rowid;
        END;"
    );
    conn.execute_batch(&sql).map_err(db_err)?;
    if !existed {
        let fill = format!(
            "INSERT INTO items_search (rowid, title, context, summary, scope) SELECT new.rowid, {COLUMNS} FROM items AS new"
        );
        conn.execute_batch(&fill).map_err(db_err)?;
    }
    Ok(())
}

/// The FTS5 query for what a person typed: every word, as the start of a
/// word, all of them. None when nothing searchable was typed.
pub fn match_expression(typed: &str) -> Option<String> {
    let words: Vec<String> = typed
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

/// A phrase FTS5 reads as plain words, whatever the text holds.
fn phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

const SEARCHED: [(SearchKind, ItemKind); 6] = [
    (SearchKind::Movie, ItemKind::Movie),
    (SearchKind::Show, ItemKind::Show),
    (SearchKind::Episode, ItemKind::Episode),
    (SearchKind::Artist, ItemKind::Artist),
    (SearchKind::Album, ItemKind::Album),
    (SearchKind::Track, ItemKind::Track),
];

impl LibraryCache {
    /// What the saved items of each of `sources` (servers' ids) say about
    /// `typed`: grouped by kind, at most `limit` a group, those found by
    /// their own title first; items of a library `visible` says no to are
    /// left out. `visible` gets the server's id and the library's key (None
    /// when not known).
    pub fn search(
        &self,
        sources: &[String],
        typed: &str,
        limit: usize,
        visible: impl Fn(&str, Option<&str>) -> bool,
    ) -> Result<HashMap<String, Vec<SearchGroup>>> {
        let Some(expression) = match_expression(typed) else { return Ok(HashMap::new()) };
        // The library of an episode or track is its show's or artist's: two
        // steps up the items it was listed under.
        const SQL: &str = "SELECT coalesce(i.section_key, p.section_key, g.section_key), i.json
             FROM items_search
             JOIN items i ON i.rowid = items_search.rowid
             LEFT JOIN items p ON p.source_id = i.source_id AND p.rating_key = i.parent_key
             LEFT JOIN items g ON g.source_id = p.source_id AND g.rating_key = p.parent_key
             WHERE items_search MATCH ?1
             LIMIT ?2";
        self.with(|c| {
            let mut st = c.prepare_cached(SQL)?;
            let mut answer = HashMap::new();
            for source in sources {
                let mut groups = Vec::new();
                for (kind, item_kind) in SEARCHED {
                    let scope = format!("scope : ({} AND {})", phrase(item_kind.name()), phrase(source));
                    let mut seen = HashSet::new();
                    let mut hits = Vec::new();
                    // By their own title first, then by anything else.
                    for columns in ["title", "{title context summary}"] {
                        if hits.len() >= limit {
                            break;
                        }
                        let query = format!("{columns} : ({expression}) AND {scope}");
                        // A few more than shown: some may be in hidden libraries.
                        let rows = st.query_map(params![query, (limit * 2) as i64], |r| {
                            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?))
                        })?;
                        for row in rows {
                            let (section, json) = row?;
                            if hits.len() >= limit || !visible(source, section.as_deref()) {
                                continue;
                            }
                            let Ok(item) = serde_json::from_str::<MediaItem>(&json) else { continue };
                            if seen.insert(item.rating_key.clone()) {
                                hits.push(SearchHit { found: Found::Item(item), reason: None });
                            }
                        }
                    }
                    if !hits.is_empty() {
                        groups.push(SearchGroup { kind, hits });
                    }
                }
                if !groups.is_empty() {
                    answer.insert(source.clone(), groups);
                }
            }
            Ok(answer)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{ItemKind, SearchKind};

    fn titles(groups: &[SearchGroup]) -> Vec<(SearchKind, Vec<&str>)> {
        groups.iter().map(|g| (g.kind, g.hits.iter().map(|h| h.found.title()).collect())).collect()
    }

    #[test]
    fn what_was_typed_becomes_word_starts_that_must_all_match() {
        assert_eq!(match_expression("  Quiet sig "), Some("\"Quiet\"* AND \"sig\"*".into()));
        assert_eq!(match_expression("l'été"), Some("\"l\"* AND \"été\"*".into()));
        assert_eq!(match_expression("\"*()"), None, "nothing searchable, and no FTS syntax passes through");
    }

    #[test]
    fn saved_items_are_found_by_word_starts_case_and_accents_aside_and_hidden_ones_are_not() {
        let cache = LibraryCache::in_memory().unwrap();
        let movie = |key: &str, title: &str| MediaItem::new(key, ItemKind::Movie, title);
        let g = cache.begin_section_sync("s", "1").unwrap();
        let films = [movie("1", "The Quiet Signal"), movie("2", "Signal Été"), movie("3", "Harbor")];
        cache.put_section_page("s", "1", 0, &films, g).unwrap();
        cache.finish_section_sync("s", "1", 3, g).unwrap();
        let show = MediaItem::new("10", ItemKind::Show, "Lantern");
        cache.put_section_page("s", "2", 0, &[show], 1).unwrap();
        let season = MediaItem::new("11", ItemKind::Season, "Season 1");
        cache.put_children("s", "10", &[season]).unwrap();
        let episode = MediaItem {
            grandparent_title: Some("Lantern".into()),
            ..MediaItem::new("12", ItemKind::Episode, "Pilot")
        };
        cache.put_children("s", "11", &[episode]).unwrap();
        cache.put_section_page("t", "1", 0, &[movie("1", "SIGNALS")], 1).unwrap();

        let all = |_: &str, _: Option<&str>| true;
        let sources = ["s".to_string(), "t".to_string()];
        let found = cache.search(&sources, "sig", 10, all).unwrap();
        // In the order they were saved.
        assert_eq!(titles(&found["s"]), [(SearchKind::Movie, vec!["The Quiet Signal", "Signal Été"])]);
        assert_eq!(titles(&found["t"]), [(SearchKind::Movie, vec!["SIGNALS"])]);
        assert_eq!(titles(&cache.search(&sources, "ete", 10, all).unwrap()["s"]), [(SearchKind::Movie, vec!["Signal Été"])]);
        assert!(cache.search(&sources, "ignal", 10, all).unwrap().is_empty(), "the start of a word only");
        // An episode by its show's name; seasons are not searched.
        let lantern = cache.search(&sources, "lant", 10, all).unwrap();
        assert_eq!(titles(&lantern["s"]), [(SearchKind::Show, vec!["Lantern"]), (SearchKind::Episode, vec!["Pilot"])]);
        // The shows' library hidden: the episode goes with its show.
        let no_shows = |s: &str, section: Option<&str>| !(s == "s" && section == Some("2"));
        assert!(cache.search(&sources, "lant", 10, no_shows).unwrap().get("s").is_none_or(|g| g.is_empty()));
        // Changed and removed items are found as they are now.
        let g = cache.begin_section_sync("s", "1").unwrap();
        cache.put_section_page("s", "1", 0, &[movie("1", "Harbor Lights")], g).unwrap();
        cache.finish_section_sync("s", "1", 1, g).unwrap();
        assert_eq!(titles(&cache.search(&sources, "sig", 10, all).unwrap()["t"]), [(SearchKind::Movie, vec!["SIGNALS"])]);
        assert!(!cache.search(&sources, "sig", 10, all).unwrap().contains_key("s"));
        assert_eq!(titles(&cache.search(&sources, "harb li", 10, all).unwrap()["s"]), [(SearchKind::Movie, vec!["Harbor Lights"])]);
    }
}
