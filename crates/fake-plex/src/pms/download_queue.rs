//! The download queue of a Plex Media Server ≥ 1.41.9: a client's queue
//! (`POST /downloadQueue`), items added with transcode parameters
//! (`POST /downloadQueue/{q}/add?keys=…&videoResolution=…&maxVideoBitrate=…`),
//! their status (`GET /downloadQueue/{q}/items`: deciding, processing,
//! available, error) and the converted file (`GET
//! /downloadQueue/{q}/item/{i}/media`, 503 with `Retry-After` while it is
//! being made). The conversion is real: GStreamer scales the item's media
//! to the size asked, into VP8 and Vorbis in WebM, once per size.
//!
//! An older server (`no_download_queue`) answers 404 to all of it.

use super::{authorize, not_found, render, unauthorized, Pms};
use crate::net::query_param;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Default)]
pub struct DownloadQueues {
    next_id: u64,
    /// A client's queue, by its `X-Plex-Client-Identifier`.
    by_client: HashMap<String, u64>,
    items: HashMap<u64, QueueItem>,
    /// While held, conversions stay `processing` (tests watch a client wait).
    held: bool,
}

#[derive(Clone)]
struct QueueItem {
    queue: u64,
    rating_key: u64,
    status: Status,
    /// What the conversion made, once it did.
    file: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Status {
    Processing,
    Available,
    Error,
}

impl Status {
    fn word(self, held: bool) -> &'static str {
        match self {
            Status::Available if held => "processing",
            Status::Processing => "processing",
            Status::Available => "available",
            Status::Error => "error",
        }
    }
}

impl DownloadQueues {
    /// Holds conversions at `processing` (their files wait) or lets them go.
    pub fn hold(&mut self, held: bool) {
        self.held = held;
    }
}

/// Who may use the download queue: this server's token holders, on a
/// server that has one (an older one answers 404).
fn open_to(p: &Pms, headers: &HeaderMap, q: &Option<String>) -> Result<super::Ctx, Refused> {
    let c = authorize(p, headers, q).ok_or(Refused::Token)?;
    if p.server.spec.library.no_download_queue {
        return Err(Refused::NoQueue);
    }
    Ok(c)
}

/// Why the download queue was not opened.
enum Refused {
    Token,
    NoQueue,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Token => unauthorized(),
            Refused::NoQueue => not_found(),
        }
    }
}

fn client_of(headers: &HeaderMap, q: &Option<String>) -> String {
    headers
        .get("X-Plex-Client-Identifier")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| query_param(q.as_deref().unwrap_or(""), "X-Plex-Client-Identifier"))
        .unwrap_or_default()
}

/// `POST /downloadQueue`: the client's queue, made the first time.
pub(super) async fn create(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let c = match open_to(&p, &headers, &q) {
        Ok(c) => c,
        Err(refused) => return refused.into_response(),
    };
    let client = client_of(&headers, &q);
    let Ok(mut queues) = p.server.download_queues.lock() else { return not_found() };
    let id = match queues.by_client.get(&client) {
        Some(id) => *id,
        None => {
            queues.next_id += 1;
            let id = queues.next_id;
            queues.by_client.insert(client, id);
            id
        }
    };
    let count = queues.items.values().filter(|i| i.queue == id).count();
    render(c.json, json!({"MediaContainer": {"size": 1, "DownloadQueue": [{"id": id, "itemCount": count}]}}))
}

/// `POST /downloadQueue/{q}/add?keys=/library/metadata/{k},…` with the
/// size asked (`videoResolution=WxH`, `maxVideoBitrate` in kbps): each
/// item's conversion starts at once.
pub(super) async fn add(
    State(p): State<Pms>,
    Path(queue): Path<u64>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let c = match open_to(&p, &headers, &q) {
        Ok(c) => c,
        Err(refused) => return refused.into_response(),
    };
    let query = q.clone().unwrap_or_default();
    let Some((size, kbps)) = size_asked(&query) else {
        return (StatusCode::BAD_REQUEST, "videoResolution=WxH is needed").into_response();
    };
    let keys = query_param(&query, "keys").unwrap_or_default();
    let lib = &p.server.library;
    let mut added = Vec::new();
    for key in keys.split(',') {
        let Some(rk) = key.strip_prefix("/library/metadata/").and_then(|k| k.parse::<u64>().ok()) else {
            return (StatusCode::BAD_REQUEST, "keys are /library/metadata/{key}").into_response();
        };
        let Some(media) = lib.item(rk).and_then(|it| lib.media_for(it)).cloned() else { return not_found() };
        let id = {
            let Ok(mut queues) = p.server.download_queues.lock() else { return not_found() };
            if !queues.by_client.values().any(|q| *q == queue) {
                return not_found();
            }
            queues.next_id += 1;
            let id = queues.next_id;
            queues.items.insert(id, QueueItem { queue, rating_key: rk, status: Status::Processing, file: None });
            id
        };
        let server = p.server.clone();
        tokio::spawn(async move {
            let made = tokio::task::spawn_blocking(move || convert(&media.file, size, kbps)).await;
            let (status, file) = match made {
                Ok(Ok(file)) => (Status::Available, Some(file)),
                Ok(Err(e)) => {
                    eprintln!("fake-plex: a download conversion failed: {e}");
                    (Status::Error, None)
                }
                Err(_) => (Status::Error, None),
            };
            if let Ok(mut queues) = server.download_queues.lock() {
                if let Some(item) = queues.items.get_mut(&id) {
                    item.status = status;
                    item.file = file;
                }
            }
        });
        added.push(json!({"id": id, "key": key}));
    }
    render(c.json, json!({"MediaContainer": {"size": added.len(), "AddedQueueItems": added}}))
}

