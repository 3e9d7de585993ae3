//! The main window: a welcome page when no account is configured; otherwise
//! servers and libraries in the sidebar and the chosen library, show, season
//! or item in the content area. Everything shows from the library cache at
//! once and refreshes in the background; a banner says which server is
//! offline and since when, and goes away by itself when it answers again.

use crate::build_info;
use crate::core_handle::{CoreHandle, Failure};
use crate::i18n::{gettext, i18n_f};
use crate::ui::home_page::{HomeMsg, HomeOutput, HomePage};
use crate::ui::item_page::{ItemMsg, ItemOutput, ItemPage};
use crate::ui::library_view::{LibraryMsg, LibraryOutput, LibraryView};
use crate::ui::preferences::{PreferencesDialog, PrefsMsg, PrefsOutput};
use crate::ui::server_page::{ServerMsg, ServerOutput, ServerPage};
use crate::ui::sidebar::{class_name, ServerEntry, Sidebar, SidebarMsg, SidebarOutput};
use crate::ui::sign_in_dialog::{SignInDialog, SignInMsg, SignInOutput};
use chrono::{DateTime, Local};
use reel_core::models::{AuthProvider, MediaItem, Section, Source};
use reel_core::services::auth_manager::{Discovery, Origin};
use reel_core::services::connection_manager::{ConnectionEvent, SwitchCause};
use reel_core::services::library_sync::sync_sections;
use reel_core::Token;
use relm4::adw::prelude::*;
use relm4::gtk::{gio, glib};
use relm4::{adw, gtk, Component, ComponentController, ComponentParts, ComponentSender, Controller, SimpleComponent};
use std::collections::BTreeMap;
use std::time::Duration;

/// How often an offline server is asked again.
const RECONNECT_EVERY: Duration = Duration::from_secs(10);

pub struct App {
    core: CoreHandle,
    servers: BTreeMap<String, ServerEntry>,
    sign_in: Controller<SignInDialog>,
    sidebar: Controller<Sidebar>,
    library: Controller<LibraryView>,
    item_page: Controller<ItemPage>,
    home: Controller<HomePage>,
    server_page: Controller<ServerPage>,
    preferences: Controller<PreferencesDialog>,
    history: Vec<Nav>,
    ui: Ui,
}

#[derive(Debug, Clone)]
pub enum Nav {
    Home,
    Server { source: Source },
    Library { source: Source, section: Section },
    Item { source: Source, item: MediaItem },
}

struct Ui {
    window: adw::ApplicationWindow,
    stack: gtk::Stack,
    toasts: adw::ToastOverlay,
    content_title: adw::WindowTitle,
    content_stack: gtk::Stack,
    back: gtk::Button,
    leaflet: adw::Leaflet,
    side_header: adw::HeaderBar,
    side_box: gtk::Box,
    content_box: gtk::Box,
    banner: gtk::Revealer,
    banner_label: gtk::Label,
    menu_button: gtk::MenuButton,
}

#[derive(Debug)]
pub enum AppMsg {
    ShowSignIn,
    TokenObtained(Token),
    AccountAdded(Result<AuthProvider, String>),
    Discovered {
        provider_id: String,
        result: Result<Discovery, String>,
    },
    ServerChecked {
        source: Source,
        result: Result<Vec<Section>, Failure>,
    },
    Reached {
        source_id: String,
        result: Result<(), Failure>,
    },
    SourceChanged(Source),
    Refresh,
    Reconnect,
    Open(Nav),
    OpenLibrary {
        source_id: String,
        section: Section,
    },
    OpenServer {
        source_id: String,
    },
    Back,
    Search,
    ConfirmSignOut,
    SignedOut(Result<String, String>),
    About,
    ShowPreferences,
    PreferencesChanged,
    Toast(String),
    Connection(ConnectionEvent),
    /// The leaflet folded or unfolded, or moved between sidebar and content.
    LayoutChanged,
    NetworkChanged {
        available: bool,
    },
}

fn labelled(widget: &impl IsA<gtk::Accessible>, label: &str) {
    widget.update_property(&[gtk::accessible::Property::Label(label)]);
}

