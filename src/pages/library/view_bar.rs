//! The bar above a library's grid: how many items it shows, and the
//! server's own sorts and filters to order and narrow them (the choice is
//! the library page's; this only shows it and says what the person picked).

use super::{LibraryMsg, LibraryView};
use crate::i18n::{gettext, ni18n_f};
use reel_core::models::{
    added_within, FilterOption, FilterValue, LibraryView as ViewChoice, Listing, SortOption, ADDED_AFTER,
};
use reel_core::LibraryOptions;
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentSender};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// What the person changed in the bar.
#[derive(Debug, Clone)]
pub enum ViewChange {
    /// Ordered by the server's sort `key` (its usual direction first).
    SortBy(String),
    Descending(bool),
    /// A filter that is on or off (`unwatched`).
    Toggle {
        key: String,
        title: String,
        on: bool,
    },
    /// A filter's value chosen, or any.
    Value {
        key: String,
        value: Option<FilterValue>,
    },
    ClearFilters,
    /// A music library's albums or tracks listed instead of its artists.
    Listing(Option<Listing>),
}

/// A filter with values: its row and what it offers, once heard.
struct ValueRow {
    key: String,
    row: adw::ComboRow,
    values: Vec<FilterValue>,
}

pub(super) struct ViewBar {
    pub(super) root: gtk::Box,
    /// What a music library lists: artists, albums or tracks (one pressed).
    listings: gtk::Box,
    count: gtk::Label,
    saved: gtk::Label,
    sort_button: gtk::MenuButton,
    filter_button: gtk::MenuButton,
    sorts: gtk::Box,
    ascending: gtk::CheckButton,
    descending: gtk::CheckButton,
    filters: gtk::ListBox,
    clear: gtk::Button,
    options: RefCell<LibraryOptions>,
    value_rows: RefCell<Vec<ValueRow>>,
    /// Set while the widgets are filled from code: their signals then are
    /// not the person's choice.
    quiet: Rc<Cell<bool>>,
}

impl ViewBar {
    pub(super) fn new(sender: &ComponentSender<LibraryView>) -> Self {
        let root =
            gtk::Box::builder().spacing(6).margin_start(12).margin_end(12).margin_top(6).margin_bottom(6).build();
        let count = gtk::Label::builder().xalign(0.0).build();
        count.add_css_class("dim-label");
        let saved = gtk::Label::builder().label(gettext("From saved data")).visible(false).build();
        saved.add_css_class("dim-label");
        saved.add_css_class("caption");
        let spacer = gtk::Box::builder().hexpand(true).build();

        let quiet = Rc::new(Cell::new(false));
        let sorts = gtk::Box::new(gtk::Orientation::Vertical, 2);
        let ascending = gtk::CheckButton::with_label(&gettext("Ascending"));
        let descending = gtk::CheckButton::with_label(&gettext("Descending"));
        descending.set_group(Some(&ascending));
        for (button, down) in [(&ascending, false), (&descending, true)] {
            let (s, quiet) = (sender.clone(), quiet.clone());
            button.connect_toggled(move |b| {
                if b.is_active() && !quiet.get() {
                    s.input(LibraryMsg::ViewChanged(ViewChange::Descending(down)));
                }
            });
        }
        let sort_content = gtk::Box::new(gtk::Orientation::Vertical, 6);
        sort_content.append(&sorts);
        sort_content.append(&gtk::Separator::new(gtk::Orientation::Horizontal));
        sort_content.append(&ascending);
        sort_content.append(&descending);
        let sort_button = gtk::MenuButton::builder()
            .label(gettext("Sort"))
            .popover(&gtk::Popover::builder().child(&sort_content).build())
            .sensitive(false)
            .build();
        sort_button.add_css_class("flat");

        let filters = gtk::ListBox::builder().selection_mode(gtk::SelectionMode::None).build();
        filters.add_css_class("boxed-list");
        let clear = gtk::Button::builder().label(gettext("Clear Filters")).sensitive(false).build();
        {
            let s = sender.clone();
            clear.connect_clicked(move |_| s.input(LibraryMsg::ViewChanged(ViewChange::ClearFilters)));
        }
        let filter_content = gtk::Box::new(gtk::Orientation::Vertical, 12);
        filter_content.set_width_request(320);
        // First: with filters set, the way back to the whole library is
        // where the focus starts.
        filter_content.append(&clear);
        filter_content.append(
            &gtk::ScrolledWindow::builder()
                .child(&filters)
                .propagate_natural_height(true)
                .max_content_height(480)
                .hscrollbar_policy(gtk::PolicyType::Never)
                .build(),
        );
        let filter_popover = gtk::Popover::builder().child(&filter_content).build();
        {
            // The values of each filter are asked for when first wanted.
            let s = sender.clone();
            filter_popover.connect_show(move |_| s.input(LibraryMsg::FilterValuesWanted));
        }
        let filter_button =
            gtk::MenuButton::builder().label(gettext("Filter")).popover(&filter_popover).sensitive(false).build();
        filter_button.add_css_class("flat");

        let listings = listing_buttons(sender, &quiet);
        root.append(&listings);
        root.append(&count);
        root.append(&saved);
        root.append(&spacer);
        root.append(&sort_button);
        root.append(&filter_button);
        ViewBar {
            root,
            listings,
            count,
            saved,
            sort_button,
            filter_button,
            sorts,
            ascending,
            descending,
            filters,
            clear,
            options: RefCell::default(),
            value_rows: RefCell::default(),
            quiet,
        }
    }