/// `GET /downloadQueue/{q}/items`: each item with its status.
pub(super) async fn items(
    State(p): State<Pms>,
    Path(queue): Path<u64>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let c = match open_to(&p, &headers, &q) {
        Ok(c) => c,
        Err(refused) => return refused.into_response(),
    };
    let Ok(queues) = p.server.download_queues.lock() else { return not_found() };
    let mut list: Vec<_> = queues.items.iter().filter(|(_, i)| i.queue == queue).collect();
    list.sort_by_key(|(id, _)| **id);
    let md: Vec<_> = list
        .into_iter()
        .map(|(id, i)| {
            json!({"id": id, "queueId": queue, "key": format!("/library/metadata/{}", i.rating_key),
                "status": i.status.word(queues.held)})
        })
        .collect();
    render(c.json, json!({"MediaContainer": {"size": md.len(), "DownloadQueueItem": md}}))
}

/// `GET /downloadQueue/{q}/item/{i}/media`: the converted file, with byte
/// ranges; 503 and `Retry-After` while it is being made.
pub(super) async fn media(
    State(p): State<Pms>,
    Path((queue, item)): Path<(u64, u64)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if let Err(refused) = open_to(&p, &headers, &q) {
        return refused.into_response();
    }
    let found = p.server.download_queues.lock().ok().and_then(|queues| {
        let i = queues.items.get(&item).filter(|i| i.queue == queue)?;
        Some(if queues.held { Status::Processing } else { i.status }).map(|s| (s, i.file.clone()))
    });
    let file = match found {
        None => return not_found(),
        Some((Status::Error, _)) => return (StatusCode::INTERNAL_SERVER_ERROR, "conversion failed").into_response(),
        Some((Status::Processing, _)) | Some((Status::Available, None)) => {
            return (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "1")], "being converted").into_response()
        }
        Some((Status::Available, Some(file))) => file,
    };
    let Ok(body) = tokio::fs::read(&file).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "converted file missing").into_response();
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    super::media_routes::ranged(body, "video/webm", range, |bytes, _| axum::body::Body::from(bytes))
}

/// The size a conversion is asked at: `videoResolution=WxH`, and
/// `maxVideoBitrate` in kbps (2000 unless said).
pub(super) fn size_asked(query: &str) -> Option<((u32, u32), u32)> {
    let (w, h) = query_param(query, "videoResolution")?.split_once('x').map(|(w, h)| (w.to_string(), h.to_string()))?;
    let kbps = query_param(query, "maxVideoBitrate").and_then(|b| b.parse().ok()).unwrap_or(2000);
    Some(((w.parse().ok()?, h.parse().ok()?), kbps))
}

/// Where the conversion of `file` to `(w, h)` at `kbps` is kept.
pub fn converted_path(file: &std::path::Path, (w, h): (u32, u32), kbps: u32) -> PathBuf {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("media");
    file.with_file_name(format!("{stem}-converted-{w}x{h}-{kbps}k.webm"))
}

/// Scales `file`'s picture to `(w, h)` at about `kbps` (VP8) with its first
/// audio track (Vorbis), in WebM; made once a size.
pub(super) fn convert(file: &std::path::Path, size: (u32, u32), kbps: u32) -> anyhow::Result<PathBuf> {
    let out = converted_path(file, size, kbps);
    if out.exists() {
        return Ok(out);
    }
    let tmp = out.with_extension(format!("{}.part", std::process::id()));
    let (w, h) = size;
    let pipeline = format!(
        "filesrc location={} ! decodebin name=d \
         d. ! video/x-raw ! queue ! videoconvert ! videoscale ! video/x-raw,width={w},height={h} \
         ! vp8enc deadline=1 cpu-used=8 threads=2 target-bitrate={} ! webmmux name=mux ! filesink location={} \
         d. ! audio/x-raw ! queue ! audioconvert ! audioresample ! vorbisenc ! mux.",
        file.display(),
        u64::from(kbps) * 1000,
        tmp.display(),
    );
    let made =
        std::process::Command::new("gst-launch-1.0").arg("-q").args(crate::media::shell_words(&pipeline)).output()?;
    if !made.status.success() {
        let _ = std::fs::remove_file(&tmp);
        anyhow::bail!("converting {} failed: {}", file.display(), String::from_utf8_lossy(&made.stderr));
    }
    // Two conversions of one size may finish together: either file is the same.
    std::fs::rename(&tmp, &out)?;
    Ok(out)
}
