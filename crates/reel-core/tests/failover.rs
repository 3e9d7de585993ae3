//! Mid-session connection changes against fake-plex: a connection that dies
//! and comes back, many requests failing at once, a server that another one
//! replaced at the same address, actions queued while unreachable, a pin that
//! fails, and the background re-optimiser woken by a network change. Asserts
//! choices and the order of events and requests, not timings (the figures are
//! in `cargo bench -p reel-core --bench connection_choice`). Secrets in
//! memory: these tests are about connections, not the keyring.

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use reel_core::models::{ConnectionClass, ServerAction};
use reel_core::services::connections::{ConnectionEvent, ConnectionManager, Delivery, ManagerPolicy, SwitchCause};
use reel_core::services::library::LibraryCache;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast;

struct Session {
    h: Harness,
    source_id: reel_core::SourceId,
    cm: Arc<ConnectionManager>,
    events: broadcast::Receiver<ConnectionEvent>,
}

fn two_ways(local: Behaviour) -> fake_plex::topology::Topology {
    topology(vec![server(
        "Den",
        true,
        vec![conn(true, false, Protocol::Http, local), conn(false, false, Protocol::Https, Behaviour::Delay(15))],
    )])
}

async fn session(t: fake_plex::topology::Topology, policy: ManagerPolicy, cache: Arc<LibraryCache>) -> Session {
    let h = Harness::start(t).await;
    let pid = h.manager.add_plex_account(&h.account_token()).await.unwrap().id().to_string();
    let sources = h.manager.discover(&pid, true).await.unwrap().sources;
    let source_id = sources[0].id.clone();
    let cm = ConnectionManager::new(h.manager.clone(), cache, policy);
    let events = cm.subscribe();
    Session { h, source_id, cm, events }
}

impl Session {
    fn uri(&self, i: usize) -> String {
        self.h.fp.info().servers[0].connections[i].uri.clone()
    }
    fn primary(&self) -> Option<String> {
        self.h.manager.store().source(self.source_id.as_str()).unwrap().connection_info.primary_url
    }
    fn events(&mut self) -> Vec<ConnectionEvent> {
        let mut v = Vec::new();
        while let Ok(e) = self.events.try_recv() {
            v.push(e);
        }
        v
    }
    async fn next_event(&mut self) -> ConnectionEvent {
        // A bound so a broken build fails instead of hanging; not a timing assertion.
        tokio::time::timeout(Duration::from_secs(20), self.events.recv()).await.expect("an event").unwrap()
    }
    /// (listener, path) of every request after `from`.
    fn requests(&self) -> Vec<(String, String)> {
        self.h.fp.requests().into_iter().map(|r| (r.listener, r.path)).collect()
    }
    /// fake-plex re-opens a port that had refused in its own task: wait for it.
    async fn listening(&self, i: usize) {
        let name = self.h.fp.info().servers[0].name.clone();
        self.h.fp.until_listening(&name, Some(i), true).await;
    }
    async fn sections(&self) -> reel_core::Result<usize> {
        self.cm.call(self.source_id.as_str(), |c| async move { c.sections().await.map(|s| s.len()) }).await
    }
    async fn done(self) {
        let pid = self.h.manager.providers().await[0].id().to_string();
        self.h.manager.remove_provider(&pid).await.unwrap();
    }
}

fn no_cache() -> Arc<LibraryCache> {
    Arc::new(LibraryCache::in_memory().unwrap())
}

