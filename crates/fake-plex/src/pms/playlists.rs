//! Playlists, as a Plex Media Server keeps them: listed (`/playlists`,
//! `playlistType=audio|video`), read with their items (each with its
//! `playlistItemID`), made from items (`POST /playlists?uri=server://…/library/metadata/{keys}&title=&type=`),
//! added to (`PUT /playlists/{id}/items?uri=`), items moved
//! (`…/items/{item}/move?after=`) and removed, and deleted. Every server
//! starts with one music playlist (its first tracks) so there is something
//! to show. Plain playlists only: no smart ones.

use super::{authorize, not_found, render, unauthorized, Pms};
use crate::library::Kind;
use crate::net::query_param;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Playlists' rating keys, apart from the library's items'.
const FIRST_PLAYLIST: u64 = 900_000;

pub struct Playlists {
    next_id: u64,
    next_item_id: u64,
    lists: BTreeMap<u64, Playlist>,
}

/// A playlist as tests see it: its id, title and entries as
/// (playlistItemID, `T`: where the item is).
#[derive(Debug, Clone, PartialEq)]
pub struct PlaylistView<T> {
    pub id: u64,
    pub title: String,
    pub entries: Vec<(u64, T)>,
}

struct Playlist {
    title: String,
    audio: bool,
    /// (playlistItemID, index into the library's items), in order.
    items: Vec<(u64, usize)>,
}

impl Playlists {
    /// A server's playlists at start: its first six tracks (as its music is
    /// listed: the first artist's first album on) as "Road Trip".
    pub fn seeded(lib: &crate::library::Library) -> Self {
        let mut me = Playlists { next_id: FIRST_PLAYLIST, next_item_id: 0, lists: BTreeMap::new() };
        let artists = lib.sections.iter().filter(|s| s.kind == Kind::Artist).flat_map(|s| s.roots.iter());
        let albums = artists.flat_map(|&a| lib.items[a].children.iter());
        let tracks: Vec<usize> = albums
            .flat_map(|&al| lib.items[al].children.iter().copied())
            .filter(|&i| lib.items[i].kind == Kind::Track)
            .take(6)
            .collect();
        if !tracks.is_empty() {
            me.make("Road Trip", true, tracks);
        }
        me
    }

    fn make(&mut self, title: &str, audio: bool, items: Vec<usize>) -> u64 {
        self.next_id += 1;
        let items = self.item_ids(items);
        self.lists.insert(self.next_id, Playlist { title: title.into(), audio, items });
        self.next_id
    }

    fn item_ids(&mut self, items: Vec<usize>) -> Vec<(u64, usize)> {
        items
            .into_iter()
            .map(|i| {
                self.next_item_id += 1;
                (self.next_item_id, i)
            })
            .collect()
    }

    /// Every playlist, in id order (what tests check); entries as
    /// (playlistItemID, index into the library's items).
    pub fn all(&self) -> Vec<PlaylistView<usize>> {
        self.lists
            .iter()
            .map(|(id, l)| PlaylistView { id: *id, title: l.title.clone(), entries: l.items.clone() })
            .collect()
    }

    /// The items of playlist `id` (library indices), in order: what a play queue of it plays.
    pub fn items_of(&self, id: u64) -> Option<Vec<usize>> {
        Some(self.lists.get(&id)?.items.iter().map(|&(_, i)| i).collect())
    }
}

fn playlist_json(p: &Pms, id: u64, list: &Playlist) -> Value {
    let lib = &p.server.library;
    let duration: u64 = list.items.iter().map(|&(_, i)| lib.items[i].duration_ms).sum();
    json!({
        "ratingKey": id.to_string(), "key": format!("/playlists/{id}/items"), "guid": format!("com.plexapp.agents.none://{id}"),
        "type": "playlist", "title": list.title, "summary": "", "smart": false,
        "playlistType": if list.audio { "audio" } else { "video" },
        "composite": format!("/playlists/{id}/composite/1700000000"),
        "leafCount": list.items.len(), "duration": duration, "addedAt": 1_700_000_000, "updatedAt": 1_700_000_000,
    })
}

fn bad_request(why: &str) -> Response {
    (StatusCode::BAD_REQUEST, why.to_string()).into_response()
}

/// What a `server://…` URI adds to a playlist: what its items play (an
/// album: its tracks), as a real server expands it.
fn items_of_uri(p: &Pms, uri: &str) -> Option<Vec<usize>> {
    let roots = super::play_queues::items_of_uri(p, uri)?;
    Some(roots.into_iter().flat_map(|r| super::play_queues::leaves(p, r)).collect())
}

