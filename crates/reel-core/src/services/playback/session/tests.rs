//! The session driven by a scripted engine and scripted core answers: every
//! transition the GUI tests rely on, each in a few microseconds.

use super::scripted::{source, Clocked};
use super::*;
use crate::error::Error;
use crate::models::ServerAction;
use crate::models::{Marker, MediaPart, MediaStream, MediaVersion, Playable};
use crate::services::playback::{TranscodeReason, TranscodeRequest};

const MINUTE: u64 = 60_000;


fn episode(key: &str, title: &str) -> MediaItem {
    MediaItem {
        duration_ms: Some(30 * MINUTE as i64),
        grandparent_title: Some("The Quiet Signal".into()),
        thumb: Some(format!("/library/metadata/{key}/thumb")),
        ..MediaItem::new(key, ItemKind::Episode, title)
    }
}

fn stream(id: i64, kind: StreamKind, index: Option<i64>, selected: bool, key: Option<&str>) -> MediaStream {
    MediaStream {
        id,
        kind,
        codec: Some(if key.is_some() { "srt".into() } else { "aac".into() }),
        language_code: None,
        title: None,
        selected,
        index,
        key: key.map(str::to_string),
    }
}

fn location(host: &str, path: &str) -> MediaLocation {
    MediaLocation {
        url: url::Url::parse(&format!("http://{host}{path}")).unwrap(),
        token: crate::Token::new("scripted-token"),
        trust_anchors: None,
    }
}

/// A plan as the core makes it: direct play from 127.0.0.1:32400, credits
/// in the last tenth, the server's 90 % threshold.
fn plan(item: &MediaItem, streams: Vec<MediaStream>) -> PlaybackPlan {
    let duration = item.duration_ms.unwrap_or(0);
    PlaybackPlan {
        source_id: source().id,
        playable: Playable {
            item: item.clone(),
            media: vec![MediaVersion {
                id: 1,
                container: Some("mkv".into()),
                video_codec: Some("h264".into()),
                audio_codec: Some("aac".into()),
                duration_ms: Some(duration),
                width: None,
                height: None,
                parts: vec![MediaPart {
                    id: 10,
                    key: format!("/library/parts/{}/1/file.mkv", item.rating_key),
                    container: Some("mkv".into()),
                    duration_ms: Some(duration),
                    size: None,
                    streams,
                }],
            }],
            markers: vec![
                Marker { kind: MarkerKind::Intro, start_ms: 2_000, end_ms: 60_000, is_final: false },
                Marker {
                    kind: MarkerKind::Credits,
                    start_ms: duration - duration / 10,
                    end_ms: duration,
                    is_final: true,
                },
            ],
        },
        decision: Decision::DirectPlay,
        location: location("127.0.0.1:32400", &format!("/library/parts/{}/1/file.mkv", item.rating_key)),
        session: format!("session-{}", item.rating_key),
        threshold: 0.9,
        transcoder_ahead_ms: 60_000,
        transcode: None,
    }
}

fn transcoded(mut plan: PlaybackPlan, offset_ms: u64) -> PlaybackPlan {
    plan.decision = Decision::Transcode(TranscodeReason::Unsupported(Vec::new()));
    plan.transcode = Some(TranscodeRequest {
        rating_key: plan.playable.item.rating_key.to_string(),
        media_index: 0,
        part_index: 0,
        offset_ms,
        session: format!("t-{offset_ms}"),
        playback_session: plan.session.clone(),
        burn_subtitles: false,
        subtitle_stream: None,
    });
    plan.location = location("127.0.0.1:32400", "/video/:/transcode/universal/start.m3u8");
    plan
}

/// A scripted engine: it plays at the clock's pace from where it was told,
/// and says only what the test makes it say.
struct Script {
    session: PlaybackSession,
    now: Duration,
    engine: Clocked,
    effects: Vec<Effect>,
}

impl Script {
    fn new() -> Self {
        Script { session: PlaybackSession::new(), now: Duration::ZERO, engine: Clocked::default(), effects: Vec::new() }
    }

    fn engine_position(&self) -> Option<u64> {
        self.engine.position(self.now)
    }

    /// Feeds an input; the engine obeys what the session asks of it.
    fn feed(&mut self, input: Input) -> Vec<Effect> {
        let moment = Moment { now: self.now, engine_position_ms: self.engine_position() };
        let out = self.session.handle(input, moment);
        for e in &out {
            if let Effect::Engine(c) = e {
                self.engine.obey(c, self.now);
            }
        }
        self.effects.extend(out.clone());
        out
    }

