//! An account that is one server, reached by its address with a token,
//! for people without plex.tv: the address is checked to be a Plex server,
//! the token to be accepted there, and the token goes nowhere else.

use super::{token_key, AuthManager};
use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result};
use crate::models::{AuthProvider, Connection, ConnectionInfo, Reason, Source, SourceType};
use crate::token::Token;
use chrono::Utc;
use std::time::Duration;
use tracing::{info, info_span, Instrument};

/// A host on this machine or the local network (private, link-local, loopback, `.local`).
fn is_local_host(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_private() || ip.is_loopback() || ip.is_link_local(),
        Some(url::Host::Ipv6(ip)) => {
            ip.is_loopback() || (ip.segments()[0] & 0xfe00) == 0xfc00 || ip.is_unicast_link_local()
        }
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".local"),
        None => false,
    }
}

impl AuthManager {
    /// Signs in to one server by its address and a token, without plex.tv:
    /// checks that a Plex server answers there and accepts the token, keeps
    /// the token in the keyring, and records the server as the provider's only
    /// source. The token is only ever sent to that address.
    pub async fn add_server_token(&self, url: &str, token: &Token) -> Result<(AuthProvider, Source)> {
        let url = url.trim().trim_end_matches('/');
        let parsed = url::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| Error::NotAServerAddress { address: url.to_string() })?;
        let identity = PlexServerClient::identity_at(self.http(), &parsed, Duration::from_secs(10))
            .instrument(info_span!("add_server", host = %crate::http::host_of(&parsed)))
            .await?;
        if identity.machine_identifier.is_empty() {
            return Err(Error::BadResponse {
                host: crate::http::host_of(&parsed),
                reason: "it did not say which server it is".into(),
            });
        }
        let client = PlexServerClient::new(self.http().clone(), url, token.clone())?;
        // `GET /` needs a valid token: it proves the token, and names the server.
        let friendly = match client.friendly_name().await {
            Err(Error::Unauthorized) => return Err(Error::TokenRejected { host: crate::http::host_of(&parsed) }),
            r => r?,
        };
        let local = is_local_host(&parsed);
        if !local && parsed.scheme() == "http" {
            return Err(Error::PlainHttpRemote);
        }
        let id = format!("server_{}", identity.machine_identifier);
        let name = friendly.unwrap_or_else(|| parsed.host_str().unwrap_or(url).to_string());
        self.secrets.set(&token_key(&id), token).await?;
        let connection = Connection {
            uri: url.to_string(),
            protocol: parsed.scheme().to_string(),
            address: parsed.host_str().unwrap_or_default().trim_matches(['[', ']']).to_string(),
            port: parsed.port_or_known_default().unwrap_or(0),
            local,
            relay: false,
            ipv6: matches!(parsed.host(), Some(url::Host::Ipv6(_))),
            fallback_for: None,
        };
        let source = Source {
            id: format!("{id}_srv_{}", identity.machine_identifier).into(),
            name: name.clone(),
            source_type: SourceType::PlexServer { machine_id: identity.machine_identifier.clone(), owned: true },
            auth_provider_id: Some(id.as_str().into()),
            connection_info: ConnectionInfo {
                primary_url: Some(url.to_string()),
                is_online: true,
                last_check: Some(Utc::now()),
                connections: vec![connection],
                reason: Some(Reason::EnteredAddress),
                ..Default::default()
            },
            enabled: true,
            last_sync: None,
            library_count: 0,
            extra: Default::default(),
        };
        let provider = AuthProvider::PlexServerToken { id: id.as_str().into(), name, url: url.to_string() };
        let (p, src) = (provider.clone(), source.clone());
        self.config().update(|c| {
            c.runtime.auth_providers.insert(id.clone(), p);
            c.runtime.cached_sources.insert(id.clone(), vec![src]);
            c.runtime.sources_last_fetched.insert(id.clone(), Utc::now());
        })?;
        self.providers.write().await.insert(id.clone(), provider.clone());
        self.store.verified().confirm(source.id.as_str(), url);
        info!(provider = %id, token = %token.redacted(), "added a server by address");
        Ok((provider, source))
    }
}
