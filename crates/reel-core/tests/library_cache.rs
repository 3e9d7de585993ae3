//! The library cache: filled from fake-plex over loopback, read back with no
//! network, kept consistent across re-syncs, and rebuilt when damaged.

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use reel_core::models::{ItemKind, ItemSummary, MediaItem};
use reel_core::services::library::sync::{sync_children, sync_section, sync_sections};
use reel_core::services::library::LibraryCache;
use reel_core::{backends::plex::PlexServerClient, Token};

fn item(key: &str, title: &str) -> MediaItem {
    MediaItem { year: Some(2001), ..MediaItem::new(key, ItemKind::Movie, title) }
}

/// One server, "Den", reachable on loopback, and a client for it with its own token.
async fn den(watching: usize) -> (fake_plex::FakePlex, PlexServerClient) {
    let mut spec = server("Den", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)]);
    spec.library.watching = watching;
    let fp = fake_plex::FakePlex::start(topology(vec![spec])).await.unwrap();
    let info = fp.info().servers[0].clone();
    let client =
        PlexServerClient::new(http_for(&fp), &info.connections[0].uri, Token::new(info.access_token.clone())).unwrap();
    (fp, client)
}

#[tokio::test]
async fn a_synced_library_reads_back_in_order_without_the_server() {
    let (fp, client) = den(0).await;
    let dir = tempfile::tempdir().unwrap();
    let (cache, notice) = LibraryCache::open(dir.path().join("library.sqlite3")).unwrap();
    assert!(notice.is_none());

    let sections = sync_sections(&client, &cache, "den").await.unwrap();
    let movies = sections.iter().find(|s| s.kind == "movie").unwrap().clone();
    let mut progress = Vec::new();
    let n = sync_section(&client, &cache, "den", movies.key.as_str(), 7, |done, total| progress.push((done, total)))
        .await
        .unwrap();
    assert_eq!(n, 30);
    assert_eq!(progress.last(), Some(&(30, 30)));
    assert_eq!(progress.len(), 5, "30 items in pages of 7");
    let from_server = client.all_items(movies.key.as_str(), 100).await.unwrap();
    let shows = sections.iter().find(|s| s.kind == "show").unwrap().clone();
    sync_section(&client, &cache, "den", shows.key.as_str(), 50, |_, _| {}).await.unwrap();
    let show = cache.items::<MediaItem>("den", shows.key.as_str(), 0, 1).unwrap().items[0].clone();
    let seasons = sync_children(&client, &cache, "den", show.rating_key.as_str()).await.unwrap();
    let episodes = sync_children(&client, &cache, "den", seasons[0].rating_key.as_str()).await.unwrap();

    fp.shutdown();
    drop(cache);
    let (cache, _) = LibraryCache::open(dir.path().join("library.sqlite3")).unwrap();
    assert_eq!(cache.sections("den").unwrap(), sections);
    let page = cache.items::<MediaItem>("den", movies.key.as_str(), 0, 100).unwrap();
    assert_eq!(page.total, 30);
    assert_eq!(page.items, from_server, "same items, same order");
    let middle = cache.items::<MediaItem>("den", movies.key.as_str(), 10, 5).unwrap();
    assert_eq!(middle.items, from_server[10..15].to_vec());
    // What the grid holds: the same items, as summaries.
    let tiles = cache.items::<ItemSummary>("den", movies.key.as_str(), 10, 5).unwrap();
    assert_eq!(tiles.total, 30);
    assert_eq!(tiles.items, from_server[10..15].iter().map(ItemSummary::from).collect::<Vec<_>>());
    assert_eq!(cache.children("den", show.rating_key.as_str()).unwrap(), seasons);
    assert_eq!(cache.children("den", seasons[0].rating_key.as_str()).unwrap(), episodes);
    assert!(cache.section_synced("den", movies.key.as_str()).unwrap().is_some_and(|(_, n)| n == 30));
}

#[test]
fn a_resync_drops_what_the_server_no_longer_has_and_keeps_children() {
    let cache = LibraryCache::in_memory().unwrap();
    let g1 = cache.begin_section_sync("s", "1").unwrap();
    let five: Vec<_> = (0..5).map(|i| item(&format!("k{i}"), &format!("T{i}"))).collect();
    cache.put_section_page("s", "1", 0, &five, g1).unwrap();
    cache.finish_section_sync("s", "1", 5, g1).unwrap();
    cache.put_children("s", "k0", &[item("c1", "child")]).unwrap();

    let g2 = cache.begin_section_sync("s", "1").unwrap();
    assert!(g2 > g1);
    let three = vec![item("k4", "T4"), item("k0", "T0 renamed"), item("k2", "T2")];
    cache.put_section_page("s", "1", 0, &three, g2).unwrap();
    cache.finish_section_sync("s", "1", 3, g2).unwrap();
    let page = cache.items::<MediaItem>("s", "1", 0, 10).unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.items.iter().map(|i| i.title.as_str()).collect::<Vec<_>>(), ["T4", "T0 renamed", "T2"]);
    assert!(cache.item("s", "k1").unwrap().is_none(), "gone from the server, gone from the cache");
    assert_eq!(cache.children("s", "k0").unwrap().len(), 1, "children are kept");
}

