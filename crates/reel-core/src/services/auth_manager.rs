//! AuthManager: accounts, server discovery and the three layers Reel
//! remembers them in — the provider map in memory, `config.toml` (no
//! secrets), and the keyring (secrets).

use crate::backends::plex::types::PlexResource;
use crate::backends::plex::{PlexAuth, PlexServerClient};
use crate::config::{ConfigStore, LoadNotice};
use crate::error::{Error, Result};
use crate::http::{ClientIdentity, HttpClient};
use crate::models::{AuthProvider, Connection, ConnectionInfo, ProbeRecord, Source, SourceType};
use crate::services::connection::{self, not_allowed, static_order, tier, ProbePolicy, Selection, Target};
use crate::services::connection_history::{record_selection, ServerHistory};
use crate::services::secrets::{SecretStore, LEGACY_SERVICE, SERVICE};
use crate::token::Token;
use chrono::Utc;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::RwLock;
use tracing::{debug, info, info_span, warn, Instrument};

/// Where a list of sources came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// Just discovered from plex.tv and probed.
    Fresh,
    /// From config.toml, still within its lifetime.
    Cache,
    /// From config.toml because discovery failed; the error, in words.
    StaleCache { error: String },
}

#[derive(Debug, Clone)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub origin: Origin,
}

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

#[derive(Debug, Clone, Copy)]
enum TtlChange {
    Unchanged,
    Changed,
    Failed,
    NetworkChanged,
}

/// The same servers with the same connections: nothing plex.tv said has changed.
fn same_servers(old: &[Source], new: &[Source]) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(a, b)| {
            a.id == b.id && a.name == b.name && a.connection_info.connections == b.connection_info.connections
        })
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct MigrationReport {
    pub migrated: Vec<String>,
    /// Backends left for a later try (plex.tv unreachable), with the reason.
    pub deferred: Vec<(String, String)>,
    /// Backends dropped: no token anywhere, or plex.tv rejected it.
    pub dropped: Vec<(String, String)>,
}

pub struct AuthManager {
    providers: Arc<RwLock<HashMap<String, AuthProvider>>>,
    config: Arc<ConfigStore>,
    secrets: SecretStore,
    http: HttpClient,
    plex: PlexAuth,
    policy: ProbePolicy,
    refreshing: Mutex<HashSet<String>>,
}

pub fn token_key(id: &str) -> String {
    SecretStore::key(id, "token")
}

impl AuthManager {
    pub fn new(config: Arc<ConfigStore>, secrets: SecretStore, http: HttpClient, plex: PlexAuth) -> Self {
        let providers = config.get().runtime.auth_providers.into_iter().collect();
        Self {
            providers: Arc::new(RwLock::new(providers)),
            config,
            secrets,
            http,
            plex,
            policy: ProbePolicy::default(),
            refreshing: Mutex::new(HashSet::new()),
        }
    }

    /// The usual set-up: settings at `config_path`, a client identifier made
    /// once per install, plex.tv from `REEL_PLEX_TV_URL`.
    pub fn open(config_path: impl Into<std::path::PathBuf>) -> Result<(Self, Option<LoadNotice>)> {
        let (store, notice) = ConfigStore::load(config_path)?;
        let client_id = match store.get().runtime.client_identifier {
            Some(id) => id,
            None => store.update(|c| {
                c.runtime.client_identifier.get_or_insert_with(|| uuid::Uuid::new_v4().to_string()).clone()
            })?,
        };
        let http = HttpClient::new(ClientIdentity::new(client_id))?;
        let plex = PlexAuth::new(http.clone())?;
        Ok((Self::new(Arc::new(store), SecretStore::new(), http, plex), notice))
    }

    pub fn with_policy(mut self, policy: ProbePolicy) -> Self {
        self.policy = policy;
        self
    }

    /// The probe policy with the user's preferences applied.
    pub fn policy(&self) -> ProbePolicy {
        let mut p = self.policy.clone();
        if let Some(v) = self.config.get().preferences.allow_insecure_local {
            p.allow_insecure_local = v;
        }
        p
    }

