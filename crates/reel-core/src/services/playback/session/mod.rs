//! One video playback's course, from Play to its end, as plain state: what
//! plays (the item, its plan, where its media comes from), what the server
//! hears (timelines, the watched mark), what happens when the connection
//! dies (the failover's connection, the same position), when a seek leaves
//! what the transcoder has made (a new transcode there), and what plays
//! next (a list's next entry, or the episode after: *Up Next*).
//!
//! No GTK, no GStreamer, no I/O: the app feeds it the engine's events and
//! the person's intents ([`Input`]) with the engine's position, and carries
//! out what it asks ([`Effect`]): engine commands, and core calls whose
//! answers come back as [`Answer`]s. What is shown (and what the shell's
//! media controls say) is read from [`PlaybackSession::view`].

mod course;
mod messages;
pub mod music;
mod view;

pub use messages::{
    Answer, CoreCall, Effect, EngineCommand, Input, Intent, Moment, QueueChange, QueueEdit, QueueIntent, QueueNotice,
};
pub use music::{MusicSession, MusicView};
pub use view::{Fault, Status, UpNextView, View};

use super::engine::{EngineError, EngineEvent, EngineState};
use super::timelines::{PlayState, Reporter};
use super::Decision;
use crate::facade::{MediaLocation, PlaybackPlan};
use crate::models::{ItemKind, MarkerKind, MediaItem, Source, StreamKind};
use std::path::PathBuf;
use std::time::Duration;

/// The size of a video's poster for the shell's media controls.
const VIDEO_ART: (u32, u32) = (300, 450);
/// How long *Up Next* counts down, while playing, before the next item plays.
pub const UP_NEXT_AFTER: Duration = Duration::from_secs(10);
use course::Recovery;
/// Without markers, *Up Next* shows in the last this-many milliseconds.
const UP_NEXT_WITHOUT_MARKERS_MS: u64 = 10_000;

/// One playback.
#[derive(Debug, Clone)]
struct Current {
    source: Source,
    item: MediaItem,
    plan: Option<PlaybackPlan>,
    reporter: Option<Reporter>,
    state: EngineState,
    buffering: bool,
    duration_ms: u64,
    position_ms: u64,
    /// Where it was asked to start (a transcode's stream counts from there).
    start_ms: u64,
    recovery: Recovery,
    /// The server's track choice inside the file, applied once it plays.
    initial_tracks: Option<(Option<u32>, Option<Option<u32>>)>,
    /// The poster for the shell's media controls: asked for once it plays
    /// (it would take the CPU while the media opens), then here.
    art: Art,
    /// What plays after this, once known.
    next: Option<MediaItem>,
    up_next: UpNext,
    failure: Option<Fault>,
}

#[derive(Debug, Clone, PartialEq)]
enum Art {
    Wanted,
    Asked,
    Here(Option<PathBuf>),
}

/// *Up Next*: hidden, counting down (only while playing), or turned down
/// for this playback.
#[derive(Debug, Clone, Copy, PartialEq)]
enum UpNext {
    Hidden,
    Counting { left: Duration, since: Duration },
    Cancelled,
}

impl Current {
    fn stream_offset_ms(&self) -> u64 {
        self.plan.as_ref().map_or(0, PlaybackPlan::stream_offset_ms)
    }

    /// Where the engine is, in the item's time.
    fn engine_at(&self, at: Moment) -> Option<u64> {
        at.engine_position_ms.map(|p| p + self.stream_offset_ms())
    }

    fn play_state(&self) -> PlayState {
        match self.state {
            _ if self.buffering => PlayState::Buffering,
            EngineState::Loading => PlayState::Buffering,
            EngineState::Playing => PlayState::Playing,
            EngineState::Paused => PlayState::Paused,
            EngineState::Stopped => PlayState::Stopped,
        }
    }

    fn direct(&self) -> bool {
        matches!(self.plan.as_ref().map(|p| &p.decision), Some(Decision::DirectPlay))
    }
}

/// Whether the media ended well before its known length: a file cut short.
/// (A length the server measured may be off by a little.)
pub fn ended_early(at_ms: u64, duration_ms: u64) -> bool {
    let slack = (duration_ms / 50).max(5_000);
    duration_ms > 0 && at_ms + slack < duration_ms
}

/// The video player's playback session.
#[derive(Debug, Default)]
pub struct PlaybackSession {
    generation: u64,
    current: Option<Current>,
    /// What plays after the item, in order (a list's entries).
    then: Vec<MediaItem>,
}

