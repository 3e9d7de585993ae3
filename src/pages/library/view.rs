//! The library as the person arranged it: the remembered sort and filters
//! read when it opens, changed from the bar, and the grid filled with the
//! server's listing for them (or what was saved, the server not answering).

use super::*;

impl LibraryView {
    /// Reads the library's remembered view: the grid is filled as it says
    /// (and what it offers is asked for what it lists).
    pub(super) fn ask_view(&self, sender: &ComponentSender<Self>) {
        let Some((source, section)) = self.current.borrow().clone() else { return };
        let generation = *self.generation.borrow();
        self.core.ask(
            sender,
            move |core| async move { core.library_view(&source.id, &section.key).await },
            move |view| LibraryMsg::ViewKnown { generation, view },
        );
    }

    /// Asks what the library offers to order and narrow what it lists now.
    pub(super) fn ask_options(&self, sender: &ComponentSender<Self>) {
        let Some((source, section)) = self.current.borrow().clone() else { return };
        let (generation, listing) = (*self.generation.borrow(), self.view.listing);
        self.core.ask(
            sender,
            move |core| async move {
                core.library_options(&source.id, &section.key, listing).await.map_err(Failure::from)
            },
            move |result| LibraryMsg::Options { generation, listing, result },
        );
    }

    /// Fills the grid as the view says: the saved items in the library's
    /// own order (the first `limit` first), else the server's listing.
    pub(super) fn fill_view(&mut self, sender: &ComponentSender<Self>, limit: usize) {
        self.browsing += 1;
        if self.view.is_plain() {
            self.bar.say_from_saved_data(false);
            return self.load_from_cache(sender, limit);
        }
        let Some((source, section)) = self.current.borrow().clone() else { return };
        let (browsing, view) = (self.browsing, self.view.clone());
        self.core.ask(
            sender,
            move |core| async move { core.browse(&source.id, &section.key, &view).await.map_err(Failure::from) },
            move |result| LibraryMsg::Browsed { browsing, result },
        );
    }

    pub(super) fn change_view(&mut self, sender: &ComponentSender<Self>, change: ViewChange) {
        tracing::debug!(?change, "library view changed");
        let view = self.view.clone();
        let view = match change {
            ViewChange::SortBy(key) => match self.bar.sort_option(&key) {
                Some(option) => view.sorted_by(&option),
                None => view,
            },
            ViewChange::Descending(down) => view.descending(down),
            ViewChange::Toggle { key, title, on } => view.with_filter(&key, on.then(|| ("1".to_string(), title))),
            ViewChange::Value { key, value } => view.with_filter(&key, value.map(|v| (v.key, v.title))),
            ViewChange::ClearFilters => ViewChoice { filters: Vec::new(), ..view },
            ViewChange::Listing(listing) if listing != view.listing => ViewChoice::listing(listing),
            ViewChange::Listing(_) => view,
        };
        self.set_view(sender, view);
    }

    /// Shows the library as `view` says (remembered), unless it already is.
    pub(super) fn set_view(&mut self, sender: &ComponentSender<Self>, view: ViewChoice) {
        if view == self.view {
            return;
        }
        self.jump.hide();
        let listing_changed = view.listing != self.view.listing;
        self.view = view;
        if listing_changed {
            // Albums and tracks have sorts and filters of their own.
            self.bar.reset_options();
            self.ask_options(sender);
        }
        self.bar.show(&self.view);
        if let Some((source, section)) = self.current.borrow().clone() {
            let view = self.view.clone();
            self.core.run(
                move |core| async move { core.set_library_view(&source.id, &section.key, &view).await },
                |r| {
                    if let Err(e) = r {
                        tracing::warn!("the library's view could not be remembered: {e}");
                    }
                },
            );
        }
        self.ui.stack.set_visible_child_name("loading");
        self.items.clear();
        self.fill_view(sender, usize::MAX);
    }

    /// Asks for the values of the filters that have some, not heard yet.
    pub(super) fn ask_values(&self, sender: &ComponentSender<Self>) {
        let Some((source, section)) = self.current.borrow().clone() else { return };
        let generation = *self.generation.borrow();
        for key in self.bar.values_wanted() {
            let (id, section_key, filter, listing) =
                (source.id.clone(), section.key.clone(), key.clone(), self.view.listing);
            self.core.ask(
                sender,
                move |core| async move {
                    core.filter_values(&id, &section_key, &filter, listing).await.map_err(Failure::from)
                },
                move |result| LibraryMsg::Values { generation, listing, key, result },
            );
        }
    }

    /// Asks where each letter begins in the library as saved: what the grid
    /// shows, listed as the server lists it, once it is all there.
    pub(super) fn ask_saved_letters(&self, sender: &ComponentSender<Self>) {
        let Some((source, section)) = self.current.borrow().clone() else { return };
        let browsing = self.browsing;
        self.core.ask(
            sender,
            move |core| async move { core.saved_first_letters(&source.id, &section.key).await.unwrap_or_default() },
            move |letters| LibraryMsg::Letters { browsing, letters },
        );
    }

    pub(super) fn show_letters(&self, letters: &[FirstLetter]) {
        // Only what the grid shows in full: a listing by title.
        if self.view.is_plain() && self.items.len() == letters.iter().map(|l| l.count).sum::<usize>() {
            self.jump.show(letters);
        }
    }

    /// The server's listing for the view (or the saved one) arrived.
    pub(super) fn browsed(&mut self, result: Result<Browsed, Failure>) {
        crate::probe!(mark("view browsed"));
        match &result {
            Ok(b) => {
                tracing::debug!(items = b.items.len(), saved = b.from_saved_data, view = %self.view.query(), "library view")
            }
            Err(f) => tracing::debug!(view = %self.view.query(), "library view not had: {}", f.error),
        }
        match result {
            Ok(b) if b.items.is_empty() => {
                self.items.clear();
                self.jump.hide();
                self.bar.say_from_saved_data(b.from_saved_data);
                self.ui.status.set_icon_name(Some("edit-find-symbolic"));
                self.ui.status.set_title(&gettext("No Matches"));
                self.ui.status.set_description(Some(&gettext("Nothing in this library matches these filters.")));
                self.ui.stack.set_visible_child_name("status");
            }
            Ok(b) => {
                // The same listing again (back from an item's page) keeps the place in the grid.
                let items: Vec<ItemSummary> = b.items.iter().map(ItemSummary::from).collect();
                if !self.items.update_in_place(items.clone()) {
                    self.items.clear();
                    self.items.extend(items);
                }
                self.jump.show(&b.letters);
                self.bar.say_from_saved_data(b.from_saved_data);
                self.ui.stack.set_visible_child_name("grid");
                crate::probe!(view_shown(&self.grid, b.items.len(), b.from_saved_data));
            }
            Err(f) => {
                self.items.clear();
                self.jump.hide();
                self.ui.status.set_icon_name(Some(if f.offline {
                    "network-offline-symbolic"
                } else {
                    "dialog-warning-symbolic"
                }));
                self.ui.status.set_title(&gettext("This View Is Not Available"));
                self.ui.status.set_description(Some(&f.message()));
                self.ui.stack.set_visible_child_name("status");
            }
        }
    }
}
