//! How long an account's server list counts as fresh: it adapts, longer
//! while refreshes bring no change, shorter after failures and network
//! changes, always within the user's bounds (Preferences).

use super::SourceStore;
use crate::models::Source;
use std::time::Duration;
use tracing::{debug, warn};

#[derive(Debug, Clone, Copy)]
pub enum TtlChange {
    Unchanged,
    Changed,
    Failed,
    NetworkChanged,
}

/// The same servers with the same connections: nothing plex.tv said has changed.
pub fn same_servers(old: &[Source], new: &[Source]) -> bool {
    old.len() == new.len()
        && old.iter().zip(new).all(|(a, b)| {
            a.id == b.id && a.name == b.name && a.connection_info.connections == b.connection_info.connections
        })
}

/// A provider's server list lifetime as it has adapted.
pub fn current(store: &SourceStore, provider_id: &str) -> Duration {
    let (min, start, max) = store.config().read(|c| c.preferences.sources_ttl_bounds());
    let current = store.state().lifetime(provider_id).unwrap_or(start);
    Duration::from_secs(current.clamp(min, max))
}

pub fn adapt(store: &SourceStore, provider_id: &str, change: TtlChange) {
    let (min, start, max) = store.config().read(|c| c.preferences.sources_ttl_bounds());
    let current = store.state().lifetime(provider_id).unwrap_or(start).clamp(min, max);
    let next = match change {
        TtlChange::Unchanged => current.saturating_mul(2).clamp(min, max),
        TtlChange::Changed => start,
        TtlChange::Failed => (current / 2).clamp(min, max),
        TtlChange::NetworkChanged => min,
    };
    match store.state().set_lifetime(provider_id, next) {
        Ok(()) => debug!(provider = %provider_id, ?change, secs = next, "server list lifetime"),
        Err(e) => warn!("cannot keep the server list lifetime: {e}"),
    }
}
