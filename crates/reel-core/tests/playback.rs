//! Playback through the core facade against fake-plex serving a real clip
//! (made with GStreamer at test time): the plan, where the media is fetched
//! and with what, timelines and the watched mark, offline and failover.
//!
//! The player's decoders are stood in for by a fixed list here (the core has
//! no GStreamer; the app's registry check is tested in the app).

mod common;

use common::{conn, core_options, server, topology};
use fake_plex::media::{make_clip, MediaSpec};
use fake_plex::topology::{Behaviour, Protocol, Topology};
use fake_plex::FakePlex;
use reel_core::models::{ItemKind, MarkerKind, ServerAction, StreamKind};
use reel_core::services::playback::{Capabilities, Decision, Format, PlayState, Reporter, TranscodeReason};
use reel_core::{Core, Delivery};
use std::sync::OnceLock;
use std::time::Duration;

struct Decodes(&'static [&'static str]);
impl Capabilities for Decodes {
    fn can_decode(&self, f: &Format) -> bool {
        self.0.contains(&f.name())
    }
}
const PLAYER: Decodes = Decodes(&["mkv", "vp8", "vorbis"]);

/// One clip for the whole test binary: made once, read by every server;
/// with an HLS rendition for the transcoder.
fn clip() -> MediaSpec {
    static CLIP: OnceLock<(tempfile::TempDir, MediaSpec)> = OnceLock::new();
    CLIP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let spec = make_clip(dir.path(), 12, &["eng", "deu"]).expect("gst-launch-1.0 makes the clip");
        let spec = fake_plex::media::with_hls(spec, dir.path()).expect("an HLS rendition");
        (dir, spec)
    })
    .1
    .clone()
}

fn with_media(mut t: Topology) -> Topology {
    for s in &mut t.servers {
        s.library.media = Some(clip());
        s.library.played_threshold = 80;
    }
    t
}

struct Session {
    fp: FakePlex,
    core: Core,
    source_id: reel_core::SourceId,
    _dir: tempfile::TempDir,
}

async fn session(t: Topology) -> Session {
    let fp = FakePlex::start(with_media(t)).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core =
        Core::open(core_options(&fp, dir.path(), reel_core::services::secrets::SecretStore::in_memory())).unwrap();
    let account = core.sign_in_with_token(reel_core::Token::new(fp.info().account_token.clone())).await.unwrap();
    let found = core.discover(account.id(), true).await.unwrap();
    let source_id = found.sources[0].id.clone();
    Session { fp, core, source_id, _dir: dir }
}

impl Session {
    /// The first episode of the first show, as the library lists it.
    async fn episode(&self) -> reel_core::models::MediaItem {
        self.episode_and_season().await.0
    }

    /// The first episode and its season's key (the season's episodes are
    /// then in the library cache).
    async fn episode_and_season(&self) -> (reel_core::models::MediaItem, reel_core::ItemKey) {
        let sections = self.core.fetch_sections(&self.source_id).await.unwrap();
        let shows = sections.iter().find(|s| s.kind == reel_core::models::SectionKind::Show).unwrap();
        let show = self.core.fetch_items(&self.source_id, &shows.key, 0, Some(1)).await.unwrap().remove(0);
        let season = self.core.fetch_children(&self.source_id, &show.rating_key).await.unwrap().remove(0);
        let ep = self.core.fetch_children(&self.source_id, &season.rating_key).await.unwrap().remove(0);
        assert_eq!(ep.kind, ItemKind::Episode);
        (ep, season.rating_key)
    }

    /// Stops (or restarts) every connection of the server, and waits until
    /// a restarted port listens again.
    async fn server_reachable(&self, up: bool) {
        let b = if up { Behaviour::Ok } else { Behaviour::Refuse };
        for i in 0..2 {
            self.fp.set_behaviour("Den", Some(i), b.clone());
        }
        // fake-plex opens and closes the ports in its own task: wait for it.
        self.fp.until_listening("Den", None, up).await;
    }

    fn timelines(&self) -> Vec<(String, String, Option<String>)> {
        self.fp
            .requests()
            .into_iter()
            .filter(|r| r.path == "/:/timeline")
            .map(|r| {
                let get = |k: &str| {
                    r.query.split('&').find_map(|p| p.strip_prefix(&format!("{k}="))).unwrap_or("").to_string()
                };
                (get("state"), get("time"), r.session.clone())
            })
            .collect()
    }
}

