//! One playback's course: asking the core how to play, the engine's
//! events, the position ticks and what the server hears, the end.

use super::*;

impl PlayerPage {
    pub(super) fn start(
        &mut self,
        sender: &ComponentSender<Self>,
        source: Source,
        item: MediaItem,
        start_ms: u64,
        transcode: bool,
    ) {
        #[cfg(feature = "bench")]
        crate::bench_probe::mark("play start");
        self.finish(sender);
        self.generation += 1;
        let generation = self.generation;
        self.ui.title.set_title(&what(&item));
        self.ui.title.set_subtitle("");
        self.ui.error.set_visible(false);
        self.ui.busy.set_busy(true);
        self.ui.scale.set_range(0.0, item.duration_ms.unwrap_or(0).max(1) as f64);
        self.ui.scale.set_value(start_ms as f64);
        // Clients read the position when they like: not the last item's.
        self.mpris.set_position(start_ms);
        let _ = sender.output(PlayerOutput::Title(Some(what(&item))));
        let tick = {
            let s = sender.clone();
            glib::timeout_add_local(TICK, move || {
                s.input(PlayerMsg::Tick);
                glib::ControlFlow::Continue
            })
        };
        self.playing = Some(Playing {
            source: source.clone(),
            item: item.clone(),
            plan: None,
            reporter: None,
            clock: Instant::now(),
            state: EngineState::Loading,
            buffering: false,
            duration_ms: item.duration_ms.unwrap_or(0).max(0) as u64,
            position_ms: start_ms,
            recoveries: 0,
            initial_tracks: None,
            art_wanted: false,
            sidecar: None,
            next: None,
            up_next_since: None,
            up_next_cancelled: false,
            _tick: TickGuard(Some(tick)),
        });
        self.show_controls(sender);
        self.ui.root.grab_focus();
        if let Err(e) = self.engine(sender) {
            self.fail(sender, &i18n_f("The player could not start: {}", &[&e]), false);
            return;
        }
        let (s, id, key) = (sender.clone(), source.id.clone(), item.rating_key.clone());
        self.core.run(
            move |core| async move {
                let caps: &dyn Capabilities = if transcode { &NothingDirect } else { &GstCapabilities };
                core.prepare_playback(&id, &key, caps, start_ms).await.map_err(Failure::from)
            },
            move |result| s.input(PlayerMsg::Prepared { generation, result, start_ms }),
        );
    }

    pub(super) fn prepared(
        &mut self,
        sender: &ComponentSender<Self>,
        result: Result<PlaybackPlan, Failure>,
        start_ms: u64,
    ) {
        #[cfg(feature = "bench")]
        crate::bench_probe::mark("play prepared");
        // Shown by the window after this returns: the media opens first.
        let _ = sender.output(PlayerOutput::Opening);
        let Some(p) = self.playing.as_mut() else { return };
        let plan = match result {
            Ok(plan) => plan,
            Err(f) => return self.fail(sender, &i18n_f("Cannot play this: {}", &[&f.message()]), false),
        };
        self.ui.title.set_subtitle(&how(&plan.decision));
        if let Some(d) = plan.playable.duration_ms().filter(|d| *d > 0) {
            p.duration_ms = d as u64;
            self.ui.scale.set_range(0.0, d as f64);
        }
        p.reporter =
            Some(Reporter::new(&p.item.rating_key, p.duration_ms, &plan.session, plan.threshold, p.item.watched()));
        // A transcode starts where it was asked: the stream's zero is that point.
        let engine_start = start_ms.saturating_sub(plan.stream_offset_ms());
        let part = plan.playable.first_part().map(|(_, _, part)| part);
        // The server's subtitle choice may be a file beside the media.
        let sidecar = part.and_then(|part| tracks::sidecars(part).into_iter().find(|s| s.selected));
        let (key, codec) = (sidecar.and_then(|s| s.key.clone()), sidecar.and_then(|s| s.codec.clone()));
        p.sidecar = key.clone();
        let (has_sidecar, source_id) = (key.is_some(), p.source.id.clone());
        match (key, &self.engine) {
            // Opened once the file is here (a moment on the server's own network).
            (Some(key), Some(_)) => self.fetch_sidecar(sender, &source_id, key, codec, Some(engine_start)),
            (None, Some(engine)) => {
                engine.set_external_subtitle(None);
                self.fit_video();
                #[cfg(feature = "bench")]
                crate::bench_probe::mark("play load");
                engine.load(&plan.location, engine_start);
            }
            (_, None) => {}
        }
        let Some(p) = self.playing.as_mut() else { return };
        self.mpris.set_now_playing(Some(now_playing(p, None)));
        self.mpris.set_queue(false, false, crate::player::mpris::LoopStatus::None, false);
        // A video is no queue: the track list is empty while it plays.
        self.mpris.set_track_list(&[], None);
        self.ui.tracks.set_menu_model(Some(&tracks::menu(part)));
        p.initial_tracks = part.map(|part| {
            let pick = |kind| tracks::embedded(part, kind).iter().position(|s| s.selected).map(|i| i as u32);
            (pick(StreamKind::Audio), if has_sidecar { None } else { Some(pick(StreamKind::Subtitle)) })
        });
        p.art_wanted = p.item.thumb.is_some();
        if let Some(next) = self.then.first() {
            p.next = Some(next.clone());
        } else if p.item.kind == reel_core::models::ItemKind::Episode {
            let (s, generation, id, item) = (sender.clone(), self.generation, p.source.id.clone(), p.item.clone());
            self.core.run(
                move |core| async move { core.next_episode(&id, &item).await.ok().flatten() },
                move |next| s.input(PlayerMsg::NextKnown { generation, next }),
            );
        }
        p.plan = Some(plan);
        self.inhibit_suspend(true);
        self.report(sender);
        #[cfg(feature = "bench")]
        crate::bench_probe::mark("play prepared done");
    }

