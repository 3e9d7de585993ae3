//! How far an item has been watched, drawn on its picture: a dot on what
//! is new, the count of episodes left on a show or season, a bar on what
//! is part played, a check on what is watched. Music is played, not
//! watched: it has none.

use crate::i18n::{gettext, i18n_f, ni18n_f};
use reel_core::models::Seen;
use relm4::gtk::{self, prelude::*};

/// The marks on one picture, all made once (a grid's tile is rebound as it
/// scrolls); showing a state hides the others.
pub struct SeenMarks {
    new: gtk::Box,
    left: gtk::Label,
    watched: gtk::Image,
    progress: gtk::ProgressBar,
}

impl SeenMarks {
    /// Puts the marks on `overlay` (a picture's): the corner ones at its
    /// top end, the bar along its bottom.
    pub fn on(overlay: &gtk::Overlay) -> Self {
        let corner = |w: &gtk::Widget| {
            w.set_halign(gtk::Align::End);
            w.set_valign(gtk::Align::Start);
            w.set_margin_top(6);
            w.set_margin_end(6);
            w.set_visible(false);
            w.set_can_target(false);
            overlay.add_overlay(w);
        };
        let new = gtk::Box::new(gtk::Orientation::Horizontal, 0);
        new.add_css_class(crate::style::NEW_MARK);
        corner(new.upcast_ref());
        let left = gtk::Label::new(None);
        left.add_css_class(crate::style::COUNT_MARK);
        corner(left.upcast_ref());
        let watched = gtk::Image::from_icon_name("object-select-symbolic");
        watched.add_css_class("osd");
        corner(watched.upcast_ref());
        let progress = gtk::ProgressBar::new();
        progress.add_css_class("osd");
        progress.set_valign(gtk::Align::End);
        progress.set_margin_start(6);
        progress.set_margin_end(6);
        progress.set_margin_bottom(6);
        progress.set_visible(false);
        progress.set_can_target(false);
        overlay.add_overlay(&progress);
        SeenMarks { new, left, watched, progress }
    }

    pub fn show(&self, seen: Seen) {
        self.new.set_visible(seen == Seen::New);
        self.watched.set_visible(seen == Seen::Watched);
        match seen {
            Seen::Left(n) => {
                self.left.set_text(&n.to_string());
                self.left.set_visible(true);
            }
            _ => self.left.set_visible(false),
        }
        match seen {
            Seen::Partly(p) => {
                self.progress.set_fraction(f64::from(p) / 100.0);
                self.progress.set_visible(true);
            }
            _ => self.progress.set_visible(false),
        }
    }
}

/// `name` with how far it has been watched, as a screen reader says it.
pub fn named(name: &str, seen: Seen) -> String {
    match seen {
        Seen::Unmarked => name.to_string(),
        Seen::New => i18n_f("{}, unwatched", &[name]),
        Seen::Partly(p) => i18n_f("{}, {}% watched", &[name, &p.to_string()]),
        Seen::Left(n) => {
            i18n_f("{}, {}", &[name, &ni18n_f("{} episode unwatched", "{} episodes unwatched", n.into(), &[])])
        }
        Seen::Watched => i18n_f("{}, watched", &[name]),
    }
}

/// A row's words for it ("Watched", "25% watched"; None: nothing to say).
pub fn words(seen: Seen) -> Option<String> {
    match seen {
        Seen::Partly(p) => Some(i18n_f("{}% watched", &[&p.to_string()])),
        Seen::Left(n) => Some(ni18n_f("{} unwatched", "{} unwatched", n.into(), &[])),
        Seen::Watched => Some(gettext("Watched")),
        Seen::New | Seen::Unmarked => None,
    }
}
