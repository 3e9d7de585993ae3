//! One item: a movie, a show (its seasons), a season (its episodes), an
//! episode, an artist (albums), an album (tracks), a track. From the library
//! cache first, then refreshed from the server.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use crate::widgets::poster::{PosterSize, Shape};
use crate::widgets::posters::Posters;
use reel_core::models::{Downloaded, MediaItem, MediaList, Playlist, Source};
use reel_core::Delivery;
use reel_core::{ItemKey, SourceId};
use relm4::adw::prelude::*;
use relm4::{gtk, ComponentParts, ComponentSender, SimpleComponent};
use std::cell::RefCell;
use std::rc::Rc;

mod add_to_playlist;
mod cast;
mod download;
mod header;
mod keep_next;

use crate::widgets::child_list::RowsPage;

pub struct ItemPage {
    core: CoreHandle,
    current: Option<(Source, MediaItem)>,
    children: Vec<MediaItem>,
    /// The server's playlists one can add to (saved, or as it answered).
    playlists: Vec<Playlist>,
    /// The downloads of the item or of what it holds, as last told.
    downloads: Vec<reel_core::models::Download>,
    /// Which of its rows play with no network, as `downloads` says.
    marks: Downloaded,
    generation: u64,
    actions_installed: bool,
    /// The rows' pictures (seasons' posters, episodes' stills, albums' covers).
    pictures: Rc<Posters>,
    /// The server the rows' pictures are asked of.
    pictures_from: Rc<RefCell<Option<SourceId>>>,
    /// What the page tells beyond the item's listing, as last shown.
    details: reel_core::models::ItemDetails,
    ui: Ui,
}

struct Ui {
    header: header::Header,
    cast: cast::CastRow,
    children_title: gtk::Label,
    rows: RowsPage,
}

#[derive(Debug)]
pub enum ItemMsg {
    Show {
        source: Source,
        item: MediaItem,
    },
    Children {
        generation: u64,
        items: Vec<MediaItem>,
    },
    Synced {
        generation: u64,
        result: Result<Vec<MediaItem>, Failure>,
    },
    Poster {
        generation: u64,
        texture: relm4::gtk::gdk::Texture,
    },
    /// What the item's page tells beyond its listing (kept, or fetched).
    Details {
        generation: u64,
        details: Box<reel_core::models::ItemDetails>,
    },
    /// A cast member's photo came.
    CastPhoto {
        generation: u64,
        thumb: String,
        texture: relm4::gtk::gdk::Texture,
    },
    /// What else someone of the cast is in.
    Person(String),
    /// A row's picture came.
    RowPicture {
        key: ItemKey,
        texture: relm4::gtk::gdk::Texture,
    },
    /// An item changed (played, marked watched): the page or its row shows it.
    ItemChanged {
        source_id: SourceId,
        item: MediaItem,
    },
    /// A child (by its place among the children) was activated.
    Activated(usize),
    Play,
    /// Music: what the page holds, in a shuffled order.
    Shuffle,
    ToggleWatched,
    WatchedSaved {
        rating_key: ItemKey,
        result: Result<(MediaItem, Delivery), Failure>,
    },
    /// A server's playlists and collections (saved, or as it answered).
    Lists {
        source_id: SourceId,
        lists: Vec<MediaList>,
    },
    /// Add the page's item (`child` -1) or one of its children to a playlist.
    AddToPlaylist {
        child: i64,
        playlist: String,
    },
    /// Ask for a new playlist's name, to make it with `child` in it.
    NewPlaylist {
        child: i64,
    },
    CreatePlaylist {
        child: i64,
        name: String,
    },
    /// Added (or a playlist made): the words to say, and the playlist when new.
    Added(Result<(String, Option<Playlist>), Failure>),
    /// Keep the page's item (-1: or all it holds) or a child to play with
    /// no network: what it would fetch is asked first, and said.
    Download(i64),
    /// What it would fetch, with the title to say it by.
    Planned(Result<(String, Box<reel_core::models::DownloadPlan>), Failure>),
    Confirmed(Box<reel_core::models::DownloadPlan>),
    /// Not now, after all.
    Declined,
    Queued(Result<Vec<reel_core::models::Download>, Failure>),
    /// Keep the show's next N unwatched episodes downloaded (0: no longer).
    KeepNext(u32),
    /// The show's rule as kept (None: none), and whether it was just set.
    KeepShown(Result<Option<u32>, Failure>, bool),
    /// A download changed.
    DownloadChanged(reel_core::models::Download),
    /// The item's downloads (and those of what it holds) as they stand.
    DownloadsKnown(Vec<reel_core::models::Download>),
}

