//! A Plex Media Server: identity, sections, paged items, metadata, children,
//! hubs, on deck, timeline/scrobble and posters, in JSON or XML.

use crate::library::Kind;
use crate::net::{query_param, token_of, wants_json};
use crate::state::{ServerState, Shared};
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use std::sync::Arc;

pub mod browse;
pub mod collections;
pub mod download_queue;
mod entries;
mod media_routes;
pub mod play_queues;
pub mod playlists;
pub mod search;
use media_routes::{
    choose_streams, part_file, prefs, transcode_decision, transcode_segment, transcode_start, transcode_stop,
};

#[derive(Clone)]
pub struct Pms {
    pub server: Arc<ServerState>,
    pub shared: Arc<Shared>,
}

pub fn render(json: bool, v: Value) -> Response {
    if json {
        ([(header::CONTENT_TYPE, "application/json")], v.to_string()).into_response()
    } else {
        ([(header::CONTENT_TYPE, "text/xml;charset=utf-8")], crate::xml::document(&v)).into_response()
    }
}

fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
    )
        .into_response()
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "<html><head><title>Not Found</title></head><body><h1>404 Not Found</h1></body></html>")
        .into_response()
}

pub fn router(pms: Pms) -> Router {
    // Plex's own paths have segments that start with a colon ("/:/timeline").
    Router::new()
        .without_v07_checks()
        .route("/identity", get(identity))
        .route("/", get(root))
        .route("/library", get(library_root))
        .route("/library/sections", get(sections))
        .route("/library/sections/{key}", get(section_detail))
        .route("/library/sections/{key}/all", get(section_all))
        .route("/library/sections/{key}/sorts", get(browse::sorts))
        .route("/library/sections/{key}/filters", get(browse::filters))
        .route("/library/sections/{key}/firstCharacters", get(browse::first_characters))
        .route("/library/sections/{key}/{filter}", get(browse::values))
        .route("/library/metadata/{id}", get(metadata))
        .route("/library/metadata/{id}/children", get(children))
        .route("/library/metadata/{id}/thumb/{ts}", get(thumb))
        .route("/library/metadata/{id}/art/{ts}", get(thumb))
        .route("/library/sections/{key}/collections", get(collections::list))
        .route("/library/collections/{id}/children", get(collections::children))
        .route("/hubs", get(hubs))
        .route("/hubs/search", get(search::hubs))
        .route("/library/onDeck", get(on_deck))
        .route("/library/recentlyAdded", get(recently_added))
        .route("/:/timeline", get(timeline).post(timeline))
        .route("/:/scrobble", get(scrobble).put(scrobble))
        .route("/:/unscrobble", get(unscrobble).put(unscrobble))
        .route("/photo/:/transcode", get(transcode))
        .route("/library/parts/{id}/{ts}/{file}", get(part_file))
        .route("/library/parts/{id}", axum::routing::put(choose_streams))
        .route("/library/streams/{id}", get(media_routes::sidecar))
        .route("/:/prefs", get(prefs))
        .route("/playQueues", axum::routing::post(play_queues::create))
        .route("/playQueues/{id}", get(play_queues::get_queue).put(play_queues::add))
        .route("/playQueues/{id}/items/{item}", axum::routing::delete(play_queues::remove_item))
        .route("/playQueues/{id}/items/{item}/move", axum::routing::put(play_queues::move_item))
        .route("/playlists", get(playlists::list).post(playlists::create))
        .route("/playlists/{id}", axum::routing::delete(playlists::delete))
        .route("/playlists/{id}/items", get(playlists::items).put(playlists::add))
        .route("/playlists/{id}/items/{item}", axum::routing::delete(playlists::remove_item))
        .route("/playlists/{id}/items/{item}/move", axum::routing::put(playlists::move_item))
        .route("/downloadQueue", axum::routing::post(download_queue::create))
        .route("/downloadQueue/{q}/add", axum::routing::post(download_queue::add))
        .route("/downloadQueue/{q}/items", get(download_queue::items))
        .route("/downloadQueue/{q}/item/{i}/media", get(download_queue::media))
        .route("/video/:/transcode/universal/decision", get(transcode_decision))
        .route("/video/:/transcode/universal/start.m3u8", get(transcode_start))
        .route("/video/:/transcode/universal/start.mkv", get(media_routes::offline_transcode))
        .route("/video/:/transcode/universal/session/{session}/base/{file}", get(transcode_segment))
        .route("/video/:/transcode/universal/stop", get(transcode_stop))
        .with_state(pms)
}

