//! The A–Z jump beside a library listed by title: a letter for each first
//! letter its titles have; pressing one brings the grid to the first title
//! with it, and the focus there too (a keyboard user goes on from it).
//! The letters and where they begin are the core's (the server's
//! `firstCharacters`, or the saved items'); this only shows them.

use super::tile::Tile;
use crate::i18n::{i18n_f, ni18n_f};
use crate::style;
use reel_core::models::{letters_without, FirstLetter, ItemSummary};
use relm4::gtk;
use relm4::gtk::prelude::*;
use std::cell::{Cell, RefCell};

pub(super) struct LetterJump {
    pub(super) root: gtk::ScrolledWindow,
    column: gtk::Box,
    grid: gtk::GridView,
    /// The letters offered (more than one is a jump).
    letters: RefCell<Vec<FirstLetter>>,
    /// The library's own filter box narrows the grid: the letters' places
    /// are in the whole listing, so none is offered meanwhile.
    typed: Cell<bool>,
}

impl LetterJump {
    pub(super) fn new(grid: &gtk::GridView) -> Self {
        let column = gtk::Box::new(gtk::Orientation::Vertical, 0);
        column.set_valign(gtk::Align::Center);
        column.set_margin_end(4);
        let root = gtk::ScrolledWindow::builder()
            .child(&column)
            .hscrollbar_policy(gtk::PolicyType::Never)
            .propagate_natural_width(true)
            .visible(false)
            .build();
        root.update_property(&[gtk::accessible::Property::Label(&crate::i18n::gettext("Jump to a letter"))]);
        LetterJump { root, column, grid: grid.clone(), letters: RefCell::default(), typed: Cell::new(false) }
    }

    /// Offers `letters` (none, or only one, is no jump: hidden).
    pub(super) fn show(&self, letters: &[FirstLetter]) {
        while let Some(child) = self.column.first_child() {
            self.column.remove(&child);
        }
        for letter in letters {
            let button = gtk::Button::with_label(&letter.letter);
            button.add_css_class("flat");
            button.add_css_class(style::LETTER);
            // TRANSLATORS: a button of the A–Z jump beside a library; {} is a letter ("M").
            button.update_property(&[gtk::accessible::Property::Label(&i18n_f("Jump to {}", &[&letter.letter]))]);
            let count = letter.count.to_string();
            button.set_tooltip_text(Some(&ni18n_f(
                "{} title starting with {}",
                "{} titles starting with {}",
                letter.count as u64,
                &[&count, &letter.letter],
            )));
            let (grid, position) = (self.grid.clone(), u32::try_from(letter.position).unwrap_or(u32::MAX));
            button.connect_clicked(move |_| jump(&grid, position));
            self.column.append(&button);
        }
        *self.letters.borrow_mut() = letters.to_vec();
        self.root.set_visible(self.offered() && !self.typed.get());
    }

    fn offered(&self) -> bool {
        self.letters.borrow().len() > 1
    }

    /// The title at `position` left the listing (marked watched under
    /// Unwatched): the letters after it move up.
    pub(super) fn removed(&self, position: usize) {
        let letters = letters_without(&self.letters.borrow(), position);
        self.show(&letters);
    }

    /// Nothing to offer (a new library, or one not listed by title).
    pub(super) fn hide(&self) {
        self.show(&[]);
    }

    /// Whether the library's filter box has text.
    pub(super) fn typed(&self, typed: bool) {
        self.typed.set(typed);
        self.root.set_visible(self.offered() && !typed);
    }
}

/// Brings the grid to the tile at `position` and gives it the focus (GTK
/// 4.8's list has no `scroll_to`: its action scrolls, and the tile is
/// found among the grid's cells once they are laid out).
fn jump(grid: &gtk::GridView, position: u32) {
    let Some(model) = grid.model() else { return };
    if position >= model.n_items() {
        return;
    }
    if let Err(e) = grid.activate_action("list.scroll-to-item", Some(&position.to_variant())) {
        tracing::warn!("the grid could not be brought to a letter: {e}");
        return;
    }
    grid.grab_focus();
    if let Some(item) = model.item(position).and_downcast::<gtk::glib::BoxedAnyObject>() {
        to_the_top(grid, item.borrow::<ItemSummary>().rating_key().to_string());
    }
}

/// The action scrolls the least it can: coming from above, the letter's
/// row lands at the bottom edge, with the letter before filling the
/// screen. Once the row is laid out there, the grid moves on until it is
/// the first row shown, as an index opens a book at its page (as far as
/// the grid goes: the last rows stay where the end of the grid leaves them).
fn to_the_top(grid: &gtk::GridView, rating_key: String) {
    // The first frame lays out the scroll asked for; the row's place is
    // known from the second.
    let frames = Cell::new(0);
    grid.add_tick_callback(move |grid, _| {
        frames.set(frames.get() + 1);
        if frames.get() < 2 {
            return gtk::glib::ControlFlow::Continue;
        }
        let tile = std::iter::successors(grid.first_child(), |c| c.next_sibling())
            .find(|cell| cell.first_child().and_downcast::<Tile>().is_some_and(|t| t.shows(&rating_key)));
        let (Some(tile), Some(adjustment)) = (tile, grid.vadjustment()) else {
            return gtk::glib::ControlFlow::Break;
        };
        if let Some(at) = tile.compute_point(grid, &gtk::graphene::Point::new(0.0, 0.0)) {
            adjustment.set_value(adjustment.value() + f64::from(at.y()));
        }
        // The grid's own focus stays on the cell it had before the jump:
        // a keyboard user goes on from the letter's first title instead.
        tile.grab_focus();
        gtk::glib::ControlFlow::Break
    });
}
