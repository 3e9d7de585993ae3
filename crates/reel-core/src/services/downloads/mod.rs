//! Downloads: items' files kept on this machine to play with no network.
//! What is downloaded is listed in a small SQLite file beside the files
//! ([`store`], shared by the app and reel-cli); the bytes come over HTTP
//! into a `.part` file, resumed with `Range` from where they stopped
//! (another connection, a restart, `kill -9`), and the file is renamed to
//! its name only once it has the size the server gave ([`transfer`]);
//! [`turns`] says which run (at most two at once), and [`lock`] that one
//! process runs each.

pub mod lock;
pub mod pace;
pub mod store;
pub mod transfer;
pub mod turns;

pub use store::DownloadStore;

/// Where downloads are kept unless told otherwise.
pub fn default_dir() -> std::path::PathBuf {
    crate::paths::data_dir().join("downloads")
}
