//! Gapless music: the gap between two tracks of an album, measured in the
//! audio actually played. fake-plex serves an album on loopback whose
//! tracks are steady tones that end on a zero crossing, so played without a
//! gap the sound never stops; each run plays track 1 and then track 2 into
//! a sink that records every buffer (its samples, and the moment the clock
//! let it through: `sync=true`, as a sound card plays it).
//!
//! The gap at the join is the silence in the samples (a run of near-zero
//! samples a tone never has) plus the time the clock stood with nothing to
//! play (a buffer due later than the one before it ended). Three players:
//! - Reel: the music engine (`GstEngine::audio`) with the next track queued
//!   (`Engine::queue_next`), as the now-playing queue does;
//! - GStreamer alone, one file after another: a bare `playbin` playing track
//!   1 to its end, then track 2 (as `gst-launch-1.0 playbin` twice, without
//!   the process start) — the baseline;
//! - GStreamer alone, gapless: a bare `playbin` given track 2 on
//!   `about-to-finish` — the floor.
//!
//! Target: Reel's gap ≤ 5 ms. Median of 5 runs each, alternating.
//!
//! Then Play on the album → its first audio buffer through the sink: Reel's
//! whole path in this process (the server makes the play queue, the core
//! asks for the first track and the server's threshold on a verified
//! connection, the music engine opens it) against a bare `playbin` opening
//! the same URL. Target ≤ 1.5×. (The click and the bar are not in it: the
//! GUI's share is the player page's, measured by `benches/playback.rs`.)
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench gapless`

mod common;
use common::{median, signed_in};
use fake_plex::topology::LibrarySpec;
use gst::prelude::*;
use reel::player::gst_engine::GstEngine;
use reel::player::{fetched_whole, Engine, EngineEvent};
use reel_core::models::MediaItem;
use reel_core::playback::{Capabilities, Format};
use reel_core::MediaLocation;
use relm4::gtk::glib;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const RUNS: usize = 5;
const TRACK_SECS: u32 = 3;
const RATE: usize = 44_100;
/// Below this a tone of ≥ 440 Hz at testsrc's volume is never for two samples in a row.
const SILENT: f32 = 0.01;

/// Ogg Vorbis, what the album is in (the app checks GStreamer's registry in its tests).
struct Album;
impl Capabilities for Album {
    fn can_decode(&self, f: &Format) -> bool {
        matches!(f.name(), "ogg" | "vorbis")
    }
}

/// What the sink played: every sample (mono), and when each buffer was let through.
#[derive(Default)]
struct Played {
    samples: Vec<f32>,
    /// (when, first sample's index, samples)
    buffers: Vec<(Instant, usize, usize)>,
}

fn probe_sink(played: Arc<Mutex<Played>>) -> gst::Element {
    let bin = gst::parse::bin_from_description(
        "audioconvert ! audioresample ! audio/x-raw,format=F32LE,channels=1,rate=44100 \
         ! fakesink name=probe sync=true signal-handoffs=true",
        true,
    )
    .expect("probe sink");
    let sink = bin.by_name("probe").expect("fakesink");
    sink.connect("handoff", false, move |values| {
        let at = Instant::now();
        let buffer = values.get(1).and_then(|v| v.get::<gst::Buffer>().ok())?;
        let map = buffer.map_readable().ok()?;
        let mut p = played.lock().ok()?;
        let first = p.samples.len();
        p.samples.extend(map.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])));
        let n = p.samples.len() - first;
        p.buffers.push((at, first, n));
        None
    });
    bin.upcast()
}

/// The gap at the join of the two tracks, in ms: (silence, clock stood still).
fn gap_at_join(p: &Played) -> (f64, f64) {
    let join = RATE * TRACK_SECS as usize;
    let window = RATE / 2;
    let (from, to) = (join.saturating_sub(window), (join + window).min(p.samples.len()));
    let (mut longest, mut run) = (0usize, 0usize);
    for s in p.samples.get(from..to).unwrap_or_default() {
        run = if s.abs() < SILENT { run + 1 } else { 0 };
        // One sample on a zero crossing is the tone, not silence.
        if run > 1 {
            longest = longest.max(run);
        }
    }
    let mut stood = 0.0f64;
    for pair in p.buffers.windows(2) {
        let ((t0, first, n), (t1, _, _)) = (pair[0], pair[1]);
        if first + n + window < join || first > join + window {
            continue;
        }
        let due = t0 + Duration::from_secs_f64(n as f64 / RATE as f64);
        stood = stood.max(t1.saturating_duration_since(due).as_secs_f64() * 1000.0);
    }
    (longest as f64 * 1000.0 / RATE as f64, stood)
}

/// How late buffers come away from the join: the clock's own noise, in ms (p99).
fn jitter(p: &Played) -> f64 {
    let join = RATE * TRACK_SECS as usize;
    let mut late: Vec<f64> = p
        .buffers
        .windows(2)
        .filter(|w| w[0].1.abs_diff(join) > RATE / 2 && w[0].1 > RATE / 4)
        .map(|w| {
            let due = w[0].0 + Duration::from_secs_f64(w[0].2 as f64 / RATE as f64);
            w[1].0.saturating_duration_since(due).as_secs_f64() * 1000.0
        })
        .collect();
    late.sort_by(f64::total_cmp);
    late.get(late.len() * 99 / 100).copied().unwrap_or(0.0)
}

/// Reel's engine: track 1 loaded, track 2 queued at once.
fn reel(tracks: &[MediaLocation; 2]) -> Played {
    let played = Arc::new(Mutex::new(Played::default()));
    let main = glib::MainLoop::new(None, false);
    let ml = main.clone();
    let engine = GstEngine::audio(Some(probe_sink(played.clone())), move |e| {
        if let EngineEvent::Ended | EngineEvent::Error(_) = e {
            if let EngineEvent::Error(e) = e {
                eprintln!("Reel: {e:?}");
            }
            ml.quit();
        }
    })
    .expect("engine");
    // As the queue does for Ogg: fetched whole.
    engine.set_fetch_whole(fetched_whole(Some("ogg")));
    engine.load(&tracks[0], 0);
    engine.queue_next(Some(&tracks[1]));
    main.run();
    engine.stop();
    take(played)
}

/// A bare playbin; `gapless`: track 2 handed over on `about-to-finish`,
/// else loaded once track 1 has ended.
fn bare(tracks: &[MediaLocation; 2], gapless: bool) -> Played {
    let played = Arc::new(Mutex::new(Played::default()));
    let playbin = gst::ElementFactory::make("playbin").build().expect("playbin");
    playbin.set_property("audio-sink", probe_sink(played.clone()));
    let flags = playbin.property_value("flags");
    let class = glib::FlagsClass::with_type(flags.type_()).expect("flags");
    let flags = class.builder_with_value(flags).and_then(|b| b.unset_by_nick("video").build()).expect("flags");
    playbin.set_property_from_value("flags", &flags);
    let token = tracks[0].token.expose().to_string();
    playbin.connect("source-setup", false, move |v| {
        let source = v.get(1).and_then(|v| v.get::<gst::Element>().ok())?;
        if source.find_property("extra-headers").is_some() {
            source.set_property("extra-headers", gst::Structure::builder("h").field("X-Plex-Token", &token).build());
        }
        None
    });
    if gapless {
        let next = Mutex::new(Some(tracks[1].url.to_string()));
        playbin.connect("about-to-finish", false, move |v| {
            let bin = v.first().and_then(|v| v.get::<gst::Element>().ok())?;
            if let Some(uri) = next.lock().ok()?.take() {
                bin.set_property("uri", uri);
            }
            None
        });
    }
    let bus = playbin.bus().expect("bus");
    let mut second = !gapless;
    playbin.set_property("uri", tracks[0].url.as_str());
    playbin.set_state(gst::State::Playing).expect("play");
    for msg in bus.iter_timed(gst::ClockTime::from_seconds(60)) {
        match msg.view() {
            gst::MessageView::Eos(_) if second => {
                second = false;
                playbin.set_state(gst::State::Ready).expect("ready");
                playbin.set_property("uri", tracks[1].url.as_str());
                playbin.set_state(gst::State::Playing).expect("play");
            }
            gst::MessageView::Eos(_) => break,
            gst::MessageView::Error(e) => {
                eprintln!("playbin: {e:?}");
                break;
            }
            _ => {}
        }
    }
    let _ = playbin.set_state(gst::State::Null);
    take(played)
}

/// One player's runs: gaps, their silences, the clock's noise (ms).
#[derive(Default)]
struct Runs {
    gaps: Vec<f64>,
    silences: Vec<f64>,
    jitters: Vec<f64>,
}

/// Waits (running the main loop) until `played` has its first buffer; when it came.
fn first_buffer(played: &Arc<Mutex<Played>>) -> Option<Instant> {
    let main = glib::MainLoop::new(None, false);
    let (ml, p) = (main.clone(), played.clone());
    let deadline = Instant::now() + Duration::from_secs(20);
    glib::timeout_add_local(Duration::from_millis(1), move || {
        let done = p.lock().map(|p| !p.buffers.is_empty()).unwrap_or(true);
        if done || Instant::now() > deadline {
            ml.quit();
            return glib::ControlFlow::Break;
        }
        glib::ControlFlow::Continue
    });
    main.run();
    let first = played.lock().ok()?.buffers.first().map(|b| b.0);
    first
}

/// Play on `album` → its first buffer played, through Reel's core and music engine (ms).
fn reel_first_audio(
    rt: &tokio::runtime::Runtime,
    core: &reel_core::Core,
    source_id: &reel_core::SourceId,
    album: &MediaItem,
) -> f64 {
    let played = Arc::new(Mutex::new(Played::default()));
    let t0 = Instant::now();
    let plan = rt.block_on(async {
        let queue = core.create_play_queue(source_id, &album.clone().into(), None, false).await.expect("a play queue");
        let t1 = Instant::now();
        let first = &queue.entries.first().expect("tracks").item;
        let plan = core.prepare_playback(source_id, &first.rating_key, &Album, 0).await.expect("plan");
        if std::env::var("REEL_BENCH_PHASES").is_ok() {
            eprintln!("queue {:.1} ms, plan {:.1} ms", (t1 - t0).as_secs_f64() * 1e3, t1.elapsed().as_secs_f64() * 1e3);
        }
        plan
    });
    let t2 = Instant::now();
    let engine = GstEngine::audio(Some(probe_sink(played.clone())), |_| {}).expect("engine");
    if std::env::var("REEL_BENCH_PHASES").is_ok() {
        eprintln!("engine {:.1} ms", t2.elapsed().as_secs_f64() * 1e3);
    }
    let (_, version, part) = plan.playable.first_part().expect("a part");
    engine.set_fetch_whole(fetched_whole(part.container.as_deref().or(version.container.as_deref())));
    engine.load(&plan.location, 0);
    let at = first_buffer(&played).map_or(f64::NAN, |t| t.duration_since(t0).as_secs_f64() * 1000.0);
    engine.stop();
    at
}

/// A bare playbin opening `track` → its first buffer played (ms).
fn bare_first_audio(track: &MediaLocation) -> f64 {
    let played = Arc::new(Mutex::new(Played::default()));
    let t0 = Instant::now();
    let playbin = gst::ElementFactory::make("playbin").build().expect("playbin");
    playbin.set_property("audio-sink", probe_sink(played.clone()));
    let token = track.token.expose().to_string();
    playbin.connect("source-setup", false, move |v| {
        let source = v.get(1).and_then(|v| v.get::<gst::Element>().ok())?;
        if source.find_property("extra-headers").is_some() {
            source.set_property("extra-headers", gst::Structure::builder("h").field("X-Plex-Token", &token).build());
        }
        None
    });
    playbin.set_property("uri", track.url.as_str());
    playbin.set_state(gst::State::Playing).expect("play");
    let at = first_buffer(&played).map_or(f64::NAN, |t| t.duration_since(t0).as_secs_f64() * 1000.0);
    let _ = playbin.set_state(gst::State::Null);
    at
}

fn take(played: Arc<Mutex<Played>>) -> Played {
    std::mem::take(&mut *played.lock().expect("played"))
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let media_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-media");
    std::fs::create_dir_all(&media_dir).expect("media dir");
    let music =
        fake_plex::music::make_album(&media_dir, &[TRACK_SECS, TRACK_SECS]).expect("gst-launch-1.0 makes tracks");
    let (lib, core, source) = signed_in(&rt, LibrarySpec { artists: 1, music, ..LibrarySpec::default() });
    let (tracks, album): ([MediaLocation; 2], MediaItem) = rt.block_on(async {
        let sections = core.fetch_sections(&source.id).await.expect("sections");
        let music = sections.iter().find(|s| s.kind == reel_core::models::SectionKind::Music).expect("music");
        let artist = core.fetch_items(&source.id, &music.key, 0, Some(1)).await.expect("artists").remove(0);
        let album = core.fetch_children(&source.id, &artist.rating_key).await.expect("albums").remove(0);
        let tracks = core.fetch_children(&source.id, &album.rating_key).await.expect("tracks");
        let mut locations = Vec::new();
        for t in tracks.iter().take(2) {
            let plan = core.prepare_playback(&source.id, &t.rating_key, &Album, 0).await.expect("plan");
            locations.push(plan.location);
        }
        (locations.try_into().expect("two tracks"), album)
    });
    gst::init().expect("gstreamer");
    let runs = std::env::var("REEL_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(RUNS);
    // One untimed run of each: neither pays alone for cold caches.
    let _ = (reel(&tracks), bare(&tracks, false), bare(&tracks, true));
    let names = [
        "Reel (queued next track)",
        "GStreamer alone, one file after another (baseline)",
        "GStreamer alone, gapless (floor)",
    ];
    let mut rows: [Runs; 3] = Default::default();
    for _ in 0..runs {
        for (i, played) in [reel(&tracks), bare(&tracks, false), bare(&tracks, true)].into_iter().enumerate() {
            let (silence, stood) = gap_at_join(&played);
            rows[i].gaps.push(silence + stood);
            rows[i].silences.push(silence);
            rows[i].jitters.push(jitter(&played));
        }
    }
    // Play → first audio, alternating, after one untimed run of each.
    let _ = (reel_first_audio(&rt, &core, &source.id, &album), bare_first_audio(&tracks[0]));
    let (mut reel_first, mut bare_first) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        reel_first.push(reel_first_audio(&rt, &core, &source.id, &album));
        bare_first.push(bare_first_audio(&tracks[0]));
    }
    drop(lib);
    println!("Gap between two tracks of an album (Ogg Vorbis over loopback), median of {runs} (ms)");
    let gap = |r: &Runs| median(r.gaps.clone());
    let (reel_gap, baseline, floor) = (gap(&rows[0]), gap(&rows[1]), gap(&rows[2]));
    for (name, r) in names.iter().zip(&rows) {
        println!(
            "  {name}: gap {:.2} (of which silence {:.2}; clock noise p99 {:.2}); runs {:.2?}",
            gap(r),
            median(r.silences.clone()),
            median(r.jitters.clone()),
            r.gaps
        );
    }
    println!(
        "  Reel {reel_gap:.2} ms: {:.3}x the baseline, {:.2}x the floor (target ≤ 5 ms)",
        reel_gap / baseline,
        reel_gap / floor.max(0.01)
    );
    let (r, b) = (median(reel_first.clone()), median(bare_first.clone()));
    println!("Play on an album → first audio buffer played, over loopback, median of {runs} (ms)");
    println!("  Reel (play queue, track, engine) {r:.1} vs GStreamer alone opening the track {b:.1} = {:.2}x (target ≤ 1.50x)", r / b);
    println!("      runs Reel {reel_first:.0?}, floor {bare_first:.0?}");
}
