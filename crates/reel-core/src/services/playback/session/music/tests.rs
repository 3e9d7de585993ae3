//! The music session driven by a scripted engine and scripted core answers:
//! every answer is given to a call the session really made, with the
//! generation it was made in.

use super::*;
use crate::services::playback::session::scripted::{source, Clocked};
use crate::models::{ItemKind, MediaPart, MediaVersion, PlayQueue, Playable, QueueEntry, ServerAction};
use crate::services::playback::session::{QueueChange, QueueEdit, Status};
use crate::services::playback::Decision;

const TRACK_MS: u64 = 4_000;


fn album() -> MediaItem {
    MediaItem::new("50", ItemKind::Album, "Lanterns")
}

fn track(n: u64) -> MediaItem {
    MediaItem {
        duration_ms: Some(TRACK_MS as i64),
        grandparent_title: Some("The Harbour".into()),
        parent_title: Some("Lanterns".into()),
        thumb: Some("/library/metadata/50/thumb".into()),
        index: Some(n as i64),
        ..MediaItem::new(format!("{}", 60 + n).as_str(), ItemKind::Track, format!("Track {n}"))
    }
}

/// The server's queue of `n` tracks (entry ids 101…), `selected` playing.
fn server_queue(id: u64, n: u64, selected: u64) -> PlayQueue {
    let entries = (1..=n).map(|i| QueueEntry { id: 100 + i, item: track(i) }).collect();
    PlayQueue { id, version: 1, selected: 100 + selected, shuffled: false, entries }
}

fn location(host: &str, key: &str) -> crate::MediaLocation {
    crate::MediaLocation {
        url: url::Url::parse(&format!("http://{host}/library/parts/{key}/file.ogg")).unwrap(),
        token: crate::Token::new("scripted-token"),
        trust_anchors: None,
    }
}

fn plan(item: &MediaItem) -> PlaybackPlan {
    let key = item.rating_key.to_string();
    PlaybackPlan {
        source_id: source().id,
        playable: Playable {
            item: item.clone(),
            media: vec![MediaVersion {
                id: 1,
                container: Some("ogg".into()),
                video_codec: None,
                audio_codec: Some("vorbis".into()),
                duration_ms: item.duration_ms,
                width: None,
                height: None,
                parts: vec![MediaPart {
                    id: 10,
                    key: format!("/library/parts/{key}/file.ogg"),
                    container: Some("ogg".into()),
                    duration_ms: item.duration_ms,
                    size: None,
                    streams: Vec::new(),
                }],
            }],
            markers: Vec::new(),
        },
        decision: Decision::DirectPlay,
        location: location("127.0.0.1:32400", &key),
        session: format!("session-{key}"),
        threshold: 0.9,
        transcoder_ahead_ms: 0,
        transcode: None,
    }
}

/// The session, a clock, an engine that plays at the clock's pace from
/// where it was told, and the core calls not answered yet.
struct Script {
    session: MusicSession,
    now: Duration,
    engine: Clocked,
    calls: Vec<(u64, CoreCall)>,
    effects: Vec<Effect>,
}

impl Script {
    fn new() -> Self {
        Script {
            session: MusicSession::new(),
            now: Duration::ZERO,
            engine: Clocked::default(),
            calls: Vec::new(),
            effects: Vec::new(),
        }
    }

    fn position(&self) -> Option<u64> {
        self.engine.position(self.now)
    }

    fn feed(&mut self, input: Input) -> Vec<Effect> {
        let out = self.session.handle(input, Moment { now: self.now, engine_position_ms: self.position() });
        for e in &out {
            match e {
                Effect::Call { generation, call } => self.calls.push((*generation, call.clone())),
                Effect::Engine(command) => self.engine.obey(command, self.now),
                _ => {}
            }
        }
        self.effects.extend(out.clone());
        out
    }

    fn queue(&mut self, intent: QueueIntent) -> Vec<Effect> {
        self.feed(Input::Queue(intent))
    }

