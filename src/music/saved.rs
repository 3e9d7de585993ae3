//! The queue kept across restarts: written whole in the library cache when
//! it changes, its place (entry, position) when that moves (a track starts,
//! a pause, every 10 s of play); at the next start the bar shows it again,
//! paused where it was, and Play goes on from there.

use super::playing::Playing;
use super::queue::Queue;
use super::MusicPlayer;
use crate::player::EngineState;
use reel_core::models::SavedQueue;
use relm4::ComponentSender;
use std::time::{Duration, Instant};

/// How often the place is written while playing.
pub const SAVE_PLACE_EVERY: Duration = Duration::from_secs(10);

impl MusicPlayer {
    /// The queue as the last run left it, shown paused at its place.
    pub(super) fn restore(&mut self, sender: &ComponentSender<Self>, saved: SavedQueue) {
        let Some(source) = self.core.server(&saved.source_id) else { return };
        if self.playing.is_some() {
            // Music started before the saved queue was read: that one wins.
            return;
        }
        self.generation += 1;
        self.repeat = saved.repeat;
        self.ui.show_repeat(saved.repeat);
        let mut queue = Queue::new(saved.queue);
        queue.repeat = saved.repeat;
        self.ui.show_shuffle(queue.shuffled);
        let Some(entry) = queue.current().cloned() else { return };
        let duration_ms = entry.item.duration_ms.unwrap_or(0).max(0) as u64;
        self.playing = Some(Playing {
            source,
            origin: saved.origin,
            queue,
            plan: None,
            queued: None,
            reporter: None,
            state: EngineState::Stopped,
            position_ms: saved.position_ms,
            duration_ms,
            clock: Instant::now(),
            art: None,
            recoveries: 0,
            resume_at: Some(saved.position_ms),
            place_saved: Instant::now(),
        });
        self.root.set_reveal_child(true);
        self.install_actions();
        self.announcing = true;
        self.show_entry(sender, &entry);
        self.ui.show_position(saved.position_ms, duration_ms);
        self.ui.show_playing(false);
        self.announce_queue();
    }

    /// Writes the whole queue (it was made or changed).
    pub(super) fn save_queue(&mut self) {
        let Some(p) = self.playing.as_mut() else { return };
        let Some(entry) = p.queue.current() else { return };
        let saved = SavedQueue {
            source_id: p.source.id.clone(),
            origin: p.origin.clone(),
            queue: reel_core::models::PlayQueue {
                id: p.queue.id,
                version: 0,
                selected: entry.id,
                shuffled: p.queue.shuffled,
                entries: p.queue.entries.clone(),
            },
            position_ms: p.position_ms,
            repeat: p.queue.repeat,
        };
        p.place_saved = Instant::now();
        self.core.run(move |core| async move { core.save_music_queue(saved).await }, log_failure);
    }

    /// Writes where the queue is (a track started, a pause, time passed).
    pub(super) fn save_place(&mut self) {
        let Some(p) = self.playing.as_mut() else { return };
        let Some(entry) = p.queue.current().map(|e| e.id) else { return };
        let at = p.position_ms;
        tracing::debug!(entry, at, "music queue place saved");
        p.place_saved = Instant::now();
        self.core.run(move |core| async move { core.save_music_queue_place(entry, at).await }, log_failure);
    }

    /// Nothing to show at the next start (the queue was stopped).
    pub(super) fn forget_saved(&self) {
        self.core.run(|core| async move { core.forget_music_queue().await }, log_failure);
    }
}

/// A queue not kept is no reason to stop the music: said in the log.
fn log_failure(r: reel_core::Result<()>) {
    if let Err(e) = r {
        tracing::warn!("the music queue was not saved: {e}");
    }
}
