//! One tile of the library grid: poster, title, year, watched mark. Bound
//! and unbound as it scrolls into and out of view; its poster is fetched
//! only while it is on screen.

use crate::i18n::i18n_f;
use crate::widgets::poster::{placeholder_icon, poster_slot, PosterSlot};
use reel_core::models::MediaItem;
use relm4::gtk::prelude::*;
use relm4::gtk::{self, gdk, glib};
use relm4::typed_view::grid::RelmGridItem;
use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
use tokio::task::AbortHandle;

/// Starts loading one poster; aborting the handle drops the request.
/// A tile's width: the poster and its margins.
pub const TILE_WIDTH: i32 = POSTER_SLOT_W + 2 * MARGIN;
const POSTER_SLOT_W: i32 = 150;
const MARGIN: i32 = 6;

pub type PosterRequest = Rc<dyn Fn(&str, &str) -> Option<AbortHandle>>;

/// Posters of the last few screens, still decoded: scrolled back to, they
/// show at once instead of flashing the placeholder and loading again.
/// Bounded by their pixels: about five screens of 200×300 posters (~240 KB
/// each), fewer on a HiDPI screen, where each has four times the pixels.
pub type RecentPosters = RecentBySize<gdk::Texture>;

impl Default for RecentPosters {
    fn default() -> Self {
        RecentBySize::new(24 << 20, |t: &gdk::Texture| (t.width().max(0) as usize) * (t.height().max(0) as usize) * 4)
    }
}

/// The most recently kept values up to a total size; the oldest go first.
pub struct RecentBySize<T> {
    order: VecDeque<String>,
    values: HashMap<String, T>,
    bytes: usize,
    budget: usize,
    size: fn(&T) -> usize,
}

impl<T: Clone> RecentBySize<T> {
    pub fn new(budget: usize, size: fn(&T) -> usize) -> Self {
        Self { order: VecDeque::new(), values: HashMap::new(), bytes: 0, budget, size }
    }

    fn get(&self, key: &str) -> Option<T> {
        self.values.get(key).cloned()
    }

    fn keep(&mut self, key: &str, value: T) {
        self.bytes += (self.size)(&value);
        match self.values.insert(key.to_string(), value) {
            Some(old) => self.bytes -= (self.size)(&old),
            None => self.order.push_back(key.to_string()),
        }
        while self.bytes > self.budget {
            let Some(oldest) = self.order.pop_front() else { break };
            if let Some(v) = self.values.remove(&oldest) {
                self.bytes -= (self.size)(&v);
            }
        }
    }
}

pub type Recent = Rc<RefCell<RecentPosters>>;

pub struct PosterItem {
    pub item: MediaItem,
    pub(super) texture: Option<gdk::Texture>,
    /// The poster on its way, while the item is on screen.
    pub(super) pending: Option<AbortHandle>,
    pub(super) picture: Option<glib::WeakRef<gtk::Picture>>,
    pub(super) request: PosterRequest,
    pub(super) recent: Recent,
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
        let PosterSlot { overlay, picture, placeholder } = poster_slot(POSTER_SLOT_W, POSTER_SLOT_W * 3 / 2, 48);
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
        w.title.set_text(&self.item.title);
        w.title.set_tooltip_text(Some(&self.item.title));
        let sub = self.item.year.map(|y| y.to_string()).unwrap_or_default();
        w.subtitle.set_text(&sub);
        w.watched.set_visible(self.item.watched());
        w.placeholder.set_icon_name(Some(placeholder_icon(self.item.kind)));
        if self.texture.is_none() {
            self.texture = self.item.thumb.as_deref().and_then(|t| self.recent.borrow().get(t));
        }
        w.picture.set_paintable(self.texture.as_ref());
        let mut name = self.item.title.clone();
        if !sub.is_empty() {
            name = format!("{name}, {sub}");
        }
        if self.item.watched() {
            name = i18n_f("{}, watched", &[&name]);
        }
        root.update_property(&[gtk::accessible::Property::Label(&name)]);
        self.picture = Some(w.picture.downgrade());
        if self.texture.is_none() && self.pending.is_none() {
            if let Some(thumb) = self.item.thumb.clone() {
                self.pending = (self.request)(&self.item.rating_key, &thumb);
            }
        }
    }

    fn unbind(&mut self, w: &mut PosterWidgets, _: &mut gtk::Box) {
        // Only posters on screen and of the last few screens stay decoded;
        // the disk cache brings the rest back. Scrolled past before its
        // poster came: nobody will see it, so stop fetching (and decoding) it.
        if let Some(p) = self.pending.take() {
            p.abort();
        }
        self.picture = None;
        if let (Some(texture), Some(thumb)) = (self.texture.take(), self.item.thumb.as_deref()) {
            self.recent.borrow_mut().keep(thumb, texture);
        }
        w.picture.set_paintable(None::<&gdk::Texture>);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_go_first_once_the_budget_is_spent() {
        let mut r: RecentBySize<Vec<u8>> = RecentBySize::new(10, |v| v.len());
        r.keep("a", vec![0; 4]);
        r.keep("b", vec![0; 4]);
        assert!(r.get("a").is_some() && r.get("b").is_some());
        r.keep("c", vec![0; 4]);
        assert!(r.get("a").is_none(), "over budget: the oldest left");
        assert!(r.get("b").is_some() && r.get("c").is_some());
        // Kept again under the same key: counted once.
        r.keep("c", vec![0; 2]);
        assert_eq!(r.bytes, 6);
        // Bigger than the whole budget: nothing stays.
        r.keep("huge", vec![0; 11]);
        assert!(r.get("huge").is_none() && r.bytes == 0, "{}", r.bytes);
    }
}
