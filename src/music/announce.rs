//! Showing the entry playing: in the bar (title, artist and album, cover)
//! and in the shell's media controls (when they are the queue's: a video
//! playing has them meanwhile).

use super::{MusicMsg, MusicPlayer};
use crate::i18n::{gettext, i18n_f};
use crate::player::mpris::{LoopStatus, NowPlaying};
use crate::player::EngineState;
use crate::widgets::poster::PosterSize;
use reel_core::models::{MediaItem, QueueEntry};
use relm4::gtk::prelude::*;
use relm4::ComponentSender;

/// The size of the cover the shell's media controls are given.
const ART_SIZE: u32 = 256;

impl MusicPlayer {
    /// The bar and the shell's controls show `entry`; its cover is asked for.
    pub(super) fn show_entry(&mut self, sender: &ComponentSender<Self>, entry: &QueueEntry) {
        let item = &entry.item;
        self.ui.title.set_text(&item.title);
        self.ui.artist.set_text(&artist_line(item));
        self.ui.cover.set_paintable(None::<&relm4::gtk::gdk::Paintable>);
        if let (Some(p), Some(thumb)) = (&self.playing, item.thumb.clone()) {
            let (s, s2, generation, entry_id) = (sender.clone(), sender.clone(), self.generation, entry.id);
            let (id, id2, thumb2) = (p.source.id.clone(), p.source.id.clone(), thumb.clone());
            let core = self.core.clone();
            self.core.spawn(async move { core.poster_texture(&id, &thumb, PosterSize::Tile).await }, move |t| {
                if let Some(texture) = t {
                    s.input(MusicMsg::Cover { generation, entry: entry_id, texture });
                }
            });
            self.core.run(
                move |core| async move { core.poster_file(&id2, &thumb2, ART_SIZE, ART_SIZE).await },
                move |path| {
                    if let Some(path) = path {
                        s2.input(MusicMsg::Art { generation, entry: entry_id, path });
                    }
                },
            );
        }
        self.ui.show_position(0, item.duration_ms.unwrap_or(0).max(0) as u64);
        self.announce();
    }

    /// The shell's media controls show the queue (when they are its).
    pub(super) fn announce(&self) {
        if !self.announcing {
            return;
        }
        let Some(p) = &self.playing else { return };
        let Some(entry) = p.queue.current() else { return };
        let now = NowPlaying { length_ms: p.duration_ms, art: p.art.clone(), ..told(entry) };
        self.mpris.set_now_playing(Some(now));
        self.announce_queue();
        self.mpris_status();
    }

    pub(super) fn announce_queue(&self) {
        let Some(p) = &self.playing else { return };
        self.ui.queue.show(&p.queue);
        self.ui.next.set_sensitive(p.queue.next().is_some());
        self.ui.previous.set_sensitive(!p.queue.entries.is_empty());
        if !self.announcing {
            return;
        }
        let looping = match p.queue.repeat {
            super::queue::Repeat::Off => LoopStatus::None,
            super::queue::Repeat::All => LoopStatus::Playlist,
            super::queue::Repeat::One => LoopStatus::Track,
        };
        let previous = !p.queue.entries.is_empty();
        self.mpris.set_queue(p.queue.next().is_some(), previous, looping, p.queue.shuffled);
        // The queue is the shell's track list, the entry playing its current one.
        let tracks: Vec<NowPlaying> = p.queue.entries.iter().map(told).collect();
        let current = p.queue.current().map(|_| p.queue.current);
        self.mpris.set_track_list(&tracks, current);
    }

    pub(super) fn mpris_status(&self) {
        if !self.announcing {
            return;
        }
        let Some(p) = &self.playing else { return };
        // Told of a change, a client reads where at once: the place known
        // now, not the last track's (the tick comes later).
        self.mpris.set_position(p.position_ms);
        self.mpris.set_status(match p.state {
            EngineState::Playing => mpris_server::PlaybackStatus::Playing,
            EngineState::Stopped => mpris_server::PlaybackStatus::Stopped,
            EngineState::Paused | EngineState::Loading => mpris_server::PlaybackStatus::Paused,
        });
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
