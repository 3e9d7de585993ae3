//! Start-up: the real app (release), offline, with a cached library of 1 000
//! items opened at start, from process start to the first painted grid;
//! against the floor of the same binary showing an empty libadwaita window
//! (`REEL_BENCH_FLOOR`), started alternately in the same Xvfb with the same
//! renderer. Median of 7 each; target ≤ 1.3×.
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench startup`

mod common;
use common::{cached_library, median, run_app, Xvfb};

/// Runs of each; `REEL_BENCH_RUNS` overrides it for a quick look.
const RUNS: usize = 7;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let mut lib = cached_library(&rt, 1_000);
    // Offline: the server and plex.tv are gone; everything comes from the cache.
    drop(lib.fp.take());
    let x = Xvfb::start();
    let app_env = [
        ("REEL_PLEX_TV_URL", lib.plex_tv_url.clone()),
        ("REEL_PLEX_AUTH_URL", lib.auth_url.clone()),
        ("REEL_EXTRA_CA_FILE", lib.ca_file.clone()),
        ("REEL_BENCH", "1".to_string()),
        ("REEL_BENCH_SCROLL_FRAMES", "0".to_string()),
    ];
    let floor_env = [("REEL_BENCH_FLOOR", "1".to_string())];
    let (mut app, mut floor) = (Vec::new(), Vec::new());
    // One of each untimed first, so neither pays for a cold disk cache alone.
    run_app(&x.display, lib.home.path(), &floor_env);
    run_app(&x.display, lib.home.path(), &app_env);
    let runs = std::env::var("REEL_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(RUNS);
    for _ in 0..runs {
        let f = run_app(&x.display, lib.home.path(), &floor_env);
        floor.push(f.get("first_frame_ms").copied().unwrap_or(f64::NAN));
        let a = run_app(&x.display, lib.home.path(), &app_env);
        app.push(a.get("first_frame_ms").copied().unwrap_or(f64::NAN));
    }
    let (a, f) = (median(app.clone()), median(floor.clone()));
    println!("start-up to the first painted frame, release builds in Xvfb, median of {runs} (ms)");
    println!("  empty libadwaita window (floor): {f:.1}   runs {floor:.0?}");
    println!("  Reel, offline, 1 000 cached items in the grid: {a:.1}   runs {app:.0?}");
    println!("  ratio {:.2}x (target ≤ 1.30x)", a / f);
    println!(
        "renderer: {}",
        std::env::var("GSK_RENDERER").unwrap_or_else(|_| "GTK's default (GL, Mesa llvmpipe under Xvfb)".into())
    );
}
