//! Reel's core: everything that is not UI. Plex sign-in and discovery,
//! connection choice, persistence (config, keyring, library cache). No GTK
//! here, so it builds and tests fast. The app and reel-cli use it through
//! one facade, [`Core`].

// What is behind the facade. Reel-core's own tests and benchmarks reach
// it with the `internals` feature; the app and reel-cli cannot.
macro_rules! behind_the_facade {
    ($($name:ident),*) => {$(
        #[cfg(feature = "internals")]
        pub mod $name;
        #[cfg(not(feature = "internals"))]
        pub(crate) mod $name;
    )*};
}
behind_the_facade!(backends, config, http, services);

pub mod error;
mod facade;
#[doc(hidden)]
pub mod fuzz_entry;
pub mod ids;
pub mod models;
pub mod paths;
pub mod token;

/// Playing media: the session a player drives (it feeds in what the
/// person and the engine do, carries out what the session asks and draws
/// its view), the words an engine reports in, and what this machine decodes.
pub mod playback {
    pub use crate::services::playback::engine::{EngineError, EngineEvent, EngineState};
    pub use crate::services::playback::session::music::{cycled, SAVE_PLACE_EVERY};
    pub use crate::services::playback::session::{
        Answer, CoreCall, Effect, EngineCommand, Fault, Input, Intent, Moment, MusicSession, MusicView,
        PlaybackSession, QueueEdit, QueueIntent, QueueNotice, Status, UpNextView, View,
    };
    pub use crate::services::playback::{Capabilities, Decision, Format, PlayState, Reporter, TranscodeReason};
}

/// How connections are ranked and how they have done, for tools that show it.
pub mod connections {
    pub use crate::services::connections::history::LinkStats;
    pub use crate::services::connections::rank::{describe, describe_reason};
}

pub use config::{visibility_key, Preferences};
pub use error::{Error, Notice, Result, Stored};
pub use facade::{
    AccountDownloads, Browsed, Core, CoreOptions, LibraryOptions, MediaLocation, PinCode, PlaybackPlan, SectionSync,
    StartView, FIRST_PAGE,
};
pub use ids::{ItemKey, ProviderId, SectionKey, SourceId};
pub use services::auth_manager::recovery::OrphanedAccount;
pub use services::auth_manager::{Discovery, Origin};
pub use services::connections::{ConnectionEvent, Delivery, SwitchCause};
pub use services::legacy::MigrationReport;
pub use token::Token;
