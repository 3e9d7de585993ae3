//! Playlists against fake-plex over real sockets: listed, read, made from
//! tracks, added to, reordered, emptied of an entry, played as a queue;
//! each change the server's own, the token always a header. Collections:
//! listed per library, read, played.

mod common;
use common::{music_core, music_core_with};
use fake_plex::FakePlex;
use reel_core::models::{MediaItem, MediaList, PlaylistEntry};
use reel_core::Core;

struct Music {
    fp: FakePlex,
    core: Core,
    source_id: reel_core::SourceId,
    tracks: Vec<MediaItem>,
    _dir: tempfile::TempDir,
}

async fn music() -> Music {
    let (fp, core, source_id, artist, dir) = music_core().await;
    let album = core.fetch_children(&source_id, &artist.rating_key).await.unwrap().remove(0);
    let tracks = core.fetch_children(&source_id, &album.rating_key).await.unwrap();
    Music { fp, core, source_id, tracks, _dir: dir }
}

fn keys(entries: &[PlaylistEntry]) -> Vec<String> {
    entries.iter().map(|e| e.item.rating_key.to_string()).collect()
}

#[tokio::test]
async fn a_playlist_is_made_changed_and_played_on_the_server() {
    let m = music().await;
    // The server's own playlist is listed, with what it holds.
    let lists = m.core.fetch_lists(&m.source_id).await.unwrap();
    let road = lists.iter().find(|l| l.title() == "Road Trip").expect("the server's playlist");
    assert!(road.audio() && road.editable() && road.items() > 0, "{road:?}");
    let items = m.core.fetch_list_items(&m.source_id, road).await.unwrap();
    assert_eq!(items.len() as u32, road.items());

    // Made from two tracks, then a third added: in that order.
    let t = &m.tracks;
    let mine = m.core.create_playlist(&m.source_id, "  Evening  ", &t[..2]).await.unwrap();
    assert_eq!((mine.title.as_str(), mine.audio, mine.items), ("Evening", true, 2));
    let made = m.fp.requests().into_iter().find(|r| r.method == "POST" && r.path == "/playlists").unwrap();
    assert!(made.query.contains("type=audio") && made.query.contains("title=Evening"), "{}", made.query);
    assert!(made.token.is_some() && !made.query.contains("Token"), "the token as a header: {}", made.query);
    let entries = m.core.add_to_playlist(&m.source_id, &mine.id, &t[2..3]).await.unwrap();
    let key = |i: usize| t[i].rating_key.to_string();
    assert_eq!(keys(&entries), [key(0), key(1), key(2)]);

    // The third to the top, then the first (now second) removed.
    let entries = m.core.move_in_playlist(&m.source_id, &mine.id, entries[2].id, None).await.unwrap();
    assert_eq!(keys(&entries), [key(2), key(0), key(1)]);
    let entries = m.core.remove_from_playlist(&m.source_id, &mine.id, entries[1].id).await.unwrap();
    assert_eq!(keys(&entries), [key(2), key(1)]);
    // The server holds what Reel was told.
    let lists = m.core.fetch_lists(&m.source_id).await.unwrap();
    let mine = lists.into_iter().find(|l| l.id() == mine.id).expect("listed");
    assert_eq!(keys(&m.core.fetch_list_items(&m.source_id, &mine).await.unwrap()), [key(2), key(1)]);
    // And what Reel saved of it (shown offline) is the same.
    assert_eq!(keys(&m.core.saved_list_items(&m.source_id, &mine.id().into()).await.unwrap()), [key(2), key(1)]);

    // Played: a queue of it, in its order; shuffled: the same tracks.
    let q = m.core.create_play_queue(&m.source_id, &mine.clone().into(), None, false).await.unwrap();
    let queued: Vec<String> = q.entries.iter().map(|e| e.item.rating_key.to_string()).collect();
    assert_eq!(queued, [key(2), key(1)]);
    let asked = m.fp.requests().into_iter().rev().find(|r| r.path == "/playQueues").unwrap();
    assert!(asked.query.contains(&format!("playlistID={}", mine.id())), "{}", asked.query);
    let q = m.core.create_play_queue(&m.source_id, &road.clone().into(), None, true).await.unwrap();
    let mut shuffled: Vec<String> = q.entries.iter().map(|e| e.item.rating_key.to_string()).collect();
    let mut listed = keys(&items);
    assert!(q.shuffled && shuffled != listed, "another order: {shuffled:?}");
    shuffled.sort();
    listed.sort();
    assert_eq!(shuffled, listed, "the same tracks");

    // No name, no playlist (and nothing asked of the server).
    let before = m.fp.requests().len();
    assert!(m.core.create_playlist(&m.source_id, "   ", &t[..1]).await.is_err());
    assert_eq!(m.fp.requests().len(), before);
    // A playlist that is not there: an error, not a panic.
    let mut gone = mine.clone();
    if let MediaList::Playlist(p) = &mut gone {
        p.id = "424242".into();
    }
    assert!(m.core.fetch_list_items(&m.source_id, &gone).await.is_err());
}

