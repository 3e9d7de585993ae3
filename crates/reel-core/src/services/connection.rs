//! Choosing how to reach a server: the design note's static order first, then
//! live `/identity` probes of every candidate at once, taking the best-ranked
//! one that answers as the right server, without waiting out dead ones.

use crate::backends::plex::PlexServerClient;
use crate::error::Error;
use crate::http::HttpClient;
use crate::models::{Connection, ConnectionClass, ProbeOutcome, ProbeRecord};
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
        }
    }
}

impl ProbePolicy {
    fn timeout(&self, class: ConnectionClass) -> Duration {
        match class {
            ConnectionClass::LocalDirect | ConnectionClass::Local => self.timeout_local,
            ConnectionClass::RemoteDirect => self.timeout_remote,
            ConnectionClass::Relay => self.timeout_relay,
        }
    }
    fn window(&self, first_answer: Duration) -> Duration {
        (self.window_base + first_answer.mul_f64(self.window_factor)).min(self.window_cap)
    }
}

/// The static order: a pinned URL first, then class (local direct, local,
/// remote direct, relay), then https before http; plex.tv's order otherwise.
pub fn static_order(conns: &[Connection], pinned: Option<&str>) -> Vec<Connection> {
    let mut sorted = conns.to_vec();
    sorted.sort_by_key(|c| (Some(c.uri.as_str()) != pinned, c.class(), !c.is_https()));
    sorted
}

/// Why a candidate may not be used at all, if it may not.
pub fn not_allowed(c: &Connection, https_required: bool, policy: &ProbePolicy) -> Option<String> {
    if c.is_https() {
        return None;
    }
    if https_required {
        Some("the server requires https".into())
    } else if !c.local {
        Some("plain http is only used on the local network".into())
    } else if !policy.allow_insecure_local {
        Some("insecure local connections are turned off".into())
    } else {
        None
    }
}

#[derive(Debug, Clone)]
pub struct Selection {
    pub chosen: Option<String>,
    pub records: Vec<ProbeRecord>,
    pub reason: String,
    pub elapsed: Duration,
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
        Err(Error::Offline { reason, .. }) if reason.contains("in time") => ProbeOutcome::Timeout,
        Err(e) => ProbeOutcome::Failed { why: e.to_string() },
    };
    Probe { rank, outcome, latency: start.elapsed() }
}

/// Probes every allowed candidate at once and picks the best-ranked one that
/// answers as `machine_id`. Once a direct candidate answers, better-ranked ones
/// get only a short window; a relay is taken only when every direct candidate
/// has failed; a pinned candidate is waited for until it answers or fails.
pub async fn select(
    http: &HttpClient,
    machine_id: &str,
    conns: &[Connection],
    https_required: bool,
    pinned: Option<&str>,
    policy: &ProbePolicy,
) -> Selection {
    let start = Instant::now();
    let order = static_order(conns, pinned);
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
        })
        .collect();
    let mut running = FuturesUnordered::new();
    let mut pending: Vec<usize> = Vec::new();
    for (rank, c) in order.iter().enumerate() {
        if let Some(why) = not_allowed(c, https_required, policy) {
            records[rank].outcome = ProbeOutcome::Skipped { why };
            continue;
        }
        let Ok(url) = Url::parse(&c.uri) else {
            records[rank].outcome = ProbeOutcome::Failed { why: "not a valid URL".into() };
            continue;
        };
        pending.push(rank);
        running.push(probe(http.clone(), rank, url, machine_id.to_string(), policy.timeout(c.class())));
    }
    let is_relay = |rank: usize| order[rank].class() == ConnectionClass::Relay;
    // The user's pin is waited for until it answers or fails; no window cuts it short.
    let pinned_rank = pinned.and_then(|p| order.iter().position(|c| c.uri == p));

    let mut answered: Vec<usize> = Vec::new();
    let mut deadline: Option<tokio::time::Instant> = None;
    async {
        loop {
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
            let sleep = async {
                match deadline {
                    Some(d) => tokio::time::sleep_until(d).await,
                    None => std::future::pending().await,
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
                _ = sleep => break,
            }
        }
    }
    .instrument(info_span!("select_connection", server = %machine_id, candidates = order.len()))
    .await;

    for &rank in &pending {
        records[rank].outcome =
            ProbeOutcome::Skipped { why: "no answer before a working connection was chosen".into() };
    }
    let chosen = answered.iter().min().copied();
    let reason = match chosen {
        Some(rank) => {
            records[rank].chosen = true;
            let r = &records[rank];
            let mut why = format!("{} connection answered in {:.0} ms", r.class.label(), r.latency_ms.unwrap_or(0.0));
            if Some(r.uri.as_str()) == pinned {
                why.push_str(" (your pinned connection)");
            } else if pinned.is_some() {
                why.push_str("; your pinned connection did not answer, so Reel chose automatically");
            }
            let better: Vec<String> =
                records[..rank].iter().map(|b| format!("{} {}", b.class.label(), describe(&b.outcome))).collect();
            if !better.is_empty() {
                why.push_str(&format!("; better-ranked: {}", better.join(", ")));
            }
            why
        }
        None if records.is_empty() => "plex.tv lists no connections for this server".into(),
        None => "no connection answered".into(),
    };
    Selection { chosen: chosen.map(|r| records[r].uri.clone()), records, reason, elapsed: start.elapsed() }
}

pub fn describe(o: &ProbeOutcome) -> String {
    match o {
        ProbeOutcome::Ok => "answered".into(),
        ProbeOutcome::Skipped { why } => format!("skipped ({why})"),
        ProbeOutcome::WrongServer { .. } => "is a different server".into(),
        ProbeOutcome::Failed { why } => format!("failed ({why})"),
        ProbeOutcome::Timeout => "timed out".into(),
    }
}
