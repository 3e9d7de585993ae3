//! Time to a working, verified connection, per fake-plex topology (loopback):
//! Reel's live choice against the static order alone (first URL in
//! sort order, falling through on timeout), the physical floor (one fresh
//! `/identity` round trip to the best answering connection), and
//! python-plexapi's `MyPlexResource.connect()`.
//!
//! `cargo bench -p reel-core --bench connection_choice` (add `-- --quick` to skip plexapi).

// The same fake-plex → reel-core conversions the tests use.
#[path = "../tests/common/mod.rs"]
mod common;

use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use reel_core::backends::plex::PlexServerClient;
use reel_core::http::{ClientIdentity, HttpClient};
use reel_core::models::{Connection, ConnectionClass};
use reel_core::services::connections::rank::{not_allowed, static_order};
use reel_core::services::connections::select::{select, ProbePolicy};
use std::time::{Duration, Instant};

const RUNS: usize = 7;

struct Scenario {
    name: &'static str,
    conns: Vec<ConnectionSpec>,
    expect: ConnectionClass,
    /// The target: factor × floor + slack (ms), measured after the direct probes fail when `after_direct`.
    target: (f64, f64),
}

fn c(local: bool, relay: bool, protocol: Protocol, behaviour: Behaviour) -> ConnectionSpec {
    ConnectionSpec { local, relay, protocol, ipv6: false, behaviour, ..Default::default() }
}

fn scenarios() -> Vec<Scenario> {
    use Behaviour::*;
    use Protocol::*;
    vec![
        Scenario {
            name: "local hangs, remote 40 ms, relay 10 ms",
            conns: vec![
                c(true, false, Http, Hang),
                c(false, false, Https, Delay(40)),
                c(false, true, Https, Delay(10)),
            ],
            expect: ConnectionClass::RemoteDirect,
            target: (1.2, 10.0),
        },
        Scenario {
            name: "local 2 ms, remote 40 ms",
            conns: vec![c(true, false, Http, Delay(2)), c(false, false, Https, Delay(40))],
            expect: ConnectionClass::LocalDirect,
            target: (1.2, 5.0),
        },
        Scenario {
            name: "only relay works (direct refused)",
            conns: vec![c(true, false, Http, Refuse), c(false, false, Https, Refuse), c(false, true, Https, Delay(10))],
            expect: ConnectionClass::Relay,
            target: (1.2, 10.0),
        },
    ]
}

fn http(fp: &FakePlex) -> HttpClient {
    HttpClient::with_extra_ca(ClientIdentity::new("bench"), Some(fp.ca_pem().as_bytes())).expect("client")
}

fn connections(fp: &FakePlex) -> (String, Vec<Connection>) {
    let s = &fp.info().servers[0];
    (s.machine_identifier.clone(), common::connections_of(s))
}

