//! The fault matrix: every way fake-plex can misbehave, against browsing,
//! posters and playback of a verified server, and against plex.tv for
//! discovery. Each ends in a typed error (or the saved copy) within a
//! deadline, never a panic or a hang, and never damages what Reel saved; a
//! token shows in no message. Only a 401 on the account's token means
//! "sign in again", and nothing signs the user out.
//!
//! One server per fault, all asked at once: the matrix costs the slowest
//! fault's timeout once.

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use fake_plex::FakePlex;
use reel_core::models::Section;
use reel_core::services::playback::{Capabilities, Format};
use reel_core::{Core, Error, Token};
use std::time::Duration;

/// Beyond this an operation counts as hung (the longest request timeout
/// plus the failover's identity checks, with room for a slow machine).
const DEADLINE: Duration = Duration::from_secs(150);

fn faults() -> Vec<(&'static str, Behaviour)> {
    vec![
        ("malformed", Behaviour::Malformed),
        ("truncated", Behaviour::Truncated),
        ("100 MB", Behaviour::Huge(100)),
        ("1 byte/s", Behaviour::Dribble),
        ("wrong content type", Behaviour::WrongContentType),
        ("401", Behaviour::Status(401)),
        ("403", Behaviour::Status(403)),
        ("404", Behaviour::Status(404)),
        ("429", Behaviour::Status(429)),
        ("500", Behaviour::Status(500)),
        ("503", Behaviour::Status(503)),
        ("wrong identity", Behaviour::WrongIdentity),
        ("redirect loop", Behaviour::RedirectLoop),
        ("redirect elsewhere", Behaviour::Redirect),
        ("hang", Behaviour::Hang),
    ]
}

struct Everything;
impl Capabilities for Everything {
    fn can_decode(&self, _: &Format) -> bool {
        true
    }
}

async fn open(fp: &FakePlex, dir: &std::path::Path) -> Core {
    Core::open(core_options(fp, dir, reel_core::services::secrets::SecretStore::in_memory())).unwrap()
}