#[derive(Debug)]
pub enum ItemOutput {
    Open {
        source: Source,
        item: MediaItem,
    },
    Reached {
        source_id: SourceId,
        result: Result<(), Failure>,
    },
    Toast(String),
    /// A playlist was made or added to: the server's lists again.
    ListsChanged {
        source_id: SourceId,
    },
    Play {
        source: Source,
        item: MediaItem,
    },
    /// Music: what `item` holds from `start`, in the now-playing bar.
    PlayMusic {
        source: Source,
        item: MediaItem,
        start: Option<MediaItem>,
        shuffle: bool,
    },
    /// Something was queued for download.
    Downloading,
    /// Search every library for this (someone of the cast).
    SearchFor(String),
    /// The item was marked watched or unwatched: the grid shows it too.
    Changed {
        source_id: SourceId,
        item: MediaItem,
    },
}

/// Music plays as a queue: an album or an artist as they are, a track
/// with the rest of its album (None: not music).
fn music_queue(item: &MediaItem) -> Option<(MediaItem, Option<MediaItem>)> {
    use reel_core::models::ItemKind;
    match item.kind {
        ItemKind::Album | ItemKind::Artist => Some((item.clone(), None)),
        ItemKind::Track => {
            let album = item.parent_key.clone()?;
            let album = MediaItem::new(album, ItemKind::Album, item.parent_title.clone().unwrap_or_default());
            Some((album, Some(item.clone())))
        }
        _ => None,
    }
}

pub fn duration(ms: i64) -> String {
    let mins = ms / 60_000;
    if mins >= 60 {
        i18n_f("{} h {} min", &[&(mins / 60).to_string(), &(mins % 60).to_string()])
    } else {
        i18n_f("{} min", &[&mins.to_string()])
    }
}