    /// How long discovered servers count as fresh at first, as the user set it.
    pub fn sources_ttl(&self) -> Duration {
        Duration::from_secs(self.config.get().preferences.sources_ttl_bounds().1)
    }

    /// A provider's server list lifetime as it has adapted: longer while
    /// refreshes bring no change, shorter after failures and network changes,
    /// always within the user's bounds.
    pub fn sources_ttl_for(&self, provider_id: &str) -> Duration {
        let config = self.config.get();
        let (min, start, max) = config.preferences.sources_ttl_bounds();
        let current = config.runtime.sources_ttl_current.get(provider_id).copied().unwrap_or(start);
        Duration::from_secs(current.clamp(min, max))
    }

    fn adapt_ttl(&self, provider_id: &str, change: TtlChange) {
        let r = self.config.update(|c| {
            let (min, start, max) = c.preferences.sources_ttl_bounds();
            let current = c.runtime.sources_ttl_current.get(provider_id).copied().unwrap_or(start).clamp(min, max);
            let next = match change {
                TtlChange::Unchanged => current.saturating_mul(2).clamp(min, max),
                TtlChange::Changed => start,
                TtlChange::Failed => (current / 2).clamp(min, max),
                TtlChange::NetworkChanged => min,
            };
            c.runtime.sources_ttl_current.insert(provider_id.to_string(), next);
            next
        });
        match r {
            Ok(secs) => debug!(provider = %provider_id, ?change, secs, "server list lifetime"),
            Err(e) => warn!("cannot keep the server list lifetime: {e}"),
        }
    }

    /// The network changed (new Wi-Fi, VPN, cable): what was learnt about the
    /// old one says little, so server lists go stale soon.
    pub fn note_network_change(&self) {
        for provider_id in self.config.get().runtime.auth_providers.keys() {
            self.adapt_ttl(provider_id, TtlChange::NetworkChanged);
        }
    }

    pub fn config(&self) -> &Arc<ConfigStore> {
        &self.config
    }
    pub fn plex_auth(&self) -> &PlexAuth {
        &self.plex
    }
    pub fn http(&self) -> &HttpClient {
        &self.http
    }
    pub fn secrets(&self) -> &SecretStore {
        &self.secrets
    }

    pub async fn providers(&self) -> Vec<AuthProvider> {
        let mut v: Vec<_> = self.providers.read().await.values().cloned().collect();
        v.sort_by(|a, b| a.id().cmp(b.id()));
        v
    }

    pub async fn provider(&self, id: &str) -> Option<AuthProvider> {
        self.providers.read().await.get(id).cloned()
    }

    /// Signs in a plex.tv account: checks the token with plex.tv, stores it in
    /// the keyring, then records the account. If the keyring fails nothing is
    /// recorded, and the token is written nowhere else.
    pub async fn add_plex_account(&self, token: &Token) -> Result<AuthProvider> {
        let user = self.plex.user(token).await?;
        let stable = if !user.uuid.is_empty() { &user.uuid } else { &user.id };
        if stable.is_empty() {
            return Err(Error::BadResponse { host: "plex.tv".into(), reason: "the account has no id".into() });
        }
        let id = format!("plex_{stable}");
        self.secrets.set(&token_key(&id), token).await?;
        let provider = AuthProvider::PlexAccount {
            id: id.clone(),
            username: user.username.clone(),
            email: user.email.clone(),
            refresh_token: None,
            token_expiry: None,
        };
        let p = provider.clone();
        self.config.update(|c| {
            c.runtime.auth_providers.insert(id.clone(), p);
        })?;
        self.providers.write().await.insert(id.clone(), provider.clone());
        info!(provider = %id, token = %token.redacted(), "added Plex account");
        Ok(provider)
    }

