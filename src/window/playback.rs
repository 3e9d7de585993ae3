//! Playing from the window: the resume question, the player over the whole
//! window (title, fullscreen, suspend held by the player), and what changed
//! shown on the pages when the player is left.

use super::navigation::TopPage;
use super::{App, AppMsg};
use crate::i18n::{gettext, i18n_f};
use crate::music::MusicMsg;
use crate::pages::player::PlayerMsg;
use crate::player::mpris::MprisCommand;
use reel_core::models::{MediaItem, Source};
use reel_core::playback::Intent;
use reel_words::clock;
use relm4::adw::prelude::*;
use relm4::gtk::glib;
use relm4::{adw, ComponentController, ComponentSender};
use std::time::Duration;

/// How long after Play the player is shown at the latest (see `play_from`).
const SHOW_PLAYER_AFTER: Duration = Duration::from_millis(100);

/// What the resume question's buttons mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resume {
    FromOffset,
    FromStart,
}

impl Resume {
    fn id(self) -> &'static str {
        match self {
            Resume::FromOffset => "resume",
            Resume::FromStart => "start",
        }
    }
}

impl App {
    /// Plays `item`, then each of `then`; part-watched, asks first where to start.
    pub(super) fn play(
        &mut self,
        sender: &ComponentSender<Self>,
        source: Source,
        item: MediaItem,
        then: Vec<MediaItem>,
    ) {
        let offset = item.view_offset_ms.max(0) as u64;
        if offset == 0 || item.watched() {
            return self.play_from(sender, source, item, 0, then);
        }
        let dialog = adw::MessageDialog::builder()
            .transient_for(&self.ui.window)
            .modal(true)
            .heading(item.title.clone())
            .build();
        dialog.add_response(Resume::FromStart.id(), &gettext("Start from the Beginning"));
        dialog.add_response(Resume::FromOffset.id(), &i18n_f("Resume from {}", &[&clock(offset)]));
        dialog.set_response_appearance(Resume::FromOffset.id(), adw::ResponseAppearance::Suggested);
        dialog.set_default_response(Some(Resume::FromOffset.id()));
        dialog.set_close_response(Resume::FromStart.id());
        let s = sender.clone();
        dialog.connect_response(None, move |d, response| {
            let start_ms = if response == Resume::FromOffset.id() { offset } else { 0 };
            let (source, item, then) = (source.clone(), item.clone(), then.clone());
            s.input(AppMsg::PlayFrom { source, item, start_ms, then });
            d.close();
        });
        dialog.present();
    }

    pub(super) fn play_from(
        &mut self,
        sender: &ComponentSender<Self>,
        source: Source,
        item: MediaItem,
        start_ms: u64,
        then: Vec<MediaItem>,
    ) {
        crate::probe!(play_asked());
        crate::probe!(mark("play asked"));
        crate::probe!(watch_stalls(400));
        // One thing plays at a time: the music waits for the video.
        if let Some(music) = self.children.music_if_built() {
            music.emit(MusicMsg::PauseForVideo);
        }
        self.children.player().emit(PlayerMsg::Intent(Intent::Play { source, item, start_ms, then }));
        // The page is shown once the player has asked the server what to
        // open and started opening it (a few ms on a LAN), or after
        // SHOW_PLAYER_AFTER at the latest, still within what feels
        // immediate. Drawing a new page takes both cores for tens of ms
        // under software GL: drawn at once, it held the player's request to
        // the server back by as long, and the first frame with it
        // (measured: Play → frame 1.3x GStreamer alone, or 1.9x when the
        // request waited).
        self.player_opening = true;
        let s = sender.clone();
        glib::timeout_add_local_once(SHOW_PLAYER_AFTER, move || s.input(AppMsg::ShowPlayer));
    }

    /// Shows the player asked for, if it still is.
    pub(super) fn show_player(&mut self) {
        if std::mem::take(&mut self.player_opening) {
            crate::probe!(mark("show player"));
            self.show_top(TopPage::Player);
            // Its keys (Space, arrows) work from the start: the page could
            // not take the focus while it was not shown.
            self.children.player().widget().grab_focus();
        }
    }

    /// Back in the window: the pages show the item as it is now.
    pub(super) fn player_left(&mut self) {
        self.player_opening = false;
        if self.ui.window.is_fullscreen() {
            self.ui.window.unfullscreen();
        }
        self.ui.window.set_title(Some("Reel"));
        self.show_top(TopPage::Browse);
        // The shell's media controls are the music's again (if any plays).
        if let Some(music) = self.children.music_if_built() {
            music.emit(MusicMsg::Announce);
        }
        if let Some(nav) = self.history.current().cloned() {
            self.show(nav);
        }
    }

    pub(super) fn item_changed(&mut self, source_id: &str, item: MediaItem) {
        self.history.update_item(source_id, &item);
        // The item page under the player shows it too (its row, or itself).
        if let Some(page) = self.children.item_page_if_built() {
            page.emit(crate::pages::item::ItemMsg::ItemChanged { source_id: source_id.into(), item: item.clone() });
        }
        self.children
            .library
            .emit(crate::pages::library::LibraryMsg::ItemChanged { source_id: source_id.into(), item });
    }

    /// What the shell's media controls ask goes to the video player while
    /// it is shown, else to the music.
    pub(super) fn mpris_command(&self, c: MprisCommand) {
        if self.player_shown() {
            self.children.player().emit(PlayerMsg::Mpris(c));
        } else if let Some(music) = self.children.music_if_built() {
            music.emit(MusicMsg::Mpris(c));
        }
    }

    pub(super) fn player_shown(&self) -> bool {
        self.player_opening || self.ui.stack.visible_child_name().as_deref() == Some(TopPage::Player.name())
    }

    pub(super) fn player_title(&self, title: Option<String>) {
        let title = title.map_or_else(|| "Reel".to_string(), |t| i18n_f("{} – Reel", &[&t]));
        tracing::debug!(%title, "window title");
        self.ui.window.set_title(Some(&title));
    }

    pub(super) fn set_fullscreen(&self, full: bool) {
        if full {
            self.ui.window.fullscreen();
        } else {
            self.ui.window.unfullscreen();
        }
    }
}

/// The item the playback benchmark plays: only its key is known at start;
/// the player reads the rest from the server, as it does for any item.
#[cfg(feature = "bench")]
pub(super) fn bench_item(key: &str) -> MediaItem {
    MediaItem::new(key, reel_core::models::ItemKind::Movie, key)
}
