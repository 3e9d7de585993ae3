//! plex.tv: PINs, user, resources, ping; a sign-in page at the PIN's auth URL;
//! and the admin calls tests use to act as the user and to break things.

use crate::net::{query_param, token_of, wants_json};
use crate::state::{Pin, Shared};
use crate::topology::Behaviour;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn error(status: StatusCode, code: u32, message: &str) -> Response {
    (status, Json(json!({"errors": [{"code": code, "message": message, "status": status.as_u16()}]}))).into_response()
}

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/api/v2/pins", post(create_pin))
        .route("/api/v2/pins/{id}", get(check_pin))
        .route("/api/v2/user", get(user))
        .route("/api/v2/resources", get(resources))
        .route("/api/v2/ping", get(ping))
        .route("/auth", get(auth_page))
        .route("/auth/link", post(auth_link))
        .route("/admin/pins", get(admin_pins))
        .route("/admin/pins/{id}/approve", post(admin_approve))
        .route("/admin/pins/{id}/expire", post(admin_expire))
        .route("/admin/requests", get(admin_requests).delete(admin_clear))
        .route("/admin/behaviour", post(admin_behaviour))
        .with_state(shared)
}

fn pin_json(p: &Pin) -> Value {
    let left = p.expires.saturating_duration_since(Instant::now()).as_secs();
    let expires_at = p.created + chrono::Duration::from_std(p.lifetime).unwrap_or_default();
    json!({
        "id": p.id, "code": p.code, "product": "Plex Web", "trusted": false,
        "qr": format!("https://plex.tv/api/v2/pins/qr/{}", p.code),
        "clientIdentifier": p.client_identifier,
        "location": {"code": "US", "european_union_member": false, "continent_code": "NA",
                     "country": "United States", "city": "Loopback", "time_zone": "UTC",
                     "postal_code": "00000", "in_privacy_restricted_country": false,
                     "subdivisions": "", "coordinates": "0, 0"},
        "expiresIn": left,
        "createdAt": p.created.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "expiresAt": expires_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "authToken": p.auth_token, "newRegistration": Value::Null,
    })
}

fn client_id(headers: &HeaderMap, q: &str) -> Option<String> {
    headers
        .get("x-plex-client-identifier")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| query_param(q, "X-Plex-Client-Identifier"))
        .filter(|s| !s.is_empty())
}

async fn create_pin(State(s): State<Arc<Shared>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    let q = q.unwrap_or_default();
    let Some(cid) = client_id(&headers, &q) else {
        return error(StatusCode::BAD_REQUEST, 1000, "X-Plex-Client-Identifier is missing");
    };
    let strong = query_param(&q, "strong").as_deref() == Some("true");
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let raw = uuid::Uuid::new_v4();
    let len = if strong { 25 } else { 4 };
    let code: String = raw
        .as_bytes()
        .iter()
        .chain(uuid::Uuid::new_v4().as_bytes().iter())
        .take(len)
        .map(|b| ALPHABET[(*b as usize) % ALPHABET.len()] as char)
        .collect();
    let Ok(mut pins) = s.pins.lock() else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, 1, "state poisoned");
    };
    let id = 1_000_000 + pins.len() as u64 * 7 + (raw.as_bytes()[0] as u64);
    let pin = Pin {
        id,
        code,
        client_identifier: cid,
        created: chrono::Utc::now(),
        expires: Instant::now() + s.pin_lifetime,
        lifetime: s.pin_lifetime,
        auth_token: None,
        polls: 0,
    };
    let body = pin_json(&pin);
    pins.insert(id, pin);
    (StatusCode::CREATED, Json(body)).into_response()
}

async fn check_pin(
    State(s): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Response {
    let q = q.unwrap_or_default();
    let cid = client_id(&headers, &q);
    let Ok(mut pins) = s.pins.lock() else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, 1, "state poisoned");
    };
    let pin = id.parse::<u64>().ok().and_then(|id| pins.get_mut(&id));
    match pin {
        Some(p) if Some(&p.client_identifier) == cid.as_ref() && p.expires > Instant::now() => {
            p.polls += 1;
            (StatusCode::OK, Json(pin_json(p))).into_response()
        }
        _ => error(StatusCode::NOT_FOUND, 1020, "Code not found or expired"),
    }
}

