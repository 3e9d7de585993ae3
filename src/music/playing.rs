//! Playing the queue: the entry playing is loaded, the one that follows is
//! handed to the engine early (gapless), and the server hears timelines for
//! the entry playing (with its `playQueueItemID`) and a play once past its
//! threshold. A track that cannot be decoded is skipped with a toast; a
//! server that cannot be reached stops the queue with a message, the queue
//! kept.

use super::queue::{Previous, Queue};
use super::{MusicMsg, MusicOutput, MusicPlayer};
use crate::i18n::{gettext, i18n_f};
use crate::player::capabilities::GstCapabilities;
use crate::player::gst_engine::GstEngine;
use crate::player::mpris::{LoopStatus, NowPlaying};
use crate::player::{Engine, EngineError, EngineEvent, EngineState};
use crate::runtime::Failure;
use crate::widgets::poster::PosterSize;
use reel_core::models::{MediaItem, PlayQueue, QueueEntry, ServerAction, Source};
use reel_core::services::playback::{PlayState, Reporter};
use reel_core::PlaybackPlan;
use relm4::gtk::prelude::*;
use relm4::ComponentSender;
use std::rc::Rc;
use std::time::Instant;

/// The size of the cover the shell's media controls are given.
const ART_SIZE: u32 = 256;

pub struct Playing {
    pub source: Source,
    /// What the queue was made from (an album, an artist): shuffling again
    /// asks the server for a new queue of it.
    pub origin: MediaItem,
    pub queue: Queue,
    /// Where the entry playing comes from, once known.
    plan: Option<PlaybackPlan>,
    /// The entry handed to the engine to follow the one playing, and where it comes from.
    queued: Option<(u64, PlaybackPlan)>,
    reporter: Option<Reporter>,
    pub state: EngineState,
    pub position_ms: u64,
    duration_ms: u64,
    clock: Instant,
    /// The cover on disk, for the shell's media controls.
    pub art: Option<std::path::PathBuf>,
}

impl Playing {
    fn entry(&self, id: u64) -> Option<(usize, &QueueEntry)> {
        self.queue.entries.iter().enumerate().find(|(_, e)| e.id == id)
    }
}

impl MusicPlayer {
    pub(super) fn play(
        &mut self,
        sender: &ComponentSender<Self>,
        source: Source,
        item: MediaItem,
        start: Option<MediaItem>,
        shuffle: bool,
    ) {
        self.generation += 1;
        self.root.set_reveal_child(true);
        let generation = self.generation;
        let (s, origin) = (sender.clone(), item.clone());
        let source_id = source.id.clone();
        self.core.run(
            move |core| async move {
                core.create_play_queue(&source_id, &origin, start.as_ref(), shuffle).await.map_err(Failure::from)
            },
            move |result| s.input(MusicMsg::QueueMade { generation, result, keep_playing: false }),
        );
        // Until the server answers, the bar says what is coming.
        self.ui.title.set_text(&item.title);
        self.ui.artist.set_text(item.grandparent_title.as_deref().or(item.parent_title.as_deref()).unwrap_or(""));
        self.stop_reporting();
        self.playing = Some(Playing {
            source,
            origin: item,
            queue: Queue { id: 0, entries: Vec::new(), current: 0, repeat: self.repeat, shuffled: shuffle },
            plan: None,
            queued: None,
            reporter: None,
            state: EngineState::Loading,
            position_ms: 0,
            duration_ms: 0,
            clock: Instant::now(),
            art: None,
        });
        self.announcing = true;
    }

