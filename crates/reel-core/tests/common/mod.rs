//! Shared set-up for the core's end-to-end tests: a fake-plex on loopback and
//! an AuthManager pointed at it, with settings in a temporary folder.
#![allow(dead_code)]

use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use reel_core::backends::plex::PlexAuth;
use reel_core::config::ConfigStore;
use reel_core::http::{ClientIdentity, HttpClient};
use reel_core::services::auth_manager::AuthManager;
use reel_core::services::connection::ProbePolicy;
use reel_core::services::secrets::SecretStore;
use std::sync::Arc;

pub fn conn(local: bool, relay: bool, protocol: Protocol, behaviour: Behaviour) -> ConnectionSpec {
    ConnectionSpec { local, relay, protocol, ipv6: false, behaviour, ..Default::default() }
}

pub fn server(name: &str, owned: bool, connections: Vec<ConnectionSpec>) -> ServerSpec {
    ServerSpec {
        name: name.into(),
        machine_identifier: None,
        owned,
        https_required: false,
        access_token: None,
        provides: "server".into(),
        library: LibrarySpec {
            movies: 30,
            shows: 2,
            seasons_per_show: 2,
            episodes_per_season: 3,
            artists: 1,
            albums_per_artist: 1,
            tracks_per_album: 3,
            seed: 3,
            watching: 0,
            odd: false,
        },
        connections,
    }
}

pub fn topology(servers: Vec<ServerSpec>) -> Topology {
    Topology { account: Default::default(), servers, pin_lifetime_secs: 900 }
}

pub fn http_for(fp: &FakePlex) -> HttpClient {
    let ident = ClientIdentity::new(format!("test-{}", uuid::Uuid::new_v4()));
    HttpClient::with_extra_ca(ident, Some(fp.ca_pem().as_bytes())).expect("http client")
}

pub struct Harness {
    pub fp: FakePlex,
    pub dir: tempfile::TempDir,
    pub manager: Arc<AuthManager>,
}

impl Harness {
    pub async fn start(t: Topology) -> Self {
        Self::start_with(t, ProbePolicy::default()).await
    }

    pub async fn start_with(t: Topology, policy: ProbePolicy) -> Self {
        let fp = FakePlex::start(t).await.expect("fake-plex starts");
        let dir = tempfile::tempdir().expect("tempdir");
        let manager = Arc::new(manager_at(&fp, &dir.path().join("config.toml"), policy));
        Harness { fp, dir, manager }
    }

    pub fn config_path(&self) -> std::path::PathBuf {
        self.dir.path().join("config.toml")
    }

    pub fn account_token(&self) -> reel_core::Token {
        reel_core::Token::new(self.fp.info().account_token.clone())
    }

    pub fn count(&self, path: &str) -> usize {
        self.fp.requests().iter().filter(|r| r.path == path).count()
    }
}

pub fn manager_at(fp: &FakePlex, config: &std::path::Path, policy: ProbePolicy) -> AuthManager {
    let (store, notice) = ConfigStore::load(config).expect("config loads");
    assert!(notice.is_none());
    let http = http_for(fp);
    let plex = PlexAuth::with_urls(http.clone(), &fp.info().plex_tv_url, &fp.info().auth_url).expect("plex auth");
    AuthManager::new(Arc::new(store), SecretStore::new(), http, plex).with_policy(policy)
}

/// A server's connections as plex.tv lists them (what Reel's discovery sees).
pub fn connections_of(info: &fake_plex::ServerInfo) -> Vec<reel_core::models::Connection> {
    info.connections
        .iter()
        .map(|c| reel_core::models::Connection {
            uri: c.uri.clone(),
            protocol: c.protocol.scheme().into(),
            address: c.address.clone(),
            port: c.port,
            local: c.local,
            relay: c.relay,
            ipv6: c.ipv6,
            fallback_for: None,
        })
        .collect()
}

/// True when this machine has an IPv6 loopback to test with.
pub fn ipv6_loopback() -> bool {
    std::net::TcpListener::bind("[::1]:0").is_ok()
}
