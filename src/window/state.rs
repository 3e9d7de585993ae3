//! The window's size, and whether it was maximised, kept in GSettings
//! (`dev.arsfeld.Reel`): restored when it opens, saved when it closes.
//! Installed, the schema is the system's; run from the build (`cargo run`,
//! the tests), it is the copy build.rs compiled.
//! (The sidebar has no width of its own to keep: the leaflet sizes it.)

use crate::build_info;
use relm4::adw;
use relm4::adw::prelude::*;
use relm4::gtk::gio;

/// Reel's settings, or None (said in the log) when no schema is found.
fn settings() -> Option<gio::Settings> {
    let system = gio::SettingsSchemaSource::default();
    let schema = system.as_ref().and_then(|s| s.lookup(build_info::APP_ID, true)).or_else(|| {
        let built = concat!(env!("OUT_DIR"), "/schemas");
        gio::SettingsSchemaSource::from_directory(built, system.as_ref(), false).ok()?.lookup(build_info::APP_ID, false)
    });
    let Some(schema) = schema else {
        tracing::warn!("no settings schema {}: the window's size is not kept", build_info::APP_ID);
        return None;
    };
    Some(gio::Settings::new_full(&schema, None::<&gio::SettingsBackend>, None))
}

/// Gives `window` the size it had when it last closed, and keeps it when
/// it closes again.
pub(super) fn remember(window: &adw::ApplicationWindow) {
    let Some(settings) = settings() else { return };
    let (width, height) = (settings.int("window-width"), settings.int("window-height"));
    // A size from a bigger screen (or a damaged value) is not worse than none.
    if width > 0 && height > 0 {
        window.set_default_size(width, height);
    }
    if settings.boolean("window-maximized") {
        window.maximize();
    }
    window.connect_is_active_notify(|w| tracing::debug!(active = w.is_active(), "the window's focus changed"));
    window.connect_close_request(move |window| {
        // The size to come back to when it is not maximised: as drawn now,
        // else the one it had before it was maximised.
        let (width, height) =
            if window.is_maximized() { window.default_size() } else { (window.width(), window.height()) };
        tracing::debug!(width, height, maximized = window.is_maximized(), "the window's size kept");
        let saved = settings
            .set_int("window-width", width)
            .and_then(|()| settings.set_int("window-height", height))
            .and_then(|()| settings.set_boolean("window-maximized", window.is_maximized()));
        if let Err(e) = saved {
            tracing::warn!("the window's size was not kept: {e}");
        }
        // Written before the process ends (the backend writes later otherwise).
        gio::Settings::sync();
        relm4::gtk::glib::Propagation::Proceed
    });
}
