//! A page's rows under its header (an item's seasons, episodes, albums,
//! tracks; a list's entries), in one virtualised list: a season of 1 000
//! episodes builds the rows on screen, not 1 000 (a `GtkListBox` built every
//! row before the page showed). The header is the list's first row, so it
//! scrolls away with the list. A row may have a menu (the page says which).

use crate::i18n::{gettext, i18n_f};
use crate::widgets::poster::Shape;
use crate::widgets::posters::Posters;
use crate::widgets::seen;
use reel_core::models::{DownloadMark, Downloaded, ItemKind, MediaItem, Seen};
use relm4::gtk::prelude::*;
use relm4::gtk::{self, gio, glib};
use row::ChildRow;
use std::cell::RefCell;
use std::rc::Rc;

mod row;

/// A row of the list: the page's header, or one child: its words as
/// given, or an item's, made when the row is first bound (a season of
/// 1 000 episodes formats the dozens on screen, not 1 000 air dates).
enum Row {
    Header,
    Child(RowText),
    Item { item: Box<MediaItem>, mark: Option<DownloadMark>, text: std::cell::OnceCell<RowText> },
}

impl Row {
    fn text(&self) -> Option<&RowText> {
        match self {
            Row::Header => None,
            Row::Child(text) => Some(text),
            Row::Item { item, mark, text } => Some(text.get_or_init(|| child_row(item, *mark))),
        }
    }

    /// Whether it shows the same as `other` (without making either's words).
    fn same_as(&self, other: &Row) -> bool {
        match (self, other) {
            (Row::Header, Row::Header) => true,
            (Row::Child(a), Row::Child(b)) => a == b,
            (Row::Item { item: a, mark: m, .. }, Row::Item { item: b, mark: n, .. }) => a == b && m == n,
            _ => false,
        }
    }
}

/// What a child's row says and shows.
#[derive(Debug, Clone, PartialEq)]
pub struct RowText {
    pub title: String,
    pub subtitle: String,
    /// A line of what it is about (empty: none).
    pub summary: String,
    /// Whether it plays here with no network (or holds what does).
    pub downloaded: Option<DownloadMark>,
    pub seen: Seen,
    /// Its picture, when rows of its kind show one.
    pub picture: Option<RowPicture>,
}

/// A row's picture: whose, the server's path, the shape it is shown in,
/// what a screen reader calls it.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPicture {
    pub key: String,
    pub thumb: Option<String>,
    pub shape: Shape,
    pub name: String,
}

impl RowText {
    /// A row of words only.
    pub fn plain(title: String, subtitle: String, downloaded: Option<DownloadMark>) -> Self {
        RowText { title, subtitle, summary: String::new(), downloaded, seen: Seen::Unmarked, picture: None }
    }
}

/// Which children have a menu, and each one's menu, made when it opens
/// (made at every bind, 1 000 episodes' menus cost frames while scrolling).
struct RowMenus {
    has: Box<dyn Fn(usize) -> bool>,
    build: Box<dyn Fn(usize) -> Option<gio::MenuModel>>,
}

type Menus = Rc<RefCell<Option<RowMenus>>>;

/// A page of a header and rows under it (an item's, a list's): the page
/// (its margins; what goes on top is the page's to add with
/// [`RowsPage::top`]), a note for when there is nothing to show, and the
/// rows, clamped, in the page's scrolled window.
pub struct RowsPage {
    page: gtk::Box,
    pub note: gtk::Label,
    pub list: ChildList,
}

impl RowsPage {
    pub fn new(root: &gtk::ScrolledWindow, activated: impl Fn(usize) + 'static) -> Self {
        let page = gtk::Box::new(gtk::Orientation::Vertical, 24);
        page.set_margin_top(24);
        page.set_margin_bottom(24);
        page.set_margin_start(18);
        page.set_margin_end(18);
        let note = gtk::Label::new(None);
        note.add_css_class(crate::style::DIM);
        note.set_wrap(true);
        note.set_xalign(0.0);
        page.append(&note);
        let list = ChildList::new(page.upcast_ref(), activated);
        let clamp = relm4::adw::ClampScrollable::builder().maximum_size(900).child(&list.view).build();
        root.set_child(Some(&clamp));
        RowsPage { page, note, list }
    }