struct Ctx {
    json: bool,
}

/// Token check shared by every route but /identity.
fn authorize(p: &Pms, headers: &HeaderMap, query: &Option<String>) -> Option<Ctx> {
    let token = token_of(headers, query.as_deref().unwrap_or(""));
    p.server.accepts(token.as_deref(), &p.shared.account_token).then(|| Ctx { json: wants_json(headers) })
}

async fn identity(State(p): State<Pms>, headers: HeaderMap) -> Response {
    render(
        wants_json(&headers),
        json!({"MediaContainer": {"size": 0, "claimed": true,
            "machineIdentifier": p.server.machine_id, "version": p.server.spec.version()}}),
    )
}

async fn root(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    render(
        c.json,
        json!({"MediaContainer": {
            "size": 3, "allowCameraUpload": false, "allowChannelAccess": true, "allowMediaDeletion": false,
            "allowSharing": true, "allowSync": true, "allowTuners": false, "backgroundProcessing": true,
            "certificate": true, "companionProxy": true, "countryCode": "usa", "diagnostics": "",
            "eventStream": true, "friendlyName": p.server.spec.name, "hubSearch": true,
            "itemClusters": true, "livetv": 0, "machineIdentifier": p.server.machine_id,
            "mediaProviders": true, "multiuser": true, "myPlex": true,
            "myPlexMappingState": "mapped", "myPlexSigninState": "ok", "myPlexSubscription": false,
            "myPlexUsername": p.shared.account.email, "offlineTranscode": 1, "ownerFeatures": "",
            "platform": "Linux", "platformVersion": "6.1", "pluginHost": true, "pushNotifications": false,
            "readOnlyLibraries": false, "streamingBrainABRVersion": 3, "streamingBrainVersion": 2,
            "sync": true, "transcoderActiveVideoSessions": 0, "transcoderAudio": true,
            "transcoderLyrics": true, "transcoderPhoto": true, "transcoderSubtitles": true,
            "transcoderVideo": true, "updatedAt": 1_700_000_000, "updater": true,
            "version": p.server.spec.version(), "voiceSearch": true,
            "Directory": [
                {"count": 1, "key": "library", "title": "library"},
                {"count": 1, "key": "hubs", "title": "hubs"},
                {"count": 1, "key": "playlists", "title": "playlists"}
            ]
        }}),
    )
}

async fn library_root(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    render(
        c.json,
        json!({"MediaContainer": {"size": 3, "allowSync": false, "art": "/:/resources/library-art.jpg",
        "content": "", "identifier": "com.plexapp.plugins.library", "title1": "Plex Library", "title2": "",
        "Directory": [
            {"key": "sections", "title": "Library Sections"},
            {"key": "recentlyAdded", "title": "Recently Added Content"},
            {"key": "onDeck", "title": "On Deck Content"}
        ]}}),
    )
}

async fn sections(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let lib = &p.server.library;
    let dirs: Vec<Value> = lib.sections.iter().map(|s| lib.section_json(s)).collect();
    render(
        c.json,
        json!({"MediaContainer": {"size": dirs.len(), "allowSync": false, "title1": "Plex Library", "Directory": dirs}}),
    )
}