    pub(super) fn engine_event(&mut self, sender: &ComponentSender<Self>, e: EngineEvent) {
        tracing::debug!(event = ?e, "player");
        let Some(p) = self.playing.as_mut() else { return };
        match e {
            EngineEvent::State(state) => {
                p.state = state;
                if state == EngineState::Playing {
                    p.recoveries = 0;
                    // Told "Playing", a client reads where at once: not the
                    // position of before the load (the tick comes later).
                    if let Some(pos) = self.engine.as_ref().and_then(|e| e.position_ms()) {
                        p.position_ms = pos + p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
                        self.mpris.set_position(p.position_ms);
                    }
                    if std::mem::take(&mut p.art_wanted) {
                        fetch_art(&self.core, sender, self.generation, p);
                    }
                    if let (Some((audio, subtitle)), Some(engine)) = (p.initial_tracks.take(), &self.engine) {
                        if let Some(a) = audio {
                            engine.set_audio_track(a);
                        }
                        // The server's choice; none chosen there means none shown.
                        if let Some(subtitle) = subtitle {
                            engine.set_subtitle_track(subtitle);
                        }
                    }
                }
                let playing = state == EngineState::Playing;
                let busy = state == EngineState::Loading || p.buffering;
                self.mpris.set_status(match state {
                    EngineState::Playing => mpris_server::PlaybackStatus::Playing,
                    EngineState::Stopped => mpris_server::PlaybackStatus::Stopped,
                    EngineState::Paused | EngineState::Loading => mpris_server::PlaybackStatus::Paused,
                });
                self.show_playing(playing);
                self.ui.busy.set_busy(busy);
                self.inhibit_suspend(playing);
                self.report(sender);
                if !playing {
                    self.show_controls(sender);
                }
            }
            EngineEvent::Buffering(percent) => {
                let buffering = percent < 100;
                if buffering != p.buffering {
                    p.buffering = buffering;
                    self.ui.busy.set_busy(buffering);
                    self.report(sender);
                }
            }
            EngineEvent::DurationKnown(ms) if ms > 0 => {
                let offset = p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
                p.duration_ms = p.duration_ms.max(ms + offset);
                self.ui.scale.set_range(0.0, p.duration_ms as f64);
            }
            // The video player queues nothing after what it plays.
            EngineEvent::DurationKnown(_) | EngineEvent::NextStarted => {}
            EngineEvent::Ended => {
                let offset = p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
                let at = self.engine.as_ref().and_then(|e| e.position_ms()).map_or(p.position_ms, |pos| pos + offset);
                if ended_early(at, p.duration_ms) {
                    // A file cut short (an interrupted copy): not watched,
                    // and nothing plays next as if it had ended.
                    p.position_ms = at;
                    let text = ended_early_words(at, p.duration_ms);
                    return self.fail(sender, &text, false);
                }
                p.position_ms = p.duration_ms;
                p.state = EngineState::Stopped;
                let next = p.next.is_some() && !p.up_next_cancelled;
                self.report(sender);
                if next {
                    self.play_next(sender);
                } else {
                    self.finish(sender);
                    let _ = sender.output(PlayerOutput::Leave);
                }
            }
            EngineEvent::Error(e) if e.recoverable() && p.recoveries < RECOVER_TRIES && p.plan.is_some() => {
                // The connection may have died (or the server's answer was
                // passing): ask the core where to go on (the failover's
                // choice, its identity checked again), from where it stopped.
                tracing::info!("stream failed ({e:?}); trying again where the failover says");
                p.recoveries += 1;
                // Meanwhile the server hears it is buffering, not that it stopped.
                p.buffering = true;
                let (plan, at, generation, s) = (p.plan.clone(), p.position_ms, self.generation, sender.clone());
                self.ui.busy.set_busy(true);
                self.report(sender);
                self.core.run(
                    move |core| async move {
                        match plan {
                            Some(plan) => core.media_location(&plan).await.map_err(Failure::from),
                            None => Err(Failure::from(reel_core::Error::Invalid(String::new()))),
                        }
                    },
                    move |result| s.input(PlayerMsg::Relocated { generation, result, at_ms: at }),
                );
            }
            EngineEvent::Error(e) => {
                let direct = matches!(p.plan.as_ref().map(|pl| &pl.decision), Some(Decision::DirectPlay));
                let text = crate::words::engine_error(&e, &p.source.name);
                let offer = direct && matches!(e, EngineError::MissingCodec(_) | EngineError::Decode(_));
                self.fail(sender, &text, offer);
            }
        }
    }