#[tokio::test]
async fn a_connection_that_dies_mid_session_fails_over_and_moves_back_when_it_returns() {
    let mut s = session(two_ways(Behaviour::Ok), ManagerPolicy::default(), no_cache()).await;
    assert_eq!(s.primary(), Some(s.uri(0)));
    assert_eq!(s.sections().await.unwrap(), 3);

    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Refuse);
    s.h.fp.clear_requests();
    assert_eq!(s.sections().await.unwrap(), 3, "answered through the other connection");
    assert_eq!(s.primary(), Some(s.uri(1)), "the new URL is kept in config.toml");
    let on_remote: Vec<_> = s.requests().into_iter().filter(|(l, _)| l == "Den#1").map(|(_, p)| p).collect();
    assert_eq!(on_remote, vec!["/identity".to_string(), "/library/sections".to_string()], "probe, then retry once");
    match &s.events()[..] {
        [ConnectionEvent::Switched { from, to, class, cause, .. }] => {
            assert_eq!(from.as_deref(), Some(s.uri(0).as_str()));
            assert_eq!(to, &s.uri(1));
            assert_eq!(*class, ConnectionClass::RemoteDirect);
            assert_eq!(*cause, SwitchCause::Failover);
        }
        other => panic!("{other:?}"),
    }
    assert!(s.cm.could_do_better(s.source_id.as_str()));

    // Still dead: re-probing finds nothing better and stays where it works.
    assert!(!s.cm.reoptimise(s.source_id.as_str()).await.unwrap());
    assert_eq!(s.primary(), Some(s.uri(1)));

    // Back: moves up, and tells the UI why.
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Ok);
    s.listening(0).await;
    assert!(s.cm.reoptimise(s.source_id.as_str()).await.unwrap());
    assert_eq!(s.primary(), Some(s.uri(0)));
    assert!(matches!(&s.events()[..], [ConnectionEvent::Switched { cause: SwitchCause::BetterAnswered, .. }]));

    // On the best connection there is nothing to re-probe: never moves down, never probes remote.
    s.h.fp.clear_requests();
    assert!(!s.cm.could_do_better(s.source_id.as_str()));
    assert!(!s.cm.reoptimise(s.source_id.as_str()).await.unwrap());
    assert!(s.requests().iter().all(|(l, _)| l != "Den#1"), "{:?}", s.requests());
    let history = s.h.manager.store().history(s.source_id.as_str());
    assert!(history.get(&s.uri(0)).is_some_and(|l| l.ok > 0 && l.failed > 0), "history kept: {history:?}");
    s.done().await;
}

#[tokio::test]
async fn with_a_verified_standby_failover_needs_no_probe_round() {
    let policy = ManagerPolicy { min_reselect_interval: Duration::ZERO, ..ManagerPolicy::default() };
    let mut s = session(two_ways(Behaviour::Ok), policy, no_cache()).await;
    assert_eq!(s.cm.maintain_standby(s.source_id.as_str()).await, Some(s.uri(1)), "remote is the standby");
    assert_eq!(s.primary(), Some(s.uri(0)), "finding a standby changes nothing");
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Refuse);
    s.h.fp.clear_requests();
    assert_eq!(s.sections().await.unwrap(), 3);
    assert_eq!(s.primary(), Some(s.uri(1)));
    let all: Vec<_> = s.requests();
    assert_eq!(all, vec![("Den#1".to_string(), "/library/sections".to_string())], "straight to the standby");
    assert!(matches!(&s.events()[..], [ConnectionEvent::Switched { cause: SwitchCause::Failover, .. }]));
    let ci = s.h.manager.store().source(s.source_id.as_str()).unwrap().connection_info;
    let chosen: Vec<_> = ci.probes.iter().filter(|p| p.chosen).collect();
    assert_eq!(chosen.len(), 1, "the diagnostics name the connection in use");
    assert_eq!(chosen[0].uri, s.uri(1));
    assert!(chosen[0].latency_ms.is_some(), "with the standby check's latency");

    // Used once: the next failure (remote dies too) needs a real selection, which finds local back.
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Ok);
    s.listening(0).await;
    s.h.fp.set_behaviour("Den", Some(1), Behaviour::Refuse);
    assert_eq!(s.sections().await.unwrap(), 3);
    assert_eq!(s.primary(), Some(s.uri(0)));
    s.done().await;
}

#[tokio::test]
async fn a_stale_standby_is_not_trusted_with_a_request() {
    let policy = ManagerPolicy { standby_fresh: Duration::ZERO, ..ManagerPolicy::default() };
    let s = session(two_ways(Behaviour::Ok), policy, no_cache()).await;
    assert_eq!(s.cm.maintain_standby(s.source_id.as_str()).await, Some(s.uri(1)));
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Refuse);
    s.h.fp.clear_requests();
    assert_eq!(s.sections().await.unwrap(), 3);
    let on_remote: Vec<_> = s.requests().into_iter().filter(|(l, _)| l == "Den#1").map(|(_, p)| p).collect();
    assert_eq!(on_remote, vec!["/identity".to_string(), "/library/sections".to_string()], "verified first");
    s.done().await;
}

#[tokio::test]
async fn requests_failing_together_share_one_selection() {
    let s = session(two_ways(Behaviour::Ok), ManagerPolicy::default(), no_cache()).await;
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Refuse);
    s.h.fp.clear_requests();
    let all = futures::future::join_all((0..6).map(|_| s.sections())).await;
    assert!(all.iter().all(|r| r.as_ref().is_ok_and(|n| *n == 3)), "{all:?}");
    let probes = s.requests().iter().filter(|(l, p)| l == "Den#1" && p == "/identity").count();
    assert_eq!(probes, 1, "one selection for six failed requests: {:?}", s.requests());
    s.done().await;
}

