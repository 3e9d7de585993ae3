//! Choosing how to reach a server (README: How Reel picks a connection): the
//! static order first, then live `/identity` probes of every candidate at
//! once, taking the best-ranked one that answers as the right server,
//! without waiting out dead ones. The
//! last good URL gets a head start (a warm start is one round trip), IPv6 is
//! tried when IPv4 fails, and a local plex.direct name has a raw-address
//! fallback for routers that will not resolve it.

use super::history::{LinkStats, ServerHistory};
use super::rank::{not_allowed, ranked};
use crate::backends::plex::PlexServerClient;
use crate::config::Preferences;
use crate::error::Error;
use crate::http::HttpClient;
use crate::models::{Choice, Connection, ConnectionClass, ProbeOutcome, ProbeRecord, Reason};
use futures::future::{BoxFuture, FutureExt};
use futures::stream::{FuturesUnordered, StreamExt};
use std::time::{Duration, Instant};
use tracing::{debug, info_span, Instrument};
use url::Url;

#[derive(Debug, Clone)]
pub struct ProbePolicy {
    /// How long a probe may take, by class: a LAN answers fast or not at all.
    pub timeout_local: Duration,
    pub timeout_remote: Duration,
    pub timeout_relay: Duration,
    /// After the first direct answer, better-ranked candidates get this long
    /// plus `window_factor` × that answer's latency, capped at `window_cap`.
    pub window_base: Duration,
    pub window_factor: f64,
    pub window_cap: Duration,
    /// Plain http is only ever used for local candidates; this can forbid even that.
    pub allow_insecure_local: bool,
    /// How long the last good URL is probed alone before the others start,
    /// when its history gives no better idea.
    pub head_start: Duration,
    pub head_start_max: Duration,
}

impl Default for ProbePolicy {
    fn default() -> Self {
        Self {
            timeout_local: Duration::from_millis(1500),
            timeout_remote: Duration::from_secs(4),
            timeout_relay: Duration::from_secs(6),
            window_base: Duration::from_millis(5),
            window_factor: 0.1,
            window_cap: Duration::from_millis(250),
            allow_insecure_local: true,
            head_start: Duration::from_millis(150),
            head_start_max: Duration::from_millis(500),
        }
    }
}

impl ProbePolicy {
    /// This policy as the user's preferences change it.
    pub fn with_preferences(&self, prefs: &Preferences) -> Self {
        let mut p = self.clone();
        if let Some(v) = prefs.allow_insecure_local {
            p.allow_insecure_local = v;
        }
        p
    }
    /// How long a probe of this class of connection may take.
    pub fn timeout(&self, class: ConnectionClass) -> Duration {
        match class {
            ConnectionClass::LocalDirect | ConnectionClass::Local => self.timeout_local,
            ConnectionClass::RemoteDirect => self.timeout_remote,
            ConnectionClass::Relay => self.timeout_relay,
        }
    }
    fn window(&self, first_answer: Duration) -> Duration {
        (self.window_base + first_answer.mul_f64(self.window_factor)).min(self.window_cap)
    }
    /// Twice the URL's usual latency plus a little, so a warm start that still
    /// works wins alone, and one that died costs the others little.
    fn head_start(&self, stats: Option<&LinkStats>) -> Duration {
        match stats.and_then(|s| s.latency_ms) {
            Some(ms) => Duration::from_secs_f64(ms * 2.0 / 1000.0 + 0.02).min(self.head_start_max),
            None => self.head_start,
        }
    }
}

/// What a selection needs to know about one server.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub machine_id: &'a str,
    pub connections: &'a [Connection],
    pub https_required: bool,
    pub pinned: Option<&'a str>,
    /// The URL that worked last time: probed first, alone, for a moment.
    pub last_good: Option<&'a str>,
    pub history: &'a ServerHistory,
}

#[derive(Debug, Clone)]
pub struct Selection {
    pub chosen: Option<String>,
    pub records: Vec<ProbeRecord>,
    pub reason: Reason,
    pub elapsed: Duration,
    /// The last good URL answered within its head start; nothing else was probed.
    pub warm: bool,
    /// A pin was set and did not answer, so the choice is automatic.
    pub pinned_failed: bool,
}

struct Probe {
    rank: usize,
    outcome: ProbeOutcome,
    latency: Duration,
}

