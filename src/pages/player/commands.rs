//! What the player is told from outside the page's own widgets: its window
//! actions (tracks, speed, skip), the shell's media controls, and what it
//! does to the session (suspend held off) and the controls' visibility.

use super::*;

impl PlayerPage {
    /// The play button as a pause button while playing.
    pub(super) fn show_playing(&self, playing: bool) {
        let (icon, label) = if playing {
            ("media-playback-pause-symbolic", gettext("Pause"))
        } else {
            ("media-playback-start-symbolic", gettext("Play"))
        };
        self.ui.play.set_icon_name(icon);
        self.ui.play.set_tooltip_text(Some(&label));
        crate::widgets::labelled(&self.ui.play, &label);
    }

    pub(super) fn show_controls(&mut self, sender: &ComponentSender<Self>) {
        self.ui.top.set_reveal_child(true);
        self.ui.bottom.set_reveal_child(true);
        self.ui.root.set_cursor_from_name(None);
        self.hide += 1;
        let (s, n) = (sender.clone(), self.hide);
        glib::timeout_add_local_once(HIDE_AFTER, move || s.input(PlayerMsg::HideControls(n)));
    }

    /// The player's actions in the window's `win.` group.
    pub(super) fn install_actions(&self, sender: &ComponentSender<Self>) {
        let Some(window) = self.window().and_then(|w| w.downcast::<gtk::ApplicationWindow>().ok()) else { return };
        for a in PlayerAction::ALL {
            let action = match a.initial_state() {
                Some(state) => gio::SimpleAction::new_stateful(a.name(), a.parameter(), &state),
                None => gio::SimpleAction::new(a.name(), a.parameter()),
            };
            let s = sender.input_sender().clone();
            action.connect_activate(move |_, v| s.emit(PlayerMsg::Action(a, v.cloned())));
            window.add_action(&action);
        }
    }

    pub(super) fn set_action_state(&self, a: PlayerAction, state: glib::Variant) {
        let Some(window) = self.window().and_then(|w| w.downcast::<gtk::ApplicationWindow>().ok()) else { return };
        if let Some(action) = window.lookup_action(a.name()).and_then(|x| x.downcast::<gio::SimpleAction>().ok()) {
            action.set_state(&state);
        }
    }

    pub(super) fn action(&mut self, sender: &ComponentSender<Self>, a: PlayerAction, v: Option<glib::Variant>) {
        let (Some(engine), Some(view)) = (self.engine.clone(), self.session.view()) else { return };
        match a {
            PlayerAction::SkipMarker => self.feed(sender, Input::Intent(Intent::SkipMarker)),
            PlayerAction::PlaybackSpeed => {
                let Some(rate) = v.as_ref().and_then(|v| v.get::<f64>()) else { return };
                engine.set_rate(rate);
                self.set_action_state(a, rate.to_variant());
                self.mpris.set_rate(rate);
            }
            PlayerAction::AudioTrack | PlayerAction::SubtitleTrack => {
                let (Some(id), Some(part)) = (v.as_ref().and_then(|v| v.get::<i64>()), view.part) else { return };
                let kind = if a == PlayerAction::AudioTrack { StreamKind::Audio } else { StreamKind::Subtitle };
                let index = part.embedded(kind).iter().position(|s| s.id == id).map(|i| i as u32);
                let sidecar = part.sidecar_subtitles().into_iter().find(|s| s.id == id && kind == StreamKind::Subtitle);
                match (kind, index, sidecar) {
                    (StreamKind::Audio, Some(i), _) => engine.set_audio_track(i),
                    (StreamKind::Subtitle, i, None) if id == 0 || i.is_some() => engine.set_subtitle_track(i),
                    // The file is fetched, then the media opens again with it where it is.
                    (StreamKind::Subtitle, _, Some(_)) => {
                        self.feed(sender, Input::Intent(Intent::LoadSubtitleFile { stream_id: id }))
                    }
                    _ => return,
                }
                self.set_action_state(a, id.to_variant());
                // Saved on the server: every Plex app starts with it next time.
                let (audio, subtitle) = if kind == StreamKind::Audio { (Some(id), None) } else { (None, Some(id)) };
                let (s, part_id, source_id) = (sender.clone(), part.id, view.source_id.clone());
                self.core.run(
                    move |core| async move { core.choose_streams(&source_id, part_id, audio, subtitle).await },
                    move |r| {
                        if let Err(e) = r {
                            let text =
                                i18n_f("The track choice was not saved on the server: {}", &[&reel_words::error(&e)]);
                            s.output(PlayerOutput::Toast(text)).ok();
                        }
                    },
                );
            }
        }
    }

    pub(super) fn mpris_command(&mut self, sender: &ComponentSender<Self>, c: MprisCommand) {
        let state = self.session.view().map(|v| v.status);
        match c {
            MprisCommand::PlayPause => sender.input(PlayerMsg::Intent(Intent::TogglePlay)),
            MprisCommand::Play if state == Some(Status::Paused) => sender.input(PlayerMsg::Intent(Intent::TogglePlay)),
            MprisCommand::Pause if state == Some(Status::Playing) => {
                sender.input(PlayerMsg::Intent(Intent::TogglePlay))
            }
            MprisCommand::Play | MprisCommand::Pause => {}
            MprisCommand::Stop if self.session.is_active() => sender.input(PlayerMsg::Intent(Intent::Leave)),
            MprisCommand::Stop => {}
            MprisCommand::SeekBy(ms) => sender.input(PlayerMsg::Intent(Intent::SeekBy(ms))),
            MprisCommand::SeekTo(ms) => sender.input(PlayerMsg::Intent(Intent::SeekTo { ms, exact: true })),
            MprisCommand::SetRate(rate) => {
                sender.input(PlayerMsg::Action(PlayerAction::PlaybackSpeed, Some(rate.to_variant())))
            }
            MprisCommand::Raise => {
                if let Some(w) = self.window() {
                    w.present();
                }
            }
            // A video is no queue (Up Next asks for itself).
            MprisCommand::Next
            | MprisCommand::Previous
            | MprisCommand::SetLoop(_)
            | MprisCommand::SetShuffle(_)
            | MprisCommand::GoTo(_) => {}
        }
    }

    pub(super) fn inhibit_suspend(&mut self, on: bool) {
        let app = relm4::main_application();
        match (on, self.inhibit.take()) {
            (true, None) => {
                let reason = gettext("Playing a video");
                let cookie = app.inhibit(
                    self.window().as_ref(),
                    gtk::ApplicationInhibitFlags::SUSPEND | gtk::ApplicationInhibitFlags::IDLE,
                    Some(&reason),
                );
                self.inhibit = (cookie != 0).then_some(cookie);
            }
            (true, Some(cookie)) => self.inhibit = Some(cookie),
            (false, Some(cookie)) => app.uninhibit(cookie),
            (false, None) => {}
        }
    }
}
