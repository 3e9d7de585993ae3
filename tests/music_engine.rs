//! The music engine with real GStreamer on real Ogg Vorbis files (made by
//! fake-plex's media helper): a queued track follows the one playing with
//! no restart, and nothing queued means the end. No window: the audio
//! engine draws nothing. A fakesink stands in for the sound card (none
//! here), unsynchronised so the seconds of audio take milliseconds.

use reel::player::gst_engine::GstEngine;
use reel::player::{Engine, EngineEvent, EngineState};
use reel_core::{MediaLocation, Token};
use relm4::gtk::glib;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

fn location(path: &std::path::Path) -> MediaLocation {
    let url = url::Url::from_file_path(path).expect("absolute path");
    MediaLocation { url, token: Token::new("unused-for-files"), trust_anchors: None }
}

/// Plays `first` (with `next` queued) to the end; what the engine said.
fn play(first: &MediaLocation, next: Option<&MediaLocation>, unqueue: bool) -> Vec<EngineEvent> {
    let events: Rc<RefCell<Vec<EngineEvent>>> = Rc::default();
    let main = glib::MainLoop::new(None, false);
    let (e, ml) = (events.clone(), main.clone());
    reel::player::gst_engine::init().expect("GStreamer");
    let sink = gst::ElementFactory::make("fakesink").property("sync", false).build().expect("fakesink");
    let engine = GstEngine::audio(Some(sink), move |ev| {
        let done = matches!(ev, EngineEvent::Ended | EngineEvent::Error(_));
        e.borrow_mut().push(ev);
        if done {
            ml.quit();
        }
    })
    .expect("the music engine");
    engine.load(first, 0);
    engine.queue_next(next);
    if unqueue {
        // Changed one's mind (the queue was cleared): nothing follows.
        engine.queue_next(None);
    }
    let ml = main.clone();
    glib::timeout_add_local_once(Duration::from_secs(30), move || ml.quit());
    main.run();
    engine.stop();
    let v = events.borrow().clone();
    v
}

fn durations(events: &[EngineEvent]) -> Vec<u64> {
    events.iter().filter_map(|e| if let EngineEvent::DurationKnown(d) = e { Some(*d) } else { None }).collect()
}

#[test]
fn a_queued_track_follows_without_a_restart_and_nothing_queued_ends() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Two lengths, so which track's duration is told shows which plays.
    let tracks = fake_plex::music::make_album(dir.path(), &[2, 3]).expect("gst-launch-1.0 makes tracks");
    let (one, two) = (location(&tracks[0].file), location(&tracks[1].file));

    let events = play(&one, Some(&two), false);
    assert!(!events.iter().any(|e| matches!(e, EngineEvent::Error(_))), "{events:?}");
    let next_at = events.iter().position(|e| *e == EngineEvent::NextStarted).expect("the next track started");
    assert_eq!(events.iter().filter(|e| **e == EngineEvent::NextStarted).count(), 1, "{events:?}");
    assert_eq!(events.last(), Some(&EngineEvent::Ended), "the end, after the queued track: {events:?}");
    // Before the join the first track's length; after it the second's.
    let (before, after) = events.split_at(next_at);
    assert!(durations(before).iter().all(|d| d.abs_diff(2000) < 100), "{events:?}");
    assert!(durations(after).iter().any(|d| d.abs_diff(3000) < 100), "{events:?}");
    // One pipeline all along: it never went back to loading in between.
    assert!(!after.contains(&EngineEvent::State(EngineState::Loading)), "{events:?}");

    let events = play(&one, Some(&two), true);
    assert!(!events.contains(&EngineEvent::NextStarted), "unqueued, nothing follows: {events:?}");
    assert_eq!(events.last(), Some(&EngineEvent::Ended), "{events:?}");
}
