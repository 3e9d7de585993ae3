//! Accounts of a damaged settings file. `config.toml` found damaged is kept
//! aside (`config.toml.corrupt-*`) and Reel starts afresh, but the accounts'
//! tokens are still in the keyring. Whatever of the kept copy still parses,
//! table by table, names them: they can be signed in again from the keyring
//! (nothing typed), and on the next sign-out the tokens of those not taken
//! back are removed, so none stays in the keyring for nothing.

use super::{token_key, AuthManager};
use crate::error::Result;
use crate::models::AuthProvider;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tracing::{info, warn};

/// An account named in a kept damaged settings file and not signed in now.
#[derive(Debug, Clone)]
pub struct OrphanedAccount {
    pub provider: AuthProvider,
    /// Its servers' ids (their own tokens may be in the keyring too).
    pub source_ids: Vec<String>,
    /// Its token is still in the keyring: it can be taken back as it was.
    pub recoverable: bool,
}

/// The kept copies of damaged settings beside `config`, oldest first.
fn kept_copies(config: &Path) -> Vec<PathBuf> {
    let (Some(dir), Some(name)) = (config.parent(), config.file_name()) else { return Vec::new() };
    let prefix = format!("{}.corrupt-", name.to_string_lossy());
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    v.sort();
    v
}

/// The text's tables, each parsed on its own: a damaged line spoils its
/// table only. Header (without brackets) → that table's body.
fn tables(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') && t.ends_with(']') {
            out.push((t.trim_matches(|c| c == '[' || c == ']').trim().to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out
}

/// What still parses of one kept copy: accounts, and the ids of their servers.
pub fn accounts_in(text: &str) -> BTreeMap<String, (AuthProvider, Vec<String>)> {
    let mut found: BTreeMap<String, (AuthProvider, Vec<String>)> = BTreeMap::new();
    let mut sources: Vec<(String, String)> = Vec::new();
    for (header, body) in tables(text) {
        if let Some(id) = header.strip_prefix("runtime.auth_providers.") {
            if let Ok(p) = toml::from_str::<AuthProvider>(&body) {
                // The table's own name and the id inside agree, or it is not trusted.
                if p.id().as_str() == id.trim_matches('"') {
                    found.insert(p.id().to_string(), (p, Vec::new()));
                }
            }
        } else if let Some(pid) = header.strip_prefix("runtime.cached_sources.") {
            let id = toml::from_str::<toml::Table>(&body)
                .ok()
                .and_then(|t| t.get("id").and_then(|v| v.as_str()).map(str::to_string));
            if let Some(id) = id {
                sources.push((pid.trim_matches('"').to_string(), id));
            }
        }
    }
    for (pid, sid) in sources {
        if let Some((_, ids)) = found.get_mut(&pid) {
            ids.push(sid);
        }
    }
    found
}

impl AuthManager {
    /// Accounts named in kept damaged settings files that are not signed in.
    pub async fn orphaned_accounts(&self) -> Vec<OrphanedAccount> {
        let current = self.providers.read().await.keys().cloned().collect::<std::collections::HashSet<_>>();
        let mut all: BTreeMap<String, (AuthProvider, Vec<String>)> = BTreeMap::new();
        for copy in kept_copies(self.config().path()) {
            if let Ok(text) = std::fs::read(&copy).map(|b| String::from_utf8_lossy(&b).into_owned()) {
                all.extend(accounts_in(&text));
            }
        }
        let mut out = Vec::new();
        for (id, (provider, source_ids)) in all.into_iter().filter(|(id, _)| !current.contains(id)) {
            let recoverable = match self.secrets.get(&token_key(&id)).await {
                Ok(found) => found.is_some(),
                Err(e) => {
                    warn!(provider = %id, "cannot read the keyring: {e}");
                    false
                }
            };
            out.push(OrphanedAccount { provider, source_ids, recoverable });
        }
        tracing::debug!(found = out.len(), "accounts named only by damaged settings");
        out
    }

    /// Signs the recoverable orphaned accounts in again with their tokens
    /// from the keyring (checked as at any sign-in). Returns those taken
    /// back and those that could not be, with why.
    pub async fn recover_accounts(&self) -> (Vec<AuthProvider>, Vec<(String, String)>) {
        let (mut back, mut failed) = (Vec::new(), Vec::new());
        for o in self.orphaned_accounts().await.into_iter().filter(|o| o.recoverable) {
            let id = o.provider.id().to_string();
            let token = match self.secrets.get(&token_key(&id)).await {
                Ok(Some(t)) => t,
                _ => continue,
            };
            let result = match &o.provider {
                AuthProvider::PlexAccount { .. } => self.add_plex_account(&token).await,
                AuthProvider::PlexServerToken { url, .. } => self.add_server_token(url, &token).await.map(|(p, _)| p),
            };
            match result {
                Ok(p) => {
                    info!(provider = %p.id(), "account recovered from the damaged settings' copy");
                    back.push(p)
                }
                Err(e) => failed.push((o.provider.display_name(), e.to_string())),
            }
        }
        (back, failed)
    }

    /// Removes the keyring tokens of accounts (and their servers) that only
    /// kept damaged settings name: nothing will use them.
    pub async fn remove_orphaned_secrets(&self) -> Result<usize> {
        let mut removed = 0;
        for o in self.orphaned_accounts().await {
            for key in std::iter::once(o.provider.id().to_string()).chain(o.source_ids) {
                match self.secrets.get(&token_key(&key)).await {
                    Ok(Some(_)) => {
                        self.secrets.delete(&token_key(&key)).await?;
                        removed += 1;
                    }
                    Ok(None) => {}
                    Err(e) => warn!(account = %key, "cannot read the keyring: {e}"),
                }
            }
        }
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_parses_of_a_damaged_copy_names_its_accounts() {
        let text = r#"
[runtime]
client_identifier = "abc
broken line = = here

[runtime.auth_providers.plex_u1]
type = "PlexAccount"
id = "plex_u1"
username = "alice"
email = "a@example.com"

[runtime.auth_providers.server_m2]
type = "PlexServerToken"
id = "server_m2"
name = "Den"
url = "http://127.0.0.1:32400"

[runtime.auth_providers.plex_bad]
type = "PlexAccount"
id = "plex_other"
username = "mallory"
email = ""

[[runtime.cached_sources.plex_u1]]
id = "source_1"
name = "Basement"
"#;
        let found = accounts_in(text);
        assert_eq!(found.keys().collect::<Vec<_>>(), ["plex_u1", "server_m2"], "a table whose id disagrees is dropped");
        assert_eq!(found["plex_u1"].1, ["source_1"]);
        assert!(
            matches!(&found["server_m2"].0, AuthProvider::PlexServerToken { url, .. } if url == "http://127.0.0.1:32400")
        );
    }
}
