//! Reaching the servers: saved servers and libraries at once, then each
//! account's servers discovered and each server asked in the background;
//! what the connection manager reports (failover, lost, back) in toasts, the
//! sidebar and the offline banner.

use super::navigation::{Nav, TopPage};
use super::servers::Reachability;
use super::{App, AppMsg};
use crate::i18n::i18n_f;
use crate::pages::library::LibraryMsg;
use crate::pages::server::ServerMsg;
use crate::runtime::Failure;
use crate::widgets::sidebar::SidebarMsg;
use chrono::{DateTime, Local};
use reel_core::models::Source;
use reel_core::{ConnectionEvent, Discovery, Origin, SwitchCause};
use reel_core::{ProviderId, SourceId};
use reel_words::{self as words, class_name};
use relm4::{ComponentController, ComponentSender};

impl App {
    /// Saved servers and libraries at once; then a refresh in the background.
    /// `place`: where to start (the library shown in the first frame), else Home.
    pub(super) fn start(&mut self, sender: &ComponentSender<Self>, place: Option<Nav>) {
        let accounts = self.core.accounts();
        if accounts.is_empty() {
            self.show_top(TopPage::Welcome);
            return;
        }
        self.show_top(TopPage::Browse);
        let s = sender.clone();
        self.core.run(
            |core| async move {
                match core.legacy_pending() {
                    true => core.migrate_legacy().await.ok(),
                    false => None,
                }
            },
            move |report| {
                for (b, why) in report.iter().flat_map(|r| r.deferred.iter().chain(&r.dropped)) {
                    s.input(AppMsg::Toast(i18n_f(
                        "Could not bring over the old account {}: {}",
                        &[b, &words::error(why)],
                    )));
                }
            },
        );
        for source in self.core.servers() {
            self.add_server(sender, source);
        }
        self.show_sidebar();
        if self.history.is_empty() {
            self.open(place.unwrap_or(Nav::Home));
        }
        for p in accounts {
            self.discover(sender, p.id().clone(), false);
        }
    }

    pub(super) fn discover(&self, sender: &ComponentSender<Self>, provider_id: ProviderId, force: bool) {
        let id = provider_id.clone();
        self.core.ask(
            sender,
            |core| async move { core.discover(&id, force).await.map_err(Failure::from) },
            move |result| AppMsg::Discovered { provider_id, result },
        );
    }

    pub(super) fn discovered(
        &mut self,
        sender: &ComponentSender<Self>,
        provider_id: &reel_core::ProviderId,
        result: Result<Discovery, Failure>,
    ) {
        match result {
            Ok(d) => {
                match &d.origin {
                    // The banner says it, for as long as it lasts.
                    Origin::StaleCache { error } if error.is_missing_secret() => {
                        self.servers.secrets_missing(Some(error.clone()));
                    }
                    Origin::StaleCache { error } => {
                        self.toast(&i18n_f("Showing saved servers: {}", &[&words::error(error)]));
                    }
                    Origin::Fresh => self.servers.secrets_missing(None),
                    Origin::Cache => {}
                }
                self.update_banner();
                let keep: Vec<SourceId> = d.sources.iter().map(|s| s.id.clone()).collect();
                self.servers.retain_of_provider(provider_id, &keep);
                for source in d.sources {
                    self.add_server(sender, source);
                }
                self.show_sidebar();
                if matches!(self.history.current(), Some(Nav::Home)) {
                    self.show(Nav::Home);
                }
            }
            Err(f) => self.toast(&f.message()),
        }
    }

    fn add_server(&mut self, sender: &ComponentSender<Self>, source: Source) {
        self.servers.upsert(source.clone());
        self.check_server(sender, source, false);
    }