impl SimpleComponent for App {
    type Init = CoreHandle;
    type Input = AppMsg;
    type Output = ();
    type Root = adw::ApplicationWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        adw::ApplicationWindow::builder().title("Reel").default_width(1100).default_height(720).build()
    }

    fn init(core: Self::Init, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let sign_in = SignInDialog::builder().transient_for(&root).launch(core.clone()).forward(
            sender.input_sender(),
            |o| match o {
                SignInOutput::SignedIn(t) => AppMsg::TokenObtained(t),
                SignInOutput::ServerAdded(p) => AppMsg::AccountAdded(Ok(p)),
            },
        );
        let sidebar = Sidebar::builder().launch(()).forward(sender.input_sender(), |o| match o {
            SidebarOutput::HomeSelected => AppMsg::Open(Nav::Home),
            SidebarOutput::LibrarySelected { source_id, section } => AppMsg::OpenLibrary { source_id, section },
            SidebarOutput::ServerSelected { source_id } => AppMsg::OpenServer { source_id },
        });
        let library = LibraryView::builder().launch(core.clone()).forward(sender.input_sender(), |o| match o {
            LibraryOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
            LibraryOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
            LibraryOutput::Toast(t) => AppMsg::Toast(t),
        });
        let item_page = ItemPage::builder().launch(core.clone()).forward(sender.input_sender(), |o| match o {
            ItemOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
            ItemOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
            ItemOutput::Toast(t) => AppMsg::Toast(t),
        });

        let home = HomePage::builder().launch(core.clone()).forward(sender.input_sender(), |o| match o {
            HomeOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
            HomeOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
        });
        let server_page = ServerPage::builder().launch(core.clone()).forward(sender.input_sender(), |o| match o {
            ServerOutput::Changed(source) => AppMsg::SourceChanged(source),
            ServerOutput::Toast(t) => AppMsg::Toast(t),
        });

        let preferences = PreferencesDialog::builder().transient_for(&root).launch(core.clone()).forward(
            sender.input_sender(),
            |o| match o {
                PrefsOutput::Changed => AppMsg::PreferencesChanged,
                PrefsOutput::Failed(e) => AppMsg::Toast(e),
            },
        );

        // Run from the source tree (cargo run, scripts/run.sh), the app's own
        // icons are not installed yet: look for them in the tree too.
        let dev_icons = concat!(env!("CARGO_MANIFEST_DIR"), "/data/icons");
        if std::path::Path::new(dev_icons).is_dir() {
            gtk::IconTheme::for_display(&relm4::gtk::prelude::WidgetExt::display(&root)).add_search_path(dev_icons);
        }

        // Welcome page.
        let welcome = adw::StatusPage::builder()
            .icon_name("dev.arsfeld.Reel-symbolic")
            .title(gettext("Welcome to Reel"))
            .description(gettext("Browse the movies, shows and music on your Plex servers."))
            .vexpand(true)
            .build();
        let sign_in_button = gtk::Button::with_label("Sign in to Plex");
        sign_in_button.add_css_class("pill");
        sign_in_button.add_css_class("suggested-action");
        sign_in_button.set_halign(gtk::Align::Center);
        labelled(&sign_in_button, &gettext("Sign in to Plex"));
        welcome.set_child(Some(&sign_in_button));
        {
            let s = sender.clone();
            sign_in_button.connect_clicked(move |_| s.input(AppMsg::ShowSignIn));
        }
        let welcome_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        welcome_box.append(&adw::HeaderBar::new());
        welcome_box.append(&welcome);

        // Sidebar pane.
        let side_header = adw::HeaderBar::new();
        side_header.set_show_end_title_buttons(false);
        side_header.set_title_widget(Some(&adw::WindowTitle::new("Reel", "")));
        let menu = gio::Menu::new();
        menu.append(Some(gettext("Refresh").as_str()), Some("win.refresh"));
        menu.append(Some(gettext("Add Account or Server…").as_str()), Some("win.add-account"));
        menu.append(Some(gettext("Preferences").as_str()), Some("win.preferences"));
        menu.append(Some(gettext("Sign Out…").as_str()), Some("win.sign-out"));
        menu.append(Some(gettext("Keyboard Shortcuts").as_str()), Some("win.show-help-overlay"));
        menu.append(Some(gettext("About Reel").as_str()), Some("win.about"));
        let menu_button = gtk::MenuButton::builder().icon_name("open-menu-symbolic").menu_model(&menu).build();
        labelled(&menu_button, &gettext("Main menu"));
        side_header.pack_end(&menu_button);
        let side_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        side_box.set_width_request(260);
        side_box.append(&side_header);
        side_box.append(sidebar.widget());

        // Content pane.
        let content_title = adw::WindowTitle::new("", "");
        let content_header = adw::HeaderBar::new();
        content_header.set_title_widget(Some(&content_title));
        let back = gtk::Button::from_icon_name("go-previous-symbolic");
        back.set_tooltip_text(Some(gettext("Back").as_str()));
        labelled(&back, &gettext("Back"));
        back.set_visible(false);
        content_header.pack_start(&back);
        {
            let s = sender.clone();
            back.connect_clicked(move |_| s.input(AppMsg::Back));
        }
        let search = gtk::Button::from_icon_name("system-search-symbolic");
        search.set_tooltip_text(Some(gettext("Search This Library").as_str()));
        labelled(&search, &gettext("Search this library"));
        content_header.pack_end(&search);
        {
            let s = sender.clone();
            search.connect_clicked(move |_| s.input(AppMsg::Search));
        }
        let banner_label = gtk::Label::new(None);
        banner_label.set_wrap(true);
        banner_label.set_margin_top(6);
        banner_label.set_margin_bottom(6);
        banner_label.set_margin_start(12);
        banner_label.set_margin_end(12);
        let banner_box = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        banner_box.add_css_class("warning");
        banner_box.add_css_class("osd");
        banner_box.append(&banner_label);
        banner_label.set_hexpand(true);
        let banner = gtk::Revealer::builder().child(&banner_box).build();
        banner_box.set_accessible_role(gtk::AccessibleRole::Alert);

        let choose = adw::StatusPage::builder()
            .icon_name("folder-videos-symbolic")
            .title(gettext("Choose a Library"))
            .description(gettext("Pick a library in the sidebar to browse it."))
            .vexpand(true)
            .build();
        let content_stack = gtk::Stack::new();
        content_stack.set_vexpand(true);
        content_stack.add_named(&choose, Some("choose"));
        content_stack.add_named(home.widget(), Some("home"));
        content_stack.add_named(library.widget(), Some("library"));
        content_stack.add_named(item_page.widget(), Some("item"));
        content_stack.add_named(server_page.widget(), Some("server"));
        let content_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content_box.set_hexpand(true);
        content_box.append(&content_header);
        content_box.append(&banner);
        content_box.append(&content_stack);

        // Narrow windows fold the sidebar away; Back (and a swipe) brings it back.
        let leaflet = adw::Leaflet::new();
        leaflet.set_can_navigate_back(true);
        leaflet.append(&side_box);
        let separator = leaflet.append(&gtk::Separator::new(gtk::Orientation::Vertical));
        separator.set_navigatable(false);
        leaflet.append(&content_box);
        leaflet.set_visible_child(&content_box);
        {
            let s = sender.clone();
            leaflet.connect_folded_notify(move |_| s.input(AppMsg::LayoutChanged));
            let s = sender.clone();
            leaflet.connect_visible_child_notify(move |_| s.input(AppMsg::LayoutChanged));
        }

        let stack = gtk::Stack::new();
        stack.add_named(&welcome_box, Some("welcome"));
        stack.add_named(&leaflet, Some("browse"));
        let toasts = adw::ToastOverlay::new();
        toasts.set_child(Some(&stack));
        root.set_content(Some(&toasts));

        install_actions(&root, &sender);
        {
            let scale = core.poster_scale.clone();
            let store = move |w: &adw::ApplicationWindow| {
                scale.store(w.scale_factor().max(1) as u32, std::sync::atomic::Ordering::Relaxed)
            };
            store(&root);
            root.connect_scale_factor_notify(store);
        }
        install_shortcuts(&root);
        {
            let s = sender.clone();
            glib::timeout_add_local(RECONNECT_EVERY, move || {
                s.input(AppMsg::Reconnect);
                glib::ControlFlow::Continue
            });
        }

        let mut model = App {
            core,
            servers: BTreeMap::new(),
            sign_in,
            sidebar,
            library,
            item_page,
            home,
            server_page,
            preferences,
            history: Vec::new(),
            ui: Ui {
                window: root.clone(),
                stack,
                toasts,
                content_title,
                content_stack,
                back,
                leaflet,
                side_header,
                side_box,
                content_box,
                banner,
                banner_label,
                menu_button,
            },
        };
        for n in model.core.notices.clone() {
            model.toast(&n);
        }
        {
            let s = sender.input_sender().clone();
            model.core.on_connection_event(move |e| s.emit(AppMsg::Connection(e)));
            let s = sender.clone();
            gio::NetworkMonitor::default()
                .connect_network_changed(move |_, available| s.input(AppMsg::NetworkChanged { available }));
        }
        model.start(&sender);
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>) {
        match msg {
            AppMsg::ShowSignIn => {
                self.sign_in.emit(SignInMsg::Start);
                self.sign_in.widget().present();
            }
            AppMsg::TokenObtained(token) => {
                let m = self.core.manager.clone();
                let s = sender.clone();
                self.core.spawn(async move { m.add_plex_account(&token).await.map_err(|e| e.to_string()) }, move |r| {
                    s.input(AppMsg::AccountAdded(r))
                });
            }
            AppMsg::AccountAdded(Ok(p)) => {
                self.toast(&i18n_f("Signed in as {}", &[&p.display_name()]));
                self.show_browse();
                if self.history.is_empty() {
                    self.open(Nav::Home);
                }
                self.discover(&sender, p.id().to_string(), true);
            }
            AppMsg::AccountAdded(Err(e)) => self.toast(&e),
            AppMsg::Discovered { provider_id, result } => match result {
                Ok(d) => {
                    if let Origin::StaleCache { error } = &d.origin {
                        self.toast(&i18n_f("Showing saved servers: {}", &[error]));
                    }
                    let keep: Vec<String> = d.sources.iter().map(|s| s.id.clone()).collect();
                    self.servers.retain(|id, e| {
                        e.source.auth_provider_id.as_deref() != Some(provider_id.as_str()) || keep.contains(id)
                    });
                    for source in d.sources {
                        self.add_server(&sender, source);
                    }
                    self.show_sidebar();
                    if matches!(self.history.last(), Some(Nav::Home)) {
                        self.show(Nav::Home);
                    }
                }
                Err(e) => self.toast(&e),
            },
            AppMsg::ServerChecked { source, result } => {
                let id = source.id.clone();
                let mut complaint = None;
                if let Some(entry) = self.servers.get_mut(&id) {
                    entry.source = source;
                    match result {
                        Ok(sections) => entry.sections = Some(Ok(sections)),
                        Err(f) => {
                            let has_cached = matches!(&entry.sections, Some(Ok(s)) if !s.is_empty());
                            if !has_cached {
                                entry.sections = Some(Err(i18n_f("Libraries unavailable: {}", &[&f.message])));
                            }
                            if !f.offline {
                                complaint = Some(format!("{}: {}", entry.source.name, f.message));
                            }
                        }
                    }
                }
                if let Some(c) = complaint {
                    self.toast(&c);
                }
                self.show_sidebar();
            }
            AppMsg::Reached { source_id, result } => self.mark(&source_id, result.err()),
            AppMsg::SourceChanged(source) => {
                if let Some(e) = self.servers.get_mut(&source.id) {
                    e.source = source.clone();
                }
                self.show_sidebar();
                self.check_server(&sender, source, false);
            }
            AppMsg::Refresh => {
                for id in self.provider_ids() {
                    self.discover(&sender, id, true);
                }
                match self.history.last() {
                    Some(Nav::Library { .. }) => self.library.emit(LibraryMsg::Refresh),
                    Some(nav) => self.show(nav.clone()),
                    None => {}
                }
            }
            AppMsg::Reconnect => {
                let offline: Vec<Source> =
                    self.servers.values().filter(|e| e.offline_since.is_some()).map(|e| e.source.clone()).collect();
                for source in offline {
                    self.check_server(&sender, source, true);
                }
            }
            AppMsg::Open(nav) => self.open(nav),
            // The sidebar knows servers by id; the full source is ours.
            AppMsg::OpenLibrary { source_id, section } => {
                if let Some(source) = self.servers.get(&source_id).map(|e| e.source.clone()) {
                    self.open(Nav::Library { source, section });
                }
            }
            AppMsg::OpenServer { source_id } => {
                if let Some(source) = self.servers.get(&source_id).map(|e| e.source.clone()) {
                    self.open(Nav::Server { source });
                }
            }
            AppMsg::Back => {
                if self.history.len() > 1 {
                    self.history.pop();
                    if let Some(nav) = self.history.last().cloned() {
                        self.show(nav);
                    }
                } else if self.ui.leaflet.is_folded() {
                    self.ui.leaflet.set_visible_child(&self.ui.side_box);
                }
            }
            AppMsg::LayoutChanged => self.update_back(),
            AppMsg::Search => {
                if matches!(self.history.last(), Some(Nav::Library { .. })) {
                    self.library.emit(LibraryMsg::ToggleSearch);
                }
            }
            AppMsg::ConfirmSignOut => self.confirm_sign_out(&sender),
            AppMsg::SignedOut(Ok(id)) => {
                self.servers.retain(|_, e| e.source.auth_provider_id.as_deref() != Some(id.as_str()));
                self.history.clear();
                self.ui.content_stack.set_visible_child_name("choose");
                self.update_back();
                self.show_sidebar();
                self.update_banner();
                if self.provider_ids().is_empty() {
                    self.ui.stack.set_visible_child_name("welcome");
                } else {
                    self.open(Nav::Home);
                }
                self.toast(&gettext("Signed out"));
            }
            AppMsg::SignedOut(Err(e)) => self.toast(&e),
            AppMsg::About => {
                let about = adw::AboutWindow::builder()
                    .transient_for(&self.ui.window)
                    .application_name("Reel")
                    .application_icon(build_info::APP_ID)
                    .version(build_info::VERSION)
                    .developer_name("The Reel developers")
                    .license_type(gtk::License::Gpl30)
                    .website("https://github.com/arsfeld/reel")
                    .issue_url("https://github.com/arsfeld/reel/issues")
                    .build();
                about.present();
            }
            AppMsg::ShowPreferences => {
                let servers = self
                    .servers
                    .values()
                    .map(|e| {
                        let sections = match &e.sections {
                            Some(Ok(s)) => s.clone(),
                            _ => self.core.cache.sections(&e.source.id).unwrap_or_default(),
                        };
                        (e.source.clone(), sections)
                    })
                    .collect();
                self.preferences.emit(PrefsMsg::Show(servers));
            }
            AppMsg::PreferencesChanged => self.show_sidebar(),
            AppMsg::Toast(t) => self.toast(&t),
            AppMsg::Connection(e) => self.connection_event(e),
            AppMsg::NetworkChanged { available } => {
                // Better connections get re-probed at once; offline servers get another try.
                self.core.connections.network_changed();
                if available {
                    sender.input(AppMsg::Reconnect);
                }
            }
        }
    }
}

