//! What the live selection does beyond the race: the raw-address fallback for
//! plex.direct names, IPv6 only when IPv4 fails, the warm start's head start,
//! and history breaking ties. Asserts choices and the order of what reached
//! fake-plex, never timings.

mod common;
use common::*;
use fake_plex::topology::{Behaviour, ConnectionSpec, Protocol};
use fake_plex::FakePlex;
use reel_core::http::{ClientIdentity, HttpClient};
use reel_core::models::ProbeOutcome;
use reel_core::models::{Choice, Reason};
use reel_core::services::connections::history::{LinkStats, ServerHistory};
use reel_core::services::connections::rank::ranked;
use reel_core::services::connections::select::{select_for, ProbePolicy, Target};
use std::net::SocketAddr;
use std::time::Duration;

const PLEX_DIRECT: &str = "127-0-0-1.0a1b2c3d4e5f60718293a4b5c6d7e8f9.plex.direct";

fn plex_direct(also_http: bool, behaviour: Behaviour) -> ConnectionSpec {
    ConnectionSpec {
        local: true,
        protocol: Protocol::Https,
        host: Some(PLEX_DIRECT.into()),
        also_http,
        behaviour,
        ..Default::default()
    }
}

/// No DNS server may be reached from tests, so the home router's answer for
/// the plex.direct name is stood in for by the client's resolver: `None`
/// refuses the name (DNS-rebinding protection), `Some` resolves it to loopback.
fn http_resolving(fp: &FakePlex, to: Option<u16>) -> HttpClient {
    let addrs: Vec<SocketAddr> = to.map(|p| vec![SocketAddr::from(([127, 0, 0, 1], p))]).unwrap_or_default();
    HttpClient::with_resolver_overrides(
        ClientIdentity::new("test-selection"),
        Some(fp.ca_pem().as_bytes()),
        &[(PLEX_DIRECT.to_string(), addrs)],
    )
    .unwrap()
}

fn target<'a>(
    machine_id: &'a str,
    conns: &'a [reel_core::models::Connection],
    last_good: Option<&'a str>,
    history: &'a ServerHistory,
) -> Target<'a> {
    Target { machine_id, connections: conns, https_required: false, pinned: None, last_good, history }
}

fn identity_order(fp: &FakePlex) -> Vec<String> {
    fp.requests().into_iter().filter(|r| r.path == "/identity").map(|r| r.listener).collect()
}

#[tokio::test]
async fn a_blocked_plex_direct_name_falls_back_to_plain_http_on_its_raw_address() {
    let fp = FakePlex::start(topology(vec![server(
        "Den",
        true,
        vec![plex_direct(true, Behaviour::Ok), conn(false, false, Protocol::Https, Behaviour::Delay(40))],
    )]))
    .await
    .unwrap();
    let info = fp.info().servers[0].clone();
    let conns = connections_of(&info);
    let port = info.connections[0].port;
    let history = ServerHistory::new();

    // The router refuses the name: the raw address over http wins over remote.
    let sel = select_for(&http_resolving(&fp, None), &target(&info.machine_identifier, &conns, None, &history), &{
        ProbePolicy::default()
    })
    .await;
    let fallback = format!("http://127.0.0.1:{port}");
    assert_eq!(sel.chosen.as_deref(), Some(fallback.as_str()), "{:#?}", sel);
    let named = sel.records.iter().find(|r| r.uri == info.connections[0].uri).unwrap();
    assert!(matches!(&named.outcome, ProbeOutcome::Failed { .. }), "{named:?}");
    let chosen = sel.records.iter().find(|r| r.chosen).unwrap();
    assert_eq!(chosen.fallback_for.as_deref(), Some(info.connections[0].uri.as_str()));
    assert!(matches!(&sel.reason, Reason::Answered { fallback_for: Some(_), .. }), "{:?}", sel.reason);

    // The name resolves: https by name is used and the fallback is only a spare.
    let sel =
        select_for(&http_resolving(&fp, Some(port)), &target(&info.machine_identifier, &conns, None, &history), &{
            ProbePolicy::default()
        })
        .await;
    assert_eq!(sel.chosen.as_deref(), Some(info.connections[0].uri.as_str()), "{:#?}", sel);

    // Insecure local connections turned off: no fallback, so remote.
    let strict = ProbePolicy { allow_insecure_local: false, ..ProbePolicy::default() };
    let sel =
        select_for(&http_resolving(&fp, None), &target(&info.machine_identifier, &conns, None, &history), &strict)
            .await;
    assert_eq!(sel.chosen.as_deref(), Some(info.connections[1].uri.as_str()), "{:#?}", sel);
}

