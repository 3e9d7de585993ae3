//! Reel's core: everything that is not UI. Plex sign-in and discovery,
//! connection choice, persistence (config, keyring). No GTK here, so it builds
//! and tests fast.

pub mod backends;
pub mod config;
pub mod error;
pub mod http;
pub mod models;
pub mod paths;
pub mod services;
pub mod token;

pub use error::{Error, Result};
pub use token::Token;