    /// The label saying how many items the grid shows (see [`show_count`]).
    pub(super) fn count_label(&self) -> gtk::Label {
        self.count.clone()
    }

    /// Whether what the grid shows came from what Reel saved, the server
    /// not answering.
    pub(super) fn say_from_saved_data(&self, saved: bool) {
        self.saved.set_visible(saved);
    }

    /// A new library: nothing to offer until its server (or what was kept) says.
    pub(super) fn reset(&self) {
        self.reset_options();
        self.saved.set_visible(false);
    }

    /// Another kind listed: its sorts and filters are not known yet.
    pub(super) fn reset_options(&self) {
        *self.options.borrow_mut() = LibraryOptions::default();
        self.value_rows.borrow_mut().clear();
        self.sort_button.set_sensitive(false);
        self.filter_button.set_sensitive(false);
    }

    /// Whether the library can list its albums or tracks instead (music).
    pub(super) fn offer_listings(&self, music: bool) {
        self.listings.set_visible(music);
    }

    /// The library's sorts and filters, and the choice made of them.
    pub(super) fn offer(&self, sender: &ComponentSender<LibraryView>, options: LibraryOptions, view: &ViewChoice) {
        self.quiet.set(true);
        while let Some(child) = self.sorts.first_child() {
            self.sorts.remove(&child);
        }
        let mut group: Option<gtk::CheckButton> = None;
        for sort in &options.sorts {
            let button = gtk::CheckButton::with_label(&sort.title);
            button.set_group(group.as_ref());
            group.get_or_insert_with(|| button.clone());
            let (s, key, quiet) = (sender.clone(), sort.key.clone(), self.quiet.clone());
            button.connect_toggled(move |b| {
                if b.is_active() && !quiet.get() {
                    s.input(LibraryMsg::ViewChanged(ViewChange::SortBy(key.clone())));
                }
            });
            self.sorts.append(&button);
        }
        while let Some(row) = self.filters.first_child() {
            self.filters.remove(&row);
        }
        let mut rows = Vec::new();
        for filter in &options.filters {
            if filter.boolean {
                self.filters.append(&switch_row(sender, filter, &self.quiet));
            } else {
                let row = value_row(sender, filter, &self.quiet);
                self.filters.append(&row);
                rows.push(ValueRow { key: filter.key.clone(), row, values: Vec::new() });
            }
        }
        self.sort_button.set_sensitive(!options.sorts.is_empty());
        self.filter_button.set_sensitive(!options.filters.is_empty());
        *self.value_rows.borrow_mut() = rows;
        *self.options.borrow_mut() = options;
        self.quiet.set(false);
        self.show(view);
    }