fn user_json(s: &Shared) -> Value {
    let a = &s.account;
    json!({
        "id": a.id, "uuid": format!("{:016x}", a.id), "username": a.username, "title": a.username,
        "email": a.email, "friendlyName": a.username, "locale": Value::Null, "confirmed": true,
        "joinedAt": 1_600_000_000, "emailOnlyAuth": false, "hasPassword": true, "protected": false,
        "thumb": format!("https://plex.tv/users/{:016x}/avatar", a.id), "authToken": s.account_token,
        "mailingListStatus": "unsubscribed", "mailingListActive": false, "scrobbleTypes": "1",
        "country": "US", "restricted": false, "anonymous": Value::Null, "home": false, "guest": false,
        "homeSize": 1, "homeAdmin": true, "maxHomeSize": 15, "rememberExpiresAt": 1_900_000_000,
        "adsConsent": Value::Null, "adsConsentSetAt": Value::Null, "adsConsentReminderAt": Value::Null,
        "experimentalFeatures": false, "twoFactorEnabled": false, "backupCodesCreated": false,
        "subscription": {"active": false, "subscribedAt": Value::Null, "status": "Inactive",
                          "paymentService": Value::Null, "plan": Value::Null, "features": []},
        "profile": {"autoSelectAudio": true, "defaultAudioLanguage": "en", "defaultSubtitleLanguage": "en",
                    "autoSelectSubtitle": 0, "defaultSubtitleAccessibility": 0, "defaultSubtitleForces": 0},
        "entitlements": [], "roles": [], "services": [],
    })
}

fn user_xml(s: &Shared) -> String {
    let v = user_json(s);
    let mut attrs = String::new();
    if let Value::Object(m) = &v {
        for (k, val) in m {
            let text = match val {
                Value::String(t) => t.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => if *b { "1" } else { "0" }.into(),
                _ => continue,
            };
            attrs.push_str(&format!(" {k}=\"{}\"", crate::xml::escape(&text)));
        }
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<user{attrs}><subscription active=\"0\" subscribedAt=\"\" status=\"Inactive\" paymentService=\"\" plan=\"\"><features/></subscription><profile autoSelectAudio=\"1\" defaultAudioLanguage=\"en\" defaultSubtitleLanguage=\"en\" autoSelectSubtitle=\"0\" defaultSubtitleAccessibility=\"0\" defaultSubtitleForces=\"0\"/><entitlements/><roles/><services/></user>"
    )
}

fn signed_in(s: &Shared, headers: &HeaderMap, q: &Option<String>) -> bool {
    token_of(headers, q.as_deref().unwrap_or("")).as_deref() == Some(s.account_token.as_str())
}

fn invalid_token() -> Response {
    error(StatusCode::UNAUTHORIZED, 1001, "User could not be authenticated")
}

async fn user(State(s): State<Arc<Shared>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if !signed_in(&s, &headers, &q) {
        return invalid_token();
    }
    if wants_json(&headers) {
        Json(user_json(&s)).into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/xml")], user_xml(&s)).into_response()
    }
}

async fn ping(State(s): State<Arc<Shared>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if !signed_in(&s, &headers, &q) {
        return invalid_token();
    }
    if wants_json(&headers) {
        Json(json!({"pong": true})).into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/xml")], "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<pong/>")
            .into_response()
    }
}

fn resources_json(s: &Shared, q: &str) -> Value {
    let include_relay = query_param(q, "includeRelay").as_deref() == Some("1");
    let include_ipv6 = query_param(q, "includeIPv6").as_deref() == Some("1");
    let list: Vec<Value> = s
        .servers
        .iter()
        .map(|srv| {
            let conns: Vec<Value> = srv
                .connections
                .iter()
                .filter(|c| (include_relay || !c.relay) && (include_ipv6 || !c.ipv6))
                .map(|c| {
                    json!({"protocol": c.protocol.scheme(), "address": c.address, "port": c.port,
                           "uri": c.uri, "local": c.local, "relay": c.relay, "IPv6": c.ipv6})
                })
                .collect();
            json!({
                "name": srv.spec.name, "product": "Plex Media Server", "productVersion": srv.spec.version(),
                "platform": "Linux", "platformVersion": "6.1", "device": "PC",
                "clientIdentifier": srv.machine_id, "createdAt": "2024-01-01T00:00:00Z",
                "lastSeenAt": "2026-11-01T00:00:00Z", "provides": srv.spec.provides,
                "ownerId": if srv.spec.owned { Value::Null } else { json!(9_999_001) },
                "sourceTitle": if srv.spec.owned { Value::Null } else { json!("friend") },
                "publicAddress": "127.0.0.1", "accessToken": srv.access_token, "owned": srv.spec.owned,
                "home": false, "synced": false, "relay": true, "presence": true,
                "httpsRequired": srv.spec.https_required, "publicAddressMatches": true,
                "dnsRebindingProtection": false, "natLoopbackSupported": false,
                "connections": conns,
            })
        })
        .collect();
    Value::Array(list)
}

