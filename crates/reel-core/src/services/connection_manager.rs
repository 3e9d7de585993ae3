//! Keeps every server reachable while Reel runs: each server's second-best
//! connection is kept verified as a standby; when the connection in use stops
//! answering, the next request moves to the standby (or, without a fresh one,
//! re-selects: one selection at a time per server, rate-limited) and an
//! idempotent request is retried once on the new URL; actions that change the server (watched, position) wait in the outbox
//! until a connection works; and while a better-ranked connection might work
//! again, it is re-probed on a backoff and at once when the network changes.

use crate::backends::plex::PlexServerClient;
use crate::error::{Error, Result};
use crate::models::{ConnectionClass, ProbeRecord, ServerAction, Source};
use crate::services::auth_manager::AuthManager;
use crate::services::connection::{candidates, ranked, tier};
use crate::services::library_cache::LibraryCache;
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
        source_id: String,
        from: Option<String>,
        from_class: Option<ConnectionClass>,
        to: String,
        class: ConnectionClass,
        cause: SwitchCause,
    },
    /// No connection of the server answers.
    Lost { source_id: String, error: String },
    /// The user's pinned connection did not answer; Reel chose automatically.
    PinnedFailed { source_id: String, pinned: String, using: Option<String> },
    /// Actions that had waited in the outbox reached the server.
    Delivered { source_id: String, count: usize },
}

/// What became of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Kept in the outbox; it goes out when the server can be reached.
    Queued,
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
struct Link {
    /// Held while selecting, so there is one selection at a time per server.
    select: tokio::sync::Mutex<Option<LastSelection>>,
    flushing: tokio::sync::Mutex<()>,
}

struct LastSelection {
    at: Instant,
}

pub struct ConnectionManager {
    auth: Arc<AuthManager>,
    cache: Arc<LibraryCache>,
    policy: ManagerPolicy,
    links: Mutex<HashMap<String, Arc<Link>>>,
    /// Per server, the second-best connection and when it last answered as the server.
    standbys: Mutex<HashMap<String, (ProbeRecord, Instant)>>,
    events: broadcast::Sender<ConnectionEvent>,
    network_changed: Notify,
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

    pub fn auth(&self) -> &Arc<AuthManager> {
        &self.auth
    }

    pub fn subscribe(&self) -> broadcast::Receiver<ConnectionEvent> {
        self.events.subscribe()
    }

    fn emit(&self, e: ConnectionEvent) {
        info!(event = ?e, "connection");
        let _ = self.events.send(e);
    }

    fn link(&self, source_id: &str) -> Arc<Link> {
        let mut links = self.links.lock().unwrap_or_else(|p| p.into_inner());
        links.entry(source_id.to_string()).or_default().clone()
    }