    fn intent(&mut self, i: Intent) -> Vec<Effect> {
        self.feed(Input::Intent(i))
    }

    fn engine_says(&mut self, e: EngineEvent) -> Vec<Effect> {
        if let EngineEvent::State(s) = &e {
            self.engine.now_in(*s, self.now);
        }
        self.feed(Input::Engine(e))
    }

    fn answer(&mut self, answer: Answer) -> Vec<Effect> {
        let generation = self.session.generation();
        self.feed(Input::Answer { generation, answer })
    }

    /// Time passes, with a tick every 250 ms as the app's.
    fn pass(&mut self, ms: u64) {
        let end = self.now + Duration::from_millis(ms);
        while self.now < end {
            self.now = (self.now + Duration::from_millis(250)).min(end);
            self.feed(Input::Tick);
        }
    }

    /// Play → prepared → opened → playing.
    fn play(&mut self, item: &MediaItem, start_ms: u64, then: Vec<MediaItem>) {
        self.intent(Intent::Play { source: source(), item: item.clone(), start_ms, then });
        self.answer(Answer::Prepared(Ok(plan(item, Vec::new()))));
        self.engine_says(EngineEvent::State(EngineState::Playing));
    }

    /// The engine plays to the media's end and says so.
    fn reach_end(&mut self) -> Vec<Effect> {
        let end = self.view().duration_ms;
        self.engine.at(end, self.now);
        self.feed(Input::Engine(EngineEvent::Ended))
    }

    fn view(&self) -> View {
        self.session.view().expect("something is loaded")
    }

    fn take(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }
}

fn timelines(effects: &[Effect]) -> Vec<(String, String, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Report { actions, .. } => Some(actions.clone()),
            _ => None,
        })
        .flatten()
        .map(|a| match a {
            ServerAction::Timeline { rating_key, state, time_ms, .. } => (rating_key, state, time_ms),
            ServerAction::Scrobble { rating_key } => (rating_key, "scrobble".into(), 0),
            ServerAction::Unscrobble { rating_key } => (rating_key, "unscrobble".into(), 0),
        })
        .collect()
}

fn calls(effects: &[Effect]) -> Vec<&CoreCall> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Call { call, .. } => Some(call),
            _ => None,
        })
        .collect()
}

#[test]
fn what_plays_is_shown_from_play_on_and_the_server_hears_it_open_and_play() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    let out = s.intent(Intent::Play { source: source(), item: ep.clone(), start_ms: 0, then: Vec::new() });
    assert!(matches!(calls(&out)[..], [CoreCall::Prepare { transcode: false, start_ms: 0, .. }]), "{out:?}");
    // Before the server has answered, the item is what the shell shows.
    let v = s.view();
    assert_eq!((v.item.title.as_str(), v.status, v.busy), ("Lantern 1", Status::Opening, true));
    let out = s.answer(Answer::Prepared(Ok(plan(&ep, Vec::new()))));
    assert!(matches!(out.first(), Some(Effect::Show)), "the page shows once the media opens: {out:?}");
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Load { start_ms: 0, .. }))));
    assert!(matches!(calls(&out)[..], [CoreCall::FindNext { .. }]), "an episode asks what follows it");
    s.engine_says(EngineEvent::State(EngineState::Playing));
    assert_eq!(s.view().status, Status::Playing);
    s.pass(12_000);
    let t = timelines(&s.take());
    let states: Vec<&str> = t.iter().map(|(_, s, _)| s.as_str()).collect();
    assert_eq!(states, ["buffering", "playing", "playing"], "{t:?}");
    assert!(t[2].2 >= 10_000, "every 10 s while playing: {t:?}");
}