async fn resources(State(s): State<Arc<Shared>>, headers: HeaderMap, RawQuery(q): RawQuery) -> Response {
    if !signed_in(&s, &headers, &q) {
        return invalid_token();
    }
    let v = resources_json(&s, q.as_deref().unwrap_or(""));
    if wants_json(&headers) {
        return Json(v).into_response();
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<resources>");
    for r in v.as_array().into_iter().flatten() {
        let mut r = r.clone();
        let conns = r.as_object_mut().and_then(|m| m.remove("connections")).unwrap_or(Value::Null);
        let mut res = String::new();
        crate::xml::element(&mut res, "resource", &r);
        let mut inner = String::from("<connections>");
        for c in conns.as_array().into_iter().flatten() {
            crate::xml::element(&mut inner, "connection", c);
        }
        inner.push_str("</connections></resource>");
        // element() closed the tag itself ("/>"); reopen it to hold the connections.
        if let Some(stripped) = res.strip_suffix("/>") {
            out.push_str(stripped);
            out.push('>');
            out.push_str(&inner);
        }
    }
    out.push_str("</resources>");
    ([(header::CONTENT_TYPE, "application/xml")], out).into_response()
}

/// Stands in for app.plex.tv/auth: the PIN's code travels in the fragment, so
/// a little script reads it and posts it back.
async fn auth_page(State(s): State<Arc<Shared>>) -> Html<String> {
    Html(format!(
        r#"<!doctype html><html><head><meta charset="utf-8"><title>fake-plex sign-in</title>
<style>body{{font-family:sans-serif;max-width:28em;margin:4em auto;text-align:center}}
button{{font-size:1.2em;padding:.5em 1.5em}}</style></head><body>
<h1>fake-plex</h1><p>This is the demo stand-in for plex.tv.</p>
<p>Sign in as <b>{user}</b> to link the app showing code <b id="code">…</b>?</p>
<form method="post" action="/auth/link"><input type="hidden" name="code" id="field">
<button type="submit">Sign in</button></form>
<script>
const p = new URLSearchParams(location.hash.replace(/^#\??/, ''));
const code = p.get('code') || '';
document.getElementById('code').textContent = code;
document.getElementById('field').value = code;
</script></body></html>"#,
        user = crate::xml::escape(&s.account.username)
    ))
}

#[derive(Deserialize)]
struct LinkForm {
    code: String,
}

fn approve_where(s: &Shared, pred: impl Fn(&Pin) -> bool) -> bool {
    let Ok(mut pins) = s.pins.lock() else {
        return false;
    };
    let mut found = false;
    for p in pins.values_mut().filter(|p| pred(p) && p.expires > Instant::now()) {
        p.auth_token = Some(s.account_token.clone());
        found = true;
    }
    found
}

async fn auth_link(State(s): State<Arc<Shared>>, Form(f): Form<LinkForm>) -> Response {
    if approve_where(&s, |p| p.code == f.code) {
        Html("<!doctype html><html><body style='font-family:sans-serif;text-align:center;margin-top:4em'><h1>Signed in</h1><p>You can go back to Reel now.</p></body></html>").into_response()
    } else {
        (StatusCode::NOT_FOUND, Html("<!doctype html><html><body><h1>That code has expired</h1></body></html>"))
            .into_response()
    }
}

async fn admin_pins(State(s): State<Arc<Shared>>) -> Response {
    let pins = s
        .pins
        .lock()
        .map(|p| {
            p.values()
                .map(|p| json!({"id": p.id, "code": p.code, "polls": p.polls, "linked": p.auth_token.is_some()}))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    Json(pins).into_response()
}

async fn admin_approve(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    // Accepts the numeric id or the code, like a user typing it at plex.tv/link.
    if approve_where(&s, |p| p.id.to_string() == id || p.code == id) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        error(StatusCode::NOT_FOUND, 1020, "Code not found or expired")
    }
}

async fn admin_expire(State(s): State<Arc<Shared>>, Path(id): Path<String>) -> Response {
    let Ok(mut pins) = s.pins.lock() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match id.parse::<u64>().ok().and_then(|id| pins.get_mut(&id)) {
        Some(p) => {
            p.expires = Instant::now() - Duration::from_millis(1);
            StatusCode::NO_CONTENT.into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn admin_requests(State(s): State<Arc<Shared>>) -> Response {
    let log = s.requests.lock().map(|l| l.clone()).unwrap_or_default();
    Json(log).into_response()
}

async fn admin_clear(State(s): State<Arc<Shared>>) -> Response {
    if let Ok(mut l) = s.requests.lock() {
        l.clear();
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
pub struct BehaviourChange {
    /// "plextv", or a server's machine identifier or name.
    pub target: String,
    /// Connection index within the server (all of them when absent).
    #[serde(default)]
    pub connection: Option<usize>,
    pub behaviour: Behaviour,
}

pub fn apply_behaviour(s: &Shared, change: &BehaviourChange) -> bool {
    if change.target == "plextv" {
        s.plextv_behaviour.send_replace(change.behaviour.clone());
        return true;
    }
    let Some(srv) = s.servers.iter().find(|srv| srv.machine_id == change.target || srv.spec.name == change.target)
    else {
        return false;
    };
    let mut any = false;
    for c in srv.connections.iter().filter(|c| change.connection.is_none_or(|i| i == c.index)) {
        c.behaviour.send_replace(change.behaviour.clone());
        any = true;
    }
    any
}

async fn admin_behaviour(State(s): State<Arc<Shared>>, Json(change): Json<BehaviourChange>) -> Response {
    if apply_behaviour(&s, &change) {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}
