//! Playlists against fake-plex over real sockets: listed, read, made from
//! tracks, added to, reordered, emptied of an entry, played as a queue;
//! each change the server's own, the token always a header.

mod common;
use common::music_core;
use fake_plex::FakePlex;
use reel_core::models::{MediaItem, PlaylistEntry};
use reel_core::Core;

struct Music {
    fp: FakePlex,
    core: Core,
    source_id: String,
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
    let lists = m.core.playlists(&m.source_id).await.unwrap();
    let road = lists.iter().find(|l| l.title == "Road Trip").expect("the server's playlist");
    assert!(road.audio && !road.smart && road.items > 0, "{road:?}");
    let items = m.core.playlist_items(&m.source_id, &road.id).await.unwrap();
    assert_eq!(items.len() as u32, road.items);

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
    assert_eq!(keys(&m.core.playlist_items(&m.source_id, &mine.id).await.unwrap()), [key(2), key(1)]);

    // Played: a queue of it, in its order; shuffled: the same tracks.
    let mine = m.core.playlists(&m.source_id).await.unwrap().into_iter().find(|l| l.id == mine.id).unwrap();
    let q = m.core.play_playlist(&m.source_id, &mine, false).await.unwrap();
    let queued: Vec<String> = q.entries.iter().map(|e| e.item.rating_key.to_string()).collect();
    assert_eq!(queued, [key(2), key(1)]);
    let asked = m.fp.requests().into_iter().rev().find(|r| r.path == "/playQueues").unwrap();
    assert!(asked.query.contains(&format!("playlistID={}", mine.id)), "{}", asked.query);
    let q = m.core.play_playlist(&m.source_id, road, true).await.unwrap();
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
    assert!(m.core.playlist_items(&m.source_id, "424242").await.is_err());
}