    fn source(&self, source_id: &str) -> Result<Source> {
        self.auth.current_source(source_id).ok_or_else(|| Error::UnknownProvider(source_id.into()))
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
        let first = match self.auth.server_client(&source).await {
            Ok(client) => {
                let used = url_of(&client);
                match op(client).await {
                    Err(e) if e.is_offline() => {
                        warn!(source = %source_id, url = %used, "connection stopped answering: {e}");
                        Some(used)
                    }
                    // A refusal can mean the address now belongs to another server (a new DHCP lease).
                    Err(Error::Unauthorized) if self.is_another_server(&source, &used).await => {
                        warn!(source = %source_id, url = %used, "another server answers at this address now");
                        Some(used)
                    }
                    Ok(v) => {
                        self.flush_soon(source_id);
                        return Ok(v);
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(Error::NoConnection { .. }) => None,
            Err(e) => return Err(e),
        };
        // The failed URL's history is updated by the selection's own probe of it; a
        // request that shares a recent selection writes nothing (offline, every
        // poster would otherwise rewrite config.toml).
        let source = self.failover(source_id, first.as_deref(), started).await?;
        let client = self.auth.server_client(&source).await?;
        let r = op(client).await;
        if r.is_ok() {
            self.flush_soon(source_id);
        }
        r
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
    async fn failover(self: &Arc<Self>, source_id: &str, failed: Option<&str>, started: Instant) -> Result<Source> {
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
        // A standby that answered as this server moments ago takes over at once: no probe round.
        if let Some(standby) = self.fresh_standby(source_id, failed) {
            let after = self.auth.switch_source(source_id, &standby.uri, Some(&standby)).await?;
            *last = Some(LastSelection { at: Instant::now() });
            drop(last);
            info!(source = %source_id, url = %standby.uri, "failed over to the standby connection");
            self.report_selection(&before, &after, SwitchCause::Failover);
            return Ok(after);
        }
        let after = self.auth.reselect(source_id).instrument(info_span!("failover", source = %source_id)).await?;
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
        let found = self.auth.probe_standby(source_id).await.unwrap_or_else(|e| {
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

    fn standby_age(&self, source_id: &str) -> Option<Duration> {
        let standbys = self.standbys.lock().unwrap_or_else(|p| p.into_inner());
        standbys.get(source_id).map(|(_, at)| at.elapsed())
    }

    fn no_connection(&self, s: &Source) -> Error {
        Error::NoConnection {
            server: s.name.clone(),
            detail: s.connection_info.reason.clone().unwrap_or_else(|| "no connection answered".into()),
        }
    }

    fn report_selection(&self, before: &Source, after: &Source, cause: SwitchCause) {
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
            let error = a.reason.clone().unwrap_or_else(|| "no connection answered".into());
            self.emit(ConnectionEvent::Lost { source_id: id.clone(), error });
        }
        if a.pinned_failed && !b.pinned_failed {
            let pinned = self.auth.config().get().runtime.pinned_connections.get(&id).cloned();
            if let Some(pinned) = pinned {
                let using = a.primary_url.clone().filter(|_| a.is_online);
                self.emit(ConnectionEvent::PinnedFailed { source_id: id, pinned, using });
            }
        }
    }

    /// Sends an action that changes the server. It is not retried blindly:
    /// when the server cannot be reached it waits in the outbox (kept on
    /// disk), behind any older ones, and goes out once a connection works.
    pub async fn send_action(self: &Arc<Self>, source_id: &str, action: ServerAction) -> Result<Delivery> {
        let source = self.source(source_id)?;
        if !self.cache.queued_actions(source_id)?.is_empty() {
            self.cache.queue_action(source_id, &action)?;
            self.flush_soon(source_id);
            return Ok(Delivery::Queued);
        }
        let failure: Error = match self.auth.server_client(&source).await {
            Ok(client) => match client.perform(&action).await {
                Ok(()) => return Ok(Delivery::Sent),
                Err(e) if e.is_offline() => e,
                Err(e) => return Err(e),
            },
            Err(e @ Error::NoConnection { .. }) => e,
            Err(e) => return Err(e),
        };
        warn!(source = %source_id, "keeping {action:?} until the server answers: {failure}");
        self.cache.queue_action(source_id, &action)?;
        // Find a working connection now; the outbox goes out through it.
        let me = Arc::clone(self);
        let id = source_id.to_string();
        let started = Instant::now();
        tokio::spawn(async move {
            let failed = me.source(&id).ok().and_then(|s| s.connection_info.primary_url);
            if me.failover(&id, failed.as_deref(), started).await.is_ok() {
                me.flush(&id).await;
            }
        });
        Ok(Delivery::Queued)
    }

    /// How many actions wait for this server.
    pub fn queued(&self, source_id: &str) -> usize {
        self.cache.queued_actions(source_id).map(|q| q.len()).unwrap_or(0)
    }

    fn flush_soon(self: &Arc<Self>, source_id: &str) {
        if self.queued(source_id) == 0 {
            return;
        }
        let me = Arc::clone(self);
        let id = source_id.to_string();
        tokio::spawn(async move { me.flush(&id).await });
    }

    /// Delivers waiting actions in order through the connection in use. Stops
    /// at the first one the server cannot be reached for; drops (with a
    /// warning) one the server refuses, as sending it again cannot help.
    pub async fn flush(self: &Arc<Self>, source_id: &str) -> usize {
        let link = self.link(source_id);
        let _one_at_a_time = link.flushing.lock().await;
        let Ok(queue) = self.cache.queued_actions(source_id) else { return 0 };
        if queue.is_empty() {
            return 0;
        }
        let Ok(source) = self.source(source_id) else { return 0 };
        let Ok(client) = self.auth.server_client(&source).await else { return 0 };
        let mut delivered = 0;
        for (id, action) in queue {
            match client.perform(&action).await {
                Ok(()) => delivered += 1,
                Err(e) if e.is_offline() => break,
                Err(e) => warn!(source = %source_id, "the server refused {action:?}; dropping it: {e}"),
            }
            if let Err(e) = self.cache.remove_action(id) {
                warn!("cannot update the outbox: {e}");
                break;
            }
        }
        if delivered > 0 {
            self.emit(ConnectionEvent::Delivered { source_id: source_id.to_string(), count: delivered });
        }
        delivered
    }

    /// True when a better-ranked connection than the one in use exists (or
    /// the user's pin is not the one in use), so re-probing could move up.
    pub fn could_do_better(&self, source_id: &str) -> bool {
        let Ok(s) = self.source(source_id) else { return false };
        let ci = &s.connection_info;
        let Some(current) = ci.primary_url.as_deref().filter(|_| ci.is_online) else { return false };
        let pinned = self.auth.config().read(|c| c.runtime.pinned_connections.get(source_id).cloned());
        let order = ranked(&ci.connections, pinned.as_deref(), &Default::default());
        let Some(cur) = order.iter().find(|c| c.uri == current) else { return false };
        let t = tier(cur, pinned.as_deref());
        order.iter().any(|c| c.fallback_for.is_none() && tier(c, pinned.as_deref()) < t)
    }

    /// Probes the candidates ranked better than the one in use and moves up
    /// when one answers; never moves down. True when it moved.
    pub async fn reoptimise(self: &Arc<Self>, source_id: &str) -> Result<bool> {
        let link = self.link(source_id);
        let mut last = link.select.lock().await;
        let before = self.source(source_id)?;
        let after = self.auth.probe_better(source_id).instrument(info_span!("reoptimise", source = %source_id)).await?;
        *last = Some(LastSelection { at: Instant::now() });
        drop(last);
        match after {
            Some(after) if after.connection_info.primary_url != before.connection_info.primary_url => {
                self.report_selection(&before, &after, SwitchCause::BetterAnswered);
                self.flush_soon(source_id);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Call when the system's network changes (`gio::NetworkMonitor`): better
    /// connections are re-probed at once and server lists go stale sooner.
    pub fn network_changed(&self) {
        self.auth.note_network_change();
        self.network_changed.notify_one();
    }

    /// The background task that re-probes better connections of every server
    /// that could do better, on a doubling backoff per server, and at once
    /// after a network change. Offline servers are left to the caller's
    /// reconnect logic.
    pub fn spawn_reoptimiser(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let mut backoff: HashMap<String, (Duration, tokio::time::Instant)> = HashMap::new();
            // Right after a network change every candidate is due at once.
            let mut urgent = false;
            loop {
                let now = tokio::time::Instant::now();
                for s in me.auth.all_sources() {
                    let online = s.connection_info.is_online;
                    if online && me.standby_age(&s.id).is_none_or(|age| age >= me.policy.standby_every) {
                        me.maintain_standby(&s.id).await;
                    }
                    if !me.could_do_better(&s.id) {
                        backoff.remove(&s.id);
                        continue;
                    }
                    let first = me.policy.reoptimise_first;
                    let (wait, due) =
                        *backoff.entry(s.id.clone()).or_insert((first, if urgent { now } else { now + first }));
                    if due > now {
                        continue;
                    }
                    let moved = me.reoptimise(&s.id).await.unwrap_or_else(|e| {
                        warn!(source = %s.id, "re-probing failed: {e}");
                        false
                    });
                    let next = if moved { first } else { (wait * 2).min(me.policy.reoptimise_max) };
                    backoff.insert(s.id.clone(), (next, tokio::time::Instant::now() + next));
                }
                urgent = false;
                // Standbys are re-verified on their own rhythm; better connections on their backoff.
                let now = tokio::time::Instant::now();
                let standby_due = now + me.policy.standby_every;
                // With nothing on a backoff, look again soon in case a server now could do better.
                let idle = now + me.policy.reoptimise_first;
                let next_due = backoff.values().map(|(_, due)| *due).min().unwrap_or(idle).min(standby_due);
                let sleep = tokio::time::sleep_until(next_due);
                tokio::select! {
                    _ = sleep => {}
                    _ = me.network_changed.notified() => {
                        backoff.clear();
                        urgent = true;
                    }
                }
            }
        })
    }
}