fn install_actions(window: &adw::ApplicationWindow, sender: &ComponentSender<App>) {
    let add = |name: &str, msg: fn() -> AppMsg| {
        let action = gio::SimpleAction::new(name, None);
        let s = sender.clone();
        action.connect_activate(move |_, _| s.input(msg()));
        window.add_action(&action);
    };
    add("refresh", || AppMsg::Refresh);
    add("add-account", || AppMsg::ShowSignIn);
    add("sign-out", || AppMsg::ConfirmSignOut);
    add("about", || AppMsg::About);
    add("preferences", || AppMsg::ShowPreferences);
    add("back", || AppMsg::Back);
    add("search", || AppMsg::Search);
    let help = gio::SimpleAction::new("show-help-overlay", None);
    {
        let w = window.clone();
        help.connect_activate(move |_, _| crate::ui::shortcuts::window(&w).present());
    }
    window.add_action(&help);
    let close = gio::SimpleAction::new("close", None);
    {
        let w = window.clone();
        close.connect_activate(move |_, _| w.close());
    }
    window.add_action(&close);
    let quit = gio::SimpleAction::new("quit", None);
    {
        let w = window.clone();
        quit.connect_activate(move |_, _| {
            if let Some(app) = w.application() {
                app.quit();
            }
        });
    }
    window.add_action(&quit);
}