#[tokio::test]
async fn collections_are_listed_read_and_played() {
    let m = music().await;
    let lists = m.core.fetch_lists(&m.source_id).await.unwrap();
    let col = lists
        .iter()
        .find(|l| matches!(l, MediaList::Collection(_)) && l.audio())
        .expect("the music library's collection");
    assert!(col.audio() && !col.editable() && col.items() >= 2, "{col:?}");
    let entries = m.core.fetch_list_items(&m.source_id, col).await.unwrap();
    assert_eq!(entries.len() as u32, col.items());
    assert!(entries.iter().all(|e| e.item.kind == reel_core::models::ItemKind::Artist), "a music library's artists");
    // Every list's entries are saved for offline, once: fetched again only
    // when a list holds another number of them than saved.
    let before = m.fp.requests().len();
    assert_eq!(m.core.sync_list_entries(&m.source_id, &lists).await, lists.len() - 1, "all but the one read");
    assert_eq!(m.fp.requests().len(), before + lists.len() - 1);
    assert_eq!(m.core.sync_list_entries(&m.source_id, &lists).await, 0, "nothing new");
    // Kept for offline: the list and its entries.
    assert_eq!(m.core.saved_lists(&m.source_id).await.unwrap(), lists);
    assert_eq!(m.core.saved_list_items(&m.source_id, &col.id().into()).await.unwrap(), entries);
    // Played: what its artists play, in order, from the second artist's first track when asked.
    let q = m.core.create_play_queue(&m.source_id, &col.clone().into(), None, false).await.unwrap();
    let first_artist = m.core.fetch_children(&m.source_id, &entries[0].item.rating_key).await.unwrap();
    let first_album = m.core.fetch_children(&m.source_id, &first_artist[0].rating_key).await.unwrap();
    assert_eq!(q.entries[0].item.rating_key, first_album[0].rating_key);
    assert!(q.entries.len() > first_album.len(), "more than one artist's tracks");
    let asked = m.fp.requests().into_iter().rev().find(|r| r.path == "/playQueues").unwrap();
    assert!(asked.query.contains("collections"), "{}", asked.query);
    let last = q.entries.last().unwrap().item.clone();
    let q = m.core.create_play_queue(&m.source_id, &col.clone().into(), Some(&last), false).await.unwrap();
    let selected = q.entries.iter().find(|e| e.id == q.selected).map(|e| e.item.rating_key.clone());
    assert_eq!(selected, Some(last.rating_key));

    // A film library's collection plays its films, as a video queue.
    let films = lists.iter().find(|l| matches!(l, MediaList::Collection(_)) && !l.audio()).expect("the films'");
    let q = m.core.create_play_queue(&m.source_id, &films.clone().into(), None, true).await.unwrap();
    assert_eq!(q.entries.len() as u32, films.items());
    assert!(q.entries.iter().all(|e| e.item.kind == reel_core::models::ItemKind::Movie), "{q:?}");
    let asked = m.fp.requests().into_iter().rev().find(|r| r.path == "/playQueues").unwrap();
    assert!(asked.query.contains("type=video") && asked.query.contains("shuffle=1"), "{}", asked.query);
}

#[tokio::test]
async fn a_server_that_lists_no_collections_still_shows_its_playlists() {
    let (_fp, core, source_id, _artist, _dir) = music_core_with(|s| s.library.no_collections = true).await;
    let lists = core.fetch_lists(&source_id).await.expect("the playlists, without collections");
    assert!(lists.iter().any(|l| l.title() == "Road Trip"), "{lists:?}");
    assert!(!lists.iter().any(|l| matches!(l, MediaList::Collection(_))), "{lists:?}");
}
