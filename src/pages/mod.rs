//! The pages: Home, a library's grid, an item, a playlist or collection, a
//! server's connections, and the player, which takes the whole window.

pub mod downloads;
pub mod home;
pub mod item;
pub mod library;
pub mod list;
pub mod player;
pub mod search;
pub mod server;