    fn engine_says(&mut self, e: EngineEvent) -> Vec<Effect> {
        if let EngineEvent::State(s) = &e {
            self.engine.now_in(*s, self.now);
        }
        self.feed(Input::Engine(e))
    }

    /// The oldest call not answered yet that `which` picks.
    fn take(&mut self, which: impl Fn(&CoreCall) -> bool) -> (u64, CoreCall) {
        let i = self.calls.iter().position(|(_, c)| which(c)).unwrap_or_else(|| panic!("no such call in {:?}", self.calls));
        self.calls.remove(i)
    }

    fn answer(&mut self, generation: u64, answer: Answer) -> Vec<Effect> {
        self.feed(Input::Answer { generation, answer })
    }

    /// Answers the queue asked for with `q`.
    fn make_queue(&mut self, q: PlayQueue) -> Vec<Effect> {
        let (generation, call) = self.take(|c| matches!(c, CoreCall::MakeQueue { .. }));
        let CoreCall::MakeQueue { keep_playing, .. } = call else { unreachable!() };
        self.answer(generation, Answer::QueueMade { result: Ok(q), keep_playing })
    }

    /// Answers where the entry asked for (to load, or to follow) comes from.
    fn prepare(&mut self, to_load: bool) -> (u64, Vec<Effect>) {
        let (generation, call) =
            self.take(|c| matches!(c, CoreCall::PrepareEntry { load, .. } if *load == to_load));
        let CoreCall::PrepareEntry { entry, load, .. } = call else { unreachable!() };
        let item = self.entry_item(entry);
        (entry, self.answer(generation, Answer::EntryPrepared { entry, load, result: Ok(plan(&item)) }))
    }

    fn entry_item(&self, entry: u64) -> MediaItem {
        let view = self.session.view().expect("a queue");
        view.entries.iter().find(|e| e.id == entry).expect("an entry of the queue").item.clone()
    }

    /// An album of `n` tracks playing its first, the second handed over.
    fn playing(n: u64) -> Self {
        let mut s = Script::new();
        s.queue(QueueIntent::Play { source: source(), from: album().into(), start: None, shuffle: false });
        s.make_queue(server_queue(7, n, 1));
        s.prepare(true);
        s.engine_says(EngineEvent::State(EngineState::Playing));
        if n > 1 {
            s.prepare(false);
        }
        s
    }

    fn pass(&mut self, ms: u64) {
        let end = self.now + Duration::from_millis(ms);
        while self.now < end {
            self.now = (self.now + Duration::from_millis(250)).min(end);
            self.feed(Input::Tick);
        }
    }

    fn view(&self) -> MusicView {
        self.session.view().expect("a queue")
    }
}

fn timelines(effects: &[Effect]) -> Vec<(String, String, Option<u64>)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Report { actions, .. } => Some(actions.clone()),
            _ => None,
        })
        .flatten()
        .filter_map(|a| match a {
            ServerAction::Timeline { rating_key, state, play_queue_item, .. } => Some((rating_key, state, play_queue_item)),
            _ => None,
        })
        .collect()
}

fn loads(effects: &[Effect]) -> Vec<(String, u64)> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Engine(EngineCommand::Load { location, start_ms }) => Some((location.url.to_string(), *start_ms)),
            _ => None,
        })
        .collect()
}

