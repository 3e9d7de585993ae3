//! A grid's or a list's pictures: asked for only when their tile is on screen (or
//! within a screen of it), shown once they come, and kept a while after
//! their tile scrolls away.
//!
//! GTK 4.8's grid keeps ~30 rows of tiles bound around what is shown; asking
//! a poster for each bound tile decoded ~150 posters for the ~20 on screen
//! (15 MB, and decoding work while scrolling fast past them). So binding
//! only marks a tile as wanting its poster; after the layout (an idle) and
//! whenever the view scrolls, the tiles near the view are asked for.

use crate::widgets::poster::Shape;
use reel_core::ItemKey;
use relm4::gtk::prelude::*;
use relm4::gtk::{self, gdk, glib};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::{Rc, Weak};
use tokio::task::AbortHandle;

/// Starts loading one poster (item key, thumb path, the shape it is shown
/// in); aborting the handle drops the request. The poster comes back
/// through [`Posters::arrived`].
pub type PosterRequest = Box<dyn Fn(&ItemKey, &str, Shape) -> Option<AbortHandle>>;

/// Tiles this far (in screens) above or below the view count as near.
const NEAR_SCREENS: f64 = 1.0;

/// The posters of one grid; shared by its tiles.
pub struct Posters {
    request: PosterRequest,
    scroller: gtk::ScrolledWindow,
    /// Bound tiles without their poster: what to ask for, where it goes,
    /// and the request once made.
    wanted: RefCell<HashMap<ItemKey, Wanted>>,
    recent: RefCell<RecentPosters>,
    /// A look at which tiles are near the view is already due.
    check_due: Cell<bool>,
    me: Weak<Posters>,
}

struct Wanted {
    thumb: Box<str>,
    shape: Shape,
    picture: glib::WeakRef<gtk::Picture>,
    pending: Option<AbortHandle>,
}

impl Posters {
    pub fn new(scroller: &gtk::ScrolledWindow, request: PosterRequest) -> Rc<Self> {
        let posters = Rc::new_cyclic(|me| Posters {
            request,
            scroller: scroller.clone(),
            wanted: RefCell::default(),
            recent: RefCell::new(RecentPosters::default()),
            check_due: Cell::new(false),
            me: me.clone(),
        });
        let me = Rc::downgrade(&posters);
        scroller.vadjustment().connect_value_changed(move |_| {
            if let Some(p) = me.upgrade() {
                p.check_soon();
            }
        });
        posters
    }

    /// A tile now shows `key`: its poster at once if kept, else asked for
    /// once the tile is near the view.
    pub fn bind(&self, key: &str, thumb: Option<&str>, shape: Shape, picture: &gtk::Picture) {
        let Some(thumb) = thumb else {
            picture.set_paintable(None::<&gdk::Paintable>);
            return;
        };
        let kept = self.recent.borrow().get(thumb);
        picture.set_paintable(kept.as_ref());
        if kept.is_none() {
            let wanted = Wanted { thumb: thumb.into(), shape, picture: picture.downgrade(), pending: None };
            if let Some(old) = self.wanted.borrow_mut().insert(ItemKey::new(key), wanted) {
                abort(old);
            }
            self.check_soon();
        }
    }

    /// The tile showing `key` scrolled away: a request on its way is
    /// dropped (nobody would see it), a poster shown is kept a while.
    pub fn unbind(&self, key: &str, thumb: Option<&str>, picture: &gtk::Picture) {
        if let Some(old) = self.wanted.borrow_mut().remove(key) {
            abort(old);
        }
        if let (Some(thumb), Some(texture)) = (thumb, picture.paintable().and_downcast::<gdk::Texture>()) {
            self.recent.borrow_mut().keep(thumb, texture);
        }
        picture.set_paintable(None::<&gdk::Paintable>);
    }

    /// A poster came: shown if its tile still wants it.
    pub fn arrived(&self, key: &ItemKey, texture: &gdk::Texture) {
        if let Some(w) = self.wanted.borrow_mut().remove(key) {
            if let Some(picture) = w.picture.upgrade() {
                picture.set_paintable(Some(texture));
            }
        }
    }

    /// Another library: nothing wanted or kept is of use (poster paths are
    /// a server's own: another server may use the same ones).
    pub fn clear(&self) {
        for (_, w) in self.wanted.borrow_mut().drain() {
            abort(w);
        }
        *self.recent.borrow_mut() = RecentPosters::default();
    }

    fn check_soon(&self) {
        if self.check_due.replace(true) {
            return;
        }
        let me = self.me.clone();
        // After the layout, when the tiles just bound have their places.
        glib::idle_add_local_once(move || {
            if let Some(p) = me.upgrade() {
                p.check_due.set(false);
                p.ask_for_near();
            }
        });
    }

    /// Asks for the posters of the tiles within a screen of the view.
    fn ask_for_near(&self) {
        let page = self.scroller.vadjustment().page_size();
        let (top, bottom) = (-page * NEAR_SCREENS, page * (1.0 + NEAR_SCREENS));
        let mut near: Vec<(ItemKey, Box<str>, Shape, f32)> = Vec::new();
        let mut unplaced = false;
        for (key, w) in self.wanted.borrow().iter().filter(|(_, w)| w.pending.is_none()) {
            let Some(picture) = w.picture.upgrade() else { continue };
            let bounds = picture.compute_bounds(&self.scroller).filter(|_| page > 0.0 && picture.is_mapped());
            let Some(b) = bounds else {
                unplaced = true;
                continue;
            };
            if f64::from(b.y() + b.height()) >= top && f64::from(b.y()) <= bottom {
                near.push((key.clone(), w.thumb.clone(), w.shape, b.y()));
            }
        }
        if unplaced {
            // Bound before the window's first layout: looked at again once drawn.
            let me = self.me.clone();
            self.scroller.add_tick_callback(move |_, _| {
                if let Some(p) = me.upgrade() {
                    p.check_soon();
                }
                glib::ControlFlow::Break
            });
        }
        // What is on screen first, from the top.
        near.sort_by(|a, b| (a.3 < 0.0).cmp(&(b.3 < 0.0)).then(a.3.abs().total_cmp(&b.3.abs())));
        for (key, thumb, shape, _) in near {
            crate::probe!(poster_requested());
            let handle = (self.request)(&key, &thumb, shape);
            if let Some(w) = self.wanted.borrow_mut().get_mut(&key) {
                w.pending = handle;
            }
        }
    }
}

fn abort(w: Wanted) {
    if let Some(p) = w.pending {
        p.abort();
    }
}

/// Posters of the last few screens, still decoded: scrolled back to, they
/// show at once instead of flashing the placeholder and loading again.
/// Bounded by their pixels: about a screen (of ~20 tiles) of 150×225
/// posters (~135 KB each), fewer on a HiDPI screen, where each has four
/// times the pixels. The tiles GTK keeps bound around the view (~80 for ~20
/// shown) hold theirs besides: together about five screens, and three
/// screens down and back up ask for none again (measured). With GL each
/// also has the renderer's copy: 6 MiB here cost 5 MB over the memory
/// target with Mesa's software renderer, measured.
pub type RecentPosters = RecentBySize<gdk::Texture>;

impl Default for RecentPosters {
    fn default() -> Self {
        RecentBySize::new(3 << 20, |t: &gdk::Texture| (t.width().max(0) as usize) * (t.height().max(0) as usize) * 4)
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
