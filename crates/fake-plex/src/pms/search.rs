//! Search, as a Plex Media Server answers `GET /hubs/search?query=…&limit=…`:
//! one hub a kind (movies, shows, episodes, artists, albums, tracks,
//! collections), each holding at most `limit` items. An item is found when
//! a word of its title starts with the query, or its title holds the whole
//! query, case aside; an album or track is also found through its artist,
//! a film, show or episode through someone in its cast, marked with the
//! `reason` real servers give such a hit.

use super::{authorize, collections, render, unauthorized, Pms};
use crate::library::{Kind, Library};
use crate::net::query_param;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// The hubs in the order a server lists them.
const HUBS: [(Kind, &str, &str); 6] = [
    (Kind::Movie, "movie", "Movies"),
    (Kind::Show, "show", "Shows"),
    (Kind::Episode, "episode", "Episodes"),
    (Kind::Artist, "artist", "Artists"),
    (Kind::Album, "album", "Albums"),
    (Kind::Track, "track", "Tracks"),
];

/// Whether `title` is found by `query` (both already lower case).
pub fn title_matches(title: &str, query: &str) -> bool {
    let title = title.to_lowercase();
    !query.is_empty() && (title.contains(query) || title.split_whitespace().any(|w| w.starts_with(query)))
}

/// One item found: its index in the library, and what it was found
/// through, if not its title.
pub type Hit = (usize, Option<Through>);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Through {
    /// The artist (its index) an album or track is by.
    Artist(usize),
    /// Someone (a person of [`crate::people`]) in its cast.
    Actor(usize),
}

/// What a search for `query` finds in `lib`, by kind, in library order.
pub fn find(lib: &Library, query: &str) -> Vec<(Kind, Vec<Hit>)> {
    let query = query.trim().to_lowercase();
    HUBS.iter()
        .map(|&(kind, _, _)| {
            let hits = (0..lib.items.len())
                .filter(|&i| lib.items[i].kind == kind)
                .filter_map(|i| {
                    if title_matches(&lib.items[i].title, &query) {
                        return Some((i, None));
                    }
                    if let Some(artist) = artist_of(lib, i) {
                        return title_matches(&lib.items[artist].title, &query)
                            .then_some((i, Some(Through::Artist(artist))));
                    }
                    let actor = crate::people::cast_of(&lib.items[i])
                        .into_iter()
                        .find(|&p| title_matches(&crate::people::person(p).0, &query))?;
                    Some((i, Some(Through::Actor(actor))))
                })
                .collect();
            (kind, hits)
        })
        .collect()
}

/// The artist an album or track is by.
fn artist_of(lib: &Library, i: usize) -> Option<usize> {
    match lib.items[i].kind {
        Kind::Album => lib.items[i].parent,
        Kind::Track => lib.items[i].parent.and_then(|album| lib.items[album].parent),
        _ => None,
    }
}

/// `GET /hubs/search`.
pub async fn hubs(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let q = q.unwrap_or_default();
    let Some(query) = query_param(&q, "query") else {
        return (StatusCode::BAD_REQUEST, "query is required").into_response();
    };
    let limit = query_param(&q, "limit").and_then(|l| l.parse::<usize>().ok()).unwrap_or(10);
    let lib = &p.server.library;
    let mut hubs: Vec<Value> = find(lib, &query)
        .into_iter()
        .zip(HUBS)
        .map(|((_, hits), (_, id, title))| {
            let md: Vec<Value> = hits
                .iter()
                .take(limit)
                .map(|&(i, through)| {
                    let mut m = lib.item_json(i, &|rk| p.server.watch_of(rk));
                    let reason = match through {
                        Some(Through::Artist(a)) => {
                            Some(("artist", lib.items[a].title.clone(), lib.items[a].rating_key))
                        }
                        Some(Through::Actor(p)) => {
                            let (name, id) = crate::people::person(p);
                            Some(("actor", name, id))
                        }
                        None => None,
                    };
                    if let (Some((why, title, id)), Some(obj)) = (reason, m.as_object_mut()) {
                        obj.insert("reason".into(), json!(why));
                        obj.insert("reasonTitle".into(), json!(title));
                        obj.insert("reasonID".into(), json!(id));
                    }
                    m
                })
                .collect();
            hub(id, title, md, hits.len() > limit)
        })
        .collect();
    let wanted = query.trim().to_lowercase();
    let found: Vec<Value> = collections::all(&p)
        .into_iter()
        .filter(|c| c["title"].as_str().is_some_and(|t| title_matches(t, &wanted)))
        .take(limit)
        .collect();
    hubs.push(hub("collection", "Collections", found, false));
    render(
        c.json,
        json!({"MediaContainer": {"size": hubs.len(), "identifier": "com.plexapp.plugins.library", "Hub": hubs}}),
    )
}

fn hub(id: &str, title: &str, md: Vec<Value>, more: bool) -> Value {
    json!({"hubIdentifier": id, "title": title, "type": id, "hubKey": format!("/hubs/search/{id}"),
           "size": md.len(), "more": more, "style": "shelf", "Metadata": md})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_start_or_the_whole_query_in_the_title_case_aside() {
        assert!(title_matches("The Quiet Signal 1", "sig"));
        assert!(title_matches("The Quiet Signal 1", "quiet signal"));
        assert!(title_matches("The Quiet Signal 1", "ignal"), "held whole in the title");
        assert!(!title_matches("The Quiet Signal 1", "harbor"));
        assert!(!title_matches("The Quiet Signal 1", ""), "an empty query finds nothing");
    }
}
