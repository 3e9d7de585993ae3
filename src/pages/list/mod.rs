//! A playlist or a collection: its picture, name and size, Play and
//! Shuffle, and its entries (saved first, at once and offline, then the
//! server's). Music plays in the now-playing bar as a server play queue of
//! the list (a click on a track plays the list from it); video plays the
//! entries one after another in the player. A playlist's entries can be
//! moved and removed from their menus; the server makes each change.

mod rows;

use crate::i18n::{gettext, i18n_f, ni18n_f};
use crate::runtime::{CoreHandle, Failure};
use crate::widgets::child_list::RowsPage;
use crate::widgets::poster::{poster_slot, PosterSize, Shape};
use reel_core::models::{Download, Downloaded, ItemKind, MediaItem, MediaList, PlaylistEntry, QueueSource, Source};
use reel_core::SourceId;
use relm4::adw::prelude::*;
use relm4::gtk::{gdk, gio};
use relm4::{gtk, ComponentParts, ComponentSender, SimpleComponent};
pub use rows::ListAction;

pub struct ListPage {
    core: CoreHandle,
    current: Option<(Source, MediaList)>,
    entries: Vec<PlaylistEntry>,
    /// Which entries play with no network.
    marks: Downloaded,
    /// Bumped at every list shown: answers about another one are dropped.
    generation: u64,
    actions_installed: bool,
    ui: Ui,
}

struct Ui {
    root: gtk::ScrolledWindow,
    poster: gtk::Picture,
    placeholder: gtk::Image,
    title: gtk::Label,
    meta: gtk::Label,
    play: gtk::Button,
    shuffle: gtk::Button,
    rows: RowsPage,
}

#[derive(Debug)]
pub enum ListMsg {
    Show {
        source: Source,
        list: MediaList,
    },
    Entries {
        generation: u64,
        entries: Vec<PlaylistEntry>,
    },
    Synced {
        generation: u64,
        result: Result<Vec<PlaylistEntry>, Failure>,
    },
    Poster {
        generation: u64,
        texture: gdk::Texture,
    },
    /// What is downloaded: its entries are marked.
    Downloads {
        generation: u64,
        all: Vec<Download>,
    },
    Activated(usize),
    Play,
    Shuffle,
    /// A video list's queue, made by the server: played in order.
    VideoQueue {
        generation: u64,
        result: Result<Vec<MediaItem>, Failure>,
    },
    /// Something done to a playlist's entry (by its id) from its menu.
    Edit(ListAction, u64),
    Edited {
        generation: u64,
        result: Result<Vec<PlaylistEntry>, Failure>,
    },
}

#[derive(Debug)]
pub enum ListOutput {
    Open {
        source: Source,
        item: MediaItem,
    },
    PlayMusic {
        source: Source,
        from: QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
    },
    /// Play `item`, then each of `then`.
    PlayVideo {
        source: Source,
        item: MediaItem,
        then: Vec<MediaItem>,
    },
    Reached {
        source_id: SourceId,
        result: Result<(), Failure>,
    },
    Toast(String),
    /// A playlist changed: the server's lists (their sizes) again.
    ListsChanged {
        source_id: SourceId,
    },
}

/// A pill button sending `msg` when clicked.
fn pill(icon: &str, label: &str, sender: &ComponentSender<ListPage>, msg: fn() -> ListMsg) -> gtk::Button {
    let b = crate::widgets::pill(icon, label);
    let s = sender.clone();
    b.connect_clicked(move |_| s.input(msg()));
    b
}

/// "Playlist · 12 tracks · 45 min", "Collection · 3 items".
fn meta(list: &MediaList, entries: Option<usize>) -> String {
    let n = entries.unwrap_or(list.items() as usize) as u64;
    let mut parts = vec![match list {
        MediaList::Playlist(p) if p.smart => gettext("Smart Playlist"),
        MediaList::Playlist(_) => gettext("Playlist"),
        MediaList::Collection(_) => gettext("Collection"),
    }];
    parts.push(if list.audio() && matches!(list, MediaList::Playlist(_)) {
        ni18n_f("{} track", "{} tracks", n, &[])
    } else {
        ni18n_f("{} item", "{} items", n, &[])
    });
    if let MediaList::Playlist(p) = list {
        // Under a minute it says nothing worth saying ("0 min").
        parts.extend(p.duration_ms.filter(|d| *d >= 60_000).map(crate::pages::item::duration));
    }
    parts.join(" · ")
}

