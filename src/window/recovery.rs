//! Accounts of a damaged settings file: offered back once Reel has started
//! afresh (their tokens are still in the keyring), taken back on request.

use super::{App, AppMsg};
use crate::i18n::{gettext, i18n_f};
use relm4::{adw, ComponentSender};

impl App {
    /// Asks the core which accounts of a kept damaged settings file can be
    /// taken back; one toast tells that the settings were damaged (`notice`,
    /// when they were just now) and offers the accounts.
    pub(super) fn look_for_orphans(&self, sender: &ComponentSender<Self>, notice: Option<String>) {
        self.core.ask(
            sender,
            |core| async move {
                let orphans = core.orphaned_accounts().await;
                orphans.into_iter().filter(|o| o.recoverable).map(|o| o.provider.display_name()).collect::<Vec<_>>()
            },
            move |names| AppMsg::OrphansFound { notice, names },
        );
    }

    pub(super) fn offer_recovery(&self, notice: Option<String>, names: &[String]) {
        if names.is_empty() {
            if let Some(n) = notice {
                self.toast(&n);
            }
            return;
        }
        // Short enough to be read in a toast; the whole notice (where the
        // damaged file was kept) is in the log.
        let names = names.join(", ");
        let text = match notice {
            Some(n) => {
                tracing::info!("{n}");
                i18n_f("Reel's settings were damaged and set aside. Sign in again as {}?", &[&names])
            }
            None => i18n_f("Accounts of damaged settings can be signed in again: {}", &[&names]),
        };
        let toast = adw::Toast::new(&text);
        toast.set_button_label(Some(&gettext("Sign In Again")));
        toast.set_action_name(Some(&super::actions::Action::RecoverAccounts.detailed_name()));
        // Stays until answered: it is about the user's accounts.
        toast.set_timeout(0);
        self.ui.toasts.add_toast(toast);
    }

    pub(super) fn recover(&self, sender: &ComponentSender<Self>) {
        self.core.ask(
            sender,
            |core| async move { core.recover_accounts().await },
            |(back, failed)| AppMsg::AccountsRecovered { back, failed },
        );
    }

    pub(super) fn recovered(
        &mut self,
        sender: &ComponentSender<Self>,
        back: Vec<reel_core::models::AuthProvider>,
        failed: Vec<(String, String)>,
    ) {
        for (name, why) in &failed {
            self.toast(&i18n_f("{} could not be signed in again: {}", &[name, why]));
        }
        if back.is_empty() {
            return;
        }
        let names: Vec<String> = back.iter().map(|p| p.display_name()).collect();
        self.toast(&i18n_f("Signed in again: {}", &[&names.join(", ")]));
        self.start(sender, None);
    }
}
