//! Changing the queue from its view: each change is the server's (its play
//! queue moves, removes), then the queue shown and kept is the server's
//! answer; what follows the entry playing is chosen again.

use super::queue_view::QueueAction;
use super::{MusicMsg, MusicOutput, MusicPlayer};
use crate::i18n::i18n_f;
use crate::runtime::Failure;
use reel_core::models::PlayQueue;
use reel_core::playback::PlayState;
use relm4::gtk::prelude::*;
use relm4::gtk::{self, gio};
use relm4::ComponentSender;

impl MusicPlayer {
    /// The queue's window actions (`win.queue-*`), once the bar is in a window.
    pub(super) fn install_actions(&mut self) {
        if self.actions_installed {
            return;
        }
        let Some(window) = self.root.root().and_downcast::<gtk::ApplicationWindow>() else { return };
        for a in QueueAction::ALL {
            let action = gio::SimpleAction::new(a.name(), Some(glib_int64()));
            let s = self.input.clone();
            action.connect_activate(move |_, v| {
                if let Some(id) = v.and_then(|v| v.get::<i64>()).and_then(|id| u64::try_from(id).ok()) {
                    s.emit(MusicMsg::Queue(a, id));
                }
            });
            window.add_action(&action);
        }
        self.actions_installed = true;
    }

    pub(super) fn queue_action(&mut self, sender: &ComponentSender<Self>, a: QueueAction, entry: u64) {
        let Some(p) = self.playing.as_ref() else { return };
        let Some(i) = p.queue.entries.iter().position(|e| e.id == entry) else { return };
        let (current, n) = (p.queue.current, p.queue.entries.len());
        let id_at = |k: usize| p.queue.entries.get(k).map(|e| e.id);
        // Where it goes: after this entry (None: to the top); no move: nothing to do.
        let after = match a {
            QueueAction::Play => {
                let at = p.position_ms;
                self.report_at(sender, PlayState::Stopped, at);
                if let Some(p) = self.playing.as_mut() {
                    p.queue.current = i;
                    p.resume_at = None;
                }
                return self.load_current(sender);
            }
            QueueAction::Remove => {
                if i == current {
                    // The entry playing goes: the next one plays (or the music stops).
                    if p.queue.next().filter(|k| *k != i).is_some() {
                        self.skip(sender, true);
                    } else {
                        return self.stop();
                    }
                }
                return self.change_queue(sender, move |core, source, queue| async move {
                    core.remove_from_play_queue(&source, queue, entry).await
                });
            }
            QueueAction::PlayNext if i != current && i != current + 1 => Some(id_at(current)),
            QueueAction::MoveUp if i > 0 => Some(if i >= 2 { id_at(i - 2) } else { None }),
            QueueAction::MoveDown if i + 1 < n => Some(id_at(i + 1)),
            _ => None,
        };
        let Some(after) = after else { return };
        self.change_queue(sender, move |core, source, queue| async move {
            core.move_in_play_queue(&source, queue, entry, after).await
        });
    }

    /// Asks the server for a change of the queue; its answer is the queue.
    fn change_queue<F, Fut>(&self, sender: &ComponentSender<Self>, change: F)
    where
        F: FnOnce(std::sync::Arc<reel_core::Core>, reel_core::SourceId, u64) -> Fut + Send + 'static,
        Fut: std::future::Future<Output = reel_core::Result<PlayQueue>> + Send + 'static,
    {
        let Some(p) = &self.playing else { return };
        let (generation, source, queue) = (self.generation, p.source.id.clone(), p.queue.id);
        self.core.ask(
            sender,
            move |core| async move { change(core, source, queue).await.map_err(Failure::from) },
            move |result| MusicMsg::QueueChanged { generation, result },
        );
    }

    pub(super) fn queue_changed(&mut self, sender: &ComponentSender<Self>, result: Result<PlayQueue, Failure>) {
        let Some(p) = self.playing.as_mut() else { return };
        match result {
            Ok(q) => {
                p.queue.replace(q);
                self.requeue(sender);
                self.save_queue();
                self.announce_queue();
            }
            Err(f) => {
                let _ = sender.output(MusicOutput::Toast(i18n_f("Could not change the queue: {}", &[&f.message()])));
            }
        }
    }
}

fn glib_int64() -> &'static relm4::gtk::glib::VariantTy {
    relm4::gtk::glib::VariantTy::INT64
}
