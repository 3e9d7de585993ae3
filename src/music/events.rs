//! What the engine says while the queue plays: the next track started,
//! the end, a failure. A track that cannot be decoded is skipped with a
//! toast; a connection that dies mid-track is replaced by the one the
//! failover picks, from the same position; a server that cannot be reached
//! at all stops the queue with a message, the queue kept.

use super::{MusicMsg, MusicOutput, MusicPlayer};
use crate::i18n::i18n_f;
use crate::player::{Engine, EngineError, EngineEvent, EngineState};
use crate::runtime::Failure;
use reel_core::playback::{PlayState, Reporter};
use relm4::ComponentSender;

/// Tries at another connection before the queue stops for the server.
const RECOVER_TRIES: u32 = 2;

impl MusicPlayer {
    pub(super) fn engine_event(&mut self, sender: &ComponentSender<Self>, e: EngineEvent) {
        tracing::debug!(event = ?e, "music");
        let Some(p) = self.playing.as_mut() else { return };
        match e {
            EngineEvent::State(state) => {
                p.state = state;
                if state == EngineState::Playing {
                    p.recoveries = 0;
                }
                if state == EngineState::Paused {
                    if let Some(at) = self.engine.as_ref().and_then(|e| e.position_ms()) {
                        p.position_ms = at;
                    }
                    self.save_place();
                }
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
                    Reporter::new(entry.item.rating_key.as_str(), p.duration_ms, &plan.session, plan.threshold, false)
                        .in_play_queue(id),
                );
                p.plan = Some(plan);
                self.show_entry(sender, &entry);
                self.save_place();
                self.report(sender);
                self.prepare_following(sender);
            }
            EngineEvent::Ended => {
                let (end, following) = (p.duration_ms, p.queue.following());
                self.report_at(sender, PlayState::Stopped, end);
                let Some(p) = self.playing.as_mut() else { return };
                p.state = EngineState::Stopped;
                p.plan = None;
                match following {
                    // Not handed over in time (its server did not answer
                    // then): loaded now, or told why not.
                    Some(i) => {
                        p.queue.current = i;
                        self.load_current(sender);
                    }
                    // The end of the queue: Play starts its last entry again.
                    None => {
                        self.ui.show_playing(false);
                        self.mpris_status();
                    }
                }
            }
            EngineEvent::Error(err) if err.recoverable() && p.recoveries < RECOVER_TRIES && p.plan.is_some() => {
                // The connection may have died: the core says where to go on
                // (the failover's choice, its identity checked again), and
                // the track goes on from where it stopped.
                tracing::info!("music stream failed ({err:?}); trying again where the failover says");
                p.recoveries += 1;
                p.state = EngineState::Loading;
                let (plan, at, generation) = (p.plan.clone(), p.position_ms, self.generation);
                let entry = p.queue.current().map_or(0, |e| e.id);
                self.core.ask(
                    sender,
                    move |core| async move {
                        match plan {
                            Some(plan) => core.media_location(&plan).await.map_err(Failure::from),
                            None => Err(Failure::from(reel_core::Error::Internal("no media to go on from".into()))),
                        }
                    },
                    move |result| MusicMsg::Relocated { generation, entry, at_ms: at, result },
                );
            }
            EngineEvent::Error(err) => {
                let title = p.queue.current().map(|e| e.item.title.clone()).unwrap_or_default();
                let offline = matches!(err, EngineError::Network(_));
                let message = crate::words::engine_error(&err, &p.source.name);
                self.failed(sender, &title, &message, offline);
            }
        }
    }

    /// Where the track playing goes on after its connection failed.
    pub(super) fn relocated(
        &mut self,
        sender: &ComponentSender<Self>,
        entry: u64,
        at_ms: u64,
        result: Result<reel_core::MediaLocation, Failure>,
    ) {
        let Some(p) = self.playing.as_mut().filter(|p| p.queue.current().is_some_and(|e| e.id == entry)) else {
            return;
        };
        let title = p.queue.current().map(|e| e.item.title.clone()).unwrap_or_default();
        match result {
            Ok(location) => {
                if let Some(engine) = &self.engine {
                    engine.load(&location, at_ms);
                }
                if let Some(plan) = p.plan.as_mut() {
                    plan.location = location;
                }
                // What follows came from the dead connection too: asked again.
                p.queued = None;
                self.prepare_following(sender);
            }
            Err(f) => self.failed(sender, &title, &f.message(), true),
        }
    }

    /// A track could not be played: skipped when it is the file's fault,
    /// the queue stopped when the server's (kept, to go on later).
    pub(super) fn failed(&mut self, sender: &ComponentSender<Self>, title: &str, message: &str, offline: bool) {
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
}