fn install_shortcuts(window: &adw::ApplicationWindow) {
    let controller = gtk::ShortcutController::new();
    controller.set_scope(gtk::ShortcutScope::Managed);
    for (accel, action) in crate::ui::shortcuts::SHORTCUTS {
        let trigger = gtk::ShortcutTrigger::parse_string(accel);
        controller.add_shortcut(gtk::Shortcut::new(trigger, Some(gtk::NamedAction::new(action))));
    }
    window.add_controller(controller);
}

impl App {
    fn toast(&self, text: &str) {
        if !text.is_empty() {
            self.ui.toasts.add_toast(adw::Toast::new(text));
        }
    }

    /// Focus goes to a widget that stays, not to whatever sidebar row GTK
    /// would pick next (GTK 4.8's accessibility bridge fails on focus moving
    /// to a row it has not registered yet).
    fn show_browse(&self) {
        self.ui.stack.set_visible_child_name("browse");
        self.ui.menu_button.grab_focus();
    }

    fn provider_ids(&self) -> Vec<String> {
        self.core.manager.config().get().runtime.auth_providers.keys().cloned().collect()
    }

    /// Saved servers and libraries at once; then a refresh in the background.
    fn start(&mut self, sender: &ComponentSender<Self>) {
        let ids = self.provider_ids();
        if ids.is_empty() {
            self.ui.stack.set_visible_child_name("welcome");
            return;
        }
        self.show_browse();
        if !self.core.manager.config().get().runtime.legacy_backends.is_empty() {
            let m = self.core.manager.clone();
            let s = sender.clone();
            self.core.spawn(async move { m.migrate_legacy_backends().await }, move |r| {
                if let Ok(r) = r {
                    for (b, why) in r.deferred.iter().chain(&r.dropped) {
                        s.input(AppMsg::Toast(i18n_f("Could not bring over the old account {}: {}", &[b, why])));
                    }
                }
            });
        }
        for id in &ids {
            for source in self.core.manager.cached_sources(id) {
                self.add_server(sender, source);
            }
        }
        self.show_sidebar();
        if let Some((source_id, key)) = crate::bench_probe::target() {
            let section = self.core.cache.sections(&source_id).ok().and_then(|s| s.into_iter().find(|s| s.key == key));
            if let Some(section) = section {
                sender.input(AppMsg::OpenLibrary { source_id, section });
            }
            return;
        }
        if self.history.is_empty() {
            self.open(Nav::Home);
        }
        for id in ids {
            self.discover(sender, id, false);
        }
    }

