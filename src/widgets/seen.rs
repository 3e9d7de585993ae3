//! How far an item has been watched, drawn on its picture: a dot on what
//! is new, the count of episodes left on a show or season, a bar on what
//! is part played, a check on what is watched. Music is played, not
//! watched: it has none.

use crate::i18n::{gettext, i18n_f, ni18n_f};
use reel_core::models::Seen;
use relm4::gtk::{self, prelude::*};
use std::cell::OnceCell;

/// The marks on one picture, each made the first time it is shown (a row
/// or tile is rebound as it scrolls; most never show a bar), then shown or
/// hidden.
pub struct SeenMarks {
    overlay: gtk::Overlay,
    new: OnceCell<gtk::Box>,
    left: OnceCell<gtk::Label>,
    watched: OnceCell<gtk::Image>,
    progress: OnceCell<gtk::ProgressBar>,
}

/// Puts `w` in the top end corner of `overlay`.
fn corner<W: IsA<gtk::Widget>>(overlay: &gtk::Overlay, w: W) -> W {
    w.set_halign(gtk::Align::End);
    w.set_valign(gtk::Align::Start);
    w.set_margin_top(6);
    w.set_margin_end(6);
    w.set_can_target(false);
    overlay.add_overlay(&w);
    w
}

impl SeenMarks {
    /// Marks for `overlay` (a picture's): the corner ones at its top end,
    /// the bar along its bottom.
    pub fn on(overlay: &gtk::Overlay) -> Self {
        SeenMarks {
            overlay: overlay.clone(),
            new: OnceCell::new(),
            left: OnceCell::new(),
            watched: OnceCell::new(),
            progress: OnceCell::new(),
        }
    }

    pub fn show(&self, seen: Seen) {
        let o = &self.overlay;
        show_if(&self.new, seen == Seen::New, || {
            let dot = gtk::Box::new(gtk::Orientation::Horizontal, 0);
            dot.add_css_class(crate::style::NEW_MARK);
            corner(o, dot)
        });
        show_if(&self.watched, seen == Seen::Watched, || {
            let check = gtk::Image::from_icon_name("object-select-symbolic");
            check.add_css_class("osd");
            corner(o, check)
        });
        if let Some(left) = show_if(&self.left, matches!(seen, Seen::Left(_)), || {
            let count = gtk::Label::new(None);
            count.add_css_class(crate::style::COUNT_MARK);
            corner(o, count)
        }) {
            if let Seen::Left(n) = seen {
                left.set_text(&n.to_string());
            }
        }
        if let Some(bar) = show_if(&self.progress, matches!(seen, Seen::Partly(_)), || {
            let bar = gtk::ProgressBar::new();
            bar.add_css_class("osd");
            bar.set_valign(gtk::Align::End);
            bar.set_margin_start(6);
            bar.set_margin_end(6);
            bar.set_margin_bottom(6);
            bar.set_can_target(false);
            o.add_overlay(&bar);
            bar
        }) {
            if let Seen::Partly(p) = seen {
                bar.set_fraction(f64::from(p) / 100.0);
            }
        }
    }
}

/// Shows the mark in `cell` when `shown` (made by `make` the first time),
/// hides it otherwise; the mark when shown.
fn show_if<W: IsA<gtk::Widget>>(cell: &OnceCell<W>, shown: bool, make: impl FnOnce() -> W) -> Option<&W> {
    if shown {
        let w = cell.get_or_init(make);
        w.set_visible(true);
        Some(w)
    } else {
        if let Some(w) = cell.get() {
            w.set_visible(false);
        }
        None
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