    /// Signs in to one server by its address and a token, without plex.tv:
    /// checks that a Plex server answers there and accepts the token, keeps
    /// the token in the keyring, and records the server as the provider's only
    /// source. The token is only ever sent to that address.
    pub async fn add_server_token(&self, url: &str, token: &Token) -> Result<(AuthProvider, Source)> {
        let url = url.trim().trim_end_matches('/');
        let parsed = url::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
            .ok_or_else(|| {
                Error::Invalid(format!("{url:?} is not a server address (like http://192.168.1.10:32400)"))
            })?;
        let identity = PlexServerClient::identity_at(&self.http, &parsed, Duration::from_secs(10))
            .instrument(info_span!("add_server", host = %crate::http::host_of(&parsed)))
            .await?;
        if identity.machine_identifier.is_empty() {
            return Err(Error::BadResponse {
                host: crate::http::host_of(&parsed),
                reason: "it did not say which server it is".into(),
            });
        }
        let client = PlexServerClient::new(self.http.clone(), url, token.clone())?;
        // `GET /` needs a valid token: it proves the token, and names the server.
        let friendly = match client.friendly_name().await {
            Err(Error::Unauthorized) => return Err(Error::TokenRejected { host: crate::http::host_of(&parsed) }),
            r => r?,
        };
        let local = is_local_host(&parsed);
        if !local && parsed.scheme() == "http" {
            return Err(Error::Invalid(
                "plain http is only used on the local network; use the server's https address".into(),
            ));
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
            id: format!("{id}_srv_{}", identity.machine_identifier),
            name: name.clone(),
            source_type: SourceType::PlexServer { machine_id: identity.machine_identifier.clone(), owned: true },
            auth_provider_id: Some(id.clone()),
            connection_info: ConnectionInfo {
                primary_url: Some(url.to_string()),
                is_online: true,
                last_check: Some(Utc::now()),
                connections: vec![connection],
                reason: Some("the address you entered".into()),
                ..Default::default()
            },
            enabled: true,
            last_sync: None,
            library_count: 0,
            extra: Default::default(),
        };
        let provider = AuthProvider::PlexServerToken { id: id.clone(), name, url: url.to_string() };
        let (p, src) = (provider.clone(), source.clone());
        self.config.update(|c| {
            c.runtime.auth_providers.insert(id.clone(), p);
            c.runtime.cached_sources.insert(id.clone(), vec![src]);
            c.runtime.sources_last_fetched.insert(id.clone(), Utc::now());
        })?;
        self.providers.write().await.insert(id.clone(), provider.clone());
        info!(provider = %id, token = %token.redacted(), "added a server by address");
        Ok((provider, source))
    }

    pub async fn account_token(&self, provider_id: &str) -> Result<Token> {
        self.secrets.get(&token_key(provider_id)).await?.ok_or_else(|| Error::NoToken(provider_id.into()))
    }

    /// Sources of a provider as cached in config.toml, instantly, no network.
    pub fn cached_sources(&self, provider_id: &str) -> Vec<Source> {
        self.config.get().runtime.cached_sources.get(provider_id).cloned().unwrap_or_default()
    }

    /// The design note's call: cached sources while fresh, else discovery,
    /// else (network trouble) the stale cache.
    pub async fn discover_plex_sources(&self, provider_id: &str) -> Result<Vec<Source>> {
        self.discover(provider_id, false).await.map(|d| d.sources)
    }

