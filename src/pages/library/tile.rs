//! One tile of the library grid: poster, title, year, watched and
//! downloaded marks. Bound
//! and unbound as it scrolls into and out of view; its poster comes from
//! the grid's [`Posters`].

use crate::i18n::i18n_f;
use crate::widgets::poster::{placeholder_icon, poster_slot, PosterSize, PosterSlot, Shape};
use crate::widgets::posters::Posters;
use crate::widgets::seen::{self, SeenMarks};
use reel_core::models::{DownloadMark, Downloaded, ItemSummary};
use relm4::gtk;
use relm4::gtk::glib;
use relm4::gtk::prelude::*;
use relm4::gtk::subclass::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;

/// A tile's width: the poster and its margins.
pub const TILE_WIDTH: i32 = POSTER_SLOT_W + 2 * MARGIN;
const POSTER_SLOT_W: i32 = PosterSize::Tile.logical().0;
const MARGIN: i32 = 6;

glib::wrapper! {
    pub struct Tile(ObjectSubclass<imp::Tile>)
        @extends gtk::Box, gtk::Widget,
        @implements gtk::Accessible, gtk::Buildable, gtk::ConstraintTarget, gtk::Orientable;
}

impl Default for Tile {
    fn default() -> Self {
        glib::Object::builder().property("orientation", gtk::Orientation::Vertical).property("spacing", 4).build()
    }
}

impl Tile {
    /// Shows `item`; its poster at once if the grid kept it, else once near the view.
    pub fn bind(&self, item: &ItemSummary, posters: &Posters, downloaded: Option<DownloadMark>) {
        self.imp().shown.replace(Some(item.rating_key().to_string()));
        let w = self.imp().parts();
        w.title.set_text(item.title());
        let sub = item.year.map(|y| y.to_string()).unwrap_or_default();
        w.subtitle.set_text(&sub);
        w.seen.show(item.seen);
        w.downloaded.set_visible(downloaded.is_some());
        w.slot.placeholder.set_icon_name(Some(placeholder_icon(item.kind)));
        let shape = Shape::of(item.kind);
        if w.shape.replace(shape) != shape {
            let (width, height) = PosterSize::Tile.of(shape);
            w.slot.resize(width, height);
        }
        posters.bind(item.rating_key(), item.thumb(), shape, &w.slot.picture);
        let mut name = item.title().to_string();
        if !sub.is_empty() {
            name = format!("{name}, {sub}");
        }
        name = seen::named(&name, item.seen);
        match downloaded {
            Some(DownloadMark::Here) => name = i18n_f("{}, downloaded", &[&name]),
            Some(DownloadMark::Holds) => name = i18n_f("{}, some downloaded", &[&name]),
            None => {}
        }
        self.update_property(&[gtk::accessible::Property::Label(&name)]);
        // The grid's cell around the tile is what takes the focus: named
        // too, or a screen reader says its type name.
        if let Some(cell) = self.parent() {
            cell.update_property(&[gtk::accessible::Property::Label(&name)]);
        }
    }

    /// Whether it shows the item `rating_key` now.
    pub fn shows(&self, rating_key: &str) -> bool {
        self.imp().shown.borrow().as_deref() == Some(rating_key)
    }

    /// `item` scrolled away: its poster request is dropped, its poster kept a while.
    pub fn unbind(&self, item: &ItemSummary, posters: &Posters) {
        self.imp().shown.replace(None);
        posters.unbind(item.rating_key(), item.thumb(), &self.imp().parts().slot.picture);
    }
}

mod imp {
    use super::*;
    use std::cell::OnceCell;

    pub struct Parts {
        pub slot: PosterSlot,
        /// The shape the slot has now.
        pub shape: std::cell::Cell<Shape>,
        pub title: gtk::Label,
        pub subtitle: gtk::Label,
        pub seen: SeenMarks,
        pub downloaded: gtk::Image,
    }

    #[derive(Default)]
    pub struct Tile {
        parts: OnceCell<Parts>,
        /// The rating key of the item bound.
        pub shown: RefCell<Option<String>>,
    }

