//! config.toml: Reel 0.3's layout, unknown fields kept, atomic 0600 writes,
//! damaged files kept aside, concurrent writers composing.

use reel_core::config::{ConfigStore, LoadNotice};
use reel_core::models::AuthProvider;
use std::os::unix::fs::PermissionsExt;

const REEL_03: &str = r#"
future_top_level = "kept"

[general]
theme = "dark"

[runtime]
legacy_backends = ["plex_abc123"]
some_future_runtime_field = 42

[runtime.library_visibility]
"lib-1" = false

[runtime.auth_providers.plex_abc123]
type = "PlexAccount"
id = "plex_abc123"
username = "alice"
email = "alice@example.invalid"

[[runtime.cached_sources.plex_abc123]]
id = "source_1"
name = "Basement"
auth_provider_id = "plex_abc123"
enabled = true
library_count = 3
a_field_from_the_future = "still here"

[runtime.cached_sources.plex_abc123.source_type.PlexServer]
machine_id = "m1"
owned = true

[runtime.cached_sources.plex_abc123.connection_info]
primary_url = "https://192-168-1-2.abc.plex.direct:32400"
is_online = true

[runtime.sources_last_fetched]
plex_abc123 = "2025-01-02T03:04:05Z"
"#;

#[test]
fn reads_reel_03_and_keeps_what_it_does_not_know() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, REEL_03).unwrap();
    let (store, notice) = ConfigStore::load(&path).unwrap();
    assert!(notice.is_none());
    let c = store.get();
    assert!(
        matches!(c.runtime.auth_providers.get("plex_abc123"), Some(AuthProvider::PlexAccount { username, .. }) if username == "alice")
    );
    let src = &c.runtime.cached_sources["plex_abc123"][0];
    assert_eq!(src.connection_info.primary_url.as_deref(), Some("https://192-168-1-2.abc.plex.direct:32400"));
    assert_eq!(src.machine_id(), "m1");
    assert!(!c.library_visible("lib-1"));
    assert_eq!(c.runtime.legacy_backends, vec!["plex_abc123"]);

    store
        .update(|c| {
            c.runtime.library_visibility.insert("lib-2".into(), true);
        })
        .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    for kept in
        ["future_top_level", "theme = \"dark\"", "some_future_runtime_field = 42", "a_field_from_the_future", "lib-2"]
    {
        assert!(text.contains(kept), "{kept} kept in:\n{text}");
    }
    let (again, _) = ConfigStore::load(&path).unwrap();
    assert_eq!(again.get(), store.get(), "round trip is lossless");
}

#[test]
fn writes_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("reel/config.toml");
    let (store, _) = ConfigStore::load(&path).unwrap();
    store.update(|c| c.runtime.library_visibility.insert("x".into(), false)).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".config.toml."))
        .collect();
    assert!(leftovers.is_empty(), "no temp files left behind");
}

#[test]
fn the_folder_and_the_lock_are_private_too_and_unfinished_saves_are_swept() {
    let dir = tempfile::tempdir().unwrap();
    let reel = dir.path().join("reel");
    let path = reel.join("config.toml");
    let (store, _) = ConfigStore::load(&path).unwrap();
    store.update(|c| c.runtime.library_visibility.insert("x".into(), false)).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&reel), 0o700, "the folder");
    assert_eq!(mode(&reel.join("config.toml.lock")), 0o600, "the lock");
    // Made world-readable (as Reel 0.4 left them): private again at the next save.
    std::fs::set_permissions(&reel, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(reel.join("config.toml.lock"), std::fs::Permissions::from_mode(0o644)).unwrap();
    // A save killed before its rename leaves its temporary file.
    let unfinished = reel.join(".config.toml.Xy12Ab");
    std::fs::write(&unfinished, "[runtime]\n").unwrap();
    let (store, notice) = ConfigStore::load(&path).unwrap();
    assert!(notice.is_none());
    assert!(!unfinished.exists(), "an unfinished save is removed when the settings are opened");
    std::fs::write(&unfinished, "[runtime]\n").unwrap();
    store.update(|c| c.runtime.library_visibility.insert("y".into(), true)).unwrap();
    assert!(!unfinished.exists(), "and when they are saved");
    assert_eq!(mode(&reel), 0o700);
    assert_eq!(mode(&reel.join("config.toml.lock")), 0o600);
    assert_eq!(store.reload().runtime.library_visibility.len(), 2, "nothing lost");
}

#[test]
fn an_empty_file_is_not_taken_for_no_settings() {
    // What a full disk leaves: kept aside and said, not silently "signed out".
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, "").unwrap();
    let (_, notice) = ConfigStore::load(&path).unwrap();
    let Some(LoadNotice::CorruptMovedAside { kept_as, reason }) = &notice else { panic!("{notice:?}") };
    assert!(reason.contains("empty"), "{reason}");
    assert!(kept_as.exists());
}

#[test]
fn a_damaged_file_is_kept_aside_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let garbage = "[runtime\nthis is = = not toml";
    std::fs::write(&path, garbage).unwrap();
    let (store, notice) = ConfigStore::load(&path).unwrap();
    let Some(LoadNotice::CorruptMovedAside { kept_as, .. }) = &notice else { panic!("{notice:?}") };
    assert_eq!(std::fs::read_to_string(kept_as).unwrap(), garbage, "the damaged file is kept byte for byte");
    assert!(kept_as.file_name().unwrap().to_string_lossy().starts_with("config.toml.corrupt-"));
    assert!(notice.as_ref().unwrap().to_string().contains("damaged"));
    assert_eq!(store.get(), Default::default());
    store.update(|c| c.runtime.legacy_backends.push("x".into())).unwrap();
    assert_eq!(std::fs::read_to_string(kept_as).unwrap(), garbage, "still untouched after a save");
}

#[test]
fn two_writers_compose_instead_of_overwriting() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    let (app, _) = ConfigStore::load(&path).unwrap();
    let (cli, _) = ConfigStore::load(&path).unwrap();
    app.update(|c| c.runtime.library_visibility.insert("from-app".into(), false)).unwrap();
    cli.update(|c| c.runtime.library_visibility.insert("from-cli".into(), false)).unwrap();
    app.update(|c| c.runtime.legacy_backends.push("later".into())).unwrap();
    let (fresh, _) = ConfigStore::load(&path).unwrap();
    let vis = fresh.get().runtime.library_visibility;
    assert!(vis.contains_key("from-app") && vis.contains_key("from-cli"), "{vis:?}");

    let handles: Vec<_> = (0..8)
        .map(|i| {
            let p = path.clone();
            std::thread::spawn(move || {
                let (s, _) = ConfigStore::load(&p).unwrap();
                s.update(|c| c.runtime.library_visibility.insert(format!("t{i}"), true)).unwrap();
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let (fresh, _) = ConfigStore::load(&path).unwrap();
    assert_eq!(fresh.get().runtime.library_visibility.keys().filter(|k| k.starts_with('t')).count(), 8);
}