fn notices(effects: &[Effect]) -> Vec<QueueNotice> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::QueueNotice(n) => Some(n.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_album_plays_entry_after_entry_with_no_gap_and_the_server_hears_each_entry() {
    let mut s = Script::new();
    let out = s.queue(QueueIntent::Play { source: source(), from: album().into(), start: None, shuffle: false });
    assert!(out.iter().any(|e| matches!(e, Effect::Call { call: CoreCall::MakeQueue { keep_playing: false, .. }, .. })));
    let v = s.view();
    assert_eq!((v.origin_title.as_str(), v.current, v.busy), ("Lanterns", None, true), "named while the server makes it");

    let out = s.make_queue(server_queue(7, 3, 1));
    assert!(out.iter().any(|e| matches!(e, Effect::SaveQueue(q) if q.queue.selected == 101)), "kept: {out:?}");
    let (entry, out) = s.prepare(true);
    assert_eq!(entry, 101);
    assert_eq!(loads(&out), vec![("http://127.0.0.1:32400/library/parts/61/file.ogg".to_string(), 0)]);
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::Container(Some(c))) if c == "ogg")));
    let out = s.engine_says(EngineEvent::State(EngineState::Playing));
    assert_eq!(timelines(&out), vec![("61".into(), "playing".into(), Some(101))]);
    assert!(out.iter().any(|e| matches!(e, Effect::Call { call: CoreCall::FetchArt { size: (256, 256), .. }, .. })));

    // The next entry is handed to the engine early.
    let (entry, out) = s.prepare(false);
    assert_eq!(entry, 102);
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::QueueNext(Some(l))) if l.url.path().contains("/62/"))));

    s.pass(TRACK_MS);
    let out = s.engine_says(EngineEvent::NextStarted);
    assert_eq!(
        timelines(&out),
        vec![("61".into(), "stopped".into(), Some(101)), ("62".into(), "playing".into(), Some(102))],
        "the first ended at its end, the second plays as its own entry"
    );
    assert!(out.iter().any(|e| matches!(e, Effect::SavePlace { entry: 102, at_ms: 0 })));
    assert!(loads(&out).is_empty(), "no load between tracks: the engine went on by itself");
    let v = s.view();
    assert_eq!((v.current, v.entry().map(|e| e.item.title.as_str()), v.status), (Some(1), Some("Track 2"), Status::Playing));
    let (entry, _) = s.prepare(false);
    assert_eq!(entry, 103, "and the one after is asked for");
    // Played to its end, the first track was counted as played.
    assert!(s.effects.iter().any(|e| matches!(e, Effect::ItemChanged { item, .. } if item.rating_key.as_str() == "61")));
}

#[test]
fn a_stream_that_keeps_dying_is_tried_elsewhere_twice_then_the_music_stops_with_the_queue_kept() {
    let mut s = Script::playing(3);
    s.pass(1_000);
    let mut relocations = 0;
    loop {
        let out = s.engine_says(EngineEvent::Error(EngineError::Network("reset".into())));
        if notices(&out).contains(&QueueNotice::ServerGone { server: "Living Room".into() }) {
            break;
        }
        let (generation, call) = s.take(|c| matches!(c, CoreCall::Relocate { .. }));
        let CoreCall::Relocate { at_ms, .. } = call else { unreachable!() };
        let out = s.answer(generation, Answer::Relocated { result: Ok(location("127.0.0.2:32400", "61")), at_ms });
        assert_eq!(loads(&out), vec![("http://127.0.0.2:32400/library/parts/61/file.ogg".to_string(), at_ms)]);
        // It plays again, a moment each time: a server that sends a little
        // and stops is a failure, not a connection to try for ever.
        s.engine_says(EngineEvent::State(EngineState::Playing));
        s.pass(500);
        relocations += 1;
        assert!(relocations <= 10, "tried again for ever");
    }
    assert_eq!(relocations, 2);
    let v = s.view();
    assert_eq!((v.status, v.current), (Status::Stopped, Some(0)), "stopped, the queue kept");
    assert!(timelines(&s.effects).last().is_some_and(|t| t.1 == "stopped"), "the server hears it stopped");
    // Play goes on from where it stopped.
    let at = v.position_ms;
    assert!(at >= 2_000, "{at}");
    s.feed(Input::Intent(Intent::TogglePlay));
    let (entry, out) = s.prepare(true);
    assert_eq!((entry, loads(&out).first().map(|l| l.1)), (101, Some(at)));
}