    /// As [`discover_plex_sources`](Self::discover_plex_sources), saying where the answer came from;
    /// `force` skips the freshness check.
    pub async fn discover(&self, provider_id: &str, force: bool) -> Result<Discovery> {
        let config = self.config.reload();
        let cached = config.runtime.cached_sources.get(provider_id).cloned();
        let ttl = self.sources_ttl_for(provider_id);
        if !force && !config.is_sources_cache_stale(provider_id, ttl) {
            if let Some(sources) = cached.clone() {
                return Ok(Discovery { sources, origin: Origin::Cache });
            }
        }
        match self.providers.read().await.get(provider_id) {
            None => return Err(Error::UnknownProvider(provider_id.into())),
            // No plex.tv behind it: the one server is all there is; probing it is the refresh.
            Some(AuthProvider::PlexServerToken { .. }) => {
                let mut sources = Vec::new();
                for s in cached.unwrap_or_default() {
                    sources.push(self.reselect(&s.id).await.unwrap_or(s));
                }
                return Ok(Discovery { sources, origin: Origin::Fresh });
            }
            Some(AuthProvider::PlexAccount { .. }) => {}
        }
        let token = self.account_token(provider_id).await?;
        let result =
            self.plex.discover_servers(&token).instrument(info_span!("discover", provider = %provider_id)).await;
        match result {
            Ok(servers) => {
                let (sources, history) = self.build_sources(provider_id, servers, cached.as_deref()).await;
                let unchanged = cached.as_deref().is_some_and(|old| same_servers(old, &sources));
                self.save_sources(provider_id, &sources, cached.as_deref(), history).await?;
                self.adapt_ttl(provider_id, if unchanged { TtlChange::Unchanged } else { TtlChange::Changed });
                Ok(Discovery { sources, origin: Origin::Fresh })
            }
            // A rejected token is news the user must hear; the cache stays as it is.
            Err(Error::Unauthorized) => Err(Error::Unauthorized),
            Err(e) => match cached {
                Some(sources) => {
                    warn!(provider = %provider_id, "discovery failed, using cached servers: {e}");
                    self.adapt_ttl(provider_id, TtlChange::Failed);
                    Ok(Discovery { sources, origin: Origin::StaleCache { error: e.to_string() } })
                }
                None => Err(e),
            },
        }
    }

    async fn build_sources(
        &self,
        provider_id: &str,
        servers: Vec<PlexResource>,
        previous: Option<&[Source]>,
    ) -> (Vec<Source>, HashMap<String, ServerHistory>) {
        let config = self.config.get();
        let pinned = config.runtime.pinned_connections;
        let histories = config.runtime.connection_history;
        let policy = self.policy();
        let policy = &policy;
        let jobs = servers.into_iter().map(|server| {
            let source_id = format!("{provider_id}_srv_{}", server.client_identifier);
            let pinned = pinned.get(&source_id).cloned();
            let mut history = histories.get(&source_id).cloned().unwrap_or_default();
            let last_good = previous
                .unwrap_or_default()
                .iter()
                .find(|s| s.id == source_id && s.connection_info.is_online)
                .and_then(|s| s.connection_info.primary_url.clone());
            async move {
                let conns: Vec<Connection> = server.connections.iter().cloned().map(Into::into).collect();
                let target = Target {
                    machine_id: &server.client_identifier,
                    connections: &conns,
                    https_required: server.https_required,
                    pinned: pinned.as_deref(),
                    last_good: last_good.as_deref(),
                    history: &history,
                };
                let sel = connection::select_for(&self.http, &target, policy).await;
                record_selection(&mut history, &sel.records);
                let fallback = || {
                    static_order(&conns, pinned.as_deref())
                        .into_iter()
                        .find(|c| not_allowed(c, server.https_required, policy).is_none())
                        .map(|c| c.uri)
                };
                let source = Source {
                    id: source_id.clone(),
                    name: server.name.clone(),
                    source_type: SourceType::PlexServer {
                        machine_id: server.client_identifier.clone(),
                        owned: server.owned,
                    },
                    auth_provider_id: Some(provider_id.to_string()),
                    connection_info: ConnectionInfo {
                        primary_url: sel.chosen.clone().or_else(fallback),
                        is_online: sel.chosen.is_some(),
                        last_check: Some(Utc::now()),
                        connections: conns,
                        probes: sel.records,
                        reason: Some(sel.reason),
                        https_required: server.https_required,
                        pinned_failed: sel.pinned_failed,
                        extra: Default::default(),
                    },
                    enabled: true,
                    last_sync: None,
                    library_count: 0,
                    extra: Default::default(),
                };
                (source, server.access_token.map(Token::new), history)
            }
        });
        let built = futures::future::join_all(jobs).await;
        let mut sources = Vec::with_capacity(built.len());
        let mut histories = HashMap::new();
        for (source, token, history) in built {
            histories.insert(source.id.clone(), history);
            if let Some(t) = token {
                if let Err(e) = self.secrets.set(&token_key(&source.id), &t).await {
                    warn!(source = %source.id, "cannot keep the server's credential in the keyring: {e}");
                }
            }
            sources.push(source);
        }
        (sources, histories)
    }