impl PlaybackSession {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts playbacks: answers carry the one they were asked for.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Whether something is loaded (playing, paused, opening or failed).
    pub fn is_active(&self) -> bool {
        self.current.is_some()
    }

    /// Feeds one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input, at: Moment) -> Vec<Effect> {
        let mut out = Vec::new();
        match input {
            Input::Intent(intent) => self.intent(intent, at, &mut out),
            // The music queue's own.
            Input::Queue(_) => {}
            Input::Engine(event) => self.engine_event(event, at, &mut out),
            Input::Tick => self.tick(at, &mut out),
            Input::Answer { generation, answer } if generation == self.generation => self.answer(answer, at, &mut out),
            Input::Answer { .. } => {}
            Input::EngineUnavailable(why) => self.fail(Fault::EngineUnavailable(why), at, &mut out),
        }
        out
    }

    fn intent(&mut self, intent: Intent, at: Moment, out: &mut Vec<Effect>) {
        match intent {
            Intent::Play { source, item, start_ms, then } => {
                self.then = then;
                self.start(source, item, start_ms, false, at, out);
            }
            Intent::PlayTranscoded => {
                if let Some(p) = self.current.clone() {
                    self.start(p.source, p.item, p.position_ms, true, at, out);
                }
            }
            Intent::TogglePlay => {
                let Some(p) = &self.current else { return };
                match p.state {
                    EngineState::Playing => out.push(Effect::Engine(EngineCommand::Pause)),
                    EngineState::Paused => out.push(Effect::Engine(EngineCommand::Play)),
                    // Played to the end (or failed): from the start again.
                    EngineState::Stopped if p.plan.is_some() => {
                        let (source, item) = (p.source.clone(), p.item.clone());
                        self.start(source, item, 0, false, at, out);
                    }
                    _ => {}
                }
            }
            Intent::SeekTo { ms, exact } => self.seek(ms, exact, out),
            Intent::SeekBy(delta) => {
                let Some(p) = &self.current else { return };
                let to = (p.position_ms as i64 + delta).clamp(0, p.duration_ms.max(1) as i64 - 1);
                self.seek(to as u64, false, out);
            }
            Intent::SkipMarker => {
                let Some(p) = &self.current else { return };
                let Some(plan) = &p.plan else { return };
                if let Some(m) = plan.playable.marker_at(p.position_ms as i64) {
                    // Exactly past it: a keyframe before its end would replay some.
                    let to = (m.end_ms.max(0) as u64).min(p.duration_ms.saturating_sub(1));
                    self.seek(to, true, out);
                }
            }
            Intent::LoadSubtitleFile { stream_id } => {
                let Some(p) = &self.current else { return };
                let part = p.plan.as_ref().and_then(|pl| pl.playable.first_part()).map(|(_, _, part)| part);
                let file = part.and_then(|part| part.sidecar_subtitles().into_iter().find(|s| s.id == stream_id));
                if let Some((key, codec)) = file.and_then(|s| Some((s.key.clone()?, s.codec.clone()))) {
                    let source_id = p.source.id.clone();
                    let call = CoreCall::FetchSidecar { source_id, key, codec, load_at: None };
                    out.push(Effect::Call { generation: self.generation, call });
                }
            }
            Intent::CancelUpNext => {
                if let Some(p) = self.current.as_mut() {
                    p.up_next = UpNext::Cancelled;
                }
            }
            Intent::PlayNext => self.play_next(at, out),
            Intent::Leave => {
                self.finish(at, out);
                out.push(Effect::Ended);
            }
        }
    }

    /// Plays `item` from `start_ms`. What played before ends first (the
    /// server hears it stopped); what the shell shows moves straight to
    /// the new item, never to nothing in between.
    fn start(
        &mut self,
        source: Source,
        item: MediaItem,
        start_ms: u64,
        transcode: bool,
        at: Moment,
        out: &mut Vec<Effect>,
    ) {
        self.finish(at, out);
        self.generation += 1;
        let duration_ms = item.duration_ms.unwrap_or(0).max(0) as u64;
        out.push(Effect::Call {
            generation: self.generation,
            call: CoreCall::Prepare {
                source_id: source.id.clone(),
                rating_key: item.rating_key.clone(),
                start_ms,
                transcode,
            },
        });
        self.current = Some(Current {
            source,
            item,
            plan: None,
            reporter: None,
            state: EngineState::Loading,
            buffering: false,
            duration_ms,
            position_ms: start_ms,
            start_ms,
            recovery: Recovery::default(),
            initial_tracks: None,
            art: Art::Wanted,
            next: None,
            up_next: UpNext::Hidden,
            failure: None,
        });
    }

    fn answer(&mut self, answer: Answer, at: Moment, out: &mut Vec<Effect>) {
        match answer {
            Answer::Prepared(Ok(plan)) => self.prepared(plan, at, out),
            Answer::Prepared(Err(e)) => {
                out.push(Effect::Show);
                self.fail(Fault::Prepare(e), at, out);
            }
            Answer::NextKnown(next) => {
                if let Some(p) = self.current.as_mut() {
                    p.next = next;
                }
            }
            Answer::Relocated { result: Ok(location), at_ms } => {
                let Some(p) = self.current.as_mut() else { return };
                let offset = p.stream_offset_ms();
                let Some(plan) = p.plan.as_mut() else { return };
                p.buffering = false;
                let moved = plan.location.url.origin() != location.url.origin();
                plan.location = location.clone();
                // (A subtitle file is a local copy: the engine keeps it.)
                out.push(Effect::Engine(EngineCommand::Load { location, start_ms: at_ms.saturating_sub(offset) }));
                // Told only when true: the same connection tried again is not news.
                if moved {
                    out.push(Effect::ConnectionChanged);
                }
            }
            Answer::Relocated { result: Err(e), .. } => self.fail(Fault::Relocate(e), at, out),
            Answer::Retranscoded(Ok(plan)) => {
                let Some(p) = self.current.as_mut() else { return };
                p.buffering = false;
                // The new stream plays from its own zero, which is the seek's target.
                out.push(Effect::Engine(EngineCommand::Load { location: plan.location.clone(), start_ms: 0 }));
                if p.state == EngineState::Paused {
                    out.push(Effect::Engine(EngineCommand::Pause));
                }
                p.plan = Some(plan);
            }
            Answer::Retranscoded(Err(e)) => self.fail(Fault::Retranscode(e), at, out),
            Answer::Sidecar { result, load_at } => {
                let Some(p) = self.current.as_ref() else { return };
                let Some(plan) = p.plan.as_ref() else { return };
                let local = match result {
                    Ok(path) => url::Url::from_file_path(&path).ok().map(|url| MediaLocation {
                        url,
                        token: crate::Token::new(String::new()),
                        trust_anchors: None,
                    }),
                    Err(e) => {
                        out.push(Effect::SubtitlesFailed(e));
                        None
                    }
                };
                out.push(Effect::Engine(EngineCommand::ExternalSubtitle(local)));
                // The engine takes a subtitle file only when it opens the media.
                let start_ms = load_at.unwrap_or_else(|| p.position_ms.saturating_sub(p.stream_offset_ms()));
                let paused = load_at.is_none() && p.state == EngineState::Paused;
                out.push(Effect::Engine(EngineCommand::Load { location: plan.location.clone(), start_ms }));
                if paused {
                    out.push(Effect::Engine(EngineCommand::Pause));
                }
            }
            Answer::Art(file) => {
                if let Some(p) = self.current.as_mut() {
                    p.art = Art::Here(file);
                }
            }
            // The music queue's own.
            Answer::QueueMade { .. } | Answer::QueueChanged(_) | Answer::EntryPrepared { .. } => {}
        }
    }

    fn prepared(&mut self, plan: PlaybackPlan, at: Moment, out: &mut Vec<Effect>) {
        // The media opens first, then the page is worth showing.
        out.push(Effect::Show);
        let generation = self.generation;
        // (The engine could not be made: nothing opens.)
        let Some(p) = self.current.as_mut().filter(|p| p.failure.is_none()) else { return };
        if let Some(d) = plan.playable.duration_ms().filter(|d| *d > 0) {
            p.duration_ms = d as u64;
        }
        p.reporter =
            Some(Reporter::new(p.item.rating_key.as_str(), p.duration_ms, &plan.session, plan.threshold, p.item.watched()));
        // A transcode starts where it was asked: the stream's zero is that point.
        let engine_start = p.start_ms.saturating_sub(plan.stream_offset_ms());
        let part = plan.playable.first_part().map(|(_, _, part)| part);
        // The server's subtitle choice may be a file beside the media.
        let sidecar = part.and_then(|part| part.sidecar_subtitles().into_iter().find(|s| s.selected));
        match sidecar.and_then(|s| Some((s.key.clone()?, s.codec.clone()))) {
            // Opened once the file is here (a moment on the server's own network).
            Some((key, codec)) => out.push(Effect::Call {
                generation,
                call: CoreCall::FetchSidecar {
                    source_id: p.source.id.clone(),
                    key,
                    codec,
                    load_at: Some(engine_start),
                },
            }),
            None => {
                out.push(Effect::Engine(EngineCommand::ExternalSubtitle(None)));
                out.push(Effect::Engine(EngineCommand::Load {
                    location: plan.location.clone(),
                    start_ms: engine_start,
                }));
            }
        }
        let has_sidecar = sidecar.is_some();
        p.initial_tracks = part.map(|part| {
            let subtitle = if has_sidecar { None } else { Some(part.chosen_embedded(StreamKind::Subtitle)) };
            (part.chosen_embedded(StreamKind::Audio), subtitle)
        });
        if let Some(next) = self.then.first() {
            p.next = Some(next.clone());
        } else if p.item.kind == ItemKind::Episode {
            out.push(Effect::Call {
                generation,
                call: CoreCall::FindNext { source_id: p.source.id.clone(), item: p.item.clone() },
            });
        }
        p.plan = Some(plan);
        self.report(at, out);
    }

    fn engine_event(&mut self, event: EngineEvent, at: Moment, out: &mut Vec<Effect>) {
        let generation = self.generation;
        let Some(p) = self.current.as_mut() else { return };
        match event {
            EngineEvent::State(state) => {
                p.state = state;
                if state == EngineState::Playing {
                    // Told "Playing", a client reads where at once: not the
                    // position of before the load.
                    if let Some(pos) = p.engine_at(at) {
                        p.position_ms = pos;
                    }
                    if p.art == Art::Wanted {
                        p.art = Art::Asked;
                        if let Some(thumb) = p.item.thumb.clone() {
                            let source_id = p.source.id.clone();
                            out.push(Effect::Call { generation, call: CoreCall::FetchArt { source_id, thumb, size: VIDEO_ART } });
                        }
                    }
                    if let Some((audio, subtitle)) = p.initial_tracks.take() {
                        if let Some(a) = audio {
                            out.push(Effect::Engine(EngineCommand::AudioTrack(a)));
                        }
                        // The server's choice; none chosen there means none shown.
                        if let Some(subtitle) = subtitle {
                            out.push(Effect::Engine(EngineCommand::SubtitleTrack(subtitle)));
                        }
                    }
                }
                self.report(at, out);
            }
            EngineEvent::Buffering(percent) => {
                let buffering = percent < 100;
                if buffering != p.buffering {
                    p.buffering = buffering;
                    self.report(at, out);
                }
            }
            EngineEvent::DurationKnown(ms) if ms > 0 => {
                p.duration_ms = p.duration_ms.max(ms + p.stream_offset_ms());
            }
            // The video player queues nothing after what it plays.
            EngineEvent::DurationKnown(_) | EngineEvent::NextStarted => {}
            EngineEvent::Ended => {
                let end = p.engine_at(at).unwrap_or(p.position_ms);
                if ended_early(end, p.duration_ms) {
                    // A file cut short (an interrupted copy): not watched,
                    // and nothing plays next as if it had ended.
                    p.position_ms = end;
                    let fault = Fault::EndedEarly { at_ms: end, duration_ms: p.duration_ms };
                    return self.fail(fault, at, out);
                }
                p.position_ms = p.duration_ms;
                p.state = EngineState::Stopped;
                let next = p.next.is_some() && p.up_next != UpNext::Cancelled;
                self.report(at, out);
                if next {
                    self.play_next(at, out);
                } else {
                    self.finish(at, out);
                    out.push(Effect::Ended);
                }
            }
            EngineEvent::Error(e) if p.plan.is_some() && p.recovery.try_again(&e, p.position_ms) => {
                // The connection may have died (or the server's answer was
                // passing): the core says where to go on (the failover's
                // choice, its identity checked again), from where it stopped.
                // Meanwhile the server hears it is buffering, not that it stopped.
                p.buffering = true;
                let call = CoreCall::Relocate { plan: p.plan.clone().expect("checked above"), at_ms: p.position_ms };
                self.report(at, out);
                out.push(Effect::Call { generation, call });
            }
            EngineEvent::Error(error) => {
                let offer_transcode =
                    p.direct() && matches!(error, EngineError::MissingCodec(_) | EngineError::Decode(_));
                let server = p.source.name.clone();
                self.fail(Fault::Engine { error, server, offer_transcode }, at, out);
            }
        }
    }

    fn tick(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        if p.state == EngineState::Loading || p.plan.is_none() || p.failure.is_some() {
            return;
        }
        if let Some(pos) = p.engine_at(at) {
            p.position_ms = pos;
        }
        p.recovery.played_to(p.position_ms);
        // Playing and standing still: taken as a dropped connection, gone
        // on from here where the failover says, said when that does not help.
        let playing = p.state == EngineState::Playing && !p.buffering;
        if p.recovery.stood_still(playing, p.position_ms, at.now) {
            return self.engine_event(EngineEvent::Error(Recovery::stood_still_error()), at, out);
        }
        let near_end = {
            let plan = p.plan.as_ref().expect("checked above");
            let final_credits = plan
                .playable
                .marker_at(p.position_ms as i64)
                .is_some_and(|m| m.kind == MarkerKind::Credits && m.is_final);
            // Up Next in the final credits (or the last seconds without markers).
            final_credits
                || (p.duration_ms > 0
                    && p.duration_ms.saturating_sub(p.position_ms) <= UP_NEXT_WITHOUT_MARKERS_MS
                    && plan.playable.markers.is_empty())
        };
        let mut play_next = false;
        p.up_next = match (p.up_next, p.next.is_some() && near_end) {
            (UpNext::Cancelled, _) => UpNext::Cancelled,
            (UpNext::Hidden, true) => UpNext::Counting { left: UP_NEXT_AFTER, since: at.now },
            // The countdown runs only while playing: paused, it waits too.
            (UpNext::Counting { left, since }, true) => {
                let left = if p.state == EngineState::Playing {
                    left.saturating_sub(at.now.saturating_sub(since))
                } else {
                    left
                };
                play_next = left.is_zero();
                UpNext::Counting { left, since: at.now }
            }
            (_, false) => UpNext::Hidden,
        };
        self.report(at, out);
        if play_next {
            self.play_next(at, out);
        }
    }

    fn seek(&mut self, ms: u64, exact: bool, out: &mut Vec<Effect>) {
        let generation = self.generation;
        let Some(p) = self.current.as_mut() else { return };
        let restart = p.plan.as_ref().filter(|pl| pl.seek_needs_new_transcode(p.position_ms, ms)).cloned();
        let offset = p.stream_offset_ms();
        p.position_ms = ms;
        out.push(Effect::Seeked(ms));
        let Some(plan) = restart else {
            out.push(Effect::Engine(EngineCommand::Seek { ms: ms.saturating_sub(offset), exact }));
            return;
        };
        // Before the stream's start or beyond what the server has made: a
        // new transcode session from there (the old one is stopped).
        tracing::info!(at_ms = ms, "seek outside the transcode; restarting it there");
        out.push(Effect::Engine(EngineCommand::Stop));
        p.buffering = true;
        out.push(Effect::Call { generation, call: CoreCall::Retranscode { plan, at_ms: ms } });
    }

    /// Plays what comes next (from its own resume point).
    fn play_next(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some((source, next)) = self.current.as_ref().and_then(|p| Some((p.source.clone(), p.next.clone()?))) else {
            return;
        };
        if self.then.first().is_some_and(|t| t.rating_key == next.rating_key) {
            self.then.remove(0);
        }
        let start = if next.watched() { 0 } else { next.view_offset_ms.max(0) as u64 };
        self.start(source, next, start, false, at, out);
    }

    /// Playback cannot go on: the server hears it stopped (where it
    /// stopped), the fault is kept for the page to say.
    fn fail(&mut self, fault: Fault, at: Moment, out: &mut Vec<Effect>) {
        out.push(Effect::Show);
        out.push(Effect::Engine(EngineCommand::Stop));
        if let Some(p) = self.current.as_mut() {
            p.state = EngineState::Stopped;
            p.buffering = false;
            p.failure = Some(fault);
        }
        self.report(at, out);
    }

    /// Ends the playback: the server hears it stopped, a transcode session
    /// is ended, the engine lets go of the media.
    fn finish(&mut self, at: Moment, out: &mut Vec<Effect>) {
        if self.current.is_none() {
            return;
        }
        if let Some(p) = self.current.as_mut() {
            p.state = EngineState::Stopped;
            p.buffering = false;
        }
        self.report(at, out);
        out.push(Effect::Engine(EngineCommand::Stop));
        if let Some(plan) = self.current.take().and_then(|p| p.plan).filter(|plan| plan.transcode.is_some()) {
            out.push(Effect::StopTranscode(plan));
        }
    }

    /// Sends what is due (a change of state, 10 s of playing, the threshold passed).
    fn report(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let state = p.play_state();
        let Some(reporter) = p.reporter.as_mut() else { return };
        course::report(&p.source.id, &mut p.item, reporter, state, p.position_ms, at.now, out);
    }
}

#[cfg(test)]
mod scripted;
#[cfg(test)]
mod tests;
