//! Which subtitles playbin shows: one inside the file, one in a file of its
//! own on the server (playbin's `suburi`), or none. playbin lists both kinds
//! as text streams in no fixed order; a stream from the container carries
//! the container's tag, a sidecar's does not.

use gst::prelude::*;
use relm4::gtk::glib;

/// What the user chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextChoice {
    /// As the file says (nothing chosen yet).
    #[default]
    AsIs,
    Off,
    /// The n-th subtitle inside the file, in the file's order.
    Embedded(u32),
    /// The file given as `suburi`.
    External,
}

/// Applies `choice` to `playbin` (once its streams are known); whether
/// what is shown changed.
pub fn apply(playbin: &gst::Element, choice: TextChoice, has_suburi: bool) -> bool {
    let shown = |bin: &gst::Element| (bin.property::<i32>("current-text"), flag(bin, "text"));
    let before = shown(playbin);
    let n = playbin.property::<i32>("n-text");
    let from_container = |i: i32| {
        // Without a sidecar every text stream is the file's.
        !has_suburi
            || playbin
                .emit_by_name::<Option<gst::TagList>>("get-text-tags", &[&i])
                .is_some_and(|t| t.get::<gst::tags::ContainerFormat>().is_some())
    };
    let pick = match choice {
        TextChoice::AsIs => return false,
        TextChoice::Off => None,
        TextChoice::Embedded(k) => (0..n).filter(|i| from_container(*i)).nth(k as usize),
        TextChoice::External => (0..n).find(|i| !from_container(*i)),
    };
    match pick {
        Some(i) => {
            playbin.set_property("current-text", i);
            set_flag(playbin, "text", true);
        }
        // Off, or the stream is not there (yet): nothing shown.
        None if choice == TextChoice::Off => set_flag(playbin, "text", false),
        None => tracing::debug!("subtitle {choice:?} not among the {n} text streams"),
    }
    shown(playbin) != before
}

/// Whether one of playbin's `flags` (by nick) is on.
fn flag(playbin: &gst::Element, nick: &str) -> bool {
    let value = playbin.property_value("flags");
    glib::FlagsClass::with_type(value.type_()).is_some_and(|class| class.is_set_by_nick(&value, nick))
}

/// The message [`report_changes`] posts on playbin's bus.
const TEXT_CHANGED: &str = "reel-text-changed";

/// The subtitle stream chosen is told apart by its tags, which can come
/// after the media is open (a sidecar's especially): the engine chooses
/// again whenever the text streams or their tags change. These signals come
/// on streaming threads; a message on the bus brings them to the GTK thread.
pub fn report_changes(playbin: &gst::Element) {
    for signal in ["text-changed", "text-tags-changed"] {
        playbin.connect(signal, false, |values| {
            if let Some(bin) = values.first().and_then(|v| v.get::<gst::Element>().ok()) {
                let _ = bin.post_message(gst::message::Application::new(gst::Structure::new_empty(TEXT_CHANGED)));
            }
            None
        });
    }
}

/// Whether `msg` is one [`report_changes`] posted.
pub fn is_change(msg: &gst::message::Application) -> bool {
    msg.structure().is_some_and(|s| s.name() == TEXT_CHANGED)
}

/// Turns one of playbin's `flags` (by nick) on or off.
pub fn set_flag(playbin: &gst::Element, nick: &str, on: bool) {
    let value = playbin.property_value("flags");
    let Some(class) = glib::FlagsClass::with_type(value.type_()) else { return };
    let builder = match class.builder_with_value(value) {
        Some(b) if on => b.set_by_nick(nick),
        Some(b) => b.unset_by_nick(nick),
        None => return,
    };
    if let Some(v) = builder.build() {
        playbin.set_property_from_value("flags", &v);
    }
}
