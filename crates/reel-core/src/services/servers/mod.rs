//! The servers Reel knows: every account's cached sources with the chosen
//! URL in config.toml (what reel-cli shares), the user's pinned connections;
//! what was learnt about them (online or not, the last selection, history)
//! in the state store, so a probe never rewrites the user's settings; and
//! which address of each server has answered `/identity` as that server in
//! this session. Every selection's outcome is kept through here, so the
//! "verified" record cannot miss one.

pub mod build;
pub mod lifetime;
pub mod state;

use crate::config::ConfigStore;
use crate::error::{Error, Result};
use crate::models::{ProbeOutcome, ProbeRecord, Source};
use crate::services::connections::history::{record_selection, ServerHistory};
use crate::services::connections::rank::is_candidate;
use crate::services::connections::select::Selection;
use crate::services::connections::verified::Verified;
use chrono::Utc;
use state::{settings_only, ConnectionState, StateStore};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tracing::{info, warn};

pub struct SourceStore {
    config: Arc<ConfigStore>,
    state: StateStore,
    /// The state store's connection states as last read or written: the
    /// request path reads them on every request.
    states: Mutex<HashMap<String, ConnectionState>>,
    verified: Verified,
}

impl SourceStore {
    /// Settings from `config`, state in `state`. What an older config.toml
    /// kept of the state (probe records, history, adapted lifetimes) moves
    /// into the state store, and leaves the settings file, once.
    pub fn new(config: Arc<ConfigStore>, state: StateStore) -> Self {
        let store = Self { config, state, states: Mutex::default(), verified: Verified::default() };
        if let Err(e) = store.move_state_out_of_settings() {
            warn!("cannot move connection state out of config.toml: {e}");
        }
        store
    }

    fn move_state_out_of_settings(&self) -> Result<()> {
        let config = self.config.get();
        let r = &config.runtime;
        let has_state = !r.connection_history.is_empty()
            || !r.sources_ttl_current.is_empty()
            || config.all_sources().any(|s| ConnectionState::of(&s.connection_info).is_known());
        if !has_state {
            return Ok(());
        }
        for s in config.all_sources() {
            let st = ConnectionState::of(&s.connection_info);
            if st.is_known() && self.state.connection(s.id.as_str()).is_none() {
                self.state.set_connection(s.id.as_str(), &st)?;
            }
        }
        for (id, h) in &r.connection_history {
            if self.state.history(id).is_empty() {
                self.state.set_history(id, h)?;
            }
        }
        for (id, secs) in &r.sources_ttl_current {
            if self.state.lifetime(id).is_none() {
                self.state.set_lifetime(id, *secs)?;
            }
        }
        info!("moved connection state from config.toml to the state store");
        self.config.update(|c| {
            c.runtime.connection_history.clear();
            c.runtime.sources_ttl_current.clear();
            for list in c.runtime.cached_sources.values_mut() {
                for s in list.iter_mut() {
                    *s = settings_only(s);
                }
            }
        })
    }

    pub fn state(&self) -> &StateStore {
        &self.state
    }

    /// A source from the settings with what was learnt about it.
    fn with_state(&self, mut s: Source, reread: bool) -> Source {
        let mut states = self.states.lock().unwrap_or_else(|p| p.into_inner());
        if reread || !states.contains_key(s.id.as_str()) {
            match self.state.connection(s.id.as_str()) {
                Some(st) => {
                    states.insert(s.id.to_string(), st);
                }
                None => {
                    states.remove(s.id.as_str());
                }
            }
        }
        if let Some(st) = states.get(s.id.as_str()) {
            st.apply(&mut s.connection_info);
        }
        s
    }

    fn set_state(&self, source_id: &str, st: ConnectionState) -> Result<()> {
        self.state.set_connection(source_id, &st)?;
        self.states.lock().unwrap_or_else(|p| p.into_inner()).insert(source_id.to_string(), st);
        Ok(())
    }

    pub fn config(&self) -> &Arc<ConfigStore> {
        &self.config
    }

    /// Which addresses answered as their server in this session.
    pub fn verified(&self) -> &Verified {
        &self.verified
    }

    /// A source and its account, re-read from config.toml (reel-cli may have changed it).
    pub fn find(&self, source_id: &str) -> Result<(String, Source)> {
        self.config
            .reload()
            .runtime
            .cached_sources
            .iter()
            .find_map(|(pid, list)| list.iter().find(|s| s.id == source_id).map(|s| (pid.clone(), s.clone())))
            .map(|(pid, s)| (pid, self.with_state(s, true)))
            .ok_or_else(|| Error::UnknownSource(source_id.into()))
    }