    async fn save_sources(
        &self,
        provider_id: &str,
        sources: &[Source],
        previous: Option<&[Source]>,
        histories: HashMap<String, ServerHistory>,
    ) -> Result<()> {
        // Servers that left the account take their tokens with them.
        for old in previous.unwrap_or_default() {
            if !sources.iter().any(|s| s.id == old.id) {
                let _ = self.secrets.delete(&token_key(&old.id)).await;
            }
        }
        let keep: Vec<Source> = sources
            .iter()
            .map(|s| {
                // Preserve what a newer Reel stored alongside, and our own library counts.
                let mut s = s.clone();
                if let Some(old) = previous.unwrap_or_default().iter().find(|o| o.id == s.id) {
                    s.extra = old.extra.clone();
                    s.library_count = old.library_count;
                    s.last_sync = old.last_sync;
                    s.enabled = old.enabled;
                }
                s
            })
            .collect();
        self.config.update(|c| {
            for old in previous.unwrap_or_default() {
                if !sources.iter().any(|s| s.id == old.id) {
                    c.runtime.connection_history.remove(&old.id);
                }
            }
            c.runtime.connection_history.extend(histories);
            c.runtime.cached_sources.insert(provider_id.to_string(), keep);
            c.runtime.sources_last_fetched.insert(provider_id.to_string(), Utc::now());
        })
    }

    /// Refreshes a provider's sources without blocking the caller; at most one
    /// refresh per provider runs at a time (None when one already is).
    pub fn refresh_sources_background(
        self: &Arc<Self>,
        provider_id: &str,
    ) -> Option<tokio::task::JoinHandle<Result<Discovery>>> {
        {
            let mut running = self.refreshing.lock().ok()?;
            if !running.insert(provider_id.to_string()) {
                return None;
            }
        }
        let me = Arc::clone(self);
        let id = provider_id.to_string();
        Some(tokio::spawn(async move {
            let r = me.discover(&id, true).await;
            if let Ok(mut running) = me.refreshing.lock() {
                running.remove(&id);
            }
            r
        }))
    }

    fn find_source(&self, source_id: &str) -> Option<(String, Source)> {
        let config = self.config.reload();
        config
            .runtime
            .cached_sources
            .iter()
            .find_map(|(pid, list)| list.iter().find(|s| s.id == source_id).map(|s| (pid.clone(), s.clone())))
    }

    /// A source as config.toml has it now (re-read, so changes by reel-cli show).
    pub fn source(&self, source_id: &str) -> Option<Source> {
        self.find_source(source_id).map(|(_, s)| s)
    }

    /// A source as this process last read or wrote it: no file read, for the
    /// request path (every poster asks).
    pub fn current_source(&self, source_id: &str) -> Option<Source> {
        self.config.read(|c| c.all_sources().find(|s| s.id == source_id).cloned())
    }

    /// Every cached source of every account.
    pub fn all_sources(&self) -> Vec<Source> {
        self.config.reload().all_sources().cloned().collect()
    }

    /// Moves a source to another of its own connections. A URL plex.tv did not
    /// list for that server is refused: its token must not go anywhere else.
    pub async fn update_source_url(&self, source_id: &str, new_url: &str) -> Result<()> {
        self.switch_source(source_id, new_url, None).await.map(|_| ())
    }

