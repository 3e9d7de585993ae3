//! What the server hears of one playback: a timeline on every change of
//! state and every 10 s while playing, and the item marked watched once
//! playback passes the server's threshold (never at the start).

use crate::models::{MediaItem, ServerAction};
use std::time::Duration;

/// How often the server hears of a playback that goes on unchanged.
pub const TIMELINE_EVERY: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayState {
    Playing,
    Paused,
    Buffering,
    Stopped,
}

impl PlayState {
    /// Plex's word for it in `/:/timeline`.
    pub fn plex(self) -> &'static str {
        match self {
            Self::Playing => "playing",
            Self::Paused => "paused",
            Self::Buffering => "buffering",
            Self::Stopped => "stopped",
        }
    }
}

/// Turns what the player reports into what the server must be told.
#[derive(Debug, Clone)]
pub struct Reporter {
    rating_key: String,
    duration_ms: u64,
    session: String,
    threshold: f64,
    /// The state and the (monotonic) time of the last timeline sent.
    last: Option<(PlayState, Duration)>,
    scrobbled: bool,
    play_queue_item: Option<u64>,
}

impl Reporter {
    /// `threshold`: the fraction past which it counts as watched (0.9).
    pub fn new(rating_key: &str, duration_ms: u64, session: &str, threshold: f64, already_watched: bool) -> Self {
        Self {
            rating_key: rating_key.to_string(),
            duration_ms,
            session: session.to_string(),
            threshold: threshold.clamp(0.01, 1.0),
            last: None,
            scrobbled: already_watched,
            play_queue_item: None,
        }
    }

    /// Playing entry `entry` (`playQueueItemID`) of a server play queue:
    /// its timelines say so.
    pub fn in_play_queue(mut self, entry: u64) -> Self {
        self.play_queue_item = Some(entry);
        self
    }

    /// The player is at `position_ms` in `state`; `now` is a monotonic
    /// clock. Returns what to send, in order.
    pub fn update(&mut self, state: PlayState, position_ms: u64, now: Duration) -> Vec<ServerAction> {
        let mut out = Vec::new();
        let due = match self.last {
            None => true,
            Some((last, _)) if last != state => true,
            Some((_, at)) => state == PlayState::Playing && now.saturating_sub(at) >= TIMELINE_EVERY,
        };
        if due {
            self.last = Some((state, now));
            out.push(ServerAction::Timeline {
                rating_key: self.rating_key.clone(),
                state: state.plex().into(),
                time_ms: position_ms,
                duration_ms: self.duration_ms,
                session: Some(self.session.clone()),
                play_queue_item: self.play_queue_item,
            });
        }
        if !self.scrobbled && self.passed_threshold(position_ms) {
            self.scrobbled = true;
            out.push(ServerAction::Scrobble { rating_key: self.rating_key.clone() });
        }
        out
    }

    pub fn passed_threshold(&self, position_ms: u64) -> bool {
        self.duration_ms > 0 && position_ms as f64 >= self.threshold * self.duration_ms as f64
    }

    /// Whether the item was marked watched in this playback (or before it).
    pub fn watched(&self) -> bool {
        self.scrobbled
    }

    pub fn session(&self) -> &str {
        &self.session
    }
}

/// The item as the server has it once it has heard `actions`: progress,
/// and the watched mark. (Near the end Plex forgets the position: it was
/// watched.) What the app shows and the cache keeps follow this, so both
/// change the moment the actions are made, whenever they reach the server.
pub fn after(item: &MediaItem, actions: &[ServerAction]) -> MediaItem {
    let mut updated = item.clone();
    for action in actions {
        match action {
            ServerAction::Timeline { time_ms, duration_ms, .. } => {
                let near_end = *duration_ms > 0 && *time_ms * 100 >= *duration_ms * 98;
                updated.view_offset_ms = if near_end { 0 } else { *time_ms as i64 };
            }
            ServerAction::Scrobble { .. } => {
                updated.view_count = updated.view_count.max(1);
                updated.view_offset_ms = 0;
            }
            ServerAction::Unscrobble { .. } => updated.view_count = 0,
        }
    }
    updated
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(actions: &[ServerAction]) -> Vec<String> {
        actions
            .iter()
            .map(|a| match a {
                ServerAction::Timeline { state, time_ms, .. } => format!("{state}@{time_ms}"),
                ServerAction::Scrobble { .. } => "scrobble".into(),
                ServerAction::Unscrobble { .. } => "unscrobble".into(),
            })
            .collect()
    }

    #[test]
    fn a_timeline_on_each_change_and_every_ten_seconds_while_playing() {
        let mut r = Reporter::new("7", 100_000, "s", 0.9, false);
        let s = Duration::from_secs;
        assert_eq!(kinds(&r.update(PlayState::Buffering, 0, s(0))), ["buffering@0"]);
        assert_eq!(kinds(&r.update(PlayState::Playing, 0, s(1))), ["playing@0"]);
        assert!(r.update(PlayState::Playing, 5_000, s(6)).is_empty(), "not yet 10 s");
        assert_eq!(kinds(&r.update(PlayState::Playing, 10_000, s(11))), ["playing@10000"]);
        assert_eq!(kinds(&r.update(PlayState::Paused, 10_500, s(12))), ["paused@10500"]);
        assert!(r.update(PlayState::Paused, 10_500, s(40)).is_empty(), "a pause is told once");
        assert_eq!(kinds(&r.update(PlayState::Stopped, 10_500, s(41))), ["stopped@10500"]);
    }

    #[test]
    fn watched_once_past_the_threshold_never_at_the_start() {
        let mut r = Reporter::new("7", 100_000, "s", 0.9, false);
        let s = Duration::from_secs;
        assert!(!kinds(&r.update(PlayState::Playing, 0, s(0))).contains(&"scrobble".to_string()));
        assert!(r.update(PlayState::Playing, 89_999, s(5)).is_empty());
        assert_eq!(kinds(&r.update(PlayState::Playing, 90_000, s(6))), ["scrobble"]);
        assert!(r.watched());
        assert_eq!(kinds(&r.update(PlayState::Playing, 95_000, s(16))), ["playing@95000"], "only once");
        // Unknown length: nothing is ever marked.
        let mut r = Reporter::new("8", 0, "s", 0.9, false);
        assert_eq!(kinds(&r.update(PlayState::Playing, 1_000_000, s(0))), ["playing@1000000"]);
    }
}