#[test]
fn an_automatic_move_to_the_next_episode_never_shows_nothing_in_between() {
    let mut s = Script::new();
    let (ep1, ep2) = (episode("101", "Lantern 1"), episode("102", "Signal 2"));
    s.play(&ep1, 29 * MINUTE, Vec::new());
    s.answer(Answer::NextKnown(Some(ep2.clone())));
    let first = s.view().generation;
    let out = s.reach_end();
    // The first one counted as watched and stopped at its end …
    let t = timelines(&s.take());
    assert!(t.contains(&("101".into(), "scrobble".into(), 0)), "{t:?}");
    assert!(timelines(&out).contains(&("101".into(), "stopped".into(), 30 * MINUTE)), "{out:?}");
    // … and from that very moment the next one is what is shown and told,
    // before the server has even said how to play it.
    let v = s.view();
    assert_eq!((v.item.title.as_str(), v.status), ("Signal 2", Status::Opening));
    assert_ne!(v.generation, first);
    assert!(matches!(calls(&out)[..], [CoreCall::Prepare { .. }]), "{out:?}");
    assert!(!out.iter().any(|e| matches!(e, Effect::Ended)), "the player is not left: {out:?}");
    // An answer meant for the first playback changes nothing now.
    s.feed(Input::Answer { generation: first, answer: Answer::Prepared(Ok(plan(&ep1, Vec::new()))) });
    assert_eq!(s.view().item.title, "Signal 2");
    s.answer(Answer::Prepared(Ok(plan(&ep2, Vec::new()))));
    s.engine_says(EngineEvent::State(EngineState::Playing));
    assert_eq!((s.view().item.title.as_str(), s.view().status), ("Signal 2", Status::Playing));
}

#[test]
fn up_next_counts_down_only_while_playing_and_then_plays_the_next_episode() {
    let mut s = Script::new();
    let (ep1, ep2) = (episode("101", "Lantern 1"), episode("102", "Signal 2"));
    s.play(&ep1, 0, Vec::new());
    s.answer(Answer::NextKnown(Some(ep2.clone())));
    s.pass(1_000);
    assert!(s.view().up_next.is_none(), "not before the final credits");
    // Paused in the final credits: Up Next shows and waits.
    s.engine_says(EngineEvent::State(EngineState::Paused));
    s.intent(Intent::SeekTo { ms: 28 * MINUTE, exact: true });
    s.pass(60_000);
    let up = s.view().up_next.expect("Up Next in the final credits");
    assert_eq!((up.item.title.as_str(), up.seconds_left), ("Signal 2", 10));
    assert_eq!(s.view().item.title, "Lantern 1", "paused, nothing moves on");
    // Playing, it counts down, and the next episode plays at zero.
    s.intent(Intent::TogglePlay);
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.pass(4_000);
    assert_eq!(s.view().up_next.map(|u| u.seconds_left), Some(6));
    s.pass(6_000);
    assert_eq!((s.view().item.title.as_str(), s.view().status), ("Signal 2", Status::Opening));
}

#[test]
fn up_next_cancelled_stays_away_and_the_end_leaves_the_player() {
    let mut s = Script::new();
    let (ep1, ep2) = (episode("101", "Lantern 1"), episode("102", "Signal 2"));
    s.play(&ep1, 28 * MINUTE, Vec::new());
    s.answer(Answer::NextKnown(Some(ep2)));
    s.pass(500);
    assert!(s.view().up_next.is_some());
    s.intent(Intent::CancelUpNext);
    s.pass(500);
    assert!(s.view().up_next.is_none());
    let out = s.reach_end();
    assert!(matches!(out.last(), Some(Effect::Ended)), "{out:?}");
    assert!(s.session.view().is_none());
}

#[test]
fn a_lists_entries_play_one_after_another_without_asking_the_server() {
    let mut s = Script::new();
    let (a, b, c) = (episode("201", "A"), episode("202", "B"), episode("203", "C"));
    let a = MediaItem { kind: ItemKind::Movie, ..a };
    s.intent(Intent::Play { source: source(), item: a.clone(), start_ms: 0, then: vec![b.clone(), c.clone()] });
    let out = s.answer(Answer::Prepared(Ok(plan(&a, Vec::new()))));
    assert!(!calls(&out).iter().any(|c| matches!(c, CoreCall::FindNext { .. })), "{out:?}");
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.reach_end();
    assert_eq!(s.view().item.title, "B");
    s.answer(Answer::Prepared(Ok(plan(&b, Vec::new()))));
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.reach_end();
    assert_eq!(s.view().item.title, "C", "the list goes on in order");
}