async fn probe(http: HttpClient, rank: usize, url: Url, machine_id: String, timeout: Duration) -> Probe {
    let start = Instant::now();
    let outcome = match PlexServerClient::identity_at(&http, &url, timeout).await {
        Ok(id) if id.machine_identifier == machine_id => ProbeOutcome::Ok,
        Ok(id) => ProbeOutcome::WrongServer { machine_identifier: id.machine_identifier },
        Err(Error::Timeout { .. }) => ProbeOutcome::Timeout,
        Err(e) => ProbeOutcome::Failed { why: e.to_string() },
    };
    Probe { rank, outcome, latency: start.elapsed() }
}

/// [`select_for`] with no history and no warm start.
#[cfg(any(test, feature = "internals"))]
pub async fn select(
    http: &HttpClient,
    machine_id: &str,
    conns: &[Connection],
    https_required: bool,
    pinned: Option<&str>,
    policy: &ProbePolicy,
) -> Selection {
    let history = ServerHistory::new();
    let target = Target { machine_id, connections: conns, https_required, pinned, last_good: None, history: &history };
    select_for(http, &target, policy).await
}

/// Probes the allowed candidates and picks the best-ranked one that answers
/// as the server. Once a direct candidate answers, better-ranked ones get only
/// a short window; a relay is taken only when every direct candidate has
/// failed; a pinned candidate is waited for until it answers or fails. An
/// IPv6 candidate starts when no IPv4 one of its class or better is left that
/// could answer. The
/// last good URL, when there is one, is probed alone first and taken at once
/// if it answers within its head start.
pub async fn select_for(http: &HttpClient, target: &Target<'_>, policy: &ProbePolicy) -> Selection {
    let start = Instant::now();
    let order = ranked(target.connections, target.pinned, target.history);
    let mut records: Vec<ProbeRecord> = order
        .iter()
        .enumerate()
        .map(|(rank, c)| ProbeRecord {
            uri: c.uri.clone(),
            class: c.class(),
            rank,
            outcome: ProbeOutcome::Skipped { why: "not probed".into() },
            latency_ms: None,
            chosen: false,
            ipv6: c.ipv6,
            fallback_for: c.fallback_for.clone(),
        })
        .collect();
    let mut urls: Vec<Option<Url>> = vec![None; order.len()];
    let mut waiting: Vec<usize> = Vec::new();
    for (rank, c) in order.iter().enumerate() {
        if let Some(why) = not_allowed(c, target.https_required, policy) {
            records[rank].outcome = ProbeOutcome::Skipped { why };
            continue;
        }
        match Url::parse(&c.uri) {
            Ok(u) => {
                urls[rank] = Some(u);
                waiting.push(rank);
            }
            Err(_) => records[rank].outcome = ProbeOutcome::Failed { why: "not a valid URL".into() },
        }
    }
    let is_relay = |rank: usize| order[rank].class() == ConnectionClass::Relay;
    let is_v6_direct = |rank: usize| order[rank].ipv6 && !is_relay(rank);
    // The user's pin is waited for until it answers or fails; no window cuts it short.
    let pinned_rank = target.pinned.and_then(|p| order.iter().position(|c| c.uri == p));
    // A warm start only when it does not go against the user's pin.
    let warm_rank = target
        .last_good
        .filter(|u| target.pinned.is_none_or(|p| p == *u))
        .and_then(|u| order.iter().position(|c| c.uri == u))
        .filter(|r| waiting.contains(r));

    let mut running: FuturesUnordered<BoxFuture<'static, Probe>> = FuturesUnordered::new();
    let mut pending: Vec<usize> = Vec::new();
    let launch = |rank: usize, pending: &mut Vec<usize>, running: &FuturesUnordered<BoxFuture<'static, Probe>>| {
        if let Some(url) = urls[rank].clone() {
            pending.push(rank);
            let timeout = policy.timeout(order[rank].class());
            running.push(probe(http.clone(), rank, url, target.machine_id.to_string(), timeout).boxed());
        }
    };
    let mut head_start_over: Option<tokio::time::Instant> = None;
    if let Some(w) = warm_rank {
        waiting.retain(|&r| r != w);
        launch(w, &mut pending, &running);
        head_start_over = Some(tokio::time::Instant::now() + policy.head_start(target.history.get(&order[w].uri)));
    }

    let mut answered: Vec<usize> = Vec::new();
    let mut deadline: Option<tokio::time::Instant> = None;
    let mut others_launched = warm_rank.is_none();
    async {
        loop {
            let warm_pending = warm_rank.is_some_and(|w| pending.contains(&w));
            let head_start_running = warm_pending && head_start_over.is_some_and(|t| tokio::time::Instant::now() < t);
            if !others_launched && warm_rank.is_some_and(|w| answered.contains(&w)) {
                // Answered alone within its head start: one round trip, nothing else needed.
                break;
            }
            if !head_start_running {
                others_launched = true;
                let v4: Vec<usize> = waiting.iter().copied().filter(|&r| !is_v6_direct(r)).collect();
                for r in v4 {
                    launch(r, &mut pending, &running);
                }
                waiting.retain(|&r| is_v6_direct(r));
                // An IPv6 candidate starts once no IPv4 one of its class or better can still answer.
                let v4_alive = |class: ConnectionClass| {
                    pending.iter().chain(&answered).any(|&r| !order[r].ipv6 && order[r].class() <= class)
                };
                let due: Vec<usize> = waiting.iter().copied().filter(|&r| !v4_alive(order[r].class())).collect();
                for r in due {
                    waiting.retain(|&w| w != r);
                    launch(r, &mut pending, &running);
                }
            }
            if let Some(&best) = answered.iter().min() {
                if !pending.iter().any(|&p| p < best) {
                    break;
                }
                let pin_pending = pinned_rank.is_some_and(|r| pending.contains(&r));
                if !is_relay(best) && !pin_pending && deadline.is_none() {
                    let first = records[best].latency_ms.unwrap_or(0.0);
                    let window = policy.window(Duration::from_secs_f64(first / 1000.0));
                    deadline = Some(tokio::time::Instant::now() + window);
                }
            }
            if pending.is_empty() {
                break;
            }
            let window = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
                }
            };
            let head = async {
                match head_start_over {
                    Some(t) if head_start_running => tokio::time::sleep_until(t).await,
                    _ => std::future::pending().await,
                }
            };
            tokio::select! {
                Some(p) = running.next() => {
                    pending.retain(|&r| r != p.rank);
                    let rec = &mut records[p.rank];
                    rec.latency_ms = Some(p.latency.as_secs_f64() * 1000.0);
                    debug!(uri = %rec.uri, outcome = ?p.outcome, ms = rec.latency_ms, "probe");
                    if p.outcome == ProbeOutcome::Ok {
                        answered.push(p.rank);
                    }
                    rec.outcome = p.outcome;
                }
                _ = window => break,
                _ = head => {}
            }
        }
    }
    .instrument(info_span!("select_connection", server = %target.machine_id, candidates = order.len()))
    .await;

    let warm = !others_launched;
    for &rank in &pending {
        records[rank].outcome =
            ProbeOutcome::Skipped { why: "no answer before a working connection was chosen".into() };
    }
    for &rank in &waiting {
        records[rank].outcome = ProbeOutcome::Skipped {
            why: if warm {
                "the last working connection answered at once".into()
            } else {
                "an IPv4 connection answered".into()
            },
        };
    }
    let chosen = if warm { warm_rank } else { answered.iter().min().copied() };
    let pinned_failed = pinned_rank.is_some() && chosen != pinned_rank;
    let reason = match chosen {
        Some(rank) => {
            records[rank].chosen = true;
            let r = &records[rank];
            let how = if warm {
                Choice::Warm
            } else if Some(r.uri.as_str()) == target.pinned {
                Choice::Pinned
            } else if target.pinned.is_some() {
                Choice::PinnedFailed
            } else {
                Choice::Best
            };
            Reason::Answered {
                class: r.class,
                latency_ms: r.latency_ms.unwrap_or(0.0),
                how,
                fallback_for: r.fallback_for.clone(),
            }
        }
        None if records.is_empty() => Reason::NoConnections,
        None => Reason::NoneAnswered,
    };
    let selection = Selection {
        chosen: chosen.map(|r| records[r].uri.clone()),
        records,
        reason,
        elapsed: start.elapsed(),
        warm,
        pinned_failed,
    };
    tracing::debug!(
        chosen = ?selection.chosen,
        elapsed_ms = selection.elapsed.as_millis() as u64,
        warm = selection.warm,
        "connection chosen"
    );
    selection
}