/// A date as the server gives it ("2019-03-14"), in the reader's words.
pub fn aired_on(date: &str) -> Option<String> {
    let mut parts = date.splitn(3, '-').map(|p| p.parse::<i32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let day = relm4::gtk::glib::DateTime::from_utc(y, m, d, 0, 0, 0.0).ok()?;
    // Translators: a day an episode aired (GLib's date format: %-d the day, %b the month, %Y the year).
    day.format(&gettext("%b %-d, %Y")).ok().map(|s| s.to_string())
}

fn children_heading(item: &MediaItem) -> String {
    use reel_core::models::ItemKind::*;
    match item.kind {
        Show => gettext("Seasons"),
        Season => gettext("Episodes"),
        Artist => gettext("Albums"),
        Album => gettext("Tracks"),
        _ => String::new(),
    }
}

impl SimpleComponent for ItemPage {
    type Init = CoreHandle;
    type Input = ItemMsg;
    type Output = ItemOutput;
    type Root = gtk::ScrolledWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::ScrolledWindow::builder().vexpand(true).hscrollbar_policy(gtk::PolicyType::Never).build()
    }

    fn init(core: CoreHandle, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let rows = {
            let s = sender.clone();
            RowsPage::new(&root, move |i| s.input(ItemMsg::Activated(i)))
        };
        let header = header::Header::build(&sender);
        let cast = cast::CastRow::build();
        let children_title = gtk::Label::new(None);
        children_title.add_css_class("title-4");
        children_title.set_xalign(0.0);
        rows.top(&[header.root.upcast_ref(), cast.root.upcast_ref(), children_title.upcast_ref()]);
        let pictures_from: Rc<RefCell<Option<SourceId>>> = Rc::default();
        let pictures = {
            let (core, from, s) = (core.clone(), pictures_from.clone(), sender.clone());
            Posters::new(
                &root,
                Box::new(move |key: &ItemKey, thumb: &str, shape: Shape| {
                    let id = from.borrow().clone()?;
                    let (core2, key, thumb, s) = (core.clone(), key.clone(), thumb.to_string(), s.clone());
                    // Decoded on a worker thread: the main loop only paints.
                    Some(core.spawn(
                        async move { core2.poster_texture(&id, &thumb, PosterSize::Row, shape).await },
                        move |t| {
                            if let Some(texture) = t {
                                s.input(ItemMsg::RowPicture { key, texture });
                            }
                        },
                    ))
                }),
            )
        };
        rows.list.show_pictures(pictures.clone());
        let model = ItemPage {
            core,
            current: None,
            children: Vec::new(),
            playlists: Vec::new(),
            downloads: Vec::new(),
            marks: Downloaded::default(),
            generation: 0,
            actions_installed: false,
            pictures,
            pictures_from,
            details: Default::default(),
            ui: Ui { header, cast, children_title, rows },
        };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: ItemMsg, sender: ComponentSender<Self>) {
        match msg {
            ItemMsg::Show { source, item } => {
                crate::probe!(mark_open(Page::Item));
                crate::probe!(mark("item show"));
                crate::probe!(watch_stalls(300));
                self.generation += 1;
                if self.pictures_from.borrow().as_ref() != Some(&source.id) {
                    // Picture paths are a server's own: another's may be the same.
                    self.pictures.clear();
                    self.pictures_from.replace(Some(source.id.clone()));
                }
                self.ui.header.show(&item);
                self.show_details(&sender, Default::default());
                self.set_children(Vec::new());
                self.ui.rows.say("");
                self.ui.children_title.set_text(&children_heading(&item));
                self.ui.children_title.set_visible(item.kind.has_children());
                self.load(&sender, &source, &item);
                if !self.actions_installed {
                    if let Some(w) = self.ui.rows.list.view.root().and_downcast::<gtk::ApplicationWindow>() {
                        add_to_playlist::install(&w, &sender);
                        keep_next::install(&w, &sender);
                        download::install(&w, &sender);
                        self.actions_installed = true;
                    }
                }
                self.downloads.clear();
                self.marks = Downloaded::default();
                self.ui.header.show_download(None);
                self.known_download(&sender, &source, &item);
                if item.kind == reel_core::models::ItemKind::Show {
                    let (id, key) = (source.id.clone(), item.rating_key.clone());
                    self.core.ask(
                        &sender,
                        move |core| async move {
                            let rules = core.keep_rules().await.map_err(Failure::from)?;
                            Ok(rules.into_iter().find(|r| r.source_id == id && r.show_key == key).map(|r| r.count))
                        },
                        |rule| ItemMsg::KeepShown(rule, false),
                    );
                }
                self.current = Some((source, item));
                self.update_playlist_menus();
            }
            ItemMsg::Lists { source_id, lists } => {
                if self.current.as_ref().is_some_and(|(s, _)| s.id == source_id) {
                    self.playlists = add_to_playlist::addable(&lists);
                    self.update_playlist_menus();
                }
            }
            ItemMsg::AddToPlaylist { child, playlist } => self.add_to_playlist(&sender, child, Some(playlist), None),
            ItemMsg::NewPlaylist { child } => {
                let Some(what) = self.target(child).map(|i| i.title.clone()) else { return };
                let window = self.ui.rows.list.view.root().and_downcast::<gtk::Window>();
                add_to_playlist::ask_name(window.as_ref(), &what, child, &sender);
            }
            ItemMsg::CreatePlaylist { child, name } => self.add_to_playlist(&sender, child, None, Some(name)),
            ItemMsg::Added(result) => match result {
                Ok((words, made)) => {
                    if let Some(p) = made {
                        self.playlists.push(p);
                        self.update_playlist_menus();
                    }
                    let _ = sender.output(ItemOutput::Toast(words));
                    if let Some((source, _)) = &self.current {
                        let _ = sender.output(ItemOutput::ListsChanged { source_id: source.id.clone() });
                    }
                }
                Err(f) => {
                    let _ =
                        sender.output(ItemOutput::Toast(i18n_f("Could not add to the playlist: {}", &[&f.message()])));
                }
            },
            ItemMsg::Children { generation, items } if generation == self.generation => {
                crate::probe!(mark("item children saved"));
                if !items.is_empty() {
                    self.set_children(items);
                }
            }
            ItemMsg::Synced { generation, result } if generation == self.generation => {
                crate::probe!(mark("item children synced"));
                let source_id = self.current.as_ref().map(|(s, _)| s.id.clone()).unwrap_or_default();
                if let Ok(items) = &result {
                    self.set_children(items.clone());
                }
                self.ui.rows.answered(&result, !self.children.is_empty());
                let _ = sender.output(ItemOutput::Reached { source_id, result: result.map(|_| ()) });
            }
            ItemMsg::Poster { generation, texture } if generation == self.generation => {
                crate::probe!(mark("item poster"));
                self.ui.header.show_picture(&texture);
            }
            ItemMsg::Children { .. } | ItemMsg::Synced { .. } | ItemMsg::Poster { .. } => {}
            ItemMsg::RowPicture { key, texture } => self.pictures.arrived(&key, &texture),
            ItemMsg::Details { generation, details } if generation == self.generation => {
                crate::probe!(mark("item details"));
                self.show_details(&sender, *details);
            }
            ItemMsg::CastPhoto { generation, thumb, texture } if generation == self.generation => {
                self.ui.cast.photo(&thumb, &texture);
            }
            ItemMsg::Details { .. } | ItemMsg::CastPhoto { .. } => {}
            ItemMsg::Person(name) => {
                let _ = sender.output(ItemOutput::SearchFor(name));
            }
            ItemMsg::ItemChanged { source_id, item } => self.item_changed(&source_id, item),
            ItemMsg::Play | ItemMsg::Shuffle => {
                let Some((source, item)) = self.current.clone() else { return };
                let shuffle = matches!(msg, ItemMsg::Shuffle);
                let _ = sender.output(match music_queue(&item) {
                    Some((item, start)) => ItemOutput::PlayMusic { source, item, start, shuffle },
                    None => ItemOutput::Play { source, item },
                });
            }
            ItemMsg::ToggleWatched => {
                let Some((source, item)) = self.current.clone() else { return };
                let watched = !item.watched();
                self.ui.header.watched.set_sensitive(false);
                let rating_key = item.rating_key.clone();
                self.core.ask(
                    &sender,
                    |core| async move { core.set_watched(&source.id, &item, watched).await.map_err(Failure::from) },
                    move |result| ItemMsg::WatchedSaved { rating_key, result },
                );
            }
            ItemMsg::WatchedSaved { rating_key, result } => {
                self.ui.header.watched.set_sensitive(true);
                let Some((source, item)) = self.current.as_mut().filter(|(_, i)| i.rating_key == rating_key) else {
                    return;
                };
                match result {
                    Ok((updated, delivery)) => {
                        // Shown (and saved) at once; a queued change is the user's intent, not lost.
                        *item = updated;
                        if delivery == Delivery::Queued {
                            let _ = sender.output(ItemOutput::Toast(i18n_f(
                                "{} cannot be reached; the change is saved and will be sent when it can",
                                &[&source.name],
                            )));
                        }
                        let item = item.clone();
                        self.ui.header.show(&item);
                        let source_id = source.id.clone();
                        if item.kind.holds_episodes() {
                            // Its rows, as marked with it.
                            let (id, key, s, generation) =
                                (source_id.clone(), item.rating_key.clone(), sender.clone(), self.generation);
                            self.core.run(
                                |core| async move { core.saved_children(&id, &key).await },
                                move |r| {
                                    if let Ok(items) = r {
                                        s.input(ItemMsg::Children { generation, items });
                                    }
                                },
                            );
                        }
                        let _ = sender.output(ItemOutput::Changed { source_id, item });
                    }
                    Err(e) => {
                        let _ = sender.output(ItemOutput::Toast(i18n_f(
                            "Could not change the watched state: {}",
                            &[&e.message()],
                        )));
                    }
                }
            }
            ItemMsg::Download(child) => self.ask_download(child, &sender),
            ItemMsg::Planned(planned) => self.planned(planned, &sender),
            ItemMsg::Confirmed(plan) => {
                self.core.ask(
                    &sender,
                    move |core| async move { core.queue_download(*plan).await.map_err(Failure::from) },
                    ItemMsg::Queued,
                );
            }
            ItemMsg::Declined => self.show_downloads(),
            ItemMsg::KeepNext(n) => {
                let Some((source, item)) = self.current.clone() else { return };
                let count = (n > 0).then_some(n);
                self.core.ask(
                    &sender,
                    move |core| async move {
                        core.set_keep_next(&source.id, &item.rating_key, count)
                            .await
                            .map(|()| count)
                            .map_err(Failure::from)
                    },
                    |rule| ItemMsg::KeepShown(rule, true),
                );
            }
            ItemMsg::KeepShown(Ok(count), just_set) => {
                self.ui.header.show_keep(count);
                let window = self.ui.rows.list.view.root().and_downcast::<gtk::ApplicationWindow>();
                keep_next::show_state(window, count);
                // The window's runner applies it now.
                if just_set && count.is_some() {
                    let _ = sender.output(ItemOutput::Downloading);
                }
            }
            ItemMsg::KeepShown(Err(f), _) => {
                let _ = sender.output(ItemOutput::Toast(f.message()));
            }
            ItemMsg::Queued(result) => self.queued(result, &sender),
            ItemMsg::DownloadChanged(d) => self.download_changed(d),
            ItemMsg::DownloadsKnown(all) => all.into_iter().for_each(|d| self.download_changed(d)),
            ItemMsg::Activated(i) => {
                let (Some((source, parent)), Some(child)) = (self.current.as_ref(), self.children.get(i)) else {
                    return;
                };
                let (source, child) = (source.clone(), child.clone());
                // A track of an album plays (the rest of the album after it), as in a music player.
                let _ = sender.output(if child.kind == reel_core::models::ItemKind::Track {
                    ItemOutput::PlayMusic { source, item: parent.clone(), start: Some(child), shuffle: false }
                } else {
                    ItemOutput::Open { source, item: child }
                });
            }
        }
    }
}

