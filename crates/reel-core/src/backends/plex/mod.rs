//! Plex: plex.tv (sign-in, discovery) and Plex Media Servers.

pub mod api;
pub mod auth;
pub mod playback_types;
pub mod types;

pub use api::{Conversion, PlexServerClient};
pub use auth::PlexAuth;
#[cfg(any(test, feature = "internals"))]
pub use auth::{PinStatus, SignInPin};