fn two_ways(local: Behaviour) -> Topology {
    topology(vec![server(
        "Den",
        true,
        vec![conn(true, false, Protocol::Http, local), conn(false, false, Protocol::Https, Behaviour::Delay(15))],
    )])
}

#[tokio::test(flavor = "multi_thread")]
async fn a_decodable_part_is_played_as_it_is_from_a_verified_connection_with_the_token_in_a_header() {
    let s = session(two_ways(Behaviour::Ok)).await;
    let ep = s.episode().await;
    let plan = s.core.prepare_playback(&s.source_id, &ep.rating_key, &PLAYER, 0).await.unwrap();
    assert_eq!(plan.decision, Decision::DirectPlay);
    assert!(plan.transcode.is_none());
    assert!((plan.threshold - 0.8).abs() < 1e-9, "the server's own threshold: {}", plan.threshold);
    // What the server said about the file.
    let (_, media, part) = plan.playable.first_part().unwrap();
    assert_eq!((media.container.as_deref(), media.video_codec.as_deref()), (Some("mkv"), Some("vp8")));
    let audio: Vec<_> = part.streams.iter().filter(|s| s.kind == StreamKind::Audio).collect();
    assert_eq!(audio.len(), 2);
    assert_eq!(audio[1].language_code.as_deref(), Some("deu"));
    assert_eq!(plan.playable.markers.len(), 2);
    assert_eq!(plan.playable.markers[0].kind, MarkerKind::Intro);
    assert!(plan.playable.markers[1].is_final);
    assert_eq!(plan.playable.marker_at(3_000).map(|m| m.kind), Some(MarkerKind::Intro));
    assert_eq!(plan.playable.marker_at(7_000), None);

    // The URL is the local connection's, holds no secret, and the token
    // (the server's own) fetches the real bytes, range by range.
    let url = plan.location.url.clone();
    assert!(url.as_str().starts_with(&s.fp.info().servers[0].connections[0].uri), "{url}");
    let token = plan.location.token.expose().to_string();
    assert!(!url.as_str().contains(&token));
    assert!(!format!("{plan:?}").contains(&token), "a plan's Debug shows no token");
    let http = reqwest::Client::new();
    let resp = http.get(url.clone()).header("X-Plex-Token", &token).header("Range", "bytes=0-99").send().await.unwrap();
    assert_eq!(resp.status(), 206);
    let file = std::fs::read(&clip().file).unwrap();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), &file[..100]);
    let without = http.get(url).send().await.unwrap();
    assert_eq!(without.status(), 401, "the part needs the token");
}

