//! The player page: asks the core how to play an item, drives the engine,
//! shows where it is, and tells the server (through the core) what happened:
//! timelines on every change and every 10 s, the watched mark past the
//! server's threshold. A connection that dies mid-stream is replaced by the
//! one the failover picks, from the same position.

mod controls;
pub mod keys;
pub mod tracks;

use crate::i18n::{gettext, i18n_f};
use crate::player::capabilities::GstCapabilities;
use crate::player::gst_engine::GstEngine;
use crate::player::mpris::{Mpris, MprisCommand, NowPlaying};
use crate::player::{Engine, EngineError, EngineEvent, EngineState};
use crate::runtime::{CoreHandle, Failure};
use controls::Ui;
use keys::clock;
use reel_core::models::{MarkerKind, MediaItem, ServerAction, Source, StreamKind};
use reel_core::services::playback::{Capabilities, Decision, Format, PlayState, Reporter, TranscodeReason};
use reel_core::{Delivery, MediaLocation, PlaybackPlan, SourceId};
use relm4::adw::prelude::*;
use relm4::gtk::{gio, glib};
use relm4::{gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::rc::Rc;
use std::time::{Duration, Instant};
use tracks::PlayerAction;

/// Controls hide this long after the pointer last moved, while playing.
const HIDE_AFTER: Duration = Duration::from_secs(3);
/// How often the position on screen (and the reporter) is brought up to date.
const TICK: Duration = Duration::from_millis(250);
/// How long Up Next counts down before the next episode plays.
const UP_NEXT_AFTER: Duration = Duration::from_secs(10);
/// Tries at another connection before a network failure is shown.
const RECOVER_TRIES: u32 = 2;

pub struct PlayerPage {
    core: CoreHandle,
    engine: Option<Rc<dyn Engine>>,
    /// The shell's media controls, started with the engine.
    mpris: Option<Mpris>,
    playing: Option<Playing>,
    generation: u64,
    ui: Ui,
    /// Bumped whenever the pointer moves: only the latest hide timer hides.
    hide: u64,
    inhibit: Option<u32>,
    volume: f64,
    muted: bool,
    last_pointer: (f64, f64),
}

/// One playback.
struct Playing {
    source: Source,
    item: MediaItem,
    plan: Option<PlaybackPlan>,
    reporter: Option<Reporter>,
    clock: Instant,
    state: EngineState,
    buffering: bool,
    duration_ms: u64,
    position_ms: u64,
    /// Network failures recovered from in a row.
    recoveries: u32,
    /// The server's choice of audio and subtitle track, set once it plays.
    initial_tracks: Option<(Option<u32>, Option<u32>)>,
    /// What plays after this (an episode's next one), once known.
    next: Option<MediaItem>,
    /// Since when Up Next is shown; None: not (yet).
    up_next_since: Option<Instant>,
    up_next_cancelled: bool,
    _tick: TickGuard,
}

/// Stops the position ticks when the playback ends.
struct TickGuard(Option<glib::SourceId>);
impl Drop for TickGuard {
    fn drop(&mut self) {
        if let Some(id) = self.0.take() {
            id.remove();
        }
    }
}

/// A player that decodes nothing: what playing through the server's
/// transcoder asks for.
struct NothingDirect;
impl Capabilities for NothingDirect {
    fn can_decode(&self, _: &Format) -> bool {
        false
    }
}

#[derive(Debug)]
pub enum PlayerMsg {
    Play {
        source: Source,
        item: MediaItem,
        start_ms: u64,
    },
    PlayTranscoded,
    Prepared {
        generation: u64,
        result: Result<PlaybackPlan, Failure>,
        start_ms: u64,
    },
    Relocated {
        generation: u64,
        result: Result<MediaLocation, Failure>,
        at_ms: u64,
    },
    Engine(EngineEvent),
    Tick,
    TogglePlay,
    SeekTo(u64),
    SeekBy(i64),
    Volume(f64),
    VolumeBy(f64),
    ToggleMute,
    ToggleFullscreen,
    PointerMoved(f64, f64),
    HideControls(u64),
    Reported {
        generation: u64,
        result: Result<(MediaItem, Delivery), Failure>,
    },
    /// The shell's media controls or a media key.
    Mpris(MprisCommand),
    /// One of the player's window actions (the menu, the skip button, D-Bus).
    Action(PlayerAction, Option<glib::Variant>),
    SkipMarker,
    NextKnown {
        generation: u64,
        next: Option<MediaItem>,
    },
    PlayNext,
    CancelUpNext,
    /// The poster file for the media controls.
    Art {
        generation: u64,
        file: Option<std::path::PathBuf>,
    },
    Leave,
}

#[derive(Debug)]
pub enum PlayerOutput {
    Leave,
    Toast(String),
    /// The item as it is now (progress, watched), for the pages that show it.
    ItemChanged {
        source_id: SourceId,
        item: MediaItem,
    },
    Title(Option<String>),
    Fullscreen(bool),
}

/// The size of the poster handed to the shell's media controls.
const ART_SIZE: (u32, u32) = (300, 450);

fn now_playing(p: &Playing, art: Option<std::path::PathBuf>) -> NowPlaying {
    NowPlaying {
        title: p.item.title.clone(),
        show: p.item.grandparent_title.clone(),
        length_ms: p.duration_ms,
        art,
        id: p.item.rating_key.to_string(),
    }
}

fn what(item: &MediaItem) -> String {
    match (&item.grandparent_title, item.kind) {
        (Some(show), reel_core::models::ItemKind::Episode) => i18n_f("{} – {}", &[show, &item.title]),
        _ => item.title.clone(),
    }
}

/// How the item plays, in words: Direct Play, or Transcoding and why.
fn how(decision: &Decision) -> String {
    match decision {
        Decision::DirectPlay => gettext("Direct Play"),
        Decision::Transcode(TranscodeReason::ImageSubtitle) => {
            gettext("Transcoding: the server draws the subtitles into the picture")
        }
        Decision::Transcode(TranscodeReason::Unsupported(formats)) if !formats.is_empty() => {
            let names: Vec<&str> = formats.iter().map(Format::name).collect();
            i18n_f("Transcoding: this computer cannot decode {}", &[&names.join(", ")])
        }
        Decision::Transcode(_) => gettext("Transcoding"),
    }
}

fn play_state(p: &Playing) -> PlayState {
    match p.state {
        _ if p.buffering => PlayState::Buffering,
        EngineState::Loading => PlayState::Buffering,
        EngineState::Playing => PlayState::Playing,
        EngineState::Paused => PlayState::Paused,
        EngineState::Stopped => PlayState::Stopped,
    }
}

impl SimpleComponent for PlayerPage {
    type Init = CoreHandle;
    type Input = PlayerMsg;
    type Output = PlayerOutput;
    type Root = gtk::Overlay;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::Overlay::new()
    }

    fn init(core: CoreHandle, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let ui = controls::build(&root, &sender);
        let model = PlayerPage {
            core,
            engine: None,
            mpris: None,
            playing: None,
            generation: 0,
            ui,
            hide: 0,
            inhibit: None,
            volume: 1.0,
            muted: false,
            last_pointer: (-1.0, -1.0),
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: PlayerMsg, sender: ComponentSender<Self>) {
        match msg {
            PlayerMsg::Play { source, item, start_ms } => self.start(&sender, source, item, start_ms, false),
            PlayerMsg::PlayTranscoded => {
                if let Some(p) = self.playing.take() {
                    let at = p.position_ms;
                    self.start(&sender, p.source, p.item, at, true);
                }
            }
            PlayerMsg::Prepared { generation, result, start_ms } if generation == self.generation => {
                self.prepared(&sender, result, start_ms)
            }
            PlayerMsg::Relocated { generation, result, at_ms } if generation == self.generation => match result {
                Ok(location) => {
                    if let Some(engine) = &self.engine {
                        engine.load(&location, at_ms);
                    }
                    if let Some(plan) = self.playing.as_mut().and_then(|p| p.plan.as_mut()) {
                        plan.location = location;
                    }
                    let _ = sender.output(PlayerOutput::Toast(gettext("The connection changed; playback goes on")));
                }
                Err(f) => self.fail(&f.message(), false),
            },
            PlayerMsg::Prepared { .. } | PlayerMsg::Relocated { .. } => {}
            PlayerMsg::Engine(e) => self.engine_event(&sender, e),
            PlayerMsg::Tick => self.tick(&sender),
            PlayerMsg::TogglePlay => {
                let (Some(engine), Some(p)) = (&self.engine, &self.playing) else { return };
                match p.state {
                    EngineState::Playing => engine.pause(),
                    EngineState::Paused => engine.play(),
                    EngineState::Stopped if p.plan.is_some() => {
                        let (source, item, at) = (p.source.clone(), p.item.clone(), 0);
                        self.start(&sender, source, item, at, false);
                    }
                    _ => {}
                }
                self.show_controls(&sender);
            }
            PlayerMsg::SeekTo(ms) => self.seek(ms),
            PlayerMsg::SeekBy(delta) => {
                let Some(p) = &self.playing else { return };
                let to = (p.position_ms as i64 + delta).clamp(0, p.duration_ms.max(1) as i64 - 1);
                self.seek(to as u64);
                self.show_controls(&sender);
            }
            PlayerMsg::Volume(v) => {
                self.volume = v.clamp(0.0, 1.0);
                if let Some(e) = &self.engine {
                    e.set_volume(self.volume);
                }
                if let Some(m) = &self.mpris {
                    m.set_volume(self.volume);
                }
            }
            PlayerMsg::VolumeBy(d) => {
                // The button's own signal sets the engine.
                self.ui.volume.set_value((self.volume + d).clamp(0.0, 1.0));
                self.show_controls(&sender);
            }
            PlayerMsg::ToggleMute => {
                self.muted = !self.muted;
                if let Some(e) = &self.engine {
                    e.set_muted(self.muted);
                }
                let _ =
                    sender.output(PlayerOutput::Toast(if self.muted { gettext("Muted") } else { gettext("Sound on") }));
            }
            PlayerMsg::ToggleFullscreen => {
                if let Some(w) = self.window() {
                    let full = !w.is_fullscreen();
                    let _ = sender.output(PlayerOutput::Fullscreen(full));
                }
            }
            PlayerMsg::PointerMoved(x, y) => {
                // GTK reports a motion when widgets change under a still pointer.
                if (x - self.last_pointer.0).abs() + (y - self.last_pointer.1).abs() > 1.0 {
                    self.last_pointer = (x, y);
                    self.show_controls(&sender);
                }
            }
            PlayerMsg::HideControls(n) if n == self.hide => {
                let playing = self.playing.as_ref().is_some_and(|p| p.state == EngineState::Playing);
                if playing {
                    self.ui.top.set_reveal_child(false);
                    self.ui.bottom.set_reveal_child(false);
                    self.ui.root.set_cursor_from_name(Some("none"));
                }
            }
            PlayerMsg::HideControls(_) => {}
            PlayerMsg::Reported { result, .. } => match result {
                Ok((item, _)) => {
                    if let Some(p) = self.playing.as_mut().filter(|p| p.item.rating_key == item.rating_key) {
                        p.item = item.clone();
                        let _ = sender.output(PlayerOutput::ItemChanged { source_id: p.source.id.clone(), item });
                    }
                }
                Err(f) => tracing::warn!("playback report not saved: {}", f.message()),
            },
            PlayerMsg::Leave => {
                self.finish(&sender);
                let _ = sender.output(PlayerOutput::Leave);
            }
            PlayerMsg::Mpris(c) => self.mpris_command(&sender, c),
            PlayerMsg::Art { generation, file } if generation == self.generation => {
                if let (Some(m), Some(p)) = (&self.mpris, &self.playing) {
                    m.set_now_playing(Some(now_playing(p, file)));
                }
            }
            PlayerMsg::Art { .. } => {}
            PlayerMsg::SkipMarker => self.action(&sender, PlayerAction::SkipMarker, None),
            PlayerMsg::NextKnown { generation, next } if generation == self.generation => {
                if let Some(p) = self.playing.as_mut() {
                    p.next = next;
                }
            }
            PlayerMsg::NextKnown { .. } => {}
            PlayerMsg::PlayNext => self.play_next(&sender),
            PlayerMsg::CancelUpNext => {
                if let Some(p) = self.playing.as_mut() {
                    p.up_next_cancelled = true;
                }
                self.ui.up_next.set_visible(false);
            }
            PlayerMsg::Action(a, v) => self.action(&sender, a, v),
        }
    }
}

impl PlayerPage {
    fn window(&self) -> Option<gtk::Window> {
        self.ui.root.root().and_then(|r| r.downcast::<gtk::Window>().ok())
    }

    fn engine(&mut self, sender: &ComponentSender<Self>) -> Result<Rc<dyn Engine>, String> {
        if let Some(e) = &self.engine {
            return Ok(e.clone());
        }
        let s = sender.input_sender().clone();
        let engine: Rc<dyn Engine> =
            Rc::new(GstEngine::new(move |e| s.emit(PlayerMsg::Engine(e))).map_err(|e| format!("{e:#}"))?);
        self.ui.picture.set_paintable(Some(&engine.paintable()));
        #[cfg(feature = "bench")]
        {
            let s = sender.input_sender().clone();
            crate::bench_probe::watch_frames(&self.ui.picture, &engine.paintable(), move |ms| {
                s.emit(PlayerMsg::SeekTo(ms))
            });
        }
        engine.set_volume(self.volume);
        self.engine = Some(engine.clone());
        let s = sender.input_sender().clone();
        self.mpris = Some(Mpris::start(move |c| s.emit(PlayerMsg::Mpris(c))));
        self.install_actions(sender);
        Ok(engine)
    }

    fn start(
        &mut self,
        sender: &ComponentSender<Self>,
        source: Source,
        item: MediaItem,
        start_ms: u64,
        transcode: bool,
    ) {
        self.finish(sender);
        self.generation += 1;
        let generation = self.generation;
        self.ui.title.set_title(&what(&item));
        self.ui.title.set_subtitle("");
        self.ui.error.set_visible(false);
        self.ui.spinner.set_visible(true);
        self.ui.spinner.start();
        self.ui.scale.set_range(0.0, item.duration_ms.unwrap_or(0).max(1) as f64);
        self.ui.scale.set_value(start_ms as f64);
        let _ = sender.output(PlayerOutput::Title(Some(what(&item))));
        let tick = {
            let s = sender.clone();
            glib::timeout_add_local(TICK, move || {
                s.input(PlayerMsg::Tick);
                glib::ControlFlow::Continue
            })
        };
        self.playing = Some(Playing {
            source: source.clone(),
            item: item.clone(),
            plan: None,
            reporter: None,
            clock: Instant::now(),
            state: EngineState::Loading,
            buffering: false,
            duration_ms: item.duration_ms.unwrap_or(0).max(0) as u64,
            position_ms: start_ms,
            recoveries: 0,
            initial_tracks: None,
            next: None,
            up_next_since: None,
            up_next_cancelled: false,
            _tick: TickGuard(Some(tick)),
        });
        self.show_controls(sender);
        self.ui.root.grab_focus();
        if let Err(e) = self.engine(sender) {
            self.fail(&i18n_f("The player could not start: {}", &[&e]), false);
            return;
        }
        let (s, id, key) = (sender.clone(), source.id.clone(), item.rating_key.clone());
        self.core.run(
            move |core| async move {
                let caps: &dyn Capabilities = if transcode { &NothingDirect } else { &GstCapabilities };
                core.prepare_playback(&id, &key, caps, start_ms).await.map_err(Failure::from)
            },
            move |result| s.input(PlayerMsg::Prepared { generation, result, start_ms }),
        );
    }

    fn prepared(&mut self, sender: &ComponentSender<Self>, result: Result<PlaybackPlan, Failure>, start_ms: u64) {
        let Some(p) = self.playing.as_mut() else { return };
        let plan = match result {
            Ok(plan) => plan,
            Err(f) => return self.fail(&i18n_f("Cannot play this: {}", &[&f.message()]), false),
        };
        self.ui.title.set_subtitle(&how(&plan.decision));
        if let Some(d) = plan.playable.duration_ms().filter(|d| *d > 0) {
            p.duration_ms = d as u64;
            self.ui.scale.set_range(0.0, d as f64);
        }
        p.reporter =
            Some(Reporter::new(&p.item.rating_key, p.duration_ms, &plan.session, plan.threshold, p.item.watched()));
        // A transcode starts where it was asked: the stream's zero is that point.
        let engine_start = start_ms.saturating_sub(plan.stream_offset_ms());
        if let Some(engine) = &self.engine {
            engine.load(&plan.location, engine_start);
        }
        if let Some(m) = &self.mpris {
            m.set_now_playing(Some(now_playing(p, None)));
        }
        let part = plan.playable.first_part().map(|(_, _, part)| part);
        self.ui.tracks.set_menu_model(Some(&tracks::menu(part)));
        p.initial_tracks = part.map(|part| {
            let pick = |kind| tracks::embedded(part, kind).iter().position(|s| s.selected).map(|i| i as u32);
            (pick(StreamKind::Audio), pick(StreamKind::Subtitle))
        });
        if let Some(thumb) = p.item.thumb.clone() {
            let (s, generation, id) = (sender.clone(), self.generation, p.source.id.clone());
            self.core.run(
                move |core| async move { core.poster_file(&id, &thumb, ART_SIZE.0, ART_SIZE.1).await },
                move |file| s.input(PlayerMsg::Art { generation, file }),
            );
        }
        if p.item.kind == reel_core::models::ItemKind::Episode {
            let (s, generation, id, item) = (sender.clone(), self.generation, p.source.id.clone(), p.item.clone());
            self.core.run(
                move |core| async move { core.next_episode(&id, &item).await.ok().flatten() },
                move |next| s.input(PlayerMsg::NextKnown { generation, next }),
            );
        }
        p.plan = Some(plan);
        self.inhibit_suspend(true);
        self.report(sender);
    }

    fn engine_event(&mut self, sender: &ComponentSender<Self>, e: EngineEvent) {
        tracing::debug!(event = ?e, "player");
        let Some(p) = self.playing.as_mut() else { return };
        match e {
            EngineEvent::State(state) => {
                p.state = state;
                if state == EngineState::Playing {
                    p.recoveries = 0;
                    if let (Some((audio, subtitle)), Some(engine)) = (p.initial_tracks.take(), &self.engine) {
                        if let Some(a) = audio {
                            engine.set_audio_track(a);
                        }
                        // The server's choice; none chosen there means none shown.
                        engine.set_subtitle_track(subtitle);
                    }
                }
                let playing = state == EngineState::Playing;
                let busy = state == EngineState::Loading || p.buffering;
                if let Some(m) = &self.mpris {
                    m.set_status(match state {
                        EngineState::Playing => mpris_server::PlaybackStatus::Playing,
                        EngineState::Stopped => mpris_server::PlaybackStatus::Stopped,
                        EngineState::Paused | EngineState::Loading => mpris_server::PlaybackStatus::Paused,
                    });
                }
                self.show_playing(playing);
                self.ui.spinner.set_visible(busy);
                self.inhibit_suspend(playing);
                self.report(sender);
                if !playing {
                    self.show_controls(sender);
                }
            }
            EngineEvent::Buffering(percent) => {
                let buffering = percent < 100;
                if buffering != p.buffering {
                    p.buffering = buffering;
                    self.ui.spinner.set_visible(buffering);
                    self.report(sender);
                }
            }
            EngineEvent::DurationKnown(ms) if ms > 0 => {
                let offset = p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
                p.duration_ms = p.duration_ms.max(ms + offset);
                self.ui.scale.set_range(0.0, p.duration_ms as f64);
            }
            EngineEvent::DurationKnown(_) => {}
            EngineEvent::Ended => {
                p.position_ms = p.duration_ms;
                p.state = EngineState::Stopped;
                let next = p.next.is_some() && !p.up_next_cancelled;
                self.report(sender);
                if next {
                    self.play_next(sender);
                } else {
                    self.finish(sender);
                    let _ = sender.output(PlayerOutput::Leave);
                }
            }
            EngineEvent::Error(EngineError::Network(why)) if p.recoveries < RECOVER_TRIES && p.plan.is_some() => {
                // The connection may have died: ask the core where to go on
                // (the failover's choice), from where it stopped.
                tracing::info!("stream failed ({why}); trying another connection");
                p.recoveries += 1;
                let (plan, at, generation, s) = (p.plan.clone(), p.position_ms, self.generation, sender.clone());
                self.ui.spinner.set_visible(true);
                self.core.run(
                    move |core| async move {
                        match plan {
                            Some(plan) => core.media_location(&plan).await.map_err(Failure::from),
                            None => Err(Failure::from(reel_core::Error::Invalid(String::new()))),
                        }
                    },
                    move |result| s.input(PlayerMsg::Relocated { generation, result, at_ms: at }),
                );
            }
            EngineEvent::Error(e) => {
                let direct = matches!(p.plan.as_ref().map(|pl| &pl.decision), Some(Decision::DirectPlay));
                let text = match &e {
                    EngineError::MissingCodec(name) => {
                        i18n_f("This computer cannot decode {}. The server can convert it while it plays.", &[name])
                    }
                    EngineError::Network(why) => i18n_f("The media stopped arriving: {}", &[why]),
                    EngineError::Decode(why) => i18n_f("The file could not be decoded (it may be damaged): {}", &[why]),
                    EngineError::Other(why) => i18n_f("Playback failed: {}", &[why]),
                };
                let offer = direct && matches!(e, EngineError::MissingCodec(_) | EngineError::Decode(_));
                p.state = EngineState::Stopped;
                self.report(sender);
                self.fail(&text, offer);
            }
        }
    }

    fn tick(&mut self, sender: &ComponentSender<Self>) {
        let (Some(engine), Some(p)) = (&self.engine, self.playing.as_mut()) else { return };
        if p.state == EngineState::Loading || p.plan.is_none() {
            return;
        }
        if let Some(pos) = engine.position_ms() {
            let offset = p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
            p.position_ms = pos + offset;
        }
        if let Some(m) = &self.mpris {
            m.set_position(p.position_ms);
        }
        let marker = p.plan.as_ref().and_then(|pl| pl.playable.marker_at(p.position_ms as i64));
        let final_credits = marker.is_some_and(|m| m.kind == MarkerKind::Credits && m.is_final);
        // Up Next in the final credits (or the last 10 s without markers).
        let near_end = final_credits
            || (p.duration_ms > 0
                && p.duration_ms.saturating_sub(p.position_ms) <= 10_000
                && p.plan.as_ref().is_some_and(|pl| pl.playable.markers.is_empty()));
        let mut play_next = false;
        match (&p.next, near_end && !p.up_next_cancelled) {
            (Some(next), true) => {
                let since = *p.up_next_since.get_or_insert_with(Instant::now);
                let left = UP_NEXT_AFTER.saturating_sub(since.elapsed()).as_secs();
                self.ui.up_next_title.set_text(&what(next));
                self.ui.up_next_countdown.set_text(&i18n_f("Starts in {} s", &[&left.to_string()]));
                self.ui.up_next.set_visible(true);
                play_next = left == 0;
            }
            _ => {
                p.up_next_since = None;
                self.ui.up_next.set_visible(false);
            }
        }
        if play_next {
            sender.input(PlayerMsg::PlayNext);
        }
        let marker = marker.map(|m| m.kind).filter(|_| !self.ui.up_next.is_visible());
        match marker {
            Some(kind) => {
                let label = if kind == MarkerKind::Credits { gettext("Skip Credits") } else { gettext("Skip Intro") };
                if self.ui.skip.label().as_deref() != Some(label.as_str()) {
                    self.ui.skip.set_label(&label);
                }
                self.ui.skip.set_visible(true);
            }
            None => self.ui.skip.set_visible(false),
        }
        if !self.ui.scale.has_css_class("dragging") {
            self.ui.scale.set_value(p.position_ms as f64);
        }
        let now = clock(p.position_ms);
        // Changed only when the second changes: fewer accessibility events.
        if self.ui.elapsed.text() != now {
            self.ui.elapsed.set_text(&now);
            let left = p.duration_ms.saturating_sub(p.position_ms);
            self.ui.remaining.set_text(&format!("-{}", clock(left)));
            crate::widgets::labelled(&self.ui.elapsed, &i18n_f("Elapsed {}", &[&now]));
        }
        self.report(sender);
    }

    /// Sends what the reporter says is due (a change of state, 10 s of
    /// playing, the threshold passed).
    fn report(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = self.playing.as_mut() else { return };
        let state = play_state(p);
        let Some(reporter) = p.reporter.as_mut() else { return };
        let actions: Vec<ServerAction> = reporter.update(state, p.position_ms, p.clock.elapsed());
        if actions.is_empty() {
            return;
        }
        let (s, generation, id, item) = (sender.clone(), self.generation, p.source.id.clone(), p.item.clone());
        self.core.run(
            move |core| async move { core.report_playback(&id, &item, actions).await.map_err(Failure::from) },
            move |result| s.input(PlayerMsg::Reported { generation, result }),
        );
    }

    fn seek(&mut self, ms: u64) {
        let (Some(engine), Some(p)) = (&self.engine, self.playing.as_mut()) else { return };
        let offset = p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
        p.position_ms = ms;
        self.ui.elapsed.set_text(&clock(ms));
        engine.seek(ms.saturating_sub(offset));
        if let Some(m) = &self.mpris {
            m.seeked(ms);
        }
    }

    /// The play button as a pause button while playing.
    fn show_playing(&self, playing: bool) {
        let (icon, label) = if playing {
            ("media-playback-pause-symbolic", gettext("Pause"))
        } else {
            ("media-playback-start-symbolic", gettext("Play"))
        };
        self.ui.play.set_icon_name(icon);
        self.ui.play.set_tooltip_text(Some(&label));
        crate::widgets::labelled(&self.ui.play, &label);
    }

    fn show_controls(&mut self, sender: &ComponentSender<Self>) {
        self.ui.top.set_reveal_child(true);
        self.ui.bottom.set_reveal_child(true);
        self.ui.root.set_cursor_from_name(None);
        self.hide += 1;
        let (s, n) = (sender.clone(), self.hide);
        glib::timeout_add_local_once(HIDE_AFTER, move || s.input(PlayerMsg::HideControls(n)));
    }

    fn fail(&mut self, text: &str, offer_transcode: bool) {
        if let Some(e) = &self.engine {
            e.stop();
        }
        if let Some(p) = self.playing.as_mut() {
            p.state = EngineState::Stopped;
        }
        self.show_playing(false);
        self.ui.spinner.set_visible(false);
        self.ui.error.set_title(&gettext("Cannot Play"));
        self.ui.error.set_description(Some(&glib::markup_escape_text(text)));
        self.ui.transcode.set_visible(offer_transcode);
        self.ui.error.set_visible(true);
        self.ui.top.set_reveal_child(true);
        self.inhibit_suspend(false);
    }

    /// Ends the playback: the server hears it stopped, a transcode session
    /// is ended, the engine lets go of the media.
    fn finish(&mut self, sender: &ComponentSender<Self>) {
        if let Some(p) = self.playing.as_mut() {
            p.state = EngineState::Stopped;
            p.buffering = false;
        }
        self.report(sender);
        if let Some(e) = &self.engine {
            e.stop();
        }
        if let Some(plan) = self.playing.take().and_then(|p| p.plan) {
            if plan.transcode.is_some() {
                self.core.run(move |core| async move { core.stop_transcode(&plan).await }, |_| {});
            }
        }
        self.inhibit_suspend(false);
        self.show_playing(false);
        if let Some(m) = &self.mpris {
            m.set_status(mpris_server::PlaybackStatus::Stopped);
            m.set_now_playing(None);
        }
        self.ui.spinner.set_visible(false);
        self.ui.root.set_cursor_from_name(None);
        let _ = sender.output(PlayerOutput::Title(None));
    }

    /// Plays what comes next (from its own resume point).
    fn play_next(&mut self, sender: &ComponentSender<Self>) {
        let Some((source, next)) = self.playing.as_ref().and_then(|p| Some((p.source.clone(), p.next.clone()?))) else {
            return;
        };
        self.ui.up_next.set_visible(false);
        let start = if next.watched() { 0 } else { next.view_offset_ms.max(0) as u64 };
        self.start(sender, source, next, start, false);
    }

    /// The player's actions in the window's `win.` group.
    fn install_actions(&self, sender: &ComponentSender<Self>) {
        let Some(window) = self.window().and_then(|w| w.downcast::<gtk::ApplicationWindow>().ok()) else { return };
        for a in PlayerAction::ALL {
            let action = match a.initial_state() {
                Some(state) => gio::SimpleAction::new_stateful(a.name(), a.parameter(), &state),
                None => gio::SimpleAction::new(a.name(), a.parameter()),
            };
            let s = sender.input_sender().clone();
            action.connect_activate(move |_, v| s.emit(PlayerMsg::Action(a, v.cloned())));
            window.add_action(&action);
        }
    }

    fn set_action_state(&self, a: PlayerAction, state: glib::Variant) {
        let Some(window) = self.window().and_then(|w| w.downcast::<gtk::ApplicationWindow>().ok()) else { return };
        if let Some(action) = window.lookup_action(a.name()).and_then(|x| x.downcast::<gio::SimpleAction>().ok()) {
            action.set_state(&state);
        }
    }

    fn action(&mut self, sender: &ComponentSender<Self>, a: PlayerAction, v: Option<glib::Variant>) {
        let (Some(engine), Some(p)) = (self.engine.clone(), self.playing.as_ref()) else { return };
        let Some(plan) = p.plan.as_ref() else { return };
        let part = plan.playable.first_part().map(|(_, _, part)| part.clone());
        match a {
            PlayerAction::SkipMarker => {
                if let Some(m) = plan.playable.marker_at(p.position_ms as i64) {
                    let to = m.end_ms.max(0) as u64;
                    self.seek(to.min(p.duration_ms.saturating_sub(1)));
                }
            }
            PlayerAction::PlaybackSpeed => {
                let Some(rate) = v.as_ref().and_then(|v| v.get::<f64>()) else { return };
                engine.set_rate(rate);
                self.set_action_state(a, rate.to_variant());
            }
            PlayerAction::AudioTrack | PlayerAction::SubtitleTrack => {
                let (Some(id), Some(part)) = (v.as_ref().and_then(|v| v.get::<i64>()), part) else { return };
                let kind = if a == PlayerAction::AudioTrack { StreamKind::Audio } else { StreamKind::Subtitle };
                let index = tracks::embedded(&part, kind).iter().position(|s| s.id == id).map(|i| i as u32);
                match (kind, index) {
                    (StreamKind::Audio, Some(i)) => engine.set_audio_track(i),
                    (StreamKind::Subtitle, i) if id == 0 || i.is_some() => engine.set_subtitle_track(i),
                    _ => return,
                }
                self.set_action_state(a, id.to_variant());
                // Saved on the server: every Plex app starts with it next time.
                let (audio, subtitle) = if kind == StreamKind::Audio { (Some(id), None) } else { (None, Some(id)) };
                let (s, source_id, part_id) = (sender.clone(), p.source.id.clone(), part.id);
                self.core.run(
                    move |core| async move { core.choose_streams(&source_id, part_id, audio, subtitle).await },
                    move |r| {
                        if let Err(e) = r {
                            let text =
                                i18n_f("The track choice was not saved on the server: {}", &[&crate::words::error(&e)]);
                            s.output(PlayerOutput::Toast(text)).ok();
                        }
                    },
                );
            }
        }
    }

    fn mpris_command(&mut self, sender: &ComponentSender<Self>, c: MprisCommand) {
        let state = self.playing.as_ref().map(|p| p.state);
        match c {
            MprisCommand::PlayPause => sender.input(PlayerMsg::TogglePlay),
            MprisCommand::Play if state == Some(EngineState::Paused) => sender.input(PlayerMsg::TogglePlay),
            MprisCommand::Pause if state == Some(EngineState::Playing) => sender.input(PlayerMsg::TogglePlay),
            MprisCommand::Play | MprisCommand::Pause => {}
            MprisCommand::Stop if self.playing.is_some() => sender.input(PlayerMsg::Leave),
            MprisCommand::Stop => {}
            MprisCommand::SeekBy(ms) => sender.input(PlayerMsg::SeekBy(ms)),
            MprisCommand::SeekTo(ms) => sender.input(PlayerMsg::SeekTo(ms)),
            MprisCommand::Raise => {
                if let Some(w) = self.window() {
                    w.present();
                }
            }
        }
    }

    fn inhibit_suspend(&mut self, on: bool) {
        let app = relm4::main_application();
        match (on, self.inhibit.take()) {
            (true, None) => {
                let reason = gettext("Playing a video");
                let cookie = app.inhibit(
                    self.window().as_ref(),
                    gtk::ApplicationInhibitFlags::SUSPEND | gtk::ApplicationInhibitFlags::IDLE,
                    Some(&reason),
                );
                self.inhibit = (cookie != 0).then_some(cookie);
            }
            (true, Some(cookie)) => self.inhibit = Some(cookie),
            (false, Some(cookie)) => app.uninhibit(cookie),
            (false, None) => {}
        }
    }
}
