//! The main window: a welcome page when no account is configured; otherwise
//! servers and libraries in the sidebar and the chosen library, show, season
//! or item in the content area. Everything shows from what Reel saved at
//! once and refreshes in the background; a banner says which server is
//! offline and since when, and goes away by itself when it answers again.
//!
//! Here: the messages and their dispatch. The widgets are built in
//! [`layout`], the way back is [`navigation`], the servers shown are
//! [`servers`], reaching them is [`reachability`], their playlists and
//! collections [`lists`], showing a place is
//! [`content`], the actions are [`actions`], signing out is [`sign_out`],
//! playing is [`playback`]; the messages are listed in [`messages`].

pub mod actions;
mod children;
mod content;
mod downloads;
mod layout;
mod lists;
mod messages;
pub mod navigation;
mod playback;
mod reachability;
mod recovery;
pub mod servers;
mod sign_out;
mod state;

use crate::build_info;
use crate::dialogs::preferences::PrefsMsg;
use crate::dialogs::sign_in::SignInMsg;
use crate::i18n::{gettext, i18n_f};
use crate::pages::library::LibraryMsg;
use crate::runtime::CoreHandle;
use children::Children;
pub use messages::AppMsg;
use navigation::{ContentPage, History, Nav, TopPage};
use relm4::adw::prelude::*;
use relm4::gtk::{gio, glib};
use relm4::{adw, gtk, ComponentController, ComponentParts, ComponentSender, SimpleComponent};
use servers::ServerRegistry;
use std::time::Duration;

/// How often an offline server is asked again.
const RECONNECT_EVERY: Duration = Duration::from_secs(10);

pub struct App {
    core: CoreHandle,
    servers: ServerRegistry,
    children: Children,
    history: History,
    ui: layout::Ui,
    /// Play was asked and the player is not shown yet (see `play_from`).
    player_opening: bool,
    downloads: downloads::Runner,
}