#[test]
fn a_track_that_stands_still_while_playing_goes_on_from_there() {
    let mut s = Script::playing(3);
    s.pass(4_000);
    // The engine still says it plays, but its position stays at 4 s.
    s.engine.at(4_000, s.now);
    let still = course::STUCK_AFTER.as_millis() as u64;
    s.pass(still - 1_000);
    assert!(s.calls.iter().all(|(_, c)| !matches!(c, CoreCall::Relocate { .. })), "a moment is not a fault");
    s.pass(1_500);
    let (_, call) = s.take(|c| matches!(c, CoreCall::Relocate { .. }));
    assert!(matches!(call, CoreCall::Relocate { at_ms: 4_000, .. }), "{call:?}");
    // Paused, standing still is what it should do, however long.
    let mut s = Script::playing(3);
    s.feed(Input::Intent(Intent::TogglePlay));
    s.engine_says(EngineEvent::State(EngineState::Paused));
    s.pass(2 * still);
    s.feed(Input::Intent(Intent::TogglePlay));
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.pass(2_000);
    assert!(s.calls.iter().all(|(_, c)| !matches!(c, CoreCall::Relocate { .. })), "{:?}", s.calls);
}

#[test]
fn a_connection_that_holds_again_earns_its_tries_back() {
    let mut s = Script::playing(1);
    for _ in 0..5 {
        s.engine_says(EngineEvent::Error(EngineError::Network("reset".into())));
        let (generation, call) = s.take(|c| matches!(c, CoreCall::Relocate { .. }));
        let CoreCall::Relocate { at_ms, .. } = call else { unreachable!() };
        s.answer(generation, Answer::Relocated { result: Ok(location("127.0.0.2:32400", "61")), at_ms: 0 });
        s.engine_says(EngineEvent::State(EngineState::Playing));
        // A long track: 11 s played since each recovery.
        s.engine.playing_from(at_ms, s.now);
        s.session.current.as_mut().unwrap().duration_ms = 10 * 60_000;
        s.pass(11_000);
    }
    assert_eq!(s.view().status, Status::Playing);
}

#[test]
fn a_track_that_cannot_be_decoded_is_skipped_and_the_next_plays() {
    let mut s = Script::playing(3);
    let out = s.engine_says(EngineEvent::Error(EngineError::Decode("not a Vorbis stream".into())));
    let skipped = notices(&out);
    assert!(
        matches!(&skipped[..], [QueueNotice::Skipped { title, fault: Fault::Engine { error: EngineError::Decode(_), .. } }] if title == "Track 1"),
        "{skipped:?}"
    );
    assert!(s.calls.iter().all(|(_, c)| !matches!(c, CoreCall::Relocate { .. })), "a damaged file is not tried elsewhere");
    let (entry, out) = s.prepare(true);
    assert_eq!((entry, loads(&out).len()), (102, 1));
    // The skipped track was not counted as played.
    assert!(!s.effects.iter().any(|e| matches!(e, Effect::Report { actions, .. } if actions.iter().any(|a| matches!(a, ServerAction::Scrobble { .. })))));
    // The queue marks it, and why, while the next one plays (the toast is
    // gone in seconds).
    s.engine_says(EngineEvent::State(EngineState::Playing));
    let marked = |s: &Script| s.view().skipped.into_iter().map(|(id, f)| (id, matches!(f, Fault::Engine { .. }))).collect::<Vec<_>>();
    assert_eq!(marked(&s), [(101, true)]);
    // Asked for again, it plays this time: no longer marked.
    s.queue(QueueIntent::PlayEntry(101));
    let (entry, _) = s.prepare(true);
    assert_eq!(entry, 101);
    s.engine_says(EngineEvent::State(EngineState::Playing));
    assert_eq!(marked(&s), []);
}

#[test]
fn a_restored_queue_waits_at_its_place_and_next_starts_the_next_track_from_its_top() {
    let mut s = Script::new();
    let saved = SavedQueue {
        source_id: source().id,
        origin: album().into(),
        queue: server_queue(7, 3, 2),
        position_ms: 2_500,
        repeat: Repeat::All,
    };
    let out = s.queue(QueueIntent::Restore { source: source(), saved });
    assert!(out.is_empty(), "nothing plays, nothing is asked: {out:?}");
    let v = s.view();
    assert_eq!((v.status, v.current, v.position_ms, v.repeat), (Status::Stopped, Some(1), 2_500, Repeat::All));
    // Music started meanwhile is not replaced by an older queue.
    let again = SavedQueue { source_id: source().id, origin: album().into(), queue: server_queue(8, 2, 1), position_ms: 0, repeat: Repeat::Off };
    s.queue(QueueIntent::Restore { source: source(), saved: again });
    assert_eq!(s.view().current, Some(1));

    s.feed(Input::Intent(Intent::TogglePlay));
    let (entry, out) = s.prepare(true);
    assert_eq!((entry, loads(&out).first().map(|l| l.1)), (102, Some(2_500)), "from where it was");
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.queue(QueueIntent::Next);
    let (entry, out) = s.prepare(true);
    assert_eq!((entry, loads(&out).first().map(|l| l.1)), (103, Some(0)), "the next from its start");
}

