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
pub mod tracks;

use crate::i18n::{gettext, i18n_f};
use crate::player::capabilities::GstCapabilities;
use crate::player::gst_engine::GstEngine;
use crate::player::mpris::{Mpris, MprisCommand, NowPlaying};
use crate::player::{Engine, EngineEvent};
use crate::runtime::{CoreHandle, Failure};
use controls::Ui;
use describe::{fault_words, how, now_playing, what};
use reel_core::models::{MarkerKind, MediaItem, StreamKind};
use reel_core::playback::Format;
use reel_core::playback::{
    Answer, CoreCall, Effect, EngineCommand, Input, Intent, Moment, PlaybackSession, Status, View,
};
use reel_core::{Delivery, SourceId};
use reel_words::clock;
use relm4::adw::prelude::*;
use relm4::gtk::{gio, glib};
use relm4::{gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::rc::Rc;
use std::time::{Duration, Instant};
use tracks::PlayerAction;

/// Controls hide this long after the pointer last moved, while playing.
const HIDE_AFTER: Duration = Duration::from_secs(3);
/// How often the position on screen (and what the server hears) is brought up to date.
const TICK: Duration = Duration::from_millis(250);

pub struct PlayerPage {
    core: CoreHandle,
    engine: Option<Rc<dyn Engine>>,
    /// The shell's media controls (the window's, shared with the music queue).
    mpris: Mpris,
    /// The playback itself (the core's): this page feeds it and shows it.
    session: PlaybackSession,
    /// The session's clock.
    clock: Instant,
    /// What the page and the shell were last shown.
    shown: Shown,
    ui: Ui,
    /// Bumped whenever the pointer moves: only the latest hide timer hides.
    hide: u64,
    inhibit: Option<u32>,
    volume: f64,
    muted: bool,
    last_pointer: (f64, f64),
    _tick: Option<TickGuard>,
}

/// What the page last showed of the session's view, so a render changes
/// only what changed (fewer redraws and accessibility events).
#[derive(Default)]
struct Shown {
    view: Option<View>,
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

#[derive(Debug)]
pub enum PlayerMsg {
    /// Something playable is on screen: make the engine now.
    Prepare,
    /// What the person asks of the playback (Play, pause, seek, skip, leave).
    Intent(Intent),
    /// The core's answer to what the session asked in playback `generation`.
    Answer {
        generation: u64,
        answer: Answer,
    },
    Engine(EngineEvent),
    Tick,
    Volume(f64),
    VolumeBy(f64),
    ToggleMute,
    ToggleFullscreen,
    PointerMoved(f64, f64),
    HideControls(u64),
    Reported(Result<(MediaItem, Delivery), Failure>),
    /// The shell's media controls or a media key.
    Mpris(MprisCommand),
    /// One of the player's window actions (the menu, the skip button, D-Bus).
    Action(PlayerAction, Option<glib::Variant>),
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
            session: PlaybackSession::new(),
            clock: Instant::now(),
            shown: Shown::default(),
            ui,
            hide: 0,
            inhibit: None,
            volume: 1.0,
            muted: false,
            last_pointer: (-1.0, -1.0),
            _tick: None,
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
            PlayerMsg::Intent(intent) => {
                let play = matches!(intent, Intent::Play { .. });
                // Asked by a key or a click on the video: the controls show what it did.
                let show_controls = matches!(intent, Intent::TogglePlay | Intent::SeekBy(_));
                if play {
                    crate::probe!(mark("play start"));
                }
                self.feed(&sender, Input::Intent(intent));
                if play {
                    if let Err(e) = self.engine(&sender) {
                        self.feed(&sender, Input::EngineUnavailable(e));
                    }
                }
                if show_controls {
                    self.show_controls(&sender);
                }
            }
            PlayerMsg::Answer { generation, answer } => {
                crate::probe! {
                    if matches!(answer, Answer::Prepared(_)) {
                        mark("play prepared");
                    }
                }
                self.feed(&sender, Input::Answer { generation, answer })
            }
            PlayerMsg::Engine(e) => {
                tracing::debug!(event = ?e, "player");
                self.feed(&sender, Input::Engine(e));
            }
            PlayerMsg::Tick => {
                self.fit_video();
                self.feed(&sender, Input::Tick);
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
                let playing = self.session.view().is_some_and(|v| v.status == Status::Playing);
                if playing {
                    self.ui.top.set_reveal_child(false);
                    self.ui.bottom.set_reveal_child(false);
                    self.ui.root.set_cursor_from_name(Some("none"));
                }
            }
            PlayerMsg::HideControls(_) => {}
            // (What changed was shown when the server was told.)
            PlayerMsg::Reported(Ok(_)) => {}
            PlayerMsg::Reported(Err(f)) => tracing::warn!("playback report not saved: {}", f.message()),
            PlayerMsg::Mpris(c) => self.mpris_command(&sender, c),
            PlayerMsg::Action(a, v) => self.action(&sender, a, v),
        }
    }
}

impl PlayerPage {
    fn window(&self) -> Option<gtk::Window> {
        self.ui.root.root().and_then(|r| r.downcast::<gtk::Window>().ok())
    }
}
