//! The library: what Reel saved of every server's libraries (SQLite), how it
//! is kept in step with the servers, and posters on disk.

pub mod cache;
pub mod posters;
pub mod state;
pub mod sync;

pub use cache::LibraryCache;
pub use posters::PosterCache;
