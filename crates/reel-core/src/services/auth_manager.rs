//! AuthManager: the account-and-discovery service. Accounts
//! (plex.tv, or one server by address and token) with their tokens in the
//! keyring, and each account's servers discovered through plex.tv, probed, and
//! kept in the source store (memory, then config.toml; secrets never there).

use crate::backends::plex::PlexAuth;
use crate::config::ConfigStore;
use crate::error::{Error, Result};
use crate::http::HttpClient;
use crate::models::{AuthProvider, Source};
use crate::services::connections::reselect::Prober;
use crate::services::connections::select::ProbePolicy;
use crate::services::secrets::SecretStore;
use crate::services::servers::build::{build_sources, histories};
use crate::services::servers::lifetime::{self, same_servers, TtlChange};
use crate::services::servers::state::StateStore;
use crate::services::servers::SourceStore;
use crate::token::Token;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::RwLock;
use tracing::{info, info_span, warn, Instrument};

pub mod recovery;
mod server_token;

/// Where a list of sources came from.
#[derive(Debug, Clone)]
pub enum Origin {
    /// Just discovered from plex.tv and probed.
    Fresh,
    /// From config.toml, still within its lifetime.
    Cache,
    /// From config.toml because discovery failed, and why it failed.
    StaleCache { error: Error },
}

#[derive(Debug, Clone)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub origin: Origin,
}

pub struct AuthManager {
    providers: Arc<RwLock<HashMap<String, AuthProvider>>>,
    store: Arc<SourceStore>,
    secrets: SecretStore,
    plex: PlexAuth,
    prober: Prober,
    /// Providers whose server list is being refreshed in the background.
    #[cfg(any(test, feature = "internals"))]
    refreshing: std::sync::Mutex<std::collections::HashSet<String>>,
}

pub fn token_key(id: &str) -> String {
    SecretStore::key(id, "token")
}

impl AuthManager {
    /// With what is learnt about servers kept in memory only (tests).
    #[cfg(any(test, feature = "internals"))]
    pub fn new(config: Arc<ConfigStore>, secrets: SecretStore, http: HttpClient, plex: PlexAuth) -> Self {
        Self::open(config, StateStore::in_memory(), secrets, http, plex)
    }

    /// Settings in `config`, what is learnt about servers in `state`.
    pub fn open(
        config: Arc<ConfigStore>,
        state: StateStore,
        secrets: SecretStore,
        http: HttpClient,
        plex: PlexAuth,
    ) -> Self {
        let providers = config.get().runtime.auth_providers.into_iter().collect();
        let store = Arc::new(SourceStore::new(config, state));
        Self {
            providers: Arc::new(RwLock::new(providers)),
            prober: Prober::new(http, store.clone(), ProbePolicy::default()),
            store,
            secrets,
            plex,
            #[cfg(any(test, feature = "internals"))]
            refreshing: Default::default(),
        }
    }

    pub fn with_policy(mut self, policy: ProbePolicy) -> Self {
        self.prober = Prober::new(self.prober.http().clone(), self.store.clone(), policy);
        self
    }

    /// The probe policy with the user's preferences applied.
    pub fn policy(&self) -> ProbePolicy {
        self.prober.policy()
    }

    /// A provider's server list lifetime as it has adapted (see [`lifetime`]).
    pub fn sources_ttl_for(&self, provider_id: &str) -> Duration {
        lifetime::current(&self.store, provider_id)
    }

    /// The network changed (new Wi-Fi, VPN, cable): what was learnt about the
    /// old one says little, so server lists go stale soon.
    pub fn note_network_change(&self) {
        for provider_id in self.config().get().runtime.auth_providers.keys() {
            lifetime::adapt(&self.store, provider_id, TtlChange::NetworkChanged);
        }
    }