    /// The server's queue: played from its selected entry (`keep_playing`:
    /// a reshuffle, the entry playing goes on).
    pub(super) fn queue_made(
        &mut self,
        sender: &ComponentSender<Self>,
        result: Result<PlayQueue, Failure>,
        keep_playing: bool,
    ) {
        let Some(p) = self.playing.as_mut() else { return };
        let q = match result {
            Ok(q) if !q.entries.is_empty() => q,
            Ok(_) => {
                let _ = sender.output(MusicOutput::Toast(i18n_f("{} has nothing to play.", &[&p.origin.title])));
                return self.stop();
            }
            Err(f) => {
                let _ = sender
                    .output(MusicOutput::Toast(i18n_f("Could not play {}: {}", &[&p.origin.title, &f.message()])));
                if !keep_playing {
                    self.stop();
                }
                return;
            }
        };
        let mut queue = Queue::new(q);
        queue.repeat = self.repeat;
        self.ui.show_shuffle(queue.shuffled);
        if keep_playing {
            // The same track goes on, as an entry of the new queue.
            let id = queue.current().map(|e| e.id);
            p.reporter = p.reporter.take().zip(id).map(|(r, id)| r.in_play_queue(id));
            p.queue = queue;
            self.requeue(sender);
        } else {
            p.queue = queue;
            self.load_current(sender);
        }
        self.announce_queue();
    }

    /// Plays the queue's current entry from its start.
    fn load_current(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = self.playing.as_mut() else { return };
        let Some(entry) = p.queue.current().cloned() else { return };
        p.plan = None;
        p.queued = None;
        p.reporter = None;
        p.position_ms = 0;
        p.duration_ms = entry.item.duration_ms.unwrap_or(0).max(0) as u64;
        p.state = EngineState::Loading;
        p.art = None;
        if let Some(engine) = &self.engine {
            engine.queue_next(None);
        }
        self.show_entry(sender, &entry);
        self.prepare(sender, entry.id, true);
    }

    fn prepare(&self, sender: &ComponentSender<Self>, entry: u64, load: bool) {
        let Some(p) = &self.playing else { return };
        let Some((_, e)) = p.entry(entry) else { return };
        let (s, generation, id, key) =
            (sender.clone(), self.generation, p.source.id.clone(), e.item.rating_key.clone());
        self.core.run(
            move |core| async move { core.prepare_playback(&id, &key, &GstCapabilities, 0).await.map_err(Failure::from) },
            move |result| s.input(MusicMsg::Prepared { generation, entry, load, result }),
        );
    }

    pub(super) fn prepared(
        &mut self,
        sender: &ComponentSender<Self>,
        entry: u64,
        load: bool,
        result: Result<PlaybackPlan, Failure>,
    ) {
        let Some(p) = self.playing.as_mut() else { return };
        let Some((_, e)) = p.entry(entry) else { return };
        let title = e.item.title.clone();
        let plan = match result {
            Ok(plan) => plan,
            Err(f) if load => return self.failed(sender, &title, &f.message(), f.offline),
            // The next one is asked again when it is due.
            Err(_) => return,
        };
        if load {
            if p.queue.current().map(|e| e.id) != Some(entry) {
                return;
            }
            let engine = match self.engine() {
                Ok(e) => e,
                Err(message) => return self.failed(sender, &title, &message, false),
            };
            engine.load(&plan.location, 0);
            let Some(p) = self.playing.as_mut() else { return };
            // Every listen counts: a track played before is counted again.
            p.reporter = Some(
                Reporter::new(&e_key(p, entry), p.duration_ms, &plan.session, plan.threshold, false)
                    .in_play_queue(entry),
            );
            p.plan = Some(plan);
            p.clock = Instant::now();
            self.prepare_following(sender);
        } else if p.queue.following().and_then(|i| p.queue.entries.get(i)).map(|e| e.id) == Some(entry) {
            if let Some(engine) = &self.engine {
                engine.queue_next(Some(&plan.location));
            }
            p.queued = Some((entry, plan));
        }
    }

    /// Asks where the entry that follows comes from, to hand it over early.
    fn prepare_following(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = &self.playing else { return };
        if let Some(next) = p.queue.following().and_then(|i| p.queue.entries.get(i)) {
            self.prepare(sender, next.id, false);
        }
    }

    /// The queue changed around the entry playing (repeat, shuffle, a move):
    /// what follows is chosen again.
    pub(super) fn requeue(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = self.playing.as_mut() else { return };
        p.queued = None;
        if let Some(engine) = &self.engine {
            engine.queue_next(None);
        }
        if p.plan.is_some() {
            self.prepare_following(sender);
        }
    }