#[tokio::test(flavor = "multi_thread")]
async fn what_the_player_cannot_decode_is_named_and_left_to_the_transcoder() {
    let mut t = two_ways(Behaviour::Ok);
    t.servers[0].library.transcoder_throttle_buffer = 5;
    let s = session(t).await;
    let ep = s.episode().await;
    let plan =
        s.core.prepare_playback(&s.source_id, &ep.rating_key, &Decodes(&["mkv", "vorbis"]), 2_000).await.unwrap();
    assert_eq!(plan.decision, Decision::Transcode(TranscodeReason::Unsupported(vec![Format::Video("vp8".into())])));
    assert!(plan.location.url.path().ends_with("start.m3u8"));
    assert_eq!((plan.stream_offset_ms(), plan.transcoder_ahead_ms), (2_000, 5_000), "the offset, the server's buffer");
    let asked = |fp: &FakePlex| -> Vec<_> {
        fp.requests().into_iter().filter(|r| r.path.contains("/transcode/universal/")).collect()
    };
    let first = asked(&s.fp);
    assert!(first[0].path.ends_with("/decision"), "{first:?}");
    assert!(first[0].query.contains("offset=2.000") && first[0].query.contains("protocol=hls"), "{:?}", first[0]);

    // Within what the server made, a seek is the player's; before the
    // stream's start or beyond the server's buffer, a new session from there.
    assert!(!plan.seek_needs_new_transcode(3_000, 6_000));
    assert!(plan.seek_needs_new_transcode(3_000, 1_000), "before the stream starts");
    assert!(plan.seek_needs_new_transcode(3_000, 9_000), "beyond the transcoder's 5 s");
    s.fp.clear_requests();
    let moved = s.core.transcode_from(&plan, 9_000).await.unwrap();
    assert_eq!(moved.stream_offset_ms(), 9_000);
    assert_eq!(moved.session, plan.session, "the same playback for the server's timelines");
    let (old, new) = (plan.transcode.as_ref().unwrap(), moved.transcode.as_ref().unwrap());
    assert_ne!(old.session, new.session);
    let then: Vec<(String, String)> = asked(&s.fp).into_iter().map(|r| (r.path, r.query)).collect();
    assert!(
        then[0].0.ends_with("/stop") && then[0].1.contains(&old.session),
        "the old session first stopped: {then:?}"
    );
    let decision = then.iter().find(|(p, _)| p.ends_with("/decision")).expect("the server asked again");
    // What the player is sent to: the new session, from the seek's target.
    let start = moved.location.url.query().unwrap_or("").to_string();
    assert!(moved.location.url.path().ends_with("start.m3u8"));
    for q in [&decision.1, &start] {
        assert!(q.contains("offset=9.000") && q.contains(&format!("session={}", new.session)), "{q}");
        assert!(q.contains(&format!("X-Plex-Session-Identifier={}", plan.session)), "{q}");
    }
    // The new session's playlist is there for the player, the old one's segments are not.
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(s.fp.ca_pem().as_bytes()).unwrap())
        .build()
        .unwrap();
    let playlist = http
        .get(moved.location.url.clone())
        .header("X-Plex-Token", moved.location.token.expose())
        .send()
        .await
        .unwrap();
    assert_eq!(playlist.status(), 200);
    let text = playlist.text().await.unwrap();
    assert!(text.contains(&format!("session/{}/", new.session)) && text.contains("#EXTINF:3.0"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn timelines_go_in_order_and_the_item_counts_as_watched_past_the_threshold() {
    let s = session(two_ways(Behaviour::Ok)).await;
    let (ep, season) = s.episode_and_season().await;
    let plan = s.core.prepare_playback(&s.source_id, &ep.rating_key, &PLAYER, 0).await.unwrap();
    let duration = plan.playable.duration_ms().unwrap() as u64;
    assert_eq!(duration, 12_000, "the item is as long as its file");
    let mut r = Reporter::new(ep.rating_key.as_str(), duration, &plan.session, plan.threshold, false);
    s.core.fetch_hubs(&s.source_id).await.unwrap();
    let continuing = |hubs: Vec<reel_core::models::Hub>| -> Vec<(String, i64)> {
        hubs.into_iter()
            .filter(|h| h.id == "home.continue")
            .flat_map(|h| h.items)
            .map(|i| (i.rating_key.to_string(), i.view_offset_ms))
            .collect()
    };
    let mut item = ep.clone();
    let secs = Duration::from_secs;
    for (state, at, now) in [
        (PlayState::Buffering, 0, secs(0)),
        (PlayState::Playing, 0, secs(1)),
        (PlayState::Playing, 5_000, secs(6)),
        (PlayState::Paused, 6_000, secs(7)),
        (PlayState::Playing, 6_000, secs(9)),
    ] {
        let (now_item, delivery) = s.core.report_playback(&s.source_id, &item, r.update(state, at, now)).await.unwrap();
        assert_eq!(delivery, Delivery::Sent);
        item = now_item;
    }
    assert_eq!(item.view_offset_ms, 6_000, "the progress is kept at once");
    assert!(!item.watched(), "not at the start, not at half");
    let cached = s.core.saved_children(&s.source_id, &season).await.unwrap();
    assert_eq!(cached.iter().find(|i| i.rating_key == ep.rating_key).unwrap().view_offset_ms, 6_000);
    let home = continuing(s.core.saved_hubs(&s.source_id).await.unwrap());
    assert!(home.contains(&(ep.rating_key.to_string(), 6_000)), "Continue Watching has it at once: {home:?}");

    let (item, _) =
        s.core.report_playback(&s.source_id, &item, r.update(PlayState::Playing, 9_700, secs(20))).await.unwrap();
    assert!(item.watched(), "past 80 %");
    let home = continuing(s.core.saved_hubs(&s.source_id).await.unwrap());
    assert!(!home.iter().any(|(k, _)| ep.rating_key == *k), "finished: gone from Continue Watching");
    let t = s.timelines();
    let states: Vec<_> = t.iter().map(|(st, time, _)| format!("{st}@{time}")).collect();
    assert_eq!(states, ["buffering@0", "playing@0", "paused@6000", "playing@6000", "playing@9700"]);
    assert!(t.iter().all(|(_, _, session)| session.as_deref() == Some(plan.session.as_str())), "{t:?}");
    let scrobbles = s.fp.requests().into_iter().filter(|r| r.path == "/:/scrobble").count();
    assert_eq!(scrobbles, 1);
    let on_server = s.core.fetch_children(&s.source_id, &season).await.unwrap();
    assert!(on_server.iter().find(|i| i.rating_key == ep.rating_key).unwrap().watched(), "the server has it");
}

#[tokio::test(flavor = "multi_thread")]
async fn reports_reach_the_server_in_the_order_they_were_made_whatever_runs_first() {
    let s = session(two_ways(Behaviour::Ok)).await;
    let ep = s.episode().await;
    let plan = s.core.prepare_playback(&s.source_id, &ep.rating_key, &PLAYER, 0).await.unwrap();
    let mut r = Reporter::new(ep.rating_key.as_str(), 12_000, &plan.session, plan.threshold, false);
    let secs = Duration::from_secs;
    // The player buffers after a seek, then plays on: two reports, each
    // sent by a task of its own (as the app does), the later one run first.
    let buffering = s.core.report_playback(&s.source_id, &ep, r.update(PlayState::Buffering, 5_000, secs(0)));
    let playing = s.core.report_playback(&s.source_id, &ep, r.update(PlayState::Playing, 5_000, secs(1)));
    let playing = tokio::spawn(playing);
    // Given a second to run alone: out of line, it reaches the server now.
    let alone = async {
        while s.timelines().is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let _ = tokio::time::timeout(secs(1), alone).await;
    let buffering = tokio::spawn(buffering);
    playing.await.unwrap().unwrap();
    buffering.await.unwrap().unwrap();
    let states: Vec<_> = s.timelines().into_iter().map(|(st, _, _)| st).collect();
    assert_eq!(states, ["buffering", "playing"], "the server is left hearing the player plays");
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_the_timelines_and_the_watched_mark_wait_and_go_in_order_once() {
    let s = session(two_ways(Behaviour::Ok)).await;
    let ep = s.episode().await;
    let plan = s.core.prepare_playback(&s.source_id, &ep.rating_key, &PLAYER, 0).await.unwrap();
    let mut r = Reporter::new(ep.rating_key.as_str(), 12_000, &plan.session, plan.threshold, false);
    let secs = Duration::from_secs;
    s.core.report_playback(&s.source_id, &ep, r.update(PlayState::Playing, 0, secs(0))).await.unwrap();
    s.server_reachable(false).await;
    let (item, delivery) =
        s.core.report_playback(&s.source_id, &ep, r.update(PlayState::Playing, 10_000, secs(10))).await.unwrap();
    assert_eq!(delivery, Delivery::Queued);
    assert!(item.watched(), "marked at once in the app, whatever the network");
    let (_, delivery) =
        s.core.report_playback(&s.source_id, &item, r.update(PlayState::Stopped, 11_000, secs(11))).await.unwrap();
    assert_eq!(delivery, Delivery::Queued);
    assert_eq!(s.core.queued_changes(&s.source_id).await, 2, "the two timelines coalesce, the scrobble stays");
    s.server_reachable(true).await;
    // Anything through the core moves the outbox once the server answers.
    fake_plex::testing::wait_for_async(
        "the outbox to drain",
        Duration::from_secs(20),
        || async {
            let _ = s.core.fetch_sections(&s.source_id).await;
            s.core.queued_changes(&s.source_id).await
        },
        |queued| *queued == 0,
    )
    .await;
    let sent: Vec<String> =
        s.fp.requests()
            .into_iter()
            .filter(|r| r.path == "/:/timeline" || r.path == "/:/scrobble")
            .map(|r| {
                if r.path == "/:/scrobble" {
                    "scrobble".into()
                } else {
                    r.query.split('&').find(|p| p.starts_with("state=")).unwrap().to_string()
                }
            })
            .collect();
    assert_eq!(sent, ["state=playing", "scrobble", "state=stopped"], "in order, none twice");
}

#[tokio::test(flavor = "multi_thread")]
async fn up_next_is_the_next_episode_then_the_next_season() {
    let s = session(two_ways(Behaviour::Ok)).await;
    let (ep, season) = s.episode_and_season().await;
    let episodes = s.core.fetch_children(&s.source_id, &season).await.unwrap();
    let next = s.core.next_episode(&s.source_id, &ep).await.unwrap().expect("a next episode");
    assert_eq!(next.rating_key, episodes[1].rating_key);
    // The season's last episode: the next season's first.
    let last = episodes.last().unwrap();
    let show = last.grandparent_key.clone().expect("the show's key");
    let seasons = s.core.fetch_children(&s.source_id, &show).await.unwrap();
    let second = s.core.fetch_children(&s.source_id, &seasons[1].rating_key).await.unwrap();
    let after = s.core.next_episode(&s.source_id, last).await.unwrap().expect("the next season");
    assert_eq!(after.rating_key, second[0].rating_key);
    // The show's very last episode: nothing; a movie: nothing.
    let very_last = seasons.last().map(|x| x.rating_key.clone()).unwrap();
    let final_ep = s.core.fetch_children(&s.source_id, &very_last).await.unwrap().pop().unwrap();
    assert_eq!(s.core.next_episode(&s.source_id, &final_ep).await.unwrap(), None);
    // Offline, from what was saved.
    s.server_reachable(false).await;
    let offline = s.core.next_episode(&s.source_id, &ep).await.unwrap();
    assert_eq!(offline.map(|n| n.rating_key), Some(episodes[1].rating_key.clone()));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stream_whose_connection_died_resumes_on_the_one_failover_picks() {
    let s = session(two_ways(Behaviour::Ok)).await;
    let ep = s.episode().await;
    let plan = s.core.prepare_playback(&s.source_id, &ep.rating_key, &PLAYER, 0).await.unwrap();
    let local = s.fp.info().servers[0].connections[0].uri.clone();
    let remote = s.fp.info().servers[0].connections[1].uri.clone();
    assert!(plan.location.url.as_str().starts_with(&local));
    s.fp.set_behaviour("Den", Some(0), Behaviour::Refuse);
    // fake-plex closes the port in its own task: wait until it is closed.
    s.fp.until_listening("Den", Some(0), false).await;
    let moved = s.core.media_location(&plan).await.unwrap();
    let seen: Vec<_> = s.fp.requests().into_iter().map(|r| format!("{} {}", r.listener, r.path)).collect();
    assert!(moved.url.as_str().starts_with(&remote), "{} {seen:?}", moved.url);
    assert_eq!(moved.url.path(), plan.location.url.path(), "the same file");
}

#[tokio::test(flavor = "multi_thread")]
async fn no_media_url_or_token_for_a_server_no_connection_of_which_proves_itself() {
    let t = topology(vec![server(
        "Den",
        true,
        vec![
            conn(true, false, Protocol::Http, Behaviour::WrongIdentity),
            conn(false, false, Protocol::Https, Behaviour::Refuse),
        ],
    )]);
    let s = session(t).await;
    let err = s.core.prepare_playback(&s.source_id, &"1000".into(), &PLAYER, 0).await.unwrap_err();
    assert!(err.is_offline(), "{err:?}");
    let token = s.fp.info().servers[0].access_token.clone();
    let leaked: Vec<_> =
        s.fp.requests().into_iter().filter(|r| r.listener != "plextv" && r.token.is_some()).map(|r| r.path).collect();
    assert!(leaked.is_empty(), "{leaked:?} (token {})", &token[..4]);
}

#[test]
fn the_action_shape_in_old_outboxes_still_reads() {
    let old = r#"{"action":"timeline","rating_key":"1","state":"paused","time_ms":5,"duration_ms":9}"#;
    let a: ServerAction = serde_json::from_str(old).unwrap();
    assert!(matches!(a, ServerAction::Timeline { session: None, .. }));
}