    pub fn config(&self) -> &Arc<ConfigStore> {
        self.store.config()
    }
    pub fn store(&self) -> &Arc<SourceStore> {
        &self.store
    }
    pub fn prober(&self) -> &Prober {
        &self.prober
    }
    pub fn plex_auth(&self) -> &PlexAuth {
        &self.plex
    }
    pub fn http(&self) -> &HttpClient {
        self.prober.http()
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
            id: id.as_str().into(),
            username: user.username.clone(),
            email: user.email.clone(),
            refresh_token: None,
            token_expiry: None,
        };
        let p = provider.clone();
        self.config().update(|c| {
            c.runtime.auth_providers.insert(id.clone(), p);
        })?;
        self.providers.write().await.insert(id.clone(), provider.clone());
        info!(provider = %id, token = %token.redacted(), "added Plex account");
        Ok(provider)
    }

    pub async fn account_token(&self, provider_id: &str) -> Result<Token> {
        match self.secrets.get(&token_key(provider_id)).await? {
            Some(t) => Ok(t),
            // Named as the user knows the account.
            None => Err(Error::NoToken(
                self.provider(provider_id).await.map(|p| p.display_name()).unwrap_or_else(|| provider_id.into()),
            )),
        }
    }

    /// Sources of a provider as cached in config.toml, instantly, no network.
    #[cfg(any(test, feature = "internals"))]
    pub fn cached_sources(&self, provider_id: &str) -> Vec<Source> {
        self.store.of_provider(provider_id)
    }

    /// Cached sources while fresh, else discovery,
    /// else (network trouble) the stale cache.
    #[cfg(any(test, feature = "internals"))]
    pub async fn discover_plex_sources(&self, provider_id: &str) -> Result<Vec<Source>> {
        self.discover(provider_id, false).await.map(|d| d.sources)
    }

    /// As [`discover_plex_sources`](Self::discover_plex_sources), saying where the answer came from;
    /// `force` skips the freshness check.
    pub async fn discover(&self, provider_id: &str, force: bool) -> Result<Discovery> {
        let config = self.config().reload();
        // The settings' sources with what was learnt about them.
        let cached =
            config.runtime.cached_sources.contains_key(provider_id).then(|| self.store.of_provider(provider_id));
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
                    sources.push(self.prober.reselect(s.id.as_str()).await.unwrap_or(s));
                }
                return Ok(Discovery { sources, origin: Origin::Fresh });
            }
            Some(AuthProvider::PlexAccount { .. }) => {}
        }
        let token = match self.account_token(provider_id).await {
            Ok(t) => t,
            // No secret (no keyring, or the token gone from it) needs no
            // secret to show what was saved: the saved servers, and why
            // they were not refreshed. The token is never looked for elsewhere.
            Err(e) if e.is_missing_secret() => {
                return match cached {
                    Some(sources) => Ok(Discovery { sources, origin: Origin::StaleCache { error: e } }),
                    None => Err(e),
                }
            }
            Err(e) => return Err(e),
        };
        let result =
            self.plex.discover_servers(&token).instrument(info_span!("discover", provider = %provider_id)).await;
        match result {
            Ok(servers) => {
                let sources = self.keep_discovered(provider_id, servers, cached.as_deref()).await?;
                let unchanged = cached.as_deref().is_some_and(|old| same_servers(old, &sources));
                lifetime::adapt(
                    &self.store,
                    provider_id,
                    if unchanged { TtlChange::Unchanged } else { TtlChange::Changed },
                );
                Ok(Discovery { sources, origin: Origin::Fresh })
            }
            // A rejected token is news the user must hear; the cache stays as it is.
            Err(Error::Unauthorized) => Err(Error::Unauthorized),
            Err(e) => match cached {
                Some(sources) => {
                    warn!(provider = %provider_id, "discovery failed, using cached servers: {e}");
                    lifetime::adapt(&self.store, provider_id, TtlChange::Failed);
                    Ok(Discovery { sources, origin: Origin::StaleCache { error: e } })
                }
                None => Err(e),
            },
        }
    }

    /// Probes every server plex.tv listed, keeps each server's own token in the
    /// keyring (a server that left the account takes its token along), and
    /// the sources in the store.
    async fn keep_discovered(
        &self,
        provider_id: &str,
        servers: Vec<crate::backends::plex::types::PlexResource>,
        previous: Option<&[Source]>,
    ) -> Result<Vec<Source>> {
        let pinned = self.config().read(|c| c.runtime.pinned_connections.clone());
        let policy = self.policy();
        let history = |id: &str| self.store.history(id);
        let built = build_sources(self.http(), &policy, provider_id, servers, previous, &pinned, &history).await;
        for b in &built {
            if let Some(t) = &b.token {
                if let Err(e) = self.secrets.set(&token_key(b.source.id.as_str()), t).await {
                    warn!(source = %b.source.id, "cannot keep the server's credential in the keyring: {e}");
                }
            }
        }
        for old in previous.unwrap_or_default() {
            if !built.iter().any(|b| b.source.id == old.id) {
                let _ = self.secrets.delete(&token_key(old.id.as_str())).await;
            }
        }
        let sources: Vec<Source> = built.iter().map(|b| b.source.clone()).collect();
        self.store.save_discovered(provider_id, &sources, previous, histories(&built))?;
        Ok(sources)
    }

    /// Refreshes a provider's sources without blocking the caller; at most one
    /// refresh per provider runs at a time (None when one already is).
    #[cfg(any(test, feature = "internals"))]
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

    /// The token for a server: its own, else the account's.
    pub async fn source_token(&self, source: &Source) -> Result<Token> {
        if let Some(t) = self.secrets.get(&token_key(source.id.as_str())).await? {
            return Ok(t);
        }
        match &source.auth_provider_id {
            Some(pid) => self.account_token(pid.as_str()).await,
            None => Err(Error::NoToken(source.name.clone())),
        }
    }

    /// Signs an account out of the keyring and the settings: its token and its
    /// servers' tokens, its entries, pins and connection history. Returns the
    /// servers it had, for the caller to forget their cached libraries.
    pub async fn remove_provider(&self, provider_id: &str) -> Result<Vec<Source>> {
        let sources = self.store.of_provider(provider_id);
        self.secrets.delete(&token_key(provider_id)).await?;
        for s in &sources {
            self.secrets.delete(&token_key(s.id.as_str())).await?;
        }
        let sources = self.store.forget_provider(provider_id)?;
        self.providers.write().await.remove(provider_id);
        info!(provider = %provider_id, "removed account");
        Ok(sources)
    }
}
