//! One tile of the library grid: poster, title, year, watched mark. Bound
//! and unbound as it scrolls into and out of view; its poster comes from
//! the grid's [`Posters`].

use super::posters::Posters;
use crate::i18n::i18n_f;
use crate::widgets::poster::{placeholder_icon, poster_slot, PosterSize, PosterSlot};
use reel_core::models::ItemSummary;
use relm4::gtk;
use relm4::gtk::prelude::*;
use relm4::typed_view::grid::RelmGridItem;
use std::rc::Rc;

/// A tile's width: the poster and its margins.
pub const TILE_WIDTH: i32 = POSTER_SLOT_W + 2 * MARGIN;
const POSTER_SLOT_W: i32 = PosterSize::Tile.logical().0;
const MARGIN: i32 = 6;

/// One item of the grid: what its tile shows (a library of 50 000 is held
/// as these), and the grid's posters.
pub struct PosterItem {
    pub item: ItemSummary,
    pub(super) posters: Rc<Posters>,
}

pub struct PosterWidgets {
    picture: gtk::Picture,
    placeholder: gtk::Image,
    title: gtk::Label,
    subtitle: gtk::Label,
    watched: gtk::Image,
}

impl RelmGridItem for PosterItem {
    type Root = gtk::Box;
    type Widgets = PosterWidgets;

    fn setup(_: &gtk::ListItem) -> (gtk::Box, PosterWidgets) {
        let root = gtk::Box::new(gtk::Orientation::Vertical, 4);
        root.set_margin_start(MARGIN);
        root.set_margin_end(MARGIN);
        root.set_margin_top(MARGIN);
        root.set_margin_bottom(MARGIN);
        // The grid shares spare width among its columns: the tile keeps its
        // size, centred, so the poster is drawn at the size it was asked
        // for (crisp, and a plain copy for the renderer) and the spare
        // width becomes even gaps.
        root.set_halign(gtk::Align::Center);
        let PosterSlot { overlay, picture, placeholder } = poster_slot(POSTER_SLOT_W, PosterSize::Tile.logical().1, 48);
        let watched = gtk::Image::from_icon_name("object-select-symbolic");
        watched.set_halign(gtk::Align::End);
        watched.set_valign(gtk::Align::Start);
        watched.set_margin_top(6);
        watched.set_margin_end(6);
        watched.add_css_class("osd");
        overlay.add_overlay(&watched);
        root.append(&overlay);
        let title = gtk::Label::new(None);
        title.set_ellipsize(gtk::pango::EllipsizeMode::End);
        title.set_max_width_chars(18);
        title.set_xalign(0.0);
        let subtitle = gtk::Label::new(None);
        subtitle.set_xalign(0.0);
        subtitle.add_css_class("dim-label");
        subtitle.add_css_class("caption");
        root.append(&title);
        root.append(&subtitle);
        (root, PosterWidgets { picture, placeholder, title, subtitle, watched })
    }

    fn bind(&mut self, w: &mut PosterWidgets, root: &mut gtk::Box) {
        w.title.set_text(self.item.title());
        w.title.set_tooltip_text(Some(self.item.title()));
        let sub = self.item.year.map(|y| y.to_string()).unwrap_or_default();
        w.subtitle.set_text(&sub);
        w.watched.set_visible(self.item.watched);
        w.placeholder.set_icon_name(Some(placeholder_icon(self.item.kind)));
        self.posters.bind(self.item.rating_key(), self.item.thumb(), &w.picture);
        let mut name = self.item.title().to_string();
        if !sub.is_empty() {
            name = format!("{name}, {sub}");
        }
        if self.item.watched {
            name = i18n_f("{}, watched", &[&name]);
        }
        root.update_property(&[gtk::accessible::Property::Label(&name)]);
    }

    fn unbind(&mut self, w: &mut PosterWidgets, _: &mut gtk::Box) {
        self.posters.unbind(self.item.rating_key(), self.item.thumb(), &w.picture);
    }
}