    /// A source as config.toml has it now.
    #[cfg(any(test, feature = "internals"))]
    pub fn source(&self, source_id: &str) -> Option<Source> {
        self.find(source_id).ok().map(|(_, s)| s)
    }

    /// A source as this process last read or wrote it: no file read, for the
    /// request path (every poster asks).
    pub fn current(&self, source_id: &str) -> Result<Source> {
        self.config
            .read(|c| c.all_sources().find(|s| s.id == source_id).cloned())
            .map(|s| self.with_state(s, false))
            .ok_or_else(|| Error::UnknownSource(source_id.into()))
    }

    /// Every cached source of every account, re-read (reel-cli may have changed them).
    pub fn all(&self) -> Vec<Source> {
        let sources: Vec<Source> = self.config.reload().all_sources().cloned().collect();
        sources.into_iter().map(|s| self.with_state(s, true)).collect()
    }

    /// Every cached source as this process knows them (no file read).
    pub fn all_current(&self) -> Vec<Source> {
        let sources: Vec<Source> = self.config.read(|c| c.all_sources().cloned().collect());
        sources.into_iter().map(|s| self.with_state(s, false)).collect()
    }

    /// An account's sources as cached, instantly, no network.
    pub fn of_provider(&self, provider_id: &str) -> Vec<Source> {
        let sources = self.config.read(|c| c.runtime.cached_sources.get(provider_id).cloned().unwrap_or_default());
        sources.into_iter().map(|s| self.with_state(s, false)).collect()
    }

    pub fn pinned(&self, source_id: &str) -> Option<String> {
        self.config.read(|c| c.runtime.pinned_connections.get(source_id).cloned())
    }

    pub fn history(&self, source_id: &str) -> ServerHistory {
        self.state.history(source_id)
    }

    fn record(&self, source_id: &str, records: &[ProbeRecord]) {
        let mut h = self.state.history(source_id);
        record_selection(&mut h, records);
        if let Err(e) = self.state.set_history(source_id, &h) {
            warn!("cannot keep connection history: {e}");
        }
    }

    /// Writes the chosen URL to the settings, only when it changed.
    fn choose(&self, pid: &str, source_id: &str, url: &str) -> Result<()> {
        let unchanged = self.config.read(|c| {
            c.all_sources().any(|s| s.id == source_id && s.connection_info.primary_url.as_deref() == Some(url))
        });
        if unchanged {
            return Ok(());
        }
        self.config.update(|c| {
            if let Some(s) =
                c.runtime.cached_sources.get_mut(pid).and_then(|l| l.iter_mut().find(|s| s.id == source_id))
            {
                s.connection_info.primary_url = Some(url.to_string());
            }
        })
    }

    /// Moves a source to `url`, one of its own candidates, which `verified`
    /// (a probe moments ago) found answering as the server.
    pub fn switch(&self, source_id: &str, url: &str, verified: &ProbeRecord) -> Result<Source> {
        let (pid, source) = self.find(source_id)?;
        let url = url.trim_end_matches('/');
        if !is_candidate(&source.connection_info.connections, url) || verified.uri != url {
            return Err(Error::NotACandidate { server: source.name, url: url.into() });
        }
        self.choose(&pid, source_id, url)?;
        let mut st = ConnectionState::of(&source.connection_info);
        st.is_online = true;
        st.last_check = Some(Utc::now());
        st.reason = Some(crate::models::Reason::StandbyTookOver {
            class: verified.class,
            latency_ms: verified.latency_ms.unwrap_or(0.0),
        });
        match st.probes.iter_mut().find(|p| p.uri == url) {
            Some(p) => *p = verified.clone(),
            None => st.probes.push(verified.clone()),
        }
        for p in &mut st.probes {
            p.chosen = p.uri == url;
        }
        self.set_state(source_id, st)?;
        info!(source = %source_id, url = %url, "source URL updated");
        self.current(source_id)
    }

    /// Pins one of a source's connections (tried first from now on), or `None` for automatic.
    pub fn pin(&self, source_id: &str, url: Option<&str>) -> Result<()> {
        let (_, source) = self.find(source_id)?;
        if let Some(u) = url {
            if !is_candidate(&source.connection_info.connections, u) {
                return Err(Error::NotACandidate { server: source.name, url: u.into() });
            }
        }
        self.config.update(|c| match url {
            Some(u) => {
                c.runtime.pinned_connections.insert(source_id.into(), u.into());
            }
            None => {
                c.runtime.pinned_connections.remove(source_id);
            }
        })
    }

