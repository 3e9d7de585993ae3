//! PlexAuth against fake-plex's plex.tv over loopback HTTP: the PIN flow,
//! user/resources/ping, and typed errors for every kind of bad answer.

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use fake_plex::FakePlex;
use reel_core::backends::plex::{PinStatus, PlexAuth};
use reel_core::{Error, Token};
use std::time::Duration;

async fn plex(fp: &FakePlex) -> PlexAuth {
    PlexAuth::with_urls(http_for(fp), &fp.info().plex_tv_url, &fp.info().auth_url).unwrap()
}

fn one_server() -> fake_plex::topology::Topology {
    topology(vec![server("Den", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)])])
}

#[tokio::test]
async fn pin_is_created_linked_and_yields_the_account_token() {
    let fp = FakePlex::start(one_server()).await.unwrap();
    let auth = plex(&fp).await;
    let pin = auth.create_pin().await.unwrap();
    assert_eq!(pin.code.len(), 25, "strong PIN");
    assert!(pin.auth_url.starts_with(&fp.info().auth_url));
    assert!(pin.auth_url.contains(&format!("code={}", pin.code)));
    assert!(pin.auth_url.contains("#?clientID="));
    assert_eq!(auth.check_pin(&pin).await.unwrap(), PinStatus::Waiting);
    assert!(fp.approve_pin(&pin.code));
    let token = auth.wait_for_pin(&pin, Duration::from_millis(20)).await.unwrap();
    assert_eq!(token.expose(), fp.info().account_token);
    let user = auth.user(&token).await.unwrap();
    assert_eq!(user.username, "demo");
    auth.ping(&token).await.unwrap();
}

#[tokio::test]
async fn expired_pin_is_a_typed_error() {
    let fp = FakePlex::start(one_server()).await.unwrap();
    let auth = plex(&fp).await;
    let pin = auth.create_pin().await.unwrap();
    fp.expire_pin(pin.id);
    assert!(matches!(auth.check_pin(&pin).await, Err(Error::PinExpired)));
    assert!(matches!(auth.wait_for_pin(&pin, Duration::from_millis(10)).await, Err(Error::PinExpired)));
}

#[tokio::test]
async fn a_pin_past_its_lifetime_stops_polling_by_itself() {
    let mut t = one_server();
    t.pin_lifetime_secs = 1;
    let fp = FakePlex::start(t).await.unwrap();
    let auth = plex(&fp).await;
    let pin = auth.create_pin().await.unwrap();
    let r = tokio::time::timeout(Duration::from_secs(20), auth.wait_for_pin(&pin, Duration::from_millis(50))).await;
    assert!(matches!(r, Ok(Err(Error::PinExpired))), "{r:?}");
}

#[tokio::test]
async fn cancelling_stops_polling() {
    let fp = FakePlex::start(one_server()).await.unwrap();
    let auth = plex(&fp).await;
    let pin = auth.create_pin().await.unwrap();
    let poller = {
        let (auth, pin) = (auth.clone(), pin.clone());
        tokio::spawn(async move { auth.wait_for_pin(&pin, Duration::from_millis(10)).await })
    };
    fake_plex::testing::wait_for_async(
        "three polls of the PIN",
        Duration::from_secs(10),
        || async { fp.pin_polls(pin.id) },
        |n| *n >= 3,
    )
    .await;
    poller.abort();
    let _ = poller.await;
    let after_cancel = fp.pin_polls(pin.id);
    // That nothing happens can only be seen over a stretch of time: twenty
    // of the poll's intervals with no poll.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(fp.pin_polls(pin.id), after_cancel, "no poll after cancel");
}

#[tokio::test]
async fn plex_tv_errors_are_typed() {
    let fp = FakePlex::start(one_server()).await.unwrap();
    let auth = plex(&fp).await;
    let good = Token::new(fp.info().account_token.clone());
    assert!(matches!(auth.user(&Token::new("not-a-real-token")).await, Err(Error::Unauthorized)));

    fp.set_behaviour("plextv", None, Behaviour::Error500);
    let e = auth.user(&good).await.unwrap_err();
    assert!(matches!(e, Error::Http { status: 500, .. }), "500 is not 'signed out': {e:?}");

    fp.set_behaviour("plextv", None, Behaviour::Malformed);
    assert!(matches!(auth.resources(&good).await, Err(Error::BadResponse { .. })));

    fp.set_behaviour("plextv", None, Behaviour::Truncated);
    let e = auth.resources(&good).await.unwrap_err();
    assert!(matches!(e, Error::BadResponse { .. }), "{e:?}");

    fp.set_behaviour("plextv", None, Behaviour::Huge(40));
    assert!(matches!(auth.resources(&good).await, Err(Error::TooLarge { .. })));

    fp.set_behaviour("plextv", None, Behaviour::Refuse);
    fp.until_listening("plextv", None, false).await;
    let e = auth.user(&good).await.unwrap_err();
    assert!(e.is_offline(), "no plex.tv is offline, not signed out: {e:?}");
}

#[tokio::test]
async fn a_redirect_to_another_host_is_not_followed_and_the_token_stays_home() {
    let fp = FakePlex::start(one_server()).await.unwrap();
    let auth = plex(&fp).await;
    let good = Token::new(fp.info().account_token.clone());
    fp.set_behaviour("plextv", None, Behaviour::Redirect);
    let e = auth.resources(&good).await.unwrap_err();
    assert!(matches!(e, Error::Redirected { .. }), "{e:?}");
    let sink: Vec<_> = fp.requests().into_iter().filter(|r| r.listener == "sink").collect();
    assert!(sink.is_empty(), "nothing may reach the other host: {sink:?}");
}

#[tokio::test]
async fn resources_list_servers_with_their_connections() {
    let fp = FakePlex::start(one_server()).await.unwrap();
    let auth = plex(&fp).await;
    let servers = auth.discover_servers(&Token::new(fp.info().account_token.clone())).await.unwrap();
    assert_eq!(servers.len(), 1);
    assert_eq!(servers[0].client_identifier, fp.info().servers[0].machine_identifier);
    assert_eq!(servers[0].connections[0].uri, fp.info().servers[0].connections[0].uri);
    let reqs = fp.requests();
    let r = reqs.iter().find(|r| r.path == "/api/v2/resources").unwrap();
    assert!(r.query.contains("includeRelay=1") && r.query.contains("includeHttps=1"));
    assert_eq!(r.accept.as_deref(), Some("application/json"));
    assert!(r.client_identifier.as_deref().is_some_and(|c| c.starts_with("test-")));
}
