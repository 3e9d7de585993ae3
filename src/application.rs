//! Starting Reel: logging, translations, one instance per session, then the
//! window (which opens the core).

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
    use relm4::gtk::glib;
    use relm4::gtk::prelude::*;
    // One Reel per session, the GApplication way: a second launch, or the
    // desktop's D-Bus activation of a running Reel, hands over to the first,
    // which presents its window. Only the first instance starts up, and it
    // opens the settings, keyring and cache then (the window's init), once
    // it owns the name.
    let gapp = relm4::adw::Application::builder().application_id(build_info::APP_ID).build();
    gapp.connect_activate(|a| {
        if let Some(w) = a.active_window() {
            tracing::info!("activated: the window is presented");
            w.present();
        }
    });
    crate::probe!(mark("gtk-app-built"));
    let runtime = match runtime::Runtime::start() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("reel: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    // After the application has run, relm4 waits for one more event of
    // the main loop. A second instance hands over and runs no loop: with
    // nothing to wake it, it would wait for ever. A timer wakes it; the
    // first instance, which starts up, stops the timer at once.
    let waker = glib::timeout_add_local(std::time::Duration::from_millis(100), || glib::ControlFlow::Continue);
    let waker = std::cell::Cell::new(Some(waker));
    gapp.connect_startup(move |_| {
        if let Some(w) = waker.take() {
            w.remove();
        }
    });
    let app = relm4::RelmApp::from_app(gapp);
    app.run::<window::App>(runtime);
    std::process::ExitCode::SUCCESS
}