#[tokio::test]
async fn another_server_at_the_same_address_counts_as_the_connection_failing() {
    let s = session(two_ways(Behaviour::Ok), ManagerPolicy::default(), no_cache()).await;
    // The LAN address now answers as a different server, refusing our token.
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::WrongIdentity);
    assert_eq!(s.sections().await.unwrap(), 3);
    assert_eq!(s.primary(), Some(s.uri(1)));
    s.done().await;
}

#[tokio::test]
async fn everything_unreachable_is_an_error_in_words_and_the_last_url_is_kept() {
    let mut s = session(two_ways(Behaviour::Ok), ManagerPolicy::default(), no_cache()).await;
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Refuse);
    s.h.fp.set_behaviour("Den", Some(1), Behaviour::Refuse);
    let e = s.sections().await.unwrap_err();
    assert!(matches!(&e, reel_core::Error::NoConnection { server } if server == "Den"), "{e}");
    assert!(matches!(&s.events()[..], [ConnectionEvent::Lost { .. }]));
    assert_eq!(s.primary(), Some(s.uri(0)), "nothing better to remember");
    s.done().await;
}

#[tokio::test]
async fn actions_wait_in_the_outbox_on_disk_and_go_out_in_order_when_the_server_returns() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("library.sqlite3");
    let cache = Arc::new(LibraryCache::open(&db).unwrap().0);
    // No pause between selections: the server comes back right after the last one failed.
    let policy = ManagerPolicy { min_reselect_interval: Duration::ZERO, ..ManagerPolicy::default() };
    let mut s = session(two_ways(Behaviour::Ok), policy, cache).await;
    let machine = s.h.fp.info().servers[0].machine_identifier.clone();
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Refuse);
    s.h.fp.set_behaviour("Den", Some(1), Behaviour::Refuse);

    let timeline = |t| ServerAction::Timeline {
        rating_key: "1001".into(),
        state: "paused".into(),
        time_ms: t,
        duration_ms: 7_200_000,
        session: None,
        play_queue_item: None,
    };
    let scrobble = ServerAction::Scrobble { rating_key: "1002".into() };
    assert_eq!(s.cm.send_action(s.source_id.as_str(), scrobble.clone()).await.unwrap(), Delivery::Queued);
    assert_eq!(s.cm.send_action(s.source_id.as_str(), timeline(60_000)).await.unwrap(), Delivery::Queued);
    assert_eq!(s.cm.send_action(s.source_id.as_str(), timeline(120_000)).await.unwrap(), Delivery::Queued);
    // Kept on disk, so quitting Reel now would not lose them; positions coalesce.
    let reopened = LibraryCache::open(&db).unwrap().0;
    let queued: Vec<_> = reopened.queued_actions(s.source_id.as_str()).unwrap().into_iter().map(|(_, a)| a).collect();
    assert_eq!(queued, vec![scrobble, timeline(120_000)]);
    assert_eq!(s.h.fp.watch_state(&machine, 1002), Some((0, 0)), "nothing reached the server");

    s.h.fp.set_behaviour("Den", Some(1), Behaviour::Ok);
    s.listening(1).await;
    s.h.fp.clear_requests();
    assert_eq!(s.sections().await.unwrap(), 3);
    loop {
        if let ConnectionEvent::Delivered { count, .. } = s.next_event().await {
            assert_eq!(count, 2);
            break;
        }
    }
    assert_eq!(s.cm.queued(s.source_id.as_str()), 0);
    assert_eq!(s.h.fp.watch_state(&machine, 1002).map(|w| w.0), Some(1), "scrobbled once");
    assert_eq!(s.h.fp.watch_state(&machine, 1001).map(|w| w.1), Some(120_000), "latest position only");
    let sent: Vec<String> = s.requests().into_iter().filter(|(_, p)| p.starts_with("/:/")).map(|(_, p)| p).collect();
    assert_eq!(sent, vec!["/:/scrobble".to_string(), "/:/timeline".to_string()], "in the order they were made");

    // Reachable: sent at once.
    let again = ServerAction::Unscrobble { rating_key: "1002".into() };
    assert_eq!(s.cm.send_action(s.source_id.as_str(), again).await.unwrap(), Delivery::Sent);
    assert_eq!(s.h.fp.watch_state(&machine, 1002).map(|w| w.0), Some(0));
    s.done().await;
}

