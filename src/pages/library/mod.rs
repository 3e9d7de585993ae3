//! One library as a poster grid: a virtualised `gtk::GridView`, so 50 000
//! items scroll smoothly. Shown from the library cache at once, then synced
//! in the background with visible progress; posters load lazily.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use crate::widgets::poster::{PosterSize, Shape};
use crate::widgets::posters::Posters;
use model::TileModel;
use reel_core::models::{
    Download, Downloaded, FilterValue, FirstLetter, ItemSummary, LibraryView as ViewChoice, Listing, MediaItem, Page,
    Section, SectionKind, Source,
};
use reel_core::{Browsed, LibraryOptions, SectionSync};
use reel_core::{ItemKey, SourceId};
use relm4::adw::prelude::*;
use relm4::gtk::{gdk, glib};
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::cell::RefCell;
use std::rc::Rc;

/// Columns before the grid knows its width: what a default window shows.
const INITIAL_COLUMNS: u32 = 5;
const MAX_COLUMNS: u32 = 12;

mod jump;
mod loading;
mod model;
mod tile;
mod view;
mod view_bar;

use jump::LetterJump;
use view_bar::{ViewBar, ViewChange};

pub struct LibraryView {
    core: CoreHandle,
    /// Measured by the grid benchmark's hook.
    #[cfg_attr(not(feature = "bench"), allow(dead_code))]
    grid: gtk::GridView,
    /// The library's items, as the grid shows them.
    items: TileModel,
    current: Rc<RefCell<Option<(Source, Section)>>>,
    generation: Rc<RefCell<u64>>,
    posters: Rc<Posters>,
    /// What plays here with no network: its tiles are marked.
    downloaded: Rc<RefCell<Downloaded>>,
    /// How the library is ordered and narrowed (remembered per library).
    view: ViewChoice,
    /// Counts the library's listings asked for a view: only the last one's
    /// answer is shown.
    browsing: u64,
    bar: ViewBar,
    jump: LetterJump,
    ui: Ui,
}

struct Ui {
    stack: gtk::Stack,
    status: adw::StatusPage,
    progress: gtk::ProgressBar,
    progress_revealer: gtk::Revealer,
    search_bar: gtk::SearchBar,
    search: gtk::SearchEntry,
    /// Scrolled by the grid benchmark's hook.
    #[cfg_attr(not(feature = "bench"), allow(dead_code))]
    scroller: gtk::ScrolledWindow,
}

#[derive(Debug)]
pub enum LibraryMsg {
    /// Show a library: its first items, then the rest once they are painted.
    Show {
        source: Source,
        section: Section,
    },
    /// Read the rest of the library (after the first items were painted).
    LoadRest {
        generation: u64,
    },
    Loaded {
        generation: u64,
        page: Page<ItemSummary>,
    },
    Progress {
        generation: u64,
        done: usize,
        total: usize,
    },
    Synced {
        generation: u64,
        result: Result<usize, Failure>,
    },
    /// The cache already holds the server's current version (`total` items).
    Current {
        generation: u64,
        total: usize,
    },
    Poster {
        key: ItemKey,
        texture: gdk::Texture,
    },
    /// The library's remembered view: the grid is filled as it says.
    ViewKnown {
        generation: u64,
        view: ViewChoice,
    },
    /// The sorts and filters the library offers for what it lists.
    Options {
        generation: u64,
        listing: Option<Listing>,
        result: Result<LibraryOptions, Failure>,
    },
    ViewChanged(ViewChange),
    /// The benchmark's view, shown as a person's choice is (`REEL_BENCH_VIEW`).
    #[cfg(feature = "bench")]
    BenchView(ViewChoice),
    /// A filter's value picked in its row (0: any).
    FilterPicked {
        key: String,
        position: u32,
    },
    /// The filters were opened: their values are asked for.
    FilterValuesWanted,
    Values {
        generation: u64,
        listing: Option<Listing>,
        key: String,
        result: Result<Vec<FilterValue>, Failure>,
    },
    /// The library as the view shows it.
    Browsed {
        browsing: u64,
        result: Result<Browsed, Failure>,
    },
    /// Where each letter begins in the library as saved (listed by title).
    Letters {
        browsing: u64,
        letters: Vec<FirstLetter>,
    },
    Activated(u32),
    /// The whole item of an activated tile, read from the cache.
    Open(MediaItem),
    /// An item of a server changed (played, marked watched): its tile
    /// shows it, whether the grid is in sight or under the item's page.
    ItemChanged {
        source_id: SourceId,
        item: MediaItem,
    },
    ToggleSearch,
    Query(String),
    Refresh,
    /// A download finished or went: the marks are read again.
    DownloadsChanged,
    Downloads(Vec<Download>),
}

