//! Play queues against fake-plex over real sockets: made from an album, an
//! artist, a track (the rest of its album follows) or shuffled; entries
//! moved, removed and added, each change the server's own.

mod common;
use common::music_core;
use fake_plex::FakePlex;
use reel_core::models::{ItemKind, MediaItem, PlayQueue, QueuePlace, QueueSource};
use reel_core::Core;

struct Music {
    fp: FakePlex,
    core: Core,
    source_id: reel_core::SourceId,
    artist: MediaItem,
    albums: Vec<MediaItem>,
    _dir: tempfile::TempDir,
}

async fn music() -> Music {
    let (fp, core, source_id, artist, dir) = music_core().await;
    let albums = core.fetch_children(&source_id, &artist.rating_key).await.unwrap();
    assert!(albums.len() >= 2, "an artist with albums: {albums:?}");
    Music { fp, core, source_id, artist, albums, _dir: dir }
}

impl Music {
    async fn tracks(&self, album: &MediaItem) -> Vec<MediaItem> {
        self.core.fetch_children(&self.source_id, &album.rating_key).await.unwrap()
    }
}

fn keys(q: &PlayQueue) -> Vec<String> {
    q.entries.iter().map(|e| e.item.rating_key.to_string()).collect()
}

fn item_keys(items: &[MediaItem]) -> Vec<String> {
    items.iter().map(|i| i.rating_key.to_string()).collect()
}

#[tokio::test]
async fn an_album_plays_in_order_and_a_track_brings_the_rest_of_its_album() {
    let m = music().await;
    let album = &m.albums[0];
    let tracks = m.tracks(album).await;
    assert!(tracks.len() >= 3, "{tracks:?}");
    let q = m.core.create_play_queue(&m.source_id, &QueueSource::from(album.clone()), None, false).await.unwrap();
    assert_eq!(keys(&q), item_keys(&tracks), "the album's tracks, in order");
    assert!(q.entries.iter().all(|e| e.item.kind == ItemKind::Track));
    assert_eq!(q.selected_index(), Some(0), "from the first");
    let mut ids: Vec<u64> = q.entries.iter().map(|e| e.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), tracks.len(), "every entry its own id");
    // The server was asked for an audio queue of the album, by its URI, with the token as a header.
    let asked = m.fp.requests().into_iter().find(|r| r.method == "POST" && r.path == "/playQueues").unwrap();
    assert!(asked.query.contains("type=audio"), "{}", asked.query);
    assert!(asked.query.contains(&format!("library%2Fmetadata%2F{}", album.rating_key)), "{}", asked.query);
    assert!(asked.token.is_some() && !asked.query.contains("Token"), "the token as a header: {}", asked.query);

    // Play from the third track: the album is the queue, the third plays.
    let q = m
        .core
        .create_play_queue(&m.source_id, &QueueSource::from(album.clone()), Some(&tracks[2]), false)
        .await
        .unwrap();
    assert_eq!(keys(&q), item_keys(&tracks));
    assert_eq!(q.selected_index(), Some(2));
    // The server keeps it: read back, the same.
    assert_eq!(m.core.play_queue(&m.source_id, q.id).await.unwrap(), q);
}

#[tokio::test]
async fn an_artist_plays_every_album_and_shuffled_is_the_same_tracks_in_another_order() {
    let m = music().await;
    let mut all = Vec::new();
    for album in &m.albums {
        all.extend(m.tracks(album).await);
    }
    let q = m.core.create_play_queue(&m.source_id, &QueueSource::from(m.artist.clone()), None, false).await.unwrap();
    assert_eq!(keys(&q), item_keys(&all), "album after album, each in order");
    let s = m.core.create_play_queue(&m.source_id, &QueueSource::from(m.artist.clone()), None, true).await.unwrap();
    assert!(s.shuffled);
    let (mut a, mut b) = (keys(&s), item_keys(&all));
    assert_ne!(a, b, "shuffled");
    a.sort();
    b.sort();
    assert_eq!(a, b, "the same tracks");
}

#[tokio::test]
async fn entries_move_go_and_come_and_the_server_keeps_each_change() {
    let m = music().await;
    let (first, second) = (&m.albums[0], &m.albums[1]);
    let tracks = m.tracks(first).await;
    let q = m.core.create_play_queue(&m.source_id, &QueueSource::from(first.clone()), None, false).await.unwrap();
    let ids: Vec<u64> = q.entries.iter().map(|e| e.id).collect();
    // The last track after the first.
    let moved = m.core.move_in_play_queue(&m.source_id, q.id, ids[ids.len() - 1], Some(ids[0])).await.unwrap();
    assert_eq!(moved.entries[1].id, ids[ids.len() - 1]);
    assert!(moved.version > q.version, "a change is a new version");
    // To the very start.
    let moved = m.core.move_in_play_queue(&m.source_id, q.id, ids[1], None).await.unwrap();
    assert_eq!(moved.entries[0].id, ids[1]);
    // Removed.
    let removed = m.core.remove_from_play_queue(&m.source_id, q.id, ids[2]).await.unwrap();
    assert_eq!(removed.entries.len(), tracks.len() - 1);
    assert!(removed.entries.iter().all(|e| e.id != ids[2]));
    // Another album next (after the entry playing), then a track at the end.
    let next_tracks = m.tracks(second).await;
    let added = m.core.add_to_play_queue(&m.source_id, q.id, second, QueuePlace::Next).await.unwrap();
    let at = added.selected_index().unwrap() + 1;
    let after_playing: Vec<String> =
        added.entries[at..at + next_tracks.len()].iter().map(|e| e.item.rating_key.to_string()).collect();
    assert_eq!(after_playing, item_keys(&next_tracks), "the album right after the entry playing");
    let last = m.core.add_to_play_queue(&m.source_id, q.id, &tracks[0], QueuePlace::Last).await.unwrap();
    assert_eq!(last.entries.last().map(|e| e.item.rating_key.to_string()), Some(tracks[0].rating_key.to_string()));
    // What the server holds is what Reel was told.
    assert_eq!(m.core.play_queue(&m.source_id, q.id).await.unwrap(), last);
    // A queue that is not there is an error in words, not a panic.
    let gone = m.core.play_queue(&m.source_id, q.id + 1000).await.unwrap_err();
    assert!(!gone.to_string().is_empty());
}
