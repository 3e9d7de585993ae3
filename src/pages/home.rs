//! Home: Continue Watching, On Deck and Recently Added from every server's
//! `/hubs`, shown from the library cache at once and then refreshed.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use crate::widgets::poster::{placeholder_icon, poster_slot, PosterSize, PosterSlot, Shape};
use reel_core::models::{Hub, MediaItem, Source};
use reel_core::SourceId;
use relm4::adw::prelude::*;
use relm4::gtk::gdk;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::collections::HashMap;

/// Cards per row: a home row is a taste, the library is one click away.
const PER_HUB: usize = 20;
const CARD_W: i32 = PosterSize::Tile.logical().0;
const CARD_H: i32 = PosterSize::Tile.logical().1;

pub struct HomePage {
    core: CoreHandle,
    sources: Vec<Source>,
    /// Each server's hubs as last received, in server order.
    hubs: Vec<(SourceId, Vec<Hub>)>,
    /// What is on screen, so an unchanged refresh leaves the widgets alone.
    rendered: Vec<Row>,
    generation: u64,
    ui: Ui,
}

struct Ui {
    stack: gtk::Stack,
    /// Scrolled by the Home benchmark's hook.
    #[cfg_attr(not(feature = "bench"), allow(dead_code))]
    scroller: gtk::ScrolledWindow,
    rows_box: gtk::Box,
    rows: Vec<gtk::Widget>,
    /// Where each poster goes once it arrives, by (source id, thumb).
    pictures: HashMap<(SourceId, String), Vec<gtk::Picture>>,
}

/// One row on screen: a hub id and title, and its cards.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    id: String,
    title: String,
    cards: Vec<(Source, MediaItem)>,
}

#[derive(Debug)]
pub enum HomeMsg {
    Show(Vec<Source>),
    Hubs { generation: u64, source_id: SourceId, hubs: Vec<Hub> },
    Synced { generation: u64, source_id: SourceId, result: Result<(), Failure> },
    Poster { generation: u64, key: (SourceId, String), texture: gdk::Texture },
}

#[derive(Debug)]
pub enum HomeOutput {
    Open { source: Source, item: MediaItem },
    Play { source: Source, item: MediaItem },
    Reached { source_id: SourceId, result: Result<(), Failure> },
}

impl SimpleComponent for HomePage {
    type Init = CoreHandle;
    type Input = HomeMsg;
    type Output = HomeOutput;
    type Root = gtk::Stack;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::Stack::new()
    }

    fn init(core: CoreHandle, root: Self::Root, _sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let empty = adw::StatusPage::builder()
            .icon_name("go-home-symbolic")
            .title(gettext("Nothing to Continue Yet"))
            .description(gettext("What you are watching and what is new on your servers shows up here."))
            .vexpand(true)
            .build();
        let rows_box = gtk::Box::new(gtk::Orientation::Vertical, 18);
        rows_box.set_margin_top(18);
        rows_box.set_margin_bottom(18);
        rows_box.set_margin_start(18);
        rows_box.set_margin_end(18);
        let scroller = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .vexpand(true)
            .child(&rows_box)
            .build();
        root.add_named(&empty, Some("empty"));
        root.add_named(&scroller, Some("hubs"));
        root.set_visible_child_name("empty");
        let model = HomePage {
            core,
            sources: Vec::new(),
            hubs: Vec::new(),
            rendered: Vec::new(),
            generation: 0,
            ui: Ui { stack: root.clone(), scroller, rows_box, rows: Vec::new(), pictures: HashMap::new() },
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: HomeMsg, sender: ComponentSender<Self>) {
        match msg {
            HomeMsg::Show(sources) => {
                crate::probe!(mark_open(Page::Home));
                self.generation += 1;
                self.hubs.retain(|(id, _)| sources.iter().any(|s| &s.id == id));
                self.sources = sources;
                self.load(&sender);
                self.render(&sender);
            }
            HomeMsg::Hubs { generation, source_id, hubs } if generation == self.generation => {
                match self.hubs.iter_mut().find(|(id, _)| *id == source_id) {
                    Some(entry) => entry.1 = hubs,
                    None => self.hubs.push((source_id, hubs)),
                }
                self.render(&sender);
            }
            HomeMsg::Synced { generation, source_id, result } if generation == self.generation => {
                let _ = sender.output(HomeOutput::Reached { source_id, result });
            }
            HomeMsg::Poster { generation, key, texture } if generation == self.generation => {
                for p in self.ui.pictures.get(&key).into_iter().flatten() {
                    p.set_paintable(Some(&texture));
                }
            }
            HomeMsg::Hubs { .. } | HomeMsg::Synced { .. } | HomeMsg::Poster { .. } => {}
        }
    }
}

