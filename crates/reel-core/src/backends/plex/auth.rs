//! plex.tv: sign-in by PIN, the user, the user's resources (servers), ping.

use super::types::{PlexResource, PlexUser, WirePin};
use crate::error::{Error, Result};
use crate::http::{check_status, host_of, parse_json, plex_error_code, read_limited, HttpClient, DEFAULT_BODY_LIMIT};
use crate::token::Token;
use reqwest::Method;
use std::time::{Duration, Instant};
use tracing::{debug, info_span, Instrument};
use url::Url;

pub const PLEX_TV_URL_ENV: &str = "REEL_PLEX_TV_URL";
pub const PLEX_AUTH_URL_ENV: &str = "REEL_PLEX_AUTH_URL";
const DEFAULT_PLEX_TV: &str = "https://plex.tv";
const DEFAULT_AUTH_URL: &str = "https://app.plex.tv/auth";
const PLEX_TV_TIMEOUT: Duration = Duration::from_secs(15);
/// plex.tv's "code not found or expired".
const PIN_EXPIRED_CODE: u64 = 1020;

#[derive(Clone)]
pub struct PlexAuth {
    http: HttpClient,
    base: Url,
    auth_url: String,
}

/// A PIN the user links at plex.tv.
#[derive(Debug, Clone)]
pub struct SignInPin {
    pub id: u64,
    pub code: String,
    pub expires: Instant,
    /// The page to open in the browser.
    pub auth_url: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PinStatus {
    Waiting,
    Linked(Token),
}

impl PlexAuth {
    /// plex.tv at `REEL_PLEX_TV_URL` (default https://plex.tv).
    pub fn new(http: HttpClient) -> Result<Self> {
        let base = std::env::var(PLEX_TV_URL_ENV).unwrap_or_else(|_| DEFAULT_PLEX_TV.into());
        let auth = std::env::var(PLEX_AUTH_URL_ENV).unwrap_or_else(|_| DEFAULT_AUTH_URL.into());
        Self::with_urls(http, &base, &auth)
    }

    pub fn with_urls(http: HttpClient, base: &str, auth_url: &str) -> Result<Self> {
        let base = Url::parse(base).map_err(|e| Error::Setup(format!("plex.tv URL {base:?}: {e}")))?;
        Ok(Self { http, base, auth_url: auth_url.trim_end_matches('/').to_string() })
    }

    fn url(&self, path: &str) -> Result<Url> {
        self.base.join(path).map_err(|e| Error::Internal(format!("{path}: {e}")))
    }

    pub async fn create_pin(&self) -> Result<SignInPin> {
        let url = self.url("/api/v2/pins?strong=true")?;
        async {
            let resp = self.http.send(self.http.request(Method::POST, &url, None, PLEX_TV_TIMEOUT), &url).await?;
            let status = resp.status();
            let body = read_limited(resp, &url, 1 << 20).await?;
            check_status(status, &url, &body)?;
            let pin: WirePin = parse_json(&url, &body)?;
            let lifetime = Duration::from_secs(pin.expires_in.unwrap_or(900).clamp(0, 86_400) as u64);
            let mut auth_url =
                Url::parse(&self.auth_url).map_err(|e| Error::Setup(format!("sign-in page URL: {e}")))?;
            let fragment = format!(
                "?clientID={}&code={}&context%5Bdevice%5D%5Bproduct%5D=Reel",
                urlencode(&self.http.identity().client_identifier),
                urlencode(&pin.code)
            );
            auth_url.set_fragment(Some(&fragment));
            debug!(pin = pin.id, "created sign-in PIN");
            Ok(SignInPin {
                id: pin.id,
                code: pin.code,
                expires: Instant::now() + lifetime,
                auth_url: auth_url.to_string(),
            })
        }
        .instrument(info_span!("create_pin", host = %host_of(&url)))
        .await
    }

    pub async fn check_pin(&self, pin: &SignInPin) -> Result<PinStatus> {
        let url = self.url(&format!("/api/v2/pins/{}", pin.id))?;
        let resp = self.http.send(self.http.request(Method::GET, &url, None, PLEX_TV_TIMEOUT), &url).await?;
        let status = resp.status();
        let body = read_limited(resp, &url, 1 << 20).await?;
        if status.as_u16() == 404 && plex_error_code(&body).is_none_or(|c| c == PIN_EXPIRED_CODE) {
            return Err(Error::PinExpired);
        }
        check_status(status, &url, &body)?;
        let pin: WirePin = parse_json(&url, &body)?;
        Ok(match pin.auth_token.filter(|t| !t.is_empty()) {
            Some(t) => PinStatus::Linked(Token::new(t)),
            None => PinStatus::Waiting,
        })
    }

    /// Polls until the PIN is linked or expires. Cancel by dropping the future
    /// (or aborting its task): nothing is polled after that.
    pub async fn wait_for_pin(&self, pin: &SignInPin, interval: Duration) -> Result<Token> {
        let mut offline_in_a_row = 0;
        loop {
            if Instant::now() >= pin.expires {
                return Err(Error::PinExpired);
            }
            match self.check_pin(pin).await {
                Ok(PinStatus::Linked(token)) => return Ok(token),
                Ok(PinStatus::Waiting) => offline_in_a_row = 0,
                // A blip should not end the sign-in; plex.tv staying away should.
                Err(e) if e.is_offline() && offline_in_a_row < 4 => offline_in_a_row += 1,
                Err(e) => return Err(e),
            }
            tokio::time::sleep(interval).await;
        }
    }

    pub async fn user(&self, token: &Token) -> Result<PlexUser> {
        let url = self.url("/api/v2/user")?;
        self.http
            .get_json(&url, Some(token), PLEX_TV_TIMEOUT)
            .instrument(info_span!("plex_user", host = %host_of(&url), token = %token.redacted()))
            .await
    }

    /// Every device of the account (servers and players alike).
    pub async fn resources(&self, token: &Token) -> Result<Vec<PlexResource>> {
        let url = self.url("/api/v2/resources?includeHttps=1&includeRelay=1&includeIPv6=1")?;
        async {
            let resp = self.http.send(self.http.request(Method::GET, &url, Some(token), PLEX_TV_TIMEOUT), &url).await?;
            let status = resp.status();
            let body = read_limited(resp, &url, DEFAULT_BODY_LIMIT).await?;
            check_status(status, &url, &body)?;
            parse_json(&url, &body)
        }
        .instrument(info_span!("plex_resources", host = %host_of(&url), token = %token.redacted()))
        .await
    }

    /// The servers among the account's resources.
    pub async fn discover_servers(&self, token: &Token) -> Result<Vec<PlexResource>> {
        Ok(self.resources(token).await?.into_iter().filter(PlexResource::is_server).collect())
    }

    #[cfg(any(test, feature = "internals"))]
    pub async fn ping(&self, token: &Token) -> Result<()> {
        let url = self.url("/api/v2/ping")?;
        let resp = self.http.send(self.http.request(Method::GET, &url, Some(token), PLEX_TV_TIMEOUT), &url).await?;
        let status = resp.status();
        let body = read_limited(resp, &url, 1 << 16).await?;
        check_status(status, &url, &body)
    }
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
