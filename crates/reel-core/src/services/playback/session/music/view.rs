//! What the music queue shows: the now-playing bar, the queue's view and
//! the shell's media controls (with its track list) are drawn from this.

use super::{MusicSession, Playing};
use crate::ids::SourceId;
use crate::models::{QueueEntry, QueueSource, Repeat};
use crate::services::playback::engine::EngineState;
use crate::services::playback::session::{Art, Fault, Status};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The queue as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct MusicView {
    /// The server it plays from.
    pub source_id: SourceId,
    /// What the queue is made from (an album, an artist, a list): named
    /// while the server makes the queue.
    pub origin_title: String,
    /// Its artist, when it is an album or a track.
    pub origin_artist: Option<String>,
    /// The queue's entries, in order; empty until the server made it.
    pub entries: Vec<QueueEntry>,
    /// The entry playing (or paused, or next to play).
    pub current: Option<usize>,
    pub repeat: Repeat,
    pub shuffled: bool,
    /// Whether Next goes anywhere.
    pub can_next: bool,
    pub status: Status,
    /// Something is being waited for (the queue, the track opening, a new connection).
    pub busy: bool,
    pub position_ms: u64,
    pub duration_ms: u64,
    /// The cover on disk, for the shell's media controls.
    pub art: Option<PathBuf>,
    /// Entries (by id) skipped since the queue was made, and why; an entry
    /// that plays after all is no longer here.
    pub skipped: BTreeMap<u64, Fault>,
}

impl MusicView {
    pub fn entry(&self) -> Option<&QueueEntry> {
        self.entries.get(self.current?)
    }
}

impl MusicSession {
    /// What to show; None when there is no queue.
    pub fn view(&self) -> Option<MusicView> {
        self.current.as_ref().map(view)
    }
}

fn view(p: &Playing) -> MusicView {
    let made = !p.queue.entries.is_empty();
    MusicView {
        source_id: p.source.id.clone(),
        origin_title: p.origin.title().to_string(),
        origin_artist: match &p.origin {
            QueueSource::Item(item) => item.grandparent_title.clone().or_else(|| item.parent_title.clone()),
            QueueSource::List { .. } => None,
        },
        entries: p.queue.entries.clone(),
        current: made.then_some(p.queue.current),
        repeat: p.queue.repeat,
        shuffled: p.queue.shuffled,
        can_next: p.queue.next().is_some(),
        status: match p.state {
            EngineState::Loading => Status::Opening,
            EngineState::Playing => Status::Playing,
            EngineState::Paused => Status::Paused,
            EngineState::Stopped => Status::Stopped,
        },
        busy: p.state == EngineState::Loading,
        position_ms: p.position_ms,
        duration_ms: p.duration_ms,
        art: match &p.art {
            Art::Here(file) => file.clone(),
            _ => None,
        },
        skipped: p.skipped.clone(),
    }
}
