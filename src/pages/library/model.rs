//! The grid's list model: a library's items as a plain `Vec` of
//! [`ItemSummary`], with the filter applied as a list of positions.
//!
//! A `gio::ListStore` (or relm4's typed grid over one) holds a GObject per
//! item, made up front: ~300 bytes an item with its sequence node, 15 MB for
//! 50 000. Here an item is its summary (~100 bytes); GTK asks for objects
//! only for the tiles it binds (about 150), and those are made on demand.

use reel_core::models::ItemSummary;
use relm4::gtk::glib;
use relm4::gtk::prelude::*;
use relm4::gtk::subclass::prelude::*;
use relm4::gtk::{gio, glib::BoxedAnyObject};

glib::wrapper! {
    /// Items of type [`BoxedAnyObject`] holding an [`ItemSummary`].
    pub struct TileModel(ObjectSubclass<imp::TileModel>) @implements gio::ListModel;
}

impl Default for TileModel {
    fn default() -> Self {
        glib::Object::new()
    }
}

impl TileModel {
    /// How many items the library has (the filter aside).
    pub fn len(&self) -> usize {
        self.imp().items.borrow().len()
    }

    /// The `i`th item of the library (the filter aside).
    pub fn get(&self, i: usize) -> Option<ItemSummary> {
        self.imp().items.borrow().get(i).cloned()
    }

    /// The item shown at `position` (after the filter).
    pub fn visible(&self, position: u32) -> Option<ItemSummary> {
        let imp = self.imp();
        let i = imp.index_of(position)?;
        imp.items.borrow().get(i).cloned()
    }

    /// Whether the library's first items are `items`, in order.
    pub fn starts_with(&self, items: &[ItemSummary]) -> bool {
        self.imp().items.borrow().starts_with(items)
    }

    /// Puts `items` in place of what is held when they are the same items
    /// in the same order (their marks may differ): only changed tiles are
    /// bound again, and the grid stays where it was. False (nothing done)
    /// when they are not the same items.
    pub fn update_in_place(&self, items: Vec<ItemSummary>) -> bool {
        let changed: Vec<usize> = {
            let held = self.imp().items.borrow();
            let same =
                held.len() == items.len() && held.iter().zip(&items).all(|(a, b)| a.rating_key() == b.rating_key());
            if !same {
                return false;
            }
            held.iter().zip(&items).enumerate().filter(|(_, (a, b))| a != b).map(|(i, _)| i).collect()
        };
        *self.imp().items.borrow_mut() = items;
        changed.into_iter().for_each(|i| self.notify_changed(i));
        true
    }

    pub fn clear(&self) {
        let before = self.n_items();
        self.imp().items.borrow_mut().clear();
        if let Some(shown) = self.imp().shown.borrow_mut().as_mut() {
            shown.clear();
        }
        self.items_changed(0, before, 0);
    }

    /// Adds items at the end (shown if the filter lets them through).
    pub fn extend(&self, more: Vec<ItemSummary>) {
        let imp = self.imp();
        let before = self.n_items();
        let start = imp.items.borrow().len();
        {
            let query = imp.query.borrow();
            if let Some(shown) = imp.shown.borrow_mut().as_mut() {
                let matching = more.iter().enumerate().filter(|(_, it)| matches(it, &query));
                shown.extend(matching.map(|(i, _)| to_u32(start + i)));
            }
        }
        imp.items.borrow_mut().extend(more);
        let after = self.n_items();
        self.items_changed(before, 0, after - before);
    }

    /// Puts `item` in place of the item with its rating key; its tile, if
    /// shown, is bound again.
    pub fn replace(&self, item: ItemSummary) {
        let imp = self.imp();
        let found = imp.items.borrow().iter().position(|it| it.rating_key() == item.rating_key());
        let Some(i) = found else { return };
        imp.items.borrow_mut()[i] = item;
        self.notify_changed(i);
    }

