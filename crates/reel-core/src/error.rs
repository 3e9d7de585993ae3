//! Typed errors of the core. Every message is meant to be shown to a person.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    #[error("Plex rejected the sign-in (the token is no longer valid). Please sign in again.")]
    Unauthorized,
    #[error("{host} did not accept this token. Check it and try again.")]
    TokenRejected { host: String },
    #[error("Cannot reach {host}: {reason}")]
    Offline { host: String, reason: String },
    #[error("{host} did not answer in time")]
    Timeout { host: String },
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
    #[error("No account with id {0}")]
    UnknownProvider(String),
    #[error("No server with id {0}")]
    UnknownSource(String),
    #[error("{url} is not one of {server}'s connections")]
    NotACandidate { server: String, url: String },
    #[error("{server} refused Reel's access (the share may have been removed or its token changed); refreshing the server list may help")]
    AccessRefused { server: String },
    #[error("{server} cannot be reached: none of its addresses answers as that server")]
    NoConnection { server: String },
    #[error("Reel no longer has the sign-in of {0} (it is not in the keyring); sign in again")]
    NoToken(String),
    #[error("{server} has no file to play for {title}")]
    NothingToPlay { server: String, title: String },
    /// A library's order or filter that what Reel saved cannot answer.
    #[error("sorting or filtering by {what} needs the server")]
    NeedsServer { what: String },
    #[error("{address:?} is not a server address (like http://192.168.1.10:32400)")]
    NotAServerAddress { address: String },
    #[error("plain http is only used on the local network; use the server's https address")]
    PlainHttpRemote,
    #[error("A playlist needs a name")]
    PlaylistNeedsName,
    /// What Reel keeps on disk (`what`) could not be read or written.
    #[error("Reel could not use its saved {what}: {reason}")]
    Storage { what: Stored, reason: String },
    /// The owner of `server` does not let this user download from it.
    #[error("The owner of {server} does not allow downloads from it")]
    DownloadsNotAllowed { server: String },
    /// No download of `key` is kept (cancelled, or never asked for).
    #[error("There is no download of item {key}")]
    NoDownload { key: crate::ids::ItemKey },
    /// A folder chosen for downloads cannot take them.
    #[error("Downloads cannot go into {path:?}: {reason}")]
    DownloadFolder { path: PathBuf, reason: String },
    /// The disk holding `what` has no room left.
    #[error("There is no room left on the disk for Reel's {what}")]
    DiskFull { what: Stored },
    /// Reel's own set-up (its HTTP client, the plex.tv address it was given)
    /// failed: nothing the user asked for is at fault.
    #[error("Reel could not set up its connections: {0}")]
    Setup(String),
    /// Something inside Reel failed that should not (a task that ended).
    #[error("Something went wrong inside Reel: {0}")]
    Internal(String),
}

/// What Reel keeps on disk, as a storage error names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    LibraryCache,
    ConnectionState,
    Posters,
    Subtitles,
    Downloads,
}

impl std::fmt::Display for Stored {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stored::LibraryCache => "library cache",
            Stored::ConnectionState => "connection state",
            Stored::Posters => "posters",
            Stored::Subtitles => "subtitle files",
            Stored::Downloads => "downloads",
        })
    }
}

impl Error {
    /// True when the failure is about reaching a host, not about what it said:
    /// cached data should be used and the user told they are offline.
    /// True when a secret could not be had: no keyring, or the token gone
    /// from it. What needs no secret (the caches) still works.
    pub fn is_missing_secret(&self) -> bool {
        matches!(self, Error::KeyringUnavailable(_) | Error::Keyring(_) | Error::NoToken(_))
    }

    pub fn is_offline(&self) -> bool {
        matches!(self, Error::Offline { .. } | Error::Timeout { .. } | Error::NoConnection { .. })
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Something the user should hear about that is not a failure of what they
/// asked: Reel started anyway.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// config.toml could not be read as settings; it was kept under `kept_as`
    /// and Reel started with fresh settings.
    SettingsDamaged { kept_as: std::path::PathBuf, reason: String },
    /// The library cache was damaged; it was kept under `kept_as` and will be
    /// downloaded again.
    LibraryCacheReset { kept_as: std::path::PathBuf, reason: String },
    /// The library cache cannot be opened at all; browsing needs the network.
    LibraryCacheUnavailable { reason: String },
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Notice::SettingsDamaged { kept_as, reason } => write!(
                f,
                "Reel's settings file was damaged ({reason}). It was kept as {} and Reel started with fresh settings; your accounts may need to be added again.",
                kept_as.display()
            ),
            Notice::LibraryCacheReset { kept_as, reason } => write!(
                f,
                "The saved library data was damaged ({reason}); it was kept as {} and will be downloaded again.",
                kept_as.display()
            ),
            Notice::LibraryCacheUnavailable { reason } => {
                write!(f, "Saved library data is not available ({reason}); browsing needs the network.")
            }
        }
    }
}