impl SimpleComponent for App {
    /// The runtime the core opens on.
    type Init = crate::runtime::Runtime;
    type Input = AppMsg;
    type Output = ();
    type Root = adw::ApplicationWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        adw::ApplicationWindow::builder().title("Reel").default_width(1100).default_height(720).build()
    }

    fn init(runtime: Self::Init, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        // This is the instance that owns the app's name: its core opens now.
        let core = match CoreHandle::open(runtime) {
            Ok(core) => core,
            Err(e) => {
                // Nothing can be shown without settings; said where it was started.
                eprintln!("reel: {e:#}");
                std::process::exit(1);
            }
        };
        crate::probe!(mark("core-open"));
        crate::probe!(mark("window-init"));
        crate::style::load();
        state::remember(&root);
        // Where the user left off: the library they had open, its first items
        // read while GTK started, shown in the first frame (else Home).
        #[allow(unused_mut)]
        let mut start = core
            .take_start_view(Duration::from_millis(250))
            .and_then(|v| core.server(&v.source_id).map(|source| (source, v.section, v.first)));
        // The grid benchmark's other figure: the window starts on Home and
        // the library is opened once the window is up, as by a click.
        crate::probe! {
            if open_later() {
                if let Some((source, section, _)) = start.take() {
                    let s = sender.clone();
                    root.add_tick_callback(move |_, _| {
                        let (s, nav) = (s.clone(), Nav::Library { source: source.clone(), section: section.clone() });
                        glib::timeout_add_local_once(Duration::from_millis(500), move || s.input(AppMsg::Open(nav)));
                        glib::ControlFlow::Break
                    });
                }
            }
        }
        let start_nav = start
            .as_ref()
            .map(|(source, section, _)| Nav::Library { source: source.clone(), section: section.clone() });
        let children = Children::launch(&root, &core, &sender, start);
        let ui = layout::build(&root, &sender, children.parts());
        children.attach(&ui.content_stack, &ui.stack, &ui.music_slot);
        actions::install(&root, &sender);
        {
            let c = core.clone();
            let keep_scale = move |w: &adw::ApplicationWindow| c.set_poster_scale(w.scale_factor());
            keep_scale(&root);
            root.connect_scale_factor_notify(keep_scale);
        }
        {
            let s = sender.clone();
            glib::timeout_add_local(RECONNECT_EVERY, move || {
                s.input(AppMsg::Reconnect);
                glib::ControlFlow::Continue
            });
        }
        let mut model = App {
            core,
            servers: ServerRegistry::default(),
            children,
            history: History::default(),
            ui,
            player_opening: false,
            downloads: downloads::Runner::default(),
        };
        // What a run before left to do (a restart, kill -9) goes on; the
        // shows kept up with are looked at again now and then.
        model.run_downloads(&sender);
        let s = sender.input_sender().clone();
        relm4::gtk::glib::timeout_add_seconds_local(15 * 60, move || {
            s.emit(AppMsg::RunDownloads);
            relm4::gtk::glib::ControlFlow::Continue
        });
        // A damaged settings file is told with what can be done about it
        // (its accounts back from the keyring), once that is known.
        let (damaged, others): (Vec<_>, Vec<_>) =
            model.core.notices().into_iter().partition(|n| matches!(n, reel_core::Notice::SettingsDamaged { .. }));
        for n in &others {
            model.toast(&reel_words::notice(n));
        }
        model.look_for_orphans(&sender, damaged.first().map(reel_words::notice));
        {
            // The music queue the last run left: its bar comes back, paused.
            let s = sender.input_sender().clone();
            model.core.run(
                |core| async move { core.saved_music_queue().await },
                move |saved| {
                    if let Some(saved) = saved {
                        s.emit(AppMsg::RestoreMusic(saved));
                    }
                },
            );
        }
        {
            let s = sender.input_sender().clone();
            model.core.on_connection_event(move |e| s.emit(AppMsg::Connection(e)));
            let s = sender.input_sender().clone();
            model.core.on_notice(move |n| s.emit(AppMsg::Notice(n)));
            // The network monitor is not needed for the first frame.
            let s = sender.clone();
            glib::idle_add_local_once(move || {
                gio::NetworkMonitor::default()
                    .connect_network_changed(move |_, available| s.input(AppMsg::NetworkChanged { available }));
            });
        }
        model.start(&sender, start_nav);
        crate::probe! {
            mark("window-ready");
            if open_home_requested() {
                let s = sender.clone();
                model.ui.window.add_tick_callback(move |_, _| {
                    let s = s.clone();
                    glib::timeout_add_local_once(Duration::from_millis(500), move || s.input(AppMsg::Open(Nav::Home)));
                    glib::ControlFlow::Break
                });
            }
            if let Some((source_id, key)) = open_item_request() {
                if let Some(source) = model.core.server(&source_id.as_str().into()) {
                    let (s, core) = (sender.clone(), model.core.clone());
                    model.ui.window.add_tick_callback(move |_, _| {
                        let (s, core, source, key) = (s.clone(), core.clone(), source.clone(), key.clone());
                        glib::timeout_add_local_once(Duration::from_millis(500), move || {
                            let id = source.id.clone();
                            core.run(
                                move |c| async move { c.saved_item(&id, &key.as_str().into()).await },
                                move |item| {
                                    if let Ok(Some(item)) = item {
                                        s.input(AppMsg::Open(Nav::Item { source, item }));
                                    }
                                },
                            );
                        });
                        glib::ControlFlow::Break
                    });
                }
            }
            if let Some((source_id, key, start_ms)) = play_request() {
                if let Some(source) = model.core.server(&source_id.as_str().into()) {
                    // As a person does: the item's page is open a moment (the
                    // player gets ready, as there), then Play.
                    model.children.get_ready_to_play(true);
                    let s = sender.clone();
                    glib::timeout_add_local_once(Duration::from_secs(1), move || {
                        s.input(AppMsg::PlayFrom {
                            source,
                            item: playback::bench_item(&key),
                            start_ms,
                            then: Vec::new(),
                        })
                    });
                }
            }
        }
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>) {
        match msg {
            AppMsg::ShowSignIn => {
                self.children.sign_in().emit(SignInMsg::Start);
                self.children.sign_in().widget().present();
            }
            AppMsg::AccountAdded(p) => {
                self.toast(&i18n_f("Signed in as {}", &[&p.display_name()]));
                self.show_top(TopPage::Browse);
                if self.history.is_empty() {
                    self.open(Nav::Home);
                }
                self.discover(&sender, p.id().clone(), true);
            }
            AppMsg::Discovered { provider_id, result } => self.discovered(&sender, &provider_id, result),
            AppMsg::SavedSections { source_id, sections } => {
                if self.servers.saved_sections(source_id.as_str(), sections) {
                    self.show_sidebar();
                }
            }
            AppMsg::ServerChecked { source, result } => {
                if let Some(complaint) = self.servers.checked(source, result) {
                    self.toast(&complaint);
                }
                self.show_sidebar();
            }
            AppMsg::Reached { source_id, result } => self.mark(&sender, &source_id, result.err()),
            AppMsg::Lists { source_id, lists } => self.lists_known(source_id.as_str(), lists),
            AppMsg::RefreshLists { source_id } => self.refresh_lists(&sender, &source_id),
            AppMsg::OfflineSince { source_id, since } => {
                if self.servers.offline_since(source_id.as_str(), since) {
                    self.update_banner();
                    self.show_sidebar();
                }
            }
            AppMsg::SourceChanged(source) => {
                self.servers.update_source(source.clone());
                self.show_sidebar();
                self.check_server(&sender, source, false);
            }
            AppMsg::Refresh => {
                for p in self.core.accounts() {
                    self.discover(&sender, p.id().clone(), true);
                }
                match self.history.current() {
                    Some(Nav::Library { .. }) => self.children.library.emit(LibraryMsg::Refresh),
                    Some(nav) => self.show(nav.clone()),
                    None => {}
                }
            }
            AppMsg::Reconnect => {
                for source in self.servers.offline_sources() {
                    self.check_server(&sender, source, true);
                }
            }
            AppMsg::Open(nav) => self.open(nav),
            // The sidebar knows servers by id; the full source is ours.
            AppMsg::OpenLibrary { source_id, section } => {
                if let Some(source) = self.servers.source(source_id.as_str()) {
                    self.open(Nav::Library { source, section });
                }
            }
            AppMsg::OpenList { source_id, list } => {
                if let Some(source) = self.servers.source(source_id.as_str()) {
                    self.open(Nav::List { source, list });
                }
            }
            AppMsg::OpenServer { source_id } => {
                if let Some(source) = self.servers.source(source_id.as_str()) {
                    self.open(Nav::Server { source });
                }
            }
            AppMsg::Back if self.player_shown() => {
                // Fullscreen first goes back to the window, then out of the player.
                if self.ui.window.is_fullscreen() {
                    self.ui.window.unfullscreen();
                } else {
                    self.children
                        .player()
                        .emit(crate::pages::player::PlayerMsg::Intent(reel_core::playback::Intent::Leave));
                }
            }
            AppMsg::Back => self.back(),
            AppMsg::Play { source, item, then } => self.play(&sender, source, item, then),
            AppMsg::PlayFrom { source, item, start_ms, then } => self.play_from(&sender, source, item, start_ms, then),
            AppMsg::PlayerLeft => self.player_left(),
            AppMsg::ShowPlayer => self.show_player(),
            AppMsg::PlayMusic { source, from, start, shuffle } => {
                self.children.music().emit(crate::music::MusicMsg::Play { source, from, start, shuffle })
            }
            AppMsg::Mpris(c) => self.mpris_command(c),
            AppMsg::RestoreMusic(saved) => {
                self.children.get_ready_to_play(false);
                self.children.music().emit(crate::music::MusicMsg::Restore(saved))
            }
            AppMsg::PreparePlayer => self.children.player().emit(crate::pages::player::PlayerMsg::Prepare),
            AppMsg::ItemChanged { source_id, item } => self.item_changed(source_id.as_str(), item),
            AppMsg::RunDownloads => self.run_downloads(&sender),
            AppMsg::DownloadChanged(d) => self.download_changed(*d),
            AppMsg::DownloadsIdle => self.downloads_idle(&sender),
            AppMsg::DownloadRemoved => self.children.library.emit(LibraryMsg::DownloadsChanged),
            AppMsg::PlayerTitle(t) => self.player_title(t),
            AppMsg::Fullscreen(full) => self.set_fullscreen(full),
            AppMsg::LayoutChanged => self.update_back(),
            AppMsg::Search => self.open(Nav::Search),
            AppMsg::SearchFor(text) => {
                self.open(Nav::Search);
                self.children.search_page().emit(crate::pages::search::SearchMsg::Query(text));
            }
            AppMsg::FilterLibrary => {
                if matches!(self.history.current(), Some(Nav::Library { .. })) {
                    self.children.library.emit(LibraryMsg::ToggleSearch);
                }
            }
            AppMsg::ConfirmSignOut => sign_out::look(&self.core, &sender),
            AppMsg::AskSignOut(downloads) => sign_out::confirm(&self.ui.window, &self.core, &sender, &downloads),
            AppMsg::OrphansFound { notice, names } => self.offer_recovery(notice, &names),
            AppMsg::RecoverAccounts => self.recover(&sender),
            AppMsg::AccountsRecovered { back, failed } => self.recovered(&sender, back, failed),
            AppMsg::SignedOut(Ok(id)) => self.signed_out(&id),
            AppMsg::SignedOut(Err(f)) => self.toast(&f.message()),
            AppMsg::About => self.about(),
            AppMsg::ShowPreferences => {
                let servers = self
                    .servers
                    .entries()
                    .into_iter()
                    .map(|e| {
                        let sections = match e.sections {
                            Some(Ok(s)) => s,
                            _ => Vec::new(),
                        };
                        (e.source, sections)
                    })
                    .collect();
                self.children.preferences().emit(PrefsMsg::Show(servers));
            }
            AppMsg::PreferencesChanged => self.show_sidebar(),
            AppMsg::Toast(t) => self.toast(&t),
            AppMsg::Notice(n) => {
                self.toast(&reel_words::notice(&n));
                // Rebuilt from the servers: what is on screen asks again.
                if let Some(nav) = self.history.current().cloned() {
                    self.show(nav);
                }
            }
            AppMsg::Connection(e) => self.connection_event(&sender, e),
            AppMsg::NetworkChanged { available } => {
                // Better connections get re-probed at once; offline servers get another try.
                self.core.network_changed();
                if available {
                    sender.input(AppMsg::Reconnect);
                }
            }
        }
    }
}

impl App {
    fn toast(&self, text: &str) {
        if !text.is_empty() {
            tracing::debug!(text, "toast shown");
            self.ui.toasts.add_toast(adw::Toast::new(text));
        }
    }

    fn signed_out(&mut self, provider_id: &reel_core::ProviderId) {
        self.servers.remove_provider(provider_id);
        self.history.clear();
        self.ui.content_stack.set_visible_child_name(ContentPage::Choose.name());
        self.update_back();
        self.show_sidebar();
        self.update_banner();
        if self.core.accounts().is_empty() {
            self.show_top(TopPage::Welcome);
        } else {
            self.open(Nav::Home);
        }
        self.toast(&gettext("Signed out"));
    }

    fn about(&self) {
        adw::AboutWindow::builder()
            .transient_for(&self.ui.window)
            .application_name("Reel")
            .application_icon(build_info::APP_ID)
            .version(build_info::VERSION)
            .developer_name(gettext("The Reel developers"))
            .license_type(gtk::License::Gpl30)
            .website("https://github.com/arsfeld/reel")
            .issue_url("https://github.com/arsfeld/reel/issues")
            .build()
            .present();
    }
}
