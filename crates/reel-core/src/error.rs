//! Typed errors of the core. Every message is meant to be shown to a person.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("Plex rejected the sign-in (the token is no longer valid). Please sign in again.")]
    Unauthorized,
    #[error("{host} did not accept this token. Check it and try again.")]
    TokenRejected { host: String },
    #[error("Cannot reach {host}: {reason}")]
    Offline { host: String, reason: String },
    #[error("{host} answered with an error (HTTP {status}){}", message.as_deref().map(|m| format!(": {m}")).unwrap_or_default())]
    Http { host: String, status: u16, message: Option<String> },
    #[error("{host} sent an answer Reel cannot read: {reason}")]
    BadResponse { host: String, reason: String },
    #[error("{host} sent more than {limit} bytes; Reel stopped reading")]
    TooLarge { host: String, limit: usize },
    #[error("{host} tried to send Reel to another address ({location}); Reel did not follow")]
    Redirected { host: String, location: String },
    #[error("The sign-in code has expired. Start again to get a new code.")]
    PinExpired,
    #[error("The system keyring is not available, so Reel cannot keep your sign-in safe: {0}")]
    KeyringUnavailable(String),
    #[error("The keyring refused: {0}")]
    Keyring(String),
    #[error("Cannot save settings to {path}: {reason}")]
    ConfigWrite { path: PathBuf, reason: String },
    #[error("No account or server with id {0}")]
    UnknownProvider(String),
    #[error("No working connection to {server}: {detail}")]
    NoConnection { server: String, detail: String },
    #[error("Not signed in: no token stored for {0}")]
    NoToken(String),
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// True when the failure is about reaching a host, not about what it said:
    /// cached data should be used and the user told they are offline.
    pub fn is_offline(&self) -> bool {
        matches!(self, Error::Offline { .. } | Error::NoConnection { .. })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