    fn discover(&self, sender: &ComponentSender<Self>, provider_id: String, force: bool) {
        let m = self.core.manager.clone();
        let s = sender.clone();
        let id = provider_id.clone();
        self.core.spawn(async move { m.discover(&id, force).await.map_err(|e| e.to_string()) }, move |result| {
            s.input(AppMsg::Discovered { provider_id, result })
        });
    }

    fn add_server(&mut self, sender: &ComponentSender<Self>, source: Source) {
        let id = source.id.clone();
        let previous = self.servers.remove(&id);
        let cached = self.core.cache.sections(&id).ok().filter(|s| !s.is_empty()).map(Ok);
        let sections = previous.as_ref().and_then(|e| e.sections.clone()).or(cached);
        let offline_since = previous.and_then(|e| e.offline_since);
        self.servers.insert(id, ServerEntry { source: source.clone(), offline_since, sections });
        self.check_server(sender, source, false);
    }

    /// Asks a server for its libraries (re-probing its connections first when
    /// it was offline); the answer also says whether it is reachable.
    fn check_server(&self, sender: &ComponentSender<Self>, source: Source, reprobe: bool) {
        let core = self.core.clone();
        let s = sender.clone();
        self.core.spawn(
            async move {
                let source = if reprobe { core.manager.reselect(&source.id).await.unwrap_or(source) } else { source };
                let (cache, id) = (&core.cache, &source.id);
                let r =
                    core.connections.call(id, |client| async move { sync_sections(&client, cache, id).await }).await;
                // The call may have moved the server to another connection.
                let source = core.manager.source(&source.id).unwrap_or(source);
                (source, r)
            },
            move |(source, r): (Source, reel_core::Result<Vec<Section>>)| {
                let failure = r.as_ref().err().map(|e| Failure { message: e.to_string(), offline: e.is_offline() });
                s.input(AppMsg::Reached { source_id: source.id.clone(), result: failure.clone().map_or(Ok(()), Err) });
                s.input(AppMsg::ServerChecked { source, result: r.map_err(Failure::from) });
            },
        );
    }

