//! Sorting and filtering a library as a Plex Media Server does: the sorts
//! and filters a section offers (`/library/sections/{key}/sorts`,
//! `…/filters`), each filter's values (`…/genre`, `…/year`, `…/decade`),
//! the first letters of its titles (`…/firstCharacters`), and `…/all`
//! narrowed and ordered by them (`sort=year:desc&unwatched=1&genre=102`).
//! [`browse`] is the one computation, for the routes and for tests.

use super::{authorize, not_found, render, unauthorized, Pms};
use crate::library::{genre_id, genres_of, now_unix, title_sort, Item, Kind, Library, Section, GENRES};
use crate::net::url_pairs;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The sorts a section offers: (key, title, default direction).
const SORTS: [(&str, &str, &str); 5] = [
    ("titleSort", "Title", "asc"),
    ("year", "Year", "desc"),
    ("addedAt", "Date Added", "desc"),
    ("lastViewedAt", "Date Viewed", "desc"),
    ("duration", "Duration", "desc"),
];

/// The filters a section offers: (filter, title, type).
const FILTERS: [(&str, &str, &str); 9] = [
    ("unwatched", "Unwatched", "boolean"),
    ("inProgress", "In Progress", "boolean"),
    ("genre", "Genre", "string"),
    ("year", "Year", "integer"),
    ("decade", "Decade", "integer"),
    ("resolution", "Resolution", "string"),
    ("hdr", "HDR", "boolean"),
    ("audioLanguage", "Audio Language", "string"),
    ("subtitleLanguage", "Subtitle Language", "string"),
];

/// A language's name as Plex shows it in the language filters.
fn language_title(code: &str) -> &'static str {
    match code {
        "en" => "English",
        "de" => "German",
        "fr" => "French",
        "es" => "Spanish",
        _ => "Unknown",
    }
}

/// A picture size's name as Plex shows it in the Resolution filter.
fn resolution_title(key: &str) -> String {
    match key {
        "4k" => "4K".into(),
        "sd" => "SD".into(),
        other => format!("{other}p"),
    }
}

/// How a listing is narrowed and ordered, read from a request's query.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Browse {
    /// A sort key and whether it goes down.
    pub sort: Option<(String, bool)>,
    pub unwatched: bool,
    pub in_progress: bool,
    pub genre: Option<u32>,
    pub year: Option<u32>,
    pub decade: Option<u32>,
    pub resolution: Option<String>,
    /// Added at or after this moment (`addedAt>>=`), in Unix seconds.
    pub added_after: Option<i64>,
    /// The kind listed (`type=9`: a music library's albums), when not the
    /// section's own.
    pub kind: Option<u32>,
    pub hdr: bool,
    pub audio_language: Option<String>,
    pub subtitle_language: Option<String>,
}

/// A date as Plex's media queries take it: Unix seconds, or relative to
/// now (`-7d`; units s, m, h, d, w, mon, y).
fn plex_date(v: &str, now: i64) -> Option<i64> {
    let Some(ago) = v.strip_prefix('-') else { return v.parse().ok() };
    let split = ago.find(|c: char| !c.is_ascii_digit())?;
    let (n, unit) = ago.split_at(split);
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        "mon" => 30 * 86_400,
        "y" => 365 * 86_400,
        _ => return None,
    };
    Some(now - n.parse::<i64>().ok()? * seconds)
}

impl Browse {
    pub fn from_query(q: &str) -> Self {
        let mut b = Browse::default();
        for (k, v) in url_pairs(q) {
            match k.as_str() {
                "sort" => {
                    let (key, dir) = v.split_once(':').unwrap_or((&v, "asc"));
                    b.sort = Some((key.to_string(), dir == "desc"));
                }
                "unwatched" => b.unwatched = v == "1",
                "inProgress" => b.in_progress = v == "1",
                "genre" => b.genre = v.parse().ok(),
                "year" => b.year = v.parse().ok(),
                "decade" => b.decade = v.parse().ok(),
                "resolution" => b.resolution = Some(v.to_string()),
                "addedAt>>" => b.added_after = plex_date(&v, now_unix()),
                "type" => b.kind = v.parse().ok(),
                "hdr" => b.hdr = v == "1",
                "audioLanguage" => b.audio_language = Some(v.to_string()),
                "subtitleLanguage" => b.subtitle_language = Some(v.to_string()),
                _ => {}
            }
        }
        b
    }
}