/// The static order alone (README: How Reel picks a connection): try each
/// in turn; the first that answers wins.
async fn static_first(
    http: &HttpClient,
    machine: &str,
    conns: &[Connection],
    policy: &ProbePolicy,
) -> (Duration, Option<String>) {
    let start = Instant::now();
    for c in static_order(conns, None) {
        if not_allowed(&c, false, policy).is_some() {
            continue;
        }
        let timeout = match c.class() {
            ConnectionClass::LocalDirect | ConnectionClass::Local => policy.timeout_local,
            ConnectionClass::RemoteDirect => policy.timeout_remote,
            ConnectionClass::Relay => policy.timeout_relay,
        };
        let url = url::Url::parse(&c.uri).expect("uri");
        if let Ok(id) = PlexServerClient::identity_at(http, &url, timeout).await {
            if id.machine_identifier == machine {
                return (start.elapsed(), Some(c.uri));
            }
        }
    }
    (start.elapsed(), None)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn plexapi(fp: &FakePlex) -> Option<(f64, String)> {
    let dir = std::env::temp_dir().join(format!("bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    let file = dir.join("info.json");
    std::fs::write(&file, serde_json::to_string(fp.info()).ok()?).ok()?;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/python/plexapi_connect_time.py");
    let out = std::process::Command::new(std::env::var_os("REEL_TEST_PYTHON")?)
        .arg(script)
        .arg(&file)
        .arg(&fp.info().servers[0].name)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut parts = text.split_whitespace();
    let secs: f64 = parts.next()?.parse().ok()?;
    Some((secs * 1000.0, parts.next().unwrap_or("?").to_string()))
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let policy = ProbePolicy::default();
    println!("connection choice, median of {RUNS} runs, fake-plex on loopback (ms)");
    println!(
        "{:<40} {:>8} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10} {:>11}",
        "scenario", "chosen", "reel", "static", "floor", "target", "reel/floor", "static/reel", "plexapi/reel"
    );
    for sc in scenarios() {
        let fp = rt.block_on(FakePlex::start(bench_topology(sc.conns))).expect("fake-plex");
        let (machine, conns) = connections(&fp);
        let mut reel = Vec::new();
        let mut stat = Vec::new();
        let mut floor = Vec::new();
        let mut after_direct = Vec::new();
        let mut chosen_class = None;
        for _ in 0..RUNS {
            // A fresh client each run: no pooled connection makes a run cheaper than a cold start.
            let sel = rt.block_on(select(&http(&fp), &machine, &conns, false, None, &policy));
            reel.push(sel.elapsed.as_secs_f64() * 1000.0);
            let chosen = sel.records.iter().find(|r| r.chosen).cloned();
            chosen_class = chosen.as_ref().map(|r| r.class);
            // For "after the direct probes fail": the last direct failure's time.
            let direct_done = sel
                .records
                .iter()
                .filter(|r| r.class != ConnectionClass::Relay)
                .filter_map(|r| r.latency_ms)
                .fold(0.0f64, f64::max);
            after_direct.push(sel.elapsed.as_secs_f64() * 1000.0 - direct_done);
            let (t, _) = rt.block_on(static_first(&http(&fp), &machine, &conns, &policy));
            stat.push(t.as_secs_f64() * 1000.0);
            if let Some(uri) = chosen.map(|r| r.uri) {
                let url = url::Url::parse(&uri).expect("uri");
                let h = http(&fp);
                let start = Instant::now();
                let _ = rt.block_on(PlexServerClient::identity_at(&h, &url, Duration::from_secs(10)));
                floor.push(start.elapsed().as_secs_f64() * 1000.0);
            }
        }
        let (reel, stat, floor) = (median(reel), median(stat), median(floor));
        let measured = if sc.expect == ConnectionClass::Relay { median(after_direct) } else { reel };
        let target = sc.target.0 * floor + sc.target.1;
        let plex = if quick { None } else { plexapi(&fp) };
        println!(
            "{:<40} {:>8} {:>9.1} {:>9.1} {:>9.1} {:>10} {:>10.2} {:>10.1} {:>11}",
            sc.name,
            chosen_class.map(|c| c.label()).unwrap_or("none"),
            reel,
            stat,
            floor,
            format!("{:.1}{}", target, if measured <= target { " ok" } else { " MISS" }),
            reel / floor,
            stat / reel,
            plex.as_ref().map(|(ms, _)| format!("{:.1}", ms / reel)).unwrap_or_else(|| "-".into()),
        );
        if chosen_class != Some(sc.expect) {
            println!("  !! expected {:?}, chose {chosen_class:?}", sc.expect);
        }
        if sc.expect == ConnectionClass::Relay {
            println!("  (relay target is measured after the direct probes failed: {measured:.1} ms)");
        }
        if let Some((ms, url)) = &plex {
            println!("  python-plexapi connect(): {ms:.0} ms → {url}");
        }
        drop(fp);
    }
    warm_start(&rt, &policy);
    failover(&rt, false);
    failover(&rt, true);
}

fn bench_topology(conns: Vec<ConnectionSpec>) -> Topology {
    Topology {
        account: Default::default(),
        servers: vec![ServerSpec {
            name: "Bench".into(),
            machine_identifier: None,
            owned: true,
            https_required: false,
            access_token: None,
            provides: "server".into(),
            library: LibrarySpec { movies: 1, shows: 0, artists: 0, ..LibrarySpec::default() },
            connections: conns,
        }],
        pin_lifetime_secs: 900,
    }
}

/// Warm start: the URL that worked last time (remote; local hangs) still works.
/// Target: one round trip, ≤ 1.2 × its RTT + 5 ms; compared with a cold choice.
fn warm_start(rt: &tokio::runtime::Runtime, policy: &ProbePolicy) {
    use reel_core::services::connections::history::ServerHistory;
    use reel_core::services::connections::select::{select_for, Target};
    let fp = rt
        .block_on(FakePlex::start(bench_topology(vec![
            c(true, false, Protocol::Http, Behaviour::Hang),
            c(false, false, Protocol::Https, Behaviour::Delay(40)),
        ])))
        .expect("fake-plex");
    let (machine, conns) = connections(&fp);
    let last = conns[1].uri.clone();
    let history = ServerHistory::new();
    let (mut warm, mut cold, mut floor, mut probes) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        fp.clear_requests();
        let target = Target {
            machine_id: &machine,
            connections: &conns,
            https_required: false,
            pinned: None,
            last_good: Some(&last),
            history: &history,
        };
        let sel = rt.block_on(select_for(&http(&fp), &target, policy));
        assert_eq!(sel.chosen.as_deref(), Some(last.as_str()), "warm start kept the last URL");
        warm.push(sel.elapsed.as_secs_f64() * 1000.0);
        probes.push(fp.requests().iter().filter(|r| r.path == "/identity").count() as f64);
        let sel = rt.block_on(select(&http(&fp), &machine, &conns, false, None, policy));
        cold.push(sel.elapsed.as_secs_f64() * 1000.0);
        let h = http(&fp);
        let url = url::Url::parse(&last).expect("uri");
        let start = Instant::now();
        let _ = rt.block_on(PlexServerClient::identity_at(&h, &url, Duration::from_secs(10)));
        floor.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let (warm, cold, floor) = (median(warm), median(cold), median(floor));
    let target = 1.2 * floor + 5.0;
    println!(
        "{:<40} {:>8} {:>9.1} {:>9} {:>9.1} {:>10} {:>10.2}   cold choice {cold:.1} ms ({:.2}x warm); {} probe(s) sent",
        "warm start, cached remote still good",
        "remote",
        warm,
        "-",
        floor,
        format!("{:.1}{}", target, if warm <= target { " ok" } else { " MISS" }),
        warm / floor,
        cold / warm,
        median(probes),
    );
}

/// Failover: mid-session the local URL in use starts refusing; the next
/// request goes through ConnectionManager, which re-selects and retries on
/// remote. Target: the preference window + the new URL's RTT, where the RTT
/// floor is a fresh `/identity` plus the same request on remote (what any
/// client must pay to verify the new server and ask again). With `standby`,
/// the app's background task had verified remote beforehand (and keeps a
/// pooled connection to it), so the request goes straight there.
fn failover(rt: &tokio::runtime::Runtime, standby: bool) {
    use reel_core::backends::plex::PlexAuth;
    use reel_core::config::ConfigStore;
    use reel_core::services::auth_manager::AuthManager;
    use reel_core::services::connections::{ConnectionManager, ManagerPolicy};
    use reel_core::services::library::LibraryCache;
    use reel_core::services::secrets::SecretStore;
    use std::sync::Arc;

    let name = if standby { "failover to the verified standby" } else { "failover: local dies, remote 40 ms" };
    let probe = rt.block_on(SecretStore::new().set("bench_probe_token", &reel_core::Token::new("x")));
    if let Err(e) = probe {
        println!("{name:<40} skipped: needs the system keyring (run inside scripts/with-keyring.sh): {e}");
        return;
    }
    let _ = rt.block_on(SecretStore::new().delete("bench_probe_token"));
    let (mut took, mut floor, mut window) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let fp = rt
            .block_on(FakePlex::start(bench_topology(vec![
                c(true, false, Protocol::Http, Behaviour::Ok),
                c(false, false, Protocol::Https, Behaviour::Delay(40)),
            ])))
            .expect("fake-plex");
        let dir = tempfile::tempdir().expect("tempdir");
        let (store, _) = ConfigStore::load(dir.path().join("config.toml")).expect("config");
        let h = http(&fp);
        let plex = PlexAuth::with_urls(h.clone(), &fp.info().plex_tv_url, &fp.info().auth_url).expect("plex");
        let auth = Arc::new(AuthManager::new(Arc::new(store), SecretStore::new(), h, plex));
        let token = reel_core::Token::new(fp.info().account_token.clone());
        let pid = rt.block_on(auth.add_plex_account(&token)).expect("account").id().to_string();
        let source = rt.block_on(auth.discover(&pid, true)).expect("discover").sources[0].clone();
        let cm = ConnectionManager::new(
            auth.clone(),
            Arc::new(LibraryCache::in_memory().expect("cache")),
            ManagerPolicy::default(),
        );
        let sections = |cm: Arc<ConnectionManager>, id: String| async move {
            cm.call(&id, |c| async move { c.sections().await }).await
        };
        rt.block_on(sections(cm.clone(), source.id.to_string())).expect("first request on local");
        if standby {
            // What the app's background task does every 30 s.
            let found = rt.block_on(cm.maintain_standby(source.id.as_str()));
            assert_eq!(found.as_deref(), Some(fp.info().servers[0].connections[1].uri.as_str()), "standby");
        }
        fp.set_behaviour("Bench", Some(0), Behaviour::Refuse);
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        rt.block_on(sections(cm.clone(), source.id.to_string())).expect("answered after failover");
        took.push(start.elapsed().as_secs_f64() * 1000.0);
        let now = auth.store().source(source.id.as_str()).expect("source").connection_info;
        assert_eq!(now.primary_url.as_deref(), Some(fp.info().servers[0].connections[1].uri.as_str()));
        let remote = now.probes.iter().find(|p| p.chosen).and_then(|p| p.latency_ms).unwrap_or(0.0);
        window.push(5.0 + 0.1 * remote);
        // The floor, on a fresh client: verify the new URL, then the same request there.
        let fresh = http(&fp);
        let url = url::Url::parse(&fp.info().servers[0].connections[1].uri).expect("uri");
        let token = reel_core::Token::new(fp.info().servers[0].access_token.clone());
        let client = PlexServerClient::new(fresh.clone(), url.as_str(), token).expect("client");
        let start = Instant::now();
        let _ = rt.block_on(PlexServerClient::identity_at(&fresh, &url, Duration::from_secs(10)));
        let _ = rt.block_on(client.sections());
        floor.push(start.elapsed().as_secs_f64() * 1000.0);
        let _ = rt.block_on(auth.remove_provider(&pid));
    }
    let (took, floor, window) = (median(took), median(floor), median(window));
    let target = window + 1.2 * floor;
    println!(
        "{:<40} {:>8} {:>9.1} {:>9} {:>9.1} {:>10} {:>10.2}   (floor = /identity + the request on remote; window {window:.1} ms)",
        name,
        "remote",
        took,
        "-",
        floor,
        format!("{:.1}{}", target, if took <= target { " ok" } else { " MISS" }),
        took / floor,
    );
}
