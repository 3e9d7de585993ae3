//! "Add to Playlist", from an item's page (the item itself) and from the
//! menu of each of its tracks: the server's playlists of the same kind
//! (music or video; not smart ones, whose items the server chooses), and
//! "New Playlist…", which asks for a name. Window actions
//! (`win.add-to-playlist` with (child, playlist id), `win.new-playlist` with
//! the child; child -1 is the page's item), so the menus and the tests reach
//! the same ones.

use super::{ItemMsg, ItemPage};
use crate::i18n::{gettext, i18n_f};
use crate::runtime::Failure;
use reel_core::models::{MediaItem, MediaList, Playlist};
use relm4::adw::prelude::*;
use relm4::gtk::{gio, glib};
use relm4::{adw, gtk, ComponentSender};

pub const ADD: &str = "add-to-playlist";
pub const NEW: &str = "new-playlist";
/// The name dialog's responses.
const CANCEL: &str = "cancel";
const CREATE: &str = "create";

/// The playlists one can add to, of those a server has.
pub fn addable(lists: &[MediaList]) -> Vec<Playlist> {
    lists
        .iter()
        .filter_map(|l| match l {
            MediaList::Playlist(p) if !p.smart => Some(p.clone()),
            _ => None,
        })
        .collect()
}

/// The menu for the page's item (`child` -1) or one of its children.
pub fn menu(playlists: &[Playlist], audio: bool, child: i64) -> gio::Menu {
    let menu = gio::Menu::new();
    let lists = gio::Menu::new();
    for p in playlists.iter().filter(|p| p.audio == audio) {
        let item = gio::MenuItem::new(Some(&p.title), None);
        item.set_action_and_target_value(Some(&format!("win.{ADD}")), Some(&(child, p.id.as_str()).to_variant()));
        lists.append_item(&item);
    }
    menu.append_section(None, &lists);
    let new = gio::MenuItem::new(Some(&gettext("New Playlist…")), None);
    new.set_action_and_target_value(Some(&format!("win.{NEW}")), Some(&child.to_variant()));
    menu.append_item(&new);
    menu
}

/// A child's row menu: "Add to Playlist" and its choices, and "Download…".
pub fn row_menu(playlists: &[Playlist], audio: bool, child: i64) -> gio::MenuModel {
    let menu = gio::Menu::new();
    menu.append_submenu(Some(&gettext("Add to Playlist")), &self::menu(playlists, audio, child));
    menu.append_item(&super::download::row_item(child));
    menu.upcast()
}

/// The actions, once the page is in a window.
pub fn install(window: &gtk::ApplicationWindow, sender: &ComponentSender<ItemPage>) {
    let add = gio::SimpleAction::new(ADD, Some(&<(i64, String)>::static_variant_type()));
    let s = sender.input_sender().clone();
    add.connect_activate(move |_, v| {
        if let Some((child, playlist)) = v.and_then(|v| v.get::<(i64, String)>()) {
            s.emit(ItemMsg::AddToPlaylist { child, playlist });
        }
    });
    window.add_action(&add);
    let new = gio::SimpleAction::new(NEW, Some(glib::VariantTy::INT64));
    let s = sender.input_sender().clone();
    new.connect_activate(move |_, v| {
        if let Some(child) = v.and_then(|v| v.get::<i64>()) {
            s.emit(ItemMsg::NewPlaylist { child });
        }
    });
    window.add_action(&new);
}

/// Asks for the new playlist's name; Create sends it with `child`.
pub fn ask_name(parent: Option<&gtk::Window>, what: &str, child: i64, sender: &ComponentSender<ItemPage>) {
    let dialog = adw::MessageDialog::builder()
        .modal(true)
        .heading(gettext("New Playlist"))
        .body(i18n_f("A new playlist with {} in it.", &[what]))
        .build();
    dialog.set_transient_for(parent);
    let entry = gtk::Entry::builder().activates_default(true).build();
    crate::widgets::labelled(&entry, &gettext("Playlist name"));
    entry.set_placeholder_text(Some(&gettext("Playlist name")));
    dialog.set_extra_child(Some(&entry));
    dialog.add_response(CANCEL, &gettext("Cancel"));
    dialog.add_response(CREATE, &gettext("Create"));
    dialog.set_response_appearance(CREATE, adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some(CREATE));
    dialog.set_close_response(CANCEL);
    // No name, no playlist: Create waits for one.
    dialog.set_response_enabled(CREATE, false);
    {
        let d = dialog.clone();
        entry.connect_changed(move |e| d.set_response_enabled(CREATE, !e.text().trim().is_empty()));
    }
    let (s, typed) = (sender.clone(), entry.clone());
    dialog.connect_response(None, move |d, response| {
        if response == CREATE {
            s.input(ItemMsg::CreatePlaylist { child, name: typed.text().trim().to_string() });
        }
        d.close();
    });
    dialog.present();
    entry.grab_focus();
}

impl ItemPage {
    /// The page's item (-1) or one of its children.
    pub(super) fn target(&self, child: i64) -> Option<&MediaItem> {
        match usize::try_from(child) {
            Ok(i) => self.children.get(i),
            Err(_) => self.current.as_ref().map(|(_, item)| item),
        }
    }

    /// The header's and the rows' "Add to Playlist" menus, from the playlists known.
    pub(super) fn update_playlist_menus(&self) {
        let Some((_, item)) = &self.current else { return };
        let audio = item.kind.is_music();
        let menu = menu(&self.playlists, audio, -1);
        self.ui.header.add.set_menu_model(Some(&menu));
        let playlists = self.playlists.clone();
        let kinds: Vec<bool> = self.children.iter().map(|c| c.kind.is_music()).collect();
        let n = kinds.len();
        self.ui.rows.list.set_menus(
            move |i| i < n,
            move |i| {
                let audio = *kinds.get(i)?;
                Some(row_menu(&playlists, audio, i as i64))
            },
        );
    }

    /// Adds the item (`child` -1) or a child to `playlist`, or to a new one named `name`.
    pub(super) fn add_to_playlist(
        &self,
        sender: &ComponentSender<Self>,
        child: i64,
        playlist: Option<String>,
        name: Option<String>,
    ) {
        let (Some((source, _)), Some(item)) = (self.current.as_ref(), self.target(child).cloned()) else { return };
        let title =
            playlist.as_ref().and_then(|id| self.playlists.iter().find(|p| &p.id == id)).map(|p| p.title.clone());
        let (s, id) = (sender.clone(), source.id.clone());
        self.core.run(
            move |core| async move {
                let items = std::slice::from_ref(&item);
                match (playlist, name) {
                    (Some(playlist), _) => {
                        core.add_to_playlist(&id, &playlist, items).await.map_err(Failure::from)?;
                        let to = title.unwrap_or(playlist);
                        Ok((i18n_f("Added {} to {}", &[&item.title, &to]), None))
                    }
                    (None, Some(name)) => {
                        let made = core.create_playlist(&id, &name, items).await.map_err(Failure::from)?;
                        Ok((i18n_f("Made the playlist {} with {}", &[&made.title, &item.title]), Some(made)))
                    }
                    (None, None) => Err(Failure::from(reel_core::Error::Internal("no playlist chosen".into()))),
                }
            },
            move |result| s.input(ItemMsg::Added(result)),
        );
    }
}
