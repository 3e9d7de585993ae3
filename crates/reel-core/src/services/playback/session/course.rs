//! What every playback shares, a video's and a queue's track alike: getting
//! over a stream that died (the failover's connection, a bounded number of
//! times) and telling the server what happened (timelines, the play count),
//! with the item shown changed at once.

use super::messages::Effect;
use crate::ids::SourceId;
use crate::models::MediaItem;
use crate::services::playback::engine::EngineError;
use crate::services::playback::timelines::{self, PlayState, Reporter};
use std::time::Duration;

/// Tries at another connection before a network failure counts.
pub const RECOVER_TRIES: u32 = 2;
/// How far playback must get past where it last went on elsewhere before
/// the tries count from zero again: a server that sends a little and stops
/// each time is a failure, not a connection worth trying for ever.
const RECOVERED_AFTER_MS: u64 = 10_000;

/// How long a playback may play without its position moving (and without
/// buffering) before it counts as a connection that died without a word.
/// Longer than the engine's own wait for a silent server (twice 10 s).
pub const STUCK_AFTER: Duration = Duration::from_secs(30);

/// Network failures recovered from in a row (with little played between
/// them), and where the last one went on from; where playback stood still
/// while playing, and since when.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Recovery {
    tries: u32,
    from_ms: u64,
    still: Option<(u64, Duration)>,
}

impl Recovery {
    /// Whether to go on from another connection after `error` at
    /// `position_ms`; a yes counts as a try.
    pub fn try_again(&mut self, error: &EngineError, position_ms: u64) -> bool {
        if !error.recoverable() || self.tries >= RECOVER_TRIES {
            return false;
        }
        self.tries += 1;
        self.from_ms = position_ms;
        true
    }

    /// Whether playback, `playing` (and not buffering) at `position_ms`,
    /// has stood there for [`STUCK_AFTER`]: the media stopped coming and
    /// the engine did not say so (a file cut short can leave GStreamer
    /// waiting). A yes starts the watch afresh.
    pub fn stood_still(&mut self, playing: bool, position_ms: u64, now: Duration) -> bool {
        match self.still {
            _ if !playing => self.still = None,
            Some((at, since)) if at == position_ms => {
                if now.saturating_sub(since) >= STUCK_AFTER {
                    self.still = None;
                    tracing::warn!(at_ms = position_ms, "playing, but the position stands still");
                    return true;
                }
            }
            _ => self.still = Some((position_ms, now)),
        }
        false
    }

    /// What a playback that stood still is taken as: a dropped connection.
    pub fn stood_still_error() -> EngineError {
        EngineError::Network(format!("the position stood still for {} s", STUCK_AFTER.as_secs()))
    }

    /// Playback got to `position_ms`: far enough past the last recovery,
    /// the connection holds again.
    pub fn played_to(&mut self, position_ms: u64) {
        if self.tries > 0 && position_ms >= self.from_ms + RECOVERED_AFTER_MS {
            self.tries = 0;
        }
    }
}

/// Sends what is due of `item`'s playback (a change of state, 10 s of
/// playing, the threshold passed) and shows the item as the server will
/// have it: answers that come back out of order cannot take a watched mark
/// back.
pub(crate) fn report(
    source_id: &SourceId,
    item: &mut MediaItem,
    reporter: &mut Reporter,
    state: PlayState,
    position_ms: u64,
    now: Duration,
    out: &mut Vec<Effect>,
) {
    let actions = reporter.update(state, position_ms, now);
    if actions.is_empty() {
        return;
    }
    let updated = timelines::after(item, &actions);
    let changed = updated != *item;
    let before = std::mem::replace(item, updated);
    out.push(Effect::Report { source_id: source_id.clone(), item: before, actions });
    if changed {
        out.push(Effect::ItemChanged { source_id: source_id.clone(), item: item.clone() });
    }
}
