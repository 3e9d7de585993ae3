//! The servers Reel knows: every account's cached sources in config.toml
//! (what reel-cli shares), the user's pinned connections, and which address
//! of each server has answered `/identity` as that server in this session.
//! Every selection's outcome is kept through here, so the "verified" record
//! cannot miss one.

pub mod build;
pub mod lifetime;

use crate::config::ConfigStore;
use crate::error::{Error, Result};
use crate::models::{ProbeOutcome, ProbeRecord, Source};
use crate::services::connections::history::{record_selection, ServerHistory};
use crate::services::connections::rank::is_candidate;
use crate::services::connections::select::Selection;
use crate::services::connections::verified::Verified;
use chrono::Utc;
use std::collections::HashMap;
use std::sync::Arc;
use tracing::{info, warn};

pub struct SourceStore {
    config: Arc<ConfigStore>,
    verified: Verified,
}

impl SourceStore {
    pub fn new(config: Arc<ConfigStore>) -> Self {
        Self { config, verified: Verified::default() }
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
            .ok_or_else(|| Error::UnknownSource(source_id.into()))
    }

    /// A source as config.toml has it now.
    pub fn source(&self, source_id: &str) -> Option<Source> {
        self.find(source_id).ok().map(|(_, s)| s)
    }

    /// A source as this process last read or wrote it: no file read, for the
    /// request path (every poster asks).
    pub fn current(&self, source_id: &str) -> Result<Source> {
        self.config
            .read(|c| c.all_sources().find(|s| s.id == source_id).cloned())
            .ok_or_else(|| Error::UnknownSource(source_id.into()))
    }

    /// Every cached source of every account.
    pub fn all(&self) -> Vec<Source> {
        self.config.reload().all_sources().cloned().collect()
    }

    /// An account's sources as cached, instantly, no network.
    pub fn of_provider(&self, provider_id: &str) -> Vec<Source> {
        self.config.read(|c| c.runtime.cached_sources.get(provider_id).cloned().unwrap_or_default())
    }

    pub fn pinned(&self, source_id: &str) -> Option<String> {
        self.config.read(|c| c.runtime.pinned_connections.get(source_id).cloned())
    }

    pub fn history(&self, source_id: &str) -> ServerHistory {
        self.config.read(|c| c.runtime.connection_history.get(source_id).cloned().unwrap_or_default())
    }

    /// Moves a source to `url`, one of its own candidates, which `verified`
    /// (a probe moments ago) found answering as the server.
    pub fn switch(&self, source_id: &str, url: &str, verified: &ProbeRecord) -> Result<Source> {
        let (pid, source) = self.find(source_id)?;
        let url = url.trim_end_matches('/');
        if !is_candidate(&source.connection_info.connections, url) || verified.uri != url {
            return Err(Error::NotACandidate { server: source.name, url: url.into() });
        }
        let updated = self.config.update(|c| {
            let s = c.runtime.cached_sources.get_mut(&pid)?.iter_mut().find(|s| s.id == source_id)?;
            let ci = &mut s.connection_info;
            ci.primary_url = Some(url.to_string());
            ci.is_online = true;
            ci.last_check = Some(Utc::now());
            ci.reason = Some(crate::models::Reason::StandbyTookOver {
                class: verified.class,
                latency_ms: verified.latency_ms.unwrap_or(0.0),
            });
            match ci.probes.iter_mut().find(|p| p.uri == url) {
                Some(p) => *p = verified.clone(),
                None => ci.probes.push(verified.clone()),
            }
            for p in &mut ci.probes {
                p.chosen = p.uri == url;
            }
            Some(s.clone())
        })?;
        info!(source = %source_id, url = %url, "source URL updated");
        updated.ok_or_else(|| Error::UnknownSource(source_id.into()))
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
        let r = self.config.update(|c| {
            record_selection(c.runtime.connection_history.entry(source_id.to_string()).or_default(), records)
        });
        if let Err(e) = r {
            warn!("cannot keep connection history: {e}");
        }
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
        let (pid, _) = self.find(source_id)?;
        let updated = self.config.update(|c| {
            record_selection(c.runtime.connection_history.entry(source_id.to_string()).or_default(), &sel.records);
            let s = c.runtime.cached_sources.get_mut(&pid)?.iter_mut().find(|s| s.id == source_id)?;
            if let Some(url) = &sel.chosen {
                s.connection_info.primary_url = Some(url.clone());
            }
            s.connection_info.is_online = sel.chosen.is_some() || (partial && s.connection_info.is_online);
            s.connection_info.last_check = Some(Utc::now());
            if partial {
                // Keep the diagnostics of the candidates this probe did not cover.
                for r in &sel.records {
                    if let Some(old) = s.connection_info.probes.iter_mut().find(|o| o.uri == r.uri) {
                        *old = r.clone();
                    }
                }
                for p in &mut s.connection_info.probes {
                    p.chosen = sel.chosen.as_deref() == Some(p.uri.as_str());
                }
            } else {
                s.connection_info.probes = sel.records.clone();
            }
            s.connection_info.reason = Some(sel.reason.clone());
            s.connection_info.pinned_failed = sel.pinned_failed;
            Some(s.clone())
        })?;
        updated.ok_or_else(|| Error::UnknownSource(source_id.into()))
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
            self.note_verified(&s.id, &s.connection_info.probes);
        }
        let keep: Vec<Source> = sources
            .iter()
            .map(|s| {
                let mut s = s.clone();
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
            for old in previous.unwrap_or_default() {
                if !sources.iter().any(|s| s.id == old.id) {
                    c.runtime.connection_history.remove(&old.id);
                }
            }
            c.runtime.connection_history.extend(histories);
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
            c.runtime.sources_ttl_current.remove(provider_id);
            for s in &sources {
                c.runtime.pinned_connections.remove(&s.id);
                c.runtime.connection_history.remove(&s.id);
            }
        })?;
        for s in &sources {
            self.verified.forget(&s.id);
        }
        Ok(sources)
    }
}