    /// Takes the item with `key` out (no longer in the view): where it was
    /// in the library (the filter aside), if it was there.
    pub fn remove(&self, key: &str) -> Option<usize> {
        let imp = self.imp();
        let i = imp.items.borrow().iter().position(|it| it.rating_key() == key)?;
        let position = {
            let mut shown = imp.shown.borrow_mut();
            match shown.as_mut() {
                None => Some(to_u32(i)),
                Some(shown) => {
                    let at = shown.binary_search(&to_u32(i));
                    let after = at.unwrap_or_else(|p| p);
                    shown[after..].iter_mut().for_each(|j| *j -= 1);
                    at.ok().map(|p| {
                        shown.remove(p);
                        to_u32(p)
                    })
                }
            }
        };
        imp.items.borrow_mut().remove(i);
        if let Some(p) = position {
            self.items_changed(p, 1, 0);
        }
        Some(i)
    }

    /// Binds the tile of the item with `key` again, if shown (its marks changed).
    pub fn rebind(&self, key: &str) {
        let imp = self.imp();
        let found = imp.items.borrow().iter().position(|it| it.rating_key() == key);
        if let Some(i) = found {
            self.notify_changed(i);
        }
    }

    /// The `i`th item changed: its tile, if shown, is bound again.
    fn notify_changed(&self, i: usize) {
        let position = match self.imp().shown.borrow().as_ref() {
            None => Some(to_u32(i)),
            Some(shown) => shown.binary_search(&to_u32(i)).ok().map(to_u32),
        };
        if let Some(p) = position {
            self.items_changed(p, 1, 1);
        }
    }

    /// Shows only the items whose title holds `query` (any case); an empty
    /// query shows all.
    pub fn set_filter(&self, query: &str) {
        let imp = self.imp();
        let query = query.to_lowercase();
        if *imp.query.borrow() == query {
            return;
        }
        let before = self.n_items();
        let shown = (!query.is_empty()).then(|| {
            let items = imp.items.borrow();
            items.iter().enumerate().filter(|(_, it)| matches(it, &query)).map(|(i, _)| to_u32(i)).collect()
        });
        *imp.shown.borrow_mut() = shown;
        *imp.query.borrow_mut() = query;
        self.items_changed(0, before, self.n_items());
    }
}

/// `query` is already lower case; empty matches all.
fn matches(item: &ItemSummary, query: &str) -> bool {
    query.is_empty() || item.title().to_lowercase().contains(query)
}

/// GTK counts items in `u32`; a library never holds four billion.
fn to_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

mod imp {
    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    pub struct TileModel {
        pub(super) items: RefCell<Vec<ItemSummary>>,
        /// Indices into `items` of what the filter lets through, ascending;
        /// `None`: no filter, all are shown.
        pub(super) shown: RefCell<Option<Vec<u32>>>,
        /// The filter, lower case.
        pub(super) query: RefCell<String>,
    }

    impl TileModel {
        pub(super) fn index_of(&self, position: u32) -> Option<usize> {
            match self.shown.borrow().as_ref() {
                None => Some(position as usize),
                Some(shown) => shown.get(position as usize).map(|i| *i as usize),
            }
        }
    }

    #[glib::object_subclass]
    impl ObjectSubclass for TileModel {
        const NAME: &'static str = "ReelTileModel";
        type Type = super::TileModel;
        type Interfaces = (gio::ListModel,);
    }

    impl ObjectImpl for TileModel {}

    impl ListModelImpl for TileModel {
        fn item_type(&self) -> glib::Type {
            BoxedAnyObject::static_type()
        }

        fn n_items(&self) -> u32 {
            match self.shown.borrow().as_ref() {
                None => to_u32(self.items.borrow().len()),
                Some(shown) => to_u32(shown.len()),
            }
        }