#[derive(Debug)]
pub enum LibraryOutput {
    Open { source: Source, item: MediaItem },
    Reached { source_id: SourceId, result: Result<(), Failure> },
    Toast(String),
}

impl SimpleComponent for LibraryView {
    /// The core, and the library to show at once (read while GTK started), if any.
    type Init = (CoreHandle, Option<(Source, Section, Page<ItemSummary>)>);
    type Input = LibraryMsg;
    type Output = LibraryOutput;
    type Root = gtk::Box;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::Box::new(gtk::Orientation::Vertical, 0)
    }

    fn init((core, start): Self::Init, root: gtk::Box, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let current: Rc<RefCell<Option<(Source, Section)>>> = Rc::new(RefCell::new(None));
        let generation = Rc::new(RefCell::new(0u64));
        let items = TileModel::default();
        let grid = gtk::GridView::new(Some(gtk::NoSelection::new(Some(items.clone()))), None::<gtk::ListItemFactory>);
        grid.set_single_click_activate(true);
        // GTK 4.8's grid keeps max-columns × 30 tiles alive around what is
        // shown, so columns that cannot fit the width only cost widgets (12
        // allowed columns made 360 tiles at once: 140 ms before the first
        // frame). Allow as many as fit; the width is followed below.
        grid.set_max_columns(INITIAL_COLUMNS);
        grid.update_property(&[gtk::accessible::Property::Label(&gettext("Library items"))]);
        {
            let s = sender.clone();
            grid.connect_activate(move |_, pos| s.input(LibraryMsg::Activated(pos)));
        }

        let search = gtk::SearchEntry::new();
        search.update_property(&[gtk::accessible::Property::Label(&gettext("Search this library"))]);
        let search_bar = gtk::SearchBar::new();
        search_bar.set_child(Some(&search));
        search_bar.connect_entry(&search);
        {
            let s = sender.clone();
            search.connect_search_changed(move |e| s.input(LibraryMsg::Query(e.text().to_string())));
        }
        root.append(&search_bar);
        let bar = ViewBar::new(&sender);
        root.append(&bar.root);
        {
            // The count follows what the grid shows, whatever changed it.
            let count = bar.count_label();
            items.connect_items_changed(move |model, _, _, _| view_bar::show_count(&count, model.n_items()));
        }

        let progress = gtk::ProgressBar::new();
        progress.add_css_class("osd");
        progress.update_property(&[gtk::accessible::Property::Label(&gettext("Updating library"))]);
        let progress_revealer = gtk::Revealer::builder().child(&progress).build();
        root.append(&progress_revealer);

        let scroller =
            gtk::ScrolledWindow::builder().child(&grid).vexpand(true).hscrollbar_policy(gtk::PolicyType::Never).build();
        {
            let view = grid.clone();
            scroller.hadjustment().connect_page_size_notify(move |adj| {
                let width = adj.page_size();
                if width <= 0.0 {
                    return;
                }
                let columns = ((width / tile::TILE_WIDTH as f64).floor() as u32).clamp(1, MAX_COLUMNS);
                if view.max_columns() != columns {
                    // Not while the grid is being allocated: after it.
                    let view = view.clone();
                    glib::idle_add_local_once(move || view.set_max_columns(columns));
                }
            });
        }
        let posters = {
            let (core, current, sender) = (core.clone(), current.clone(), sender.clone());
            Posters::new(
                &scroller,
                Box::new(move |key: &ItemKey, thumb: &str, shape: Shape| {
                    let (source, _) = current.borrow().clone()?;
                    let (core2, key, thumb, s) = (core.clone(), key.clone(), thumb.to_string(), sender.clone());
                    // Decoded on a worker thread: the main loop only paints.
                    Some(core.spawn(
                        async move { core2.poster_texture(&source.id, &thumb, PosterSize::Tile, shape).await },
                        move |t| {
                            if let Some(texture) = t {
                                s.input(LibraryMsg::Poster { key, texture });
                            }
                        },
                    ))
                }),
            )
        };
        let downloaded = Rc::new(RefCell::new(Downloaded::default()));
        grid.set_factory(Some(&tile::factory(posters.clone(), downloaded.clone())));
        let status = adw::StatusPage::builder().vexpand(true).build();
        let spinner = gtk::Spinner::new();
        spinner.start();
        spinner.set_size_request(32, 32);
        spinner.set_halign(gtk::Align::Center);
        spinner.set_valign(gtk::Align::Center);
        let jump = LetterJump::new(&grid);
        let beside = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        scroller.set_hexpand(true);
        beside.append(&scroller);
        beside.append(&jump.root);
        let stack = gtk::Stack::new();
        stack.set_vexpand(true);
        stack.add_named(&beside, Some("grid"));
        stack.add_named(&status, Some("status"));
        stack.add_named(&spinner, Some("loading"));
        root.append(&stack);

        let mut model = LibraryView {
            core,
            grid,
            items,
            current,
            generation,
            posters,
            downloaded,
            view: ViewChoice::default(),
            browsing: 0,
            bar,
            jump,
            ui: Ui { stack, status, progress, progress_revealer, search_bar, search, scroller },
        };
        // In the window's first frame; the Show that follows brings the rest.
        if let Some((source, section, first)) = start {
            crate::probe!(mark_open(Page::Library));
            *model.current.borrow_mut() = Some((source, section));
            model.fill(first);
            crate::probe! {
                grid_filled(
                    Page::Library,
                    &model.grid,
                    &model.ui.scroller,
                    model.items.len() as u32,
                    false,
                );
            }
        }
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: LibraryMsg, sender: ComponentSender<Self>) {
        let generation = *self.generation.borrow();
        match msg {
            LibraryMsg::Show { source, section } => {
                crate::probe!(mark_open(Page::Library));
                crate::probe!(mark("library-open"));
                let same =
                    self.current.borrow().as_ref().is_some_and(|(s, sec)| s.id == source.id && sec.key == section.key);
                if !same {
                    self.items.clear();
                    self.ui.search.set_text("");
                    self.ui.stack.set_visible_child_name("loading");
                    self.bar.reset();
                    self.bar.offer_listings(section.kind == SectionKind::Music);
                    self.jump.hide();
                    // Until its own is read, the library is shown as listed.
                    self.view = ViewChoice::default();
                }
                *self.generation.borrow_mut() += 1;
                *self.current.borrow_mut() = Some((source.clone(), section.clone()));
                self.posters.clear();
                self.ask_downloads(&sender);
                self.ask_view(&sender);
                self.sync(&sender, source, section, false);
            }
            LibraryMsg::Refresh => {
                if let Some((source, section)) = self.current.borrow().clone() {
                    self.sync(&sender, source, section, true);
                }
            }
            // (A listing read before another view was chosen is not shown.)
            LibraryMsg::Loaded { generation: g, page } if g == generation && self.view.is_plain() => {
                self.loaded(&sender, g, page)
            }
            LibraryMsg::LoadRest { generation: g } if g == generation && self.view.is_plain() => {
                self.load_from_cache(&sender, usize::MAX)
            }
            LibraryMsg::ViewKnown { generation: g, view } if g == generation => {
                self.bar.show(&view);
                self.view = view;
                self.ask_options(&sender);
                self.fill_view(&sender, reel_core::FIRST_PAGE);
            }
            LibraryMsg::Options { generation: g, listing, result }
                if g == generation && listing == self.view.listing =>
            {
                match result {
                    Ok(options) => self.bar.offer(&sender, options, &self.view),
                    Err(f) => tracing::info!("the library's sorts and filters are not known: {}", f.error),
                }
            }
            LibraryMsg::ViewChanged(change) => self.change_view(&sender, change),
            #[cfg(feature = "bench")]
            LibraryMsg::BenchView(view) => {
                crate::probe!(view_asked());
                self.set_view(&sender, view);
            }
            LibraryMsg::FilterPicked { key, position } => {
                let value = self.bar.value_at(&key, position);
                self.change_view(&sender, ViewChange::Value { key, value });
            }
            LibraryMsg::FilterValuesWanted => self.ask_values(&sender),
            LibraryMsg::Values { generation: g, listing, key, result }
                if g == generation && listing == self.view.listing =>
            {
                match result {
                    Ok(values) => self.bar.values(&key, values, &self.view),
                    Err(f) => self.bar.values_missing(&key, &f.message()),
                }
            }
            LibraryMsg::Browsed { browsing, result } if browsing == self.browsing => self.browsed(result),
            LibraryMsg::Letters { browsing, letters } if browsing == self.browsing => self.show_letters(&letters),
            LibraryMsg::Progress { generation: g, done, total } if g == generation => {
                self.ui.progress_revealer.set_reveal_child(true);
                self.ui.progress.set_fraction(if total == 0 { 1.0 } else { done as f64 / total as f64 });
            }
            LibraryMsg::Synced { generation: g, result } if g == generation => {
                self.ui.progress_revealer.set_reveal_child(false);
                let source_id = self.current.borrow().as_ref().map(|(s, _)| s.id.clone()).unwrap_or_default();
                match &result {
                    Ok(0) => self.show_empty(),
                    Ok(_) => self.fill_view(&sender, usize::MAX),
                    Err(f) if self.items.len() == 0 => {
                        self.ui.status.set_icon_name(Some(if f.offline {
                            "network-offline-symbolic"
                        } else {
                            "dialog-warning-symbolic"
                        }));
                        self.ui.status.set_title(&gettext("This library is not available"));
                        self.ui.status.set_description(Some(&f.message()));
                        self.ui.stack.set_visible_child_name("status");
                    }
                    // Offline is the banner's news; anything else the user hears here.
                    Err(f) if !f.offline => {
                        let title = self.current.borrow().as_ref().map(|(_, s)| s.title.clone()).unwrap_or_default();
                        let _ = sender.output(LibraryOutput::Toast(i18n_f(
                            "Could not update {}: {}. Showing what Reel saved.",
                            &[&title, &f.message()],
                        )));
                    }
                    Err(_) => {}
                }
                let _ = sender.output(LibraryOutput::Reached { source_id, result: result.map(|_| ()) });
            }
            LibraryMsg::Current { generation: g, total } if g == generation => {
                self.ui.progress_revealer.set_reveal_child(false);
                if total == 0 {
                    self.show_empty();
                }
            }
            LibraryMsg::Loaded { .. }
            | LibraryMsg::LoadRest { .. }
            | LibraryMsg::ViewKnown { .. }
            | LibraryMsg::Options { .. }
            | LibraryMsg::Values { .. }
            | LibraryMsg::Browsed { .. }
            | LibraryMsg::Letters { .. }
            | LibraryMsg::Progress { .. }
            | LibraryMsg::Synced { .. }
            | LibraryMsg::Current { .. } => {}
            LibraryMsg::Poster { key, texture } => self.posters.arrived(&key, &texture),
            LibraryMsg::ItemChanged { source_id, item } => {
                if self.current.borrow().as_ref().is_none_or(|(source, _)| source.id != source_id) {
                    return;
                }
                // What opening the tile shows next (the progress after playing);
                // gone from a view it no longer belongs in (watched, under Unwatched).
                if self.view.still_shows(&item) == Some(false) {
                    if let Some(at) = self.items.remove(item.rating_key.as_str()) {
                        self.jump.removed(at);
                    }
                } else {
                    self.items.replace(ItemSummary::from(&item));
                }
            }
            LibraryMsg::Activated(pos) => {
                let Some(tile) = self.items.visible(pos) else { return };
                let Some((source, _)) = self.current.borrow().clone() else { return };
                let (s, key) = (sender.clone(), reel_core::ItemKey::from(tile.rating_key()));
                self.core.run(
                    move |core| async move { core.saved_item(&source.id, &key).await },
                    move |r| {
                        // Not saved (cannot happen for a tile read from the cache): its page
                        // starts from what the tile knew and asks the server for the rest.
                        let item = r.ok().flatten().unwrap_or_else(|| {
                            let mut item = MediaItem::new(tile.rating_key(), tile.kind, tile.title());
                            item.year = tile.year;
                            item.thumb = tile.thumb().map(String::from);
                            item
                        });
                        s.input(LibraryMsg::Open(item));
                    },
                );
            }
            LibraryMsg::Open(item) => {
                if let Some((source, _)) = self.current.borrow().clone() {
                    let _ = sender.output(LibraryOutput::Open { source, item });
                }
            }
            LibraryMsg::ToggleSearch => {
                let on = !self.ui.search_bar.is_search_mode();
                self.ui.search_bar.set_search_mode(on);
                if on {
                    self.ui.search.grab_focus();
                }
            }
            LibraryMsg::Query(q) => {
                self.items.set_filter(&q);
                self.jump.typed(!q.is_empty());
            }
            LibraryMsg::DownloadsChanged => self.ask_downloads(&sender),
            LibraryMsg::Downloads(all) => {
                let Some(source_id) = self.current.borrow().as_ref().map(|(s, _)| s.id.clone()) else { return };
                let marks = Downloaded::of(&source_id, &all);
                let changed = marks.changed_since(&self.downloaded.borrow());
                *self.downloaded.borrow_mut() = marks;
                changed.iter().for_each(|key| self.items.rebind(key.as_str()));
            }
        }
    }
}

impl LibraryView {
    /// Reads what is downloaded, for the tiles' marks.
    fn ask_downloads(&self, sender: &ComponentSender<Self>) {
        self.core.ask_downloads(sender, "the grid's", LibraryMsg::Downloads);
    }
}
