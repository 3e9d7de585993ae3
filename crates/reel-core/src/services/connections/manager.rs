//! Keeps every server reachable while Reel runs: each server's second-best
//! connection is kept verified as a standby; when the connection in use stops
//! answering, the next request moves to the standby (or, without a fresh one,
//! re-selects: one selection at a time per server, rate-limited) and an
//! idempotent request is retried once on the new URL; actions that change the server (watched, position) wait in the outbox
//! until a connection works; and while a better-ranked connection might work
//! again, it is re-probed on a backoff and at once when the network changes.

use super::rank::candidates;
use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result};
use crate::ids::SourceId;
use crate::models::{ConnectionClass, ProbeRecord, Source};
use crate::services::auth_manager::AuthManager;
use crate::services::library::cache::LibraryCache;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, Notify};
use tracing::{info, info_span, warn, Instrument};

#[derive(Debug, Clone, PartialEq)]
pub enum SwitchCause {
    /// The connection in use stopped answering.
    Failover,
    /// A better-ranked connection answered again.
    BetterAnswered,
}

/// What the UI needs to hear about a server's connection.
#[derive(Debug, Clone, PartialEq)]
pub enum ConnectionEvent {
    Switched {
        source_id: SourceId,
        from: Option<String>,
        from_class: Option<ConnectionClass>,
        to: String,
        class: ConnectionClass,
        cause: SwitchCause,
    },
    /// No connection of the server answers.
    Lost { source_id: SourceId, error: Error },
    /// The user's pinned connection did not answer; Reel chose automatically.
    PinnedFailed { source_id: SourceId, pinned: String, using: Option<String> },
    /// Actions that had waited in the outbox reached the server.
    Delivered { source_id: SourceId, count: usize },
}

#[derive(Debug, Clone)]
pub struct ManagerPolicy {
    /// A failed request does not start a new selection sooner than this after the last one.
    pub min_reselect_interval: Duration,
    /// Re-probing better connections: first after this, doubling up to `reoptimise_max`.
    pub reoptimise_first: Duration,
    pub reoptimise_max: Duration,
    /// A standby verified longer ago than this is not trusted with a request.
    pub standby_fresh: Duration,
    /// How often the background task re-verifies each server's standby.
    pub standby_every: Duration,
}

impl Default for ManagerPolicy {
    fn default() -> Self {
        Self {
            min_reselect_interval: Duration::from_secs(2),
            reoptimise_first: Duration::from_secs(15),
            reoptimise_max: Duration::from_secs(600),
            standby_fresh: Duration::from_secs(90),
            standby_every: Duration::from_secs(30),
        }
    }
}

#[derive(Default)]
pub(super) struct Link {
    /// Held while selecting, so there is one selection at a time per server.
    pub(super) select: tokio::sync::Mutex<Option<LastSelection>>,
    pub(super) flushing: tokio::sync::Mutex<()>,
}

pub(super) struct LastSelection {
    pub(super) at: Instant,
}

pub struct ConnectionManager {
    pub(super) auth: Arc<AuthManager>,
    pub(super) cache: Arc<LibraryCache>,
    pub(super) policy: ManagerPolicy,
    links: Mutex<HashMap<String, Arc<Link>>>,
    /// Per server, the second-best connection and when it last answered as the server.
    standbys: Mutex<HashMap<String, (ProbeRecord, Instant)>>,
    events: broadcast::Sender<ConnectionEvent>,
    pub(super) network_changed: Notify,
}

fn url_of(client: &PlexServerClient) -> String {
    client.base_url().as_str().trim_end_matches('/').to_string()
}

impl ConnectionManager {
    pub fn new(auth: Arc<AuthManager>, cache: Arc<LibraryCache>, policy: ManagerPolicy) -> Arc<Self> {
        Arc::new(Self {
            auth,
            cache,
            policy,
            links: Mutex::new(HashMap::new()),
            standbys: Mutex::new(HashMap::new()),
            events: broadcast::channel(64).0,
            network_changed: Notify::new(),
        })
    }