impl HomePage {
    /// The cached hubs of every server at once, then each server asked again.
    fn load(&self, sender: &ComponentSender<Self>) {
        let generation = self.generation;
        for source in &self.sources {
            // Saved first (at once, also offline), then the server's answer.
            let (id, s) = (source.id.clone(), sender.clone());
            self.core.run(
                |core| async move {
                    match core.saved_hubs(&id).await {
                        Ok(hubs) if !hubs.is_empty() => {
                            s.input(HomeMsg::Hubs { generation, source_id: id.clone(), hubs })
                        }
                        _ => {}
                    }
                    let r = core.fetch_hubs(&id).await;
                    (id, s, r)
                },
                move |(source_id, s, r)| match r {
                    Ok(hubs) => {
                        s.input(HomeMsg::Hubs { generation, source_id: source_id.clone(), hubs });
                        s.input(HomeMsg::Synced { generation, source_id, result: Ok(()) });
                    }
                    Err(e) => s.input(HomeMsg::Synced { generation, source_id, result: Err(Failure::from(e)) }),
                },
            );
        }
    }

    /// Hubs of the same kind from several servers become one row.
    fn rows(&self) -> Vec<Row> {
        let mut rows: Vec<(u8, Row)> = Vec::new();
        for (source_id, hubs) in &self.hubs {
            let Some(source) = self.sources.iter().find(|s| &s.id == source_id) else { continue };
            for hub in hubs {
                let Some(rank) = hub.home_rank() else { continue };
                let cards = hub.items.iter().map(|i| (source.clone(), i.clone()));
                match rows.iter_mut().find(|(_, r)| r.id == hub.id) {
                    Some((_, row)) => row.cards.extend(cards),
                    None => {
                        rows.push((rank, Row { id: hub.id.clone(), title: hub.title.clone(), cards: cards.collect() }))
                    }
                }
            }
        }
        rows.retain(|(_, r)| !r.cards.is_empty());
        rows.sort_by_key(|(rank, _)| *rank);
        rows.into_iter()
            .map(|(_, mut r)| {
                r.cards.truncate(PER_HUB);
                r
            })
            .collect()
    }

    fn render(&mut self, sender: &ComponentSender<Self>) {
        let rows = self.rows();
        if rows == self.rendered {
            return;
        }
        for w in self.ui.rows.drain(..) {
            self.ui.rows_box.remove(&w);
        }
        self.ui.pictures.clear();
        for row in &rows {
            let w = self.row_widget(row, sender);
            self.ui.rows_box.append(&w);
            self.ui.rows.push(w);
        }
        self.ui.stack.set_visible_child_name(if rows.is_empty() { "empty" } else { "hubs" });
        // The Home benchmark's hook: every server's hubs are in.
        crate::probe! {
            if self.hubs.len() == self.sources.len() && !rows.is_empty() {
                let cards = rows.iter().map(|r| r.cards.len() as u32).sum();
                grid_filled(
                    Page::Home,
                    &self.ui.rows_box,
                    &self.ui.scroller,
                    cards,
                    true,
                );
            }
        }
        self.rendered = rows;
    }

