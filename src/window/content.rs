//! Showing a place: the top page, the content pane's page and its title,
//! and Back (an earlier place, or the folded-away sidebar).

use super::navigation::{Nav, TopPage};
use super::App;
use crate::i18n::gettext;
use crate::pages::downloads::DownloadsMsg;
use crate::pages::home::HomeMsg;
use crate::pages::item::ItemMsg;
use crate::pages::library::LibraryMsg;
use crate::pages::list::ListMsg;
use crate::pages::server::ServerMsg;
use relm4::adw::prelude::*;
use relm4::ComponentController;

impl App {
    /// Focus goes to a widget that stays, not to whatever sidebar row GTK
    /// would pick next (GTK 4.8's accessibility bridge fails on focus moving
    /// to a row it has not registered yet).
    pub(super) fn show_top(&self, page: TopPage) {
        self.ui.stack.set_visible_child_name(page.name());
        // The now-playing bar is for browsing: not over a video, nor on the welcome page.
        self.ui.music_slot.set_visible(page == TopPage::Browse);
        if page == TopPage::Browse {
            self.ui.menu_button.grab_focus();
        }
    }

    /// Goes to `nav` and shows it.
    pub(super) fn open(&mut self, nav: Nav) {
        // Remembered for the next start: the library, or Home.
        let place = match &nav {
            Nav::Home => Some(None),
            Nav::Library { source, section } => Some(Some((source.id.clone(), section.key.clone()))),
            Nav::Item { .. } | Nav::Server { .. } | Nav::List { .. } | Nav::Downloads | Nav::Search => None,
        };
        // A benchmark that opens a page itself leaves the place as it found
        // it: every run must start the same way.
        #[cfg(feature = "bench")]
        let place = place.filter(|_| !crate::bench_probe::opens_pages());
        if let Some(place) = place {
            self.core.run(|core| async move { core.remember_place(place).await }, |_| {});
        }
        let nav = self.history.open(nav).clone();
        self.show(nav);
    }

    pub(super) fn back(&mut self) {
        if let Some(nav) = self.history.back().cloned() {
            self.show(nav);
        } else if self.ui.leaflet.is_folded() {
            self.ui.leaflet.set_visible_child(&self.ui.side_box);
        }
    }

    /// Back is there when there is somewhere to go back to: an earlier page,
    /// or the folded-away sidebar.
    pub(super) fn update_back(&self) {
        let folded = self.ui.leaflet.is_folded();
        let on_content = self.ui.leaflet.visible_child().as_ref() == Some(self.ui.content_box.upcast_ref());
        self.ui.back.set_visible(self.history.can_go_back() || (folded && on_content));
        // Folded, the sidebar is a page of its own and needs the window's close button.
        self.ui.side_header.set_show_end_title_buttons(folded);
    }

    pub(super) fn show(&self, nav: Nav) {
        if self.ui.leaflet.is_folded() {
            self.ui.leaflet.set_visible_child(&self.ui.content_box);
        }
        self.update_back();
        let page = nav.page();
        let title = &self.ui.content_title;
        match nav {
            Nav::Home => {
                title.set_title(&gettext("Home"));
                title.set_subtitle("");
                // Its cards play (Continue Watching).
                self.children.get_ready_to_play(false);
                self.children.home().emit(HomeMsg::Show(self.servers.sources()));
            }
            Nav::Downloads => {
                title.set_title(&gettext("Downloads"));
                title.set_subtitle("");
                self.children.downloads_page().emit(DownloadsMsg::Show);
            }
            Nav::Search => {
                title.set_title(&gettext("Search"));
                title.set_subtitle("");
                self.children.search_page().emit(crate::pages::search::SearchMsg::Show);
            }
            Nav::Server { source } => {
                title.set_title(&source.name);
                title.set_subtitle(&gettext("Connections"));
                self.children.server_page().emit(ServerMsg::Show(source));
            }
            Nav::Library { source, section } => {
                title.set_title(&section.title);
                title.set_subtitle(&source.name);
                self.children.library.emit(LibraryMsg::Show { source, section });
            }
            Nav::List { source, list } => {
                title.set_title(list.title());
                title.set_subtitle(&source.name);
                // A playlist or collection plays from its page.
                self.children.get_ready_to_play(false);
                self.children.list_page().emit(ListMsg::Show { source, list });
            }
            Nav::Item { source, item } => {
                title.set_title(&item.title);
                title.set_subtitle(&source.name);
                // Something to play: the player gets ready meanwhile, so Play
                // does not wait for GStreamer or the video sink to be made.
                self.children.get_ready_to_play(item.kind.can_be_watched());
                self.children.item_page().emit(ItemMsg::Show { source, item });
            }
        }
        // After the match: a page is built the first time it is shown.
        self.ui.content_stack.set_visible_child_name(page.name());
    }
}