#[test]
fn a_seek_with_nothing_loaded_is_where_play_starts() {
    let mut s = Script::new();
    let saved = SavedQueue { source_id: source().id, origin: album().into(), queue: server_queue(7, 2, 1), position_ms: 0, repeat: Repeat::Off };
    s.queue(QueueIntent::Restore { source: source(), saved });
    let out = s.feed(Input::Intent(Intent::SeekTo { ms: 3_000, exact: false }));
    assert!(out.iter().any(|e| matches!(e, Effect::Seeked(3_000))) && out.iter().any(|e| matches!(e, Effect::SavePlace { at_ms: 3_000, .. })));
    s.feed(Input::Intent(Intent::TogglePlay));
    let (_, out) = s.prepare(true);
    assert_eq!(loads(&out).first().map(|l| l.1), Some(3_000));
}

#[test]
fn answers_about_an_entry_no_longer_playing_change_nothing() {
    let mut s = Script::playing(3);
    let (art_generation, _) = s.take(|c| matches!(c, CoreCall::FetchArt { .. }));
    s.engine_says(EngineEvent::Error(EngineError::Network("reset".into())));
    let (relocate_generation, _) = s.take(|c| matches!(c, CoreCall::Relocate { .. }));
    // The person moves on before either answer comes.
    s.queue(QueueIntent::Next);
    let out = s.answer(relocate_generation, Answer::Relocated { result: Ok(location("127.0.0.2:32400", "61")), at_ms: 900 });
    assert!(loads(&out).is_empty(), "the old track is not loaded again: {out:?}");
    s.answer(art_generation, Answer::Art(Some("/tmp/old-cover.jpg".into())));
    assert_eq!(s.view().art, None, "not the last track's cover");
    let (entry, _) = s.prepare(true);
    assert_eq!(entry, 102);
}

#[test]
fn removing_the_entry_playing_plays_the_next_and_the_server_changes_its_queue() {
    let mut s = Script::playing(3);
    let out = s.queue(QueueIntent::Edit { entry: 101, edit: QueueEdit::Remove });
    assert_eq!(timelines(&out).first().map(|t| t.1.clone()), Some("stopped".into()));
    let (generation, call) = s.take(|c| matches!(c, CoreCall::ChangeQueue { .. }));
    assert!(matches!(call, CoreCall::ChangeQueue { queue_id: 7, entry: 101, change: QueueChange::Remove, .. }));
    let (entry, _) = s.prepare(true);
    assert_eq!(entry, 102);
    s.engine_says(EngineEvent::State(EngineState::Playing));
    let mut q = server_queue(7, 3, 2);
    q.entries.remove(0);
    let out = s.answer(generation, Answer::QueueChanged(Ok(q)));
    assert!(out.iter().any(|e| matches!(e, Effect::SaveQueue(_))));
    let v = s.view();
    assert_eq!((v.entries.len(), v.entry().map(|e| e.id)), (2, Some(102)), "the entry playing is still the one playing");

    // Moved: after the one playing, named by the server's entry ids.
    s.queue(QueueIntent::Edit { entry: 103, edit: QueueEdit::MoveUp });
    let (_, call) = s.take(|c| matches!(c, CoreCall::ChangeQueue { .. }));
    assert!(matches!(call, CoreCall::ChangeQueue { entry: 103, change: QueueChange::MoveAfter(None), .. }), "{call:?}");
    let out = s.queue(QueueIntent::Edit { entry: 102, edit: QueueEdit::PlayNext });
    assert!(out.is_empty(), "the entry playing does not move after itself: {out:?}");
    // A refusal is told, the queue stays.
    let failed = s.answer(generation, Answer::QueueChanged(Err(Error::Timeout { host: "127.0.0.1".into() })));
    assert!(matches!(notices(&failed)[..], [QueueNotice::NotChanged(_)]));
}