/// What section `s` lists before `b` narrows and orders it: its own top
/// level, or every item in it of the kind `b` asks for (`type=9`: a music
/// library's albums).
pub fn candidates(lib: &Library, s: &Section, b: &Browse) -> Vec<usize> {
    match b.kind {
        Some(t) if t != s.kind.number() => {
            (0..lib.items.len()).filter(|&i| lib.items[i].section == s.key && lib.items[i].kind.number() == t).collect()
        }
        _ => s.roots.clone(),
    }
}

/// `roots` (indices of `lib`'s items) narrowed and ordered as `b` asks;
/// `watch` gives an item's (views, offset). Ties keep the title order.
pub fn browse(lib: &Library, roots: &[usize], watch: &HashMap<u64, (u32, u64)>, b: &Browse) -> Vec<usize> {
    let watched = |it: &Item| watch.get(&it.rating_key).copied().unwrap_or_default();
    let mut out: Vec<usize> = roots
        .iter()
        .copied()
        .filter(|&i| {
            let it = &lib.items[i];
            let (views, offset) = watched(it);
            (!b.unwatched || unwatched(lib, i, watch))
                && (!b.in_progress || (views == 0 && offset > 0))
                && b.genre.is_none_or(|g| genres_of(it).iter().any(|n| genre_id(n) == g))
                && b.year.is_none_or(|y| it.year == y)
                && b.decade.is_none_or(|d| it.year / 10 * 10 == d)
                && b.resolution.as_deref().is_none_or(|r| lib.video_resolution(it) == Some(r))
                && b.added_after.is_none_or(|t| it.added_at >= t)
                && (!b.hdr || any_leaf(lib, i, &|leaf| lib.hdr(leaf)))
                && b.audio_language
                    .as_deref()
                    .is_none_or(|l| any_leaf(lib, i, &|leaf| lib.languages(leaf).0.contains(&l)))
                && b.subtitle_language
                    .as_deref()
                    .is_none_or(|l| any_leaf(lib, i, &|leaf| lib.languages(leaf).1.contains(&l)))
        })
        .collect();
    let key = |i: usize| -> (i64, String) {
        let it = &lib.items[i];
        let n = match b.sort.as_ref().map(|(k, _)| k.as_str()) {
            Some("year") => i64::from(it.year),
            Some("addedAt") => it.added_at,
            Some("lastViewedAt") => last_viewed(watched(it)),
            Some("duration") => it.duration_ms as i64,
            _ => 0,
        };
        (n, title_sort(&it.title).to_lowercase())
    };
    let down = b.sort.as_ref().is_some_and(|(_, d)| *d);
    let by_title = matches!(b.sort.as_ref().map(|(k, _)| k.as_str()), None | Some("titleSort"));
    out.sort_by(|&x, &y| {
        let ((nx, tx), (ny, ty)) = (key(x), key(y));
        let primary = if by_title { tx.cmp(&ty) } else { nx.cmp(&ny) };
        let primary = if down { primary.reverse() } else { primary };
        primary.then_with(|| if by_title { Ordering::Equal } else { tx.cmp(&ty) })
    });
    out
}

/// When a watched item was last watched (fake-plex's one moment), or never.
pub fn last_viewed((views, _): (u32, u64)) -> i64 {
    if views > 0 {
        1_700_100_000
    } else {
        0
    }
}

/// The films or episodes item `i` is or holds.
fn leaves(lib: &Library, i: usize) -> Vec<&Item> {
    let it = &lib.items[i];
    if it.children.is_empty() {
        return vec![it];
    }
    it.children.iter().flat_map(|&c| leaves(lib, c)).collect()
}

/// Whether item `i` (a film or episode), or any under it (a show's
/// episodes), has what `has` looks for.
fn any_leaf(lib: &Library, i: usize, has: &dyn Fn(&Item) -> bool) -> bool {
    let it = &lib.items[i];
    if it.children.is_empty() {
        return has(it);
    }
    it.children.iter().any(|&c| any_leaf(lib, c, has))
}

/// Not watched: a film or episode never played to the end; a show or
/// season with an episode that was not.
fn unwatched(lib: &Library, i: usize, watch: &HashMap<u64, (u32, u64)>) -> bool {
    let it = &lib.items[i];
    if it.children.is_empty() {
        return watch.get(&it.rating_key).is_none_or(|(views, _)| *views == 0);
    }
    it.children.iter().any(|&c| unwatched(lib, c, watch))
}

fn section_of<'a>(p: &'a Pms, key: &str) -> Option<&'a crate::library::Section> {
    p.server.library.section(key).filter(|s| matches!(s.kind, Kind::Movie | Kind::Show | Kind::Artist))
}

