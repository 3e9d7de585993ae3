//! A page's rows under its header (an item's seasons, episodes, albums,
//! tracks; a list's entries), in one virtualised list: a season of 1 000
//! episodes builds the rows on screen, not 1 000 (a `GtkListBox` built every
//! row before the page showed). The header is the list's first row, so it
//! scrolls away with the list. A row may have a menu (the page says which).

use crate::i18n::{gettext, i18n_f};
use reel_core::models::{DownloadMark, Downloaded, MediaItem};
use relm4::gtk::prelude::*;
use relm4::gtk::{self, gio, glib};
use std::cell::RefCell;
use std::rc::Rc;

/// A row of the list: the page's header, or one child.
enum Row {
    Header,
    Child(RowText),
}

/// What a child's row says.
#[derive(Debug, Clone, PartialEq)]
pub struct RowText {
    pub title: String,
    pub subtitle: String,
    /// Whether it plays here with no network (or holds what does).
    pub downloaded: Option<DownloadMark>,
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
}

impl ChildList {
    /// A list whose first row is `header`; `activated` gets a child's index.
    pub fn new(header: &gtk::Widget, activated: impl Fn(usize) + 'static) -> Self {
        let activated: Rc<dyn Fn(usize)> = Rc::new(activated);
        let menus: Menus = Rc::default();
        let factory = gtk::SignalListItemFactory::new();
        {
            let (activated, menus) = (activated.clone(), menus.clone());
            factory.connect_setup(move |_, item| {
                let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
                let root = row_widget();
                {
                    // The row's menu, made as it opens, for the child the row shows then.
                    let (weak, menus) = (item.downgrade(), menus.clone());
                    RowParts::of(&root).menu.set_create_popup_func(move |button| {
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
                root.first_child().unwrap_or_else(|| root.clone().upcast()).add_controller(click);
                item.set_child(Some(&root));
            });
        }
        {
            let (header, menus) = (header.clone(), menus.clone());
            factory.connect_bind(move |_, item| {
                let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
                let (Some(root), Some(row)) =
                    (item.child().and_downcast::<gtk::Box>(), item.item().and_downcast::<glib::BoxedAnyObject>())
                else {
                    return;
                };
                let parts = RowParts::of(&root);
                let row = row.borrow::<Row>();
                match &*row {
                    Row::Header => {
                        // Not a row one activates (no hover, no click).
                        item.set_activatable(false);
                        parts.row.set_visible(false);
                        if let Some(old) = header.parent() {
                            if old != root {
                                header.unparent();
                            }
                        }
                        if header.parent().is_none() {
                            root.append(&header);
                        }
                    }
                    Row::Child(RowText { title, subtitle, downloaded }) => {
                        item.set_activatable(true);
                        parts.row.set_visible(true);
                        parts.title.set_text(title);
                        parts.subtitle.set_text(subtitle);
                        parts.subtitle.set_visible(!subtitle.is_empty());
                        parts.downloaded.set_visible(downloaded.is_some());
                        let name = match downloaded {
                            Some(DownloadMark::Here) => i18n_f("{}, downloaded", &[title]),
                            Some(DownloadMark::Holds) => i18n_f("{}, some downloaded", &[title]),
                            None => title.clone(),
                        };
                        root.update_property(&[gtk::accessible::Property::Label(&name)]);
                        // Row 0 is the header.
                        let index = (item.position() as usize).saturating_sub(1);
                        let has_menu = menus.borrow().as_ref().is_some_and(|m| (m.has)(index));
                        parts.menu.set_visible(has_menu);
                        if has_menu {
                            crate::widgets::labelled(&parts.menu, &crate::widgets::options_for(title));
                        }
                    }
                };
            });
        }
        {
            let header = header.clone();
            factory.connect_unbind(move |_, item| {
                let Some(root) = item.downcast_ref::<gtk::ListItem>().and_then(|i| i.child()) else { return };
                if header.parent().as_ref() == Some(&root) {
                    header.unparent();
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
        ChildList { view, store, menus }
    }

    /// Shows these children under the header (none: the header alone), as
    /// an item's children are shown, those `downloaded` holds marked.
    pub fn set(&self, items: &[MediaItem], downloaded: &Downloaded) {
        self.set_rows(items.iter().map(|c| child_row(c, downloaded)).collect());
    }

    /// Shows these rows under the header. The header's row stays: moving
    /// the header while the pointer is over it trips GTK 4.8's pointer
    /// tracking. As many rows as before: only those that changed are
    /// replaced (a download that finished marks its row; the others keep
    /// their focus and their place).
    pub fn set_rows(&self, rows: Vec<RowText>) {
        let shown: Vec<Option<RowText>> = (1..self.store.n_items())
            .map(|i| {
                let o = self.store.item(i).and_downcast::<glib::BoxedAnyObject>()?;
                let row = o.borrow::<Row>();
                match &*row {
                    Row::Child(text) => Some(text.clone()),
                    Row::Header => None,
                }
            })
            .collect();
        let object = |r: RowText| glib::BoxedAnyObject::new(Row::Child(r));
        if shown.len() == rows.len() {
            for (i, (new, old)) in rows.into_iter().zip(shown).enumerate() {
                if old.as_ref() != Some(&new) {
                    self.store.splice(i as u32 + 1, 1, &[object(new)]);
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

fn child_row(c: &MediaItem, downloaded: &Downloaded) -> RowText {
    let title = match c.index {
        Some(i) if i > 0 => format!("{i}. {}", c.title),
        _ => c.title.clone(),
    };
    let mut sub = Vec::new();
    if let Some(d) = c.duration_ms.filter(|d| *d > 0) {
        // A track's length to the second (3:41), as music players show it.
        sub.push(if c.kind == reel_core::models::ItemKind::Track {
            reel_words::clock(d as u64)
        } else {
            crate::pages::item::duration(d)
        });
    }
    if let Some(n) = c.leaf_count {
        sub.push(crate::i18n::ni18n_f("{} item", "{} items", n.max(0) as u64, &[]));
    }
    if c.watched() {
        sub.push(gettext("Watched"));
    }
    let mark = downloaded.mark(c.rating_key.as_str());
    match mark {
        Some(DownloadMark::Here) => sub.push(gettext("Downloaded")),
        Some(DownloadMark::Holds) => sub.push(gettext("Some downloaded")),
        None => {}
    }
    RowText { title, subtitle: sub.join(" · "), downloaded: mark }
}

/// A child's row: title, subtitle, its menu, an arrow; hidden on the header's row.
fn row_widget() -> gtk::Box {
    let root = gtk::Box::new(gtk::Orientation::Vertical, 0);
    let row = gtk::Box::new(gtk::Orientation::Horizontal, 12);
    let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
    text.set_hexpand(true);
    text.set_valign(gtk::Align::Center);
    let title = gtk::Label::new(None);
    title.set_xalign(0.0);
    // One line, the rest in the tooltip: a wrapping label is measured for
    // its height at every width, per row, while scrolling.
    title.set_ellipsize(gtk::pango::EllipsizeMode::End);
    crate::widgets::full_text_tooltip(&title);
    let subtitle = gtk::Label::new(None);
    subtitle.set_xalign(0.0);
    subtitle.add_css_class(crate::style::DIM);
    subtitle.add_css_class("caption");
    text.append(&title);
    text.append(&subtitle);
    row.append(&text);
    let menu = gtk::MenuButton::builder().icon_name("view-more-symbolic").valign(gtk::Align::Center).build();
    menu.add_css_class("flat");
    menu.set_visible(false);
    crate::widgets::options_tooltip(&menu, &title);
    let downloaded = gtk::Image::from_icon_name("folder-download-symbolic");
    downloaded.set_tooltip_text(Some(&gettext("Plays with no network")));
    downloaded.add_css_class(crate::style::DIM);
    downloaded.set_visible(false);
    row.append(&downloaded);
    row.append(&menu);
    row.append(&gtk::Image::from_icon_name("go-next-symbolic"));
    root.append(&row);
    root
}

/// The parts of a [`row_widget`], found again at bind.
struct RowParts {
    row: gtk::Widget,
    title: gtk::Label,
    subtitle: gtk::Label,
    downloaded: gtk::Image,
    menu: gtk::MenuButton,
}

impl RowParts {
    fn of(root: &gtk::Box) -> Self {
        let row = root.first_child().unwrap_or_else(|| root.clone().upcast());
        let text = row.first_child();
        let title = text.as_ref().and_then(|t| t.first_child()).and_downcast::<gtk::Label>().unwrap_or_default();
        let subtitle = text.as_ref().and_then(|t| t.last_child()).and_downcast::<gtk::Label>().unwrap_or_default();
        let downloaded = text.and_then(|t| t.next_sibling());
        let menu =
            downloaded.as_ref().and_then(|d| d.next_sibling()).and_downcast::<gtk::MenuButton>().unwrap_or_default();
        let downloaded = downloaded.and_downcast::<gtk::Image>().unwrap_or_default();
        RowParts { row, title, subtitle, downloaded, menu }
    }
}