#[test]
fn shuffling_makes_a_new_server_queue_in_which_the_track_playing_goes_on() {
    let mut s = Script::playing(3);
    let out = s.queue(QueueIntent::SetShuffle(true));
    assert!(out.iter().any(|e| matches!(e, Effect::Call { call: CoreCall::MakeQueue { shuffle: true, keep_playing: true, start: Some(t), .. }, .. } if t.rating_key.as_str() == "61")));
    // The server's shuffled queue: new entry ids, the track playing selected.
    let entries = vec![
        QueueEntry { id: 203, item: track(3) },
        QueueEntry { id: 201, item: track(1) },
        QueueEntry { id: 202, item: track(2) },
    ];
    let out = s.make_queue(PlayQueue { id: 9, version: 1, selected: 201, shuffled: true, entries });
    assert!(loads(&out).is_empty(), "the track goes on, not loaded again");
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::QueueNext(None)))), "what followed is forgotten");
    let (entry, _) = s.prepare(false);
    assert_eq!(entry, 202, "what follows in the new queue");
    let out = s.engine_says(EngineEvent::State(EngineState::Paused));
    assert_eq!(timelines(&out).last().map(|t| t.2), Some(Some(201)), "timelines name the new entry");
    let v = s.view();
    assert!(v.shuffled && v.entry().is_some_and(|e| e.id == 201));
    assert!(s.queue(QueueIntent::SetShuffle(true)).is_empty(), "already shuffled");
}

#[test]
fn at_the_end_of_the_queue_the_music_stops_and_play_starts_the_last_track_again() {
    let mut s = Script::playing(1);
    s.pass(TRACK_MS);
    let out = s.engine_says(EngineEvent::Ended);
    assert_eq!(timelines(&out), vec![("61".into(), "stopped".into(), Some(101))]);
    assert_eq!(s.view().status, Status::Stopped);
    assert!(!s.view().can_next);
    s.feed(Input::Intent(Intent::TogglePlay));
    let (entry, out) = s.prepare(true);
    assert_eq!((entry, loads(&out).first().map(|l| l.1)), (101, Some(0)));
    // Repeat one: the same track follows itself.
    s.engine_says(EngineEvent::State(EngineState::Playing));
    s.queue(QueueIntent::SetRepeat(Repeat::One));
    let (entry, _) = s.prepare(false);
    assert_eq!(entry, 101);
}

#[test]
fn stop_ends_the_queue_and_nothing_is_kept() {
    let mut s = Script::playing(2);
    s.pass(1_000);
    let out = s.queue(QueueIntent::Stop);
    assert_eq!(timelines(&out).last().map(|t| t.1.clone()), Some("stopped".into()));
    assert!(out.iter().any(|e| matches!(e, Effect::ForgetQueue)));
    assert!(s.session.view().is_none());
    // A queue the server could not make says why and plays nothing.
    s.queue(QueueIntent::Play { source: source(), from: album().into(), start: None, shuffle: false });
    let (generation, _) = s.take(|c| matches!(c, CoreCall::MakeQueue { .. }));
    let out = s.answer(generation, Answer::QueueMade { result: Ok(server_queue(7, 0, 0)), keep_playing: false });
    assert_eq!(notices(&out), vec![QueueNotice::NothingToPlay { title: "Lanterns".into() }]);
    assert!(s.session.view().is_none());
}

