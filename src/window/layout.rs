//! The window's widgets: the welcome page, and the leaflet with the sidebar
//! and the content pane (header, offline banner, the pages' stack). Built
//! once; the window only changes what they show.

use super::navigation::{ContentPage, TopPage};
use super::{actions, App, AppMsg};
use crate::i18n::gettext;
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentSender};

pub struct Ui {
    pub window: adw::ApplicationWindow,
    pub stack: gtk::Stack,
    pub toasts: adw::ToastOverlay,
    pub content_title: adw::WindowTitle,
    pub content_stack: gtk::Stack,
    pub back: gtk::Button,
    pub leaflet: adw::Leaflet,
    pub side_header: adw::HeaderBar,
    pub side_box: gtk::Box,
    pub content_box: gtk::Box,
    pub banner: gtk::Revealer,
    pub banner_label: gtk::Label,
    pub menu_button: gtk::MenuButton,
    /// Shown in the header while downloads run: opens the Downloads page.
    pub downloading: gtk::Button,
    /// Under the browsing area: where the now-playing bar goes.
    pub music_slot: gtk::Box,
}

/// The widgets placed at once; other pages join the content stack when first shown.
pub struct Parts {
    pub sidebar: gtk::Widget,
    pub library: gtk::Widget,
}

pub use crate::widgets::labelled;

fn welcome(sender: &ComponentSender<App>) -> gtk::Box {
    let page = adw::StatusPage::builder()
        .icon_name("dev.arsfeld.Reel-symbolic")
        .title(gettext("Welcome to Reel"))
        .description(gettext("Browse the movies, shows and music on your Plex servers."))
        .vexpand(true)
        .build();
    let sign_in = gtk::Button::with_label(&gettext("Sign in to Plex"));
    sign_in.add_css_class("pill");
    sign_in.add_css_class("suggested-action");
    sign_in.set_halign(gtk::Align::Center);
    page.set_child(Some(&sign_in));
    let s = sender.clone();
    sign_in.connect_clicked(move |_| s.input(AppMsg::ShowSignIn));
    let b = gtk::Box::new(gtk::Orientation::Vertical, 0);
    b.append(&adw::HeaderBar::new());
    b.append(&page);
    b
}

fn banner() -> (gtk::Revealer, gtk::Label) {
    let label = gtk::Label::new(None);
    label.set_wrap(true);
    label.set_margin_top(6);
    label.set_margin_bottom(6);
    label.set_margin_start(12);
    label.set_margin_end(12);
    label.set_hexpand(true);
    let b = gtk::Box::new(gtk::Orientation::Horizontal, 0);
    b.add_css_class(crate::style::BANNER);
    b.append(&label);
    b.set_accessible_role(gtk::AccessibleRole::Alert);
    (gtk::Revealer::builder().child(&b).build(), label)
}

pub fn build(root: &adw::ApplicationWindow, sender: &ComponentSender<App>, parts: Parts) -> Ui {
    // Run from the source tree (cargo run, scripts/run.sh), the app's own
    // icons are not installed yet: look for them in the tree too. After the
    // first frame: the theme rescans its folders (15 ms), and icons follow.
    let dev_icons = concat!(env!("CARGO_MANIFEST_DIR"), "/data/icons");
    if std::path::Path::new(dev_icons).is_dir() {
        let display = WidgetExt::display(root);
        relm4::gtk::glib::idle_add_local_once(move || gtk::IconTheme::for_display(&display).add_search_path(dev_icons));
    }

    // Sidebar pane.
    let side_header = adw::HeaderBar::new();
    side_header.set_show_end_title_buttons(false);
    side_header.set_title_widget(Some(&adw::WindowTitle::new("Reel", "")));
    let menu_button = gtk::MenuButton::builder().icon_name("open-menu-symbolic").build();
    // The menu's popover is built when it first opens, not before the first frame.
    menu_button.set_create_popup_func(|b| {
        if b.menu_model().is_none() {
            b.set_menu_model(Some(&actions::menu()));
        }
    });
    labelled(&menu_button, &gettext("Main menu"));
    side_header.pack_end(&menu_button);
    let side_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
    side_box.set_width_request(260);
    side_box.append(&side_header);
    side_box.append(&parts.sidebar);

    // Content pane.
    let content_title = adw::WindowTitle::new("", "");
    let content_header = adw::HeaderBar::new();
    content_header.set_title_widget(Some(&content_title));
    let back = gtk::Button::from_icon_name("go-previous-symbolic");
    back.set_tooltip_text(Some(gettext("Back").as_str()));
    labelled(&back, &gettext("Back"));
    back.set_visible(false);
    content_header.pack_start(&back);
    let s = sender.clone();
    back.connect_clicked(move |_| s.input(AppMsg::Back));
    let search = gtk::Button::from_icon_name("system-search-symbolic");
    search.set_tooltip_text(Some(gettext("Search Every Library").as_str()));
    labelled(&search, &gettext("Search every library"));
    content_header.pack_end(&search);
    let s = sender.clone();
    search.connect_clicked(move |_| s.input(AppMsg::Search));
    let downloading = gtk::Button::from_icon_name("folder-download-symbolic");
    downloading.set_tooltip_text(Some(gettext("Downloads in Progress").as_str()));
    labelled(&downloading, &gettext("Downloads in progress"));
    downloading.set_visible(false);
    content_header.pack_end(&downloading);
    let s = sender.clone();
    downloading.connect_clicked(move |_| s.input(AppMsg::Open(super::navigation::Nav::Downloads)));
    let (banner, banner_label) = banner();

    let choose = adw::StatusPage::builder()
        .icon_name("folder-videos-symbolic")
        .title(gettext("Choose a Library"))
        .description(gettext("Pick a library in the sidebar to browse it."))
        .vexpand(true)
        .build();
    let content_stack = gtk::Stack::new();
    content_stack.set_vexpand(true);
    content_stack.add_named(&choose, Some(ContentPage::Choose.name()));
    content_stack.add_named(&parts.library, Some(ContentPage::Library.name()));
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
    let s = sender.clone();
    leaflet.connect_folded_notify(move |_| s.input(AppMsg::LayoutChanged));
    let s = sender.clone();
    leaflet.connect_visible_child_notify(move |_| s.input(AppMsg::LayoutChanged));

    let stack = gtk::Stack::new();
    stack.add_named(&welcome(sender), Some(TopPage::Welcome.name()));
    stack.add_named(&leaflet, Some(TopPage::Browse.name()));
    let toasts = adw::ToastOverlay::new();
    toasts.set_child(Some(&stack));
    toasts.set_vexpand(true);
    // The now-playing bar stays under whatever is browsed, below the
    // toasts: a toast never covers its buttons.
    let music_slot = gtk::Box::new(gtk::Orientation::Vertical, 0);
    let window_box = gtk::Box::new(gtk::Orientation::Vertical, 0);
    window_box.append(&toasts);
    window_box.append(&music_slot);
    root.set_content(Some(&window_box));

    Ui {
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
        downloading,
        music_slot,
    }
}
