//! What the session tests share: the server they play from, and an engine
//! that plays at the test clock's pace from where it was told and says
//! only what the test makes it say.

use super::EngineCommand;
use crate::ids::SourceId;
use crate::models::{Source, SourceType};
use crate::services::playback::engine::EngineState;
use std::time::Duration;

pub(super) fn source() -> Source {
    Source {
        id: SourceId::new("plex_a_srv_m1"),
        name: "Living Room".into(),
        source_type: SourceType::PlexServer { machine_id: "m1".into(), owned: true },
        auth_provider_id: None,
        connection_info: Default::default(),
        enabled: true,
        last_sync: None,
        library_count: 0,
        extra: Default::default(),
    }
}

/// Where the engine was told to be (ms), since when, and whether it plays;
/// None: nothing loaded.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Clocked(Option<(u64, Duration, bool)>);

impl Clocked {
    pub fn position(&self, now: Duration) -> Option<u64> {
        self.0.map(|(at, since, playing)| if playing { at + now.saturating_sub(since).as_millis() as u64 } else { at })
    }

    /// Does what the session asked of it.
    pub fn obey(&mut self, command: &EngineCommand, now: Duration) {
        let pos = self.position(now);
        match command {
            EngineCommand::Load { start_ms, .. } => self.0 = Some((*start_ms, now, false)),
            EngineCommand::Stop => self.0 = None,
            EngineCommand::Seek { ms, .. } => self.0 = self.0.map(|(_, _, playing)| (*ms, now, playing)),
            EngineCommand::Pause => self.0 = pos.map(|p| (p, now, false)),
            EngineCommand::Play => self.0 = pos.map(|p| (p, now, true)),
            _ => {}
        }
    }

    /// The engine is told to say it is in `state`: it is, from where it is.
    pub fn now_in(&mut self, state: EngineState, now: Duration) {
        self.0 = self.position(now).map(|p| (p, now, state == EngineState::Playing));
    }

    /// Stands still at `ms` (the media's end, say).
    pub fn at(&mut self, ms: u64, now: Duration) {
        self.0 = Some((ms, now, false));
    }

    /// Plays from `ms`.
    pub fn playing_from(&mut self, ms: u64, now: Duration) {
        self.0 = Some((ms, now, true));
    }
}
