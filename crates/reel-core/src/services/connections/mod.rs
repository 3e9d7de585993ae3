//! Connections: how to reach each server. The static order ([`rank`]),
//! live identity-checked probes ([`select`]), each connection's history
//! ([`history`]), which addresses are verified this session ([`verified`]),
//! re-probing a known server ([`reselect`]), and while Reel runs the
//! [`manager`]: failover, standby, the [`outbox`] and the [`reoptimiser`].

pub mod history;
pub mod manager;
pub mod outbox;
pub mod rank;
pub mod reoptimiser;
pub mod reselect;
pub mod select;
pub mod verified;

pub use manager::{ConnectionEvent, ConnectionManager, ManagerPolicy, SwitchCause};
pub use outbox::Delivery;
pub use select::ProbePolicy;
#[cfg(any(test, feature = "internals"))]
pub use select::Selection;