        fn item(&self, position: u32) -> Option<glib::Object> {
            let i = self.index_of(position)?;
            let item = self.items.borrow().get(i)?.clone();
            Some(BoxedAnyObject::new(item).upcast())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reel_core::models::{ItemKind, Seen};
    use std::cell::RefCell;
    use std::rc::Rc;

    fn item(key: &str, title: &str) -> ItemSummary {
        ItemSummary::new(key, ItemKind::Movie, title, None, None, Seen::New)
    }

    fn titles(model: &TileModel) -> Vec<String> {
        (0..model.n_items())
            .map(|p| {
                let o = model.item(p).and_downcast::<BoxedAnyObject>().expect("an item");
                let t = o.borrow::<ItemSummary>().title().to_string();
                t
            })
            .collect()
    }

    /// What GTK hears: every change as (position, removed, added).
    fn record(model: &TileModel) -> Rc<RefCell<Vec<(u32, u32, u32)>>> {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let s = seen.clone();
        model.connect_items_changed(move |_, p, r, a| s.borrow_mut().push((p, r, a)));
        seen
    }

    #[test]
    fn items_added_filtered_and_replaced_are_what_the_list_reports() {
        let model = TileModel::default();
        let seen = record(&model);
        model.extend(vec![item("1", "Alien"), item("2", "Brazil")]);
        model.extend(vec![item("3", "Aliens")]);
        assert_eq!(titles(&model), ["Alien", "Brazil", "Aliens"]);
        assert_eq!(*seen.borrow(), [(0, 0, 2), (2, 0, 1)]);

        model.set_filter("ALIEN");
        assert_eq!(titles(&model), ["Alien", "Aliens"]);
        assert_eq!(model.visible(1).map(|i| i.rating_key().to_string()).as_deref(), Some("3"));
        // Added under a filter: only what matches is shown.
        model.extend(vec![item("4", "Casablanca"), item("5", "Alien 3")]);
        assert_eq!(titles(&model), ["Alien", "Aliens", "Alien 3"]);
        assert_eq!(seen.borrow()[2..], [(0, 3, 2), (2, 0, 1)]);
        assert_eq!(model.len(), 5, "the filter hides, it does not drop");

        // A change to a shown item rebinds its tile, at its shown place.
        model.replace(ItemSummary::new("3", ItemKind::Movie, "Aliens", Some(1986), None, Seen::Watched));
        assert_eq!(seen.borrow().last(), Some(&(1, 1, 1)));
        assert_eq!(model.visible(1).map(|i| (i.year, i.watched())), Some((Some(1986), true)));
        // A hidden one changes quietly.
        let before = seen.borrow().len();
        model.replace(item("2", "Brazil (1985)"));
        assert_eq!(seen.borrow().len(), before);
        assert_eq!(model.get(1).map(|i| i.title().to_string()).as_deref(), Some("Brazil (1985)"));

        // One that leaves the view goes, filtered or not; what follows moves up.
        assert_eq!(model.remove("3"), Some(2));
        assert_eq!(titles(&model), ["Alien", "Alien 3"]);
        assert_eq!(seen.borrow().last(), Some(&(1, 1, 0)));
        let before = seen.borrow().len();
        assert_eq!(model.remove("2"), Some(1), "a hidden one goes quietly");
        assert_eq!(seen.borrow().len(), before);
        assert_eq!(model.remove("2"), None);
        model.set_filter("");
        assert_eq!(titles(&model), ["Alien", "Casablanca", "Alien 3"]);
        model.extend(vec![item("2", "Brazil (1985)"), item("3", "Aliens")]);
        assert_eq!(model.remove("4"), Some(1));
        assert_eq!(seen.borrow().last(), Some(&(1, 1, 0)));
        // The same items again (one now watched): only its tile is bound again.
        let before = seen.borrow().len();
        let watched = ItemSummary::new("2", ItemKind::Movie, "Brazil (1985)", None, None, Seen::Watched);
        assert!(model.update_in_place(vec![item("1", "Alien"), item("5", "Alien 3"), watched, item("3", "Aliens")]));
        assert_eq!(seen.borrow()[before..], [(2, 1, 1)]);
        assert!(!model.update_in_place(vec![item("1", "Alien")]), "not the same items: left as they are");
        assert_eq!(model.len(), 4);
        model.clear();
        model.extend(vec![item("1", "Alien"), item("2", "Brazil (1985)"), item("3", "Aliens")]);
        model.extend(vec![item("4", "Casablanca"), item("5", "Alien 3")]);
        assert_eq!(titles(&model), ["Alien", "Brazil (1985)", "Aliens", "Casablanca", "Alien 3"]);
        assert!(model.starts_with(&[item("1", "Alien")]) && !model.starts_with(&[item("2", "Brazil")]));
        model.clear();
        assert_eq!((model.n_items(), seen.borrow().last().copied()), (0, Some((0, 5, 0))));
        assert!(model.item(0).is_none());
    }
}
