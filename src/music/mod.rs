//! Music: a server play queue played gaplessly by the music engine, shown
//! in the now-playing bar at the bottom of the window while the user
//! browses anywhere. The server makes the queue (an album in order, an
//! artist's albums, a track with the rest of its album, shuffled if asked),
//! so other Plex apps see it; timelines name the queue's entry.
//!
//! Here: the messages and their dispatch; the bar is [`bar`], the rules of
//! the queue [`queue`], playing it [`playing`], what the engine says
//! [`events`], what the server hears [`report`], what the bar and the
//! shell show [`announce`], the queue kept across restarts [`saved`], its
//! view [`queue_view`] and the changes made there [`editing`].

mod announce;
mod bar;
mod editing;
mod events;
mod playing;
pub mod queue;
mod queue_view;
mod report;
mod saved;

use crate::player::gst_engine::GstEngine;
use crate::player::mpris::{LoopStatus, Mpris, MprisCommand};
use crate::player::{EngineEvent, EngineState};
use crate::runtime::{CoreHandle, Failure};
use playing::Playing;
use queue::Repeat;
use reel_core::models::{MediaItem, PlayQueue, Source};
use reel_core::{Delivery, PlaybackPlan};
use relm4::gtk::prelude::*;
use relm4::gtk::{gdk, glib};
use relm4::{gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::rc::Rc;
use std::time::Duration;

/// How often the position on screen (and the reporter) is brought up to date.
const TICK: Duration = Duration::from_millis(250);

pub struct MusicPlayer {
    core: CoreHandle,
    mpris: Mpris,
    /// Made the first time music plays.
    engine: Option<Rc<GstEngine>>,
    playing: Option<Playing>,
    /// Bumped at every new queue: answers about an older one are dropped.
    generation: u64,
    repeat: Repeat,
    volume: f64,
    /// Whether the shell's controls are the queue's (not the video player's).
    announcing: bool,
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
        from: reel_core::models::QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
    },
    QueueMade {
        generation: u64,
        result: Result<PlayQueue, Failure>,
        keep_playing: bool,
    },
    /// Where an entry of the queue (by its id) plays from; `load`: play it
    /// now, else it is the one that follows.
    Prepared {
        generation: u64,
        entry: u64,
        load: bool,
        result: Result<PlaybackPlan, Failure>,
    },
    /// Where the entry playing goes on (at `at_ms`) after its connection failed.
    Relocated {
        generation: u64,
        entry: u64,
        at_ms: u64,
        result: Result<reel_core::MediaLocation, Failure>,
    },
    Engine(EngineEvent),
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
    Queue(queue_view::QueueAction, u64),
    /// The server's queue after a change asked of it.
    QueueChanged {
        generation: u64,
        result: Result<PlayQueue, Failure>,
    },
    /// The queue the last run left, shown paused at its place.
    Restore(reel_core::models::SavedQueue),
    /// A video starts: the music pauses for it, and the shell's controls are the video's.
    PauseForVideo,
    /// The video player left: the shell's controls are the queue's again.
    Announce,
    Cover {
        generation: u64,
        entry: u64,
        texture: gdk::Texture,
    },
    Art {
        generation: u64,
        entry: u64,
        path: std::path::PathBuf,
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
            engine: None,
            playing: None,
            generation: 0,
            repeat: Repeat::Off,
            volume: 1.0,
            announcing: false,
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
            MusicMsg::Play { source, from, start, shuffle } => self.play(&sender, source, from, start, shuffle),
            MusicMsg::QueueMade { generation, result, keep_playing } if generation == self.generation => {
                self.queue_made(&sender, result, keep_playing)
            }
            MusicMsg::Prepared { generation, entry, load, result } if generation == self.generation => {
                self.prepared(&sender, entry, load, result)
            }
            MusicMsg::Relocated { generation, entry, at_ms, result } if generation == self.generation => {
                self.relocated(&sender, entry, at_ms, result)
            }
            MusicMsg::QueueMade { .. } | MusicMsg::Prepared { .. } | MusicMsg::Relocated { .. } => {}
            MusicMsg::Engine(e) => self.engine_event(&sender, e),
            MusicMsg::Tick => self.tick(&sender),
            MusicMsg::TogglePlay => self.toggle_play(&sender),
            MusicMsg::Next => self.skip(&sender, true),
            MusicMsg::Previous => self.skip(&sender, false),
            MusicMsg::SeekTo(ms) => {
                if let (Some(engine), Some(p)) = (&self.engine, self.playing.as_mut()) {
                    engine_seek(engine, ms);
                    p.position_ms = ms;
                    self.mpris.seeked(ms);
                    // A place of its own: kept (paused, nothing else would keep it).
                    self.save_place();
                }
            }
            MusicMsg::SetVolume(v) => {
                self.volume = v;
                if let Some(engine) = &self.engine {
                    crate::player::Engine::set_volume(engine.as_ref(), v);
                }
                self.mpris.set_volume(v);
            }
            MusicMsg::CycleRepeat => sender.input(MusicMsg::SetRepeat(queue::cycled(self.repeat))),
            MusicMsg::SetRepeat(r) => {
                self.repeat = r;
                self.ui.show_repeat(r);
                if let Some(p) = self.playing.as_mut() {
                    p.queue.repeat = r;
                }
                self.requeue(&sender);
                self.save_queue();
                self.announce_queue();
            }
            MusicMsg::SetShuffle(on) => self.reshuffle(&sender, on),
            MusicMsg::Restore(saved) => self.restore(&sender, saved),
            MusicMsg::Queue(a, entry) => self.queue_action(&sender, a, entry),
            MusicMsg::QueueChanged { generation, result } if generation == self.generation => {
                self.queue_changed(&sender, result)
            }
            MusicMsg::QueueChanged { .. } => {}
            MusicMsg::Mpris(c) => self.mpris_command(&sender, c),
            MusicMsg::PauseForVideo => {
                self.announcing = false;
                if self.playing.as_ref().is_some_and(|p| p.state == EngineState::Playing) {
                    self.toggle_play(&sender);
                }
            }
            MusicMsg::Announce => {
                self.announcing = self.playing.is_some();
                self.announce();
            }
            MusicMsg::Cover { generation, entry, texture } if generation == self.generation => {
                if self.playing.as_ref().and_then(|p| p.queue.current()).is_some_and(|e| e.id == entry) {
                    self.ui.cover.set_paintable(Some(&texture));
                }
            }
            MusicMsg::Art { generation, entry, path } if generation == self.generation => {
                if let Some(p) = self.playing.as_mut().filter(|p| p.queue.current().is_some_and(|e| e.id == entry)) {
                    p.art = Some(path);
                    self.announce();
                }
            }
            MusicMsg::Cover { .. } | MusicMsg::Art { .. } => {}
            MusicMsg::Reported(result) => match result {
                Ok((item, _)) => {
                    if let Some(p) = &self.playing {
                        let source_id = p.source.id.clone();
                        let _ = sender.output(MusicOutput::ItemChanged { source_id, item });
                    }
                }
                // Not sent and not queued (the outbox keeps what cannot be sent): said once.
                Err(f) if !f.offline => tracing::warn!("a timeline was not saved: {}", f.message()),
                Err(_) => {}
            },
        }
    }
}