    fn connection_event(&mut self, e: ConnectionEvent) {
        let name_of = |app: &Self, id: &str| app.servers.get(id).map(|e| e.source.name.clone()).unwrap_or_default();
        match e {
            ConnectionEvent::Switched { source_id, class, from_class, cause, .. } => {
                if let (Some(source), Some(entry)) =
                    (self.core.manager.source(&source_id), self.servers.get_mut(&source_id))
                {
                    entry.source = source;
                }
                if cause == SwitchCause::Failover {
                    let name = name_of(self, &source_id);
                    let text = match from_class {
                        Some(from) => i18n_f(
                            "The {} connection to {} stopped answering; Reel switched to {}",
                            &[&class_name(from).to_lowercase(), &name, &class_name(class).to_lowercase()],
                        ),
                        None => i18n_f("Reconnected to {} ({})", &[&name, &class_name(class).to_lowercase()]),
                    };
                    self.toast(&text);
                }
                self.mark(&source_id, None);
                self.server_page.emit(ServerMsg::Refreshed);
            }
            ConnectionEvent::Lost { source_id, error } => {
                self.mark(&source_id, Some(Failure { message: error, offline: true }));
            }
            ConnectionEvent::PinnedFailed { source_id, .. } => {
                let name = name_of(self, &source_id);
                self.toast(&i18n_f(
                    "The connection you chose for {} does not answer; Reel uses another until it does",
                    &[&name],
                ));
            }
            ConnectionEvent::Delivered { source_id, count } => {
                let name = name_of(self, &source_id);
                self.toast(&i18n_f("Sent {} saved changes to {}", &[&count.to_string(), &name]));
            }
        }
    }

