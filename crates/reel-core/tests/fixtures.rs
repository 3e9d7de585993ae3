//! The Plex types parse what real servers sent (recorded fixtures in
//! ../shared/fixtures/plex-api-spec), and lose no items doing it.

use reel_core::backends::plex::types::{Envelope, ItemsContainer, PlexResource, SectionsContainer};
use reel_core::models::{Connection, ConnectionClass, ItemKind, MediaItem};
use reel_core::services::connections::rank::static_order;
use serde_json::Value;
use std::path::PathBuf;

fn fixtures_dir() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var("REEL_FIXTURES").map(PathBuf::from).unwrap_or_default(),
        here.join("../../tests/fixtures/plex-api-spec"),
        here.join("../../../shared/fixtures/plex-api-spec"),
    ];
    candidates
        .into_iter()
        .find(|p| p.join("get-server-resources.json").exists())
        .expect("plex-api-spec fixtures (tests/fixtures, or REEL_FIXTURES)")
}

fn response(name: &str) -> Value {
    let text = std::fs::read_to_string(fixtures_dir().join(name)).expect(name);
    let v: Value = serde_json::from_str(&text).expect("fixture is JSON");
    v["response"].clone()
}

fn names(prefix: &str) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("fixtures dir")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with(prefix) && n.ends_with(".json"))
        .collect();
    v.sort();
    v
}

#[test]
fn sections_fixtures_parse_completely() {
    let files = names("get-all-libraries-");
    assert!(files.len() >= 2);
    for f in files {
        let raw = response(&f);
        let want = raw["MediaContainer"]["Directory"].as_array().map(Vec::len).unwrap_or(0);
        let env: Envelope<SectionsContainer> = serde_json::from_value(raw).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert_eq!(env.media_container.directory.len(), want, "{f}");
        assert!(env.media_container.directory.iter().all(|d| !d.key.is_empty() && !d.title.is_empty()), "{f}");
    }
}

#[test]
fn item_fixtures_parse_completely() {
    let mut files = names("get-library-all-");
    files.extend(names("get-library-items-"));
    files.extend(names("get-media-meta-data-"));
    files.extend(names("get-recently-added-"));
    assert!(files.len() >= 15, "{files:?}");
    let mut kinds = std::collections::HashSet::new();
    for f in files {
        let raw = response(&f);
        let want = raw["MediaContainer"]["Metadata"].as_array().map(Vec::len).unwrap_or(0);
        let env: Envelope<ItemsContainer> = serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{f}: {e}"));
        let items: Vec<MediaItem> = env.media_container.metadata.into_iter().map(Into::into).collect();
        assert_eq!(items.len(), want, "{f}");
        for (item, raw_item) in items.iter().zip(raw["MediaContainer"]["Metadata"].as_array().into_iter().flatten()) {
            assert_eq!(item.rating_key, raw_item["ratingKey"].as_str().unwrap_or_default(), "{f}");
            assert_eq!(item.title, raw_item["title"].as_str().unwrap_or_default(), "{f}");
            kinds.insert(item.kind);
        }
    }
    for k in [ItemKind::Movie, ItemKind::Show, ItemKind::Episode] {
        assert!(kinds.contains(&k), "fixtures cover {k:?}");
    }
}

fn resources() -> Vec<PlexResource> {
    serde_json::from_value(response("get-server-resources.json")).expect("resources parse")
}

#[test]
fn resources_fixture_keeps_servers_with_their_own_tokens() {
    let all = resources();
    let raw = response("get-server-resources.json");
    assert_eq!(all.len(), raw.as_array().map(Vec::len).unwrap_or(0));
    let servers: Vec<_> = all.iter().filter(|r| r.is_server()).collect();
    let want =
        raw.as_array().unwrap().iter().filter(|r| r["provides"].as_str().unwrap_or("").contains("server")).count();
    assert_eq!(servers.len(), want);
    assert!(servers.iter().any(|s| !s.owned), "the fixture has a shared server");
    for s in servers {
        assert!(s.access_token.as_deref().is_some_and(|t| !t.is_empty()), "{} has its own token", s.name);
    }
}

#[test]
fn static_order_follows_the_design_note_on_real_resources() {
    for r in resources().into_iter().filter(|r| r.is_server()) {
        let conns: Vec<Connection> = r.connections.into_iter().map(Into::into).collect();
        let ordered = static_order(&conns, None);
        let classes: Vec<ConnectionClass> = ordered.iter().map(Connection::class).collect();
        assert!(classes.windows(2).all(|w| w[0] <= w[1]), "{}: {classes:?}", r.name);
        if conns.iter().any(|c| c.local && !c.relay) {
            assert_eq!(classes[0], ConnectionClass::LocalDirect, "{}", r.name);
        }
        if let Some(last) = ordered.last() {
            if conns.iter().any(|c| c.relay && !c.local) {
                assert!(last.relay, "{}: relay last", r.name);
            }
        }
        // Within a class, https comes first.
        for w in ordered.windows(2) {
            if w[0].class() == w[1].class() {
                assert!(w[0].is_https() || !w[1].is_https(), "{}: https before http", r.name);
            }
        }
    }
}

#[test]
fn a_pinned_connection_goes_first() {
    let r = resources().into_iter().find(|r| r.is_server() && r.connections.len() > 2).expect("a server");
    let conns: Vec<Connection> = r.connections.into_iter().map(Into::into).collect();
    let relay = conns.iter().find(|c| c.relay).expect("relay").uri.clone();
    assert_eq!(static_order(&conns, Some(&relay))[0].uri, relay);
}

/// A real server's episode with `includeMarkers`: what playing it needs
/// (media, part, streams incl. a sidecar subtitle, intro and final credits).
#[test]
fn a_recorded_episode_parses_for_playback() {
    use reel_core::backends::plex::playback_types::PlayableContainer;
    use reel_core::models::{MarkerKind, Playable, StreamKind};
    let env: Envelope<PlayableContainer> =
        serde_json::from_value(response("get-media-meta-data-6.json")).expect("parses");
    let p: Playable = env.media_container.metadata.into_iter().next().expect("an item").into();
    assert_eq!(p.item.kind, ItemKind::Episode);
    let (_, media, part) = p.first_part().expect("a part");
    assert_eq!((media.container.as_deref(), media.video_codec.as_deref()), (Some("mkv"), Some("h264")));
    assert!(part.key.starts_with("/library/parts/"), "{}", part.key);
    let kinds: Vec<StreamKind> = part.streams.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [StreamKind::Video, StreamKind::Audio, StreamKind::Subtitle, StreamKind::Subtitle]);
    assert!(part.streams[2].is_image_subtitle(), "PGS");
    assert!(part.streams[3].key.is_some(), "the SRT is a sidecar file");
    assert!(part.streams[1].selected);
    let credits = p.markers.iter().find(|m| m.kind == MarkerKind::Credits).expect("credits");
    assert!(credits.is_final);
    assert_eq!(p.marker_at(100_000).map(|m| m.kind), Some(MarkerKind::Intro));
    assert_eq!(p.item.parent_key.as_ref().map(|k| k.as_str()), Some("44546"));
}