/// `GET /playlists` (`playlistType=` narrows).
pub async fn list(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let kind = query_param(q.as_deref().unwrap_or(""), "playlistType");
    let Ok(all) = p.server.playlists.lock() else { return bad_request("busy") };
    let md: Vec<Value> = all
        .lists
        .iter()
        .filter(|(_, l)| kind.as_deref().is_none_or(|k| (k == "audio") == l.audio))
        .map(|(id, l)| playlist_json(&p, *id, l))
        .collect();
    render(c.json, json!({"MediaContainer": {"size": md.len(), "Metadata": md}}))
}

/// `GET /playlists/{id}/items`.
pub async fn items(State(p): State<Pms>, Path(id): Path<u64>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let Ok(all) = p.server.playlists.lock() else { return bad_request("busy") };
    match all.lists.get(&id) {
        Some(list) => render_items(&p, c.json, id, list),
        None => not_found(),
    }
}

fn render_items(p: &Pms, json: bool, id: u64, list: &Playlist) -> Response {
    let lib = &p.server.library;
    let md: Vec<Value> = list
        .items
        .iter()
        .map(|&(item_id, i)| {
            let mut v = lib.item_json(i, &|rk| p.server.watch_of(rk));
            if let Value::Object(m) = &mut v {
                m.insert("playlistItemID".into(), json!(item_id));
            }
            v
        })
        .collect();
    render(
        json,
        json!({"MediaContainer": {"size": md.len(), "ratingKey": id.to_string(), "title": list.title,
            "playlistType": if list.audio { "audio" } else { "video" }, "smart": false, "Metadata": md}}),
    )
}

/// `POST /playlists?uri=…&title=…&type=audio|video`: a new playlist of the items named.
pub async fn create(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let q = q.unwrap_or_default();
    let Some(title) = query_param(&q, "title").filter(|t| !t.trim().is_empty()) else {
        return bad_request("title is required");
    };
    if query_param(&q, "smart").as_deref() == Some("1") {
        return bad_request("smart playlists are not kept here");
    }
    let items = match query_param(&q, "uri") {
        Some(uri) => match items_of_uri(&p, &uri) {
            Some(items) => items,
            None => return bad_request("uri names no item of this server"),
        },
        None => Vec::new(),
    };
    let audio = query_param(&q, "type").as_deref() == Some("audio");
    let Ok(mut all) = p.server.playlists.lock() else { return bad_request("busy") };
    let id = all.make(&title, audio, items);
    let Some(list) = all.lists.get(&id) else { return not_found() };
    render(c.json, json!({"MediaContainer": {"size": 1, "Metadata": [playlist_json(&p, id, list)]}}))
}

/// Applies `change` to playlist `id` and answers with its items; `None`
/// from `change`: something it names is not there.
fn change(p: &Pms, json: bool, id: u64, change: impl FnOnce(&mut Playlists, u64) -> Option<()>) -> Response {
    let Ok(mut all) = p.server.playlists.lock() else { return bad_request("busy") };
    if !all.lists.contains_key(&id) || change(&mut all, id).is_none() {
        return not_found();
    }
    match all.lists.get(&id) {
        Some(list) => render_items(p, json, id, list),
        None => not_found(),
    }
}

/// `PUT /playlists/{id}/items?uri=…`: the items named, at the end.
pub async fn add(State(p): State<Pms>, Path(id): Path<u64>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let Some(items) = query_param(q.as_deref().unwrap_or(""), "uri").and_then(|u| items_of_uri(&p, &u)) else {
        return bad_request("uri names no item of this server");
    };
    change(&p, c.json, id, |all, id| {
        let new = all.item_ids(items);
        all.lists.get_mut(&id)?.items.extend(new);
        Some(())
    })
}

/// `DELETE /playlists/{id}/items/{item}`.
pub async fn remove_item(
    State(p): State<Pms>,
    Path((id, item)): Path<(u64, u64)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    change(&p, c.json, id, |all, id| super::entries::remove_entry(&mut all.lists.get_mut(&id)?.items, item).map(|_| ()))
}

/// `PUT /playlists/{id}/items/{item}/move?after={other}` (no `after`: to the top).
pub async fn move_item(
    State(p): State<Pms>,
    Path((id, item)): Path<(u64, u64)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let after = query_param(q.as_deref().unwrap_or(""), "after").and_then(|a| a.parse::<u64>().ok());
    change(&p, c.json, id, |all, id| super::entries::move_entry(&mut all.lists.get_mut(&id)?.items, item, after))
}

/// `DELETE /playlists/{id}`.
pub async fn delete(State(p): State<Pms>, Path(id): Path<u64>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let Ok(mut all) = p.server.playlists.lock() else { return bad_request("busy") };
    match all.lists.remove(&id) {
        Some(_) => StatusCode::OK.into_response(),
        None => not_found(),
    }
}
