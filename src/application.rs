//! Starting Reel: logging, translations, one instance per session, the core,
//! then the window.

use crate::{build_info, i18n, runtime, window};

/// Starts the app; returns when its last window closes.
pub fn run() -> std::process::ExitCode {
    crate::memory::tune();
    crate::probe! {
        mark_start();
        if floor_requested() {
            return run_floor();
        }
        if let Some(rows) = home_floor_requested() {
            return run_home_floor(rows);
        }
        if let Some(items) = list_floor_requested() {
            return run_list_floor(items);
        }
        if let Some(items) = grid_floor_requested() {
            return run_grid_floor(items);
        }
        if play_floor_requested() {
            return run_play_floor();
        }
    }
    i18n::init();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,reel=info,reel_core=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    use relm4::gtk::prelude::*;
    let gapp = relm4::adw::Application::builder().application_id(build_info::APP_ID).build();
    // Reel is already running: bring its window forward rather than open the
    // settings, keyring and cache a second time. (Registering here in the
    // first instance would start it before relm4 can build its window.)
    if already_running() && gapp.register(None::<&relm4::gtk::gio::Cancellable>).is_ok() && gapp.is_remote() {
        gapp.activate();
        return std::process::ExitCode::SUCCESS;
    }
    gapp.connect_activate(|a| {
        if let Some(w) = a.active_window() {
            w.present();
        }
    });
    crate::probe!(mark("gtk-app-built"));
    let core = match runtime::CoreHandle::start() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("reel: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    crate::probe!(mark("core-open"));
    let app = relm4::RelmApp::from_app(gapp);
    app.run::<window::App>(core);
    std::process::ExitCode::SUCCESS
}

/// Whether another Reel owns the app's name on the session bus.
fn already_running() -> bool {
    use relm4::gtk::prelude::*;
    use relm4::gtk::{gio, glib};
    let Ok(bus) = gio::bus_get_sync(gio::BusType::Session, None::<&gio::Cancellable>) else { return false };
    bus.call_sync(
        Some("org.freedesktop.DBus"),
        "/org/freedesktop/DBus",
        "org.freedesktop.DBus",
        "NameHasOwner",
        Some(&(build_info::APP_ID,).to_variant()),
        Some(glib::VariantTy::new("(b)").expect("valid type")),
        gio::DBusCallFlags::NONE,
        1000,
        None::<&gio::Cancellable>,
    )
    .ok()
    .and_then(|v| v.get::<(bool,)>())
    .is_some_and(|(owned,)| owned)
}
