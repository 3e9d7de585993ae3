//! What the queue is and how it changes: the server's queue made (or made
//! again, shuffled), changed by the person (moved, removed, added), and
//! kept for the next start with its place.

use super::order::Queue;
use super::MusicSession;
use crate::error::Error;
use crate::models::{PlayQueue, SavedQueue};
use crate::services::playback::session::{CoreCall, Effect, EngineCommand, Moment, QueueChange, QueueEdit, QueueNotice};

impl MusicSession {
    /// The server's queue: played from its selected entry (`keep_playing`:
    /// a reshuffle, the entry playing goes on in the new queue).
    pub(super) fn queue_made(&mut self, result: Result<PlayQueue, Error>, keep_playing: bool, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let q = match result {
            Ok(q) if !q.entries.is_empty() => q,
            Ok(_) => {
                let title = p.origin.title().to_string();
                out.push(Effect::QueueNotice(QueueNotice::NothingToPlay { title }));
                return self.stop(at, out);
            }
            // Still no server to hand the queue made here to: it plays on.
            Err(error) if keep_playing && p.queue.is_local() && error.is_offline() => return,
            Err(error) => {
                let title = p.origin.title().to_string();
                out.push(Effect::QueueNotice(QueueNotice::NotMade { title, error }));
                if !keep_playing {
                    self.stop(at, out);
                }
                return;
            }
        };
        if q.is_local() && !keep_playing {
            let (title, server) = (p.origin.title().to_string(), p.source.name.clone());
            out.push(Effect::QueueNotice(QueueNotice::OnlyDownloaded { title, server }));
        }
        let queue = Queue::new(q, self.repeat);
        // A new queue has new entries: none of them was skipped yet.
        p.skipped.clear();
        if keep_playing {
            // The same track goes on, as an entry of the new queue.
            let id = queue.current().map(|e| e.id);
            p.reporter = p.reporter.take().zip(id).map(|(r, id)| queue.reporting(r, id));
            p.queue = queue;
            self.requeue(out);
        } else {
            p.queue = queue;
            self.load_current(at, out);
        }
        self.save_queue(at, out);
    }

    pub(super) fn queue_changed(&mut self, result: Result<PlayQueue, Error>, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        match result {
            Ok(q) => {
                p.queue.replace(q);
                let queue = &p.queue;
                p.skipped.retain(|id, _| queue.position(*id).is_some());
                self.requeue(out);
                self.save_queue(at, out);
            }
            Err(e) => out.push(Effect::QueueNotice(QueueNotice::NotChanged(e))),
        }
    }

    /// The queue changed around the entry playing (repeat, shuffle, a
    /// move): what follows is chosen again.
    pub(super) fn requeue(&mut self, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        p.queued = None;
        out.push(Effect::Engine(EngineCommand::QueueNext(None)));
        if p.plan.is_some() {
            self.prepare_following(out);
        }
    }

    pub(super) fn reshuffle(&mut self, on: bool, out: &mut Vec<Effect>) {
        let Some(p) = &self.current else { return };
        if p.queue.shuffled == on || p.queue.entries.is_empty() {
            return;
        }
        // A new queue of the same things from the track playing, shuffled or in order.
        let call = CoreCall::MakeQueue {
            source_id: p.source.id.clone(),
            from: p.origin.clone(),
            start: p.queue.current().map(|e| e.item.clone()),
            shuffle: on,
            keep_playing: true,
            or_local: true,
        };
        out.push(Effect::Call { generation: self.generation, call });
    }

    /// A queue made here while the server could not be reached is handed
    /// to the server at each new track until it answers: its own queue of
    /// the same things, the track playing going on as one of its entries.
    pub(super) fn hand_over(&self, out: &mut Vec<Effect>) {
        let Some(p) = &self.current else { return };
        let Some(playing) = p.queue.current().filter(|_| p.queue.is_local()) else { return };
        let call = CoreCall::MakeQueue {
            source_id: p.source.id.clone(),
            from: p.origin.clone(),
            start: Some(playing.item.clone()),
            shuffle: p.queue.shuffled,
            keep_playing: true,
            or_local: false,
        };
        out.push(Effect::Call { generation: self.generation, call });
    }

    pub(super) fn edit(&mut self, entry: u64, edit: QueueEdit, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_ref() else { return };
        let Some(i) = p.queue.position(entry) else { return };
        let (current, n) = (p.queue.current, p.queue.entries.len());
        let id_at = |k: usize| p.queue.entries.get(k).map(|e| e.id);
        let change = match edit {
            QueueEdit::Remove => QueueChange::Remove,
            QueueEdit::PlayNext if i != current && i != current + 1 => QueueChange::MoveAfter(id_at(current)),
            QueueEdit::MoveUp if i > 0 => QueueChange::MoveAfter(if i >= 2 { id_at(i - 2) } else { None }),
            QueueEdit::MoveDown if i + 1 < n => QueueChange::MoveAfter(id_at(i + 1)),
            // Where it is already.
            _ => return,
        };
        let (source_id, queue_id) = (p.source.id.clone(), p.queue.id);
        if change == QueueChange::Remove && i == current {
            // The entry playing goes: the next one plays (or the music stops).
            if p.queue.next().filter(|k| *k != i).is_some() {
                self.skip(true, at, out);
            } else {
                self.stop(at, out);
            }
        }
        if queue_id == PlayQueue::LOCAL {
            // Made here: changed here, as the server would have.
            let Some(changed) = self.current.as_ref().map(|p| p.queue.edited(entry, change)) else { return };
            return self.queue_changed(Ok(changed), at, out);
        }
        let call = CoreCall::ChangeQueue { source_id, queue_id, entry, change };
        out.push(Effect::Call { generation: self.generation, call });
    }

    /// Keeps the whole queue (it was made or changed).
    pub(super) fn save_queue(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let Some(entry) = p.queue.current() else { return };
        let queue = PlayQueue {
            id: p.queue.id,
            version: 0,
            selected: entry.id,
            shuffled: p.queue.shuffled,
            entries: p.queue.entries.clone(),
        };
        let saved = SavedQueue {
            source_id: p.source.id.clone(),
            origin: p.origin.clone(),
            queue,
            position_ms: p.position_ms,
            repeat: p.queue.repeat,
        };
        p.place_saved = at.now;
        out.push(Effect::SaveQueue(saved));
    }

    /// Keeps where the queue is.
    pub(super) fn save_place(&mut self, at: Moment, out: &mut Vec<Effect>) {
        let Some(p) = self.current.as_mut() else { return };
        let Some(entry) = p.queue.current().map(|e| e.id) else { return };
        p.place_saved = at.now;
        out.push(Effect::SavePlace { entry, at_ms: p.position_ms });
    }
}
