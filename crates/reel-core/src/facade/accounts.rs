//! Accounts: signing in (PIN, token, one server by address) and out, and
//! what older Reels left behind. A token goes in here and never comes out.

use super::Core;
use crate::error::Result;
use crate::ids::{ProviderId, SourceId};
use crate::models::AuthProvider;
use crate::services::auth_manager::recovery::OrphanedAccount;
use crate::services::legacy::{self, MigrationReport};
use crate::token::Token;
use std::time::Duration;
use tracing::warn;

/// What the user needs to link Reel to their account: the code, and the
/// page where they sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PinCode {
    pub code: String,
    pub auth_url: String,
}

/// What signing out does with the account's downloads (the person is asked).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountDownloads {
    /// Deleted with everything else of the account.
    Delete,
    /// Kept on disk, to play again once the account is signed in again.
    Keep,
}

impl Core {
    /// Every account, as this process knows them (no I/O).
    pub fn accounts(&self) -> Vec<AuthProvider> {
        self.auth.config().read(|c| c.runtime.auth_providers.values().cloned().collect())
    }

    /// The whole PIN sign-in: asks plex.tv for a code, hands it to `show`
    /// (to show the user), waits until they sign in in the browser, checks
    /// the token with plex.tv and keeps it in the keyring. Cancel by dropping
    /// the future (aborting its task): nothing is polled after that.
    pub async fn sign_in_with_pin(&self, show: impl FnOnce(PinCode) + Send) -> Result<AuthProvider> {
        let plex = self.auth.plex_auth();
        let pin = plex.create_pin().await?;
        show(PinCode { code: pin.code.clone(), auth_url: pin.auth_url.clone() });
        let token = plex.wait_for_pin(&pin, Duration::from_secs(1)).await?;
        self.auth.add_plex_account(&token).await
    }

    /// Signs in a plex.tv account by its token (reel-cli, scripts).
    pub async fn sign_in_with_token(&self, token: Token) -> Result<AuthProvider> {
        self.auth.add_plex_account(&token).await
    }

    /// Signs in to one server by its address and a token, without plex.tv;
    /// the token only ever goes to that address.
    pub async fn sign_in_to_server(&self, url: &str, token: Token) -> Result<AuthProvider> {
        self.auth.add_server_token(url, &token).await.map(|(p, _)| p)
    }

    /// Forgets an account: its tokens leave the keyring; its entries, pins
    /// and connection history leave the settings; what Reel saved of its
    /// servers (libraries, home, queued changes, posters) leaves the caches.
    /// Nothing on the servers changes. Its downloads go too, or stay, as
    /// `downloads` says.
    pub async fn sign_out(&self, provider_id: &ProviderId, downloads: AccountDownloads) -> Result<()> {
        let sources = self.auth.remove_provider(provider_id.as_str()).await?;
        if downloads == AccountDownloads::Delete {
            self.forget_downloads_of(sources.iter().map(|s| s.id.clone()).collect()).await?;
        }
        // Tokens only a damaged, kept-aside settings file still names go too.
        match self.auth.remove_orphaned_secrets().await {
            Ok(0) => {}
            Ok(n) => tracing::info!("removed {n} keyring entries named only by damaged settings"),
            Err(e) => warn!("old keyring entries stay: {e}"),
        }
        let ids: Vec<String> = sources.iter().map(|s| s.id.to_string()).collect();
        let posters = self.posters.clone();
        self.blocking(move |library| {
            for id in &ids {
                library.forget_source(id)?;
                if let Err(e) = posters.forget_source(id) {
                    warn!(source = %id, "cannot remove saved posters: {e}");
                }
            }
            Ok(())
        })
        .await
    }

    /// The account's downloads, to say before signing out: how many, and
    /// what they take on disk.
    pub async fn account_downloads(&self, provider_id: &ProviderId) -> Result<(usize, u64)> {
        let mine: Vec<SourceId> = self.auth.config().read(|c| {
            c.all_sources().filter(|s| s.auth_provider_id.as_ref() == Some(provider_id)).map(|s| s.id.clone()).collect()
        });
        let all = self.downloads().await?;
        let of_account = all.iter().filter(|d| mine.contains(&d.source_id));
        Ok(of_account.fold((0, 0), |(n, bytes), d| (n + 1, bytes + d.fetched)))
    }

    /// Accounts a damaged settings file (kept aside) still names and that
    /// are not signed in; those whose token is in the keyring can be taken
    /// back with [`recover_accounts`](Self::recover_accounts).
    pub async fn orphaned_accounts(&self) -> Vec<OrphanedAccount> {
        self.auth.orphaned_accounts().await
    }

    /// Signs the accounts of a damaged settings file in again from the
    /// keyring, and finds their servers. Returns those taken back and those
    /// that could not be (name, why).
    pub async fn recover_accounts(&self) -> (Vec<AuthProvider>, Vec<(String, String)>) {
        let (back, failed) = self.auth.recover_accounts().await;
        for p in &back {
            if let Err(e) = self.discover(p.id(), true).await {
                warn!(provider = %p.id(), "recovered, servers not found yet: {e}");
            }
        }
        (back, failed)
    }

    /// True when an older Reel's account waits to be brought over.
    pub fn legacy_pending(&self) -> bool {
        legacy::pending(&self.auth)
    }

    /// Brings accounts of older Reels into today's keyring layout.
    pub async fn migrate_legacy(&self) -> Result<MigrationReport> {
        legacy::migrate(&self.auth).await
    }
}