async fn section_detail(
    State(p): State<Pms>,
    Path(key): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let Some(s) = p.server.library.section(&key) else {
        return not_found();
    };
    render(
        c.json,
        json!({"MediaContainer": {"size": 0, "allowSync": true, "content": "secondary",
        "librarySectionID": s.key, "title1": s.title, "viewGroup": "secondary", "Directory": [
            {"key": "all", "title": format!("All {}", s.title)}]}}),
    )
}

/// Paging comes in the query (`X-Plex-Container-Start`) or in headers, as
/// different clients send it either way.
fn paging(headers: &HeaderMap, q: &str) -> (usize, Option<usize>) {
    let get = |name: &str| {
        query_param(q, name)
            .or_else(|| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string))
            .and_then(|v| v.parse::<usize>().ok())
    };
    (get("X-Plex-Container-Start").unwrap_or(0), get("X-Plex-Container-Size"))
}

async fn section_all(
    State(p): State<Pms>,
    Path(key): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let q = q.unwrap_or_default();
    let lib = &p.server.library;
    let Some(s) = lib.section(&key) else {
        return not_found();
    };
    // Listed by title as Plex lists them, whatever the kind (`type=9`:
    // a music library's albums), narrowed and ordered as asked.
    let b = browse::Browse::from_query(&q);
    let all: Vec<usize> = if b == browse::Browse::default() {
        s.roots.clone()
    } else {
        let watch = p.server.watch.lock().map(|w| w.clone()).unwrap_or_default();
        browse::browse(lib, &browse::candidates(lib, s, &b), &watch, &b)
    };
    let (start, size) = paging(&headers, &q);
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(size.unwrap_or(usize::MAX))
        .map(|&i| lib.item_json(i, &|rk| p.server.watch_of(rk)))
        .collect();
    let mut resp = render(
        c.json,
        json!({"MediaContainer": {
        "size": page.len(), "totalSize": all.len(), "offset": start, "allowSync": true,
        "identifier": "com.plexapp.plugins.library", "librarySectionID": s.key,
        "librarySectionTitle": s.title, "librarySectionUUID": s.uuid, "title1": s.title,
        "title2": format!("All {}", s.title), "viewGroup": s.kind.name(), "Metadata": page}}),
    );
    if let Ok(v) = all.len().to_string().parse() {
        resp.headers_mut().insert("X-Plex-Container-Total-Size", v);
    }
    resp
}

fn container(p: &Pms, json: bool, items: Vec<usize>, extra: Value) -> Response {
    let lib = &p.server.library;
    let md: Vec<Value> = items.iter().map(|&i| lib.item_json(i, &|rk| p.server.watch_of(rk))).collect();
    let mut mc =
        json!({"size": md.len(), "allowSync": true, "identifier": "com.plexapp.plugins.library", "Metadata": md});
    if let (Value::Object(m), Value::Object(e)) = (&mut mc, extra) {
        m.extend(e);
    }
    render(json, json!({ "MediaContainer": mc }))
}

fn item_index(p: &Pms, id: &str) -> Option<usize> {
    let rk: u64 = id.parse().ok()?;
    let lib = &p.server.library;
    lib.item(rk).map(|it| (it.rating_key - lib.items[0].rating_key) as usize)
}

async fn metadata(State(p): State<Pms>, Path(id): Path<String>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let Some(i) = item_index(&p, &id) else {
        return not_found();
    };
    let lib = &p.server.library;
    let mut md = lib.item_json(i, &|rk| p.server.watch_of(rk));
    let it = &lib.items[i];
    if let Value::Object(m) = &mut md {
        crate::people::add_details(m, it);
    }
    let wants_markers = query_param(q.as_deref().unwrap_or(""), "includeMarkers").as_deref() == Some("1");
    if wants_markers && it.kind != Kind::Track && lib.media_for(it).is_some() {
        if let Value::Object(m) = &mut md {
            m.insert("Marker".into(), crate::media::markers_json(it.duration_ms));
        }
    }
    render(
        c.json,
        json!({"MediaContainer": {"size": 1, "allowSync": lib.allow_sync, "identifier": "com.plexapp.plugins.library", "Metadata": [md]}}),
    )
}

