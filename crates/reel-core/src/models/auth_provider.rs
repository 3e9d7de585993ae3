use crate::ids::ProviderId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Who Reel signs in as. Tokens never live here: they are in the keyring under
/// `{id}_token`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "type")]
pub enum AuthProvider {
    /// A plex.tv account, which can see many servers.
    PlexAccount {
        id: ProviderId,
        username: String,
        email: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refresh_token: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token_expiry: Option<DateTime<Utc>>,
    },
    /// One server reached by URL and token, for people without plex.tv access.
    PlexServerToken { id: ProviderId, name: String, url: String },
}

impl AuthProvider {
    pub fn id(&self) -> &ProviderId {
        match self {
            Self::PlexAccount { id, .. } | Self::PlexServerToken { id, .. } => id,
        }
    }

    pub fn display_name(&self) -> String {
        match self {
            Self::PlexAccount { username, .. } => username.clone(),
            Self::PlexServerToken { name, .. } => name.clone(),
        }
    }

    pub fn provider_type(&self) -> &'static str {
        match self {
            Self::PlexAccount { .. } => "plex",
            Self::PlexServerToken { .. } => "plex-server",
        }
    }
}
