//! The library: what Reel saved of every server's libraries (SQLite), how it
//! is kept in step with the servers, Home's hubs and items' progress, and
//! posters on disk.

mod browse;
pub mod cache;
pub mod home;
mod lists;
mod music_queue;
pub mod posters;
mod schema;
pub mod search;
pub mod state;
pub mod sync;
pub mod versions;

pub use cache::LibraryCache;
pub use posters::PosterCache;