    pub(super) fn reshuffle(&mut self, sender: &ComponentSender<Self>, on: bool) {
        let Some(p) = &self.playing else { return };
        if p.queue.shuffled == on || p.queue.entries.is_empty() {
            return self.ui.show_shuffle(p.queue.shuffled);
        }
        // A new queue of the same things from the track playing, shuffled or in order.
        let (s, generation, source_id) = (sender.clone(), self.generation, p.source.id.clone());
        let (origin, start) = (p.origin.clone(), p.queue.current().map(|e| e.item.clone()));
        self.core.run(
            move |core| async move {
                core.create_play_queue(&source_id, &origin, start.as_ref(), on).await.map_err(Failure::from)
            },
            move |result| s.input(MusicMsg::QueueMade { generation, result, keep_playing: true }),
        );
    }

    pub(super) fn engine_event(&mut self, sender: &ComponentSender<Self>, e: EngineEvent) {
        tracing::debug!(event = ?e, "music");
        let Some(p) = self.playing.as_mut() else { return };
        match e {
            EngineEvent::State(state) => {
                p.state = state;
                self.ui.show_playing(state == EngineState::Playing);
                self.mpris_status();
                self.report(sender);
            }
            // Over HTTP an Ogg file's length is guessed from its first pages
            // (1.5 s for a 4 s track, measured): the server's word stands
            // unless the file turns out longer.
            EngineEvent::DurationKnown(ms) => p.duration_ms = p.duration_ms.max(ms),
            EngineEvent::Buffering(_) => {}
            EngineEvent::NextStarted => {
                // The one before played to its end.
                let end = p.duration_ms;
                self.report_at(sender, PlayState::Stopped, end);
                let Some(p) = self.playing.as_mut() else { return };
                let Some((id, plan)) = p.queued.take() else { return };
                let Some((index, entry)) = p.entry(id).map(|(i, e)| (i, e.clone())) else { return };
                p.queue.current = index;
                p.duration_ms = entry.item.duration_ms.unwrap_or(0).max(0) as u64;
                p.position_ms = 0;
                p.art = None;
                p.reporter = Some(
                    Reporter::new(&entry.item.rating_key, p.duration_ms, &plan.session, plan.threshold, false)
                        .in_play_queue(id),
                );
                p.plan = Some(plan);
                self.show_entry(sender, &entry);
                self.report(sender);
                self.prepare_following(sender);
            }
            EngineEvent::Ended => {
                let end = p.duration_ms;
                self.report_at(sender, PlayState::Stopped, end);
                if let Some(p) = self.playing.as_mut() {
                    // The end of the queue: Play starts its last entry again.
                    p.state = EngineState::Stopped;
                    p.plan = None;
                }
                self.ui.show_playing(false);
                self.mpris_status();
            }
            EngineEvent::Error(err) => {
                let title = p.queue.current().map(|e| e.item.title.clone()).unwrap_or_default();
                let offline = matches!(err, EngineError::Network(_));
                let message = crate::words::engine_error(&err, &p.source.name);
                self.failed(sender, &title, &message, offline);
            }
        }
    }

    /// A track could not be played: skipped when it is the file's fault,
    /// the queue stopped when the server's (kept, to go on later).
    fn failed(&mut self, sender: &ComponentSender<Self>, title: &str, message: &str, offline: bool) {
        let Some(p) = self.playing.as_mut() else { return };
        if offline {
            p.state = EngineState::Stopped;
            p.plan = None;
            let server = p.source.name.clone();
            self.ui.show_playing(false);
            self.mpris_status();
            let _ = sender.output(MusicOutput::Toast(i18n_f(
                "{} cannot be reached: the music stopped. Press Play to go on.",
                &[&server],
            )));
            return;
        }
        let _ = sender.output(MusicOutput::Toast(i18n_f("Skipped {}: {}", &[title, message])));
        match p.queue.next().filter(|i| *i != p.queue.current) {
            Some(i) => {
                p.queue.current = i;
                self.load_current(sender);
            }
            None => {
                p.state = EngineState::Stopped;
                self.ui.show_playing(false);
                self.mpris_status();
            }
        }
    }

