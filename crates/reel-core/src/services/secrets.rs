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
    backend: Backend,
    /// Secrets this process already read or wrote: a keyring lookup is a
    /// D-Bus round trip, too slow for every request to a server. Only found
    /// secrets are kept, so one another process adds is still seen.
    known: Arc<Mutex<HashMap<String, Token>>>,
}

/// Where secrets go.
#[derive(Debug, Clone)]
enum Backend {
    /// The system keyring (Secret Service): the only place Reel itself uses.
    Keyring,
    /// This process's memory, gone when it ends: for tests that are not
    /// about the keyring, so they need no Secret Service and can run side by
    /// side. Nothing in Reel chooses it; only code that builds its own core does.
    Memory(Arc<Mutex<HashMap<(String, String), Token>>>),
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
        Self { service: SERVICE.into(), backend: Backend::Keyring, known: Arc::default() }
    }

    /// Secrets kept only in this process's memory (see [`Backend::Memory`]).
    pub fn in_memory() -> Self {
        Self { service: SERVICE.into(), backend: Backend::Memory(Arc::default()), known: Arc::default() }
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

    fn memory(&self) -> Option<std::sync::MutexGuard<'_, HashMap<(String, String), Token>>> {
        match &self.backend {
            Backend::Keyring => None,
            Backend::Memory(m) => Some(m.lock().unwrap_or_else(|p| p.into_inner())),
        }
    }

    /// A secret under another service (where older Reels kept tokens).
    pub async fn get_from(&self, service: &str, account: &str) -> Result<Option<Token>> {
        if let Some(m) = self.memory() {
            return Ok(m.get(&(service.to_string(), account.to_string())).cloned());
        }
        Self::get_in(service, account).await
    }

    pub async fn delete_from(&self, service: &str, account: &str) -> Result<()> {
        if let Some(mut m) = self.memory() {
            m.remove(&(service.to_string(), account.to_string()));
            return Ok(());
        }
        Self::delete_in(service, account).await
    }

    /// Stores a secret under another service (tests of the migration from older Reels).
    pub async fn set_in(&self, service: &str, account: &str, secret: &Token) -> Result<()> {
        if let Some(mut m) = self.memory() {
            m.insert((service.to_string(), account.to_string()), secret.clone());
            return Ok(());
        }
        let s = secret.expose().to_string();
        Self::run(service.into(), account.into(), move |e| e.set_password(&s)).await
    }

    pub async fn get(&self, account: &str) -> Result<Option<Token>> {
        if let Some(t) = self.known().get(account) {
            return Ok(Some(t.clone()));
        }
        let found = self.get_from(&self.service, account).await?;
        if let Some(t) = &found {
            self.known().insert(account.to_string(), t.clone());
        }
        Ok(found)
    }

    pub async fn set(&self, account: &str, secret: &Token) -> Result<()> {
        self.known().remove(account);
        self.set_in(&self.service, account, secret).await?;
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
        self.delete_from(&self.service, account).await
    }
}