impl SimpleComponent for ListPage {
    type Init = CoreHandle;
    type Input = ListMsg;
    type Output = ListOutput;
    type Root = gtk::ScrolledWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::ScrolledWindow::builder().vexpand(true).hscrollbar_policy(gtk::PolicyType::Never).build()
    }

    fn init(core: CoreHandle, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let rows = {
            let s = sender.clone();
            RowsPage::new(&root, move |i| s.input(ListMsg::Activated(i)))
        };
        let header = gtk::Box::new(gtk::Orientation::Horizontal, 24);
        let (w, h) = PosterSize::Page.logical();
        let slot = poster_slot(w, h, 64);
        slot.overlay.set_valign(gtk::Align::Start);
        header.append(&slot.overlay);
        let text = gtk::Box::new(gtk::Orientation::Vertical, 8);
        text.set_hexpand(true);
        let title = gtk::Label::new(None);
        title.add_css_class("title-1");
        title.set_wrap(true);
        title.set_xalign(0.0);
        let meta = gtk::Label::new(None);
        meta.add_css_class(crate::style::DIM);
        meta.set_xalign(0.0);
        let play = pill("media-playback-start-symbolic", &gettext("Play"), &sender, || ListMsg::Play);
        play.add_css_class("suggested-action");
        let shuffle = pill("media-playlist-shuffle-symbolic", &gettext("Shuffle"), &sender, || ListMsg::Shuffle);
        let buttons = gtk::Box::new(gtk::Orientation::Horizontal, 12);
        buttons.set_halign(gtk::Align::Start);
        buttons.set_margin_top(8);
        buttons.append(&play);
        buttons.append(&shuffle);
        text.append(&title);
        text.append(&meta);
        text.append(&buttons);
        header.append(&text);
        rows.top(&[header.upcast_ref()]);
        let ui = Ui {
            root: root.clone(),
            poster: slot.picture,
            placeholder: slot.placeholder,
            title,
            meta,
            play,
            shuffle,
            rows,
        };
        let model = ListPage {
            core,
            current: None,
            entries: Vec::new(),
            marks: Downloaded::default(),
            generation: 0,
            actions_installed: false,
            ui,
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: ListMsg, sender: ComponentSender<Self>) {
        match msg {
            ListMsg::Show { source, list } => self.show(&sender, source, list),
            ListMsg::Downloads { generation, all } if generation == self.generation => {
                let Some((source, _)) = &self.current else { return };
                let marks = Downloaded::of(&source.id, &all);
                if marks != self.marks {
                    self.marks = marks;
                    let rows = self.entries.iter().map(|e| rows::row(e, &self.marks)).collect();
                    self.ui.rows.list.set_rows(rows);
                }
            }
            ListMsg::Downloads { .. } => {}
            ListMsg::Entries { generation, entries } if generation == self.generation => {
                if !entries.is_empty() {
                    self.set_entries(entries);
                }
            }
            ListMsg::Synced { generation, result } if generation == self.generation => {
                let source_id = self.current.as_ref().map(|(s, _)| s.id.clone()).unwrap_or_default();
                if let Ok(entries) = &result {
                    self.set_entries(entries.clone());
                }
                self.ui.rows.answered(&result, !self.entries.is_empty());
                let _ = sender.output(ListOutput::Reached { source_id, result: result.map(|_| ()) });
            }
            ListMsg::Poster { generation, texture } if generation == self.generation => {
                self.ui.poster.set_paintable(Some(&texture));
                self.ui.placeholder.set_visible(false);
            }
            ListMsg::Activated(i) => {
                let (Some((source, list)), Some(e)) = (self.current.clone(), self.entries.get(i)) else { return };
                let _ = sender.output(if list.audio() && e.item.kind == ItemKind::Track {
                    ListOutput::PlayMusic { source, from: list.into(), start: Some(e.item.clone()), shuffle: false }
                } else {
                    ListOutput::Open { source, item: e.item.clone() }
                });
            }
            ListMsg::Play | ListMsg::Shuffle => self.play(&sender, matches!(msg, ListMsg::Shuffle)),
            ListMsg::VideoQueue { generation, result } if generation == self.generation => match result {
                Ok(mut items) if !items.is_empty() => {
                    let Some((source, _)) = self.current.clone() else { return };
                    let item = items.remove(0);
                    let _ = sender.output(ListOutput::PlayVideo { source, item, then: items });
                }
                Ok(_) => {
                    let _ = sender.output(ListOutput::Toast(gettext("Nothing in here yet.")));
                }
                Err(f) => {
                    let _ = sender.output(ListOutput::Toast(i18n_f("Could not play this: {}", &[&f.message()])));
                }
            },
            ListMsg::Edit(a, id) => self.edit(&sender, a, id),
            ListMsg::Edited { generation, result } if generation == self.generation => match result {
                Ok(entries) => {
                    self.set_entries(entries);
                    if let Some((source, _)) = &self.current {
                        let _ = sender.output(ListOutput::ListsChanged { source_id: source.id.clone() });
                    }
                }
                Err(f) => {
                    let _ =
                        sender.output(ListOutput::Toast(i18n_f("Could not change the playlist: {}", &[&f.message()])));
                }
            },
            ListMsg::Entries { .. }
            | ListMsg::Synced { .. }
            | ListMsg::Poster { .. }
            | ListMsg::VideoQueue { .. }
            | ListMsg::Edited { .. } => {}
        }
    }
}

