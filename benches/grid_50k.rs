//! The library grid opened from the library cache in the real app (a
//! release build, in Xvfb), at 1 000 and 50 000 items, with both of GTK's
//! renderers (cairo, and GL on Mesa's llvmpipe): time from process start to
//! the first painted grid, from asking for the library to its painted grid,
//! memory, and the frames while scrolling half a page per frame — each
//! against its floor in the same run: the same binary showing a plain
//! `GtkGridView` of as many tiles of the same shape (a 190×285 texture and
//! two labels, 4 columns) in a window of the same size, scrolled the same way
//! (`REEL_BENCH_GRID_FLOOR`). Targets (issue "grid at the speed of GTK"):
//! p95 frame ≤ 1.3× the floor's, worst frame ≤ 2×, open → painted ≤ 100 ms,
//! launch → painted ≤ 1.3× the floor's, memory ≤ the floor's + 60 MB.
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench grid_50k` (needs Xvfb and a Secret Service).
//! `REEL_BENCH_SIZES=50000 REEL_BENCH_RENDERERS=cairo REEL_BENCH_PERF=DIR` runs one case under `perf record`.

mod common;
use common::{cached_library, run_app, CachedLibrary, Xvfb};
use std::collections::HashMap;

type Figures = HashMap<String, f64>;

fn app(lib: &CachedLibrary, display: &str, renderer: &str) -> Figures {
    run_app(
        display,
        lib.home.path(),
        &[
            ("REEL_PLEX_TV_URL", lib.plex_tv_url.clone()),
            ("REEL_PLEX_AUTH_URL", lib.auth_url.clone()),
            ("REEL_EXTRA_CA_FILE", lib.ca_file.clone()),
            ("REEL_BENCH", "1".to_string()),
            ("GSK_RENDERER", renderer.to_string()),
        ],
    )
}

fn floor(items: usize, display: &str, renderer: &str) -> Figures {
    let home = tempfile::tempdir().expect("tempdir");
    run_app(
        display,
        home.path(),
        &[
            ("REEL_BENCH", "1".to_string()),
            ("REEL_BENCH_GRID_FLOOR", items.to_string()),
            ("GSK_RENDERER", renderer.to_string()),
        ],
    )
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // REEL_BENCH_SIZES / REEL_BENCH_RENDERERS narrow the run (to profile one case).
    let list = |var: &str, default: &str| std::env::var(var).unwrap_or_else(|_| default.into());
    let sizes: Vec<usize> = list("REEL_BENCH_SIZES", "1000,50000").split(',').filter_map(|n| n.parse().ok()).collect();
    let renderers = list("REEL_BENCH_RENDERERS", "cairo,gl");
    let libraries: Vec<(usize, CachedLibrary)> = sizes.into_iter().map(|n| (n, cached_library(&rt, n))).collect();
    let x = Xvfb::start();
    let get = |f: &Figures, k: &str| f.get(k).copied().unwrap_or(f64::NAN);
    println!("library grid from cache, real app (release) in Xvfb, against a plain GtkGridView of the same tiles");
    for (n, lib) in &libraries {
        println!("  {n} items: network → cache sync {:.0} ms", lib.sync_ms);
    }
    for renderer in renderers.split(',') {
        println!("renderer {renderer}{}", if renderer == "gl" { " (Mesa llvmpipe: no GPU here)" } else { "" });
        println!(
            "{:>8} {:>26} {:>26} {:>26} {:>13} {:>28}",
            "items",
            "p95 frame ms (floor, x)",
            "worst frame ms (floor, x)",
            "launch→grid ms (floor, x)",
            "open→grid ms",
            "RSS MB (floor, +MB)"
        );
        for (n, lib) in &libraries {
            let a = app(lib, &x.display, renderer);
            let f = floor(*n, &x.display, renderer);
            let cell = |k: &str| {
                let (r, b) = (get(&a, k), get(&f, k));
                format!("{r:.1} ({b:.1}, {:.2}x)", r / b)
            };
            let (ra, rf) = (get(&a, "rss_kb") / 1024.0, get(&f, "rss_kb") / 1024.0);
            println!(
                "{:>8} {:>26} {:>26} {:>26} {:>13.1} {:>28}",
                n,
                cell("p95_frame_ms"),
                cell("max_frame_ms"),
                cell("first_frame_ms"),
                get(&a, "open_to_frame_ms"),
                format!("{ra:.0} ({rf:.0}, {:+.0})", ra - rf)
            );
        }
    }
    println!("targets: p95 ≤ 1.30x, worst ≤ 2.00x, launch→grid ≤ 1.30x, open→grid ≤ 100 ms, RSS ≤ floor + 60 MB");
    drop(x);
}
