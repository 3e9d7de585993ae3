//! Live connection choice against fake-plex topologies. These assert the
//! choice and what each candidate went through, not timings (the figures are
//! in the benchmark).

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use fake_plex::FakePlex;
use reel_core::models::{Choice, Connection, ConnectionClass, ProbeOutcome, Reason};
use reel_core::services::connections::select::{select, ProbePolicy, Selection};
use std::time::Duration;

struct Probed {
    fp: FakePlex,
    sel: Selection,
}

async fn probe(
    conns: Vec<fake_plex::topology::ConnectionSpec>,
    https_required: bool,
    pinned: Option<usize>,
    policy: ProbePolicy,
) -> Probed {
    let mut s = server("Probe", true, conns);
    s.https_required = https_required;
    let fp = FakePlex::start(topology(vec![s])).await.unwrap();
    let info = fp.info().servers[0].clone();
    let conns: Vec<Connection> = connections_of(&info);
    let pinned = pinned.map(|i| conns[i].uri.clone());
    let sel =
        select(&http_for(&fp), &info.machine_identifier, &conns, https_required, pinned.as_deref(), &policy).await;
    Probed { fp, sel }
}

impl Probed {
    fn uri(&self, i: usize) -> String {
        self.fp.info().servers[0].connections[i].uri.clone()
    }
    fn record(&self, i: usize) -> &reel_core::models::ProbeRecord {
        let uri = self.uri(i);
        self.sel.records.iter().find(|r| r.uri == uri).unwrap()
    }
}

fn patient() -> ProbePolicy {
    // Timeouts far beyond the scenario, so waiting one out would show as a skipped/timeout record
    // and a test that would otherwise take half a minute.
    ProbePolicy {
        timeout_local: Duration::from_secs(30),
        timeout_remote: Duration::from_secs(30),
        timeout_relay: Duration::from_secs(30),
        ..ProbePolicy::default()
    }
}

#[tokio::test]
async fn local_hangs_remote_40ms_relay_10ms_picks_remote_without_waiting_for_local() {
    let p = probe(
        vec![
            conn(true, false, Protocol::Http, Behaviour::Hang),
            conn(false, false, Protocol::Https, Behaviour::Delay(40)),
            conn(false, true, Protocol::Https, Behaviour::Delay(10)),
        ],
        false,
        None,
        patient(),
    )
    .await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(1).as_str()), "{:#?}", p.sel);
    assert!(
        matches!(p.record(0).outcome, ProbeOutcome::Skipped { .. }),
        "the hanging local probe was abandoned, not waited out"
    );
    assert!(p.record(0).latency_ms.is_none());
    assert_eq!(p.record(2).outcome, ProbeOutcome::Ok, "relay answered, yet was not taken");
    assert!(!p.record(2).chosen);
    // Generous bound (the local timeout is 30 s): proves the window, not a speed.
    assert!(p.sel.elapsed < Duration::from_secs(15), "{:?}", p.sel.elapsed);
    assert!(
        matches!(p.sel.reason, Reason::Answered { class: ConnectionClass::RemoteDirect, how: Choice::Best, .. }),
        "{:?}",
        p.sel.reason
    );
}

#[tokio::test]
async fn local_2ms_wins_over_remote_40ms() {
    let p = probe(
        vec![
            conn(false, false, Protocol::Https, Behaviour::Delay(40)),
            conn(true, false, Protocol::Http, Behaviour::Delay(2)),
        ],
        false,
        None,
        patient(),
    )
    .await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(1).as_str()), "{:#?}", p.sel);
}

#[tokio::test]
async fn relay_only_when_every_direct_candidate_failed() {
    let p = probe(
        vec![
            conn(true, false, Protocol::Http, Behaviour::Refuse),
            conn(false, false, Protocol::Https, Behaviour::Error500),
            conn(false, true, Protocol::Https, Behaviour::Ok),
        ],
        false,
        None,
        ProbePolicy::default(),
    )
    .await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(2).as_str()), "{:#?}", p.sel);
    assert!(matches!(p.record(0).outcome, ProbeOutcome::Failed { .. }));
    assert!(matches!(p.record(1).outcome, ProbeOutcome::Failed { .. }));
}

