//! The music queue's course: the server makes the queue (an album in order,
//! an artist's albums, a list; shuffled if asked), the entry playing is
//! loaded and the one that follows handed to the engine early (gapless);
//! Next, Previous, repeat, shuffle and changes made to the queue; what the
//! server hears (timelines naming the queue's entry, the play count); a
//! connection that dies mid-track goes on where the failover says, a track
//! that cannot be played is skipped, a server that is gone stops the music
//! with the queue kept; and the queue kept for the next start.
//!
//! Fed and read like the video's [`PlaybackSession`](super::PlaybackSession):
//! the same [`Input`]s (with [`QueueIntent`]s), the same [`Effect`]s, and
//! what is shown in [`MusicSession::view`].

mod edits;
mod order;
mod view;

pub use order::cycled;
use order::{Previous, Queue};
pub use view::MusicView;

use super::course::{self, Recovery};
use super::{Answer, Art, CoreCall, Effect, EngineCommand, Fault, Input, Intent, Moment};
use super::{QueueIntent, QueueNotice};
use crate::error::Error;
use crate::facade::PlaybackPlan;
use crate::models::{MediaItem, QueueSource, Repeat, SavedQueue, Source};
use crate::services::playback::engine::{EngineError, EngineEvent, EngineState};
use crate::services::playback::timelines::{PlayState, Reporter};
use std::collections::BTreeMap;
use std::time::Duration;

/// How often the queue's place is kept while it plays.
pub const SAVE_PLACE_EVERY: Duration = Duration::from_secs(10);
/// The size of a cover for the shell's media controls.
const TRACK_ART: (u32, u32) = (256, 256);

/// The queue and the entry playing.
#[derive(Debug, Clone)]
struct Playing {
    source: Source,
    /// What the queue was made from: shuffling again asks the server for a
    /// new queue of it.
    origin: QueueSource,
    queue: Queue,
    /// Where the entry playing comes from, once loaded (None: stopped, or
    /// still opening: Play loads it).
    plan: Option<PlaybackPlan>,
    /// The entry handed to the engine to follow the one playing.
    queued: Option<(u64, PlaybackPlan)>,
    reporter: Option<Reporter>,
    state: EngineState,
    position_ms: u64,
    duration_ms: u64,
    recovery: Recovery,
    /// Waiting for where to go on after the stream died.
    relocating: bool,
    /// Where the entry starts when next loaded (a queue restored at its place).
    resume_at: Option<u64>,
    /// When the place was last kept.
    place_saved: Duration,
    art: Art,
    /// Entries skipped because they could not be played, and why: the
    /// queue marks them (a toast is gone in seconds) until one plays.
    skipped: BTreeMap<u64, Fault>,
}

impl Playing {
    fn play_state(&self) -> PlayState {
        match self.state {
            EngineState::Playing => PlayState::Playing,
            EngineState::Paused => PlayState::Paused,
            EngineState::Loading => PlayState::Buffering,
            EngineState::Stopped => PlayState::Stopped,
        }
    }

    fn title(&self) -> String {
        self.queue.current().map(|e| e.item.title.clone()).unwrap_or_default()
    }
}

/// The music player's session.
#[derive(Debug, Default)]
pub struct MusicSession {
    /// Counts the entries loaded: answers about one (its art, where it goes
    /// on) carry it, and are dropped once another plays.
    generation: u64,
    /// The generation the queue was made in: answers about the queue (a
    /// change, the following entry) stand from then on.
    queue_since: u64,
    repeat: Repeat,
    current: Option<Playing>,
}

impl MusicSession {
    pub fn new() -> Self {
        Self::default()
    }

    /// Repeat, also with no queue (the next one takes it).
    pub fn repeat(&self) -> Repeat {
        self.repeat
    }

    /// Whether a queue is there (playing, paused, stopped or being made).
    pub fn is_active(&self) -> bool {
        self.current.is_some()
    }