    pub(super) fn toggle_play(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = &self.playing else { return };
        let Some(engine) = self.engine.clone() else { return };
        match p.state {
            EngineState::Playing => engine.pause(),
            // Stopped (the end, or the server gone): the entry playing again.
            _ if p.plan.is_none() => self.load_current(sender),
            _ => engine.play(),
        }
        self.announcing = true;
    }

    pub(super) fn skip(&mut self, sender: &ComponentSender<Self>, forward: bool) {
        let Some(p) = self.playing.as_mut() else { return };
        let to = if forward {
            p.queue.next()
        } else {
            match p.queue.previous(p.position_ms) {
                Previous::Go(i) => Some(i),
                Previous::Restart => {
                    if let Some(engine) = &self.engine {
                        super::engine_seek(engine, 0);
                    }
                    return;
                }
            }
        };
        let Some(i) = to else { return };
        let at = p.position_ms;
        self.report_at(sender, PlayState::Stopped, at);
        if let Some(p) = self.playing.as_mut() {
            p.queue.current = i;
        }
        self.load_current(sender);
    }

    pub(super) fn stop(&mut self) {
        self.stop_reporting();
        if let Some(engine) = &self.engine {
            engine.stop();
        }
        self.playing = None;
        self.root.set_reveal_child(false);
        self.mpris.set_now_playing(None);
        self.mpris.set_status(mpris_server::PlaybackStatus::Stopped);
    }

    fn stop_reporting(&mut self) {
        if let Some(p) = self.playing.as_mut() {
            if p.plan.is_some() && p.state != EngineState::Stopped {
                let (id, at) = (p.source.id.clone(), p.position_ms);
                if let (Some(r), Some(e)) = (p.reporter.as_mut(), p.queue.current()) {
                    let actions = r.update(PlayState::Stopped, at, p.clock.elapsed());
                    let item = e.item.clone();
                    self.core.run(move |core| async move { core.report_playback(&id, &item, actions).await }, |_| {});
                }
            }
        }
    }

    pub(super) fn tick(&mut self, sender: &ComponentSender<Self>) {
        let (Some(p), Some(engine)) = (self.playing.as_mut(), &self.engine) else { return };
        if p.state != EngineState::Playing {
            return;
        }
        if let Some(pos) = engine.position_ms() {
            p.position_ms = pos;
        }
        self.ui.show_position(p.position_ms, p.duration_ms);
        if self.announcing {
            self.mpris.set_position(p.position_ms);
        }
        self.report(sender);
    }

    fn report(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = &self.playing else { return };
        let state = match p.state {
            EngineState::Playing => PlayState::Playing,
            EngineState::Paused => PlayState::Paused,
            EngineState::Loading => PlayState::Buffering,
            EngineState::Stopped => PlayState::Stopped,
        };
        let at = p.position_ms;
        self.report_at(sender, state, at);
    }

    fn report_at(&mut self, sender: &ComponentSender<Self>, state: PlayState, at: u64) {
        let Some(p) = self.playing.as_mut() else { return };
        let (Some(reporter), Some(entry)) = (p.reporter.as_mut(), p.queue.current()) else { return };
        let actions: Vec<ServerAction> = reporter.update(state, at, p.clock.elapsed());
        if actions.is_empty() {
            return;
        }
        let (s, id, item) = (sender.clone(), p.source.id.clone(), entry.item.clone());
        self.core.run(
            move |core| async move { core.report_playback(&id, &item, actions).await.map_err(Failure::from) },
            move |result| s.input(MusicMsg::Reported(result)),
        );
    }

