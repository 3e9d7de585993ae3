//! Collections, as a Plex Media Server shows them: every library with two
//! or more top-level items has one holding its first three (films,
//! shows or artists), listed at `/library/sections/{key}/collections` and
//! read at `/library/collections/{id}/children`; a play queue made of
//! `…/library/collections/{id}/children` plays what its items play. They
//! follow from the library, so they need no state of their own.

use super::{authorize, container, not_found, render, unauthorized, Pms};
use crate::library::{Kind, Library};
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

/// Collections' rating keys: this plus their library's key.
const FIRST_COLLECTION: u64 = 800_000;
const SIZE: usize = 3;

/// A collection's title, by what its library holds.
fn title_for(kind: Kind) -> &'static str {
    match kind {
        Kind::Show => "Comfort Shows",
        Kind::Artist => "Essentials",
        _ => "Favourites",
    }
}

/// The items (library indices) of collection `id`, with its library's key.
pub fn items_of(lib: &Library, id: u64) -> Option<(u32, Vec<usize>)> {
    let key = u32::try_from(id.checked_sub(FIRST_COLLECTION)?).ok()?;
    let section = lib.sections.iter().find(|s| s.key == key)?;
    (section.roots.len() >= 2).then(|| (key, section.roots.iter().take(SIZE).copied().collect()))
}

fn collection_json(p: &Pms, section_key: u32, items: &[usize]) -> Value {
    let lib = &p.server.library;
    let id = FIRST_COLLECTION + u64::from(section_key);
    let kind = items.first().map_or(Kind::Movie, |&i| lib.items[i].kind);
    // Its picture: its first item's poster, as a server with no custom art shows it.
    let thumb = items.first().map(|&i| format!("/library/metadata/{}/thumb/1700000000", lib.items[i].rating_key));
    json!({
        "ratingKey": id.to_string(), "key": format!("/library/collections/{id}/children"),
        "guid": format!("collection://{id}"), "type": "collection", "title": title_for(kind),
        "subtype": kind.name(), "librarySectionID": section_key, "childCount": items.len(),
        "thumb": thumb, "addedAt": 1_700_000_000, "updatedAt": 1_700_000_000,
    })
}

/// Every collection of the server, as listed.
pub fn all(p: &Pms) -> Vec<Value> {
    let lib = &p.server.library;
    if p.server.spec.library.no_collections {
        return Vec::new();
    }
    lib.sections
        .iter()
        .filter_map(|s| items_of(lib, FIRST_COLLECTION + u64::from(s.key)))
        .map(|(key, items)| collection_json(p, key, &items))
        .collect()
}

/// `GET /library/sections/{key}/collections`.
pub async fn list(State(p): State<Pms>, Path(key): Path<u32>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let lib = &p.server.library;
    if p.server.spec.library.no_collections || !lib.sections.iter().any(|s| s.key == key) {
        return not_found();
    }
    let md: Vec<Value> = items_of(lib, FIRST_COLLECTION + u64::from(key))
        .map(|(key, items)| collection_json(&p, key, &items))
        .into_iter()
        .collect();
    render(c.json, json!({"MediaContainer": {"size": md.len(), "librarySectionID": key, "Metadata": md}}))
}

/// `GET /library/collections/{id}/children`.
pub async fn children(
    State(p): State<Pms>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    match items_of(&p.server.library, id) {
        Some((_, items)) => container(&p, c.json, items, json!({"key": id.to_string()})),
        None => not_found(),
    }
}