    /// Feeds one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, at: Moment) -> Vec<Effect> {
        let mut out = Vec::new();
        match input {
            Input::Queue(intent) => self.queue_intent(intent, at, &mut out),
            Input::Intent(Intent::TogglePlay) => self.toggle_play(at, &mut out),
            Input::Intent(Intent::SeekTo { ms, .. }) => self.seek(ms, at, &mut out),
            Input::Intent(Intent::SeekBy(delta)) => {
                let to = self.current.as_ref().map(|p| p.position_ms.saturating_add_signed(delta));
                if let Some(to) = to {
                    self.seek(to, at, &mut out);
                }
            }
            Input::Intent(Intent::Leave) => self.stop(at, &mut out),
            // The video's own (markers, subtitles, Up Next, transcodes).
            Input::Intent(_) => {}
            Input::Engine(event) => self.engine_event(event, at, &mut out),
            Input::Tick => self.tick(at, &mut out),
            Input::Answer { generation, answer } => self.answer(generation, answer, at, &mut out),
            Input::EngineUnavailable(why) => {
                let title = self.current.as_ref().map(Playing::title).unwrap_or_default();
                self.failed(title, Fault::EngineUnavailable(why), false, at, &mut out);
            }
        }
        out
    }

    fn queue_intent(&mut self, intent: QueueIntent, at: Moment, out: &mut Vec<Effect>) {
        match intent {
            QueueIntent::Play { source, from, start, shuffle } => self.play(source, from, start, shuffle, at, out),
            QueueIntent::Restore { source, saved } => self.restore(source, saved, at),
            QueueIntent::Next => self.skip(true, at, out),
            QueueIntent::Previous => self.skip(false, at, out),
            QueueIntent::PlayEntry(entry) => {
                let Some(i) = self.current.as_ref().and_then(|p| p.queue.position(entry)) else { return };
                self.go_to(i, at, out);
            }
            QueueIntent::SetRepeat(repeat) => {
                self.repeat = repeat;
                let Some(p) = self.current.as_mut() else { return };
                p.queue.repeat = repeat;
                self.requeue(out);
                self.save_queue(at, out);
            }
            QueueIntent::SetShuffle(on) => self.reshuffle(on, out),
            QueueIntent::Edit { entry, edit } => self.edit(entry, edit, at, out),
            QueueIntent::Stop => self.stop(at, out),
        }
    }

    fn play(
        &mut self,
        source: Source,
        from: QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
        at: Moment,
        out: &mut Vec<Effect>,
    ) {
        self.end_track(at, out);
        out.push(Effect::Engine(EngineCommand::Stop));
        self.generation += 1;
        self.queue_since = self.generation;
        let call = CoreCall::MakeQueue {
            source_id: source.id.clone(),
            from: from.clone(),
            start,
            shuffle,
            keep_playing: false,
            or_local: true,
        };
        out.push(Effect::Call { generation: self.generation, call });
        self.current = Some(Playing {
            source,
            origin: from,
            queue: Queue::waiting(self.repeat, shuffle),
            plan: None,
            queued: None,
            reporter: None,
            state: EngineState::Loading,
            position_ms: 0,
            duration_ms: 0,
            recovery: Recovery::default(),
            relocating: false,
            resume_at: None,
            place_saved: at.now,
            art: Art::Wanted,
            skipped: BTreeMap::new(),
        });
    }

    /// The queue the last run left, paused at its place. Music started
    /// before it was read wins.
    fn restore(&mut self, source: Source, saved: SavedQueue, at: Moment) {
        if self.current.is_some() {
            return;
        }
        let queue = Queue::new(saved.queue, saved.repeat);
        let Some(entry) = queue.current() else { return };
        self.generation += 1;
        self.queue_since = self.generation;
        self.repeat = saved.repeat;
        let duration_ms = entry.item.duration_ms.unwrap_or(0).max(0) as u64;
        self.current = Some(Playing {
            source,
            origin: saved.origin,
            queue,
            plan: None,
            queued: None,
            reporter: None,
            state: EngineState::Stopped,
            position_ms: saved.position_ms,
            duration_ms,
            recovery: Recovery::default(),
            relocating: false,
            resume_at: Some(saved.position_ms),
            place_saved: at.now,
            art: Art::Wanted,
            skipped: BTreeMap::new(),
        });
    }

    fn answer(&mut self, generation: u64, answer: Answer, at: Moment, out: &mut Vec<Effect>) {
        let this_entry = generation == self.generation;
        let this_queue = generation >= self.queue_since;
        match answer {
            Answer::QueueMade { result, keep_playing } if this_queue => self.queue_made(result, keep_playing, at, out),
            Answer::QueueChanged(result) if this_queue => self.queue_changed(result, at, out),
            Answer::EntryPrepared { entry, load, result } if this_queue => self.prepared(entry, load, result, at, out),
            Answer::Relocated { result, at_ms } if this_entry => self.relocated(result, at_ms, at, out),
            Answer::Art(file) if this_entry => {
                if let Some(p) = self.current.as_mut() {
                    p.art = Art::Here(file);
                }
            }
            _ => {}
        }
    }

    /// Plays the queue's current entry from its start (or where a restored
    /// queue was).
    fn load_current(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let Some(entry) = p.queue.current().cloned() else { return };
        self.generation += 1;
        p.plan = None;
        p.queued = None;
        p.reporter = None;
        p.position_ms = p.resume_at.unwrap_or(0);
        p.duration_ms = entry.item.duration_ms.unwrap_or(0).max(0) as u64;
        p.state = EngineState::Loading;
        p.recovery = Recovery::default();
        p.relocating = false;
        p.art = Art::Wanted;
        out.push(Effect::Engine(EngineCommand::QueueNext(None)));
        let call = CoreCall::PrepareEntry {
            source_id: p.source.id.clone(),
            rating_key: entry.item.rating_key.clone(),
            entry: entry.id,
            load: true,
        };
        out.push(Effect::Call { generation: self.generation, call });
        self.save_place(at, out);
    }

    fn prepared(
        &mut self,
        entry: u64,
        load: bool,
        result: Result<PlaybackPlan, Error>,
        at: Moment,
        out: &mut Vec<Effect>,
    ) {
        let Some(p) = self.current.as_mut() else { return };
        let Some(i) = p.queue.position(entry) else { return };
        let plan = match result {
            Ok(plan) => plan,
            Err(e) if load && p.queue.current == i && p.plan.is_none() => {
                let (title, offline) = (p.queue.entries[i].item.title.clone(), e.is_offline());
                return self.failed(title, Fault::Prepare(e), offline, at, out);
            }
            // The next one is asked again when it is due.
            Err(_) => return,
        };
        if load {
            // Another entry was asked for since, or this one is loaded.
            if p.queue.current != i || p.plan.is_some() || p.state != EngineState::Loading {
                return;
            }
            let start = p.resume_at.take().unwrap_or(0);
            load_into(&plan, start, out);
            // Every listen counts: a track played before is counted again.
            let key = p.queue.entries[i].item.rating_key.clone();
            let reporter = Reporter::new(key.as_str(), p.duration_ms, &plan.session, plan.threshold, false);
            p.reporter = Some(p.queue.reporting(reporter, entry));
            p.plan = Some(plan);
            self.prepare_following(out);
            self.hand_over(out);
        } else if p.queue.following() == Some(i) && p.plan.is_some() {
            out.push(Effect::Engine(EngineCommand::Container(container(&plan))));
            out.push(Effect::Engine(EngineCommand::QueueNext(Some(plan.location.clone()))));
            p.queued = Some((entry, plan));
        }
    }

    /// Asks where the entry that follows comes from, to hand it over early.
    fn prepare_following(&self, out: &mut Vec<Effect>) {
        let Some(p) = &self.current else { return };
        let Some(next) = p.queue.following().and_then(|i| p.queue.entries.get(i)) else { return };
        let call = CoreCall::PrepareEntry {
            source_id: p.source.id.clone(),
            rating_key: next.item.rating_key.clone(),
            entry: next.id,
            load: false,
        };
        out.push(Effect::Call { generation: self.generation, call });
    }

    fn toggle_play(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = &self.current else { return };
        match (&p.plan, p.state) {
            // Stopped (the end, the server gone, a queue kept from the last
            // run): the entry playing again, from its place if it has one.
            (None, EngineState::Stopped) => self.load_current(at, out),
            (None, _) => {}
            (Some(_), EngineState::Playing) => out.push(Effect::Engine(EngineCommand::Pause)),
            (Some(_), _) => out.push(Effect::Engine(EngineCommand::Play)),
        }
    }

    fn seek(&mut self, ms: u64, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let ms = if p.duration_ms > 0 { ms.min(p.duration_ms.saturating_sub(1)) } else { ms };
        p.position_ms = ms;
        if p.plan.is_some() {
            // Exactly: music is short, decoding from the page before is cheap.
            out.push(Effect::Engine(EngineCommand::Seek { ms, exact: true }));
        } else {
            // Nothing loaded: Play starts there.
            p.resume_at = Some(ms);
        }
        out.push(Effect::Seeked(ms));
        self.save_place(at, out);
    }

    fn skip(&mut self, forward: bool, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let to = if forward {
            p.queue.next()
        } else {
            match p.queue.previous(p.position_ms) {
                Previous::Go(i) => Some(i),
                Previous::Restart => return self.seek(0, at, out),
            }
        };
        if let Some(i) = to {
            self.go_to(i, at, out);
        }
    }

    /// Plays the entry at `i` from its start; the one playing ends here.
    fn go_to(&mut self, i: usize, at: Moment, out: &mut Vec<Effect>) {
        self.end_track(at, out);
        let Some(p) = self.current.as_mut() else { return };
        p.queue.current = i;
        p.resume_at = None;
        self.load_current(at, out);
    }

    /// The queue ends: the server hears the track stopped, nothing is kept.
    fn stop(&mut self, at: Moment, out: &mut Vec<Effect>) {
        if self.current.is_none() {
            return;
        }
        self.end_track(at, out);
        out.push(Effect::Engine(EngineCommand::Stop));
        self.current = None;
        out.push(Effect::ForgetQueue);
    }

    fn engine_event(&mut self, event: EngineEvent, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        match event {
            EngineEvent::State(state) => {
                p.state = state;
                if let Some(pos) = at.engine_position_ms.filter(|_| matches!(state, EngineState::Playing | EngineState::Paused)) {
                    p.position_ms = pos;
                }
                if state == EngineState::Playing {
                    if let Some(e) = p.queue.current() {
                        p.skipped.remove(&e.id);
                    }
                    self.want_art(out);
                }
                if state == EngineState::Paused {
                    self.save_place(at, out);
                }
                self.report(at, out);
            }
            // Over HTTP an Ogg file's length is guessed from its first pages:
            // the server's word stands unless the file turns out longer.
            EngineEvent::DurationKnown(ms) => p.duration_ms = p.duration_ms.max(ms),
            EngineEvent::Buffering(_) => {}
            EngineEvent::NextStarted => {
                // The one before played to its end.
                let end = p.duration_ms;
                self.report_at(PlayState::Stopped, end, at, out);
                let Some(p) = self.current.as_mut() else { return };
                let Some((id, plan)) = p.queued.take() else { return };
                let Some(i) = p.queue.position(id) else { return };
                self.generation += 1;
                p.queue.current = i;
                p.skipped.remove(&id);
                let item = &p.queue.entries[i].item;
                p.duration_ms = item.duration_ms.unwrap_or(0).max(0) as u64;
                p.position_ms = 0;
                p.recovery = Recovery::default();
                p.art = Art::Wanted;
                let reporter =
                    Reporter::new(item.rating_key.as_str(), p.duration_ms, &plan.session, plan.threshold, false);
                p.reporter = Some(p.queue.reporting(reporter, id));
                p.plan = Some(plan);
                self.want_art(out);
                self.save_place(at, out);
                self.report(at, out);
                self.prepare_following(out);
                self.hand_over(out);
            }
            EngineEvent::Ended => {
                let end = p.duration_ms;
                self.report_at(PlayState::Stopped, end, at, out);
                let Some(p) = self.current.as_mut() else { return };
                p.state = EngineState::Stopped;
                p.plan = None;
                p.position_ms = end;
                // Not handed over in time (its server did not answer then):
                // loaded now. At the end of the queue, Play starts the last
                // entry again.
                if let Some(i) = p.queue.following() {
                    p.queue.current = i;
                    p.resume_at = None;
                    self.load_current(at, out);
                }
            }
            EngineEvent::Error(e) if p.plan.is_some() && p.recovery.try_again(&e, p.position_ms) => {
                // The connection may have died: the core says where to go on
                // (the failover's choice, its identity checked again), and
                // the track goes on from where it stopped.
                tracing::info!("music stream failed ({e:?}); trying again where the failover says");
                p.state = EngineState::Loading;
                p.relocating = true;
                let call = CoreCall::Relocate { plan: p.plan.clone().expect("checked above"), at_ms: p.position_ms };
                out.push(Effect::Call { generation: self.generation, call });
                self.report(at, out);
            }
            EngineEvent::Error(error) => {
                let offline = matches!(error, EngineError::Network(_));
                let fault = Fault::Engine { error, server: p.source.name.clone(), offer_transcode: false };
                let title = p.title();
                self.failed(title, fault, offline, at, out);
            }
        }
    }

    /// Where the track goes on after its connection failed.
    fn relocated(&mut self, result: Result<crate::MediaLocation, Error>, at_ms: u64, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut().filter(|p| p.relocating) else { return };
        p.relocating = false;
        match result {
            Ok(location) => {
                let Some(plan) = p.plan.as_mut() else { return };
                plan.location = location;
                load_into(plan, at_ms, out);
                // What follows came from the dead connection too: asked again.
                p.queued = None;
                self.prepare_following(out);
            }
            Err(e) => {
                let title = p.title();
                self.failed(title, Fault::Relocate(e), true, at, out);
            }
        }
    }

    /// A track could not be played: skipped when it is the file's fault,
    /// the queue stopped when the server's (kept, to go on later).
    fn failed(&mut self, title: String, fault: Fault, offline: bool, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let server = p.source.name.clone();
        // The server hears the track stopped where it did (kept in the
        // outbox when it cannot be reached).
        p.state = EngineState::Stopped;
        self.report(at, out);
        let Some(p) = self.current.as_mut() else { return };
        p.plan = None;
        p.queued = None;
        p.relocating = false;
        out.push(Effect::Engine(EngineCommand::Stop));
        if offline {
            // Play goes on from here.
            p.resume_at = Some(p.position_ms);
            out.push(Effect::QueueNotice(QueueNotice::ServerGone { server }));
            self.save_place(at, out);
            return;
        }
        if let Some(e) = p.queue.current() {
            p.skipped.insert(e.id, fault.clone());
        }
        out.push(Effect::QueueNotice(QueueNotice::Skipped { title, fault }));
        if let Some(i) = p.queue.next().filter(|i| *i != p.queue.current) {
            p.queue.current = i;
            p.resume_at = None;
            self.load_current(at, out);
        }
    }

    fn tick(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let playing = p.state == EngineState::Playing;
        if playing {
            if let Some(pos) = at.engine_position_ms {
                p.position_ms = pos;
            }
        }
        // Playing and standing still: taken as a dropped connection.
        if p.recovery.stood_still(playing, p.position_ms, at.now) {
            return self.engine_event(EngineEvent::Error(Recovery::stood_still_error()), at, out);
        }
        if !playing {
            return;
        }
        p.recovery.played_to(p.position_ms);
        let save = at.now.saturating_sub(p.place_saved) >= SAVE_PLACE_EVERY;
        self.report(at, out);
        if save {
            self.save_place(at, out);
        }
    }

    /// The cover for the shell's media controls, asked for once the entry
    /// plays (it would take the CPU while the media opens).
    fn want_art(&mut self, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut().filter(|p| p.art == Art::Wanted) else { return };
        let Some(thumb) = p.queue.current().and_then(|e| e.item.thumb.clone()) else { return };
        p.art = Art::Asked;
        let call = CoreCall::FetchArt { source_id: p.source.id.clone(), thumb, size: TRACK_ART };
        out.push(Effect::Call { generation: self.generation, call });
    }

    /// The track playing ends where it is (another plays, or none).
    fn end_track(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = &self.current else { return };
        if p.plan.is_some() && p.state != EngineState::Stopped {
            let position = p.position_ms;
            self.report_at(PlayState::Stopped, position, at, out);
        }
    }

    fn report(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = &self.current else { return };
        let (state, position) = (p.play_state(), p.position_ms);
        self.report_at(state, position, at, out);
    }

    fn report_at(&mut self, state: PlayState, position_ms: u64, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let current = p.queue.current;
        let (Some(reporter), Some(entry)) = (p.reporter.as_mut(), p.queue.entries.get_mut(current)) else { return };
        course::report(&p.source.id, &mut entry.item, reporter, state, position_ms, at.now, out);
    }

}

/// Opens `plan`'s media at `start_ms`.
fn load_into(plan: &PlaybackPlan, start_ms: u64, out: &mut Vec<Effect>) {
    out.push(Effect::Engine(EngineCommand::Container(container(plan))));
    out.push(Effect::Engine(EngineCommand::Load { location: plan.location.clone(), start_ms }));
}

/// The container of the file a plan plays (the part's, else its version's).
fn container(plan: &PlaybackPlan) -> Option<String> {
    let (_, version, part) = plan.playable.first_part()?;
    part.container.clone().or_else(|| version.container.clone())
}

#[cfg(test)]
mod tests;
