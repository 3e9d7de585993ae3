//! One library as a poster grid: a virtualised `gtk::GridView`, so 50 000
//! items scroll smoothly. Shown from the library cache at once, then synced
//! in the background with visible progress; posters load lazily.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use reel_core::models::{MediaItem, Page, Section, Source};
use reel_core::SectionSync;
use relm4::adw::prelude::*;
use relm4::gtk::gdk;
use relm4::typed_view::grid::TypedGridView;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use tile::{PosterItem, PosterRequest};

mod tile;

pub struct LibraryView {
    core: CoreHandle,
    grid: TypedGridView<PosterItem, gtk::NoSelection>,
    positions: HashMap<String, u32>,
    current: Rc<RefCell<Option<(Source, Section)>>>,
    query: Rc<RefCell<String>>,
    generation: Rc<RefCell<u64>>,
    request: PosterRequest,
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
    Show {
        source: Source,
        section: Section,
    },
    Loaded {
        generation: u64,
        page: Page<MediaItem>,
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
        key: String,
        texture: gdk::Texture,
    },
    Activated(u32),
    ToggleSearch,
    Query(String),
    Refresh,
}

#[derive(Debug)]
pub enum LibraryOutput {
    Open { source: Source, item: MediaItem },
    Reached { source_id: String, result: Result<(), Failure> },
    Toast(String),
}

