//! The page as the driver of the core's playback session: what happens
//! (the person, the engine, the time, the core's answers) is fed to it,
//! what it asks for is done (the engine told, the core asked), and what it
//! shows is drawn (the page, the window's title, the shell's media controls).

use super::*;

impl PlayerPage {
    /// Feeds the session one input, carries out what it asks, and shows the
    /// result.
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
            Effect::Call { generation, call } => self.call(sender, generation, call),
            Effect::Report { source_id, item, actions } => {
                self.core.ask(
                    sender,
                    // In line now: the server hears reports in this order.
                    move |core| {
                        let report = core.report_playback(&source_id, &item, actions);
                        async move { report.await.map_err(Failure::from) }
                    },
                    PlayerMsg::Reported,
                );
            }
            Effect::StopTranscode(plan) => {
                self.core.run(move |core| async move { core.stop_transcode(&plan).await }, |_| {});
            }
            Effect::Show => {
                let _ = sender.output(PlayerOutput::Opening);
            }
            Effect::Seeked(ms) => self.mpris.seeked(ms),
            Effect::ConnectionChanged => {
                let _ = sender.output(PlayerOutput::Toast(gettext("The connection changed; playback goes on")));
            }
            Effect::SubtitlesFailed(e) => {
                let text = i18n_f("The subtitles could not be loaded: {}", &[&reel_words::error(&e)]);
                let _ = sender.output(PlayerOutput::Toast(text));
            }
            Effect::ItemChanged { source_id, item } => {
                let _ = sender.output(PlayerOutput::ItemChanged { source_id, item });
            }
            Effect::Ended => {
                // What went wrong was said; it is not the next playback's page.
                self.ui.error.set_visible(false);
                let _ = sender.output(PlayerOutput::Leave);
            }
            // The music queue's own.
            Effect::SaveQueue(_) | Effect::SavePlace { .. } | Effect::ForgetQueue | Effect::QueueNotice(_) => {}
        }
    }

    fn command(&self, command: EngineCommand) {
        let Some(engine) = &self.engine else { return };
        match command {
            EngineCommand::Load { location, start_ms } => {
                self.fit_video();
                crate::probe!(mark("play load"));
                engine.load(&location, start_ms);
            }
            EngineCommand::Play => engine.play(),
            EngineCommand::Pause => engine.pause(),
            EngineCommand::Stop => engine.stop(),
            EngineCommand::Seek { ms, exact } => engine.seek(ms, exact),
            EngineCommand::AudioTrack(i) => engine.set_audio_track(i),
            EngineCommand::SubtitleTrack(i) => engine.set_subtitle_track(i),
            EngineCommand::ExternalSubtitle(file) => engine.set_external_subtitle(file.as_ref()),
            // A video has nothing queued after it, and the player fetches it as it plays.
            EngineCommand::QueueNext(_) | EngineCommand::Container(_) => {}
        }
    }

    /// Asks the core; the answer goes back to the session as playback
    /// `generation`'s (dropped there if another has started since).
    fn call(&self, sender: &ComponentSender<Self>, generation: u64, call: CoreCall) {
        self.core.ask(
            sender,
            move |core| async move { core.carry_out(call, &GstCapabilities).await },
            move |answer| PlayerMsg::Answer { generation, answer },
        );
    }

    /// Shows the session's view: only what changed since the last time.
    fn render(&mut self, sender: &ComponentSender<Self>) {
        let view = self.session.view();
        let before = self.shown.view.take();
        match (&view, &before) {
            (None, None) => {}
            (None, Some(_)) => self.render_ended(sender),
            (Some(v), before) => {
                let before = before.as_ref().filter(|b| b.generation == v.generation);
                self.render_view(sender, v, before);
            }
        }
        self.shown.view = view;
    }

    /// A new playback (or the next item) shows at once: the header, the
    /// window's title and the shell's media controls name it from the
    /// moment it is asked for, before the server has answered.
    fn render_started(&mut self, sender: &ComponentSender<Self>, v: &View) {
        self.ui.title.set_title(&what(&v.item));
        self.ui.title.set_subtitle("");
        self.ui.error.set_visible(false);
        self.ui.up_next.set_visible(false);
        self.ui.skip.set_visible(false);
        self.ui.tracks.set_menu_model(Some(&tracks::menu(None)));
        let _ = sender.output(PlayerOutput::Title(Some(what(&v.item))));
        // Clients read the position when they like: not the last item's.
        self.mpris.set_position(v.position_ms);
        self.mpris.set_now_playing(Some(now_playing(v)));
        // A video is no queue: nothing next or before, no track list.
        self.mpris.set_queue(false, false, crate::player::mpris::LoopStatus::None, false);
        self.mpris.set_track_list(&[], None);
        if self._tick.is_none() {
            let s = sender.clone();
            let id = glib::timeout_add_local(TICK, move || {
                s.input(PlayerMsg::Tick);
                glib::ControlFlow::Continue
            });
            self._tick = Some(TickGuard(Some(id)));
        }
        self.show_controls(sender);
        self.ui.root.grab_focus();
    }

    fn render_view(&mut self, sender: &ComponentSender<Self>, v: &View, before: Option<&View>) {
        if before.is_none() {
            self.render_started(sender, v);
        }
        if before.is_none_or(|b| b.decision != v.decision) {
            self.ui.title.set_subtitle(&v.decision.as_ref().map(how).unwrap_or_default());
            self.ui.tracks.set_menu_model(Some(&tracks::menu(v.part.as_ref())));
        }
        if before.is_none_or(|b| b.duration_ms != v.duration_ms) {
            self.ui.scale.set_range(0.0, v.duration_ms.max(1) as f64);
        }
        // The shell hears of a new length or poster (progress is no news to it).
        if before.is_some_and(|b| b.duration_ms != v.duration_ms || b.art != v.art) {
            self.mpris.set_now_playing(Some(now_playing(v)));
        }
        if before.is_none_or(|b| b.status != v.status) {
            let playing = v.status == Status::Playing;
            if playing {
                // Told "Playing", a client reads where at once.
                self.mpris.set_position(v.position_ms);
            }
            self.mpris.set_status(match v.status {
                Status::Playing => mpris_server::PlaybackStatus::Playing,
                Status::Stopped => mpris_server::PlaybackStatus::Stopped,
                Status::Paused | Status::Opening => mpris_server::PlaybackStatus::Paused,
            });
            self.show_playing(playing);
            self.inhibit_suspend(playing);
            if !playing {
                self.show_controls(sender);
            }
        }
        if before.is_none_or(|b| b.busy != v.busy) {
            self.ui.busy.set_busy(v.busy);
        }
        self.mpris.set_position(v.position_ms);
        if !self.ui.scale.has_css_class("dragging") {
            self.ui.scale.set_value(v.position_ms as f64);
        }
        self.show_time(v.position_ms, v.duration_ms);
        match &v.up_next {
            Some(next) => {
                self.ui.up_next_title.set_text(&what(&next.item));
                self.ui.up_next_countdown.set_text(&i18n_f("Starts in {} s", &[&next.seconds_left.to_string()]));
                self.ui.up_next.set_visible(true);
            }
            None => self.ui.up_next.set_visible(false),
        }
        match v.marker {
            Some(kind) => {
                let label = if kind == MarkerKind::Credits { gettext("Skip Credits") } else { gettext("Skip Intro") };
                if self.ui.skip.label().as_deref() != Some(label.as_str()) {
                    self.ui.skip.set_label(&label);
                }
                self.ui.skip.set_visible(true);
            }
            None => self.ui.skip.set_visible(false),
        }
        if before.is_none_or(|b| b.failure != v.failure) {
            if let Some(fault) = &v.failure {
                let (text, offer_transcode) = fault_words(fault);
                self.ui.error.set_title(&gettext("Cannot Play"));
                self.ui.error.set_description(Some(&glib::markup_escape_text(&text)));
                self.ui.transcode.set_visible(offer_transcode);
                self.ui.error.set_visible(true);
                self.ui.top.set_reveal_child(true);
            } else {
                self.ui.error.set_visible(false);
            }
        }
    }

    /// Nothing plays any more: the shell, the window and the session's
    /// hold on suspend hear it.
    fn render_ended(&mut self, sender: &ComponentSender<Self>) {
        self._tick = None;
        self.inhibit_suspend(false);
        self.show_playing(false);
        self.mpris.set_status(mpris_server::PlaybackStatus::Stopped);
        self.mpris.set_position(0);
        self.mpris.set_now_playing(None);
        self.ui.busy.set_busy(false);
        self.ui.up_next.set_visible(false);
        self.ui.root.set_cursor_from_name(None);
        let _ = sender.output(PlayerOutput::Title(None));
    }
}