async fn children(State(p): State<Pms>, Path(id): Path<String>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let Some(i) = item_index(&p, &id) else {
        return not_found();
    };
    let it = &p.server.library.items[i];
    let extra = json!({"key": it.rating_key.to_string(), "parentTitle": it.title,
        "title1": it.title, "viewGroup": it.children.first().map(|&c| p.server.library.items[c].kind.name()).unwrap_or("")});
    container(&p, c.json, it.children.clone(), extra)
}

/// Items in progress, then each started show's next unwatched episode.
/// Part-way through, then next up: what Plex's Continue Watching merges.
fn continue_items(p: &Pms) -> Vec<usize> {
    let lib = &p.server.library;
    let watch = p.server.watch.lock().map(|w| w.clone()).unwrap_or_default();
    let mut out: Vec<usize> =
        (0..lib.items.len()).filter(|&i| watch.get(&lib.items[i].rating_key).is_some_and(|w| w.1 > 0)).collect();
    for next in next_up(p) {
        if !out.contains(&next) {
            out.push(next);
        }
    }
    out
}

/// The next unwatched episode of every show someone has started: On Deck.
fn next_up(p: &Pms) -> Vec<usize> {
    let lib = &p.server.library;
    let watch = p.server.watch.lock().map(|w| w.clone()).unwrap_or_default();
    let mut out = Vec::new();
    for s in lib.sections.iter().filter(|s| s.kind == Kind::Show) {
        for &show in &s.roots {
            let eps: Vec<usize> =
                lib.items[show].children.iter().flat_map(|&se| lib.items[se].children.clone()).collect();
            let watched = |i: &usize| watch.get(&lib.items[*i].rating_key).is_some_and(|w| w.0 > 0);
            if eps.iter().any(watched) {
                if let Some(next) = eps.iter().find(|i| !watched(i)) {
                    if !out.contains(next) {
                        out.push(*next);
                    }
                }
            }
        }
    }
    out
}

fn recent(p: &Pms, kind: Kind, n: usize) -> Vec<usize> {
    let lib = &p.server.library;
    (0..lib.items.len()).rev().filter(|&i| lib.items[i].kind == kind).take(n).collect()
}

async fn on_deck(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    container(&p, c.json, continue_items(&p), json!({"mixedParents": true}))
}

async fn recently_added(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let mut items = recent(&p, Kind::Movie, 20);
    items.extend(recent(&p, Kind::Episode, 20));
    container(&p, c.json, items, json!({"mixedParents": true}))
}

async fn hubs(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let lib = &p.server.library;
    let hub = |id: &str, title: &str, ty: &str, items: Vec<usize>| {
        let md: Vec<Value> = items.iter().map(|&i| lib.item_json(i, &|rk| p.server.watch_of(rk))).collect();
        json!({"hubIdentifier": id, "title": title, "type": ty, "hubKey": format!("/hubs/{id}"),
               "size": md.len(), "more": false, "style": "shelf", "Metadata": md})
    };
    let list = vec![
        hub("home.continue", "Continue Watching", "mixed", continue_items(&p)),
        hub("home.ondeck", "On Deck", "episode", next_up(&p)),
        hub("home.movies.recent", "Recently Added Movies", "movie", recent(&p, Kind::Movie, 12)),
        hub("home.television.recent", "Recently Added TV", "episode", recent(&p, Kind::Episode, 12)),
        hub("home.music.recent", "Recently Added Music", "album", recent(&p, Kind::Album, 12)),
    ];
    render(
        c.json,
        json!({"MediaContainer": {"size": list.len(), "allowSync": true, "identifier": "com.plexapp.plugins.library", "Hub": list}}),
    )
}

fn set_watch(p: &Pms, rating_key: u64, f: impl FnOnce(&mut (u32, u64))) {
    if let Ok(mut w) = p.server.watch.lock() {
        f(w.entry(rating_key).or_default());
    }
}

