//! The one HTTP client of the core: Plex headers on every request, verified
//! TLS (plus an extra trusted CA for test servers), no redirects to other
//! hosts, and a cap on how much of an answer is read.

use crate::error::{Error, Result};
use crate::token::Token;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use std::time::Duration;
use url::Url;

/// Who Reel says it is to plex.tv and servers.
#[derive(Debug, Clone)]
pub struct ClientIdentity {
    pub client_identifier: String,
    pub product: String,
    pub version: String,
    pub device_name: String,
}

impl ClientIdentity {
    pub fn new(client_identifier: impl Into<String>) -> Self {
        let device_name = std::fs::read_to_string("/etc/hostname")
            .ok()
            .map(|h| h.trim().to_string())
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "Linux".into());
        Self {
            client_identifier: client_identifier.into(),
            product: "Reel".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            device_name,
        }
    }
}

/// Environment variable naming a PEM file of one more CA to trust (fake-plex's).
pub const EXTRA_CA_ENV: &str = "REEL_EXTRA_CA_FILE";

/// Answers larger than this are refused (a 50 000-item page stays well below).
pub const DEFAULT_BODY_LIMIT: usize = 32 << 20;

#[derive(Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    identity: ClientIdentity,
    /// The CA trusted beyond the system's (PEM), for whoever else fetches
    /// from the same servers (the player).
    extra_ca: Option<std::sync::Arc<[u8]>>,
}

fn header(v: &str) -> Result<HeaderValue> {
    HeaderValue::from_str(v).map_err(|_| Error::Setup(format!("not usable in an HTTP header: {v:?}")))
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

impl HttpClient {
    /// Trusts the system's roots plus, when `REEL_EXTRA_CA_FILE` is set, that CA.
    pub fn new(identity: ClientIdentity) -> Result<Self> {
        // An unreadable extra CA only means its servers will not verify; starting
        // (and browsing the cache) must not depend on it.
        let extra = std::env::var(EXTRA_CA_ENV).ok().and_then(|path| match std::fs::read(&path) {
            Ok(pem) => Some(pem),
            Err(e) => {
                tracing::warn!("{EXTRA_CA_ENV}={path} cannot be read ({e}); not trusting it");
                None
            }
        });
        match Self::with_extra_ca(identity.clone(), extra.as_deref()) {
            Err(e) if extra.is_some() => {
                tracing::warn!("{EXTRA_CA_ENV} is not a usable certificate ({e}); not trusting it");
                Self::with_extra_ca(identity, None)
            }
            r => r,
        }
    }

    pub fn with_extra_ca(identity: ClientIdentity, extra_ca_pem: Option<&[u8]>) -> Result<Self> {
        Self::with_resolver_overrides(identity, extra_ca_pem, &[])
    }

    /// As [`with_extra_ca`](Self::with_extra_ca), with names resolved to the
    /// given addresses instead of asking DNS; no addresses means the name
    /// does not resolve. Tests use this to stand in for a router's DNS, which
    /// they may not reach.
    pub fn with_resolver_overrides(
        identity: ClientIdentity,
        extra_ca_pem: Option<&[u8]>,
        overrides: &[(String, Vec<std::net::SocketAddr>)],
    ) -> Result<Self> {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert("X-Plex-Client-Identifier", header(&identity.client_identifier)?);
        headers.insert("X-Plex-Product", header(&identity.product)?);
        headers.insert("X-Plex-Version", header(&identity.version)?);
        headers.insert("X-Plex-Platform", HeaderValue::from_static("Linux"));
        headers.insert("X-Plex-Device", HeaderValue::from_static("Linux"));
        headers.insert("X-Plex-Device-Name", header(&identity.device_name)?);
        let mut builder = reqwest::Client::builder()
            .default_headers(headers)
            .connect_timeout(Duration::from_secs(10))
            .pool_idle_timeout(Duration::from_secs(60))
            // A token rides along on every request, so never follow a server to another host.
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let same = attempt.previous().last().is_some_and(|prev| same_origin(prev, attempt.url()));
                if same && attempt.previous().len() < 5 {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }));
        for (name, addrs) in overrides {
            builder = builder.resolve_to_addrs(name, addrs);
        }
        if let Some(pem) = extra_ca_pem {
            let cert = reqwest::Certificate::from_pem(pem).map_err(|e| Error::Setup(format!("extra CA: {e}")))?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder.build().map_err(|e| Error::Setup(e.to_string()))?;
        Ok(Self { client, identity, extra_ca: extra_ca_pem.map(std::sync::Arc::from) })
    }

    /// The certificate authority trusted beyond the system's, if any (PEM).
    pub fn extra_ca_pem(&self) -> Option<&[u8]> {
        self.extra_ca.as_deref()
    }

    pub fn identity(&self) -> &ClientIdentity {
        &self.identity
    }

    pub fn request(&self, method: Method, url: &Url, token: Option<&Token>, timeout: Duration) -> RequestBuilder {
        let mut rb = self.client.request(method, url.clone()).timeout(timeout);
        if let Some(t) = token {
            rb = rb.header("X-Plex-Token", t.expose());
        }
        rb
    }

    /// Sends and classifies transport failures; HTTP statuses are left to the caller.
    pub async fn send(&self, rb: RequestBuilder, url: &Url) -> Result<Response> {
        let resp = rb.send().await.map_err(|e| transport_error(url, &e))?;
        if resp.status().is_redirection() {
            let location =
                resp.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
            return Err(Error::Redirected { host: host_of(url), location });
        }
        Ok(resp)
    }

    /// GET a JSON document: status checked, size capped, shape typed.
    pub async fn get_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        token: Option<&Token>,
        timeout: Duration,
    ) -> Result<T> {
        let resp = self.send(self.request(Method::GET, url, token, timeout), url).await?;
        let status = resp.status();
        let body = read_limited(resp, url, DEFAULT_BODY_LIMIT).await?;
        check_status(status, url, &body)?;
        parse_json(url, &body)
    }
}

