//! Probing a known server's connections again: all of them (a failover or
//! the user's request), only better-ranked ones (moving up, never down), or
//! all but the one in use (finding a standby). Results are kept through the
//! source store.

use super::rank::{candidates, tier};
use super::select::{select_for, ProbePolicy, Target};
use crate::error::Result;
use crate::http::HttpClient;
use crate::models::{Connection, ProbeRecord, Source};
use crate::services::servers::SourceStore;
use std::sync::Arc;

#[derive(Clone)]
pub struct Prober {
    http: HttpClient,
    store: Arc<SourceStore>,
    policy: ProbePolicy,
}

impl Prober {
    pub fn new(http: HttpClient, store: Arc<SourceStore>, policy: ProbePolicy) -> Self {
        Self { http, store, policy }
    }

    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    #[cfg(any(test, feature = "internals"))]
    pub fn store(&self) -> &Arc<SourceStore> {
        &self.store
    }

    /// The probe policy with the user's preferences applied.
    pub fn policy(&self) -> ProbePolicy {
        self.store.config().read(|c| self.policy.with_preferences(&c.preferences))
    }

    /// Probes every known connection of a source and keeps the result.
    pub async fn reselect(&self, source_id: &str) -> Result<Source> {
        let (_, source) = self.store.find(source_id)?;
        let pinned = self.store.pinned(source_id);
        let history = self.store.history(source_id);
        let ci = &source.connection_info;
        let target = Target {
            machine_id: source.machine_id(),
            connections: &ci.connections,
            https_required: ci.https_required,
            pinned: pinned.as_deref(),
            last_good: None,
            history: &history,
        };
        let sel = select_for(&self.http, &target, &self.policy()).await;
        self.store.keep_selection(source_id, &sel, false)
    }

    /// Probes only the candidates ranked better than the one in use (and the
    /// pin, if the user set one); moves to the best that answers, if any.
    /// Never moves down: when none answers the source stays as it is.
    pub async fn probe_better(&self, source_id: &str) -> Result<Option<Source>> {
        let (_, source) = self.store.find(source_id)?;
        let pinned = self.store.pinned(source_id);
        let history = self.store.history(source_id);
        let ci = &source.connection_info;
        let all = candidates(&ci.connections);
        let current = ci.primary_url.as_deref().filter(|_| ci.is_online);
        let current_tier = current.and_then(|u| all.iter().find(|c| c.uri == u)).map(|c| tier(c, pinned.as_deref()));
        // Only plex.tv's own connections: a derived fallback is found again from them.
        let better: Vec<Connection> = ci
            .connections
            .iter()
            .filter(|c| current_tier.is_none_or(|t| tier(c, pinned.as_deref()) < t))
            .cloned()
            .collect();
        if better.is_empty() {
            return Ok(None);
        }
        let target = Target {
            machine_id: source.machine_id(),
            connections: &better,
            https_required: ci.https_required,
            pinned: pinned.as_deref(),
            last_good: None,
            history: &history,
        };
        let sel = select_for(&self.http, &target, &self.policy()).await;
        if sel.chosen.is_none() {
            self.store.remember_probes(source_id, &sel.records);
            return Ok(None);
        }
        self.store.keep_selection(source_id, &sel, true).map(Some)
    }

    /// Probes every candidate but the one in use and returns the best that
    /// answers as the server: the standby to fail over to without a selection.
    /// Nothing is changed but the connections' history.
    pub async fn probe_standby(&self, source_id: &str) -> Result<Option<ProbeRecord>> {
        let (_, source) = self.store.find(source_id)?;
        let ci = &source.connection_info;
        let Some(current) = ci.primary_url.as_deref().filter(|_| ci.is_online) else { return Ok(None) };
        let history = self.store.history(source_id);
        let others: Vec<Connection> = ci.connections.iter().filter(|c| c.uri != current).cloned().collect();
        let target = Target {
            machine_id: source.machine_id(),
            connections: &others,
            https_required: ci.https_required,
            pinned: None,
            last_good: None,
            history: &history,
        };
        let sel = select_for(&self.http, &target, &self.policy()).await;
        self.store.remember_probes(source_id, &sel.records);
        Ok(sel.records.into_iter().find(|r| r.chosen && r.uri != current).map(|r| ProbeRecord { chosen: false, ..r }))
    }
}