#[test]
fn a_file_cut_short_is_a_fault_not_watched_and_nothing_plays_next() {
    let mut s = Script::new();
    let (ep1, ep2) = (episode("101", "Lantern 1"), episode("102", "Signal 2"));
    s.play(&ep1, 0, Vec::new());
    s.answer(Answer::NextKnown(Some(ep2)));
    s.pass(5_000);
    s.take();
    let out = s.engine_says(EngineEvent::Ended);
    let v = s.view();
    assert_eq!(v.item.title, "Lantern 1");
    assert!(
        matches!(v.failure, Some(Fault::EndedEarly { at_ms, duration_ms }) if at_ms < 6_000 && duration_ms == 30 * MINUTE)
    );
    assert_eq!(v.status, Status::Stopped);
    let t = timelines(&out);
    assert!(!t.iter().any(|(_, s, _)| s == "scrobble"), "{t:?}");
    assert!(t.iter().any(|(_, s, at)| s == "stopped" && *at < 6_000), "{t:?}");
}

#[test]
fn a_dead_connection_goes_on_from_the_same_place_on_the_failovers_choice() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.play(&ep, 0, Vec::new());
    s.pass(7_000);
    s.take();
    let out = s.engine_says(EngineEvent::Error(EngineError::Network("reset".into())));
    assert!(matches!(calls(&out)[..], [CoreCall::Relocate { at_ms: 7_000, .. }]), "{out:?}");
    assert_eq!(timelines(&out).iter().map(|t| t.1.as_str()).collect::<Vec<_>>(), ["buffering"]);
    assert!(s.view().busy);
    let out = s.answer(Answer::Relocated { result: Ok(location("127.0.0.2:32400", "/p")), at_ms: 7_000 });
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Load { start_ms: 7_000, .. }))));
    assert!(out.iter().any(|e| matches!(e, Effect::ConnectionChanged)), "another connection is news");
    // The same connection again is not; after two tries in a row, it is a fault.
    s.engine_says(EngineEvent::Error(EngineError::Http(503)));
    let out = s.answer(Answer::Relocated { result: Ok(location("127.0.0.2:32400", "/p")), at_ms: 7_000 });
    assert!(!out.iter().any(|e| matches!(e, Effect::ConnectionChanged)));
    s.engine_says(EngineEvent::Error(EngineError::Network("reset".into())));
    assert!(matches!(s.view().failure, Some(Fault::Engine { error: EngineError::Network(_), .. })));
}

#[test]
fn a_server_that_sends_a_little_and_stops_each_time_is_a_fault_not_a_loop() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.play(&ep, 0, Vec::new());
    s.pass(3_000);
    for _ in 0..course::RECOVER_TRIES {
        // Each time: gone on elsewhere, played a moment, stalled again.
        s.engine_says(EngineEvent::Error(EngineError::Network("timed out".into())));
        assert!(s.view().failure.is_none());
        s.answer(Answer::Relocated { result: Ok(location("127.0.0.2:32400", "/p")), at_ms: 3_000 });
        s.engine_says(EngineEvent::State(EngineState::Playing));
        s.pass(2_000);
    }
    s.engine_says(EngineEvent::Error(EngineError::Network("timed out".into())));
    assert!(matches!(s.view().failure, Some(Fault::Engine { error: EngineError::Network(_), .. })), "{:?}", s.view());
    // Played on well past the last recovery, the tries count afresh.
    let mut s = Script::new();
    s.play(&ep, 0, Vec::new());
    for _ in 0..course::RECOVER_TRIES + 1 {
        s.engine_says(EngineEvent::Error(EngineError::Network("reset".into())));
        let at_ms = s.view().position_ms;
        s.answer(Answer::Relocated { result: Ok(location("127.0.0.2:32400", "/p")), at_ms });
        s.engine_says(EngineEvent::State(EngineState::Playing));
        s.pass(12_000);
    }
    assert!(s.view().failure.is_none(), "{:?}", s.view().failure);
}

