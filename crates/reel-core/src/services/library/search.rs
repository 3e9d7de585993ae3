//! Searching what Reel saved, with no server: a full-text index (SQLite
//! FTS5) over every saved item's titles (its own, its season's or album's,
//! its show's or artist's) and summary, kept in step with the items table
//! by triggers, so every way an item is saved or removed keeps it right.
//! Case and accents are folded; every word typed matches the start of a
//! word ("sig" finds "Signal").

use super::cache::{db_err, LibraryCache};
use crate::error::Result;
use crate::models::{grouped, Found, MediaItem, SearchGroup, SearchHit};
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// The words an item is found by, read from its saved JSON: titles weigh
/// more than the names of what holds it, which weigh more than its summary.
const COLUMNS: &str = "json_extract(new.json, '$.title'),
    coalesce(json_extract(new.json, '$.parent_title'), '') || ' ' || coalesce(json_extract(new.json, '$.grandparent_title'), ''),
    coalesce(json_extract(new.json, '$.summary'), '')";
const WEIGHTS: &str = "bm25(items_fts, 10.0, 3.0, 1.0)";

/// Makes the index and its triggers, and fills it from a cache made before
/// it existed.
pub(super) fn prepare(conn: &Connection) -> Result<()> {
    let existed: bool = conn
        .prepare("SELECT 1 FROM sqlite_master WHERE name = 'items_fts'")
        .and_then(|mut st| st.exists([]))
        .map_err(db_err)?;
    let sql = format!(
        "CREATE VIRTUAL TABLE IF NOT EXISTS items_fts USING fts5(
            title, context, summary, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3');
        CREATE TRIGGER IF NOT EXISTS items_fts_insert AFTER INSERT ON items BEGIN
            INSERT INTO items_fts (rowid, title, context, summary) VALUES (new.rowid, {COLUMNS});
        END;
        CREATE TRIGGER IF NOT EXISTS items_fts_update AFTER UPDATE OF json ON items BEGIN
            DELETE FROM items_fts WHERE rowid = old.rowid;
            INSERT INTO items_fts (rowid, title, context, summary) VALUES (new.rowid, {COLUMNS});
        END;
        CREATE TRIGGER IF NOT EXISTS items_fts_delete AFTER DELETE ON items BEGIN
            DELETE FROM items_fts WHERE rowid = old.rowid;
        END;"
    );
    conn.execute_batch(&sql).map_err(db_err)?;
    if !existed {
        let fill = format!(
            "INSERT INTO items_fts (rowid, title, context, summary) SELECT new.rowid, {COLUMNS} FROM items AS new"
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

/// How many of the best matches are read before they are grouped: enough
/// for every group to fill when one kind dominates.
const CANDIDATES: usize = 400;

impl LibraryCache {
    /// What the saved items of each server say about `typed`: grouped by
    /// kind, best first, at most `limit` a group; items of a library
    /// `visible` says no to are left out. `visible` gets the server's id and
    /// the library's key (None when not known).
    pub fn search(
        &self,
        typed: &str,
        limit: usize,
        visible: impl Fn(&str, Option<&str>) -> bool,
    ) -> Result<HashMap<String, Vec<SearchGroup>>> {
        let Some(expression) = match_expression(typed) else { return Ok(HashMap::new()) };
        // The library of an episode or track is its show's or artist's: two
        // steps up the items it was listed under.
        let sql = format!(
            "SELECT i.source_id, coalesce(i.section_key, p.section_key, g.section_key), i.json
             FROM items_fts
             JOIN items i ON i.rowid = items_fts.rowid
             LEFT JOIN items p ON p.source_id = i.source_id AND p.rating_key = i.parent_key
             LEFT JOIN items g ON g.source_id = p.source_id AND g.rating_key = p.parent_key
             WHERE items_fts MATCH ?1
             ORDER BY {WEIGHTS}
             LIMIT ?2"
        );
        let rows: Vec<(String, Option<String>, String)> = self.with(|c| {
            let mut st = c.prepare_cached(&sql)?;
            let rows = st.query_map(params![expression, CANDIDATES as i64], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })?;
        let mut by_source: HashMap<String, Vec<SearchHit>> = HashMap::new();
        for (source_id, section, json) in rows {
            if !visible(&source_id, section.as_deref()) {
                continue;
            }
            let Ok(item) = serde_json::from_str::<MediaItem>(&json) else { continue };
            by_source.entry(source_id).or_default().push(SearchHit { found: Found::Item(item), reason: None });
        }
        Ok(by_source.into_iter().map(|(source, hits)| (source, grouped(hits, limit))).collect())
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
        let found = cache.search("sig", 10, all).unwrap();
        // Best first: the word weighs more in the shorter title.
        assert_eq!(titles(&found["s"]), [(SearchKind::Movie, vec!["Signal Été", "The Quiet Signal"])]);
        assert_eq!(titles(&found["t"]), [(SearchKind::Movie, vec!["SIGNALS"])]);
        assert_eq!(titles(&cache.search("ete", 10, all).unwrap()["s"]), [(SearchKind::Movie, vec!["Signal Été"])]);
        assert!(cache.search("ignal", 10, all).unwrap().is_empty(), "the start of a word only");
        // An episode by its show's name; seasons are not searched.
        let lantern = cache.search("lant", 10, all).unwrap();
        assert_eq!(titles(&lantern["s"]), [(SearchKind::Show, vec!["Lantern"]), (SearchKind::Episode, vec!["Pilot"])]);
        // The shows' library hidden: the episode goes with its show.
        let no_shows = |s: &str, section: Option<&str>| !(s == "s" && section == Some("2"));
        assert!(cache.search("lant", 10, no_shows).unwrap().get("s").is_none_or(|g| g.is_empty()));
        // Changed and removed items are found as they are now.
        let g = cache.begin_section_sync("s", "1").unwrap();
        cache.put_section_page("s", "1", 0, &[movie("1", "Harbor Lights")], g).unwrap();
        cache.finish_section_sync("s", "1", 1, g).unwrap();
        assert_eq!(titles(&cache.search("sig", 10, all).unwrap()["t"]), [(SearchKind::Movie, vec!["SIGNALS"])]);
        assert!(!cache.search("sig", 10, all).unwrap().contains_key("s"));
        assert_eq!(titles(&cache.search("harb li", 10, all).unwrap()["s"]), [(SearchKind::Movie, vec!["Harbor Lights"])]);
    }
}