/// A section's list of `Directory` entries, made by `make` from the
/// section's key, for a client with access.
fn directories(
    p: &Pms,
    key: &str,
    headers: &HeaderMap,
    q: &Option<String>,
    make: impl Fn(&str) -> Vec<Value>,
) -> Response {
    let Some(c) = authorize(p, headers, q) else { return unauthorized() };
    if section_of(p, key).is_none() {
        return not_found();
    }
    let dirs = make(key);
    render(c.json, json!({"MediaContainer": {"size": dirs.len(), "Directory": dirs}}))
}

/// `GET /library/sections/{key}/sorts`.
pub async fn sorts(
    State(p): State<Pms>,
    Path(key): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    directories(&p, &key, &headers, &q, |_| {
        SORTS
            .iter()
            .map(|(k, title, dir)| {
                json!({"key": k, "descKey": format!("{k}:desc"), "title": title, "defaultDirection": dir,
                       "type": "sort", "default": if *k == "titleSort" { "asc" } else { "" }})
            })
            .collect()
    })
}

/// `GET /library/sections/{key}/filters`.
pub async fn filters(
    State(p): State<Pms>,
    Path(key): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    directories(&p, &key, &headers, &q, |key| {
        FILTERS
            .iter()
            .map(|(f, title, ty)| {
                json!({"filter": f, "filterType": ty, "key": format!("/library/sections/{key}/{f}"),
                       "title": title, "type": "filter"})
            })
            .collect()
    })
}

/// `GET /library/sections/{key}/{filter}`: a filter's values (genre, year, decade).
pub async fn values(
    State(p): State<Pms>,
    Path((key, filter)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else { return unauthorized() };
    let Some(s) = section_of(&p, &key) else { return not_found() };
    let lib = &p.server.library;
    let listed = candidates(lib, s, &Browse::from_query(q.as_deref().unwrap_or_default()));
    let items = listed.iter().map(|&i| &lib.items[i]);
    let values: BTreeMap<String, String> = match filter.as_str() {
        "genre" => items
            .flat_map(genres_of)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .map(|g| (genre_id(g).to_string(), g.to_string()))
            .collect(),
        "year" => items.filter(|it| it.year > 0).map(|it| (it.year.to_string(), it.year.to_string())).collect(),
        "decade" => items
            .filter(|it| it.year > 0)
            .map(|it| it.year / 10 * 10)
            .map(|d| (d.to_string(), format!("{d}s")))
            .collect(),
        "resolution" => {
            items.filter_map(|it| lib.video_resolution(it)).map(|r| (r.to_string(), resolution_title(r))).collect()
        }
        "audioLanguage" | "subtitleLanguage" => listed
            .iter()
            .flat_map(|&i| leaves(lib, i))
            .flat_map(|leaf| {
                let (audio, subtitles) = lib.languages(leaf);
                if filter == "audioLanguage" {
                    audio
                } else {
                    subtitles
                }
            })
            .map(|code| (code.to_string(), language_title(code).to_string()))
            .collect(),
        _ => return not_found(),
    };
    let dirs: Vec<Value> = values
        .into_iter()
        .map(|(k, title)| {
            json!({"key": k, "title": title, "fastKey": format!("/library/sections/{key}/all?{filter}={k}")})
        })
        .collect();
    render(c.json, json!({"MediaContainer": {"size": dirs.len(), "Directory": dirs}}))
}

/// `GET /library/sections/{key}/firstCharacters`: each first letter of the
/// sort titles the query's filters leave, with how many start with it, in
/// title order ("#" for what starts with no letter).
pub async fn first_characters(
    State(p): State<Pms>,
    Path(key): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else { return unauthorized() };
    let Some(s) = section_of(&p, &key) else { return not_found() };
    let lib = &p.server.library;
    let b = Browse { sort: None, ..Browse::from_query(q.as_deref().unwrap_or_default()) };
    let watch = p.server.watch.lock().map(|w| w.clone()).unwrap_or_default();
    let mut counts: Vec<(String, usize)> = Vec::new();
    for i in browse(lib, &candidates(lib, s, &b), &watch, &b) {
        let first = title_sort(&lib.items[i].title).chars().next().map(|c| c.to_uppercase().to_string());
        let first = first.filter(|c| c.chars().all(char::is_alphabetic)).unwrap_or_else(|| "#".into());
        match counts.iter_mut().find(|(k, _)| *k == first) {
            Some((_, n)) => *n += 1,
            None => counts.push((first, 1)),
        }
    }
    let dirs: Vec<Value> = counts.into_iter().map(|(k, n)| json!({"key": k, "title": k, "size": n})).collect();
    render(c.json, json!({"MediaContainer": {"size": dirs.len(), "Directory": dirs}}))
}

/// The genres' names, for tests that pick one.
pub fn genre_names() -> &'static [&'static str] {
    &GENRES
}