    pub(super) fn tick(&mut self, sender: &ComponentSender<Self>) {
        self.fit_video();
        let (Some(engine), Some(p)) = (&self.engine, self.playing.as_mut()) else { return };
        if p.state == EngineState::Loading || p.plan.is_none() {
            return;
        }
        if let Some(pos) = engine.position_ms() {
            let offset = p.plan.as_ref().map_or(0, |pl| pl.stream_offset_ms());
            p.position_ms = pos + offset;
        }
        self.mpris.set_position(p.position_ms);
        let marker = p.plan.as_ref().and_then(|pl| pl.playable.marker_at(p.position_ms as i64));
        let final_credits = marker.is_some_and(|m| m.kind == MarkerKind::Credits && m.is_final);
        // Up Next in the final credits (or the last 10 s without markers).
        let near_end = final_credits
            || (p.duration_ms > 0
                && p.duration_ms.saturating_sub(p.position_ms) <= 10_000
                && p.plan.as_ref().is_some_and(|pl| pl.playable.markers.is_empty()));
        let mut play_next = false;
        match (&p.next, near_end && !p.up_next_cancelled) {
            (Some(next), true) => {
                let since = *p.up_next_since.get_or_insert_with(Instant::now);
                let left = UP_NEXT_AFTER.saturating_sub(since.elapsed()).as_secs();
                self.ui.up_next_title.set_text(&what(next));
                self.ui.up_next_countdown.set_text(&i18n_f("Starts in {} s", &[&left.to_string()]));
                self.ui.up_next.set_visible(true);
                play_next = left == 0;
            }
            _ => {
                p.up_next_since = None;
                self.ui.up_next.set_visible(false);
            }
        }
        if play_next {
            sender.input(PlayerMsg::PlayNext);
        }
        let marker = marker.map(|m| m.kind).filter(|_| !self.ui.up_next.is_visible());
        match marker {
            Some(kind) => {
                let label = if kind == MarkerKind::Credits { gettext("Skip Credits") } else { gettext("Skip Intro") };
                if self.ui.skip.label().as_deref() != Some(label.as_str()) {
                    self.ui.skip.set_label(&label);
                }
                self.ui.skip.set_visible(true);
            }
            None => self.ui.skip.set_visible(false),
        }
        if !self.ui.scale.has_css_class("dragging") {
            self.ui.scale.set_value(p.position_ms as f64);
        }
        let (position, duration) = (p.position_ms, p.duration_ms);
        self.show_time(position, duration);
        self.report(sender);
    }

