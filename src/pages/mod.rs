//! The content pane's pages: Home, a library's grid, an item, a server's connections.

pub mod home;
pub mod item;
pub mod library;
pub mod server;
