//! Secrets live only in the system keyring (Secret Service): service
//! `dev.arsfeld.Reel`, account `{provider_id}_{field}`. Nothing here ever falls
//! back to a file: no keyring means a clear error and no stored secret.

use crate::error::{Error, Result};
use crate::token::Token;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const SERVICE: &str = "dev.arsfeld.Reel";
/// Where Reel before 0.3 kept tokens, for migration.
pub const LEGACY_SERVICE: &str = "reel";

#[derive(Debug, Clone)]
pub struct SecretStore {
    service: String,
    /// Secrets this process already read or wrote: a keyring lookup is a
    /// D-Bus round trip, too slow for every request to a server. Only found
    /// secrets are kept, so one another process adds is still seen.
    known: Arc<Mutex<HashMap<String, Token>>>,
}

impl Default for SecretStore {
    fn default() -> Self {
        Self::new()
    }
}

fn map_err(e: keyring::Error) -> Error {
    match e {
        keyring::Error::NoStorageAccess(inner) => Error::KeyringUnavailable(inner.to_string()),
        keyring::Error::PlatformFailure(inner) => Error::KeyringUnavailable(inner.to_string()),
        other => Error::Keyring(other.to_string()),
    }
}

impl SecretStore {
    pub fn new() -> Self {
        Self { service: SERVICE.into(), known: Arc::default() }
    }

    pub fn key(provider_id: &str, field: &str) -> String {
        format!("{provider_id}_{field}")
    }

    /// The keyring crate blocks on D-Bus, so its calls run on the blocking pool.
    async fn run<T: Send + 'static>(
        service: String,
        account: String,
        f: impl FnOnce(keyring::Entry) -> keyring::Result<T> + Send + 'static,
    ) -> Result<T> {
        tokio::task::spawn_blocking(move || {
            let entry = keyring::Entry::new(&service, &account).map_err(map_err)?;
            f(entry).map_err(map_err)
        })
        .await
        .map_err(|e| Error::Keyring(format!("keyring task failed: {e}")))?
    }

    pub async fn get_in(service: &str, account: &str) -> Result<Option<Token>> {
        let r = Self::run(service.into(), account.into(), |e| match e.get_password() {
            Ok(p) => Ok(Some(p)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e),
        })
        .await?;
        Ok(r.map(Token::new))
    }

    fn known(&self) -> std::sync::MutexGuard<'_, HashMap<String, Token>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub async fn get(&self, account: &str) -> Result<Option<Token>> {
        if let Some(t) = self.known().get(account) {
            return Ok(Some(t.clone()));
        }
        let found = Self::get_in(&self.service, account).await?;
        if let Some(t) = &found {
            self.known().insert(account.to_string(), t.clone());
        }
        Ok(found)
    }

    pub async fn set(&self, account: &str, secret: &Token) -> Result<()> {
        let s = secret.expose().to_string();
        self.known().remove(account);
        Self::run(self.service.clone(), account.into(), move |e| e.set_password(&s)).await?;
        self.known().insert(account.to_string(), secret.clone());
        Ok(())
    }

    pub async fn delete_in(service: &str, account: &str) -> Result<()> {
        Self::run(service.into(), account.into(), |e| match e.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e),
        })
        .await
    }

    pub async fn delete(&self, account: &str) -> Result<()> {
        self.known().remove(account);
        Self::delete_in(&self.service, account).await
    }
}