    #[cfg(any(test, feature = "internals"))]
    pub fn auth(&self) -> &Arc<AuthManager> {
        &self.auth
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ConnectionEvent> {
        self.events.subscribe()
    }

    pub(super) fn emit(&self, e: ConnectionEvent) {
        info!(event = ?e, "connection");
        let _ = self.events.send(e);
    }

    pub(super) fn link(&self, source_id: &str) -> Arc<Link> {
        let mut links = self.links.lock().unwrap_or_else(|p| p.into_inner());
        links.entry(source_id.to_string()).or_default().clone()
    }

    pub(super) fn source(&self, source_id: &str) -> Result<Source> {
        self.auth.store().current(source_id)
    }

    /// A client for the server at the address in use, carrying its token,
    /// only if that address has answered `/identity` as this server in this
    /// session: an address kept from an earlier run, or guessed for an
    /// offline server, may belong to someone else by now. Every request with
    /// a token goes through here.
    pub async fn client(&self, source: &Source) -> Result<PlexServerClient> {
        let url = source.connection_info.primary_url.as_deref().map(|u| u.trim_end_matches('/'));
        let Some(url) = url.filter(|u| self.auth.store().verified().is_verified(source.id.as_str(), u)) else {
            return Err(Error::NoConnection { server: source.name.clone() });
        };
        PlexServerClient::new(self.auth.http().clone(), url, self.auth.source_token(source).await?)
    }

    /// Runs an idempotent request against the server. If the connection in
    /// use does not answer, the server moves to its fresh standby or a newly
    /// selected connection, and the request is retried once there.
    pub async fn call<T, F, Fut>(self: &Arc<Self>, source_id: &str, op: F) -> Result<T>
    where
        F: Fn(PlexServerClient) -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        let started = Instant::now();
        let source = self.source(source_id)?;
        let first = match self.client(&source).await {
            Ok(client) => {
                let used = url_of(&client);
                match op(client).await {
                    Err(e) if e.is_offline() => {
                        warn!(source = %source_id, url = %used, "connection stopped answering: {e}");
                        self.auth.store().verified().revoke(source_id, &used);
                        Some(used)
                    }
                    // A refusal can mean the address now belongs to another server (a new
                    // DHCP lease): asked again, it stops being verified until it proves itself.
                    Err(Error::Unauthorized) if self.is_another_server(&source, &used).await => {
                        warn!(source = %source_id, url = %used, "another server answers at this address now");
                        self.auth.store().verified().revoke(source_id, &used);
                        Some(used)
                    }
                    Ok(v) => {
                        self.flush_soon(source_id);
                        return Ok(v);
                    }
                    Err(e) => return Err(refused_by(e, &source)),
                }
            }
            Err(Error::NoConnection { .. }) => None,
            Err(e) => return Err(e),
        };
        // The failed URL's history is updated by the selection's own probe of it; a
        // request that shares a recent selection writes nothing (offline, every
        // poster would otherwise rewrite config.toml).
        let source = self.failover(source_id, first.as_deref(), started).await?;
        let client = self.client(&source).await?;
        let r = op(client).await;
        if r.is_ok() {
            self.flush_soon(source_id);
        }
        r.map_err(|e| refused_by(e, &source))
    }

    /// True when the address in use answers `/identity` as this server (it is
    /// then verified for this session).
    async fn verify_in_use(&self, s: &Source) -> bool {
        let Some(url) = s.connection_info.primary_url.as_deref() else { return false };
        let Ok(base) = url::Url::parse(url) else { return false };
        let class = candidates(&s.connection_info.connections).into_iter().find(|c| c.uri == url).map(|c| c.class());
        let timeout = self.auth.policy().timeout(class.unwrap_or(ConnectionClass::RemoteDirect));
        match PlexServerClient::identity_at(self.auth.http(), &base, timeout).await {
            Ok(id) if id.machine_identifier == s.machine_id() => {
                self.auth.store().verified().confirm(s.id.as_str(), url);
                true
            }
            _ => false,
        }
    }

    async fn is_another_server(&self, source: &Source, url: &str) -> bool {
        let Ok(base) = url::Url::parse(url) else { return false };
        match PlexServerClient::identity_at(self.auth.http(), &base, Duration::from_secs(5)).await {
            Ok(id) => id.machine_identifier != source.machine_id(),
            Err(e) => e.is_offline(),
        }
    }