    /// Shows a server's saved libraries, then asks the server (re-probing
    /// its connections first when it was offline); the answer also says
    /// whether it is reachable.
    pub(super) fn check_server(&self, sender: &ComponentSender<Self>, source: Source, reprobe: bool) {
        let s = sender.clone();
        self.core.run(
            |core| async move {
                if let Ok(saved) = core.saved_sections(&source.id).await {
                    if !saved.is_empty() {
                        s.input(AppMsg::SavedSections { source_id: source.id.clone(), sections: saved });
                    }
                }
                if let Ok(lists) = core.saved_lists(&source.id).await {
                    s.input(AppMsg::Lists { source_id: source.id.clone(), lists });
                }
                let (now, r) = core.check_server(&source.id, reprobe).await;
                // The request may have moved the server to another connection.
                let source = now.unwrap_or(source);
                let failure = r.as_ref().err().cloned().map(Failure::from);
                let answered = r.is_ok();
                s.input(AppMsg::Reached { source_id: source.id.clone(), result: failure.map_or(Ok(()), Err) });
                s.input(AppMsg::ServerChecked { source: source.clone(), result: r.map_err(Failure::from) });
                // Its lists once its libraries are known (a collection belongs to one).
                if answered {
                    if let Ok(lists) = core.fetch_lists(&source.id).await {
                        s.input(AppMsg::Lists { source_id: source.id.clone(), lists: lists.clone() });
                        // Their entries too, so that every list opens offline.
                        core.sync_list_entries(&source.id, &lists).await;
                    }
                }
            },
            |_| {},
        );
    }

    pub(super) fn connection_event(&mut self, sender: &ComponentSender<Self>, e: ConnectionEvent) {
        match e {
            ConnectionEvent::Switched { source_id, class, from_class, cause, .. } => {
                if let Some(source) = self.core.server(&source_id) {
                    self.servers.update_source(source);
                }
                if cause == SwitchCause::Failover {
                    let name = self.servers.name(source_id.as_str());
                    let text = match from_class {
                        Some(from) => i18n_f(
                            "The {} connection to {} stopped answering; Reel switched to {}",
                            &[&class_name(from).to_lowercase(), &name, &class_name(class).to_lowercase()],
                        ),
                        None => i18n_f("Reconnected to {} ({})", &[&name, &class_name(class).to_lowercase()]),
                    };
                    self.toast(&text);
                }
                self.mark(sender, &source_id, None);
                if let Some(page) = self.children.server_page_if_built() {
                    page.emit(ServerMsg::Refreshed);
                }
            }
            ConnectionEvent::Lost { source_id, error } => self.mark(sender, &source_id, Some(Failure::from(error))),
            ConnectionEvent::PinnedFailed { source_id, .. } => {
                self.toast(&i18n_f(
                    "The connection you chose for {} does not answer; Reel uses another until it does",
                    &[&self.servers.name(source_id.as_str())],
                ));
            }
            ConnectionEvent::Delivered { source_id, count } => {
                let name = self.servers.name(source_id.as_str());
                self.toast(&crate::i18n::ni18n_f(
                    "Sent {} saved change to {}",
                    "Sent {} saved changes to {}",
                    count as u64,
                    &[&name],
                ));
            }
        }
    }

    /// Records whether a server answered, and keeps the banner in step.
    pub(super) fn mark(
        &mut self,
        sender: &ComponentSender<Self>,
        source_id: &reel_core::SourceId,
        failure: Option<Failure>,
    ) {
        let offline = failure.as_ref().is_some_and(|f| f.offline);
        if let Reachability::CameBack { name } = self.servers.mark(source_id.as_str(), offline, Local::now()) {
            // Back: refresh what is on screen from it.
            self.toast(&i18n_f("{} is back online", &[&name]));
            match self.history.current().cloned() {
                Some(Nav::Library { source, .. }) if source.id == *source_id => {
                    self.children.library.emit(LibraryMsg::Refresh)
                }
                Some(nav @ Nav::Item { .. }) => self.show(nav),
                _ => {}
            }
        }
        // Remembered across restarts ("offline since"); the answer corrects the time shown.
        let (s, id) = (sender.clone(), source_id.clone());
        self.core.run(
            |core| async move { core.set_online(&id, !offline).await.map(|t| (id, t)) },
            move |since| {
                if let Some((source_id, since)) = since {
                    s.input(AppMsg::OfflineSince { source_id, since: DateTime::<Local>::from(since) });
                }
            },
        );
        self.update_banner();
        self.show_sidebar();
    }

    pub(super) fn update_banner(&self) {
        match self.servers.banner() {
            None => {
                self.ui.banner.set_reveal_child(false);
                self.ui.banner_label.set_text("");
            }
            Some(text) => {
                self.ui.banner_label.set_text(&text);
                self.ui.banner.set_reveal_child(true);
            }
        }
    }

    pub(super) fn show_sidebar(&self) {
        let visibility = self.core.library_visibility();
        self.children.sidebar.emit(SidebarMsg::Show { servers: self.servers.entries(), visibility });
    }
}
