//! Filling the grid: the saved items first, then the server's answer, a
//! page at a time, and what to show when there is nothing.

use super::*;

impl LibraryView {
    /// Reads the first `limit` saved items of the library shown.
    pub(super) fn load_from_cache(&self, sender: &ComponentSender<Self>, limit: usize) {
        let Some((source, section)) = self.current.borrow().clone() else { return };
        let generation = *self.generation.borrow();
        let s = sender.clone();
        self.core.run(
            |core| async move { core.saved_summaries(&source.id, &section.key, 0, limit).await },
            move |r| {
                if let Ok(page) = r {
                    s.input(LibraryMsg::Loaded { generation, page });
                }
            },
        );
    }

    /// Brings the cached section up to date; `force` (F5) fetches even when it looks current.
    pub(super) fn sync(&self, sender: &ComponentSender<Self>, source: Source, section: Section, force: bool) {
        let generation = *self.generation.borrow();
        let (s, s2) = (sender.clone(), sender.clone());
        self.core.run(
            |core| async move {
                let progress = move |done, total| s.input(LibraryMsg::Progress { generation, done, total });
                core.sync_section(&source.id, &section, force, progress).await
            },
            move |r| match r {
                Ok(SectionSync::Fetched(n)) => s2.input(LibraryMsg::Synced { generation, result: Ok(n) }),
                // Not asked, so no news about the server either way.
                Ok(SectionSync::AlreadyCurrent(total)) => s2.input(LibraryMsg::Current { generation, total }),
                Err(e) => s2.input(LibraryMsg::Synced { generation, result: Err(Failure::from(e)) }),
            },
        );
    }

    pub(super) fn show_empty(&mut self) {
        self.items.clear();
        self.ui.status.set_icon_name(Some("folder-symbolic"));
        self.ui.status.set_title(&gettext("Nothing Here Yet"));
        self.ui.status.set_description(Some(gettext("This library is empty.").as_str()));
        self.ui.stack.set_visible_child_name("status");
    }

    /// Shows saved items; when they are only the first of more, the rest is
    /// read once they are painted (a low-priority idle runs after the frame).
    pub(super) fn loaded(&mut self, sender: &ComponentSender<Self>, generation: u64, page: Page<ItemSummary>) {
        let more = page.items.len() < page.total;
        self.fill(page);
        crate::probe! {
            grid_filled(
                Page::Library,
                &self.grid,
                &self.ui.scroller,
                self.items.len() as u32,
                !more,
            );
        }
        if !more && self.view.is_plain() {
            self.ask_saved_letters(sender);
        }
        crate::probe! {
            if !more {
                if let Some(view) = view_request_once() {
                    // Half a second after the whole grid is there, as a person picks it.
                    let s = sender.clone();
                    glib::timeout_add_local_once(std::time::Duration::from_millis(500), move || {
                        s.input(LibraryMsg::BenchView(view))
                    });
                }
            }
        }
        if more {
            let s = sender.clone();
            glib::idle_add_local_full(glib::Priority::LOW, move || {
                s.input(LibraryMsg::LoadRest { generation });
                glib::ControlFlow::Break
            });
        }
    }

    pub(super) fn fill(&mut self, page: Page<ItemSummary>) {
        if page.items.is_empty() {
            // Nothing cached (yet): the sync's answer decides what to show.
            return;
        }
        let shown = self.items.len();
        // The library shown already (back from an item's page): its tiles
        // stay, and so does the place in the grid.
        let whole = page.items.len() == page.total;
        if shown == page.total
            && (self.items.starts_with(&page.items) || whole && self.items.update_in_place(page.items.clone()))
        {
            self.ui.stack.set_visible_child_name("grid");
            return;
        }
        // The first items are already shown: only the rest is added, so
        // nothing on screen is built again.
        let prefix = shown > 0 && shown < page.items.len() && self.items.starts_with(&page.items[..shown]);
        let mut all = page.items;
        let rest = if prefix {
            all.split_off(shown)
        } else {
            self.items.clear();
            all
        };
        self.ui.stack.set_visible_child_name("grid");
        self.items.extend(rest);
        crate::probe!(mark("grid-filled"));
    }
}