    /// The sort the server calls `key`.
    pub(super) fn sort_option(&self, key: &str) -> Option<SortOption> {
        self.options.borrow().sorts.iter().find(|s| s.key == key).cloned()
    }

    /// The filters with values whose values are not known yet.
    pub(super) fn values_wanted(&self) -> Vec<String> {
        self.value_rows.borrow().iter().filter(|r| r.values.is_empty()).map(|r| r.key.clone()).collect()
    }

    /// The values of filter `key`, heard.
    pub(super) fn values(&self, key: &str, values: Vec<FilterValue>, view: &ViewChoice) {
        let mut rows = self.value_rows.borrow_mut();
        let Some(r) = rows.iter_mut().find(|r| r.key == key) else { return };
        let values = named_values(key, values);
        let mut names = vec![gettext("Any")];
        names.extend(values.iter().map(|v| v.title.clone()));
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.quiet.set(true);
        r.row.set_model(Some(&gtk::StringList::new(&names)));
        r.values = values;
        r.row.set_sensitive(true);
        self.quiet.set(false);
        drop(rows);
        self.show(view);
    }

    /// The values of filter `key` could not be had (offline, never heard).
    pub(super) fn values_missing(&self, key: &str, why: &str) {
        if let Some(r) = self.value_rows.borrow().iter().find(|r| r.key == key) {
            r.row.set_subtitle(why);
        }
    }

    /// The value of filter `key` shown at `position` in its row (0: any).
    pub(super) fn value_at(&self, key: &str, position: u32) -> Option<FilterValue> {
        let rows = self.value_rows.borrow();
        let r = rows.iter().find(|r| r.key == key)?;
        r.values.get((position as usize).checked_sub(1)?).cloned()
    }

    /// Shows the choice: the sort and its direction ticked, each filter as set.
    pub(super) fn show(&self, view: &ViewChoice) {
        self.quiet.set(true);
        let options = self.options.borrow();
        // No sort chosen is the server's own order: by title.
        let key = view.sort.as_ref().map_or("titleSort", |s| s.key.as_str());
        let mut button = self.sorts.first_child();
        for sort in &options.sorts {
            if let Some(b) = button.as_ref().and_then(|b| b.downcast_ref::<gtk::CheckButton>()) {
                if sort.key == key {
                    b.set_active(true);
                }
            }
            button = button.and_then(|b| b.next_sibling());
        }
        let listed = [None, Some(Listing::Albums), Some(Listing::Tracks)];
        let mut button = self.listings.first_child();
        for listing in listed {
            if let Some(b) = button.as_ref().and_then(|b| b.downcast_ref::<gtk::ToggleButton>()) {
                b.set_active(view.listing == listing);
            }
            button = button.and_then(|b| b.next_sibling());
        }
        let down = view.sort.as_ref().is_some_and(|s| s.descending);
        self.descending.set_active(down);
        self.ascending.set_active(!down);
        let mut row = self.filters.first_child();
        for filter in &options.filters {
            let set = view.filters.iter().find(|f| f.key == filter.key);
            if let Some(r) = row.as_ref() {
                if let Some(combo) = r.downcast_ref::<adw::ComboRow>() {
                    let values = self.value_rows.borrow();
                    let known = values.iter().find(|v| v.key == filter.key).map(|v| v.values.as_slice()).unwrap_or(&[]);
                    let at = set.and_then(|f| known.iter().position(|v| v.key == f.value)).map_or(0, |i| i + 1);
                    combo.set_selected(at as u32);
                    // A value chosen before its list was heard is still named.
                    combo.set_subtitle(&set.filter(|_| at == 0).map(|f| f.title.clone()).unwrap_or_default());
                } else if let Some(switch) = r.downcast_ref::<adw::ActionRow>().and_then(|a| a.activatable_widget()) {
                    if let Some(switch) = switch.downcast_ref::<gtk::Switch>() {
                        switch.set_active(set.is_some());
                    }
                }
            }
            row = row.and_then(|r| r.next_sibling());
        }
        drop(options);
        let n = view.filters.len() as u32;
        let label = if n == 0 { gettext("Filter") } else { ni18n_f("{} Filter", "{} Filters", u64::from(n), &[]) };
        self.filter_button.set_label(&label);
        self.clear.set_sensitive(n > 0);
        self.quiet.set(false);
    }
}