    /// Sends what the reporter says is due (a change of state, 10 s of
    /// playing, the threshold passed).
    pub(super) fn report(&mut self, sender: &ComponentSender<Self>) {
        let Some(p) = self.playing.as_mut() else { return };
        let state = play_state(p);
        let Some(reporter) = p.reporter.as_mut() else { return };
        let actions: Vec<ServerAction> = reporter.update(state, p.position_ms, p.clock.elapsed());
        if actions.is_empty() {
            return;
        }
        let (s, generation, id, item) = (sender.clone(), self.generation, p.source.id.clone(), p.item.clone());
        self.core.run(
            move |core| async move { core.report_playback(&id, &item, actions).await.map_err(Failure::from) },
            move |result| s.input(PlayerMsg::Reported { generation, result }),
        );
    }

    /// Playback cannot go on: the server hears it stopped (where it
    /// stopped), the page says why.
    pub(super) fn fail(&mut self, sender: &ComponentSender<Self>, text: &str, offer_transcode: bool) {
        // Said on the page, which is shown if it was not yet.
        let _ = sender.output(PlayerOutput::Opening);
        if let Some(e) = &self.engine {
            e.stop();
        }
        if let Some(p) = self.playing.as_mut() {
            p.state = EngineState::Stopped;
            p.buffering = false;
        }
        self.report(sender);
        self.show_playing(false);
        self.ui.busy.set_busy(false);
        self.ui.error.set_title(&gettext("Cannot Play"));
        self.ui.error.set_description(Some(&glib::markup_escape_text(text)));
        self.ui.transcode.set_visible(offer_transcode);
        self.ui.error.set_visible(true);
        self.ui.top.set_reveal_child(true);
        self.inhibit_suspend(false);
    }

    /// Ends the playback: the server hears it stopped, a transcode session
    /// is ended, the engine lets go of the media.
    pub(super) fn finish(&mut self, sender: &ComponentSender<Self>) {
        if let Some(p) = self.playing.as_mut() {
            p.state = EngineState::Stopped;
            p.buffering = false;
        }
        self.report(sender);
        if let Some(e) = &self.engine {
            e.stop();
        }
        if let Some(plan) = self.playing.take().and_then(|p| p.plan) {
            if plan.transcode.is_some() {
                self.core.run(move |core| async move { core.stop_transcode(&plan).await }, |_| {});
            }
        }
        self.inhibit_suspend(false);
        self.show_playing(false);
        self.mpris.set_status(mpris_server::PlaybackStatus::Stopped);
        self.mpris.set_position(0);
        self.mpris.set_now_playing(None);
        self.ui.busy.set_busy(false);
        self.ui.root.set_cursor_from_name(None);
        let _ = sender.output(PlayerOutput::Title(None));
    }

    /// Plays what comes next (from its own resume point).
    pub(super) fn play_next(&mut self, sender: &ComponentSender<Self>) {
        let Some((source, next)) = self.playing.as_ref().and_then(|p| Some((p.source.clone(), p.next.clone()?))) else {
            return;
        };
        self.ui.up_next.set_visible(false);
        if self.then.first().is_some_and(|t| t.rating_key == next.rating_key) {
            self.then.remove(0);
        }
        let start = if next.watched() { 0 } else { next.view_offset_ms.max(0) as u64 };
        self.start(sender, source, next, start, false);
    }
}

/// The item's poster for the shell's media controls.
fn fetch_art(core: &CoreHandle, sender: &ComponentSender<PlayerPage>, generation: u64, p: &Playing) {
    let Some(thumb) = p.item.thumb.clone() else { return };
    let (s, id) = (sender.clone(), p.source.id.clone());
    core.run(
        move |core| async move { core.poster_file(&id, &thumb, ART_SIZE.0, ART_SIZE.1).await },
        move |file| s.input(PlayerMsg::Art { generation, file }),
    );
}
