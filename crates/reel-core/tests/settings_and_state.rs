//! Settings apart from state: config.toml keeps what the user chose (accounts,
//! servers with the chosen URL, pins, preferences); what Reel learns while it
//! runs (online or not, probe records, history, adapted lifetimes) lives in
//! the state store. A config.toml of Reel 0.4, which mixed both, moves its
//! state out once, losing nothing.

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use reel_core::config::ConfigStore;
use reel_core::services::auth_manager::AuthManager;
use reel_core::services::secrets::SecretStore;
use reel_core::services::servers::state::StateStore;
use std::sync::Arc;

const REEL_04: &str = r#"
future_top_level = "kept"

[preferences]
sources_ttl_secs = 120

[runtime]
client_identifier = "c1"

[runtime.auth_providers.plex_abc]
type = "PlexAccount"
id = "plex_abc"
username = "alice"
email = "alice@example.invalid"

[[runtime.cached_sources.plex_abc]]
id = "plex_abc_srv_m1"
name = "Basement"
auth_provider_id = "plex_abc"
a_field_from_the_future = "still here"

[runtime.cached_sources.plex_abc.source_type.PlexServer]
machine_id = "m1"
owned = true

[runtime.cached_sources.plex_abc.connection_info]
primary_url = "https://127.0.0.1:9"
is_online = true
last_check = "2026-11-01T10:00:00Z"
reason = "local connection answered in 3 ms"

[[runtime.cached_sources.plex_abc.connection_info.connections]]
uri = "https://127.0.0.1:9"
local = true

[[runtime.cached_sources.plex_abc.connection_info.probes]]
uri = "https://127.0.0.1:9"
class = "local_direct"
rank = 0
result = "ok"
latency_ms = 3.0
chosen = true

[runtime.pinned_connections]
plex_abc_srv_m1 = "https://127.0.0.1:9"

[runtime.connection_history.plex_abc_srv_m1."https://127.0.0.1:9"]
latency_ms = 3.5
ok = 7
failed = 1

[runtime.sources_ttl_current]
plex_abc = 960
"#;

fn manager(config: &std::path::Path, state: &std::path::Path) -> AuthManager {
    let (store, _) = ConfigStore::load(config).expect("loads");
    let http = reel_core::http::HttpClient::new(reel_core::http::ClientIdentity::new("t")).expect("http");
    let plex = reel_core::backends::plex::PlexAuth::with_urls(http.clone(), "http://127.0.0.1:9", "http://127.0.0.1:9")
        .expect("plex");
    AuthManager::open(Arc::new(store), StateStore::open(state).expect("state"), SecretStore::in_memory(), http, plex)
}

#[test]
fn a_reel_04_config_moves_its_state_out_once_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (config, state) = (dir.path().join("config.toml"), dir.path().join("library.sqlite3"));
    std::fs::write(&config, REEL_04).unwrap();
    let m = manager(&config, &state);

    let text = std::fs::read_to_string(&config).unwrap();
    for gone in ["connection_history", "sources_ttl_current", "probes", "latency_ms", "last_check", "is_online = true"]
    {
        assert!(!text.contains(gone), "{gone} left config.toml:\n{text}");
    }
    for kept in [
        "future_top_level",
        "a_field_from_the_future",
        "alice",
        "sources_ttl_secs = 120",
        "primary_url = \"https://127.0.0.1:9\"",
        "[runtime.pinned_connections]",
    ] {
        assert!(text.contains(kept), "{kept} was lost:\n{text}");
    }
    // The state is where the store reads it from.
    let s = m.store().current("plex_abc_srv_m1").unwrap();
    assert!(s.connection_info.is_online);
    assert_eq!(s.connection_info.probes.len(), 1);
    let h = m.store().history("plex_abc_srv_m1");
    assert_eq!(h["https://127.0.0.1:9"].ok, 7);
    assert_eq!(m.sources_ttl_for("plex_abc").as_secs(), 960);
    drop(m);

    // And across a restart, from the state store's file.
    let again = manager(&config, &state);
    assert_eq!(again.store().history("plex_abc_srv_m1")["https://127.0.0.1:9"].failed, 1);
    assert_eq!(again.store().current("plex_abc_srv_m1").unwrap().connection_info.probes.len(), 1);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text, "moved once: the second start writes nothing");
}

