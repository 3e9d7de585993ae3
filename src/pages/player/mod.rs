//! The player page: asks the core how to play an item, drives the engine,
//! shows where it is, and tells the server (through the core) what happened:
//! timelines on every change and every 10 s, the watched mark past the
//! server's threshold. A connection that dies mid-stream is replaced by the
//! one the failover picks, from the same position.

mod commands;
mod controls;
mod describe;
mod engine;
pub mod keys;
mod playback;
mod position;
mod sidecar;
pub mod tracks;

use crate::i18n::{gettext, i18n_f};
use crate::player::capabilities::GstCapabilities;
use crate::player::gst_engine::GstEngine;
use crate::player::mpris::{Mpris, MprisCommand, NowPlaying};
use crate::player::{Engine, EngineError, EngineEvent, EngineState};
use crate::runtime::{CoreHandle, Failure};
use controls::Ui;
use describe::{ended_early, ended_early_words, how, now_playing, play_state, what, ART_SIZE};
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
    /// The shell's media controls (the window's, shared with the music queue).
    mpris: Mpris,
    playing: Option<Playing>,
    /// What plays after the item, in order (a playlist's or a collection's
    /// entries); empty: an episode's next one, as the server says.
    then: Vec<MediaItem>,
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
    /// The server's choice of audio and subtitle track inside the file,
    /// set once it plays (subtitles `None`: a sidecar file, loaded with it).
    initial_tracks: Option<(Option<u32>, Option<Option<u32>>)>,
    /// The poster for the shell's media controls is still to be fetched:
    /// asked for once the video plays, so that it does not take the CPU
    /// (the server's and this machine's) while the video opens.
    art_wanted: bool,
    /// The server path of the subtitle file loaded with the media, if any
    /// (fetched once to a local file, which the media keeps wherever it moves).
    sidecar: Option<String>,
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
    /// Something playable is on screen: make the engine now.
    Prepare,
    /// Play `item` from `start_ms`, then each of `then`.
    Play {
        source: Source,
        item: MediaItem,
        start_ms: u64,
        then: Vec<MediaItem>,
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
    /// A transcode restarted at a seek's target.
    Retranscoded {
        generation: u64,
        result: Result<PlaybackPlan, Failure>,
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
    /// The subtitle file beside the media, fetched: the media opens (again)
    /// with it, at `load_at` (None: where it is).
    Sidecar {
        generation: u64,
        file: Result<std::path::PathBuf, Failure>,
        load_at: Option<u64>,
    },
    Leave,
}

#[derive(Debug)]
pub enum PlayerOutput {
    Leave,
    /// The media is being opened (or cannot be): time to show the page.
    Opening,
    Toast(String),
    /// The item as it is now (progress, watched), for the pages that show it.
    ItemChanged {
        source_id: SourceId,
        item: MediaItem,
    },
    Title(Option<String>),
    Fullscreen(bool),
}

impl SimpleComponent for PlayerPage {
    /// The core, and the window's media controls.
    type Init = (CoreHandle, Mpris);
    type Input = PlayerMsg;
    type Output = PlayerOutput;
    type Root = gtk::Overlay;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::Overlay::new()
    }

    fn init((core, mpris): Self::Init, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let ui = controls::build(&root, &sender);
        let model = PlayerPage {
            core,
            engine: None,
            mpris,
            playing: None,
            then: Vec::new(),
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
            PlayerMsg::Prepare => {
                if let Err(e) = self.engine(&sender) {
                    tracing::warn!("the player is not ready: {e}");
                }
            }
            PlayerMsg::Play { source, item, start_ms, then } => {
                self.then = then;
                self.start(&sender, source, item, start_ms, false)
            }
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
                Ok(location) => self.relocated(&sender, location, at_ms),
                Err(f) => self.fail(&sender, &f.message(), false),
            },
            PlayerMsg::Retranscoded { generation, result } if generation == self.generation => {
                self.retranscoded(&sender, result)
            }
            PlayerMsg::Prepared { .. } | PlayerMsg::Relocated { .. } | PlayerMsg::Retranscoded { .. } => {}
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
            // A position asked for (the seek bar, the media controls): there.
            PlayerMsg::SeekTo(ms) => self.seek(&sender, ms, true),
            PlayerMsg::SeekBy(delta) => {
                let Some(p) = &self.playing else { return };
                let to = (p.position_ms as i64 + delta).clamp(0, p.duration_ms.max(1) as i64 - 1);
                self.seek(&sender, to as u64, false);
                self.show_controls(&sender);
            }
            PlayerMsg::Volume(v) => {
                self.volume = v.clamp(0.0, 1.0);
                if let Some(e) = &self.engine {
                    e.set_volume(self.volume);
                }
                self.mpris.set_volume(self.volume);
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
                // What went wrong was said; it is not the next playback's page.
                self.ui.error.set_visible(false);
                let _ = sender.output(PlayerOutput::Leave);
            }
            PlayerMsg::Mpris(c) => self.mpris_command(&sender, c),
            PlayerMsg::Art { generation, file } if generation == self.generation => {
                if let Some(p) = &self.playing {
                    self.mpris.set_now_playing(Some(now_playing(p, file)));
                }
            }
            PlayerMsg::Art { .. } => {}
            PlayerMsg::Sidecar { generation, file, load_at } if generation == self.generation => {
                self.sidecar_fetched(&sender, file, load_at)
            }
            PlayerMsg::Sidecar { .. } => {}
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
}