    /// Puts `widgets` on top of the page, in order, above the note.
    pub fn top(&self, widgets: &[&gtk::Widget]) {
        for w in widgets.iter().rev() {
            self.page.prepend(*w);
        }
    }

    /// Says what the server's answer leaves to say: that there is nothing
    /// in here, or (when nothing was shown before either) why it could not
    /// be had. `shown`: whether rows are on screen.
    pub fn answered<T>(&self, result: &Result<Vec<T>, crate::runtime::Failure>, shown: bool) {
        match result {
            Ok(rows) if rows.is_empty() => self.say(&gettext("Nothing in here yet.")),
            Err(f) if !shown => self.say(&i18n_f("Could not load this: {}", &[&f.message()])),
            _ => {}
        }
    }

    /// Says why there is nothing to show (nothing: takes no room).
    pub fn say(&self, text: &str) {
        self.note.set_text(text);
        self.note.set_visible(!text.is_empty());
    }
}

pub struct ChildList {
    pub view: gtk::ListView,
    store: gio::ListStore,
    menus: Menus,
    /// Where the rows' pictures come from (None: rows have none).
    pictures: Rc<RefCell<Option<Rc<Posters>>>>,
}

impl ChildList {
    /// A list whose first row is `header`; `activated` gets a child's index.
    pub fn new(header: &gtk::Widget, activated: impl Fn(usize) + 'static) -> Self {
        let activated: Rc<dyn Fn(usize)> = Rc::new(activated);
        let menus: Menus = Rc::default();
        let pictures: Rc<RefCell<Option<Rc<Posters>>>> = Rc::default();
        let factory = gtk::SignalListItemFactory::new();
        {
            let (activated, menus) = (activated.clone(), menus.clone());
            factory.connect_setup(move |_, item| {
                let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
                let root = ChildRow::default();
                {
                    // The row's menu, made as it opens, for the child the row shows then.
                    let (weak, menus) = (item.downgrade(), menus.clone());
                    root.parts().menu.set_create_popup_func(move |button| {
                        let Some(index) = weak.upgrade().and_then(|i| (i.position() as usize).checked_sub(1)) else {
                            return;
                        };
                        let model = menus.borrow().as_ref().and_then(|m| (m.build)(index));
                        button.set_menu_model(model.as_ref());
                    });
                }
                // One click opens a child, as in a GtkListBox. (The list's own
                // single-click mode trips GTK 4.8's pointer tracking when the
                // page changes under the pointer: a critical.) Claimed, so the
                // list does not also take it as half a double click.
                let click = gtk::GestureClick::new();
                click.connect_pressed(|g, _, x, y| {
                    // A press on the row's menu button is the button's.
                    let on_menu = g
                        .widget()
                        .and_then(|w| w.pick(x, y, gtk::PickFlags::DEFAULT))
                        .and_then(|t| t.ancestor(gtk::MenuButton::static_type()))
                        .is_some();
                    g.set_state(if on_menu {
                        gtk::EventSequenceState::Denied
                    } else {
                        gtk::EventSequenceState::Claimed
                    });
                });
                let (weak, activated) = (item.downgrade(), activated.clone());
                click.connect_released(move |_, _, _, _| {
                    if let Some(i) = weak.upgrade().filter(|i| i.is_activatable()).map(|i| i.position()) {
                        // Row 0 is the header.
                        if let Some(child) = (i as usize).checked_sub(1) {
                            activated(child);
                        }
                    }
                });
                root.parts().row.add_controller(click);
                item.set_child(Some(&root));
            });
        }
        {
            let (header, menus, pictures) = (header.clone(), menus.clone(), pictures.clone());
            factory.connect_bind(move |_, item| {
                let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
                let (Some(root), Some(row)) =
                    (item.child().and_downcast::<ChildRow>(), item.item().and_downcast::<glib::BoxedAnyObject>())
                else {
                    return;
                };
                let parts = root.parts();
                let row = row.borrow::<Row>();
                match row.text() {
                    None => {
                        // Not a row one activates (no hover, no click).
                        item.set_activatable(false);
                        parts.row.set_visible(false);
                        if let Some(old) = header.parent() {
                            if old != *root.upcast_ref::<gtk::Widget>() {
                                header.unparent();
                            }
                        }
                        if header.parent().is_none() {
                            root.append(&header);
                        }
                    }
                    Some(text) => {
                        item.set_activatable(true);
                        parts.row.set_visible(true);
                        parts.title.set_text(&text.title);
                        parts.subtitle.set_text(&text.subtitle);
                        parts.subtitle.set_visible(!text.subtitle.is_empty());
                        parts.summary.set_text(&text.summary);
                        parts.summary.set_visible(!text.summary.is_empty());
                        parts.downloaded.set_visible(text.downloaded.is_some());
                        root.shape(text.picture.as_ref().map(|p| p.shape));
                        parts.seen.show(text.seen);
                        if let Some(p) = &text.picture {
                            crate::widgets::labelled(&parts.slot.picture, &p.name);
                            if let Some(posters) = pictures.borrow().as_ref() {
                                posters.bind(&p.key, p.thumb.as_deref(), p.shape, &parts.slot.picture);
                            }
                        }
                        let name = seen::named(&text.title, text.seen);
                        let name = match text.downloaded {
                            Some(DownloadMark::Here) => i18n_f("{}, downloaded", &[&name]),
                            Some(DownloadMark::Holds) => i18n_f("{}, some downloaded", &[&name]),
                            None => name,
                        };
                        root.update_property(&[gtk::accessible::Property::Label(&name)]);
                        // Row 0 is the header.
                        let index = (item.position() as usize).saturating_sub(1);
                        let has_menu = menus.borrow().as_ref().is_some_and(|m| (m.has)(index));
                        parts.menu.set_visible(has_menu);
                        if has_menu {
                            crate::widgets::labelled(&parts.menu, &crate::widgets::options_for(&text.title));
                        }
                    }
                };
            });
        }
        {
            let (header, pictures) = (header.clone(), pictures.clone());
            factory.connect_unbind(move |_, item| {
                let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
                let Some(root) = item.child().and_downcast::<ChildRow>() else { return };
                if header.parent().as_ref() == Some(root.upcast_ref()) {
                    header.unparent();
                }
                let Some(row) = item.item().and_downcast::<glib::BoxedAnyObject>() else { return };
                let row = row.borrow::<Row>();
                let posters = pictures.borrow();
                if let (Some(RowText { picture: Some(p), .. }), Some(posters)) = (row.text(), posters.as_ref()) {
                    posters.unbind(&p.key, p.thumb.as_deref(), &root.parts().slot.picture);
                }
            });
        }
        let store = gio::ListStore::new::<glib::BoxedAnyObject>();
        store.append(&glib::BoxedAnyObject::new(Row::Header));
        let view = gtk::ListView::new(Some(gtk::NoSelection::new(Some(store.clone()))), Some(factory));
        view.add_css_class("rich-list");
        // The keyboard's Enter.
        view.connect_activate(move |_, pos| {
            // Row 0 is the header.
            if let Some(i) = (pos as usize).checked_sub(1) {
                activated(i);
            }
        });
        ChildList { view, store, menus, pictures }
    }

