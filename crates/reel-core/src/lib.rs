//! Reel's core: everything that is not UI. Plex sign-in and discovery,
//! connection choice, persistence (config, keyring, library cache). No GTK
//! here, so it builds and tests fast. The app and reel-cli use it through
//! one facade, [`Core`].

pub mod backends;
pub mod config;
pub mod error;
mod facade;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod http;
pub mod ids;
pub mod models;
pub mod paths;
pub mod services;
pub mod token;

pub use error::{Error, Notice, Result, Stored};
pub use facade::{Core, CoreOptions, MediaLocation, PinCode, PlaybackPlan, SectionSync, StartView, FIRST_PAGE};
pub use ids::{ItemKey, ProviderId, SectionKey, SourceId};
pub use services::auth_manager::recovery::OrphanedAccount;
pub use services::auth_manager::{Discovery, Origin};
pub use services::connections::{ConnectionEvent, Delivery, SwitchCause};
pub use services::legacy::MigrationReport;
pub use token::Token;