impl ListPage {
    fn show(&mut self, sender: &ComponentSender<Self>, source: Source, list: MediaList) {
        self.install_actions(sender);
        self.generation += 1;
        let generation = self.generation;
        self.ui.title.set_text(list.title());
        self.ui.meta.set_text(&meta(&list, None));
        self.ui.rows.say("");
        self.ui.poster.set_paintable(None::<&gdk::Texture>);
        self.ui.placeholder.set_visible(true);
        self.ui.placeholder.set_icon_name(Some(if list.audio() {
            "audio-x-generic-symbolic"
        } else {
            "video-x-generic-symbolic"
        }));
        self.marks = Downloaded::default();
        self.set_entries(Vec::new());
        self.core.ask_downloads(sender, "a list's", move |all| ListMsg::Downloads { generation, all });
        if let Some(thumb) = list.thumb().map(str::to_string) {
            let (core, id, s) = (self.core.clone(), source.id.clone(), sender.clone());
            self.core.spawn(
                async move { core.poster_texture(&id, &thumb, PosterSize::Page, Shape::Poster).await },
                move |t| {
                    if let Some(texture) = t {
                        s.input(ListMsg::Poster { generation, texture });
                    }
                },
            );
        }
        // Saved first (at once, also offline), then the server's answer.
        let (id, l, s) = (source.id.clone(), list.clone(), sender.clone());
        self.core.run(
            |core| async move {
                if let Ok(entries) = core.saved_list_items(&id, &reel_core::ItemKey::from(l.id())).await {
                    s.input(ListMsg::Entries { generation, entries });
                }
                (s, core.fetch_list_items(&id, &l).await)
            },
            move |(s, r)| s.input(ListMsg::Synced { generation, result: r.map_err(Failure::from) }),
        );
        self.current = Some((source, list));
    }

    fn set_entries(&mut self, entries: Vec<PlaylistEntry>) {
        if entries == self.entries && !entries.is_empty() {
            return;
        }
        let editable = self.current.as_ref().is_some_and(|(_, l)| l.editable());
        let ids: Vec<u64> = entries.iter().map(|e| e.id).collect();
        let n = ids.len();
        self.ui
            .rows
            .list
            .set_menus(move |i| editable && i < n, move |i| Some(rows::menu(*ids.get(i)?, i == 0, i + 1 == ids.len())));
        self.ui.rows.list.set_rows(entries.iter().map(|e| rows::row(e, &self.marks)).collect());
        if let Some((_, list)) = &self.current {
            self.ui.meta.set_text(&meta(list, Some(entries.len()).filter(|n| *n > 0)));
        }
        let playable = !entries.is_empty();
        self.ui.play.set_sensitive(playable);
        self.ui.shuffle.set_sensitive(playable);
        self.entries = entries;
    }

    fn play(&mut self, sender: &ComponentSender<Self>, shuffle: bool) {
        let Some((source, list)) = self.current.clone() else { return };
        if list.audio() {
            let _ = sender.output(ListOutput::PlayMusic { source, from: list.into(), start: None, shuffle });
            return;
        }
        // Video: the server's queue of it (a collection of shows: their episodes).
        let (generation, id) = (self.generation, source.id.clone());
        self.core.ask(
            sender,
            move |core| async move {
                let q = core.create_play_queue(&id, &list.into(), None, shuffle).await.map_err(Failure::from)?;
                Ok(q.entries.into_iter().map(|e| e.item).collect())
            },
            move |result| ListMsg::VideoQueue { generation, result },
        );
    }

    fn edit(&mut self, sender: &ComponentSender<Self>, a: ListAction, entry: u64) {
        let Some((source, list)) = self.current.clone().filter(|(_, l)| l.editable()) else { return };
        let ids: Vec<u64> = self.entries.iter().map(|e| e.id).collect();
        let (generation, id) = (self.generation, source.id.clone());
        let after = match a {
            ListAction::Remove => None,
            _ => match rows::move_target(&ids, entry, a) {
                Some(after) => Some(after),
                None => return,
            },
        };
        self.core.ask(
            sender,
            move |core| async move {
                let r = match after {
                    None => core.remove_from_playlist(&id, list.id(), entry).await,
                    Some(after) => core.move_in_playlist(&id, list.id(), entry, after).await,
                };
                r.map_err(Failure::from)
            },
            move |result| ListMsg::Edited { generation, result },
        );
    }

    /// The entries' window actions (`win.list-*`), once the page is in a window.
    fn install_actions(&mut self, sender: &ComponentSender<Self>) {
        if self.actions_installed {
            return;
        }
        let Some(window) = self.ui.root.root().and_downcast::<gtk::ApplicationWindow>() else { return };
        for a in ListAction::ALL {
            let action = gio::SimpleAction::new(a.name(), Some(glib_int64()));
            let s = sender.input_sender().clone();
            action.connect_activate(move |_, v| {
                if let Some(id) = v.and_then(|v| v.get::<i64>()).and_then(|id| u64::try_from(id).ok()) {
                    s.emit(ListMsg::Edit(a, id));
                }
            });
            window.add_action(&action);
        }
        self.actions_installed = true;
    }
}

fn glib_int64() -> &'static relm4::gtk::glib::VariantTy {
    relm4::gtk::glib::VariantTy::INT64
}
