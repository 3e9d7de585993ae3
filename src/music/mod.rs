//! Music: a server play queue played gaplessly by the music engine, shown
//! in the now-playing bar at the bottom of the window while the user
//! browses anywhere. What the queue does (the server makes it, what plays
//! next, repeat, shuffle, changes, what the server hears, failures, the
//! queue kept across restarts) is the core's music session; here it is
//! driven ([`drive`]: the person, the engine, the time and the core's
//! answers in, engine commands and core calls out) and drawn ([`render`]:
//! the bar, the queue's view and the shell's media controls).

mod actions;
mod bar;
mod drive;
mod queue_view;
mod render;

use crate::player::gst_engine::GstEngine;
use crate::player::mpris::{LoopStatus, Mpris, MprisCommand};
use crate::player::EngineEvent;
use crate::runtime::{CoreHandle, Failure};
use queue_view::QueueAction;
use reel_core::models::{MediaItem, QueueSource, Repeat, SavedQueue, Source};
use reel_core::playback::{cycled, Answer, Input, Intent, MusicSession, MusicView, QueueEdit, QueueIntent, Status};
use reel_core::Delivery;
use relm4::gtk::prelude::*;
use relm4::gtk::{gdk, glib};
use relm4::{gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// How often the position on screen (and what the server hears) is brought up to date.
const TICK: Duration = Duration::from_millis(250);

pub struct MusicPlayer {
    core: CoreHandle,
    mpris: Mpris,
    session: MusicSession,
    /// The session's clock.
    clock: Instant,
    /// Made the first time music plays.
    engine: Option<Rc<GstEngine>>,
    /// Whether what is loaded or queued next is fetched whole (kept for
    /// an engine not made yet).
    fetch_whole: bool,
    volume: f64,
    /// Whether the shell's controls are the queue's (not the video player's).
    announcing: bool,
    /// The view drawn last.
    shown: Option<MusicView>,
    /// The entry whose cover the bar shows.
    cover_of: Option<u64>,
    ui: bar::Bar,
    root: gtk::Revealer,
    /// Where the engine's events go.
    input: relm4::Sender<MusicMsg>,
    /// The queue's window actions are in the window.
    actions_installed: bool,
    _tick: glib::SourceId,
}

#[derive(Debug)]
pub enum MusicMsg {
    /// Play what `from` holds (an album, an artist, a playlist, a
    /// collection) from `start` (one of its tracks), shuffled if asked.
    Play {
        source: Source,
        from: QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
    },
    /// The queue the last run left, shown paused at its place.
    Restore(SavedQueue),
    /// The core's answer to a call the session made in `generation`.
    Answer {
        generation: u64,
        answer: Answer,
    },
    Engine(EngineEvent),
    /// The engine could not be made.
    EngineFailed(String),
    Tick,
    TogglePlay,
    Next,
    Previous,
    SeekTo(u64),
    SetVolume(f64),
    CycleRepeat,
    SetRepeat(Repeat),
    SetShuffle(bool),
    Mpris(MprisCommand),
    /// Something done to an entry of the queue (by its id), from its view.
    Queue(QueueAction, u64),
    /// A video starts: the music pauses for it, and the shell's controls are the video's.
    PauseForVideo,
    /// The video player left: the shell's controls are the queue's again.
    Announce,
    Cover {
        entry: u64,
        texture: gdk::Texture,
    },
    Reported(Result<(MediaItem, Delivery), Failure>),
}

#[derive(Debug)]
pub enum MusicOutput {
    Toast(String),
    /// A track was played (or counted as played): the pages show it so.
    ItemChanged {
        source_id: reel_core::SourceId,
        item: MediaItem,
    },
}

impl SimpleComponent for MusicPlayer {
    /// The core, and the window's media controls (shared with the video player).
    type Init = (CoreHandle, Mpris);
    type Input = MusicMsg;
    type Output = MusicOutput;
    type Root = gtk::Revealer;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::Revealer::builder().transition_type(gtk::RevealerTransitionType::SlideUp).build()
    }

    fn init((core, mpris): Self::Init, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let ui = bar::build(&root, &sender);
        ui.show_repeat(Repeat::Off);
        let s = sender.input_sender().clone();
        let tick = glib::timeout_add_local(TICK, move || {
            s.emit(MusicMsg::Tick);
            glib::ControlFlow::Continue
        });
        let model = MusicPlayer {
            core,
            mpris,
            session: MusicSession::new(),
            clock: Instant::now(),
            engine: None,
            fetch_whole: false,
            volume: 1.0,
            announcing: false,
            shown: None,
            cover_of: None,
            ui,
            root: root.clone(),
            input: sender.input_sender().clone(),
            actions_installed: false,
            _tick: tick,
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: MusicMsg, sender: ComponentSender<Self>) {
        match msg {
            MusicMsg::Play { source, from, start, shuffle } => {
                self.announcing = true;
                self.feed(&sender, Input::Queue(QueueIntent::Play { source, from, start, shuffle }));
            }
            MusicMsg::Restore(saved) => {
                let Some(source) = self.core.server(&saved.source_id) else { return };
                self.announcing = !self.session.is_active();
                self.feed(&sender, Input::Queue(QueueIntent::Restore { source, saved }));
            }
            MusicMsg::Answer { generation, answer } => self.feed(&sender, Input::Answer { generation, answer }),
            MusicMsg::Engine(e) => {
                tracing::debug!(event = ?e, "music");
                self.feed(&sender, Input::Engine(e));
            }
            MusicMsg::EngineFailed(why) => self.feed(&sender, Input::EngineUnavailable(why)),
            MusicMsg::Tick if self.session.is_active() => self.feed(&sender, Input::Tick),
            MusicMsg::Tick => {}
            MusicMsg::TogglePlay => {
                self.announcing = true;
                self.feed(&sender, Input::Intent(Intent::TogglePlay));
            }
            MusicMsg::Next => self.feed(&sender, Input::Queue(QueueIntent::Next)),
            MusicMsg::Previous => self.feed(&sender, Input::Queue(QueueIntent::Previous)),
            MusicMsg::SeekTo(ms) => self.feed(&sender, Input::Intent(Intent::SeekTo { ms, exact: true })),
            MusicMsg::SetVolume(v) => {
                self.volume = v;
                if let Some(engine) = &self.engine {
                    crate::player::Engine::set_volume(engine.as_ref(), v);
                }
                self.mpris.set_volume(v);
            }
            MusicMsg::CycleRepeat => sender.input(MusicMsg::SetRepeat(cycled(self.session.repeat()))),
            MusicMsg::SetRepeat(r) => {
                self.feed(&sender, Input::Queue(QueueIntent::SetRepeat(r)));
                // With no queue the button shows it too (the next queue takes it).
                self.ui.show_repeat(r);
            }
            MusicMsg::SetShuffle(on) => self.feed(&sender, Input::Queue(QueueIntent::SetShuffle(on))),
            MusicMsg::Queue(action, entry) => {
                let intent = match action {
                    QueueAction::Play => QueueIntent::PlayEntry(entry),
                    QueueAction::PlayNext => QueueIntent::Edit { entry, edit: QueueEdit::PlayNext },
                    QueueAction::MoveUp => QueueIntent::Edit { entry, edit: QueueEdit::MoveUp },
                    QueueAction::MoveDown => QueueIntent::Edit { entry, edit: QueueEdit::MoveDown },
                    QueueAction::Remove => QueueIntent::Edit { entry, edit: QueueEdit::Remove },
                };
                self.feed(&sender, Input::Queue(intent));
            }
            MusicMsg::Mpris(c) => self.mpris_command(&sender, c),
            MusicMsg::PauseForVideo => {
                self.announcing = false;
                if self.status() == Some(Status::Playing) {
                    self.feed(&sender, Input::Intent(Intent::TogglePlay));
                }
            }
            MusicMsg::Announce => {
                self.announcing = self.session.is_active();
                if let Some(v) = self.session.view() {
                    self.announce(&v, None);
                }
            }
            MusicMsg::Cover { entry, texture } => {
                if self.cover_of == Some(entry) {
                    self.ui.cover.set_paintable(Some(&texture));
                }
            }
            MusicMsg::Reported(result) => match result {
                Ok(_) => {}
                // Not sent and not queued (the outbox keeps what cannot be sent): said once.
                Err(f) if !f.offline => tracing::warn!("a timeline was not saved: {}", f.message()),
                Err(_) => {}
            },
        }
    }
}

impl MusicPlayer {
    fn status(&self) -> Option<Status> {
        self.session.view().map(|v| v.status)
    }

    fn mpris_command(&mut self, sender: &ComponentSender<Self>, c: MprisCommand) {
        let playing = self.status() == Some(Status::Playing);
        match c {
            MprisCommand::PlayPause => sender.input(MusicMsg::TogglePlay),
            MprisCommand::Play if !playing => sender.input(MusicMsg::TogglePlay),
            MprisCommand::Pause if playing => sender.input(MusicMsg::TogglePlay),
            MprisCommand::Play | MprisCommand::Pause => {}
            MprisCommand::Stop => self.feed(sender, Input::Queue(QueueIntent::Stop)),
            MprisCommand::SeekBy(ms) => {
                let at = self.session.view().map_or(0, |v| v.position_ms);
                sender.input(MusicMsg::SeekTo(at.saturating_add_signed(ms)));
            }
            MprisCommand::SeekTo(ms) => sender.input(MusicMsg::SeekTo(ms)),
            MprisCommand::Next => sender.input(MusicMsg::Next),
            MprisCommand::Previous => sender.input(MusicMsg::Previous),
            MprisCommand::SetLoop(l) => sender.input(MusicMsg::SetRepeat(match l {
                LoopStatus::None => Repeat::Off,
                LoopStatus::Playlist => Repeat::All,
                LoopStatus::Track => Repeat::One,
            })),
            MprisCommand::SetShuffle(on) => sender.input(MusicMsg::SetShuffle(on)),
            // Music plays at the speed it was recorded.
            MprisCommand::SetRate(_) => {}
            // An entry of the track list, as a click on it in the queue view.
            MprisCommand::GoTo(entry) => sender.input(MusicMsg::Queue(QueueAction::Play, entry)),
            MprisCommand::Raise => {
                if let Some(w) = self.root.root().and_downcast::<gtk::Window>() {
                    w.present();
                }
            }
        }
    }
}