    /// The bar and the shell's controls show `entry`; its cover is asked for.
    fn show_entry(&mut self, sender: &ComponentSender<Self>, entry: &QueueEntry) {
        let item = &entry.item;
        self.ui.title.set_text(&item.title);
        self.ui.artist.set_text(&artist_line(item));
        self.ui.cover.set_paintable(None::<&relm4::gtk::gdk::Paintable>);
        if let (Some(p), Some(thumb)) = (&self.playing, item.thumb.clone()) {
            let (s, s2, generation, entry_id) = (sender.clone(), sender.clone(), self.generation, entry.id);
            let (id, id2, thumb2) = (p.source.id.clone(), p.source.id.clone(), thumb.clone());
            let core = self.core.clone();
            self.core.spawn(async move { core.poster_texture(&id, &thumb, PosterSize::Tile).await }, move |t| {
                if let Some(texture) = t {
                    s.input(MusicMsg::Cover { generation, entry: entry_id, texture });
                }
            });
            self.core.run(
                move |core| async move { core.poster_file(&id2, &thumb2, ART_SIZE, ART_SIZE).await },
                move |path| {
                    if let Some(path) = path {
                        s2.input(MusicMsg::Art { generation, entry: entry_id, path });
                    }
                },
            );
        }
        self.ui.show_position(0, item.duration_ms.unwrap_or(0).max(0) as u64);
        self.announce();
    }

    /// The shell's media controls show the queue (when they are its).
    pub(super) fn announce(&self) {
        if !self.announcing {
            return;
        }
        let Some(p) = &self.playing else { return };
        let Some(entry) = p.queue.current() else { return };
        let item = &entry.item;
        self.mpris.set_now_playing(Some(NowPlaying {
            title: item.title.clone(),
            artist: item.grandparent_title.clone(),
            album: item.parent_title.clone(),
            track_number: item.index.and_then(|i| i32::try_from(i).ok()),
            length_ms: p.duration_ms,
            art: p.art.clone(),
            // The entry, not the track: the same track twice in a queue is told apart.
            id: format!("{}_{}", item.rating_key, entry.id),
        }));
        self.announce_queue();
        self.mpris_status();
    }

    pub(super) fn announce_queue(&self) {
        let Some(p) = &self.playing else { return };
        self.ui.next.set_sensitive(p.queue.next().is_some());
        self.ui.previous.set_sensitive(!p.queue.entries.is_empty());
        if !self.announcing {
            return;
        }
        let looping = match p.queue.repeat {
            super::queue::Repeat::Off => LoopStatus::None,
            super::queue::Repeat::All => LoopStatus::Playlist,
            super::queue::Repeat::One => LoopStatus::Track,
        };
        let previous = !p.queue.entries.is_empty();
        self.mpris.set_queue(p.queue.next().is_some(), previous, looping, p.queue.shuffled);
    }

    fn mpris_status(&self) {
        if !self.announcing {
            return;
        }
        let Some(p) = &self.playing else { return };
        self.mpris.set_status(match p.state {
            EngineState::Playing => mpris_server::PlaybackStatus::Playing,
            EngineState::Stopped => mpris_server::PlaybackStatus::Stopped,
            EngineState::Paused | EngineState::Loading => mpris_server::PlaybackStatus::Paused,
        });
    }

    fn engine(&mut self) -> Result<Rc<GstEngine>, String> {
        if let Some(e) = &self.engine {
            return Ok(e.clone());
        }
        let s = self.input.clone();
        let engine =
            Rc::new(GstEngine::audio(None, move |e| s.emit(MusicMsg::Engine(e))).map_err(|e| format!("{e:#}"))?);
        engine.set_volume(self.volume);
        self.engine = Some(engine.clone());
        Ok(engine)
    }
}

fn e_key(p: &Playing, entry: u64) -> String {
    p.entry(entry).map(|(_, e)| e.item.rating_key.to_string()).unwrap_or_default()
}

/// "Artist — Album", as much as is known.
fn artist_line(item: &MediaItem) -> String {
    match (&item.grandparent_title, &item.parent_title) {
        (Some(artist), Some(album)) => i18n_f("{} — {}", &[artist, album]),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => gettext("Unknown Artist"),
    }
}