/// Seeks exactly (music is short: decoding from the page before is cheap).
fn engine_seek(engine: &GstEngine, ms: u64) {
    crate::player::Engine::seek(engine, ms, true);
}

impl MusicPlayer {
    fn mpris_command(&mut self, sender: &ComponentSender<Self>, c: MprisCommand) {
        let state = self.playing.as_ref().map(|p| p.state);
        match c {
            MprisCommand::PlayPause => self.toggle_play(sender),
            MprisCommand::Play if state != Some(EngineState::Playing) => self.toggle_play(sender),
            MprisCommand::Pause if state == Some(EngineState::Playing) => self.toggle_play(sender),
            MprisCommand::Play | MprisCommand::Pause => {}
            MprisCommand::Stop => self.stop(),
            MprisCommand::SeekBy(ms) => {
                let at = self.playing.as_ref().map_or(0, |p| p.position_ms);
                sender.input(MusicMsg::SeekTo(at.saturating_add_signed(ms)));
            }
            MprisCommand::SeekTo(ms) => sender.input(MusicMsg::SeekTo(ms)),
            MprisCommand::Next => self.skip(sender, true),
            MprisCommand::Previous => self.skip(sender, false),
            MprisCommand::SetLoop(l) => sender.input(MusicMsg::SetRepeat(match l {
                LoopStatus::None => Repeat::Off,
                LoopStatus::Playlist => Repeat::All,
                LoopStatus::Track => Repeat::One,
            })),
            MprisCommand::SetShuffle(on) => self.reshuffle(sender, on),
            // Music plays at the speed it was recorded.
            MprisCommand::SetRate(_) => {}
            // An entry of the track list, as a click on it in the queue view.
            MprisCommand::GoTo(entry) => sender.input(MusicMsg::Queue(queue_view::QueueAction::Play, entry)),
            MprisCommand::Raise => {
                if let Some(w) = self.root.root().and_downcast::<gtk::Window>() {
                    w.present();
                }
            }
        }
    }
}
