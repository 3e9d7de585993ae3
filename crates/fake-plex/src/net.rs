//! Listeners: one loopback port per connection, each with its own behaviour,
//! over plain http or TLS, recording every request it receives.

use crate::state::{RecordedRequest, Shared};
use crate::topology::Behaviour;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use futures::StreamExt;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::watch;
use tokio::task::JoinSet;

pub struct ListenerCtx {
    pub name: String,
    pub shared: Arc<Shared>,
    pub behaviour: watch::Receiver<Behaviour>,
    /// The identity a `WrongIdentity` connection claims instead.
    pub imposter_id: String,
}

/// TLS for a listener; `also_http` serves plain http too, told apart by the
/// first byte (a TLS handshake starts with 0x16), as a real server's 32400 does.
#[derive(Clone)]
pub struct Tls {
    pub acceptor: tokio_rustls::TlsAcceptor,
    pub also_http: bool,
}

pub fn bind_std(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() { TcpSocket::new_v4()? } else { TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(1024)
}

/// Serves `router` on `addr` until the task is aborted. While the behaviour is
/// `Refuse` nothing listens on the port, so clients get a real ECONNREFUSED.
pub async fn serve(
    addr: SocketAddr,
    mut listener: Option<TcpListener>,
    router: Router,
    tls: Option<Tls>,
    mut behaviour: watch::Receiver<Behaviour>,
) {
    let mut conns = JoinSet::new();
    loop {
        if *behaviour.borrow_and_update() == Behaviour::Refuse {
            // A server that goes away takes its open connections with it.
            listener = None;
            conns.abort_all();
            if behaviour.changed().await.is_err() {
                return;
            }
            continue;
        }
        let Some(l) = listener.as_ref() else {
            match bind_std(addr) {
                Ok(l) => listener = Some(l),
                Err(e) => {
                    tracing::warn!("rebinding {addr}: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
            continue;
        };
        tokio::select! {
            accepted = l.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let svc = TowerToHyperService::new(router.clone());
                let tls = tls.clone();
                conns.spawn(async move {
                    let builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
                    let mut first = [0u8; 1];
                    let plain = match &tls {
                        Some(t) if t.also_http => matches!(stream.peek(&mut first).await, Ok(1) if first[0] != 0x16),
                        Some(_) => false,
                        None => true,
                    };
                    match tls.filter(|_| !plain) {
                        Some(t) => {
                            if let Ok(s) = t.acceptor.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(s), svc).await;
                            }
                        }
                        None => {
                            let _ = builder.serve_connection(TokioIo::new(stream), svc).await;
                        }
                    }
                });
                while conns.try_join_next().is_some() {}
            }
            changed = behaviour.changed() => {
                if changed.is_err() { return; }
            }
        }
    }
}

pub fn token_of(headers: &HeaderMap, query: &str) -> Option<String> {
    if let Some(t) = headers.get("x-plex-token").and_then(|v| v.to_str().ok()) {
        return Some(t.to_string());
    }
    query_param(query, "X-Plex-Token")
}

pub fn query_param(query: &str, name: &str) -> Option<String> {
    url_pairs(query).find(|(k, _)| k == name).map(|(_, v)| v)
}

pub fn url_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (decode(k), decode(v))
    })
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'+', _) => out.push(b' '),
            (b'%', Some(b)) => {
                out.push(b);
                i += 2;
            }
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Records the request, then answers the way this listener is told to.
pub async fn behave(State(ctx): State<Arc<ListenerCtx>>, req: Request, next: Next) -> Response {
    let query = req.uri().query().unwrap_or("").to_string();
    let path = req.uri().path().to_string();
    let headers = req.headers();
    ctx.shared.record(RecordedRequest {
        listener: ctx.name.clone(),
        method: req.method().to_string(),
        path: path.clone(),
        query: query.clone(),
        token: token_of(headers, &query),
        accept: headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).map(str::to_string),
        client_identifier: headers.get("x-plex-client-identifier").and_then(|v| v.to_str().ok()).map(str::to_string),
        session: headers.get("x-plex-session-identifier").and_then(|v| v.to_str().ok()).map(str::to_string),
        range: headers.get(header::RANGE).and_then(|v| v.to_str().ok()).map(str::to_string),
    });
    if path.starts_with("/admin") || path.starts_with("/auth") {
        return next.run(req).await;
    }
    let mut behaviour = ctx.behaviour.borrow().clone();
    if let Behaviour::ExceptIdentity(inner) = behaviour {
        behaviour = if path == "/identity" { Behaviour::Ok } else { *inner };
    }
    match behaviour {
        Behaviour::ExceptIdentity(_) => next.run(req).await,
        Behaviour::RedirectLoop => {
            let target = format!("{path}{}{query}", if query.is_empty() { "" } else { "?" });
            (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
        }
        Behaviour::Status(code) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut resp = (status, format!("{code} on purpose")).into_response();
            if code == 429 {
                resp.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
            }
            resp
        }
        Behaviour::WrongContentType => (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!doctype html><html><body><h1>Welcome to the router</h1></body></html>",
        )
            .into_response(),
        Behaviour::Dribble => {
            let resp = next.run(req).await;
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let pieces: Vec<Bytes> = bytes.chunks(1).map(Bytes::copy_from_slice).collect();
            let stream = futures::stream::iter(pieces).then(|p| async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                Ok::<Bytes, std::io::Error>(p)
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Behaviour::Ok => next.run(req).await,
        // Told to go away while this request was on its way (an open
        // connection, or one accepted before the listener closed): it is
        // never answered, and the connection goes with the listener.
        Behaviour::Refuse => std::future::pending().await,
        Behaviour::Delay(ms) => {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            next.run(req).await
        }
        Behaviour::Hang => {
            // Listener names are "{server}#{connection}".
            let server = ctx.name.split('#').next().unwrap_or(&ctx.name);
            let _held = crate::state::Held::new(&ctx.shared, server);
            std::future::pending::<()>().await;
            unreachable!()
        }
        Behaviour::Error500 => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
        Behaviour::LibraryError500 if path == "/identity" => next.run(req).await,
        Behaviour::LibraryError500 => (StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error").into_response(),
        Behaviour::WrongIdentity => {
            if path == "/identity" || path == "/" {
                let json = wants_json(req.headers());
                let v = serde_json::json!({"MediaContainer": {"size": 0, "claimed": true,
                    "machineIdentifier": ctx.imposter_id, "version": "1.40.0.0000-other"}});
                crate::pms::render(json, v)
            } else {
                (
                    StatusCode::UNAUTHORIZED,
                    "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
                )
                    .into_response()
            }
        }
        Behaviour::Malformed => (
            [(header::CONTENT_TYPE, "application/json")],
            "{\"MediaContainer\": {\"size\": 1, \"machineIdentifier\": <html>oops",
        )
            .into_response(),
        Behaviour::Truncated => {
            let resp = next.run(req).await;
            let (mut parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let half = bytes.slice(..bytes.len() / 2);
            parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len().max(2)));
            // Half the body goes out (and is flushed) before the connection drops.
            let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(half) }).chain(
                futures::stream::once(async {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    Err(std::io::Error::other("truncated on purpose"))
                }),
            );
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Behaviour::Huge(mb) => {
            let head = Bytes::from_static(b"{\"MediaContainer\":{\"size\":0,\"padding\":\"");
            let chunk = Bytes::from(vec![b'x'; 1 << 20]);
            let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(head) })
                .chain(futures::stream::iter((0..mb).map(move |_| Ok(chunk.clone()))))
                .chain(futures::stream::once(async { Ok(Bytes::from_static(b"\"}}")) }));
            ([(header::CONTENT_TYPE, "application/json")], Body::from_stream(stream)).into_response()
        }
        Behaviour::Slow => {
            let resp = next.run(req).await;
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            let pieces: Vec<Bytes> = bytes.chunks(16).map(Bytes::copy_from_slice).collect();
            let stream = futures::stream::iter(pieces).then(|p| async move {
                tokio::time::sleep(Duration::from_millis(250)).await;
                Ok::<Bytes, std::io::Error>(p)
            });
            Response::from_parts(parts, Body::from_stream(stream))
        }
        Behaviour::Redirect => {
            let target = format!("{}{}{}{}", ctx.shared.sink_url, path, if query.is_empty() { "" } else { "?" }, query);
            (StatusCode::FOUND, [(header::LOCATION, target)]).into_response()
        }
    }
}

pub fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"))
}

/// The "other host": answers anything, so a test can see what reached it.
pub fn sink_router(shared: Arc<Shared>, behaviour: watch::Receiver<Behaviour>) -> Router {
    let ctx = Arc::new(ListenerCtx { name: "sink".into(), shared, behaviour, imposter_id: String::new() });
    Router::new().fallback(|| async { "sink" }).layer(axum::middleware::from_fn_with_state(ctx, behave))
}