    /// Records whether a server answered, and keeps the banner in step.
    fn mark(&mut self, source_id: &str, failure: Option<Failure>) {
        let offline = failure.as_ref().is_some_and(|f| f.offline);
        let was_offline = self.servers.get(source_id).is_some_and(|e| e.offline_since.is_some());
        let since = self.core.cache.set_online(source_id, !offline).ok().flatten();
        if let Some(entry) = self.servers.get_mut(source_id) {
            entry.offline_since =
                if offline { Some(since.map(DateTime::<Local>::from).unwrap_or_else(Local::now)) } else { None };
        }
        if was_offline && !offline {
            // Back: refresh what is on screen from it.
            if let Some(name) = self.servers.get(source_id).map(|e| e.source.name.clone()) {
                self.toast(&i18n_f("{} is back online", &[&name]));
            }
            match self.history.last().cloned() {
                Some(Nav::Library { source, .. }) if source.id == source_id => self.library.emit(LibraryMsg::Refresh),
                Some(nav @ Nav::Item { .. }) => self.show(nav),
                _ => {}
            }
        }
        self.update_banner();
        self.show_sidebar();
    }

    fn update_banner(&self) {
        let offline: Vec<&ServerEntry> = self.servers.values().filter(|e| e.offline_since.is_some()).collect();
        match offline.as_slice() {
            [] => {
                self.ui.banner.set_reveal_child(false);
                self.ui.banner_label.set_text("");
            }
            [one] => {
                let since = one.offline_since.map(|t| t.format("%H:%M").to_string()).unwrap_or_default();
                self.ui.banner_label.set_text(&format!(
                    "{} is offline since {since}. Showing what Reel saved; it will reconnect by itself.",
                    one.source.name
                ));
                self.ui.banner.set_reveal_child(true);
            }
            many => {
                let names: Vec<&str> = many.iter().map(|e| e.source.name.as_str()).collect();
                let since = many
                    .iter()
                    .filter_map(|e| e.offline_since)
                    .min()
                    .map(|t| t.format("%H:%M").to_string())
                    .unwrap_or_default();
                let (last, rest) = names.split_last().unwrap_or((&"", &[]));
                self.ui.banner_label.set_text(&i18n_f(
                    "{} and {} are offline since {}. Showing what Reel saved; they will reconnect by themselves.",
                    &[&rest.join(", "), last, &since],
                ));
                self.ui.banner.set_reveal_child(true);
            }
        }
    }

