//! Widgets the pages share: the sidebar, poster slots, the rows under a
//! page's header, the volume button.

use relm4::gtk::{self, prelude::*};

/// Gives a widget the name a screen reader says (and the tests look for).
pub fn labelled(widget: &impl IsA<gtk::Accessible>, label: &str) {
    widget.update_property(&[gtk::accessible::Property::Label(label)]);
}

/// A pill button with an icon and a label (Play, Shuffle on a page's header).
pub fn pill(icon: &str, label: &str) -> gtk::Button {
    let content = relm4::adw::ButtonContent::builder().icon_name(icon).label(label).build();
    let b = gtk::Button::builder().child(&content).build();
    b.add_css_class("pill");
    labelled(&b, label);
    b
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

pub mod busy;
pub mod child_list;
pub mod poster;
pub mod sidebar;