/// Probing again and choosing the same connection, or a failed probe of
/// another, is learning, not a choice: config.toml is not rewritten.
#[tokio::test]
async fn a_probe_that_changes_no_choice_does_not_touch_config_toml() {
    let t = topology(vec![server(
        "Den",
        true,
        vec![conn(true, false, Protocol::Http, Behaviour::Ok), conn(false, false, Protocol::Https, Behaviour::Refuse)],
    )]);
    let h = Harness::start(t).await;
    let pid = h.manager.add_plex_account(&h.account_token()).await.unwrap().id().to_string();
    let source = h.manager.discover(&pid, true).await.unwrap().sources.remove(0);
    let before = std::fs::read(h.config_path()).unwrap();
    let modified = std::fs::metadata(h.config_path()).unwrap().modified().unwrap();
    for _ in 0..3 {
        let s = h.manager.prober().reselect(source.id.as_str()).await.unwrap();
        assert!(s.connection_info.is_online);
        assert!(h.manager.prober().probe_standby(source.id.as_str()).await.unwrap().is_none(), "the other one is down");
    }
    assert_eq!(std::fs::read(h.config_path()).unwrap(), before);
    assert_eq!(std::fs::metadata(h.config_path()).unwrap().modified().unwrap(), modified);
    // What was learnt is kept all the same.
    let history = h.manager.store().history(source.id.as_str());
    assert!(history.values().any(|l| l.ok >= 4), "{history:?}");
    assert!(history.values().any(|l| l.failed >= 1), "{history:?}");
}

/// A damaged config.toml is kept aside and Reel starts afresh; the
/// accounts it named are offered back from the keyring (nothing typed) and
/// come back with their servers. Those not taken back lose their tokens at
/// the next sign-out, so none stays in the keyring for nothing.
#[tokio::test(flavor = "multi_thread")]
async fn accounts_of_damaged_settings_come_back_from_the_keyring_or_their_tokens_go() {
    use reel_core::{Core, Notice, Token};
    let fp = one_basement().await;
    let dir = tempfile::tempdir().unwrap();
    let secrets = SecretStore::in_memory();
    let open = || Core::open(core_options(&fp, dir.path(), secrets.clone())).unwrap();
    let damage = || {
        let path = dir.path().join("config.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, format!("this line = = is damaged\n{text}")).unwrap();
    };
    let core = open();
    let alice = core.sign_in_with_token(Token::new(fp.info().account_token.clone())).await.unwrap();
    core.discover(alice.id(), true).await.unwrap();
    let servers = core.servers().len();
    assert!(servers > 0);
    drop(core);

    damage();
    let core = open();
    assert!(matches!(core.notices(), [Notice::SettingsDamaged { .. }]), "{:?}", core.notices());
    assert!(core.accounts().is_empty(), "started afresh");
    let orphans = core.orphaned_accounts().await;
    assert_eq!(orphans.len(), 1, "{orphans:?}");
    assert!(orphans[0].recoverable && orphans[0].provider.id() == alice.id());
    let (back, failed) = core.recover_accounts().await;
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(back.iter().map(|p| p.id().clone()).collect::<Vec<_>>(), [alice.id().clone()]);
    assert_eq!(core.accounts().len(), 1);
    assert_eq!(core.servers().len(), servers, "its servers found again");
    assert!(core.orphaned_accounts().await.is_empty(), "nothing left to take back");
    drop(core);

    // Damaged again, and this time not taken back: another sign-in, then
    // its sign-out takes the old account's token with it.
    damage();
    let core = open();
    let living = &fp.info().servers[0];
    let url = living.connections[0].uri.clone();
    let one = core.sign_in_to_server(&url, Token::new(living.access_token.clone())).await.unwrap();
    assert!(core.orphaned_accounts().await[0].recoverable);
    core.sign_out(one.id(), reel_core::AccountDownloads::Delete).await.unwrap();
    let orphans = core.orphaned_accounts().await;
    assert_eq!(orphans.len(), 1);
    assert!(!orphans[0].recoverable, "the old token is gone from the keyring");
    let key = reel_core::services::auth_manager::token_key(alice.id().as_str());
    assert!(secrets.get(&key).await.unwrap().is_none());
}