    /// Keeps what probes found out about connections (history, and which
    /// addresses answered as the server), without choosing anything.
    pub fn remember_probes(&self, source_id: &str, records: &[ProbeRecord]) {
        self.note_verified(source_id, records);
        self.record(source_id, records);
    }

    fn note_verified(&self, source_id: &str, records: &[ProbeRecord]) {
        for r in records {
            match r.outcome {
                ProbeOutcome::Ok => self.verified.confirm(source_id, &r.uri),
                ProbeOutcome::Skipped { .. } => {}
                _ => self.verified.revoke(source_id, &r.uri),
            }
        }
    }

    /// Keeps a selection's result: the chosen URL (if any), online state,
    /// diagnostics. `partial` selections (only better-ranked candidates were
    /// probed) keep the records of the others and never take a source offline.
    pub fn keep_selection(&self, source_id: &str, sel: &Selection, partial: bool) -> Result<Source> {
        self.note_verified(source_id, &sel.records);
        self.record(source_id, &sel.records);
        let (pid, source) = self.find(source_id)?;
        if let Some(url) = &sel.chosen {
            self.choose(&pid, source_id, url)?;
        }
        let mut st = ConnectionState::of(&source.connection_info);
        st.is_online = sel.chosen.is_some() || (partial && st.is_online);
        st.last_check = Some(Utc::now());
        if partial {
            // Keep the diagnostics of the candidates this probe did not cover.
            for r in &sel.records {
                if let Some(old) = st.probes.iter_mut().find(|o| o.uri == r.uri) {
                    *old = r.clone();
                }
            }
            for p in &mut st.probes {
                p.chosen = sel.chosen.as_deref() == Some(p.uri.as_str());
            }
        } else {
            st.probes = sel.records.clone();
        }
        st.reason = Some(sel.reason.clone());
        st.pinned_failed = sel.pinned_failed;
        self.set_state(source_id, st)?;
        self.current(source_id)
    }

    /// Keeps an account's freshly discovered sources (with what a newer Reel
    /// stored alongside, and our own library counts), and their connections'
    /// history; servers that left the account leave the history too.
    pub fn save_discovered(
        &self,
        provider_id: &str,
        sources: &[Source],
        previous: Option<&[Source]>,
        histories: HashMap<String, ServerHistory>,
    ) -> Result<()> {
        for s in sources {
            self.note_verified(s.id.as_str(), &s.connection_info.probes);
            self.set_state(s.id.as_str(), ConnectionState::of(&s.connection_info))?;
        }
        for (id, h) in &histories {
            self.state.set_history(id, h)?;
        }
        for old in previous.unwrap_or_default() {
            if !sources.iter().any(|s| s.id == old.id) {
                self.state.forget_source(old.id.as_str())?;
            }
        }
        let keep: Vec<Source> = sources
            .iter()
            .map(|s| {
                // Preserve what a newer Reel stored alongside, and our own library counts.
                let mut s = settings_only(s);
                if let Some(old) = previous.unwrap_or_default().iter().find(|o| o.id == s.id) {
                    s.extra = old.extra.clone();
                    s.library_count = old.library_count;
                    s.last_sync = old.last_sync;
                    s.enabled = old.enabled;
                }
                s
            })
            .collect();
        self.config.update(|c| {
            c.runtime.cached_sources.insert(provider_id.to_string(), keep);
            c.runtime.sources_last_fetched.insert(provider_id.to_string(), Utc::now());
        })
    }

    /// Forgets an account's sources, pins and connection history; returns the sources it had.
    pub fn forget_provider(&self, provider_id: &str) -> Result<Vec<Source>> {
        let sources = self.config.reload().runtime.cached_sources.get(provider_id).cloned().unwrap_or_default();
        self.config.update(|c| {
            c.runtime.auth_providers.remove(provider_id);
            c.runtime.cached_sources.remove(provider_id);
            c.runtime.sources_last_fetched.remove(provider_id);
            for s in &sources {
                c.runtime.pinned_connections.remove(s.id.as_str());
            }
        })?;
        self.state.forget_provider(provider_id)?;
        for s in &sources {
            self.state.forget_source(s.id.as_str())?;
            self.states.lock().unwrap_or_else(|p| p.into_inner()).remove(s.id.as_str());
            self.verified.forget(s.id.as_str());
        }
        Ok(sources)
    }
}
