//! Widgets the pages share: the sidebar, poster slots, the rows under a
//! page's header, the volume button.

use relm4::gtk::{self, prelude::*};

/// Gives a widget the name a screen reader says (and the tests look for).
pub fn labelled(widget: &impl IsA<gtk::Accessible>, label: &str) {
    widget.update_property(&[gtk::accessible::Property::Label(label)]);
}

/// The volume button of the video player and the music bar: 0–1 (cubic,
/// as loudness is heard; the engine converts), full at first.
pub fn volume_button() -> gtk::ScaleButton {
    let volume = gtk::ScaleButton::new(
        0.0,
        1.0,
        0.05,
        &[
            "audio-volume-muted-symbolic",
            "audio-volume-high-symbolic",
            "audio-volume-low-symbolic",
            "audio-volume-medium-symbolic",
        ],
    );
    volume.set_value(1.0);
    labelled(&volume, &crate::i18n::gettext("Volume"));
    volume
}

pub mod child_list;
pub mod poster;
pub mod sidebar;
