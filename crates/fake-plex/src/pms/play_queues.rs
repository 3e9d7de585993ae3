//! Play queues, as a Plex Media Server keeps them: made from an item's
//! playable leaves (`POST /playQueues?uri=server://{machine}/com.plexapp.plugins.library/library/metadata/{key}`,
//! `key=` the one to start at, `shuffle=1`), read back, items moved,
//! removed, or added after the playing one (`next=1`) or at the end. Every
//! change bumps the queue's version, as the server's does.

use super::{authorize, not_found, render, unauthorized, Pms};
use crate::net::query_param;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::HashMap;

const LIBRARY: &str = "com.plexapp.plugins.library";

#[derive(Default)]
pub struct PlayQueues {
    next_id: u64,
    next_item_id: u64,
    queues: HashMap<u64, Queue>,
}

struct Queue {
    /// (playQueueItemID, index into the library's items), in play order.
    items: Vec<(u64, usize)>,
    selected: u64,
    shuffled: bool,
    source_uri: String,
    version: u32,
}

impl PlayQueues {
    /// The newest queue: its id and its entries as (playQueueItemID, index
    /// into the library's items), in play order (what tests check).
    pub fn newest(&self) -> Option<(u64, Vec<(u64, usize)>)> {
        let id = *self.queues.keys().max()?;
        Some((id, self.queues.get(&id)?.items.clone()))
    }

    fn item_ids(&mut self, leaves: Vec<usize>) -> Vec<(u64, usize)> {
        leaves
            .into_iter()
            .map(|i| {
                self.next_item_id += 1;
                (self.next_item_id, i)
            })
            .collect()
    }
}

/// The library items a `server://…/library/metadata/{k1,k2,…}` or
/// `…/library/collections/{id}/children` URI names, if they are this server's.
pub(super) fn items_of_uri(p: &Pms, uri: &str) -> Option<Vec<usize>> {
    let rest = uri.strip_prefix("server://")?;
    let (machine, path) = rest.split_once('/')?;
    if machine != p.server.machine_id {
        return None;
    }
    let path = path.strip_prefix(LIBRARY)?;
    if let Some(keys) = path.strip_prefix("/library/metadata/") {
        return keys.split(',').map(|k| super::item_index(p, k)).collect();
    }
    let id = path.strip_prefix("/library/collections/")?.strip_suffix("/children")?.parse().ok()?;
    super::collections::items_of(&p.server.library, id).map(|(_, items)| items)
}

/// What playing an item plays: itself when it is a track, an episode or a
/// movie, else every such item under it, in order.
pub(super) fn leaves(p: &Pms, i: usize) -> Vec<usize> {
    let lib = &p.server.library;
    if lib.items[i].children.is_empty() {
        return vec![i];
    }
    lib.items[i].children.iter().flat_map(|&c| leaves(p, c)).collect()
}

fn render_queue(p: &Pms, json: bool, id: u64, q: &Queue) -> Response {
    let lib = &p.server.library;
    let md: Vec<Value> = q
        .items
        .iter()
        .map(|&(item_id, i)| {
            let mut v = lib.item_json(i, &|rk| p.server.watch_of(rk));
            if let Value::Object(m) = &mut v {
                m.insert("playQueueItemID".into(), json!(item_id));
            }
            v
        })
        .collect();
    let offset = q.items.iter().position(|&(item_id, _)| item_id == q.selected).unwrap_or(0);
    let selected_key = q.items.get(offset).map(|&(_, i)| lib.items[i].rating_key.to_string());
    render(
        json,
        json!({"MediaContainer": {
            "size": md.len(), "identifier": LIBRARY, "mediaTagPrefix": "/system/bundle/media/flags/",
            "playQueueID": id, "playQueueSelectedItemID": q.selected,
            "playQueueSelectedItemOffset": offset, "playQueueSelectedMetadataItemID": selected_key,
            "playQueueShuffled": q.shuffled, "playQueueSourceURI": q.source_uri,
            "playQueueTotalCount": md.len(), "playQueueVersion": q.version, "Metadata": md}}),
    )
}

fn bad_request(why: &str) -> Response {
    (StatusCode::BAD_REQUEST, why.to_string()).into_response()
}

/// A shuffle that differs from the order and is the same every run (tests
/// compare it with the order, not with chance).
fn shuffle(items: &mut [(u64, usize)]) {
    items.sort_by_key(|&(id, i)| (id.wrapping_mul(2_654_435_761) ^ i as u64) % 1_000_003);
}

