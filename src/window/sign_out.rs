//! Signing out: the window asks first (which account, when there are
//! several, and whether its downloads go too), then the core forgets the
//! account everywhere at once: keyring, settings and everything saved of
//! its servers.

use super::{App, AppMsg};
use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use reel_core::models::AuthProvider;
use reel_core::AccountDownloads;
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentSender};

/// The dialog's answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Response {
    Cancel,
    /// Sign out of the account at this place in the list.
    SignOut(usize),
}

impl Response {
    pub fn id(self) -> String {
        match self {
            Response::Cancel => "cancel".into(),
            Response::SignOut(i) => format!("sign-out-{i}"),
        }
    }

    pub fn parse(id: &str) -> Option<Response> {
        match id {
            "cancel" => Some(Response::Cancel),
            _ => id.strip_prefix("sign-out-")?.parse().ok().map(Response::SignOut),
        }
    }
}

/// Reads what each account has downloaded, then asks ([`confirm`]).
pub fn look(core: &CoreHandle, sender: &ComponentSender<App>) {
    let providers: Vec<AuthProvider> = core.accounts();
    let s = sender.clone();
    core.run(
        |core| async move {
            let mut out = Vec::new();
            for p in &providers {
                // Unknown counts as none: signing out still works.
                out.push(core.account_downloads(p.id()).await.unwrap_or_default());
            }
            out
        },
        move |downloads| s.input(AppMsg::AskSignOut(downloads)),
    );
}

/// Asks before forgetting an account; with several, which one; with
/// downloads, whether they go too (they do unless the person says keep).
pub fn confirm(
    window: &adw::ApplicationWindow,
    core: &CoreHandle,
    sender: &ComponentSender<App>,
    downloads: &[(usize, u64)],
) {
    let providers: Vec<AuthProvider> = core.accounts();
    let (heading, body) = match providers.as_slice() {
        [] => return,
        [one] => (
            i18n_f("Sign out of {}?", &[&one.display_name()]),
            gettext("Reel will forget this account, its servers and what it saved of their libraries. Nothing on the servers changes."),
        ),
        _ => (
            gettext("Sign out of which account?"),
            gettext("Reel will forget that account, its servers and what it saved of their libraries. Nothing on the servers changes."),
        ),
    };
    let dialog = adw::MessageDialog::new(Some(window), Some(&heading), Some(&body));
    // Only asked when there is something to delete.
    let delete = match (providers.len(), downloads) {
        (1, [(n, bytes)]) if *n > 0 => Some(crate::i18n::ni18n_f(
            "Delete its {} download ({})",
            "Delete its {} downloads ({})",
            *n as u64,
            &[&reel_words::size(*bytes)],
        )),
        (_, all) if all.iter().any(|(n, _)| *n > 0) => Some(gettext("Delete that account's downloads")),
        _ => None,
    }
    .map(|label| gtk::CheckButton::builder().label(label).active(true).build());
    if let Some(check) = &delete {
        dialog.set_extra_child(Some(check));
    }
    dialog.add_response(&Response::Cancel.id(), &gettext("Cancel"));
    for (i, p) in providers.iter().enumerate() {
        let label =
            if providers.len() == 1 { gettext("Sign Out") } else { i18n_f("Sign Out {}", &[&p.display_name()]) };
        let id = Response::SignOut(i).id();
        dialog.add_response(&id, &label);
        dialog.set_response_appearance(&id, adw::ResponseAppearance::Destructive);
    }
    dialog.set_default_response(Some(&Response::Cancel.id()));
    dialog.set_close_response(&Response::Cancel.id());
    let (core, s) = (core.clone(), sender.clone());
    dialog.connect_response(None, move |_, response| {
        let Some(Response::SignOut(i)) = Response::parse(response) else { return };
        let Some(provider) = providers.get(i) else { return };
        let (id, s) = (provider.id().clone(), s.clone());
        let downloads = match &delete {
            Some(check) if !check.is_active() => AccountDownloads::Keep,
            _ => AccountDownloads::Delete,
        };
        core.ask(
            &s,
            move |core| async move { core.sign_out(&id, downloads).await.map(|()| id).map_err(Failure::from) },
            AppMsg::SignedOut,
        );
    });
    dialog.present();
}

#[cfg(test)]
mod tests {
    use super::Response;

    #[test]
    fn responses_read_back() {
        for r in [Response::Cancel, Response::SignOut(0), Response::SignOut(12)] {
            assert_eq!(Response::parse(&r.id()), Some(r));
        }
        assert_eq!(Response::parse("sign-out-x"), None);
        assert_eq!(Response::parse("other"), None);
    }
}
