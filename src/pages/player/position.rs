//! Where playback is and where its media comes from: seeks (a transcode
//! restarted when the server has not made that part), the failover's new
//! address, the time shown.

use super::*;

impl PlayerPage {
    pub(super) fn seek(&mut self, sender: &ComponentSender<Self>, ms: u64, exact: bool) {
        let Some(p) = self.playing.as_mut() else { return };
        let offset = p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
        let restart = p.plan.as_ref().filter(|pl| pl.seek_needs_new_transcode(p.position_ms, ms)).cloned();
        p.position_ms = ms;
        let duration = p.duration_ms;
        self.show_time(ms, duration);
        let (Some(engine), Some(p)) = (&self.engine, self.playing.as_mut()) else { return };
        self.mpris.seeked(ms);
        let Some(plan) = restart else {
            engine.seek(ms.saturating_sub(offset), exact);
            return;
        };
        // Before the stream's start or beyond what the server has made: a
        // new transcode session from there (the old one is stopped).
        tracing::info!(at_ms = ms, "seek outside the transcode; restarting it there");
        engine.stop();
        p.buffering = true;
        self.ui.busy.set_busy(true);
        let (s, generation) = (sender.clone(), self.generation);
        self.core.run(
            move |core| async move { core.transcode_from(&plan, ms).await.map_err(Failure::from) },
            move |result| s.input(PlayerMsg::Retranscoded { generation, result }),
        );
    }

    /// The media goes on from `location` (where the failover says), at
    /// `at_ms`.
    pub(super) fn relocated(&mut self, sender: &ComponentSender<Self>, location: MediaLocation, at_ms: u64) {
        let (Some(p), Some(engine)) = (self.playing.as_mut(), &self.engine) else { return };
        let Some(plan) = p.plan.as_mut() else { return };
        p.buffering = false;
        let moved = plan.location.url.origin() != location.url.origin();
        plan.location = location;
        // (A subtitle file is a local copy: the engine keeps it.)
        // A transcoded stream counts from where it started.
        engine.load(&plan.location, at_ms.saturating_sub(plan.stream_offset_ms()));
        // Told only when it is true: the same connection tried again is not news.
        if moved {
            let _ = sender.output(PlayerOutput::Toast(gettext("The connection changed; playback goes on")));
        }
    }

    /// Elapsed and remaining time; changed only when a second changes
    /// (fewer accessibility events).
    pub(super) fn show_time(&self, position_ms: u64, duration_ms: u64) {
        let now = clock(position_ms);
        let left = format!("-{}", clock(duration_ms.saturating_sub(position_ms)));
        if self.ui.elapsed.text() != now {
            self.ui.elapsed.set_text(&now);
            crate::widgets::labelled(&self.ui.elapsed, &i18n_f("Elapsed {}", &[&now]));
        }
        if self.ui.remaining.text() != left {
            self.ui.remaining.set_text(&left);
        }
    }

    /// A transcode restarted at a seek's target: its stream plays from
    /// its own zero, which is that target.
    pub(super) fn retranscoded(&mut self, sender: &ComponentSender<Self>, result: Result<PlaybackPlan, Failure>) {
        let plan = match result {
            Ok(plan) => plan,
            Err(f) => return self.fail(sender, &f.message(), false),
        };
        let Some(p) = self.playing.as_mut() else { return };
        p.buffering = false;
        if let Some(engine) = &self.engine {
            engine.load(&plan.location, 0);
            if p.state == EngineState::Paused {
                engine.pause();
            }
        }
        p.plan = Some(plan);
    }
}