pub async fn create(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let q = q.unwrap_or_default();
    // A playlist's items (`playlistID=`), or what an item plays (`uri=`).
    let (uri, leaves) = match query_param(&q, "playlistID").and_then(|id| id.parse::<u64>().ok()) {
        Some(id) => match p.server.playlists.lock().ok().and_then(|l| l.items_of(id)) {
            Some(items) => (format!("library://playlist/{id}"), items),
            None => return not_found(),
        },
        None => {
            let Some(uri) = query_param(&q, "uri") else {
                return bad_request("uri or playlistID is required");
            };
            let Some(roots) = items_of_uri(&p, &uri) else {
                return bad_request("uri names no item of this server");
            };
            let leaves = roots.into_iter().flat_map(|r| leaves(&p, r)).collect();
            (uri, leaves)
        }
    };
    let start = query_param(&q, "key")
        .and_then(|k| k.strip_prefix("/library/metadata/").and_then(|k| super::item_index(&p, k)))
        .filter(|i| leaves.contains(i));
    let shuffled = query_param(&q, "shuffle").as_deref() == Some("1");
    let Ok(mut all) = p.server.play_queues.lock() else {
        return bad_request("busy");
    };
    let mut items = all.item_ids(leaves);
    if shuffled {
        shuffle(&mut items);
    }
    // The item asked to start at plays first; the rest follow as they come.
    let selected = start.and_then(|s| items.iter().find(|&&(_, i)| i == s)).or(items.first()).map_or(0, |&(id, _)| id);
    all.next_id += 1;
    let id = all.next_id;
    let queue = Queue { items, selected, shuffled, source_uri: uri, version: 1 };
    let r = render_queue(&p, c.json, id, &queue);
    all.queues.insert(id, queue);
    r
}

pub async fn get_queue(
    State(p): State<Pms>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let Ok(all) = p.server.play_queues.lock() else {
        return bad_request("busy");
    };
    match all.queues.get(&id) {
        Some(queue) => render_queue(&p, c.json, id, queue),
        None => not_found(),
    }
}

/// Applies `change` to queue `id` and answers with the queue (its version
/// one up); `None` from `change`: something it names is not there.
fn change_queue(p: &Pms, json: bool, id: u64, change: impl FnOnce(&mut Queue) -> Option<()>) -> Response {
    let Ok(mut all) = p.server.play_queues.lock() else {
        return bad_request("busy");
    };
    let Some(queue) = all.queues.get_mut(&id) else {
        return not_found();
    };
    if change(queue).is_none() {
        return not_found();
    }
    queue.version += 1;
    render_queue(p, json, id, queue)
}

/// `PUT /playQueues/{id}?uri=…&next=1`: the item's leaves after the one
/// playing (`next=1`) or at the end.
pub async fn add(State(p): State<Pms>, Path(id): Path<u64>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let q = q.unwrap_or_default();
    let Some(roots) = query_param(&q, "uri").and_then(|u| items_of_uri(&p, &u)) else {
        return bad_request("uri names no item of this server");
    };
    let leaves = roots.into_iter().flat_map(|r| leaves(&p, r)).collect();
    let Ok(new) = p.server.play_queues.lock().map(|mut all| all.item_ids(leaves)) else {
        return bad_request("busy");
    };
    let next = query_param(&q, "next").as_deref() == Some("1");
    change_queue(&p, c.json, id, |queue| {
        let at = match next {
            true => queue.items.iter().position(|&(i, _)| i == queue.selected).map_or(0, |p| p + 1),
            false => queue.items.len(),
        };
        queue.items.splice(at..at, new);
        Some(())
    })
}

/// `PUT /playQueues/{id}/items/{item}/move?after={other}` (no `after`: first).
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
    change_queue(&p, c.json, id, |queue| super::entries::move_entry(&mut queue.items, item, after))
}

pub async fn remove_item(
    State(p): State<Pms>,
    Path((id, item)): Path<(u64, u64)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    change_queue(&p, c.json, id, |queue| {
        let at = super::entries::remove_entry(&mut queue.items, item)?;
        if queue.selected == item {
            // The one after it plays now (or the one before, at the end).
            queue.selected = queue.items.get(at).or(queue.items.last()).map_or(0, |&(i, _)| i);
        }
        Some(())
    })
}
