use super::connection::{Connection, ProbeRecord, Reason};
use crate::ids::{ProviderId, SourceId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A server Reel can browse.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Source {
    pub id: SourceId,
    pub name: String,
    pub source_type: SourceType,
    pub auth_provider_id: Option<ProviderId>,
    pub connection_info: ConnectionInfo,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub last_sync: Option<DateTime<Utc>>,
    #[serde(default)]
    pub library_count: usize,
    /// Fields a newer Reel wrote that this one does not know: kept, not dropped.
    #[serde(flatten, default)]
    pub extra: toml::Table,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub enum SourceType {
    PlexServer { machine_id: String, owned: bool },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ConnectionInfo {
    /// The URL in use: the live choice, or the static order's first when nothing could be probed.
    pub primary_url: Option<String>,
    #[serde(default)]
    pub is_online: bool,
    #[serde(default)]
    pub last_check: Option<DateTime<Utc>>,
    /// Every connection plex.tv listed for the server.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub connections: Vec<Connection>,
    /// The last selection, candidate by candidate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<ProbeRecord>,
    /// Why `primary_url` was chosen.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "super::connection::lenient_reason")]
    pub reason: Option<Reason>,
    /// The server demands https (plex.tv's `httpsRequired`).
    #[serde(default)]
    pub https_required: bool,
    /// The user pinned a connection and it did not answer; the choice is automatic until it does.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub pinned_failed: bool,
    #[serde(flatten, default)]
    pub extra: toml::Table,
}

impl Source {
    pub fn machine_id(&self) -> &str {
        match &self.source_type {
            SourceType::PlexServer { machine_id, .. } => machine_id,
        }
    }
    pub fn owned(&self) -> bool {
        match &self.source_type {
            SourceType::PlexServer { owned, .. } => *owned,
        }
    }
}
