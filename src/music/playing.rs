//! Playing the queue: the server makes it, the entry playing is loaded,
//! the one that follows is handed to the engine early (gapless); Next,
//! Previous, Play/Pause, shuffle (a new server queue from the track
//! playing) and what repeat changes.

use super::queue::{Previous, Queue};
use super::{MusicMsg, MusicOutput, MusicPlayer};
use crate::i18n::i18n_f;
use crate::player::capabilities::GstCapabilities;
use crate::player::gst_engine::GstEngine;
use crate::player::{fetched_whole, Engine, EngineState};
use crate::runtime::Failure;
use reel_core::models::{MediaItem, PlayQueue, QueueEntry, QueueSource, Source};
use reel_core::playback::{PlayState, Reporter};
use reel_core::PlaybackPlan;
use relm4::ComponentSender;
use std::rc::Rc;
use std::time::Instant;

pub struct Playing {
    pub source: Source,
    /// What the queue was made from (an album, an artist, a list):
    /// shuffling again asks the server for a new queue of it.
    pub origin: QueueSource,
    pub queue: Queue,
    /// Where the entry playing comes from, once known.
    pub plan: Option<PlaybackPlan>,
    /// The entry handed to the engine to follow the one playing, and where it comes from.
    pub queued: Option<(u64, PlaybackPlan)>,
    pub reporter: Option<Reporter>,
    pub state: EngineState,
    pub position_ms: u64,
    pub duration_ms: u64,
    pub clock: Instant,
    /// The cover on disk, for the shell's media controls.
    pub art: Option<std::path::PathBuf>,
    /// Connection failures recovered from since it last played.
    pub recoveries: u32,
    /// Where the entry starts when next loaded (a queue restored at its place).
    pub resume_at: Option<u64>,
    /// When the place was last saved (it is every 10 s of play).
    pub place_saved: Instant,
}

impl Playing {
    pub fn entry(&self, id: u64) -> Option<(usize, &QueueEntry)> {
        self.queue.entries.iter().enumerate().find(|(_, e)| e.id == id)
    }
}

impl MusicPlayer {
    pub(super) fn play(
        &mut self,
        sender: &ComponentSender<Self>,
        source: Source,
        from: QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
    ) {
        self.generation += 1;
        self.root.set_reveal_child(true);
        self.install_actions();
        let generation = self.generation;
        let origin = from.clone();
        let source_id = source.id.clone();
        self.core.ask(
            sender,
            move |core| async move {
                core.create_play_queue(&source_id, &origin, start.as_ref(), shuffle).await.map_err(Failure::from)
            },
            move |result| MusicMsg::QueueMade { generation, result, keep_playing: false },
        );
        // Until the server answers, the bar says what is coming.
        let artist = match &from {
            QueueSource::Item(item) => item.grandparent_title.as_deref().or(item.parent_title.as_deref()),
            QueueSource::List { .. } => None,
        };
        self.ui.title.set_text(from.title());
        self.ui.artist.set_text(artist.unwrap_or(""));
        self.stop_reporting();
        self.playing = Some(Playing {
            source,
            origin: from,
            queue: Queue { id: 0, entries: Vec::new(), current: 0, repeat: self.repeat, shuffled: shuffle },
            plan: None,
            queued: None,
            reporter: None,
            state: EngineState::Loading,
            position_ms: 0,
            duration_ms: 0,
            clock: Instant::now(),
            art: None,
            recoveries: 0,
            resume_at: None,
            place_saved: Instant::now(),
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
                let _ = sender.output(MusicOutput::Toast(i18n_f("{} has nothing to play.", &[p.origin.title()])));
                return self.stop();
            }
            Err(f) => {
                let _ = sender
                    .output(MusicOutput::Toast(i18n_f("Could not play {}: {}", &[p.origin.title(), &f.message()])));
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
        self.save_queue();
        self.announce_queue();
    }

    /// Plays the queue's current entry from its start (or where a restored queue was).
    pub(super) fn load_current(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = self.playing.as_mut() else { return };
        let Some(entry) = p.queue.current().cloned() else { return };
        p.plan = None;
        p.queued = None;
        p.reporter = None;
        p.position_ms = p.resume_at.unwrap_or(0);
        p.duration_ms = entry.item.duration_ms.unwrap_or(0).max(0) as u64;
        p.state = EngineState::Loading;
        p.art = None;
        if let Some(engine) = &self.engine {
            engine.queue_next(None);
        }
        self.show_entry(sender, &entry);
        self.save_place();
        self.prepare(sender, entry.id, true);
    }

    pub(super) fn prepare(&self, sender: &ComponentSender<Self>, entry: u64, load: bool) {
        let Some(p) = &self.playing else { return };
        let Some((_, e)) = p.entry(entry) else { return };
        let (generation, id, key) = (self.generation, p.source.id.clone(), e.item.rating_key.clone());
        self.core.ask(
            sender,
            move |core| async move { core.prepare_playback(&id, &key, &GstCapabilities, 0).await.map_err(Failure::from) },
            move |result| MusicMsg::Prepared { generation, entry, load, result },
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
            let Some(p) = self.playing.as_mut() else { return };
            engine.set_fetch_whole(fetched_whole(container(&plan)));
            engine.load(&plan.location, p.resume_at.take().unwrap_or(0));
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
                engine.set_fetch_whole(fetched_whole(container(&plan)));
                engine.queue_next(Some(&plan.location));
            }
            p.queued = Some((entry, plan));
        }
    }

    /// Asks where the entry that follows comes from, to hand it over early.
    pub(super) fn prepare_following(&mut self, sender: &ComponentSender<Self>) {
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
        let (generation, source_id) = (self.generation, p.source.id.clone());
        let (origin, start) = (p.origin.clone(), p.queue.current().map(|e| e.item.clone()));
        self.core.ask(
            sender,
            move |core| async move {
                core.create_play_queue(&source_id, &origin, start.as_ref(), on).await.map_err(Failure::from)
            },
            move |result| MusicMsg::QueueMade { generation, result, keep_playing: true },
        );
    }

    pub(super) fn toggle_play(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = &self.playing else { return };
        // Stopped (the end, the server gone, a queue kept from the last
        // run): the entry playing again, the engine made if need be.
        if p.plan.is_none() {
            self.load_current(sender);
        } else if let Some(engine) = self.engine.clone() {
            match p.state {
                EngineState::Playing => engine.pause(),
                _ => engine.play(),
            }
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
        self.forget_saved();
        self.root.set_reveal_child(false);
        self.mpris.set_now_playing(None);
        self.mpris.set_track_list(&[], None);
        self.mpris.set_status(mpris_server::PlaybackStatus::Stopped);
    }

    pub(super) fn engine(&mut self) -> Result<Rc<GstEngine>, String> {
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

/// The container of the file a plan plays (the part's, else its version's).
fn container(plan: &PlaybackPlan) -> Option<&str> {
    let (_, version, part) = plan.playable.first_part()?;
    part.container.as_deref().or(version.container.as_deref())
}