    /// Picks a new connection after `failed` stopped answering: the standby if
    /// it was verified moments ago, else a selection. Requests that fail
    /// together share one; one started after the last waits
    /// `min_reselect_interval` before probing again.
    pub(super) async fn failover(
        self: &Arc<Self>,
        source_id: &str,
        failed: Option<&str>,
        started: Instant,
    ) -> Result<Source> {
        let link = self.link(source_id);
        let mut last = link.select.lock().await;
        let recent =
            last.as_ref().is_some_and(|l| l.at > started || l.at.elapsed() < self.policy.min_reselect_interval);
        if recent {
            let s = self.source(source_id)?;
            let usable = s.connection_info.is_online && s.connection_info.primary_url.as_deref() != failed;
            return if usable { Ok(s) } else { Err(self.no_connection(&s)) };
        }
        let before = self.source(source_id)?;
        // Not failed, only not verified in this session (Reel just started,
        // or reel-cli runs): the address in use is asked who it is, alone,
        // first; a warm start is one round trip.
        if failed.is_none() && self.verify_in_use(&before).await {
            *last = Some(LastSelection { at: Instant::now() });
            return Ok(before);
        }
        // A standby that answered as this server moments ago takes over at once: no probe round.
        if let Some(standby) = self.fresh_standby(source_id, failed) {
            let after = self.auth.store().switch(source_id, &standby.uri, &standby)?;
            *last = Some(LastSelection { at: Instant::now() });
            drop(last);
            info!(source = %source_id, url = %standby.uri, "failed over to the standby connection");
            self.report_selection(&before, &after, SwitchCause::Failover);
            return Ok(after);
        }
        let after =
            self.auth.prober().reselect(source_id).instrument(info_span!("failover", source = %source_id)).await?;
        *last = Some(LastSelection { at: Instant::now() });
        drop(last);
        self.report_selection(&before, &after, SwitchCause::Failover);
        if after.connection_info.is_online {
            Ok(after)
        } else {
            Err(self.no_connection(&after))
        }
    }

    /// The standby, if it was verified recently and is not the URL that just failed; used once.
    fn fresh_standby(&self, source_id: &str, failed: Option<&str>) -> Option<ProbeRecord> {
        let mut standbys = self.standbys.lock().unwrap_or_else(|p| p.into_inner());
        let (record, verified) = standbys.remove(source_id)?;
        (verified.elapsed() < self.policy.standby_fresh && Some(record.uri.as_str()) != failed).then_some(record)
    }

    /// Finds (or re-verifies) the server's second-best working connection, so
    /// a failure of the one in use can move there without a selection; the
    /// verification also keeps a pooled connection to it warm.
    pub async fn maintain_standby(&self, source_id: &str) -> Option<String> {
        let found = self.auth.prober().probe_standby(source_id).await.unwrap_or_else(|e| {
            warn!(source = %source_id, "checking the standby connection failed: {e}");
            None
        });
        let mut standbys = self.standbys.lock().unwrap_or_else(|p| p.into_inner());
        let url = found.as_ref().map(|r| r.uri.clone());
        match found {
            Some(record) => standbys.insert(source_id.to_string(), (record, Instant::now())),
            None => standbys.remove(source_id),
        };
        url
    }

    pub(super) fn standby_age(&self, source_id: &str) -> Option<Duration> {
        let standbys = self.standbys.lock().unwrap_or_else(|p| p.into_inner());
        standbys.get(source_id).map(|(_, at)| at.elapsed())
    }

    fn no_connection(&self, s: &Source) -> Error {
        Error::NoConnection { server: s.name.clone() }
    }

    pub(super) fn report_selection(&self, before: &Source, after: &Source, cause: SwitchCause) {
        let (b, a) = (&before.connection_info, &after.connection_info);
        let id = after.id.clone();
        if a.is_online {
            let from = b.primary_url.clone().filter(|_| b.is_online);
            // The same URL again (it was a blip) is no switch worth telling.
            if a.primary_url != from {
                if let Some(to) = a.primary_url.clone() {
                    let all = candidates(&a.connections);
                    let class_of = |u: &str| all.iter().find(|c| c.uri == u).map(|c| c.class());
                    let class = class_of(&to).unwrap_or(ConnectionClass::RemoteDirect);
                    let from_class = from.as_deref().and_then(class_of);
                    self.emit(ConnectionEvent::Switched { source_id: id.clone(), from, from_class, to, class, cause });
                }
            }
        } else if b.is_online || cause == SwitchCause::Failover {
            self.emit(ConnectionEvent::Lost { source_id: id.clone(), error: self.no_connection(after) });
        }
        if a.pinned_failed && !b.pinned_failed {
            let pinned = self.auth.store().pinned(id.as_str());
            if let Some(pinned) = pinned {
                let using = a.primary_url.clone().filter(|_| a.is_online);
                self.emit(ConnectionEvent::PinnedFailed { source_id: id, pinned, using });
            }
        }
    }
}

/// A 401 from a server that proved who it is: that server refuses this
/// token (a share removed, a token changed), which is not the account's
/// sign-in failing; told as such, never as "sign in again".
fn refused_by(e: Error, source: &Source) -> Error {
    match e {
        Error::Unauthorized => Error::AccessRefused { server: source.name.clone() },
        e => e,
    }
}
