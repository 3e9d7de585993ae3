//! A server's playlists and collections in the sidebar: saved ones at
//! once, then the server's; asked again after the user made or changed one.

use super::{App, AppMsg};
use crate::pages::item::ItemMsg;
use reel_core::models::MediaList;
use reel_core::SourceId;
use relm4::{ComponentController, ComponentSender};

impl App {
    pub(super) fn lists_known(&mut self, source_id: &str, lists: Vec<MediaList>) {
        // The item page's "Add to Playlist" offers them too.
        if let Some(page) = self.children.item_page_if_built() {
            page.emit(ItemMsg::Lists { source_id: source_id.into(), lists: lists.clone() });
        }
        if self.servers.set_lists(source_id, lists) {
            self.show_sidebar();
        }
    }

    pub(super) fn refresh_lists(&self, sender: &ComponentSender<Self>, source_id: &SourceId) {
        let (s, id) = (sender.clone(), source_id.clone());
        self.core.run(
            |core| async move {
                let lists = core.fetch_lists(&id).await?;
                core.sync_list_entries(&id, &lists).await;
                Ok::<_, reel_core::Error>((id, lists))
            },
            move |r| {
                // Not reachable: the saved ones stay (the banner says why).
                if let Ok((source_id, lists)) = r {
                    s.input(AppMsg::Lists { source_id, lists });
                }
            },
        );
    }
}
