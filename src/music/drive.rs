//! The bar as the driver of the core's music session: what happens (the
//! person, the engine, the time, the core's answers) is fed to it, what it
//! asks for is done (the engine told, the core asked), and the result is
//! drawn.

use super::{MusicMsg, MusicOutput, MusicPlayer};
use crate::i18n::i18n_f;
use crate::player::capabilities::GstCapabilities;
use crate::player::gst_engine::GstEngine;
use crate::player::{fetched_whole, Engine};
use crate::runtime::Failure;
use reel_core::playback::{Effect, EngineCommand, Fault, Input, Moment, QueueNotice};
use relm4::ComponentSender;
use std::rc::Rc;

impl MusicPlayer {
    /// Feeds the session one input, carries out what it asks, and shows the result.
    pub(super) fn feed(&mut self, sender: &ComponentSender<Self>, input: Input) {
        let moment = Moment {
            now: self.clock.elapsed(),
            engine_position_ms: self.engine.as_ref().and_then(|e| e.position_ms()),
        };
        for effect in self.session.handle(input, moment) {
            self.effect(sender, effect);
        }
        self.render(sender);
    }

    fn effect(&mut self, sender: &ComponentSender<Self>, effect: Effect) {
        match effect {
            Effect::Engine(command) => self.command(command),
            Effect::Call { generation, call } => {
                self.core.ask(
                    sender,
                    move |core| async move { core.carry_out(call, &GstCapabilities).await },
                    move |answer| MusicMsg::Answer { generation, answer },
                );
            }
            Effect::Report { source_id, item, actions } => {
                self.core.ask(
                    sender,
                    // In line now: the server hears reports in this order.
                    move |core| {
                        let report = core.report_playback(&source_id, &item, actions);
                        async move { report.await.map_err(Failure::from) }
                    },
                    MusicMsg::Reported,
                );
            }
            Effect::ItemChanged { source_id, item } => {
                let _ = sender.output(MusicOutput::ItemChanged { source_id, item });
            }
            Effect::SaveQueue(saved) => {
                self.core.run(move |core| async move { core.save_music_queue(saved).await }, kept);
            }
            Effect::SavePlace { entry, at_ms } => {
                tracing::debug!(entry, at_ms, "music queue place saved");
                self.core.run(move |core| async move { core.save_music_queue_place(entry, at_ms).await }, kept);
            }
            Effect::ForgetQueue => {
                self.core.run(|core| async move { core.forget_music_queue().await }, kept);
            }
            Effect::QueueNotice(notice) => {
                if let QueueNotice::NotMade { .. } = notice {
                    // A shuffle the server refused: the toggle shows the queue as it is.
                    if let Some(v) = self.session.view() {
                        self.ui.show_shuffle(v.shuffled);
                    }
                }
                let _ = sender.output(MusicOutput::Toast(notice_words(&notice)));
            }
            Effect::Seeked(ms) => {
                if self.announcing {
                    self.mpris.seeked(ms);
                }
            }
            // A video's: music plays files as they are, in the bar.
            Effect::Show
            | Effect::ConnectionChanged
            | Effect::SubtitlesFailed(_)
            | Effect::StopTranscode(_)
            | Effect::Ended => {}
        }
    }

    fn command(&mut self, command: EngineCommand) {
        if let EngineCommand::Container(container) = &command {
            self.fetch_whole = fetched_whole(container.as_deref());
        }
        // The engine is made for the first media loaded.
        let engine = match &command {
            EngineCommand::Load { .. } => self.engine(),
            _ => self.engine.clone(),
        };
        let Some(engine) = engine else { return };
        match command {
            EngineCommand::Load { location, start_ms } => engine.load(&location, start_ms),
            EngineCommand::QueueNext(next) => engine.queue_next(next.as_ref()),
            EngineCommand::Container(_) => engine.set_fetch_whole(self.fetch_whole),
            EngineCommand::Play => engine.play(),
            EngineCommand::Pause => engine.pause(),
            EngineCommand::Stop => engine.stop(),
            EngineCommand::Seek { ms, exact } => engine.seek(ms, exact),
            // A track has no tracks to choose, nor subtitles.
            EngineCommand::AudioTrack(_) | EngineCommand::SubtitleTrack(_) | EngineCommand::ExternalSubtitle(_) => {}
        }
    }

    /// The engine, made if need be; when it cannot be, the session hears why.
    fn engine(&mut self) -> Option<Rc<GstEngine>> {
        if let Some(e) = &self.engine {
            return Some(e.clone());
        }
        let s = self.input.clone();
        match GstEngine::audio(None, move |e| s.emit(MusicMsg::Engine(e))) {
            Ok(engine) => {
                let engine = Rc::new(engine);
                engine.set_volume(self.volume);
                engine.set_fetch_whole(self.fetch_whole);
                self.engine = Some(engine.clone());
                Some(engine)
            }
            Err(e) => {
                self.input.emit(MusicMsg::EngineFailed(format!("{e:#}")));
                None
            }
        }
    }
}

/// What the queue tells the person, in words.
fn notice_words(notice: &QueueNotice) -> String {
    match notice {
        QueueNotice::NothingToPlay { title } => i18n_f("{} has nothing to play.", &[title]),
        QueueNotice::NotMade { title, error } => i18n_f("Could not play {}: {}", &[title, &reel_words::error(error)]),
        QueueNotice::Skipped { title, fault } => i18n_f("Skipped {}: {}", &[title, &skipped_because(fault)]),
        QueueNotice::ServerGone { server } => {
            i18n_f("{} cannot be reached: the music stopped. Press Play to go on.", &[server])
        }
        QueueNotice::NotChanged(error) => i18n_f("Could not change the queue: {}", &[&reel_words::error(error)]),
        QueueNotice::OnlyDownloaded { title, server } => {
            // Translators: the first {} is a server's name, the second an album's, an artist's or a playlist's.
            i18n_f("{} cannot be reached: playing what is downloaded of {}.", &[server, title])
        }
    }
}

/// Why a track was skipped, in words (its toast and its mark in the queue).
pub(super) fn skipped_because(fault: &Fault) -> String {
    match fault {
        Fault::Engine { error, server, .. } => reel_words::engine_error(error, server),
        Fault::Prepare(e) | Fault::Relocate(e) | Fault::Retranscode(e) => reel_words::error(e),
        Fault::EngineUnavailable(why) => i18n_f("The player could not start: {}", &[why]),
        Fault::EndedEarly { at_ms, duration_ms } => reel_words::ended_early(*at_ms, *duration_ms),
    }
}

/// A queue not kept is no reason to stop the music: said in the log.
fn kept(r: reel_core::Result<()>) {
    if let Err(e) = r {
        tracing::warn!("the music queue was not saved: {e}");
    }
}