/// Artists, Albums, Tracks: what a music library lists, one pressed (a
/// linked row of toggles, as GNOME apps switch between views of one list).
fn listing_buttons(sender: &ComponentSender<LibraryView>, quiet: &Rc<Cell<bool>>) -> gtk::Box {
    let row = gtk::Box::new(gtk::Orientation::Horizontal, 0);
    row.add_css_class("linked");
    row.set_visible(false);
    let mut group: Option<gtk::ToggleButton> = None;
    for (listing, label) in [
        (None, gettext("Artists")),
        (Some(Listing::Albums), gettext("Albums")),
        (Some(Listing::Tracks), gettext("Tracks")),
    ] {
        let button = gtk::ToggleButton::builder().label(label.as_str()).active(listing.is_none()).build();
        button.set_group(group.as_ref());
        group.get_or_insert_with(|| button.clone());
        let (s, quiet) = (sender.clone(), quiet.clone());
        button.connect_toggled(move |b| {
            if b.is_active() && !quiet.get() {
                s.input(LibraryMsg::ViewChanged(ViewChange::Listing(listing)));
            }
        });
        row.append(&button);
    }
    row
}

/// Says on `label` that the grid shows `n` items.
pub(super) fn show_count(label: &gtk::Label, n: u32) {
    label.set_label(&ni18n_f("{} item", "{} items", u64::from(n), &[]));
}

/// A filter's name: the server's, or Reel's for the filters it offers itself.
fn named(filter: &FilterOption) -> String {
    if filter.key == ADDED_AFTER {
        gettext("Date Added")
    } else {
        filter.title.clone()
    }
}

/// A filter's values as shown: the server's names, or Reel's words for
/// how far back "added lately" reaches.
fn named_values(key: &str, values: Vec<FilterValue>) -> Vec<FilterValue> {
    if key != ADDED_AFTER {
        return values;
    }
    let words = |v: &FilterValue| match added_within(&v.key) {
        Some(7) => gettext("In the Last Week"),
        Some(30) => gettext("In the Last Month"),
        Some(90) => gettext("In the Last 3 Months"),
        Some(365) => gettext("In the Last Year"),
        _ => v.key.clone(),
    };
    values.into_iter().map(|v| FilterValue { title: words(&v), ..v }).collect()
}

/// A filter that is on or off, as a row with a switch.
fn switch_row(sender: &ComponentSender<LibraryView>, filter: &FilterOption, quiet: &Rc<Cell<bool>>) -> adw::ActionRow {
    let switch = gtk::Switch::builder().valign(gtk::Align::Center).build();
    switch.update_property(&[gtk::accessible::Property::Label(&named(filter))]);
    let row = adw::ActionRow::builder().title(named(filter)).activatable_widget(&switch).build();
    row.add_suffix(&switch);
    let (s, key, title, quiet) = (sender.clone(), filter.key.clone(), filter.title.clone(), quiet.clone());
    switch.connect_active_notify(move |sw| {
        if !quiet.get() {
            let change = ViewChange::Toggle { key: key.clone(), title: title.clone(), on: sw.is_active() };
            s.input(LibraryMsg::ViewChanged(change));
        }
    });
    row
}

/// A filter with values, as a row to pick one (or any) from.
fn value_row(sender: &ComponentSender<LibraryView>, filter: &FilterOption, quiet: &Rc<Cell<bool>>) -> adw::ComboRow {
    let row = adw::ComboRow::builder()
        .title(named(filter))
        .model(&gtk::StringList::new(&[&gettext("Any")]))
        .sensitive(false)
        .build();
    let (s, key, quiet) = (sender.clone(), filter.key.clone(), quiet.clone());
    row.connect_selected_notify(move |r| {
        if !quiet.get() {
            s.input(LibraryMsg::FilterPicked { key: key.clone(), position: r.selected() });
        }
    });
    row
}