    fn row_widget(&mut self, row: &Row, sender: &ComponentSender<Self>) -> gtk::Widget {
        let b = gtk::Box::new(gtk::Orientation::Vertical, 6);
        let title = gtk::Label::new(Some(&row.title));
        title.add_css_class("title-4");
        title.set_xalign(0.0);
        b.append(&title);
        let cards = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        for (source, item) in &row.cards {
            cards.append(&self.card(source, item, sender));
        }
        let scroller = gtk::ScrolledWindow::builder().vscrollbar_policy(gtk::PolicyType::Never).child(&cards).build();
        scroller.update_property(&[gtk::accessible::Property::Label(&row.title)]);
        b.append(&scroller);
        b.upcast()
    }

    fn card(&mut self, source: &Source, item: &MediaItem, sender: &ComponentSender<Self>) -> gtk::Button {
        let v = gtk::Box::new(gtk::Orientation::Vertical, 4);
        let PosterSlot { overlay, picture, placeholder } = poster_slot(CARD_W, CARD_H, 48);
        placeholder.set_icon_name(Some(placeholder_icon(item.kind)));
        if item.view_offset_ms > 0 {
            let progress = gtk::ProgressBar::new();
            let total = item.duration_ms.unwrap_or(0).max(1) as f64;
            progress.set_fraction((item.view_offset_ms as f64 / total).clamp(0.0, 1.0));
            progress.set_valign(gtk::Align::End);
            progress.add_css_class("osd");
            overlay.add_overlay(&progress);
        }
        v.append(&overlay);
        let title = gtk::Label::new(Some(&item.title));
        title.set_xalign(0.0);
        title.set_max_width_chars(18);
        title.set_ellipsize(gtk::pango::EllipsizeMode::End);
        v.append(&title);
        let subtitle = match (&item.grandparent_title, item.year) {
            (Some(show), _) => show.clone(),
            (None, Some(y)) => y.to_string(),
            (None, None) => source.name.clone(),
        };
        let sub = gtk::Label::new(Some(&subtitle));
        sub.set_xalign(0.0);
        sub.set_max_width_chars(18);
        sub.set_ellipsize(gtk::pango::EllipsizeMode::End);
        sub.add_css_class(crate::style::DIM);
        sub.add_css_class("caption");
        v.append(&sub);
        let button = gtk::Button::builder().child(&v).build();
        button.add_css_class("flat");
        let label = if item.view_offset_ms > 0 {
            i18n_f("{}, {}, part-way through", &[&item.title, &subtitle])
        } else {
            format!("{}, {subtitle}", item.title)
        };
        button.update_property(&[gtk::accessible::Property::Label(&label)]);
        let whole = item.title.clone();
        crate::widgets::tooltip_on_demand(&button, move || Some(whole.clone()));
        {
            let (s, source, item) = (sender.clone(), source.clone(), item.clone());
            // Part-way through: a click goes on watching (asking where to start).
            let resume = item.view_offset_ms > 0 && item.kind.can_be_watched() && !item.watched();
            button.connect_clicked(move |_| {
                let (source, item) = (source.clone(), item.clone());
                let _ = s.output(if resume {
                    HomeOutput::Play { source, item }
                } else {
                    HomeOutput::Open { source, item }
                });
            });
        }
        if let Some(thumb) = item.thumb.clone() {
            let key = (source.id.clone(), thumb.clone());
            let first = !self.ui.pictures.contains_key(&key);
            self.ui.pictures.entry(key.clone()).or_default().push(picture);
            if first {
                let (core, src, s, generation) = (self.core.clone(), source.clone(), sender.clone(), self.generation);
                // Decoded on the poster thread, as the grid's: the main loop only paints.
                self.core.spawn(
                    async move { core.poster_texture(&src.id, &thumb, PosterSize::Tile, Shape::Poster).await },
                    move |t| {
                        if let Some(texture) = t {
                            s.input(HomeMsg::Poster { generation, key, texture });
                        }
                    },
                );
            }
        }
        button
    }
}
