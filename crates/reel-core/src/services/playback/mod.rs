//! Playback's core side: whether to play a part as it is or have the server
//! transcode it ([`decision`], [`transcode`]), and what the server hears
//! of a playback ([`session`]: timelines and the watched mark), what the
//! player trusts over https ([`trust`]). The engine that decodes lives in
//! the app.

pub mod decision;
pub mod session;
pub mod transcode;
pub mod trust;

pub use decision::{Capabilities, Decision, Format, TranscodeReason};
pub use session::{PlayState, Reporter};
pub use transcode::TranscodeRequest;
