//! AuthManager end to end: fake-plex over loopback HTTP for plex.tv and the
//! servers, a real Secret Service (gnome-keyring; run via
//! scripts/with-keyring.sh) for the secrets, config.toml in a temp folder.

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use reel_core::models::AuthProvider;
use reel_core::services::auth_manager::{token_key, Origin};
use reel_core::services::connections::ProbePolicy;
use reel_core::services::secrets::{SecretStore, LEGACY_SERVICE, SERVICE};
use reel_core::{Error, Token};
use std::time::Duration;

fn home_topology() -> fake_plex::topology::Topology {
    topology(vec![
        server(
            "Basement",
            true,
            vec![
                conn(true, false, Protocol::Http, Behaviour::Ok),
                conn(false, false, Protocol::Https, Behaviour::Delay(20)),
                conn(false, true, Protocol::Https, Behaviour::Delay(10)),
            ],
        ),
        server("Friend", false, vec![conn(false, false, Protocol::Https, Behaviour::Ok)]),
    ])
}

async fn signed_in(h: &Harness) -> String {
    h.manager.add_plex_account(&h.account_token()).await.expect("account added").id().to_string()
}

#[tokio::test]
async fn adding_an_account_puts_the_token_in_the_keyring_and_nowhere_else() {
    let h = Harness::start_keyring(home_topology()).await;
    let id = signed_in(&h).await;
    assert!(id.starts_with("plex_"));
    let stored = SecretStore::get_in(SERVICE, &format!("{id}_token")).await.unwrap();
    assert_eq!(stored.as_ref().map(Token::expose), Some(h.fp.info().account_token.as_str()));
    let text = std::fs::read_to_string(h.config_path()).unwrap();
    assert!(!text.contains(&h.fp.info().account_token), "no token in config.toml");
    assert!(text.contains("type = \"PlexAccount\"") && text.contains("username = \"demo\""), "{text}");
    assert!(matches!(&h.manager.providers().await[..], [AuthProvider::PlexAccount { .. }]));
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn a_rejected_token_adds_nothing() {
    let h = Harness::start(home_topology()).await;
    let e = h.manager.add_plex_account(&Token::new("bogus-token")).await.unwrap_err();
    assert!(matches!(e, Error::Unauthorized));
    assert!(h.manager.providers().await.is_empty());
    assert!(!h.config_path().exists() || !std::fs::read_to_string(h.config_path()).unwrap().contains("PlexAccount"));
}

#[tokio::test]
async fn discovery_picks_connections_stores_server_tokens_and_caches() {
    let h = Harness::start_keyring(home_topology()).await;
    let id = signed_in(&h).await;
    let d = h.manager.discover(&id, false).await.unwrap();
    assert!(matches!(d.origin, Origin::Fresh));
    assert_eq!(d.sources.len(), 2);
    let info = h.fp.info().clone();
    let basement = d.sources.iter().find(|s| s.name == "Basement").unwrap();
    assert_eq!(basement.connection_info.primary_url.as_deref(), Some(info.servers[0].connections[0].uri.as_str()));
    assert!(basement.connection_info.is_online);
    assert_eq!(basement.connection_info.probes.len(), 3);
    let friend = d.sources.iter().find(|s| s.name == "Friend").unwrap();
    assert!(!friend.owned());

    // Each server's own token is in the keyring, and browsing the shared server works with it
    // (fake-plex's shared server rejects the account token).
    let friend_token = SecretStore::get_in(SERVICE, &token_key(friend.id.as_str())).await.unwrap().unwrap();
    assert_eq!(friend_token.expose(), info.servers[1].access_token);
    let client = server_client(&h.manager, friend).await;
    let sections = client.sections().await.unwrap();
    assert!(sections.iter().any(|s| s.title == "Movies"));
    let page = client.items(sections[0].key.as_str(), 0, 10).await.unwrap();
    assert_eq!((page.items.len(), page.total), (10, 30));

    // Within the 5-minute window, no second trip to plex.tv.
    let before = h.count("/api/v2/resources");
    let again = h.manager.discover_plex_sources(&id).await.unwrap();
    assert_eq!(again, d.sources);
    assert_eq!(h.count("/api/v2/resources"), before);
    let text = std::fs::read_to_string(h.config_path()).unwrap();
    assert!(!text.contains(&info.servers[1].access_token) && !text.contains(&info.account_token));
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn stale_cache_is_used_when_plex_tv_is_unreachable() {
    let h = Harness::start(home_topology()).await;
    let id = signed_in(&h).await;
    let first = h.manager.discover(&id, true).await.unwrap().sources;
    h.fp.set_behaviour("plextv", None, Behaviour::Refuse);
    h.fp.until_listening("plextv", None, false).await;
    let d = h.manager.discover(&id, true).await.unwrap();
    assert!(matches!(&d.origin, Origin::StaleCache { error } if error.is_offline()), "{:?}", d.origin);
    assert_eq!(d.sources, first);
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn errors_from_plex_tv_leave_the_cache_untouched() {
    let h = Harness::start(home_topology()).await;
    let id = signed_in(&h).await;
    h.manager.discover(&id, true).await.unwrap();
    let read =
        || -> reel_core::config::Config { toml::from_str(&std::fs::read_to_string(h.config_path()).unwrap()).unwrap() };
    let before = read();
    let ttl_before = h.manager.sources_ttl_for(&id);
    for b in [Behaviour::Malformed, Behaviour::Error500, Behaviour::Truncated] {
        h.fp.set_behaviour("plextv", None, b.clone());
        let d = h.manager.discover(&id, true).await.unwrap();
        assert!(matches!(d.origin, Origin::StaleCache { .. }), "{b:?}");
    }
    let after = read();
    assert_eq!(after.runtime.cached_sources, before.runtime.cached_sources, "cached servers untouched");
    assert_eq!(after.runtime.sources_last_fetched, before.runtime.sources_last_fetched);
    assert_eq!(after.runtime.auth_providers, before.runtime.auth_providers);
    // Failures make Reel ask again sooner (adaptive lifetime), within the default lower bound.
    assert!(h.manager.sources_ttl_for(&id) < ttl_before, "{:?}", h.manager.sources_ttl_for(&id));
    assert!(h.manager.sources_ttl_for(&id) >= Duration::from_secs(60));
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn a_server_that_went_offline_gets_the_static_first_url_and_is_marked_offline() {
    let t = topology(vec![server(
        "Attic",
        true,
        vec![
            conn(true, false, Protocol::Http, Behaviour::Refuse),
            conn(false, true, Protocol::Https, Behaviour::Refuse),
        ],
    )]);
    let h = Harness::start(t).await;
    let id = signed_in(&h).await;
    let d = h.manager.discover(&id, true).await.unwrap();
    let s = &d.sources[0];
    assert!(!s.connection_info.is_online);
    assert_eq!(s.connection_info.primary_url.as_deref(), Some(h.fp.info().servers[0].connections[0].uri.as_str()));
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn switching_accepts_only_the_servers_own_connections() {
    let h = Harness::start(home_topology()).await;
    let id = signed_in(&h).await;
    let d = h.manager.discover(&id, true).await.unwrap();
    let basement = d.sources.iter().find(|s| s.name == "Basement").unwrap();
    let remote = h.fp.info().servers[0].connections[1].uri.clone();
    let probe = |uri: &str| {
        let mut r = basement.connection_info.probes[0].clone();
        r.uri = uri.to_string();
        r
    };
    h.manager.store().switch(basement.id.as_str(), &remote, &probe(&remote)).unwrap();
    assert_eq!(
        h.manager.store().source(basement.id.as_str()).unwrap().connection_info.primary_url.as_deref(),
        Some(remote.as_str())
    );
    let sink = h.fp.info().sink_url.clone();
    let e = h.manager.store().switch(basement.id.as_str(), &sink, &probe(&sink)).unwrap_err();
    assert!(matches!(e, Error::NotACandidate { .. }), "{e:?}");

    // A pin survives rediscovery and is chosen.
    h.manager.store().pin(basement.id.as_str(), Some(&remote)).unwrap();
    let d = h.manager.discover(&id, true).await.unwrap();
    let b = d.sources.iter().find(|s| s.name == "Basement").unwrap();
    assert_eq!(b.connection_info.primary_url.as_deref(), Some(remote.as_str()));
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn background_refresh_runs_once_at_a_time_and_updates_the_cache() {
    let h = Harness::start(home_topology()).await;
    let id = signed_in(&h).await;
    let first = h.manager.refresh_sources_background(&id).expect("started");
    assert!(h.manager.refresh_sources_background(&id).is_none(), "a second refresh waits its turn");
    let d = first.await.unwrap().unwrap();
    assert_eq!(d.sources.len(), 2);
    assert_eq!(h.manager.cached_sources(&id), d.sources);
    assert!(h.manager.refresh_sources_background(&id).is_some(), "free again once done");
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn removing_an_account_removes_its_secrets_and_settings() {
    let h = Harness::start_keyring(home_topology()).await;
    let id = signed_in(&h).await;
    let sources = h.manager.discover(&id, true).await.unwrap().sources;
    h.manager.remove_provider(&id).await.unwrap();
    assert!(SecretStore::get_in(SERVICE, &token_key(&id)).await.unwrap().is_none());
    for s in &sources {
        assert!(SecretStore::get_in(SERVICE, &token_key(s.id.as_str())).await.unwrap().is_none(), "{}", s.id);
    }
    let c = h.manager.config().reload();
    assert!(
        c.runtime.auth_providers.is_empty()
            && c.runtime.cached_sources.is_empty()
            && c.runtime.sources_last_fetched.is_empty()
    );
    assert!(h.manager.providers().await.is_empty());
}

#[tokio::test]
async fn legacy_tokens_are_migrated_from_both_old_keyring_places_and_the_config_file() {
    let h = Harness::start_keyring(home_topology()).await;
    let token = h.account_token();
    let old_a = format!("plex_legacy_{}", uuid::Uuid::new_v4().simple());
    let old_b = format!("plex_legacy_{}", uuid::Uuid::new_v4().simple());
    let gone = format!("plex_legacy_{}", uuid::Uuid::new_v4().simple());
    SecretStore::new().set(&old_a, &token).await.unwrap();
    let legacy = keyring::Entry::new(LEGACY_SERVICE, &format!("{old_b}_token")).unwrap();
    tokio::task::spawn_blocking({
        let t = token.expose().to_string();
        move || legacy.set_password(&t)
    })
    .await
    .unwrap()
    .unwrap();
    std::fs::write(
        h.config_path(),
        format!(
            "[backends.plex]\nserver_url = \"https://plex.tv\"\nauth_token = \"{}\"\n\n[runtime]\nlegacy_backends = [\"{old_a}\", \"{old_b}\", \"{gone}\"]\n",
            token.expose()
        ),
    )
    .unwrap();
    let m = manager_at(&h.fp, &h.config_path(), ProbePolicy::default());
    let report = reel_core::services::legacy::migrate(&m).await.unwrap();
    assert_eq!(report.migrated.len(), 3, "{report:?}"); // a, b and the config file's token
    assert_eq!(report.dropped.len(), 1, "{report:?}");
    assert!(report.deferred.is_empty());
    let text = std::fs::read_to_string(h.config_path()).unwrap();
    assert!(!text.contains(token.expose()), "token left config.toml:\n{text}");
    assert!(text.contains("server_url"), "the rest of [backends.plex] is kept");
    assert!(m.config().get().runtime.legacy_backends.is_empty());
    assert!(SecretStore::get_in(SERVICE, &old_a).await.unwrap().is_none());
    assert!(SecretStore::get_in(LEGACY_SERVICE, &format!("{old_b}_token")).await.unwrap().is_none());
    let providers = m.providers().await;
    assert_eq!(providers.len(), 1, "the same account, once");
    m.remove_provider(providers[0].id().as_str()).await.unwrap();
}

#[tokio::test]
async fn migration_waits_when_plex_tv_is_unreachable() {
    let h = Harness::start_keyring(home_topology()).await;
    let old = format!("plex_legacy_{}", uuid::Uuid::new_v4().simple());
    SecretStore::new().set(&old, &h.account_token()).await.unwrap();
    std::fs::write(h.config_path(), format!("[runtime]\nlegacy_backends = [\"{old}\"]\n")).unwrap();
    h.fp.set_behaviour("plextv", None, Behaviour::Refuse);
    h.fp.until_listening("plextv", None, false).await;
    let m = manager_at(&h.fp, &h.config_path(), ProbePolicy::default());
    let report = reel_core::services::legacy::migrate(&m).await.unwrap();
    assert_eq!(report.deferred.len(), 1);
    assert_eq!(m.config().get().runtime.legacy_backends, vec![old.clone()], "kept for next time");
    assert!(SecretStore::get_in(SERVICE, &old).await.unwrap().is_some(), "token not lost");
    SecretStore::new().delete(&old).await.unwrap();
}

#[tokio::test]
async fn browsing_a_server_pages_children_and_hubs() {
    let h = Harness::start(home_topology()).await;
    let id = signed_in(&h).await;
    let sources = h.manager.discover(&id, true).await.unwrap().sources;
    let basement = sources.iter().find(|s| s.name == "Basement").unwrap();
    let c = server_client(&h.manager, basement).await;
    let sections = c.sections().await.unwrap();
    let movies = sections.iter().find(|s| s.kind == "movie").unwrap();
    let all = c.all_items(movies.key.as_str(), 7).await.unwrap();
    assert_eq!(all.len(), 30);
    let keys: std::collections::HashSet<_> = all.iter().map(|i| i.rating_key.clone()).collect();
    assert_eq!(keys.len(), 30, "pages do not overlap");
    let shows = sections.iter().find(|s| s.kind == "show").unwrap();
    let show = &c.items(shows.key.as_str(), 0, 1).await.unwrap().items[0];
    let seasons = c.children(show.rating_key.as_str()).await.unwrap();
    assert_eq!(seasons.len(), 2);
    let episodes = c.children(seasons[0].rating_key.as_str()).await.unwrap();
    assert_eq!(episodes.len(), 3);
    let ep = c.metadata(episodes[0].rating_key.as_str()).await.unwrap().unwrap();
    assert_eq!(ep.grandparent_title.as_deref(), Some(show.title.as_str()));
    let hubs = c.hubs().await.unwrap();
    assert!(hubs.iter().any(|h| h.title == "Recently Added Movies" && !h.items.is_empty()));
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn preferences_set_the_cache_lifetime_and_insecure_local_connections() {
    let h = Harness::start(home_topology()).await;
    let id = signed_in(&h).await;
    h.manager.config().update(|c| c.preferences.sources_ttl_secs = Some(0)).unwrap();
    h.manager.discover(&id, false).await.unwrap();
    let before = h.count("/api/v2/resources");
    h.manager.discover(&id, false).await.unwrap();
    assert_eq!(h.count("/api/v2/resources"), before + 1, "a zero lifetime asks plex.tv every time");

    // No plain http even on the LAN: the local (http) connection is skipped, remote https chosen.
    h.manager.config().update(|c| c.preferences.allow_insecure_local = Some(false)).unwrap();
    let d = h.manager.discover(&id, true).await.unwrap();
    let basement = d.sources.iter().find(|s| s.name == "Basement").unwrap();
    assert_eq!(
        basement.connection_info.primary_url.as_deref(),
        Some(h.fp.info().servers[0].connections[1].uri.as_str())
    );
    assert!(basement
        .connection_info
        .probes
        .iter()
        .any(|p| matches!(&p.outcome, reel_core::models::ProbeOutcome::Skipped { why } if why.contains("turned off"))));
    let text = std::fs::read_to_string(h.config_path()).unwrap();
    assert!(text.contains("[preferences]") && text.contains("allow_insecure_local = false"), "{text}");
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn the_server_list_lifetime_grows_while_nothing_changes_and_shrinks_on_network_changes() {
    let h = Harness::start(home_topology()).await;
    let id = signed_in(&h).await;
    h.manager
        .config()
        .update(|c| {
            c.preferences.sources_ttl_min_secs = Some(120);
            c.preferences.sources_ttl_max_secs = Some(900);
        })
        .unwrap();
    assert_eq!(h.manager.sources_ttl_for(&id), Duration::from_secs(300), "starts at 5 minutes");
    h.manager.discover(&id, true).await.unwrap();
    assert_eq!(h.manager.sources_ttl_for(&id), Duration::from_secs(300), "first answer: something new");
    h.manager.discover(&id, true).await.unwrap();
    assert_eq!(h.manager.sources_ttl_for(&id), Duration::from_secs(600), "same answer: ask half as often");
    h.manager.discover(&id, true).await.unwrap();
    assert_eq!(h.manager.sources_ttl_for(&id), Duration::from_secs(900), "never beyond the user's longest");
    h.manager.note_network_change();
    assert_eq!(h.manager.sources_ttl_for(&id), Duration::from_secs(120), "a new network: the shortest");
    h.manager.remove_provider(&id).await.unwrap();
}

#[tokio::test]
async fn a_server_can_be_added_by_address_and_token_without_plex_tv() {
    let h = Harness::start_keyring(home_topology()).await;
    let basement = h.fp.info().servers[0].clone();
    let url = basement.connections[0].uri.clone();
    let token = Token::new(basement.access_token.clone());
    // plex.tv is not needed at all.
    h.fp.set_behaviour("plextv", None, Behaviour::Refuse);

    let wrong = h.manager.add_server_token(&url, &Token::new("not-the-token")).await.unwrap_err();
    assert!(matches!(wrong, reel_core::Error::TokenRejected { .. }), "{wrong:?}");
    let not_a_server = h.manager.add_server_token("ftp://example", &token).await.unwrap_err();
    assert!(not_a_server.to_string().contains("not a server address"), "{not_a_server}");
    assert!(h.manager.providers().await.is_empty(), "nothing recorded after failures");

    let (provider, source) = h.manager.add_server_token(&format!("{url}/"), &token).await.unwrap();
    assert!(matches!(&provider, AuthProvider::PlexServerToken { .. }));
    assert_eq!(source.machine_id(), basement.machine_identifier);
    assert_eq!(source.name, "Basement", "the server's own name");
    assert_eq!(source.connection_info.primary_url.as_deref(), Some(url.as_str()));
    let stored = SecretStore::get_in(SERVICE, &format!("{}_token", provider.id())).await.unwrap();
    assert_eq!(stored.as_ref().map(Token::expose), Some(basement.access_token.as_str()));
    let text = std::fs::read_to_string(h.config_path()).unwrap();
    assert!(!text.contains(&basement.access_token), "no token in config.toml");

    // Browsing and refreshing work through that address only.
    let d = h.manager.discover(provider.id().as_str(), true).await.unwrap();
    assert_eq!(d.sources.len(), 1);
    let client = server_client(&h.manager, &d.sources[0]).await;
    assert_eq!(client.sections().await.unwrap().len(), 3);
    let elsewhere: Vec<_> =
        h.fp.requests()
            .into_iter()
            .filter(|r| r.token.as_deref() == Some(basement.access_token.as_str()) && r.listener != "Basement#0")
            .collect();
    assert!(elsewhere.is_empty(), "the token went only to the address given: {elsewhere:?}");
    h.manager.remove_provider(provider.id().as_str()).await.unwrap();
    assert_eq!(SecretStore::get_in(SERVICE, &format!("{}_token", provider.id())).await.unwrap(), None);
}
