//! The static order (README: How Reel picks a connection): which of a
//! server's connections to try
//! first, and which may not be used at all. No network here.

use super::history::{LinkStats, ServerHistory};
use super::select::ProbePolicy;
use crate::models::{Choice, Connection, ConnectionClass, ProbeOutcome, ProbeRecord, Reason};
use std::net::IpAddr;
use url::{Host, Url};

/// Every candidate worth probing: plex.tv's connections, plus for each local
/// https connection by DNS name (`*.plex.direct`) plain http to its raw
/// address, since routers with DNS-rebinding protection refuse those names.
pub fn candidates(conns: &[Connection]) -> Vec<Connection> {
    let mut all = conns.to_vec();
    for c in conns {
        if let Some(f) = raw_address_fallback(c) {
            if !all.iter().any(|o| o.uri == f.uri) {
                all.push(f);
            }
        }
    }
    all
}

fn raw_address_fallback(c: &Connection) -> Option<Connection> {
    if !c.local || c.relay || !c.is_https() {
        return None;
    }
    let url = Url::parse(&c.uri).ok()?;
    if !matches!(url.host(), Some(Host::Domain(_))) {
        return None;
    }
    let ip: IpAddr = c.address.parse().ok()?;
    let port = if c.port != 0 { c.port } else { url.port_or_known_default()? };
    let uri = match ip {
        IpAddr::V4(v4) => format!("http://{v4}:{port}"),
        IpAddr::V6(v6) => format!("http://[{v6}]:{port}"),
    };
    Some(Connection {
        uri,
        protocol: "http".into(),
        address: c.address.clone(),
        port,
        local: true,
        relay: false,
        ipv6: ip.is_ipv6(),
        fallback_for: Some(c.uri.clone()),
    })
}

/// True when `url` is one of the server's own candidates: the only places its token may go.
pub fn is_candidate(conns: &[Connection], url: &str) -> bool {
    candidates(conns).iter().any(|c| c.uri == url)
}

/// The static order: a pinned URL first, then class (local direct, local,
/// remote direct, relay), then https before http, IPv4 before IPv6, plex.tv's
/// own URLs before derived fallbacks; ties broken by history.
pub fn static_order(conns: &[Connection], pinned: Option<&str>) -> Vec<Connection> {
    ranked(conns, pinned, &ServerHistory::new())
}

pub fn ranked(conns: &[Connection], pinned: Option<&str>, history: &ServerHistory) -> Vec<Connection> {
    let mut sorted = candidates(conns);
    sorted.sort_by_key(|c| (tier(c, pinned), LinkStats::order_key(history.get(&c.uri))));
    sorted
}

/// A candidate's place in the static order, without history: moving to a
/// lower tier is an improvement, moving within one is not worth a switch.
pub fn tier(c: &Connection, pinned: Option<&str>) -> (bool, ConnectionClass, bool, bool, bool) {
    (Some(c.uri.as_str()) != pinned, c.class(), !c.is_https(), c.ipv6, c.fallback_for.is_some())
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

pub fn describe(o: &ProbeOutcome) -> String {
    match o {
        ProbeOutcome::Ok => "answered".into(),
        ProbeOutcome::Skipped { why } => format!("skipped ({why})"),
        ProbeOutcome::WrongServer { .. } => "is a different server".into(),
        ProbeOutcome::Failed { why } => format!("failed ({why})"),
        ProbeOutcome::Timeout => "timed out".into(),
    }
}

/// Why a server is reached the way it is, in English (reel-cli and logs;
/// the app says it in the user's language).
pub fn describe_reason(reason: &Reason, records: &[ProbeRecord]) -> String {
    match reason {
        Reason::Answered { class, latency_ms, how, fallback_for } => {
            let mut why = format!("{} connection answered in {latency_ms:.0} ms", class.label());
            if let Some(f) = fallback_for {
                why.push_str(&format!(" (plain http to the address of {f})"));
            }
            why.push_str(match how {
                Choice::Warm => "; it worked last time and answered at once",
                Choice::Pinned => " (your pinned connection)",
                Choice::PinnedFailed => "; your pinned connection did not answer, so Reel chose automatically",
                Choice::Best => "",
            });
            let chosen = records.iter().position(|r| r.chosen).unwrap_or(0);
            let better: Vec<String> = records[..chosen]
                .iter()
                .filter(|b| *how != Choice::Warm || !matches!(b.outcome, ProbeOutcome::Skipped { .. }))
                .map(|b| format!("{} {}", b.class.label(), describe(&b.outcome)))
                .collect();
            if !better.is_empty() {
                why.push_str(&format!("; better-ranked: {}", better.join(", ")));
            }
            why
        }
        Reason::StandbyTookOver { class, latency_ms } => format!(
            "the {} connection (verified {latency_ms:.0} ms) took over when the one in use stopped answering",
            class.label()
        ),
        Reason::EnteredAddress => "the address you entered".into(),
        Reason::NoConnections => "plex.tv lists no connections for this server".into(),
        Reason::NoneAnswered => "no connection answered".into(),
    }
}
