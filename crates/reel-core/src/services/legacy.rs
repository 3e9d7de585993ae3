//! Accounts from older Reels, brought into today's keyring layout: tokens
//! under `dev.arsfeld.Reel`/`{backend_id}` or `reel`/`{backend_id}_token`,
//! and a token Reel 0.3 could leave in config.toml (`[backends.plex] auth_token`).

use crate::error::{Error, Result};
use crate::services::auth_manager::AuthManager;
use crate::services::secrets::{LEGACY_SERVICE, SERVICE};
use crate::token::Token;

#[derive(Debug, Default, Clone, PartialEq)]
pub struct MigrationReport {
    pub migrated: Vec<String>,
    /// Backends left for a later try (plex.tv unreachable), with why.
    pub deferred: Vec<(String, Error)>,
    /// Backends dropped: no token anywhere, or plex.tv rejected it.
    pub dropped: Vec<(String, Error)>,
}

/// True when there is something to migrate.
pub fn pending(auth: &AuthManager) -> bool {
    auth.config().read(|c| {
        !c.runtime.legacy_backends.is_empty() || c.backends.get("plex").and_then(|p| p.get("auth_token")).is_some()
    })
}

pub async fn migrate(auth: &AuthManager) -> Result<MigrationReport> {
    let mut report = MigrationReport::default();
    // First get any token out of config.toml: into the keyring, as a legacy backend.
    let config = auth.config().reload();
    let config_token = config
        .backends
        .get("plex")
        .and_then(|p| p.get("auth_token"))
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .map(Token::new);
    if let Some(t) = config_token {
        const ID: &str = "legacy_config_plex";
        auth.secrets().set(ID, &t).await?;
        auth.config().update(|c| {
            if let Some(plex) = c.backends.get_mut("plex").and_then(|p| p.as_table_mut()) {
                plex.remove("auth_token");
            }
            if !c.runtime.legacy_backends.iter().any(|b| b == ID) {
                c.runtime.legacy_backends.push(ID.into());
            }
        })?;
    }
    for backend in auth.config().get().runtime.legacy_backends {
        let found = match auth.secrets().get_from(SERVICE, &backend).await? {
            Some(t) => Some(t),
            None => auth.secrets().get_from(LEGACY_SERVICE, &format!("{backend}_token")).await?,
        };
        let outcome = match &found {
            None => Err((false, Error::NoToken(backend.clone()))),
            Some(t) => match auth.add_plex_account(t).await {
                Ok(p) => Ok(p),
                Err(Error::Unauthorized) => Err((false, Error::Unauthorized)),
                Err(e) => Err((true, e)),
            },
        };
        match outcome {
            Ok(p) => {
                auth.secrets().delete_from(SERVICE, &backend).await?;
                auth.secrets().delete_from(LEGACY_SERVICE, &format!("{backend}_token")).await?;
                report.migrated.push(p.id().to_string());
            }
            Err((true, why)) => {
                report.deferred.push((backend.clone(), why));
                continue;
            }
            Err((false, why)) => report.dropped.push((backend.clone(), why)),
        }
        auth.config().update(|c| c.runtime.legacy_backends.retain(|b| b != &backend))?;
    }
    Ok(report)
}