#[tokio::test]
async fn a_failing_pin_is_reported_and_used_again_once_it_answers() {
    let mut s = session(two_ways(Behaviour::Ok), ManagerPolicy::default(), no_cache()).await;
    s.h.manager.store().pin(s.source_id.as_str(), Some(&s.uri(1))).unwrap();
    s.h.manager.prober().reselect(s.source_id.as_str()).await.unwrap();
    assert_eq!(s.primary(), Some(s.uri(1)), "the pin wins over local");

    s.h.fp.set_behaviour("Den", Some(1), Behaviour::Refuse);
    assert_eq!(s.sections().await.unwrap(), 3);
    assert_eq!(s.primary(), Some(s.uri(0)));
    let events = s.events();
    assert!(
        events.iter().any(|e| matches!(e, ConnectionEvent::PinnedFailed { pinned, using, .. }
            if pinned == &s.uri(1) && using.as_deref() == Some(s.uri(0).as_str()))),
        "{events:?}"
    );
    assert!(s.h.manager.store().source(s.source_id.as_str()).unwrap().connection_info.pinned_failed);
    assert!(s.cm.could_do_better(s.source_id.as_str()), "the pin is better-ranked than anything");

    s.h.fp.set_behaviour("Den", Some(1), Behaviour::Ok);
    s.listening(1).await;
    assert!(s.cm.reoptimise(s.source_id.as_str()).await.unwrap());
    assert_eq!(s.primary(), Some(s.uri(1)));
    assert!(!s.h.manager.store().source(s.source_id.as_str()).unwrap().connection_info.pinned_failed);
    s.done().await;
}

#[tokio::test]
async fn the_reoptimiser_moves_up_at_once_when_the_network_changes() {
    // Local hangs at discovery, so remote is chosen.
    let policy = ManagerPolicy { reoptimise_first: Duration::from_secs(3600), ..ManagerPolicy::default() };
    let mut s = session(two_ways(Behaviour::Refuse), policy, no_cache()).await;
    assert_eq!(s.primary(), Some(s.uri(1)));
    let task = s.cm.spawn_reoptimiser();
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::Ok);
    s.listening(0).await;
    // With an hour's backoff only the network change can explain a move.
    s.cm.network_changed();
    match s.next_event().await {
        ConnectionEvent::Switched { to, cause: SwitchCause::BetterAnswered, .. } => assert_eq!(to, s.uri(0)),
        other => panic!("{other:?}"),
    }
    task.abort();
    s.done().await;
}

/// A new session (another process, or the app started again) trusts no
/// address it saved: the first request with a token goes only to an address
/// that has just answered `/identity` as the server.
#[tokio::test]
async fn a_saved_address_is_verified_before_it_gets_a_token() {
    let s = session(two_ways(Behaviour::Ok), ManagerPolicy::default(), no_cache()).await;
    let saved = s.primary().expect("a saved address");
    // Another Reel process: same settings, secrets and server, nothing verified yet.
    let another_process = || {
        let policy = reel_core::services::connections::ProbePolicy::default();
        let m = manager_with(&s.h.fp, &s.h.config_path(), policy, s.h.manager.secrets().clone());
        ConnectionManager::new(Arc::new(m), no_cache(), ManagerPolicy::default())
    };
    let later = another_process();
    s.h.fp.clear_requests();
    let n = later.call(s.source_id.as_str(), |c| async move { c.sections().await.map(|x| x.len()) }).await.unwrap();
    assert_eq!(n, 3);
    let reqs = s.h.fp.requests();
    let first_with_token = reqs.iter().position(|r| r.token.is_some()).expect("a request with the token");
    let listener = &reqs[first_with_token].listener;
    assert!(
        reqs[..first_with_token].iter().any(|r| &r.listener == listener && r.path == "/identity" && r.token.is_none()),
        "the address was asked who it is, without the token, before the token went there: {reqs:?}"
    );
    assert_eq!(s.primary().as_deref(), Some(saved.as_str()));

    // Now the saved address belongs to another server, and the other one is down:
    // the token goes nowhere, and the failure says the server cannot be reached.
    let again = another_process();
    s.h.fp.set_behaviour("Den", Some(0), Behaviour::WrongIdentity);
    s.h.fp.set_behaviour("Den", Some(1), Behaviour::Error500);
    s.h.fp.clear_requests();
    let e = again.call(s.source_id.as_str(), |c| async move { c.sections().await.map(|x| x.len()) }).await.unwrap_err();
    assert!(matches!(e, reel_core::Error::NoConnection { .. }), "not 'sign in again': {e:?}");
    let with_token: Vec<_> = s.h.fp.requests().into_iter().filter(|r| r.token.is_some()).collect();
    assert!(with_token.is_empty(), "no token to an unverified address: {with_token:?}");
    s.done().await;
}
