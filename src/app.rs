//! The main window: welcome page when no account is configured; otherwise
//! servers and libraries in the sidebar (from cache at once, refreshed in the
//! background) and the selected library in the content area.

use crate::core_handle::CoreHandle;
use crate::ui::sidebar::{ServerEntry, Sidebar, SidebarMsg, SidebarOutput};
use crate::ui::sign_in_dialog::{SignInDialog, SignInMsg, SignInOutput};
use reel_core::models::{AuthProvider, MediaItem, Page, Section, Source};
use reel_core::services::auth_manager::{Discovery, Origin};
use reel_core::Token;
use relm4::adw::prelude::*;
use relm4::{
    adw, gtk, Component, ComponentController, ComponentParts, ComponentSender, Controller,
    SimpleComponent,
};
use std::collections::BTreeMap;

pub struct App {
    core: CoreHandle,
    servers: BTreeMap<String, ServerEntry>,
    sign_in: Controller<SignInDialog>,
    sidebar: Controller<Sidebar>,
    ui: Ui,
}

struct Ui {
    stack: gtk::Stack,
    toasts: adw::ToastOverlay,
    content_title: adw::WindowTitle,
    items: gtk::ListBox,
    content_stack: gtk::Stack,
    content_status: adw::StatusPage,
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
    SectionsLoaded {
        source_id: String,
        result: Result<Vec<Section>, String>,
    },
    Refresh,
    LibrarySelected {
        source_id: String,
        section: Section,
    },
    ItemsLoaded {
        title: String,
        result: Result<Page<MediaItem>, String>,
    },
    Toast(String),
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
        adw::ApplicationWindow::builder()
            .title("Reel")
            .default_width(1100)
            .default_height(720)
            .build()
    }

    fn init(
        core: Self::Init,
        root: Self::Root,
        sender: ComponentSender<Self>,
    ) -> ComponentParts<Self> {
        let sign_in = SignInDialog::builder()
            .transient_for(&root)
            .launch(core.clone())
            .forward(sender.input_sender(), |o| match o {
                SignInOutput::SignedIn(t) => AppMsg::TokenObtained(t),
            });
        let sidebar = Sidebar::builder()
            .launch(())
            .forward(sender.input_sender(), |o| match o {
                SidebarOutput::LibrarySelected { source_id, section } => {
                    AppMsg::LibrarySelected { source_id, section }
                }
            });

        // Welcome page.
        let welcome = adw::StatusPage::builder()
            .icon_name("video-display-symbolic")
            .title("Welcome to Reel")
            .description("Browse the movies, shows and music on your Plex servers.")
            .build();
        let sign_in_button = gtk::Button::with_label("Sign in to Plex");
        sign_in_button.add_css_class("pill");
        sign_in_button.add_css_class("suggested-action");
        sign_in_button.set_halign(gtk::Align::Center);
        labelled(&sign_in_button, "Sign in to Plex");
        welcome.set_child(Some(&sign_in_button));
        {
            let s = sender.clone();
            sign_in_button.connect_clicked(move |_| s.input(AppMsg::ShowSignIn));
        }
        let welcome_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        welcome_box.append(&adw::HeaderBar::new());
        welcome.set_vexpand(true);
        welcome_box.append(&welcome);

        // Browsing: sidebar | content, folding on narrow windows.
        let side_header = adw::HeaderBar::new();
        side_header.set_show_end_title_buttons(false);
        side_header.set_title_widget(Some(&adw::WindowTitle::new("Reel", "")));
        let refresh = gtk::Button::from_icon_name("view-refresh-symbolic");
        refresh.set_tooltip_text(Some("Refresh"));
        labelled(&refresh, "Refresh servers and libraries");
        side_header.pack_end(&refresh);
        {
            let s = sender.clone();
            refresh.connect_clicked(move |_| s.input(AppMsg::Refresh));
        }
        let side_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        side_box.set_width_request(260);
        side_box.append(&side_header);
        side_box.append(sidebar.widget());

        let content_title = adw::WindowTitle::new("", "");
        let content_header = adw::HeaderBar::new();
        content_header.set_title_widget(Some(&content_title));
        let content_status = adw::StatusPage::builder()
            .icon_name("folder-videos-symbolic")
            .title("Choose a Library")
            .description("Pick a library in the sidebar to browse it.")
            .vexpand(true)
            .build();
        let items = gtk::ListBox::new();
        items.add_css_class("boxed-list");
        items.set_selection_mode(gtk::SelectionMode::None);
        labelled(&items, "Library items");
        let clamp = adw::Clamp::builder()
            .maximum_size(900)
            .child(&items)
            .margin_top(18)
            .margin_bottom(18)
            .margin_start(12)
            .margin_end(12)
            .build();
        let scroller = gtk::ScrolledWindow::builder()
            .child(&clamp)
            .vexpand(true)
            .build();
        let loading = gtk::Spinner::new();
        loading.start();
        loading.set_halign(gtk::Align::Center);
        loading.set_valign(gtk::Align::Center);
        loading.set_size_request(32, 32);
        let content_stack = gtk::Stack::new();
        content_stack.add_named(&content_status, Some("status"));
        content_stack.add_named(&scroller, Some("items"));
        content_stack.add_named(&loading, Some("loading"));
        let content_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
        content_box.set_hexpand(true);
        content_box.append(&content_header);
        content_box.append(&content_stack);

        let leaflet = adw::Leaflet::new();
        leaflet.append(&side_box);
        leaflet.append(&gtk::Separator::new(gtk::Orientation::Vertical));
        leaflet.append(&content_box);

        let stack = gtk::Stack::new();
        stack.add_named(&welcome_box, Some("welcome"));
        stack.add_named(&leaflet, Some("browse"));
        let toasts = adw::ToastOverlay::new();
        toasts.set_child(Some(&stack));
        root.set_content(Some(&toasts));

        let mut model = App {
            core,
            servers: BTreeMap::new(),
            sign_in,
            sidebar,
            ui: Ui {
                stack,
                toasts,
                content_title,
                items,
                content_stack,
                content_status,
            },
        };
        if let Some(notice) = model.core.load_notice.clone() {
            model.toast(&notice);
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
                self.core.spawn(
                    async move { m.add_plex_account(&token).await.map_err(|e| e.to_string()) },
                    move |r| s.input(AppMsg::AccountAdded(r)),
                );
            }
            AppMsg::AccountAdded(Ok(p)) => {
                self.toast(&format!("Signed in as {}", p.display_name()));
                self.ui.stack.set_visible_child_name("browse");
                self.discover(&sender, p.id().to_string(), true);
            }
            AppMsg::AccountAdded(Err(e)) => self.toast(&e),
            AppMsg::Discovered {
                provider_id,
                result,
            } => match result {
                Ok(d) => {
                    if let Origin::StaleCache { error } = &d.origin {
                        self.toast(&format!("Showing saved servers: {error}"));
                    }
                    self.servers.retain(|_, e| {
                        e.source.auth_provider_id.as_deref() != Some(provider_id.as_str())
                    });
                    for source in d.sources {
                        self.add_server(&sender, source);
                    }
                    self.show_sidebar();
                }
                Err(e) => self.toast(&e),
            },
            AppMsg::SectionsLoaded { source_id, result } => {
                if let Some(entry) = self.servers.get_mut(&source_id) {
                    entry.sections =
                        Some(result.map_err(|e| format!("Libraries unavailable: {e}")));
                }
                self.show_sidebar();
            }
            AppMsg::Refresh => {
                for id in self.provider_ids() {
                    self.discover(&sender, id, true);
                }
            }
            AppMsg::LibrarySelected { source_id, section } => {
                let Some(entry) = self.servers.get(&source_id) else {
                    return;
                };
                let source = entry.source.clone();
                self.ui.content_title.set_title(&section.title);
                self.ui.content_title.set_subtitle(&source.name);
                self.ui.content_stack.set_visible_child_name("loading");
                let m = self.core.manager.clone();
                let s = sender.clone();
                let title = section.title.clone();
                self.core.spawn(
                    async move {
                        let client = m.server_client(&source).await?;
                        client.items(&section.key, 0, 500).await
                    },
                    move |r| {
                        s.input(AppMsg::ItemsLoaded {
                            title,
                            result: r.map_err(|e| e.to_string()),
                        })
                    },
                );
            }
            AppMsg::ItemsLoaded { title, result } => self.show_items(&title, result),
            AppMsg::Toast(t) => self.toast(&t),
        }
    }
}

