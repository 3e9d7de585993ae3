//! A 50 000-item library opened from the library cache in the real app (a
//! release build, in Xvfb): time from process start to the first painted grid
//! frame, memory, and the worst frame while scrolling the whole grid; against
//! a 1 000-item library as the baseline. Also the network → cache sync time.
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench grid_50k` (needs Xvfb and a Secret Service).

mod common;
use common::{cached_library, run_app, Xvfb};
use std::collections::HashMap;

struct Figures {
    items: usize,
    sync_ms: f64,
    values: HashMap<String, f64>,
}

fn run(items: usize, display: &str) -> Figures {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let lib = cached_library(&rt, items);
    let values = run_app(
        display,
        lib.home.path(),
        &[
            ("REEL_PLEX_TV_URL", lib.plex_tv_url.clone()),
            ("REEL_PLEX_AUTH_URL", lib.auth_url.clone()),
            ("REEL_EXTRA_CA_FILE", lib.ca_file.clone()),
            ("REEL_BENCH", "1".to_string()),
        ],
    );
    Figures { items, sync_ms: lib.sync_ms, values }
}

fn main() {
    let x = Xvfb::start();
    let base = run(1_000, &x.display);
    let big = run(50_000, &x.display);
    drop(x);
    let get = |f: &Figures, k: &str| f.values.get(k).copied().unwrap_or(f64::NAN);
    println!("library grid from cache, real app (release) in Xvfb");
    println!(
        "{:>8} {:>12} {:>16} {:>14} {:>10} {:>14} {:>15} {:>13}",
        "items",
        "sync ms",
        "first frame ms",
        "open→frame ms",
        "RSS MB",
        "scroll frames",
        "worst frame ms",
        "p95 frame ms"
    );
    for f in [&base, &big] {
        println!(
            "{:>8} {:>12.0} {:>16.1} {:>14.1} {:>10.1} {:>14.0} {:>15.1} {:>13.1}",
            f.items,
            f.sync_ms,
            get(f, "first_frame_ms"),
            get(f, "open_to_frame_ms"),
            get(f, "rss_kb") / 1024.0,
            get(f, "scroll_frames"),
            get(f, "max_frame_ms"),
            get(f, "p95_frame_ms")
        );
    }
    println!(
        "renderer: {} (Xvfb has no GPU: GL is Mesa's software llvmpipe; GSK_RENDERER=cairo for the CPU renderer)",
        std::env::var("GSK_RENDERER").unwrap_or_else(|_| "GTK's default".into())
    );
    println!(
        "50k / 1k: first frame {:.2}x, open→frame {:.2}x, memory {:.2}x, worst scroll frame {:.2}x, sync {:.1}x (items 50x)",
        get(&big, "first_frame_ms") / get(&base, "first_frame_ms"),
        get(&big, "open_to_frame_ms") / get(&base, "open_to_frame_ms"),
        get(&big, "rss_kb") / get(&base, "rss_kb"),
        get(&big, "max_frame_ms") / get(&base, "max_frame_ms"),
        big.sync_ms / base.sync_ms
    );
}