    /// Moves a source to `new_url` (one of its own candidates), marking it
    /// the chosen one in the diagnostics; `verified` is the probe that just
    /// found it answering as the server, kept as its record.
    pub async fn switch_source(
        &self,
        source_id: &str,
        new_url: &str,
        verified: Option<&ProbeRecord>,
    ) -> Result<Source> {
        let (pid, source) = self.find_source(source_id).ok_or_else(|| Error::UnknownProvider(source_id.into()))?;
        let url = new_url.trim_end_matches('/');
        if !connection::is_candidate(&source.connection_info.connections, url) {
            return Err(Error::Invalid(format!("{url} is not one of {}'s connections", source.name)));
        }
        let updated = self.config.update(|c| {
            let s = c.runtime.cached_sources.get_mut(&pid)?.iter_mut().find(|s| s.id == source_id)?;
            let ci = &mut s.connection_info;
            ci.primary_url = Some(url.to_string());
            ci.is_online = true;
            ci.last_check = Some(Utc::now());
            if let Some(r) = verified.filter(|r| r.uri == url) {
                ci.reason = Some(format!(
                    "the {} connection (verified {:.0} ms) took over when the one in use stopped answering",
                    r.class.label(),
                    r.latency_ms.unwrap_or(0.0)
                ));
                match ci.probes.iter_mut().find(|p| p.uri == url) {
                    Some(p) => *p = r.clone(),
                    None => ci.probes.push(r.clone()),
                }
            }
            for p in &mut ci.probes {
                p.chosen = p.uri == url;
            }
            Some(s.clone())
        })?;
        info!(source = %source_id, url = %url, "source URL updated");
        updated.ok_or_else(|| Error::UnknownProvider(source_id.into()))
    }

    /// Pins one of a source's connections (tried first from now on), or `None` for automatic.
    pub async fn pin_connection(&self, source_id: &str, url: Option<&str>) -> Result<()> {
        let (_, source) = self.find_source(source_id).ok_or_else(|| Error::UnknownProvider(source_id.into()))?;
        if let Some(u) = url {
            if !connection::is_candidate(&source.connection_info.connections, u) {
                return Err(Error::Invalid(format!("{u} is not one of {}'s connections", source.name)));
            }
        }
        self.config.update(|c| match url {
            Some(u) => {
                c.runtime.pinned_connections.insert(source_id.into(), u.into());
            }
            None => {
                c.runtime.pinned_connections.remove(source_id);
            }
        })
    }

    /// Probes a source's known connections again and keeps the result.
    pub async fn reselect(&self, source_id: &str) -> Result<Source> {
        let (pid, source) = self.find_source(source_id).ok_or_else(|| Error::UnknownProvider(source_id.into()))?;
        let config = self.config.get();
        let pinned = config.runtime.pinned_connections.get(source_id).cloned();
        let history = config.runtime.connection_history.get(source_id).cloned().unwrap_or_default();
        let ci = &source.connection_info;
        let target = Target {
            machine_id: source.machine_id(),
            connections: &ci.connections,
            https_required: ci.https_required,
            pinned: pinned.as_deref(),
            last_good: None,
            history: &history,
        };
        let sel = connection::select_for(&self.http, &target, &self.policy()).await;
        self.keep_selection(&pid, source_id, &sel, false)
    }