    /// Rows with a picture get it from `posters` (as they come near the view).
    pub fn show_pictures(&self, posters: Rc<Posters>) {
        *self.pictures.borrow_mut() = Some(posters);
    }

    /// Shows these children under the header (none: the header alone), as
    /// an item's children are shown, those `downloaded` holds marked.
    pub fn set(&self, items: &[MediaItem], downloaded: &Downloaded) {
        self.replace(
            items
                .iter()
                .map(|c| Row::Item {
                    item: Box::new(c.clone()),
                    mark: downloaded.mark(c.rating_key.as_str()),
                    text: Default::default(),
                })
                .collect(),
        );
    }

    /// Shows these rows under the header.
    pub fn set_rows(&self, rows: Vec<RowText>) {
        self.replace(rows.into_iter().map(Row::Child).collect());
    }

    /// The header's row stays: moving the header while the pointer is over
    /// it trips GTK 4.8's pointer tracking. As many rows as before: only
    /// those that changed are replaced (a download that finished marks its
    /// row; the others keep their focus and their place).
    fn replace(&self, rows: Vec<Row>) {
        let object = |r: Row| glib::BoxedAnyObject::new(r);
        if self.store.n_items() as usize == rows.len() + 1 {
            for (i, new) in rows.into_iter().enumerate() {
                let at = i as u32 + 1;
                let same = self
                    .store
                    .item(at)
                    .and_downcast::<glib::BoxedAnyObject>()
                    .is_some_and(|o| o.borrow::<Row>().same_as(&new));
                if !same {
                    self.store.splice(at, 1, &[object(new)]);
                }
            }
            return;
        }
        let rows: Vec<glib::BoxedAnyObject> = rows.into_iter().map(object).collect();
        self.store.splice(1, self.store.n_items().saturating_sub(1), &rows);
    }