impl App {
    fn toast(&self, text: &str) {
        if !text.is_empty() {
            self.ui.toasts.add_toast(adw::Toast::new(text));
        }
    }

    fn provider_ids(&self) -> Vec<String> {
        self.core
            .manager
            .config()
            .get()
            .runtime
            .auth_providers
            .keys()
            .cloned()
            .collect()
    }

    /// Cached servers at once; then a refresh in the background.
    fn start(&mut self, sender: &ComponentSender<Self>) {
        let ids = self.provider_ids();
        if ids.is_empty() {
            self.ui.stack.set_visible_child_name("welcome");
            return;
        }
        self.ui.stack.set_visible_child_name("browse");
        for id in &ids {
            for source in self.core.manager.cached_sources(id) {
                self.add_server(sender, source);
            }
        }
        self.show_sidebar();
        for id in ids {
            self.discover(sender, id, false);
        }
    }

    fn discover(&self, sender: &ComponentSender<Self>, provider_id: String, force: bool) {
        let m = self.core.manager.clone();
        let s = sender.clone();
        let id = provider_id.clone();
        self.core.spawn(
            async move { m.discover(&id, force).await.map_err(|e| e.to_string()) },
            move |result| {
                s.input(AppMsg::Discovered {
                    provider_id,
                    result,
                })
            },
        );
    }

