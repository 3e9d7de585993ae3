//! Reel, the GNOME app: relm4 components on top of reel-core.
// relm4 messages carry whole sources and items once through a channel; boxing
// them would only add noise.
#![allow(clippy::large_enum_variant)]

pub mod app;
pub mod bench_probe;
pub mod build_info;
pub mod core_handle;
pub mod i18n;
pub mod ui;

/// Starts the app; returns when its last window closes.
pub fn run() -> std::process::ExitCode {
    bench_probe::mark_start();
    i18n::init();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,reel=info,reel_core=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let core = match core_handle::CoreHandle::start() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("reel: {e:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let app = relm4::RelmApp::new(build_info::APP_ID);
    app.run::<app::App>(core);
    std::process::ExitCode::SUCCESS
}