    /// Probes only the candidates ranked better than the one in use (and the
    /// pin, if the user set one); moves to the best that answers, if any.
    /// Never moves down: when none answers the source stays as it is.
    pub async fn probe_better(&self, source_id: &str) -> Result<Option<Source>> {
        let (pid, source) = self.find_source(source_id).ok_or_else(|| Error::UnknownProvider(source_id.into()))?;
        let config = self.config.get();
        let pinned = config.runtime.pinned_connections.get(source_id).cloned();
        let history = config.runtime.connection_history.get(source_id).cloned().unwrap_or_default();
        let ci = &source.connection_info;
        let all = connection::candidates(&ci.connections);
        let current = ci.primary_url.as_deref().filter(|_| ci.is_online);
        let current_tier = current.and_then(|u| all.iter().find(|c| c.uri == u)).map(|c| tier(c, pinned.as_deref()));
        // Only plex.tv's own connections: a derived fallback is found again from them.
        let better: Vec<Connection> = ci
            .connections
            .iter()
            .filter(|c| current_tier.is_none_or(|t| tier(c, pinned.as_deref()) < t))
            .cloned()
            .collect();
        if better.is_empty() {
            return Ok(None);
        }
        let target = Target {
            machine_id: source.machine_id(),
            connections: &better,
            https_required: ci.https_required,
            pinned: pinned.as_deref(),
            last_good: None,
            history: &history,
        };
        let sel = connection::select_for(&self.http, &target, &self.policy()).await;
        if sel.chosen.is_none() {
            self.remember_probes(source_id, &sel.records);
            return Ok(None);
        }
        self.keep_selection(&pid, source_id, &sel, true).map(Some)
    }

    /// Probes every candidate but the one in use and returns the best that
    /// answers as the server: the standby to fail over to without a selection.
    /// Nothing is changed but the connections' history.
    pub async fn probe_standby(&self, source_id: &str) -> Result<Option<ProbeRecord>> {
        let (_, source) = self.find_source(source_id).ok_or_else(|| Error::UnknownProvider(source_id.into()))?;
        let ci = &source.connection_info;
        let Some(current) = ci.primary_url.as_deref().filter(|_| ci.is_online) else { return Ok(None) };
        let history = self.config.read(|c| c.runtime.connection_history.get(source_id).cloned().unwrap_or_default());
        let others: Vec<Connection> = ci.connections.iter().filter(|c| c.uri != current).cloned().collect();
        let target = Target {
            machine_id: source.machine_id(),
            connections: &others,
            https_required: ci.https_required,
            pinned: None,
            last_good: None,
            history: &history,
        };
        let sel = connection::select_for(&self.http, &target, &self.policy()).await;
        self.remember_probes(source_id, &sel.records);
        Ok(sel.records.into_iter().find(|r| r.chosen && r.uri != current).map(|r| ProbeRecord { chosen: false, ..r }))
    }

    fn remember_probes(&self, source_id: &str, records: &[ProbeRecord]) {
        let r = self.config.update(|c| {
            record_selection(c.runtime.connection_history.entry(source_id.to_string()).or_default(), records)
        });
        if let Err(e) = r {
            warn!("cannot keep connection history: {e}");
        }
    }

    fn keep_selection(&self, pid: &str, source_id: &str, sel: &Selection, partial: bool) -> Result<Source> {
        let updated = self.config.update(|c| {
            record_selection(c.runtime.connection_history.entry(source_id.to_string()).or_default(), &sel.records);
            let s = c.runtime.cached_sources.get_mut(pid)?.iter_mut().find(|s| s.id == source_id)?;
            if let Some(url) = &sel.chosen {
                s.connection_info.primary_url = Some(url.clone());
            }
            s.connection_info.is_online = sel.chosen.is_some() || (partial && s.connection_info.is_online);
            s.connection_info.last_check = Some(Utc::now());
            if partial {
                // Keep the diagnostics of the candidates this probe did not cover.
                for r in &sel.records {
                    if let Some(old) = s.connection_info.probes.iter_mut().find(|o| o.uri == r.uri) {
                        *old = r.clone();
                    }
                }
                for p in &mut s.connection_info.probes {
                    p.chosen = sel.chosen.as_deref() == Some(p.uri.as_str());
                }
            } else {
                s.connection_info.probes = sel.records.clone();
            }
            s.connection_info.reason = Some(sel.reason.clone());
            s.connection_info.pinned_failed = sel.pinned_failed;
            Some(s.clone())
        })?;
        updated.ok_or_else(|| Error::UnknownProvider(source_id.into()))
    }