#[test]
fn an_interrupted_sync_keeps_the_previous_items() {
    let cache = LibraryCache::in_memory().unwrap();
    let g1 = cache.begin_section_sync("s", "1").unwrap();
    let five: Vec<_> = (0..5).map(|i| item(&format!("k{i}"), "x")).collect();
    cache.put_section_page("s", "1", 0, &five, g1).unwrap();
    cache.finish_section_sync("s", "1", 5, g1).unwrap();
    let g2 = cache.begin_section_sync("s", "1").unwrap();
    cache.put_section_page("s", "1", 0, &five[..2], g2).unwrap();
    // No finish: the network went away.
    assert_eq!(cache.items::<MediaItem>("s", "1", 0, 10).unwrap().total, 5);
}

#[test]
fn a_damaged_cache_is_kept_aside_and_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.sqlite3");
    std::fs::write(&path, b"this is not a database, just some bytes that happen to be here").unwrap();
    let (cache, notice) = LibraryCache::open(&path).unwrap();
    let notice = notice.expect("told");
    assert!(matches!(&notice, reel_core::Notice::LibraryCacheReset { kept_as, .. } if kept_as.exists()), "{notice}");
    cache.put_sections("s", &[]).unwrap();
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".damaged-"))
        .collect();
    assert_eq!(kept.len(), 1);
}

#[test]
fn offline_since_is_the_first_failure_and_clears_on_return() {
    let cache = LibraryCache::in_memory().unwrap();
    let first = cache.set_online("s", false).unwrap().expect("offline");
    // The second failure comes later on the clock than the first (what is
    // checked is which of two instants is kept).
    std::thread::sleep(std::time::Duration::from_millis(5));
    assert_eq!(cache.set_online("s", false).unwrap(), Some(first), "still since the first failure");
    assert_eq!(cache.set_online("s", true).unwrap(), None);
    assert!(cache.set_online("s", false).unwrap().unwrap() > first);
}

#[tokio::test]
async fn home_hubs_are_kept_in_order_and_read_back_without_the_server() {
    let (fp, client) = den(2).await;
    let cache = LibraryCache::in_memory().unwrap();
    let hubs = reel_core::services::library::sync::sync_hubs(&client, &cache, "den").await.unwrap();
    let ids: Vec<&str> = hubs.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(&ids[..2], ["home.continue", "home.ondeck"], "{ids:?}");
    assert!(ids[2..].iter().all(|id| id.ends_with(".recent")), "{ids:?}");
    let resume: Vec<_> = hubs[0].items.iter().filter(|i| i.view_offset_ms > 0).collect();
    assert_eq!(resume.len(), 2, "the two movies part-way through");
    assert_eq!(hubs[1].items.len(), 1, "the next episode of the show being watched");
    assert_eq!(hubs[1].items[0].kind, ItemKind::Episode);
    drop(fp);
    assert_eq!(cache.hubs("den").unwrap(), hubs, "the same, with the server gone");
}

#[tokio::test]
async fn a_section_synced_from_the_servers_current_version_needs_no_download() {
    use reel_core::services::library::sync::{mark_section_current, section_is_current};
    let (_fp, client) = den(0).await;
    let cache = LibraryCache::in_memory().unwrap();
    let sections = sync_sections(&client, &cache, "den").await.unwrap();
    let movies = sections.iter().find(|s| s.kind == "movie").unwrap().clone();
    assert!(movies.version.is_some(), "the server's update marks make a version");
    assert_eq!(cache.sections("den").unwrap(), sections, "kept with the version");
    assert!(!section_is_current(&cache, "den", &movies), "never synced");
    sync_section(&client, &cache, "den", movies.key.as_str(), 7, |_, _| {}).await.unwrap();
    mark_section_current(&cache, "den", &movies).unwrap();
    assert!(section_is_current(&cache, "den", &movies));
    let changed = reel_core::models::Section { version: Some("changed".into()), ..movies.clone() };
    assert!(!section_is_current(&cache, "den", &changed), "the server's copy changed");
    cache.begin_section_sync("den", movies.key.as_str()).unwrap();
    assert!(!section_is_current(&cache, "den", &movies), "a sync under way is no version at all");
}