async fn timeline(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let q = q.unwrap_or_default();
    let rk = query_param(&q, "ratingKey").and_then(|v| v.parse::<u64>().ok());
    let time = query_param(&q, "time").and_then(|v| v.parse::<u64>().ok());
    let Some((rk, time)) = rk.zip(time) else {
        return (StatusCode::BAD_REQUEST, "ratingKey and time are required").into_response();
    };
    let Some(item) = p.server.library.item(rk) else {
        return not_found();
    };
    let duration = item.duration_ms.max(1);
    set_watch(&p, rk, |w| {
        if time * 10 >= duration * 9 {
            w.0 += 1;
            w.1 = 0;
        } else {
            w.1 = time;
        }
    });
    render(c.json, json!({"MediaContainer": {"size": 0}}))
}

async fn scrobble(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    mark(p, headers, q, true).await
}

async fn unscrobble(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    mark(p, headers, q, false).await
}

async fn mark(p: Pms, headers: HeaderMap, q: Option<String>, watched: bool) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let q = q.unwrap_or_default();
    if query_param(&q, "identifier").as_deref() != Some("com.plexapp.plugins.library") {
        return (StatusCode::BAD_REQUEST, "identifier must be com.plexapp.plugins.library").into_response();
    }
    let Some(rk) = query_param(&q, "key").and_then(|v| v.parse::<u64>().ok()) else {
        return (StatusCode::BAD_REQUEST, "key is required").into_response();
    };
    let Some(i) = item_index(&p, &rk.to_string()) else {
        return not_found();
    };
    // A show, a season, an album: all it holds, as Plex marks them.
    for leaf in p.server.library.leaf_keys(i) {
        set_watch(&p, leaf, |w| {
            *w = if watched { (w.0 + 1, 0) } else { (0, 0) };
        });
    }
    StatusCode::OK.into_response()
}

fn png(bytes: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "image/png"), (header::CACHE_CONTROL, "max-age=86400")], bytes).into_response()
}

async fn thumb(
    State(p): State<Pms>,
    Path((id, _ts)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let (w, h) = picture_size(&p, &id);
    png(crate::image::poster(&id, w, h))
}

/// The picture of item `id` at its own size (a poster's when it is no item's).
fn picture_size(p: &Pms, id: &str) -> (u32, u32) {
    let kind = item_index(p, id).map(|i| p.server.library.items[i].kind);
    kind.map_or((200, 300), crate::image::native)
}

async fn transcode(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let q = q.unwrap_or_default();
    let Some(url) = query_param(&q, "url") else {
        return (StatusCode::BAD_REQUEST, "url is required").into_response();
    };
    // Someone's photo on Plex's metadata host, fetched by the server.
    if let Some(person) = crate::people::photo_of(&url) {
        let w = query_param(&q, "width").and_then(|v| v.parse().ok()).unwrap_or(200);
        let h = query_param(&q, "height").and_then(|v| v.parse().ok()).unwrap_or(200);
        let side = w.max(h);
        return png(crate::image::poster(&format!("person{person}"), side, side));
    }
    // Only this server's own images; a missing item is a missing poster.
    let id = url.trim_start_matches("/library/metadata/").split('/').next().unwrap_or("");
    if item_index(&p, id).is_none() {
        return not_found();
    }
    let w = query_param(&q, "width").and_then(|v| v.parse().ok()).unwrap_or(200);
    let h = query_param(&q, "height").and_then(|v| v.parse().ok()).unwrap_or(300);
    // `minSize=1` asks for the picture's shape covering the box; without it
    // the box is filled exactly (Reel always asks with it).
    let (w, h) = if query_param(&q, "minSize").as_deref() == Some("1") {
        crate::image::covering(picture_size(&p, id), w, h)
    } else {
        (w, h)
    };
    png(crate::image::poster(id, w, h))
}
