//! Playing: part files with byte ranges (throttled when the media says
//! so), stream choices, the server's settings, and a universal transcoder
//! serving an HLS rendition by session.

use super::{authorize, not_found, render, unauthorized, Pms};
use crate::media::MediaFault;
use crate::net::query_param;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The media of a part (its id is its item's rating key × 10).
fn part_media(p: &Pms, part: u64) -> Option<&crate::media::MediaSpec> {
    let lib = &p.server.library;
    lib.items.iter().find(|it| it.rating_key * 10 == part).and_then(|it| lib.media_for(it))
}

/// A part's file, with byte ranges as players ask (seeking, probing the end).
pub(super) async fn part_file(
    State(p): State<Pms>,
    Path((id, _ts, _file)): Path<(u64, String, String)>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let Some(spec) = part_media(&p, id) else {
        return not_found();
    };
    let Ok(mut body) = tokio::fs::read(&spec.file).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "media file missing").into_response();
    };
    let fault = p.server.media_fault.lock().ok().and_then(|f| *f);
    match fault {
        Some(MediaFault::Status(code)) => {
            return (StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR), "media fault")
                .into_response()
        }
        Some(f) => body = f.damage(body),
        None => {}
    }
    let mime = match spec.container.as_str() {
        "webm" => "video/webm",
        "ogg" => "video/ogg",
        "flac" => "audio/flac",
        _ => "video/x-matroska",
    };
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let rate = spec.bytes_per_second;
    // `from`: where in the file the bytes start.
    let send = move |bytes: Vec<u8>, from: usize| match (fault, rate) {
        (Some(MediaFault::StallAfter(n)), _) => crate::media::stalled(bytes, n.saturating_sub(from)),
        (_, Some(r)) => crate::media::throttled(bytes, r),
        _ => axum::body::Body::from(bytes),
    };
    ranged(body, mime, range, send)
}

/// `body` as a `mime` file, the bytes `range` asks for (all without one),
/// each answer's bytes handed to `send` with where in the file they start.
pub(super) fn ranged(
    body: Vec<u8>,
    mime: &str,
    range: Option<&str>,
    send: impl FnOnce(Vec<u8>, usize) -> axum::body::Body,
) -> Response {
    let len = body.len();
    match crate::media::byte_range(range, len) {
        Ok(None) => (
            [
                (header::CONTENT_TYPE, mime.to_string()),
                (header::ACCEPT_RANGES, "bytes".to_string()),
                (header::CONTENT_LENGTH, len.to_string()),
            ],
            send(body, 0),
        )
            .into_response(),
        Ok(Some((start, end))) => (
            StatusCode::PARTIAL_CONTENT,
            [
                (header::CONTENT_TYPE, mime.to_string()),
                (header::ACCEPT_RANGES, "bytes".to_string()),
                (header::CONTENT_RANGE, format!("bytes {start}-{end}/{len}")),
                (header::CONTENT_LENGTH, (end + 1 - start).to_string()),
            ],
            send(body[start..=end].to_vec(), start),
        )
            .into_response(),
        Err(crate::media::Unsatisfiable) => {
            (StatusCode::RANGE_NOT_SATISFIABLE, [(header::CONTENT_RANGE, format!("bytes */{len}"))]).into_response()
        }
    }
}

/// A part's sidecar subtitle file (`/library/streams/{id}`).
pub(super) async fn sidecar(
    State(p): State<Pms>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let part = id / 10;
    match part_media(&p, part).filter(|_| crate::media::sidecar_stream_id(part) == id) {
        Some(m) => ([(header::CONTENT_TYPE, "application/x-subrip")], crate::media::sidecar_subtitles(m.duration_ms))
            .into_response(),
        None => not_found(),
    }
}

/// `PUT /library/parts/{id}?audioStreamID=&subtitleStreamID=`: accepted
/// for a known part; tests read the choice from the recorded requests.
pub(super) async fn choose_streams(
    State(p): State<Pms>,
    Path(id): Path<u64>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    if !p.server.library.items.iter().any(|it| it.rating_key * 10 == id) {
        return not_found();
    }
    StatusCode::OK.into_response()
}

/// The HLS rendition of the item a transcode request is about (`path=`).
fn rendition(p: &Pms, q: &Option<String>) -> Option<std::path::PathBuf> {
    let path = query_param(q.as_deref().unwrap_or(""), "path")?;
    let key: u64 = path.strip_prefix("/library/metadata/")?.parse().ok()?;
    let lib = &p.server.library;
    lib.item(key).and_then(|it| lib.media_for(it)).and_then(|m| m.hls.clone())
}

/// How long (whole seconds) the item a transcode request is about is.
fn rendition_seconds(p: &Pms, q: &Option<String>) -> Option<u32> {
    let path = query_param(q.as_deref().unwrap_or(""), "path")?;
    let key: u64 = path.strip_prefix("/library/metadata/")?.parse().ok()?;
    let lib = &p.server.library;
    let media = lib.item(key).and_then(|it| lib.media_for(it))?;
    u32::try_from(media.duration_ms.div_ceil(1000)).ok()
}

