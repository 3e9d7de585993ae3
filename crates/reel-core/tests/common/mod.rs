//! Shared set-up for the core's end-to-end tests: a fake-plex on loopback and
//! an AuthManager pointed at it, with settings in a temporary folder.
#![allow(dead_code)]

use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use reel_core::backends::plex::PlexAuth;
use reel_core::config::ConfigStore;
use reel_core::http::{ClientIdentity, HttpClient};
use reel_core::services::auth_manager::AuthManager;
use reel_core::services::connections::ProbePolicy;
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
            ..LibrarySpec::default()
        },
        connections,
    }
}

pub fn topology(servers: Vec<ServerSpec>) -> Topology {
    Topology { account: Default::default(), servers, pin_lifetime_secs: 900 }
}

/// fake-plex with one owned server, "Basement", one local http connection.
pub async fn one_basement() -> FakePlex {
    let t = topology(vec![server("Basement", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)])]);
    FakePlex::start(t).await.expect("fake-plex starts")
}

/// A core with its files in `dir`, plex.tv and the CA of `fp`, secrets in
/// `secrets`, nothing running in the background.
pub fn core_options(fp: &FakePlex, dir: &std::path::Path, secrets: SecretStore) -> reel_core::CoreOptions {
    reel_core::CoreOptions {
        config_path: dir.join("config.toml"),
        library_path: Some(dir.join("library.sqlite3")),
        poster_dir: dir.join("posters"),
        plex_tv: Some((fp.info().plex_tv_url.clone(), fp.info().auth_url.clone())),
        extra_ca_pem: Some(fp.ca_pem().into_bytes()),
        secrets,
        background: false,
        download_dir: Some(dir.join("downloads")),
        ..reel_core::CoreOptions::standard()
    }
}

pub fn http_for(fp: &FakePlex) -> HttpClient {
    let ident = ClientIdentity::new(format!("test-{}", uuid::Uuid::new_v4()));
    HttpClient::with_extra_ca(ident, Some(fp.ca_pem().as_bytes())).expect("http client")
}

pub struct Harness {
    pub fp: FakePlex,
    pub dir: tempfile::TempDir,
    pub manager: Arc<AuthManager>,
    /// Held by tests that use the real keyring: its entries are shared, so
    /// those tests take turns while the others run side by side.
    _keyring: Option<std::sync::MutexGuard<'static, ()>>,
}

static KEYRING: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Waits for this test binary's turn at the real keyring.
pub fn keyring_turn() -> std::sync::MutexGuard<'static, ()> {
    KEYRING.lock().unwrap_or_else(|p| p.into_inner())
}

impl Harness {
    /// Secrets in memory: for tests that are not about the keyring.
    pub async fn start(t: Topology) -> Self {
        Self::start_with(t, ProbePolicy::default()).await
    }

    pub async fn start_with(t: Topology, policy: ProbePolicy) -> Self {
        Self::start_full(t, policy, None).await
    }

    /// Secrets in the real Secret Service (run under scripts/with-keyring.sh).
    pub async fn start_keyring(t: Topology) -> Self {
        Self::start_full(t, ProbePolicy::default(), Some(keyring_turn())).await
    }

    async fn start_full(t: Topology, policy: ProbePolicy, keyring: Option<std::sync::MutexGuard<'static, ()>>) -> Self {
        let fp = FakePlex::start(t).await.expect("fake-plex starts");
        let dir = tempfile::tempdir().expect("tempdir");
        let secrets = if keyring.is_some() { SecretStore::new() } else { SecretStore::in_memory() };
        let manager = Arc::new(manager_with(&fp, &dir.path().join("config.toml"), policy, secrets));
        Harness { fp, dir, manager, _keyring: keyring }
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

/// A manager with its secrets in the real keyring.
pub fn manager_at(fp: &FakePlex, config: &std::path::Path, policy: ProbePolicy) -> AuthManager {
    manager_with(fp, config, policy, SecretStore::new())
}

pub fn manager_with(fp: &FakePlex, config: &std::path::Path, policy: ProbePolicy, secrets: SecretStore) -> AuthManager {
    let (store, notice) = ConfigStore::load(config).expect("config loads");
    assert!(notice.is_none());
    let http = http_for(fp);
    let plex = PlexAuth::with_urls(http.clone(), &fp.info().plex_tv_url, &fp.info().auth_url).expect("plex auth");
    AuthManager::new(Arc::new(store), secrets, http, plex).with_policy(policy)
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

/// A client with the server's token at its current address, bypassing the
/// connection manager's verification (these tests check discovery and
/// keyring layout, not the request path; `failover.rs` checks that).
pub async fn server_client(
    m: &AuthManager,
    s: &reel_core::models::Source,
) -> reel_core::backends::plex::PlexServerClient {
    let url = s.connection_info.primary_url.as_deref().expect("an address");
    let token = m.source_token(s).await.expect("a token");
    reel_core::backends::plex::PlexServerClient::new(m.http().clone(), url, token).expect("client")
}

/// A signed-in core with one server (Basement) whose music library has
/// artists of 2 albums of 4 tracks: the server, the core, the source and the
/// first artist (the folder must outlive the core).
pub async fn music_core(
) -> (FakePlex, reel_core::Core, reel_core::SourceId, reel_core::models::MediaItem, tempfile::TempDir) {
    music_core_with(|_| {}).await
}

/// As [`music_core`], the server changed by `change` first.
pub async fn music_core_with(
    change: impl FnOnce(&mut ServerSpec),
) -> (FakePlex, reel_core::Core, reel_core::SourceId, reel_core::models::MediaItem, tempfile::TempDir) {
    let mut basement = server("Basement", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)]);
    basement.library.artists = 2;
    basement.library.albums_per_artist = 2;
    basement.library.tracks_per_album = 4;
    change(&mut basement);
    let fp = FakePlex::start(topology(vec![basement])).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = reel_core::Core::open(core_options(&fp, dir.path(), SecretStore::in_memory())).unwrap();
    let account = core.sign_in_with_token(reel_core::Token::new(fp.info().account_token.clone())).await.unwrap();
    let source_id = core.discover(account.id(), true).await.unwrap().sources[0].id.clone();
    let sections = core.fetch_sections(&source_id).await.unwrap();
    let music = sections.iter().find(|s| s.kind == reel_core::models::SectionKind::Music).expect("a music library");
    let artist = core.fetch_items(&source_id, &music.key, 0, Some(1)).await.unwrap().remove(0);
    (fp, core, source_id, artist, dir)
}
