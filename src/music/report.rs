//! What the server hears while the queue plays: timelines for the entry
//! playing (on every change and every 10 s, with its `playQueueItemID`)
//! and a play once past the server's threshold; unreachable, they wait in
//! the outbox.

use super::{MusicMsg, MusicPlayer};
use crate::player::{Engine, EngineState};
use crate::runtime::Failure;
use reel_core::models::ServerAction;
use reel_core::playback::PlayState;
use relm4::ComponentSender;

impl MusicPlayer {
    pub(super) fn stop_reporting(&mut self) {
        if let Some(p) = self.playing.as_mut() {
            if p.plan.is_some() && p.state != EngineState::Stopped {
                let (id, at) = (p.source.id.clone(), p.position_ms);
                if let (Some(r), Some(e)) = (p.reporter.as_mut(), p.queue.current()) {
                    let actions = r.update(PlayState::Stopped, at, p.clock.elapsed());
                    let item = e.item.clone();
                    self.core.run(move |core| core.report_playback(&id, &item, actions), |_| {});
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
        let save = p.place_saved.elapsed() >= super::saved::SAVE_PLACE_EVERY;
        self.report(sender);
        if save {
            self.save_place();
        }
    }

    pub(super) fn report(&mut self, sender: &ComponentSender<Self>) {
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

    pub(super) fn report_at(&mut self, sender: &ComponentSender<Self>, state: PlayState, at: u64) {
        let Some(p) = self.playing.as_mut() else { return };
        let (Some(reporter), Some(entry)) = (p.reporter.as_mut(), p.queue.current()) else { return };
        let actions: Vec<ServerAction> = reporter.update(state, at, p.clock.elapsed());
        if actions.is_empty() {
            return;
        }
        let (id, item) = (p.source.id.clone(), entry.item.clone());
        self.core.ask(
            sender,
            // In line now: the server hears reports in this order.
            move |core| {
                let report = core.report_playback(&id, &item, actions);
                async move { report.await.map_err(Failure::from) }
            },
            MusicMsg::Reported,
        );
    }
}