/// The universal transcoder's decision: it converts what it is asked to
/// when the server has an HLS rendition; otherwise there is no transcoder.
pub(super) async fn transcode_decision(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    if rendition(&p, &q).is_none() {
        return not_found();
    }
    render(
        c.json,
        json!({"MediaContainer": {"size": 1, "generalDecisionCode": 1001,
            "generalDecisionText": "Direct play not available; Conversion OK.",
            "transcodeDecisionCode": 1001, "transcodeDecisionText": "Transcode OK."}}),
    )
}

/// The HLS playlist of a new transcode session (`session=` in the query).
pub(super) async fn transcode_start(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let Some(folder) = rendition(&p, &q) else { return not_found() };
    let Some(session) = query_param(q.as_deref().unwrap_or(""), "session").filter(|s| !s.is_empty()) else {
        return (StatusCode::BAD_REQUEST, "session is required").into_response();
    };
    // From an offset: the rest of the file, its timeline from zero (as
    // Plex's transcoder streams it), made now as a transcoder would.
    let offset_s = query_param(q.as_deref().unwrap_or(""), "offset").and_then(|o| o.parse::<f64>().ok()).unwrap_or(0.0);
    let folder = match rendition_seconds(&p, &q) {
        Some(total) if offset_s >= 1.0 && (offset_s as u32) < total => {
            let (dir, rest) = (folder.parent().map(|d| d.to_path_buf()).unwrap_or_default(), total - offset_s as u32);
            match tokio::task::spawn_blocking(move || crate::media::hls_rendition(&dir, rest)).await {
                Ok(Ok(f)) => f,
                _ => return (StatusCode::INTERNAL_SERVER_ERROR, "the transcoder failed").into_response(),
            }
        }
        _ => folder,
    };
    let Ok(text) = tokio::fs::read_to_string(folder.join("index.m3u8")).await else { return not_found() };
    if let Ok(mut t) = p.server.transcodes.lock() {
        t.insert(session.clone(), folder);
    }
    // Segments are fetched relative to the playlist, by session.
    let body: String = text
        .lines()
        .map(|l| if l.ends_with(".ts") { format!("session/{session}/base/{l}\n") } else { format!("{l}\n") })
        .collect();
    ([(header::CONTENT_TYPE, "application/vnd.apple.mpegurl")], body).into_response()
}

pub(super) async fn transcode_segment(State(p): State<Pms>, Path((session, file)): Path<(String, String)>) -> Response {
    let folder = p.server.transcodes.lock().ok().and_then(|t| t.get(&session).cloned());
    let Some(folder) = folder.filter(|_| !file.contains('/') && file.ends_with(".ts")) else {
        return not_found();
    };
    match tokio::fs::read(folder.join(&file)).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "video/mp2t")], bytes).into_response(),
        Err(_) => not_found(),
    }
}

pub(super) async fn transcode_stop(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    if let Some(session) = query_param(q.as_deref().unwrap_or(""), "session") {
        if let Ok(mut t) = p.server.transcodes.lock() {
            t.remove(&session);
        }
    }
    StatusCode::OK.into_response()
}

/// The server's settings that clients read: the watched threshold, how
/// far the transcoder works ahead.
pub(super) async fn prefs(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let Some(c) = authorize(&p, &headers, &q) else {
        return unauthorized();
    };
    let threshold = p.server.spec.library.played_threshold;
    let ahead = p.server.spec.library.transcoder_throttle_buffer;
    render(
        c.json,
        json!({"MediaContainer": {"size": 2, "Setting": [
            {"id": "LibraryVideoPlayedThreshold", "label": "Video played threshold", "type": "int",
             "default": 90, "value": threshold, "hidden": false, "advanced": true, "group": "library"},
            {"id": "TranscoderThrottleBuffer", "label": "Transcoder default throttle buffer", "type": "int",
             "default": 60, "value": ahead, "hidden": false, "advanced": true, "group": "transcoder"}
        ]}}),
    )
}

/// The universal transcoder's offline mode (`start.mkv?offlineTranscode=1`),
/// what a server before the download queue converts a download with: the
/// item's media at the size asked (`videoResolution`, `maxVideoBitrate`),
/// made whole as fast as it can, then sent whole (a transcode has no byte
/// ranges: a client that lost it asks again from the start). Only a server
/// with a transcoder (an HLS rendition) has it.
pub(super) async fn offline_transcode(State(p): State<Pms>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if authorize(&p, &headers, &q).is_none() {
        return unauthorized();
    }
    let query = q.clone().unwrap_or_default();
    if rendition(&p, &q).is_none() || query_param(&query, "offlineTranscode").as_deref() != Some("1") {
        return not_found();
    }
    let Some(media) = query_param(&query, "path")
        .and_then(|path| path.strip_prefix("/library/metadata/")?.parse::<u64>().ok())
        .and_then(|key| p.server.library.item(key).and_then(|it| p.server.library.media_for(it)).cloned())
    else {
        return not_found();
    };
    let Some((size, kbps)) = super::download_queue::size_asked(&query) else {
        return (StatusCode::BAD_REQUEST, "videoResolution=WxH is needed").into_response();
    };
    let made = tokio::task::spawn_blocking(move || super::download_queue::convert(&media.file, size, kbps)).await;
    let Ok(Ok(file)) = made else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the transcoder failed").into_response();
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, "video/x-matroska")], bytes).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "the transcoder failed").into_response(),
    }
}