impl SimpleComponent for LibraryView {
    type Init = CoreHandle;
    type Input = LibraryMsg;
    type Output = LibraryOutput;
    type Root = gtk::Box;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::Box::new(gtk::Orientation::Vertical, 0)
    }

    fn init(core: CoreHandle, root: gtk::Box, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let current: Rc<RefCell<Option<(Source, Section)>>> = Rc::new(RefCell::new(None));
        let generation = Rc::new(RefCell::new(0u64));
        let request: PosterRequest = {
            let (core, current, sender) = (core.clone(), current.clone(), sender.clone());
            Rc::new(move |key: &str, thumb: &str| {
                let (source, _) = current.borrow().clone()?;
                let (core2, key, thumb, s) = (core.clone(), key.to_string(), thumb.to_string(), sender.clone());
                // Decoded on a worker thread: the main loop only paints.
                Some(core.spawn(async move { core2.poster_texture(&source.id, &thumb).await }, move |t| {
                    if let Some(texture) = t {
                        s.input(LibraryMsg::Poster { key, texture });
                    }
                }))
            })
        };

        let mut grid: TypedGridView<PosterItem, gtk::NoSelection> = TypedGridView::new();
        grid.view.set_single_click_activate(true);
        grid.view.set_max_columns(12);
        grid.view.update_property(&[gtk::accessible::Property::Label(&gettext("Library items"))]);
        {
            let s = sender.clone();
            grid.view.connect_activate(move |_, pos| s.input(LibraryMsg::Activated(pos)));
        }
        let query = Rc::new(RefCell::new(String::new()));
        {
            let q = query.clone();
            grid.add_filter(move |it: &PosterItem| {
                let q = q.borrow();
                q.is_empty() || it.item.title.to_lowercase().contains(&q.to_lowercase())
            });
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

        let progress = gtk::ProgressBar::new();
        progress.add_css_class("osd");
        progress.update_property(&[gtk::accessible::Property::Label(&gettext("Updating library"))]);
        let progress_revealer = gtk::Revealer::builder().child(&progress).build();
        root.append(&progress_revealer);

        let scroller = gtk::ScrolledWindow::builder()
            .child(&grid.view)
            .vexpand(true)
            .hscrollbar_policy(gtk::PolicyType::Never)
            .build();
        let status = adw::StatusPage::builder().vexpand(true).build();
        let spinner = gtk::Spinner::new();
        spinner.start();
        spinner.set_size_request(32, 32);
        spinner.set_halign(gtk::Align::Center);
        spinner.set_valign(gtk::Align::Center);
        let stack = gtk::Stack::new();
        stack.set_vexpand(true);
        stack.add_named(&scroller, Some("grid"));
        stack.add_named(&status, Some("status"));
        stack.add_named(&spinner, Some("loading"));
        root.append(&stack);

        let model = LibraryView {
            core,
            grid,
            positions: HashMap::new(),
            current,
            query,
            generation,
            request,
            ui: Ui { stack, status, progress, progress_revealer, search_bar, search, scroller },
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: LibraryMsg, sender: ComponentSender<Self>) {
        let generation = *self.generation.borrow();
        match msg {
            LibraryMsg::Show { source, section } => {
                #[cfg(feature = "bench")]
                crate::bench_probe::mark_open();
                let same =
                    self.current.borrow().as_ref().is_some_and(|(s, sec)| s.id == source.id && sec.key == section.key);
                if !same {
                    self.grid.clear();
                    self.positions.clear();
                    self.ui.search.set_text("");
                    self.ui.stack.set_visible_child_name("loading");
                }
                *self.generation.borrow_mut() += 1;
                *self.current.borrow_mut() = Some((source.clone(), section.clone()));
                self.load_from_cache(&sender);
                self.sync(&sender, source, section, false);
            }
            LibraryMsg::Refresh => {
                if let Some((source, section)) = self.current.borrow().clone() {
                    self.sync(&sender, source, section, true);
                }
            }
            LibraryMsg::Loaded { generation: g, page } if g == generation => self.fill(page),
            LibraryMsg::Progress { generation: g, done, total } if g == generation => {
                self.ui.progress_revealer.set_reveal_child(true);
                self.ui.progress.set_fraction(if total == 0 { 1.0 } else { done as f64 / total as f64 });
            }
            LibraryMsg::Synced { generation: g, result } if g == generation => {
                self.ui.progress_revealer.set_reveal_child(false);
                let source_id = self.current.borrow().as_ref().map(|(s, _)| s.id.clone()).unwrap_or_default();
                match &result {
                    Ok(0) => self.show_empty(),
                    Ok(_) => self.load_from_cache(&sender),
                    Err(f) if self.grid.is_empty() => {
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
            | LibraryMsg::Progress { .. }
            | LibraryMsg::Synced { .. }
            | LibraryMsg::Current { .. } => {}
            LibraryMsg::Poster { key, texture } => {
                if let Some(&pos) = self.positions.get(&key) {
                    if let Some(it) = self.grid.get(pos) {
                        let mut it = it.borrow_mut();
                        it.pending = None;
                        // Scrolled away meanwhile: not kept.
                        if let Some(p) = it.picture.as_ref().and_then(|w| w.upgrade()) {
                            p.set_paintable(Some(&texture));
                            it.texture = Some(texture);
                        }
                    }
                }
            }
            LibraryMsg::Activated(pos) => {
                let Some(it) = self.grid.get_visible(pos) else { return };
                let item = it.borrow().item.clone();
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
                *self.query.borrow_mut() = q;
                self.grid.notify_filter_changed(0);
            }
        }
    }
}

impl LibraryView {
    fn load_from_cache(&self, sender: &ComponentSender<Self>) {
        let Some((source, section)) = self.current.borrow().clone() else { return };
        let generation = *self.generation.borrow();
        let s = sender.clone();
        self.core.run(
            |core| async move { core.saved_items(&source.id, &section.key, 0, usize::MAX).await },
            move |r| {
                if let Ok(page) = r {
                    s.input(LibraryMsg::Loaded { generation, page });
                }
            },
        );
    }

    /// Brings the cached section up to date; `force` (F5) fetches even when it looks current.
    fn sync(&self, sender: &ComponentSender<Self>, source: Source, section: Section, force: bool) {
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

    fn show_empty(&mut self) {
        self.grid.clear();
        self.ui.status.set_icon_name(Some("folder-symbolic"));
        self.ui.status.set_title(&gettext("Nothing Here Yet"));
        self.ui.status.set_description(Some(gettext("This library is empty.").as_str()));
        self.ui.stack.set_visible_child_name("status");
    }

    fn fill(&mut self, page: Page<MediaItem>) {
        if page.items.is_empty() {
            // Nothing cached (yet): the sync's answer decides what to show.
            return;
        }
        let unchanged = self.grid.len() as usize == page.items.len()
            && page
                .items
                .iter()
                .enumerate()
                .all(|(i, it)| self.grid.get(i as u32).is_some_and(|g| g.borrow().item == *it));
        if unchanged {
            self.ui.stack.set_visible_child_name("grid");
            return;
        }
        self.grid.clear();
        self.positions.clear();
        let request = self.request.clone();
        let items: Vec<PosterItem> = page
            .items
            .into_iter()
            .map(|item| PosterItem { texture: None, pending: None, picture: None, request: request.clone(), item })
            .collect();
        for (i, it) in items.iter().enumerate() {
            self.positions.insert(it.item.rating_key.clone(), i as u32);
        }
        self.grid.extend_from_iter(items);
        self.ui.stack.set_visible_child_name("grid");
        #[cfg(feature = "bench")]
        crate::bench_probe::grid_filled(&self.grid.view, &self.ui.scroller, self.grid.len());
    }
}
