//! Widgets the pages share: the sidebar and poster slots.

use relm4::gtk::{self, prelude::*};

/// Gives a widget the name a screen reader says (and the tests look for).
pub fn labelled(widget: &impl IsA<gtk::Accessible>, label: &str) {
    widget.update_property(&[gtk::accessible::Property::Label(label)]);
}

pub mod poster;
pub mod sidebar;