#[tokio::test]
async fn a_different_server_at_a_local_address_is_never_chosen_nor_sent_a_token() {
    let p = probe(
        vec![
            conn(true, false, Protocol::Http, Behaviour::WrongIdentity),
            conn(false, false, Protocol::Https, Behaviour::Ok),
        ],
        false,
        None,
        ProbePolicy::default(),
    )
    .await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(1).as_str()));
    assert!(matches!(p.record(0).outcome, ProbeOutcome::WrongServer { .. }));
    assert!(p.fp.requests().iter().all(|r| r.token.is_none()), "probes carry no token");
}

#[tokio::test]
async fn broken_answers_are_failures_not_choices() {
    let policy = ProbePolicy { timeout_local: Duration::from_secs(2), ..ProbePolicy::default() };
    let p = probe(
        vec![
            conn(true, false, Protocol::Http, Behaviour::Malformed),
            conn(true, false, Protocol::Http, Behaviour::Truncated),
            conn(true, false, Protocol::Http, Behaviour::Huge(5)),
            conn(true, false, Protocol::Http, Behaviour::Slow),
            conn(true, false, Protocol::Http, Behaviour::Redirect),
            conn(false, false, Protocol::Https, Behaviour::Delay(5)),
        ],
        false,
        None,
        policy,
    )
    .await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(5).as_str()), "{:#?}", p.sel);
    for i in 0..5 {
        assert!(!p.record(i).chosen && p.record(i).outcome != ProbeOutcome::Ok, "{i}: {:?}", p.record(i));
    }
    assert!(p.fp.requests().iter().all(|r| r.listener != "sink"), "the redirect was not followed");
}

#[tokio::test]
async fn plain_http_is_never_used_for_remote_or_when_https_is_required() {
    let p = probe(
        vec![conn(false, false, Protocol::Http, Behaviour::Ok), conn(false, true, Protocol::Https, Behaviour::Ok)],
        false,
        None,
        ProbePolicy::default(),
    )
    .await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(1).as_str()));
    assert!(matches!(&p.record(0).outcome, ProbeOutcome::Skipped { why } if why.contains("local network")));
    let listener0 = "Probe#0";
    assert!(p.fp.requests().iter().all(|r| r.listener != listener0), "never even contacted");

    let p = probe(
        vec![conn(true, false, Protocol::Http, Behaviour::Ok), conn(false, false, Protocol::Https, Behaviour::Ok)],
        true,
        None,
        ProbePolicy::default(),
    )
    .await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(1).as_str()));
    assert!(matches!(&p.record(0).outcome, ProbeOutcome::Skipped { why } if why.contains("requires https")));
}

#[tokio::test]
async fn a_pinned_connection_is_preferred_and_automatic_takes_over_when_it_fails() {
    let both_ok = vec![
        conn(true, false, Protocol::Http, Behaviour::Ok),
        conn(false, false, Protocol::Https, Behaviour::Delay(20)),
    ];
    let p = probe(both_ok, false, Some(1), patient()).await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(1).as_str()), "{:#?}", p.sel);
    assert!(matches!(p.sel.reason, Reason::Answered { how: Choice::Pinned, .. }), "{:?}", p.sel.reason);

    let pinned_dead =
        vec![conn(true, false, Protocol::Http, Behaviour::Ok), conn(false, false, Protocol::Https, Behaviour::Refuse)];
    let p = probe(pinned_dead, false, Some(1), ProbePolicy::default()).await;
    assert_eq!(p.sel.chosen.as_deref(), Some(p.uri(0).as_str()));
    assert!(matches!(p.sel.reason, Reason::Answered { how: Choice::PinnedFailed, .. }), "{:?}", p.sel.reason);
}

#[tokio::test]
async fn nothing_answers_means_no_choice() {
    let p = probe(
        vec![
            conn(true, false, Protocol::Http, Behaviour::Refuse),
            conn(false, true, Protocol::Https, Behaviour::Error500),
        ],
        false,
        None,
        ProbePolicy::default(),
    )
    .await;
    assert_eq!(p.sel.chosen, None);
    assert_eq!(p.sel.reason, Reason::NoneAnswered);
}