#[tokio::test]
async fn ipv6_is_probed_only_once_the_ipv4_connections_have_failed() {
    if !ipv6_loopback() {
        eprintln!("SKIPPED: this machine has no IPv6 loopback (::1) to listen on");
        return;
    }
    let v6 = |behaviour| ConnectionSpec { local: true, ipv6: true, behaviour, ..Default::default() };
    // IPv4 local answers 500; the IPv6 one works; remote is slower.
    let fp = FakePlex::start(topology(vec![server(
        "Loft",
        true,
        vec![
            conn(true, false, Protocol::Http, Behaviour::Error500),
            v6(Behaviour::Ok),
            conn(false, false, Protocol::Https, Behaviour::Delay(40)),
        ],
    )]))
    .await
    .unwrap();
    let info = fp.info().servers[0].clone();
    let conns = connections_of(&info);
    assert!(conns[1].uri.starts_with("http://[::1]:"), "{}", conns[1].uri);
    let history = ServerHistory::new();
    let sel =
        select_for(&http_for(&fp), &target(&info.machine_identifier, &conns, None, &history), &ProbePolicy::default())
            .await;
    assert_eq!(sel.chosen.as_deref(), Some(conns[1].uri.as_str()), "{:#?}", sel);
    let order = identity_order(&fp);
    let v4 = order.iter().position(|l| l == "Loft#0").unwrap();
    let v6_at = order.iter().position(|l| l == "Loft#1").unwrap();
    assert!(v4 < v6_at, "IPv6 after IPv4 failed: {order:?}");

    // Both work: IPv6 is never contacted.
    fp.set_behaviour("Loft", Some(0), Behaviour::Ok);
    fp.clear_requests();
    let sel =
        select_for(&http_for(&fp), &target(&info.machine_identifier, &conns, None, &history), &ProbePolicy::default())
            .await;
    assert_eq!(sel.chosen.as_deref(), Some(conns[0].uri.as_str()));
    assert!(!identity_order(&fp).contains(&"Loft#1".to_string()));
    let rec = sel.records.iter().find(|r| r.uri == conns[1].uri).unwrap();
    assert!(matches!(&rec.outcome, ProbeOutcome::Skipped { why } if why.contains("IPv4")), "{rec:?}");
}

#[tokio::test]
async fn a_warm_start_is_one_round_trip_and_a_dead_last_url_costs_only_its_head_start() {
    let fp = FakePlex::start(topology(vec![server(
        "Study",
        true,
        vec![
            conn(true, false, Protocol::Http, Behaviour::Ok),
            conn(false, false, Protocol::Https, Behaviour::Delay(20)),
        ],
    )]))
    .await
    .unwrap();
    let info = fp.info().servers[0].clone();
    let conns = connections_of(&info);
    let history = ServerHistory::new();
    let id = &info.machine_identifier;

    // Last time remote worked (say the laptop was away): one probe, remote kept.
    let sel =
        select_for(&http_for(&fp), &target(id, &conns, Some(&conns[1].uri), &history), &ProbePolicy::default()).await;
    assert!(sel.warm, "{:#?}", sel);
    assert_eq!(sel.chosen.as_deref(), Some(conns[1].uri.as_str()));
    assert_eq!(identity_order(&fp), vec!["Study#1".to_string()], "exactly one round trip");
    assert!(matches!(&sel.reason, Reason::Answered { how: Choice::Warm, .. }), "{:?}", sel.reason);

    // The last URL hangs now: after its head start everyone else is probed, local wins.
    fp.set_behaviour("Study", Some(1), Behaviour::Hang);
    fp.clear_requests();
    let sel =
        select_for(&http_for(&fp), &target(id, &conns, Some(&conns[1].uri), &history), &ProbePolicy::default()).await;
    assert!(!sel.warm);
    assert_eq!(sel.chosen.as_deref(), Some(conns[0].uri.as_str()), "{:#?}", sel);
    assert_eq!(identity_order(&fp), vec!["Study#1".to_string(), "Study#0".to_string()], "last URL first");
}

#[tokio::test]
async fn history_orders_candidates_within_a_rank_but_never_across_ranks() {
    let fp = FakePlex::start(topology(vec![server(
        "Hall",
        true,
        vec![
            conn(true, false, Protocol::Http, Behaviour::Ok),
            conn(true, false, Protocol::Http, Behaviour::Ok),
            conn(false, false, Protocol::Https, Behaviour::Ok),
        ],
    )]))
    .await
    .unwrap();
    let info = fp.info().servers[0].clone();
    let conns = connections_of(&info);
    let mut history = ServerHistory::new();
    let mut flaky = LinkStats::default();
    flaky.record_failure();
    flaky.record_failure();
    history.insert(conns[0].uri.clone(), flaky);
    let mut fast = LinkStats::default();
    fast.record_ok(Duration::from_millis(1));
    history.insert(conns[2].uri.clone(), fast);
    let order: Vec<String> = ranked(&conns, None, &history).into_iter().map(|c| c.uri).collect();
    assert_eq!(order, vec![conns[1].uri.clone(), conns[0].uri.clone(), conns[2].uri.clone()]);

    let sel = select_for(&http_for(&fp), &target(&info.machine_identifier, &conns, None, &history), &{
        ProbePolicy::default()
    })
    .await;
    assert_eq!(sel.chosen.as_deref(), Some(conns[1].uri.as_str()), "{:#?}", sel);
}