#[test]
fn a_cache_from_before_section_versions_opens_and_gains_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("library.sqlite3");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch(
            "CREATE TABLE sections (source_id TEXT NOT NULL, key TEXT NOT NULL, title TEXT NOT NULL, kind TEXT NOT NULL,
                 uuid TEXT, position INTEGER NOT NULL, PRIMARY KEY (source_id, key));
             INSERT INTO sections VALUES ('den', '1', 'Movies', 'movie', NULL, 0);
             CREATE TABLE section_sync (source_id TEXT NOT NULL, section_key TEXT NOT NULL, total INTEGER NOT NULL,
                 generation INTEGER NOT NULL, synced_at TEXT NOT NULL, PRIMARY KEY (source_id, section_key));",
        )
        .unwrap();
    }
    let (cache, notice) = LibraryCache::open(&path).unwrap();
    assert!(notice.is_none(), "not treated as damaged: {notice:?}");
    let sections = cache.sections("den").unwrap();
    assert_eq!(sections.len(), 1);
    assert_eq!(sections[0].title, "Movies");
    assert_eq!(sections[0].version, None);
}

/// A library cache with a few thousand items.
fn filled(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("library.sqlite3");
    let (cache, _) = LibraryCache::open(&path).unwrap();
    let items: Vec<MediaItem> =
        (0..3000).map(|i| item(&i.to_string(), &format!("Title {i} {}", "x".repeat(200)))).collect();
    let g = cache.begin_section_sync("s", "1").unwrap();
    cache.put_section_page("s", "1", 0, &items, g).unwrap();
    cache.finish_section_sync("s", "1", items.len(), g).unwrap();
    drop(cache);
    // Everything in the main file, no WAL left.
    let c = rusqlite::Connection::open(&path).unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
    path
}

/// Random bytes written into the middle of the file: 4 KB inside pages, or
/// (`whole_pages`) 64 KB of whole pages, headers included, as a bad stretch
/// of disk would.
fn damage_the_middle(path: &std::path::Path, whole_pages: bool) {
    let mut bytes = std::fs::read(path).unwrap();
    assert!(bytes.len() > 256 * 1024, "a file with something in its middle");
    let (mid, len) = if whole_pages { ((bytes.len() / 2) & !4095, 65536) } else { (bytes.len() / 2 + 1000, 4096) };
    let mut x: u32 = 0x9e37_79b9;
    for b in &mut bytes[mid..mid + len] {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *b = x as u8;
    }
    // In place, as the disk would: the open file stays the same file.
    use std::io::{Seek, Write};
    let mut f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.seek(std::io::SeekFrom::Start(mid as u64)).unwrap();
    f.write_all(&bytes[mid..mid + len]).unwrap();
}

fn kept_aside(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with("library.sqlite3.damaged-")
        })
        .count()
}

#[test]
fn damage_in_the_middle_of_the_file_is_found_kept_aside_and_started_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    damage_the_middle(&path, false);
    let (cache, notice) = LibraryCache::open(&path).unwrap();
    assert!(notice.is_none(), "a plain open does not see it (that was the bug)");
    let mut resets = cache.subscribe_resets();
    let notice = cache.verify().expect("the whole-file check finds it");
    assert!(matches!(&notice, reel_core::Notice::LibraryCacheReset { kept_as, .. } if kept_as.exists()), "{notice}");
    assert_eq!(resets.try_recv().ok(), Some(notice), "and says so to whoever listens");
    assert_eq!(kept_aside(dir.path()), 1, "kept, never deleted");
    // Afresh: works, empty, to be filled from the servers again.
    assert_eq!(cache.items::<MediaItem>("s", "1", 0, 10).unwrap().total, 0);
    cache.put_sections("s", &[]).unwrap();
    assert!(cache.verify().is_none(), "the fresh file is sound");
}

#[test]
fn damage_met_while_running_is_handled_the_same_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = filled(dir.path());
    let (cache, _) = LibraryCache::open(&path).unwrap();
    let mut resets = cache.subscribe_resets();
    damage_the_middle(&path, true);
    // Another writer (reel-cli, say) makes this connection read pages from disk again.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute("INSERT INTO server_state (source_id, offline_since) VALUES ('x', NULL)", [])
        .unwrap();
    // Reading the whole section reaches the damaged page.
    let r = cache.items::<MediaItem>("s", "1", 0, usize::MAX);
    assert!(r.is_err(), "damaged pages are not read as items");
    assert!(matches!(resets.try_recv(), Ok(reel_core::Notice::LibraryCacheReset { .. })));
    assert_eq!(kept_aside(dir.path()), 1);
    assert_eq!(cache.items::<MediaItem>("s", "1", 0, 10).unwrap().total, 0, "afresh");
}

#[test]
fn the_cache_and_what_sqlite_keeps_beside_it_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("reel");
    let path = data.join("library.sqlite3");
    // As Reel 0.4 left them: readable by everyone.
    std::fs::create_dir_all(&data).unwrap();
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    drop(LibraryCache::open(&path).unwrap());
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (cache, _) = LibraryCache::open(&path).unwrap();
    cache.put_children("s", "1", &[item("2", "One")]).unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the folder");
    assert_eq!(mode(&path), 0o600, "the database");
    for side in ["library.sqlite3-wal", "library.sqlite3-shm"] {
        let p = data.join(side);
        assert!(p.exists(), "{side} (the cache is in WAL mode)");
        assert_eq!(mode(&p), 0o600, "{side}");
    }
}
