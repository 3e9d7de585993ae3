//! Servers and their connections: discovery, the choice of connection and
//! the user's say in it, and the settings that shape them.

use super::Core;
use crate::config::Preferences;
use crate::error::{Error, Result};
use crate::ids::{ProviderId, SourceId};
use crate::models::{AuthProvider, Source};
use crate::services::auth_manager::Discovery;
use crate::services::connections::history::ServerHistory;
use std::collections::BTreeMap;

impl Core {
    /// Every known server of every account, as this process knows them (no I/O).
    pub fn servers(&self) -> Vec<Source> {
        self.auth.store().all_current()
    }

    /// One server as this process knows it (no I/O).
    pub fn server(&self, source_id: &SourceId) -> Option<Source> {
        self.auth.store().current(source_id.as_str()).ok()
    }

    /// An account's servers: saved while fresh, else from plex.tv with every
    /// connection probed, else (network trouble) the saved ones, saying why.
    /// `force` skips the freshness check.
    pub async fn discover(&self, provider_id: &ProviderId, force: bool) -> Result<Discovery> {
        self.auth.discover(provider_id.as_str(), force).await
    }

    /// [`discover`](Self::discover) for every account.
    pub async fn discover_all(&self, force: bool) -> Vec<(AuthProvider, Result<Discovery>)> {
        let mut out = Vec::new();
        for p in self.auth.providers().await {
            let r = self.auth.discover(p.id().as_str(), force).await;
            out.push((p, r));
        }
        out
    }

    /// Every connection a server may be reached by: plex.tv's, then Reel's
    /// own raw-address fallbacks.
    pub fn candidates(source: &Source) -> Vec<crate::models::Connection> {
        crate::services::connections::rank::candidates(&source.connection_info.connections)
    }

    /// The connection the user pinned for a server, if any.
    pub fn pinned(&self, source_id: &SourceId) -> Option<String> {
        self.auth.store().pinned(source_id.as_str())
    }

    /// How each of a server's connections has done lately.
    pub fn connection_history(&self, source_id: &SourceId) -> ServerHistory {
        self.auth.store().history(source_id.as_str())
    }

    /// Pins one of a server's own connections (tried first from now on), or
    /// `None` for automatic, then chooses again.
    pub async fn pin(&self, source_id: &SourceId, url: Option<&str>) -> Result<Source> {
        self.auth.store().pin(source_id.as_str(), url)?;
        self.auth.prober().reselect(source_id.as_str()).await
    }

    /// Probes a server's connections again and keeps the best.
    pub async fn reselect(&self, source_id: &SourceId) -> Result<Source> {
        self.auth.prober().reselect(source_id.as_str()).await
    }

    /// Call when the system's network changes: better connections are
    /// re-probed at once and server lists go stale sooner.
    pub fn network_changed(&self) {
        self.connections.network_changed();
    }

    pub fn preferences(&self) -> Preferences {
        self.auth.config().read(|c| c.preferences.clone())
    }

    /// Changes the user's preferences (written to config.toml off the caller's thread).
    pub async fn set_preferences(&self, f: impl FnOnce(&mut Preferences) + Send + 'static) -> Result<()> {
        let config = self.auth.config().clone();
        tokio::task::spawn_blocking(move || config.update(|c| f(&mut c.preferences)))
            .await
            .map_err(|e| Error::Internal(format!("a background task failed: {e}")))?
    }

    /// Which libraries the user hid (by `{source}:{section}` id); unlisted ones show.
    pub fn library_visibility(&self) -> BTreeMap<String, bool> {
        self.auth.config().read(|c| c.runtime.library_visibility.clone())
    }

    pub async fn set_library_visible(&self, library_id: String, visible: bool) -> Result<()> {
        let config = self.auth.config().clone();
        tokio::task::spawn_blocking(move || {
            config.update(|c| {
                // Visible is the default: only hidden libraries are written down.
                if visible {
                    c.runtime.library_visibility.remove(&library_id);
                } else {
                    c.runtime.library_visibility.insert(library_id, false);
                }
            })
        })
        .await
        .map_err(|e| Error::Internal(format!("a background task failed: {e}")))?
    }
}