#[test]
fn a_playback_that_stands_still_without_a_word_goes_on_from_there_then_is_said() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.play(&ep, 0, Vec::new());
    s.pass(6_000);
    // The engine still says it plays, but its position stays at 6 s.
    s.engine.at(6_000, s.now);
    s.take();
    s.pass(course::STUCK_AFTER.as_millis() as u64 - 1_000);
    assert!(calls(&s.take()).is_empty(), "a moment standing still is not a fault");
    s.pass(1_500);
    let out = s.take();
    assert!(matches!(calls(&out)[..], [CoreCall::Relocate { at_ms: 6_000, .. }]), "{out:?}");
    // Paused or buffering, standing still is what it should do.
    let mut s = Script::new();
    s.play(&ep, 0, Vec::new());
    s.intent(Intent::TogglePlay);
    s.engine_says(EngineEvent::State(EngineState::Paused));
    s.pass(2 * course::STUCK_AFTER.as_millis() as u64);
    s.intent(Intent::TogglePlay);
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.engine_says(EngineEvent::Buffering(10));
    s.engine.at(s.view().position_ms, s.now);
    s.pass(2 * course::STUCK_AFTER.as_millis() as u64);
    assert!(calls(&s.take()).iter().all(|c| !matches!(c, CoreCall::Relocate { .. })), "waited while buffering");
    // Each time it goes on and stands still again: after the tries, said.
    let mut s = Script::new();
    s.play(&ep, 0, Vec::new());
    for _ in 0..=course::RECOVER_TRIES {
        s.pass(2_000);
        s.engine.at(s.view().position_ms, s.now);
        s.pass(course::STUCK_AFTER.as_millis() as u64 + 500);
        if s.view().failure.is_none() {
            let at_ms = s.view().position_ms;
            s.answer(Answer::Relocated { result: Ok(location("127.0.0.2:32400", "/p")), at_ms });
            s.engine_says(EngineEvent::State(EngineState::Playing));
        }
    }
    assert!(matches!(s.view().failure, Some(Fault::Engine { error: EngineError::Network(_), .. })), "{:?}", s.view());
}

#[test]
fn the_server_gone_altogether_is_said_and_the_server_hears_it_stopped() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.play(&ep, 0, Vec::new());
    s.pass(3_000);
    s.engine_says(EngineEvent::Error(EngineError::Network("refused".into())));
    let gone = Error::NoConnection { server: "Living Room".into() };
    let out = s.answer(Answer::Relocated { result: Err(gone.clone()), at_ms: 3_000 });
    assert_eq!(s.view().failure, Some(Fault::Relocate(gone)));
    assert!(timelines(&out).iter().any(|(_, st, at)| st == "stopped" && *at == 3_000), "{out:?}");
}

#[test]
fn a_file_this_machine_cannot_decode_offers_the_transcoder_from_where_it_was() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.play(&ep, 0, Vec::new());
    s.pass(2_000);
    s.engine_says(EngineEvent::Error(EngineError::Decode("broken".into())));
    assert!(matches!(s.view().failure, Some(Fault::Engine { offer_transcode: true, .. })));
    let out = s.intent(Intent::PlayTranscoded);
    assert!(matches!(calls(&out)[..], [CoreCall::Prepare { transcode: true, start_ms: 2_000, .. }]), "{out:?}");
    assert!(s.view().failure.is_none());
}

#[test]
fn a_seek_beyond_what_the_transcoder_made_restarts_it_there_and_stays_paused() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.intent(Intent::Play { source: source(), item: ep.clone(), start_ms: 0, then: Vec::new() });
    s.answer(Answer::Prepared(Ok(transcoded(plan(&ep, Vec::new()), 0))));
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.pass(1_000);
    // Near: a plain seek in the stream.
    let out = s.intent(Intent::SeekTo { ms: 20_000, exact: true });
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Seek { ms: 20_000, exact: true }))));
    s.engine_says(EngineEvent::State(EngineState::Paused));
    // Far: a new transcode from there, the old one stopped, still paused.
    let out = s.intent(Intent::SeekTo { ms: 20 * MINUTE, exact: true });
    assert!(matches!(calls(&out)[..], [CoreCall::Retranscode { at_ms, .. }] if *at_ms == 20 * MINUTE), "{out:?}");
    assert!(out.iter().any(|e| matches!(e, Effect::Seeked(ms) if *ms == 20 * MINUTE)));
    let out = s.answer(Answer::Retranscoded(Ok(transcoded(plan(&ep, Vec::new()), 20 * MINUTE))));
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Load { start_ms: 0, .. }))));
    assert!(matches!(out.last(), Some(Effect::Engine(EngineCommand::Pause))), "{out:?}");
    // Positions count from the new stream's start.
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.pass(1_000);
    assert_eq!(s.view().position_ms, 20 * MINUTE + 1_000);
    // Left: the transcode session ends with the playback.
    let out = s.intent(Intent::Leave);
    assert!(out.iter().any(|e| matches!(e, Effect::StopTranscode(_))));
    assert!(matches!(out.last(), Some(Effect::Ended)));
}

