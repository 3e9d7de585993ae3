//! The core's services, grouped by what they own: accounts
//! ([`auth_manager`], [`secrets`], [`legacy`]), servers ([`servers`]: the
//! source store, discovery's probing, the server list's lifetime),
//! [`connections`] (ranking, selection, history, failover, standby,
//! re-optimiser, outbox), the [`library`] (cache, sync, posters) and
//! [`playback`] (direct play or transcode, timelines).

pub mod auth_manager;
pub mod connections;
pub mod downloads;
pub mod legacy;
pub mod library;
pub mod playback;
pub mod secrets;
pub mod servers;