pub fn host_of(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        _ => url.to_string(),
    }
}

pub fn transport_error(url: &Url, e: &reqwest::Error) -> Error {
    if e.is_timeout() {
        return Error::Timeout { host: host_of(url) };
    }
    let reason = if e.is_connect() {
        let mut src: Option<&dyn std::error::Error> = Some(e);
        let mut last = e.to_string();
        while let Some(s) = src {
            last = s.to_string();
            src = s.source();
        }
        format!("could not connect ({last})")
    } else if e.is_body() || e.is_decode() {
        "the connection broke off in the middle of the answer".to_string()
    } else {
        let mut src: Option<&dyn std::error::Error> = Some(e);
        let mut last = e.to_string();
        while let Some(s) = src {
            last = s.to_string();
            src = s.source();
        }
        last
    };
    Error::Offline { host: host_of(url), reason }
}

/// Reads at most `limit` bytes; a larger or broken body is an error, not a partial answer.
pub async fn read_limited(mut resp: Response, url: &Url, limit: usize) -> Result<Vec<u8>> {
    if resp.content_length().is_some_and(|n| n as usize > limit) {
        return Err(Error::TooLarge { host: host_of(url), limit });
    }
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(Error::TooLarge { host: host_of(url), limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(if e.is_timeout() {
                    Error::Timeout { host: host_of(url) }
                } else {
                    Error::BadResponse { host: host_of(url), reason: "the answer was cut off".into() }
                })
            }
        }
    }
}

pub fn check_status(status: StatusCode, url: &Url, body: &[u8]) -> Result<()> {
    if status.is_success() {
        return Ok(());
    }
    if status == StatusCode::UNAUTHORIZED {
        return Err(Error::Unauthorized);
    }
    Err(Error::Http { host: host_of(url), status: status.as_u16(), message: plex_error_message(body) })
}

/// plex.tv's `{"errors":[{"code":…,"message":…,"status":…}]}`.
pub fn plex_error_message(body: &[u8]) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Vec<PlexError>,
    }
    #[derive(serde::Deserialize)]
    struct PlexError {
        #[serde(default)]
        message: Option<String>,
    }
    let e: Errors = serde_json::from_slice(body).ok()?;
    e.errors.into_iter().find_map(|e| e.message)
}

pub fn plex_error_code(body: &[u8]) -> Option<u64> {
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("errors")?.get(0)?.get("code")?.as_u64()
}

pub fn parse_json<T: DeserializeOwned>(url: &Url, body: &[u8]) -> Result<T> {
    serde_json::from_slice(body).map_err(|e| Error::BadResponse {
        host: host_of(url),
        reason: if body.first().is_some_and(|b| *b == b'<') {
            "expected JSON, got XML or HTML".into()
        } else {
            format!("{e}")
        },
    })
}