    fn add_server(&mut self, sender: &ComponentSender<Self>, source: Source) {
        let id = source.id.clone();
        let previous = self.servers.remove(&id).and_then(|e| e.sections);
        self.servers.insert(
            id.clone(),
            ServerEntry {
                source: source.clone(),
                sections: previous,
            },
        );
        let m = self.core.manager.clone();
        let s = sender.clone();
        self.core.spawn(
            async move {
                let client = m.server_client(&source).await?;
                client.sections().await
            },
            move |r| {
                s.input(AppMsg::SectionsLoaded {
                    source_id: id,
                    result: r.map_err(|e| e.to_string()),
                })
            },
        );
    }

    fn show_sidebar(&self) {
        let visibility = self.core.manager.config().get().runtime.library_visibility;
        self.sidebar.emit(SidebarMsg::Show {
            servers: self.servers.values().cloned().collect(),
            visibility,
        });
    }

    fn show_items(&self, title: &str, result: Result<Page<MediaItem>, String>) {
        while let Some(row) = self.ui.items.row_at_index(0) {
            self.ui.items.remove(&row);
        }
        match result {
            Ok(page) if page.items.is_empty() => {
                self.ui
                    .content_status
                    .set_icon_name(Some("folder-symbolic"));
                self.ui
                    .content_status
                    .set_title(&format!("{title} is empty"));
                self.ui
                    .content_status
                    .set_description(Some("This library has nothing in it yet."));
                self.ui.content_stack.set_visible_child_name("status");
            }
            Ok(page) => {
                for item in &page.items {
                    let row = adw::ActionRow::new();
                    row.set_title(&gtk::glib::markup_escape_text(&item.title));
                    let mut sub = item.year.map(|y| y.to_string()).unwrap_or_default();
                    if item.watched() {
                        sub.push_str(if sub.is_empty() {
                            "Watched"
                        } else {
                            " · Watched"
                        });
                    }
                    row.set_subtitle(&sub);
                    self.ui.items.append(&row);
                }
                self.ui
                    .content_title
                    .set_subtitle(&format!("{} items", page.total));
                self.ui.content_stack.set_visible_child_name("items");
            }
            Err(e) => {
                self.ui
                    .content_status
                    .set_icon_name(Some("network-offline-symbolic"));
                self.ui
                    .content_status
                    .set_title("Could not load this library");
                self.ui.content_status.set_description(Some(&e));
                self.ui.content_stack.set_visible_child_name("status");
            }
        }
    }
}