#[test]
fn a_queue_made_here_offline_plays_reports_no_server_entries_changes_here_and_is_handed_to_the_server_when_it_is_back() {
    let mut s = Script::new();
    let out = s.queue(QueueIntent::Play { source: source(), from: album().into(), start: None, shuffle: false });
    assert!(
        out.iter().any(|e| matches!(e, Effect::Call { call: CoreCall::MakeQueue { or_local: true, .. }, .. })),
        "a queue made here will do when the server cannot make one"
    );
    // The core answered with the downloaded tracks (the server offline).
    let local = PlayQueue::local((1..=4).map(track).collect(), None, None);
    let out = s.make_queue(local);
    assert_eq!(
        notices(&out),
        vec![QueueNotice::OnlyDownloaded { title: "Lanterns".into(), server: "Living Room".into() }],
        "the person hears why only some of it plays"
    );
    s.prepare(true);
    let out = s.engine_says(EngineEvent::State(EngineState::Playing));
    assert_eq!(timelines(&out), vec![("61".into(), "playing".into(), None)], "no entry the server does not know");
    // Each new track offers the queue to the server: offline, it plays on, nothing said.
    let (generation, call) = s.take(|c| matches!(c, CoreCall::MakeQueue { .. }));
    let CoreCall::MakeQueue { keep_playing, or_local, start, .. } = call else { unreachable!() };
    assert!(keep_playing && !or_local, "handed over, or kept as it is");
    assert_eq!(start.map(|i| i.rating_key.to_string()), Some("61".into()));
    let offline = Error::Offline { host: "127.0.0.1".into(), reason: "refused".into() };
    let out = s.answer(generation, Answer::QueueMade { result: Err(offline), keep_playing: true });
    assert!(notices(&out).is_empty() && loads(&out).is_empty(), "{out:?}");
    assert_eq!(s.view().status, Status::Playing);
    // Changed here, as the server would have: track 4 moved up, track 2 removed.
    s.take(|c| matches!(c, CoreCall::PrepareEntry { load: false, .. }));
    s.queue(QueueIntent::Edit { entry: 4, edit: QueueEdit::MoveUp });
    let out = s.queue(QueueIntent::Edit { entry: 2, edit: QueueEdit::Remove });
    assert!(!s.calls.iter().any(|(_, c)| matches!(c, CoreCall::ChangeQueue { .. })), "no server asked: {:?}", s.calls);
    let titles: Vec<String> = s.view().entries.iter().map(|e| e.item.title.clone()).collect();
    assert_eq!(titles, ["Track 1", "Track 4", "Track 3"]);
    assert!(out.iter().any(|e| matches!(e, Effect::SaveQueue(q) if q.queue.entries.len() == 3)), "kept: {out:?}");
    // The next track starts: offered again, and the server, back, makes its queue.
    let following = |c: &CoreCall| matches!(c, CoreCall::PrepareEntry { load: false, .. });
    while s.calls.iter().filter(|(_, c)| following(c)).count() > 1 {
        s.take(following); // asked before the queue changed
    }
    let (_, out) = s.prepare(false);
    assert!(out.iter().any(|e| matches!(e, Effect::Engine(EngineCommand::QueueNext(Some(l))) if l.url.path().contains("/64/"))));
    s.pass(TRACK_MS);
    s.engine_says(EngineEvent::NextStarted);
    let (generation, call) = s.take(|c| matches!(c, CoreCall::MakeQueue { .. }));
    let CoreCall::MakeQueue { start, .. } = call else { unreachable!() };
    assert_eq!(start.map(|i| i.rating_key.to_string()), Some("64".into()), "from the track playing");
    let out = s.answer(generation, Answer::QueueMade { result: Ok(server_queue(8, 6, 4)), keep_playing: true });
    assert!(loads(&out).is_empty(), "the track playing goes on");
    let v = s.view();
    assert_eq!((v.entries.len(), v.entry().map(|e| e.id)), (6, Some(104)), "the server's whole queue");
    s.pass(1_000);
    s.engine_says(EngineEvent::State(EngineState::Paused));
    assert_eq!(timelines(&s.effects).last(), Some(&("64".into(), "paused".into(), Some(104))), "its entry, now");
    assert!(!s.calls.iter().any(|(_, c)| matches!(c, CoreCall::MakeQueue { .. })), "handed over once");
}