#[test]
fn watched_once_past_the_threshold_and_the_page_hears_it_at_once() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.play(&ep, 26 * MINUTE, Vec::new());
    s.take();
    s.pass(60_000);
    let out = s.take();
    let t = timelines(&out);
    assert_eq!(t.iter().filter(|(_, st, _)| st == "scrobble").count(), 1, "{t:?}");
    // Shown watched the moment the server is told, not when it answers
    // (two answers coming back out of order cannot take the mark back).
    let changed: Vec<&MediaItem> = out
        .iter()
        .filter_map(|e| match e {
            Effect::ItemChanged { item, .. } => Some(item),
            _ => None,
        })
        .collect();
    assert!(changed.iter().any(|i| i.view_count == 1), "{changed:?}");
    assert!(changed.iter().skip_while(|i| i.view_count == 0).all(|i| i.view_count == 1), "{changed:?}");
    assert_eq!(s.view().item.view_count, 1);
}

#[test]
fn the_servers_subtitle_file_is_fetched_before_the_media_opens_and_its_tracks_are_applied() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    let streams = vec![
        stream(1, StreamKind::Audio, Some(1), false, None),
        stream(2, StreamKind::Audio, Some(2), true, None),
        stream(3, StreamKind::Subtitle, None, true, Some("/library/streams/3")),
    ];
    s.intent(Intent::Play { source: source(), item: ep.clone(), start_ms: 5_000, then: Vec::new() });
    let out = s.answer(Answer::Prepared(Ok(plan(&ep, streams))));
    assert!(!out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Load { .. }))), "{out:?}");
    assert!(matches!(calls(&out)[0], CoreCall::FetchSidecar { load_at: Some(5_000), .. }), "{out:?}");
    let out = s.answer(Answer::Sidecar { result: Ok("/tmp/s.srt".into()), load_at: Some(5_000) });
    assert!(
        matches!(
            &out[..],
            [
                Effect::Engine(EngineCommand::ExternalSubtitle(Some(_))),
                Effect::Engine(EngineCommand::Load { start_ms: 5_000, .. })
            ]
        ),
        "{out:?}"
    );
    let out = s.engine_says(EngineEvent::State(EngineState::Playing));
    let engine: Vec<_> = out.iter().filter(|e| matches!(e, Effect::Engine(_))).collect();
    assert!(
        matches!(engine[..], [Effect::Engine(EngineCommand::AudioTrack(1))]),
        "the second audio track, the subtitles left to the file: {out:?}"
    );
    assert!(calls(&out).iter().any(|c| matches!(c, CoreCall::FetchArt { .. })), "the poster once it plays");
    s.answer(Answer::Art(Some("/tmp/poster.png".into())));
    assert_eq!(s.view().art, Some(PathBuf::from("/tmp/poster.png")));
}

#[test]
fn skip_intro_lands_exactly_at_its_end_and_the_marker_is_shown_while_inside() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.play(&ep, 0, Vec::new());
    s.pass(3_000);
    assert_eq!(s.view().marker, Some(MarkerKind::Intro));
    let out = s.intent(Intent::SkipMarker);
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Seek { ms: 60_000, exact: true }))));
    s.pass(500);
    assert_eq!(s.view().marker, None);
}

#[test]
fn an_engine_that_cannot_be_made_is_a_fault_and_nothing_opens() {
    let mut s = Script::new();
    let ep = episode("101", "Lantern 1");
    s.intent(Intent::Play { source: source(), item: ep.clone(), start_ms: 0, then: Vec::new() });
    s.feed(Input::EngineUnavailable("no playbin".into()));
    let out = s.answer(Answer::Prepared(Ok(plan(&ep, Vec::new()))));
    assert!(!out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Load { .. }))), "{out:?}");
    assert_eq!(s.view().failure, Some(Fault::EngineUnavailable("no playbin".into())));
}

#[test]
fn a_file_cut_short_is_told_from_a_length_a_little_off() {
    assert!(ended_early(5_000, 30_000), "half of it");
    assert!(!ended_early(29_400, 30_000), "a length measured a little long");
    assert!(!ended_early(0, 0), "no length known");
    // Two hours: off by two minutes is still the whole film.
    assert!(!ended_early(7_100_000, 7_200_000));
    assert!(ended_early(3_600_000, 7_200_000));
}

#[test]
fn only_what_may_pass_is_tried_again() {
    assert!(EngineError::Network("reset".into()).recoverable());
    assert!(EngineError::Http(503).recoverable());
    assert!(EngineError::Http(401).recoverable(), "access is checked again first");
    assert!(!EngineError::Http(404).recoverable());
    assert!(!EngineError::Decode("bad".into()).recoverable());
}