    impl Tile {
        pub fn parts(&self) -> &Parts {
            self.parts.get_or_init(|| self.build())
        }

        fn build(&self) -> Parts {
            let root = self.obj();
            root.set_margin_start(MARGIN);
            root.set_margin_end(MARGIN);
            root.set_margin_top(MARGIN);
            root.set_margin_bottom(MARGIN);
            // The grid shares spare width among its columns: the tile keeps
            // its size, centred, so the poster is drawn at the size it was
            // asked for (crisp, and a plain copy for the renderer) and the
            // spare width becomes even gaps.
            root.set_halign(gtk::Align::Center);
            let slot = poster_slot(POSTER_SLOT_W, PosterSize::Tile.logical().1, 48);
            let seen = SeenMarks::on(&slot.overlay);
            // Plays with no network: the other top corner.
            let downloaded = corner_mark(&slot.overlay, "folder-download-symbolic", gtk::Align::Start);
            root.append(&slot.overlay);
            let title = gtk::Label::new(None);
            title.set_ellipsize(gtk::pango::EllipsizeMode::End);
            title.set_max_width_chars(18);
            title.set_xalign(0.0);
            crate::widgets::full_text_tooltip(&title);
            let subtitle = gtk::Label::new(None);
            subtitle.set_xalign(0.0);
            subtitle.add_css_class(crate::style::DIM);
            subtitle.add_css_class("caption");
            root.append(&title);
            root.append(&subtitle);
            Parts { slot, shape: std::cell::Cell::new(Shape::Poster), title, subtitle, seen, downloaded }
        }
    }

    /// A mark in a top corner of the poster (`side`: start or end).
    fn corner_mark(overlay: &gtk::Overlay, icon: &str, side: gtk::Align) -> gtk::Image {
        let mark = gtk::Image::from_icon_name(icon);
        mark.set_halign(side);
        mark.set_valign(gtk::Align::Start);
        mark.set_margin_top(6);
        mark.set_margin_start(6);
        mark.set_margin_end(6);
        mark.add_css_class("osd");
        overlay.add_overlay(&mark);
        mark
    }

    #[glib::object_subclass]
    impl ObjectSubclass for Tile {
        const NAME: &'static str = "ReelLibraryTile";
        type Type = super::Tile;
        type ParentType = gtk::Box;
    }

    impl ObjectImpl for Tile {
        fn constructed(&self) {
            self.parent_constructed();
            self.parts();
        }
    }

    impl WidgetImpl for Tile {}
    impl BoxImpl for Tile {}
}

/// Makes the grid's tiles and binds them to its items ([`ItemSummary`]s
/// in [`glib::BoxedAnyObject`]s, see [`super::model::TileModel`]), each
/// marked as `downloaded` says at bind.
pub fn factory(posters: Rc<Posters>, downloaded: Rc<RefCell<Downloaded>>) -> gtk::SignalListItemFactory {
    fn parts(item: &glib::Object) -> Option<(Tile, glib::BoxedAnyObject)> {
        let item = item.downcast_ref::<gtk::ListItem>()?;
        Some((item.child().and_downcast::<Tile>()?, item.item().and_downcast::<glib::BoxedAnyObject>()?))
    }
    let factory = gtk::SignalListItemFactory::new();
    factory.connect_setup(|_, item| {
        if let Some(item) = item.downcast_ref::<gtk::ListItem>() {
            item.set_child(Some(&Tile::default()));
        }
    });
    let p = posters.clone();
    factory.connect_bind(move |_, item| {
        if let Some((tile, summary)) = parts(item) {
            let summary = summary.borrow::<ItemSummary>();
            let mark = downloaded.borrow().mark(summary.rating_key());
            tile.bind(&summary, &p, mark);
        }
    });
    factory.connect_unbind(move |_, item| {
        if let Some((tile, summary)) = parts(item) {
            tile.unbind(&summary.borrow::<ItemSummary>(), &posters);
        }
    });
    factory
}