    /// The token for a server: its own, else the account's.
    pub async fn source_token(&self, source: &Source) -> Result<Token> {
        if let Some(t) = self.secrets.get(&token_key(&source.id)).await? {
            return Ok(t);
        }
        match &source.auth_provider_id {
            Some(pid) => self.account_token(pid).await,
            None => Err(Error::NoToken(source.id.clone())),
        }
    }

    /// A client for a source at its current URL.
    pub async fn server_client(&self, source: &Source) -> Result<PlexServerClient> {
        let url = source
            .connection_info
            .primary_url
            .clone()
            .ok_or_else(|| Error::NoConnection { server: source.name.clone(), detail: "no known address".into() })?;
        PlexServerClient::new(self.http.clone(), &url, self.source_token(source).await?)
    }

    /// Signs an account out: its token and its servers' tokens leave the
    /// keyring, its entries leave config.toml and memory.
    pub async fn remove_provider(&self, provider_id: &str) -> Result<()> {
        let config = self.config.reload();
        let sources = config.runtime.cached_sources.get(provider_id).cloned().unwrap_or_default();
        self.secrets.delete(&token_key(provider_id)).await?;
        for s in &sources {
            self.secrets.delete(&token_key(&s.id)).await?;
        }
        self.config.update(|c| {
            c.runtime.auth_providers.remove(provider_id);
            c.runtime.cached_sources.remove(provider_id);
            c.runtime.sources_last_fetched.remove(provider_id);
            for s in &sources {
                c.runtime.pinned_connections.remove(&s.id);
            }
        })?;
        self.providers.write().await.remove(provider_id);
        info!(provider = %provider_id, "removed account");
        Ok(())
    }

    /// Brings accounts from older Reels into the keyring layout: tokens under
    /// `dev.arsfeld.Reel`/`{backend_id}` or `reel`/`{backend_id}_token`, and a
    /// token Reel 0.3 could leave in config.toml (`[backends.plex] auth_token`).
    pub async fn migrate_legacy_backends(&self) -> Result<MigrationReport> {
        let mut report = MigrationReport::default();
        // First get any token out of config.toml: into the keyring, as a legacy backend.
        let config = self.config.reload();
        let config_token = config
            .backends
            .get("plex")
            .and_then(|p| p.get("auth_token"))
            .and_then(|t| t.as_str())
            .filter(|t| !t.is_empty())
            .map(Token::new);
        if let Some(t) = config_token {
            const ID: &str = "legacy_config_plex";
            self.secrets.set(ID, &t).await?;
            self.config.update(|c| {
                if let Some(plex) = c.backends.get_mut("plex").and_then(|p| p.as_table_mut()) {
                    plex.remove("auth_token");
                }
                if !c.runtime.legacy_backends.iter().any(|b| b == ID) {
                    c.runtime.legacy_backends.push(ID.into());
                }
            })?;
        }
        for backend in self.config.get().runtime.legacy_backends {
            let found = match SecretStore::get_in(SERVICE, &backend).await? {
                Some(t) => Some(t),
                None => SecretStore::get_in(LEGACY_SERVICE, &format!("{backend}_token")).await?,
            };
            let outcome = match &found {
                None => Err((false, "no token found for it".to_string())),
                Some(t) => match self.add_plex_account(t).await {
                    Ok(p) => Ok(p),
                    Err(Error::Unauthorized) => Err((false, "plex.tv no longer accepts its token".into())),
                    Err(e) if e.is_offline() => Err((true, e.to_string())),
                    Err(e) => Err((true, e.to_string())),
                },
            };
            match outcome {
                Ok(p) => {
                    SecretStore::delete_in(SERVICE, &backend).await?;
                    SecretStore::delete_in(LEGACY_SERVICE, &format!("{backend}_token")).await?;
                    report.migrated.push(p.id().to_string());
                }
                Err((true, why)) => {
                    report.deferred.push((backend.clone(), why));
                    continue;
                }
                Err((false, why)) => report.dropped.push((backend.clone(), why)),
            }
            self.config.update(|c| c.runtime.legacy_backends.retain(|b| b != &backend))?;
        }
        Ok(report)
    }
}