impl ItemPage {
    /// Shows what the page tells beyond the listing, and asks for the cast's photos.
    fn show_details(&mut self, sender: &ComponentSender<Self>, details: reel_core::models::ItemDetails) {
        if details == self.details {
            return;
        }
        self.ui.header.show_details(&details);
        let photos = self.ui.cast.show(&details.cast, sender);
        self.details = details;
        let Some(source_id) = self.current.as_ref().map(|(s, _)| s.id.clone()) else { return };
        let generation = self.generation;
        for thumb in photos {
            let (core, id, s) = (self.core.clone(), source_id.clone(), sender.clone());
            self.core.spawn(
                {
                    let thumb = thumb.clone();
                    async move { core.poster_texture(&id, &thumb, PosterSize::Row, Shape::Square).await }
                },
                move |t| {
                    if let Some(texture) = t {
                        s.input(ItemMsg::CastPhoto { generation, thumb, texture });
                    }
                },
            );
        }
    }

    /// Shows `item` as it now stands: the page's own (its header), or one of
    /// its rows (an episode played past the end marked watched, its season's
    /// count with it when the server says so next).
    fn item_changed(&mut self, source_id: &SourceId, item: MediaItem) {
        let Some((source, current)) = self.current.as_mut() else { return };
        if source.id != *source_id {
            return;
        }
        if current.rating_key == item.rating_key {
            *current = item;
            self.ui.header.show(current);
            return;
        }
        if let Some(i) = self.children.iter().position(|c| c.rating_key == item.rating_key) {
            let mut children = self.children.clone();
            children[i] = item;
            self.set_children(children);
        }
    }

