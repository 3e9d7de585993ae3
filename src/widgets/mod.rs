//! Widgets the pages share: the sidebar, poster slots, the rows under a
//! page's header, the volume button.

use relm4::gtk::{self, prelude::*};

/// Gives a widget the name a screen reader says (and the tests look for).
pub fn labelled(widget: &impl IsA<gtk::Accessible>, label: &str) {
    widget.update_property(&[gtk::accessible::Property::Label(label)]);
}

/// Tooltips of rows and tiles, asked for when the pointer rests on them.
///
/// `set_tooltip_text` as a row is bound makes GTK 4.8 ask the X server
/// where the pointer is: one round trip per row (perf: 45 of the 50 ms an
/// album of 200 tracks took to show its rows). A tooltip answered in
/// `query-tooltip`, set up once when the widget is made, costs nothing
/// until it is shown.
pub fn tooltip_on_demand(widget: &impl IsA<gtk::Widget>, text: impl Fn() -> Option<String> + 'static) {
    widget.set_has_tooltip(true);
    widget.connect_query_tooltip(move |_, _, _, _, tooltip| match text() {
        Some(t) if !t.is_empty() => {
            tooltip.set_text(Some(&t));
            true
        }
        _ => false,
    });
}

/// A label's whole text as its tooltip, when it is cut short.
pub fn full_text_tooltip(label: &gtk::Label) {
    let weak = label.downgrade();
    tooltip_on_demand(label, move || {
        let label = weak.upgrade()?;
        label.layout().is_ellipsized().then(|| label.text().to_string())
    });
}

/// A row's menu button's name: "Options for" the row's title.
pub fn options_for(title: &str) -> String {
    crate::i18n::i18n_f("Options for {}", &[title])
}

/// A row's menu button's tooltip, named after the title the row shows when asked.
pub fn options_tooltip(menu: &gtk::MenuButton, title: &gtk::Label) {
    let weak = title.downgrade();
    tooltip_on_demand(menu, move || Some(options_for(&weak.upgrade()?.text())));
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
pub mod posters;
pub mod seen;
pub mod sidebar;