/// `f`, or the fault's name when it has not ended by the deadline.
async fn within<T>(fault: &'static str, f: impl std::future::Future<Output = T>) -> Result<T, &'static str> {
    tokio::time::timeout(DEADLINE, f).await.map_err(|_| fault)
}

/// What one server's browsing, poster and playback came to.
#[derive(Debug)]
struct Outcome {
    fault: &'static str,
    sync: Result<(), Error>,
    poster: bool,
    play: Result<(), Error>,
}

#[tokio::test(flavor = "multi_thread")]
async fn every_fault_of_a_verified_server_ends_in_a_typed_error_and_damages_nothing() {
    let faults = faults();
    let servers = faults
        .iter()
        .map(|(name, _)| server(&format!("fault {name}"), true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)]))
        .collect();
    let fp = FakePlex::start(topology(servers)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = open(&fp, dir.path()).await;
    let account = core.sign_in_with_token(Token::new(fp.info().account_token.clone())).await.unwrap();
    core.discover(account.id(), true).await.unwrap();
    // What is saved while every server behaves: each one's movies, one poster.
    let mut saved = Vec::new();
    for (name, _) in &faults {
        let s = core.servers().into_iter().find(|s| s.name == format!("fault {name}")).expect("discovered");
        let sections = core.fetch_sections(&s.id).await.unwrap();
        let movies: Section = sections.into_iter().find(|x| x.key == "1").unwrap();
        core.sync_section(&s.id, &movies, true, |_, _| {}).await.unwrap();
        let items = core.saved_items(&s.id, &"1".into(), 0, 1000).await.unwrap().items;
        assert!(core.poster(&s.id, items[0].thumb.as_deref().unwrap(), 60, 90).await.is_some());
        saved.push((s, movies, items));
    }

    for ((_, behaviour), (s, _, _)) in faults.iter().zip(&saved) {
        assert!(fp.set_behaviour(&s.name, None, Behaviour::ExceptIdentity(Box::new(behaviour.clone()))));
    }
    let runs = faults.iter().zip(&saved).map(|((fault, _), (s, movies, items))| {
        let (core, fault): (&Core, &'static str) = (&core, fault);
        async move {
            let (sync, poster, play) = tokio::join!(
                within(fault, async { core.sync_section(&s.id, movies, true, |_, _| {}).await.map(|_| ()) }),
                // A poster not fetched before.
                within(fault, core.poster(&s.id, items[1].thumb.as_deref().unwrap(), 60, 90)),
                within(fault, async {
                    core.prepare_playback(&s.id, &items[0].rating_key, &Everything, 0).await.map(|_| ())
                }),
            );
            match (sync, poster, play) {
                (Ok(sync), Ok(poster), Ok(play)) => Ok(Outcome { fault, sync, poster: poster.is_some(), play }),
                _ => Err(fault),
            }
        }
    });
    let outcomes: Vec<Result<Outcome, &'static str>> = futures::future::join_all(runs).await;
    let hung: Vec<&str> = outcomes.iter().filter_map(|o| o.as_ref().err().copied()).collect();
    assert!(hung.is_empty(), "ended within {DEADLINE:?} (no hang): not {hung:?}");
    let outcomes: Vec<Outcome> = outcomes.into_iter().flatten().collect();

    let tokens: Vec<String> = std::iter::once(fp.info().account_token.clone())
        .chain(fp.info().servers.iter().map(|s| s.access_token.clone()))
        .collect();
    for (o, (s, _, items)) in outcomes.iter().zip(&saved) {
        let sync = o.sync.as_ref().expect_err(&format!("{}: browsing fails", o.fault));
        let play = o.play.as_ref().expect_err(&format!("{}: playback fails", o.fault));
        assert!(!o.poster, "{}: no poster from a misbehaving server", o.fault);
        for e in [sync, play] {
            let text = e.to_string();
            assert!(!text.is_empty() && !tokens.iter().any(|t| text.contains(t)), "{}: {text}", o.fault);
            // The account's token was not what failed: no "sign in again".
            assert!(!matches!(e, Error::Unauthorized), "{}: {e:?}", o.fault);
        }
        // What was saved is there as it was.
        let after = core.saved_items(&s.id, &"1".into(), 0, 1000).await.unwrap().items;
        let titles = |v: &[reel_core::models::MediaItem]| v.iter().map(|i| i.title.clone()).collect::<Vec<_>>();
        assert_eq!(titles(&after), titles(items), "{}: the saved library is untouched", o.fault);
        assert!(core.poster(&s.id, items[0].thumb.as_deref().unwrap(), 60, 90).await.is_some(), "{}", o.fault);
    }
    assert_eq!(core.accounts().len(), 1, "still signed in");
    drop(core);
    let db = rusqlite::Connection::open(dir.path().join("library.sqlite3")).unwrap();
    let check: String = db.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(check, "ok");
    println!("fault cases run: {} (x3 operations)", outcomes.len());
}

#[tokio::test(flavor = "multi_thread")]
async fn plex_tv_failing_never_signs_the_user_out_and_only_its_401_asks_to_sign_in() {
    let fp = one_basement().await;
    let dir = tempfile::tempdir().unwrap();
    let core = open(&fp, dir.path()).await;
    let account = core.sign_in_with_token(Token::new(fp.info().account_token.clone())).await.unwrap();
    core.discover(account.id(), true).await.unwrap();
    let servers = core.servers().len();
    for (fault, behaviour) in faults() {
        // (A hang costs plex.tv's whole timeout; the server matrix has it.)
        if matches!(behaviour, Behaviour::Hang | Behaviour::Dribble) {
            continue;
        }
        assert!(fp.set_behaviour("plextv", None, behaviour.clone()));
        let r = tokio::time::timeout(DEADLINE, core.discover(account.id(), true)).await.expect("no hang");
        // The saved servers with what went wrong, or only what went wrong.
        let e = match r {
            Ok(d) => match d.origin {
                reel_core::Origin::StaleCache { error } => error,
                other => panic!("{fault}: {other:?}"),
            },
            Err(e) => e,
        };
        match behaviour {
            // (A "wrong identity" plex.tv answers 401 to every token.)
            Behaviour::Status(401) | Behaviour::WrongIdentity => {
                assert!(matches!(e, Error::Unauthorized), "{fault}: {e:?}")
            }
            _ => assert!(!matches!(e, Error::Unauthorized), "{fault}: {e:?}"),
        }
        assert_eq!(core.accounts().len(), 1, "{fault}: still signed in");
        assert_eq!(core.servers().len(), servers, "{fault}: the saved servers stay");
    }
}

/// Discovery: a server whose only connection misbehaves in each way (its
/// `/identity` too) is not chosen, the reason is typed, and nothing hangs.
#[tokio::test(flavor = "multi_thread")]
async fn discovery_passes_over_every_misbehaving_connection() {
    let faults = faults();
    let servers = faults
        .iter()
        .map(|(name, b)| server(&format!("fault {name}"), true, vec![conn(true, false, Protocol::Http, b.clone())]))
        .collect();
    let fp = FakePlex::start(topology(servers)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = open(&fp, dir.path()).await;
    let account = core.sign_in_with_token(Token::new(fp.info().account_token.clone())).await.unwrap();
    let found = tokio::time::timeout(DEADLINE, core.discover(account.id(), true)).await.expect("no hang").unwrap();
    assert_eq!(found.sources.len(), faults.len());
    for s in &found.sources {
        assert!(!s.connection_info.is_online, "{}: not chosen", s.name);
        let probe = &s.connection_info.probes[0];
        assert!(!matches!(probe.outcome, reel_core::models::ProbeOutcome::Ok), "{}: {probe:?}", s.name);
        assert!(s.connection_info.reason.is_some(), "{}: a reason in words", s.name);
    }
    assert_eq!(core.accounts().len(), 1);
}