    /// Gives rows a menu: those whose index `has` (asked as rows are bound:
    /// set it before the rows it is for), made by `build` when it opens.
    pub fn set_menus(
        &self,
        has: impl Fn(usize) -> bool + 'static,
        build: impl Fn(usize) -> Option<gio::MenuModel> + 'static,
    ) {
        *self.menus.borrow_mut() = Some(RowMenus { has: Box::new(has), build: Box::new(build) });
    }
}

fn child_row(c: &MediaItem, mark: Option<DownloadMark>) -> RowText {
    let title = match c.index {
        Some(i) if i > 0 => format!("{i}. {}", c.title),
        _ => c.title.clone(),
    };
    let mut sub = Vec::new();
    if let Some(d) = c.duration_ms.filter(|d| *d > 0) {
        // A track's length to the second (3:41), as music players show it.
        sub.push(if c.kind == ItemKind::Track { reel_words::clock(d as u64) } else { crate::pages::item::duration(d) });
    }
    if let Some(aired) = c.aired.as_deref().and_then(crate::pages::item::aired_on) {
        sub.push(aired);
    } else if let Some(year) = c.year.filter(|_| c.kind == ItemKind::Album) {
        sub.push(year.to_string());
    }
    if let Some(n) = c.leaf_count {
        sub.push(crate::i18n::ni18n_f("{} item", "{} items", n.max(0) as u64, &[]));
    }
    let seen = c.seen();
    sub.extend(seen::words(seen));
    match mark {
        Some(DownloadMark::Here) => sub.push(gettext("Downloaded")),
        Some(DownloadMark::Holds) => sub.push(gettext("Some downloaded")),
        None => {}
    }
    // Tracks are rows of words, as in a music player; what holds them, and
    // episodes, are known by their pictures.
    let picture = (c.kind != ItemKind::Track).then(|| RowPicture {
        key: c.rating_key.to_string(),
        thumb: c.thumb.clone(),
        shape: Shape::of(c.kind),
        name: Shape::of(c.kind).name_for(&c.title),
    });
    let summary = match c.kind {
        ItemKind::Episode | ItemKind::Movie => c.summary.as_deref().unwrap_or_default().replace('\n', " "),
        _ => String::new(),
    };
    RowText { title, subtitle: sub.join(" · "), summary, downloaded: mark, seen, picture }
}