    fn set_children(&mut self, items: Vec<MediaItem>) {
        // The cache and the server usually agree: leave the rows (and focus) alone then.
        if items == self.children {
            return;
        }
        self.children = items;
        self.update_playlist_menus();
        crate::probe!(mark("item menus updated"));
        self.ui.rows.list.set(&self.children, &self.marks);
        crate::probe!(mark("item rows set"));
        // The long-list benchmark's hook: the children are painted next frame.
        crate::probe! {
            if !self.children.is_empty() {
                let scroller =
                    self.ui.rows.list.view.parent().and_then(|c| c.parent()).and_downcast::<gtk::ScrolledWindow>();
                if let Some(scroller) = scroller {
                    grid_filled(
                        Page::Item,
                        &self.ui.rows.list.view,
                        &scroller,
                        self.children.len() as u32,
                        true,
                    );
                }
            }
        }
    }

    fn load(&self, sender: &ComponentSender<Self>, source: &Source, item: &MediaItem) {
        let generation = self.generation;
        {
            let (id, s) = (source.id.clone(), sender.clone());
            self.core.run(
                |core| async move {
                    let lists = core.saved_lists(&id).await.unwrap_or_default();
                    (id, lists)
                },
                move |(source_id, lists)| s.input(ItemMsg::Lists { source_id, lists }),
            );
        }
        if let Some(thumb) = item.thumb.clone() {
            let (core, src, s) = (self.core.clone(), source.clone(), sender.clone());
            let shape = Shape::of(item.kind);
            // Decoded on the poster thread: the main loop only paints.
            self.core.spawn(
                async move { core.poster_texture(&src.id, &thumb, PosterSize::Page, shape).await },
                move |t| {
                    if let Some(texture) = t {
                        s.input(ItemMsg::Poster { generation, texture });
                    }
                },
            );
        }
        if item.kind != reel_core::models::ItemKind::Track {
            // What the page tells beyond the listing: kept first (also
            // offline), then the server's.
            let (id, key, s) = (source.id.clone(), item.rating_key.clone(), sender.clone());
            self.core.run(
                |core| async move {
                    if let Ok(Some(details)) = core.saved_details(&id, &key).await {
                        s.input(ItemMsg::Details { generation, details: Box::new(details) });
                    }
                    (s, core.fetch_details(&id, &key).await)
                },
                move |(s, r)| {
                    if let Ok(Some((_, details))) = r {
                        s.input(ItemMsg::Details { generation, details: Box::new(details) });
                    }
                },
            );
        }
        if !item.kind.has_children() {
            return;
        }
        // Saved first (at once, also offline), then the server's answer.
        let (id, key, s) = (source.id.clone(), item.rating_key.clone(), sender.clone());
        self.core.run(
            |core| async move {
                if let Ok(items) = core.saved_children(&id, &key).await {
                    s.input(ItemMsg::Children { generation, items });
                }
                (s, core.fetch_children(&id, &key).await)
            },
            move |(s, r)| s.input(ItemMsg::Synced { generation, result: r.map_err(Failure::from) }),
        );
    }
}