    fn show_sidebar(&self) {
        let visibility = self.core.manager.config().get().runtime.library_visibility;
        self.sidebar.emit(SidebarMsg::Show { servers: self.servers.values().cloned().collect(), visibility });
    }

    /// Shows `nav`; a library or server starts a new history, items stack up.
    fn open(&mut self, nav: Nav) {
        if matches!(nav, Nav::Home | Nav::Library { .. } | Nav::Server { .. }) {
            self.history.clear();
        }
        self.history.push(nav.clone());
        self.show(nav);
    }

    /// Back is there when there is somewhere to go back to: an earlier page,
    /// or the folded-away sidebar.
    fn update_back(&self) {
        let folded = self.ui.leaflet.is_folded();
        let on_content = self.ui.leaflet.visible_child().as_ref() == Some(self.ui.content_box.upcast_ref());
        self.ui.back.set_visible(self.history.len() > 1 || (folded && on_content));
        // Folded, the sidebar is a page of its own and needs the window's close button.
        self.ui.side_header.set_show_end_title_buttons(folded);
    }

    fn show(&self, nav: Nav) {
        if self.ui.leaflet.is_folded() {
            self.ui.leaflet.set_visible_child(&self.ui.content_box);
        }
        self.update_back();
        match nav {
            Nav::Home => {
                self.ui.content_title.set_title(&gettext("Home"));
                self.ui.content_title.set_subtitle("");
                self.ui.content_stack.set_visible_child_name("home");
                let sources: Vec<Source> = self.servers.values().map(|e| e.source.clone()).collect();
                self.home.emit(HomeMsg::Show(sources));
            }
            Nav::Server { source } => {
                self.ui.content_title.set_title(&source.name);
                self.ui.content_title.set_subtitle("Connections");
                self.ui.content_stack.set_visible_child_name("server");
                self.server_page.emit(ServerMsg::Show(source));
            }
            Nav::Library { source, section } => {
                self.ui.content_title.set_title(&section.title);
                self.ui.content_title.set_subtitle(&source.name);
                self.ui.content_stack.set_visible_child_name("library");
                self.library.emit(LibraryMsg::Show { source, section });
            }
            Nav::Item { source, item } => {
                self.ui.content_title.set_title(&item.title);
                self.ui.content_title.set_subtitle(&source.name);
                self.ui.content_stack.set_visible_child_name("item");
                self.item_page.emit(ItemMsg::Show { source, item });
            }
        }
    }

    /// Asks before forgetting an account; with several, which one.
    fn confirm_sign_out(&self, sender: &ComponentSender<Self>) {
        let providers: Vec<AuthProvider> =
            self.core.manager.config().get().runtime.auth_providers.into_values().collect();
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
        let dialog = adw::MessageDialog::new(Some(&self.ui.window), Some(&heading), Some(&body));
        dialog.add_response("cancel", &gettext("Cancel"));
        for (i, p) in providers.iter().enumerate() {
            let label =
                if providers.len() == 1 { gettext("Sign Out") } else { i18n_f("Sign Out {}", &[&p.display_name()]) };
            let id = format!("sign-out-{i}");
            dialog.add_response(&id, &label);
            dialog.set_response_appearance(&id, adw::ResponseAppearance::Destructive);
        }
        dialog.set_default_response(Some("cancel"));
        dialog.set_close_response("cancel");
        let (core, s) = (self.core.clone(), sender.clone());
        dialog.connect_response(None, move |_, response| {
            let Some(p) =
                response.strip_prefix("sign-out-").and_then(|i| i.parse::<usize>().ok()).and_then(|i| providers.get(i))
            else {
                return;
            };
            let (core2, id2, s2) = (core.clone(), p.id().to_string(), s.clone());
            core.spawn(
                async move {
                    let sources = core2.manager.cached_sources(&id2);
                    core2.manager.remove_provider(&id2).await.map_err(|e| e.to_string())?;
                    for src in sources {
                        let _ = core2.cache.forget_source(&src.id);
                    }
                    Ok(id2)
                },
                move |r| s2.input(AppMsg::SignedOut(r)),
            );
        });
        dialog.present();
    }
}
