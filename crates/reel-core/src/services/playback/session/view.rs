//! What a playback session shows: the page's controls and the shell's media
//! controls are drawn from this, and only from this.

use super::{Art, Current, PlaybackSession, UpNext};
use crate::error::Error;
use crate::ids::SourceId;
use crate::models::{MarkerKind, MediaItem, MediaPart};
use crate::services::playback::engine::{EngineError, EngineState};
use crate::services::playback::Decision;
use std::path::PathBuf;

/// Where the playback is, as the play button and the shell name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Opening, or filling its buffer.
    Opening,
    Playing,
    Paused,
    /// Ended or failed; the item is still shown.
    Stopped,
}

/// Why a playback stopped before its end, for the page to put into words.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// This machine's player could not be made.
    EngineUnavailable(String),
    /// The server could not say how to play the item.
    Prepare(Error),
    /// The engine failed on `server`'s media; `offer_transcode`: the server's
    /// transcoder may play what this machine cannot decode.
    Engine { error: EngineError, server: String, offer_transcode: bool },
    /// The media ended at `at_ms`, well before its length: a file cut short.
    EndedEarly { at_ms: u64, duration_ms: u64 },
    /// No connection to go on from after the stream died.
    Relocate(Error),
    /// The transcode could not be restarted at a seek's target.
    Retranscode(Error),
}

/// *Up Next*, while it counts down.
#[derive(Debug, Clone, PartialEq)]
pub struct UpNextView {
    pub item: MediaItem,
    /// Whole seconds left, as shown.
    pub seconds_left: u64,
}

/// The playback as it is now.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// Tells one playback from the next (the same item played again too).
    pub generation: u64,
    /// The server it plays from.
    pub source_id: SourceId,
    pub item: MediaItem,
    pub status: Status,
    /// Something is being waited for (opening, buffering, a new connection).
    pub busy: bool,
    pub position_ms: u64,
    pub duration_ms: u64,
    /// How it plays, once the server has said.
    pub decision: Option<Decision>,
    /// The part playing: its tracks make the player's menu.
    pub part: Option<MediaPart>,
    pub up_next: Option<UpNextView>,
    /// The intro or credits playing now (*Skip Intro*), unless *Up Next* shows.
    pub marker: Option<MarkerKind>,
    pub failure: Option<Fault>,
    /// The poster on disk, for the shell's media controls.
    pub art: Option<PathBuf>,
}

impl PlaybackSession {
    /// What to show; None when nothing is loaded.
    pub fn view(&self) -> Option<View> {
        self.current.as_ref().map(|p| view(self.generation, p))
    }
}

fn view(generation: u64, p: &Current) -> View {
    let status = match p.state {
        _ if p.failure.is_some() => Status::Stopped,
        EngineState::Loading => Status::Opening,
        EngineState::Playing => Status::Playing,
        EngineState::Paused => Status::Paused,
        EngineState::Stopped => Status::Stopped,
    };
    let up_next = match (p.up_next, &p.next) {
        (UpNext::Counting { left, .. }, Some(next)) => {
            Some(UpNextView { item: next.clone(), seconds_left: left.as_millis().div_ceil(1000) as u64 })
        }
        _ => None,
    };
    let plan = p.plan.as_ref();
    let marker = plan
        .and_then(|pl| pl.playable.marker_at(p.position_ms as i64))
        .map(|m| m.kind)
        .filter(|_| up_next.is_none() && p.failure.is_none());
    View {
        generation,
        source_id: p.source.id.clone(),
        item: p.item.clone(),
        status,
        busy: p.failure.is_none() && (p.state == EngineState::Loading || p.buffering),
        position_ms: p.position_ms,
        duration_ms: p.duration_ms,
        decision: plan.map(|pl| pl.decision.clone()),
        part: plan.and_then(|pl| pl.playable.first_part()).map(|(_, _, part)| part.clone()),
        up_next,
        marker,
        failure: p.failure.clone(),
        art: match &p.art {
            Art::Here(file) => file.clone(),
            _ => None,
        },
    }
}
