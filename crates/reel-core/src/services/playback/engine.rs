//! What a playback engine (GStreamer in the app) says, as plain data: the
//! session runs on these, so it can be driven by a scripted engine in tests.

/// Where the engine is, as a person would name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineState {
    /// Opening: nothing shown yet.
    Loading,
    Playing,
    Paused,
    Stopped,
}

/// Why playback failed, typed so it can be put into words and acted on
/// (try another connection, offer the transcoder).
#[derive(Debug, Clone, PartialEq)]
pub enum EngineError {
    /// Fetching the media failed (connection refused, reset, timed out).
    Network(String),
    /// The server answered with this HTTP status instead of the media.
    Http(u16),
    /// A codec or format with no decoder here (named as GStreamer names it).
    MissingCodec(String),
    /// The file could not be decoded (truncated, corrupt).
    Decode(String),
    Other(String),
}

impl EngineError {
    /// Whether trying again (where the failover says) may help: the
    /// connection failed, or the server's answer may pass (busy, failing,
    /// its access checked again). A file the server does not have is not
    /// tried again.
    pub fn recoverable(&self) -> bool {
        match self {
            EngineError::Network(_) => true,
            EngineError::Http(code) => matches!(code, 401 | 403 | 408 | 429) || *code >= 500,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum EngineEvent {
    State(EngineState),
    /// Filling the buffer: 0–100; 100 when done.
    Buffering(i32),
    DurationKnown(u64),
    /// The end was reached (and nothing was queued after it).
    Ended,
    /// The track queued to follow started, right after the one before:
    /// positions and the duration are now its own.
    NextStarted,
    Error(EngineError),
}
