//! Playback's core side: whether to play a part as it is or have the server
//! transcode it ([`decision`], [`transcode`]), what the server hears of a
//! playback ([`timelines`]: timelines and the watched mark), one playback's
//! course from Play to its end ([`session`], fed by the engine's
//! [`engine`] events), and what the player trusts over https ([`trust`]).
//! The engine that decodes lives in the app.

pub mod decision;
pub mod engine;
pub mod session;
pub mod timelines;
pub mod transcode;
pub mod trust;

pub use decision::{Capabilities, Decision, Format, TranscodeReason};
pub use timelines::{PlayState, Reporter};
pub use transcode::TranscodeRequest;
