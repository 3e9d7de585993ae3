//! Drawing the music session's view: the bar (title, artist and album,
//! cover, position, buttons), the queue's view, and the shell's media
//! controls when they are the queue's (a video playing has them meanwhile).
//! Only what changed since the last view is drawn again.

use super::{MusicMsg, MusicPlayer};
use crate::i18n::{gettext, i18n_f};
use crate::player::mpris::{LoopStatus, NowPlaying};
use crate::widgets::poster::{PosterSize, Shape};
use reel_core::models::{MediaItem, QueueEntry, Repeat};
use reel_core::playback::{MusicView, Status};
use relm4::gtk::prelude::*;
use relm4::ComponentSender;

impl MusicPlayer {
    pub(super) fn render(&mut self, sender: &ComponentSender<Self>) {
        let view = self.session.view();
        let before = self.shown.take();
        match (&view, &before) {
            (None, None) => {}
            (None, Some(_)) => self.render_ended(),
            (Some(v), before) => self.render_view(sender, v, before.as_ref()),
        }
        self.shown = view;
    }

    fn render_view(&mut self, sender: &ComponentSender<Self>, v: &MusicView, before: Option<&MusicView>) {
        if before.is_none() {
            self.root.set_reveal_child(true);
            self.install_actions();
        }
        let entry = v.entry().map(|e| e.id);
        if before.is_none_or(|b| b.entry().map(|e| e.id) != entry || b.origin_title != v.origin_title) {
            match v.entry() {
                Some(e) => {
                    self.ui.title.set_text(&e.item.title);
                    self.ui.artist.set_text(&artist_line(&e.item));
                }
                // Until the server made the queue, the bar says what is coming.
                None => {
                    self.ui.title.set_text(&v.origin_title);
                    self.ui.artist.set_text(v.origin_artist.as_deref().unwrap_or(""));
                }
            }
            self.show_cover(sender, v);
        }
        if before.is_none_or(|b| b.position_ms != v.position_ms || b.duration_ms != v.duration_ms) {
            self.ui.show_position(v.position_ms, v.duration_ms);
        }
        if before.is_none_or(|b| b.status != v.status) {
            self.ui.show_playing(v.status == Status::Playing);
        }
        if before.is_none_or(|b| b.repeat != v.repeat) {
            self.ui.show_repeat(v.repeat);
        }
        if before.is_none_or(|b| b.shuffled != v.shuffled) {
            self.ui.show_shuffle(v.shuffled);
        }
        if before.is_none_or(|b| b.entries != v.entries || b.current != v.current || b.skipped != v.skipped) {
            self.ui.queue.show(&v.entries, v.current, &v.skipped);
        }
        self.ui.next.set_sensitive(v.can_next);
        self.ui.previous.set_sensitive(!v.entries.is_empty());
        self.announce(v, before);
    }

    /// The bar's cover of the entry playing, asked for once per entry.
    fn show_cover(&mut self, sender: &ComponentSender<Self>, v: &MusicView) {
        let Some(e) = v.entry() else { return };
        if self.cover_of == Some(e.id) {
            return;
        }
        self.cover_of = Some(e.id);
        self.ui.cover.set_paintable(None::<&relm4::gtk::gdk::Paintable>);
        let Some(thumb) = e.item.thumb.clone() else { return };
        let (s, entry, source_id, core) = (sender.clone(), e.id, v.source_id.clone(), self.core.clone());
        self.core.spawn(
            async move { core.poster_texture(&source_id, &thumb, PosterSize::Tile, Shape::Square).await },
            move |t| {
                if let Some(texture) = t {
                    s.input(MusicMsg::Cover { entry, texture });
                }
            },
        );
    }

    /// The shell's media controls show the queue (when they are its): what
    /// changed since `before` (None: all of it).
    pub(super) fn announce(&self, v: &MusicView, before: Option<&MusicView>) {
        if !self.announcing {
            return;
        }
        let told_now = |b: &MusicView| (b.entry().map(|e| e.id), b.duration_ms, b.art.clone());
        if before.is_none_or(|b| told_now(b) != told_now(v)) {
            let now = v.entry().map(|e| NowPlaying { length_ms: v.duration_ms, art: v.art.clone(), ..told(e) });
            self.mpris.set_now_playing(now);
        }
        let queue = |b: &MusicView| (b.entries.clone(), b.current, b.repeat, b.shuffled, b.can_next);
        if before.is_none_or(|b| queue(b) != queue(v)) {
            let looping = match v.repeat {
                Repeat::Off => LoopStatus::None,
                Repeat::All => LoopStatus::Playlist,
                Repeat::One => LoopStatus::Track,
            };
            self.mpris.set_queue(v.can_next, !v.entries.is_empty(), looping, v.shuffled);
            // The queue is the shell's track list, the entry playing its current one.
            let tracks: Vec<NowPlaying> = v.entries.iter().map(told).collect();
            self.mpris.set_track_list(&tracks, v.current);
        }
        if before.is_none_or(|b| b.status != v.status) {
            // Told of a change, a client reads where at once: the place
            // known now, not the last track's.
            self.mpris.set_position(v.position_ms);
            self.mpris.set_status(match v.status {
                Status::Playing => mpris_server::PlaybackStatus::Playing,
                Status::Stopped => mpris_server::PlaybackStatus::Stopped,
                Status::Paused | Status::Opening => mpris_server::PlaybackStatus::Paused,
            });
        } else if v.status == Status::Playing {
            self.mpris.set_position(v.position_ms);
        }
    }

    /// The queue ended: the bar goes, the shell hears nothing plays.
    fn render_ended(&mut self) {
        self.root.set_reveal_child(false);
        self.cover_of = None;
        if self.announcing {
            self.mpris.set_now_playing(None);
            self.mpris.set_track_list(&[], None);
            self.mpris.set_status(mpris_server::PlaybackStatus::Stopped);
        }
        self.announcing = false;
    }
}

/// What the shell is told of a queue's entry.
fn told(entry: &QueueEntry) -> NowPlaying {
    let item = &entry.item;
    NowPlaying {
        title: item.title.clone(),
        artist: item.grandparent_title.clone(),
        album: item.parent_title.clone(),
        track_number: item.index.and_then(|i| i32::try_from(i).ok()),
        length_ms: item.duration_ms.unwrap_or(0).max(0) as u64,
        art: None,
        // The entry, not the track: the same track twice in a queue is told apart.
        id: format!("{}_{}", item.rating_key, entry.id),
        entry: Some(entry.id),
    }
}

/// "Artist — Album", as much as is known.
fn artist_line(item: &MediaItem) -> String {
    match (&item.grandparent_title, &item.parent_title) {
        (Some(artist), Some(album)) => i18n_f("{} — {}", &[artist, album]),
        (Some(one), None) | (None, Some(one)) => one.clone(),
        (None, None) => gettext("Unknown Artist"),
    }
}
