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
//! Launch is the median of `REEL_BENCH_LAUNCHES` (5) starts of each; open is
//! the library opened half a second after the window's first frame (started
//! on Home), as a click in the sidebar does, also the median of as many.
//!
//! Then the same scroll while a film downloads (queued before the start,
//! fetched by the app's own runner from a server sending 8 MB/s, a fast
//! home link): its p95 frame against the scroll without it, in the same
//! run. Target (issue "downloads"): ≤ 1.1×.
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench grid_50k` (needs Xvfb and a Secret Service).
//! `REEL_BENCH_SIZES=50000 REEL_BENCH_RENDERERS=cairo REEL_BENCH_PERF=DIR` runs one case under `perf record`.

mod common;
use common::{cached_library_with, core_of, median, run_app, CachedLibrary, Xvfb};
use std::collections::HashMap;

type Figures = HashMap<String, f64>;

/// How a run goes: scrolled after the first frame (frames, memory), quit at
/// the first frame (launch), or opening the library in a running window.
#[derive(Clone, Copy, PartialEq)]
enum Run {
    Scroll,
    Launch,
    OpenLater,
}

impl Run {
    fn env(self) -> Vec<(&'static str, String)> {
        match self {
            Run::Scroll => vec![("REEL_BENCH_BACK_SCREENS", "3".into())],
            Run::Launch => vec![("REEL_BENCH_SCROLL_FRAMES", "0".into())],
            Run::OpenLater => vec![("REEL_BENCH_SCROLL_FRAMES", "0".into()), ("REEL_BENCH_OPEN_LATER", "1".into())],
        }
    }
}

fn app(lib: &CachedLibrary, display: &str, renderer: &str, run: Run) -> Figures {
    let mut env = vec![
        ("REEL_PLEX_TV_URL", lib.plex_tv_url.clone()),
        ("REEL_PLEX_AUTH_URL", lib.auth_url.clone()),
        ("REEL_EXTRA_CA_FILE", lib.ca_file.clone()),
        ("REEL_BENCH", "1".to_string()),
        ("GSK_RENDERER", renderer.to_string()),
    ];
    env.extend(run.env());
    run_app(display, lib.home.path(), &env)
}

fn floor(home: &std::path::Path, items: usize, display: &str, renderer: &str, run: Run) -> Figures {
    let mut env = vec![
        ("REEL_BENCH", "1".to_string()),
        ("REEL_BENCH_GRID_FLOOR", items.to_string()),
        ("GSK_RENDERER", renderer.to_string()),
    ];
    env.extend(run.env());
    run_app(display, home, &env)
}

/// How fast the server sends a download during the busy scroll.
const DOWNLOAD_RATE: u64 = 8_000_000;

/// What the films download: a file of 96 MB (no picture: a download does
/// not decode), 12 s at [`DOWNLOAD_RATE`], longer than a scroll.
fn film_file(dir: &std::path::Path) -> fake_plex::media::MediaSpec {
    let file = dir.join("film.mkv");
    let block: Vec<u8> = (0..1_000_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let mut bytes = Vec::with_capacity(96 * block.len());
    (0..96).for_each(|_| bytes.extend_from_slice(&block));
    std::fs::write(&file, bytes).expect("the film's file");
    fake_plex::media::MediaSpec {
        file,
        container: "mkv".into(),
        video_codec: "vp8".into(),
        audio_codec: "vorbis".into(),
        duration_ms: 60_000,
        audio_languages: vec!["eng".into()],
        subtitle_languages: Vec::new(),
        hls: None,
        bytes_per_second: Some(DOWNLOAD_RATE),
        claim_video_codec: None,
    }
}

/// `run` with the first film queued for download first (the app's runner
/// fetches it from its start); what it measured and the bytes that came.
/// The download is removed after, so each run fetches it anew.
fn while_downloading(
    rt: &tokio::runtime::Runtime,
    lib: &CachedLibrary,
    run: impl FnOnce() -> Figures,
) -> (Figures, u64) {
    let core = core_of(lib);
    let source = reel_core::SourceId::new(lib.source_id.clone());
    let film = rt.block_on(async {
        let films = core.saved_items(&source, &reel_core::SectionKey::new("1"), 0, 1).await.expect("the films");
        let film = films.items.into_iter().next().expect("a film").rating_key;
        core.download(&source, &film).await.expect("queued");
        film
    });
    let figures = run();
    let fetched = rt.block_on(async {
        let all = core.downloads().await.expect("the downloads");
        let fetched = all.iter().find(|d| d.rating_key == film).map_or(0, |d| d.fetched);
        core.cancel_download(&source, &film).await.expect("removed");
        fetched
    });
    (figures, fetched)
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    // REEL_BENCH_SIZES / REEL_BENCH_RENDERERS narrow the run (to profile one case).
    let list = |var: &str, default: &str| std::env::var(var).unwrap_or_else(|_| default.into());
    let sizes: Vec<usize> = list("REEL_BENCH_SIZES", "1000,50000").split(',').filter_map(|n| n.parse().ok()).collect();
    let renderers = list("REEL_BENCH_RENDERERS", "cairo,gl");
    let launches: usize = list("REEL_BENCH_LAUNCHES", "5").parse().unwrap_or(5);
    let media = tempfile::tempdir().expect("tempdir");
    let film = film_file(media.path());
    let libraries: Vec<(usize, CachedLibrary)> =
        sizes.into_iter().map(|n| (n, cached_library_with(&rt, n, Some(film.clone())))).collect();
    let mut busy_rows = Vec::new();
    let x = Xvfb::start();
    let get = |f: &Figures, k: &str| f.get(k).copied().unwrap_or(f64::NAN);
    println!("library grid from cache, real app (release) in Xvfb, against a plain GtkGridView of the same tiles");
    for (n, lib) in &libraries {
        println!("  {n} items: network → cache sync {:.0} ms", lib.sync_ms);
    }
    for renderer in renderers.split(',') {
        println!("renderer {renderer}{}", if renderer == "gl" { " (Mesa llvmpipe: no GPU here)" } else { "" });
        println!(
            "{:>8} {:>26} {:>26} {:>26} {:>13} {:>28} {:>30} {:>26}",
            "items",
            "p95 frame ms (floor, x)",
            "worst frame ms (floor, x)",
            "launch→grid ms (floor, x)",
            "open→grid ms",
            "RSS MB (floor, +MB)",
            "3 screens back: posters again",
            "mean frame ms (floor, x)"
        );
        for (n, lib) in &libraries {
            // Launch and open are single events, noisy on a loaded machine:
            // the median of several runs, the app's and the floor's taken in turn.
            // Each keeps its home across runs, as a person's: Mesa's shader
            // cache (under XDG_CACHE_HOME) is warm after one untimed start.
            let floor_home = tempfile::tempdir().expect("tempdir");
            let floor = |run| floor(floor_home.path(), *n, &x.display, renderer, run);
            app(lib, &x.display, renderer, Run::Launch);
            floor(Run::Launch);
            let (mut launch, mut launch_floor) = (vec![], vec![]);
            for _ in 0..launches {
                launch.push(get(&app(lib, &x.display, renderer, Run::Launch), "first_frame_ms"));
                launch_floor.push(get(&floor(Run::Launch), "first_frame_ms"));
            }
            let mut a = app(lib, &x.display, renderer, Run::Scroll);
            let mut f = floor(Run::Scroll);
            let (busy, fetched) = while_downloading(&rt, lib, || app(lib, &x.display, renderer, Run::Scroll));
            let (p, q) = (get(&busy, "p95_frame_ms"), get(&a, "p95_frame_ms"));
            busy_rows.push(format!(
                "{renderer:>6} {n:>8} {:>26} {:>18.1}",
                format!("{p:.1} ({q:.1}, {:.2}x)", p / q),
                fetched as f64 / 1e6
            ));
            // Last: a run that starts on Home may quit before it remembers
            // the library again, and the next would start on Home.
            let open: Vec<f64> = (0..launches)
                .map(|_| get(&app(lib, &x.display, renderer, Run::OpenLater), "open_to_frame_ms"))
                .collect();
            a.insert("first_frame_ms".into(), median(launch));
            f.insert("first_frame_ms".into(), median(launch_floor));
            a.insert("open_to_frame_ms".into(), median(open));
            let cell = |k: &str| {
                let (r, b) = (get(&a, k), get(&f, k));
                format!("{r:.1} ({b:.1}, {:.2}x)", r / b)
            };
            let (ra, rf) = (get(&a, "rss_kb") / 1024.0, get(&f, "rss_kb") / 1024.0);
            println!(
                "{:>8} {:>26} {:>26} {:>26} {:>13.1} {:>28} {:>30} {:>26}",
                n,
                cell("p95_frame_ms"),
                cell("max_frame_ms"),
                cell("first_frame_ms"),
                get(&a, "open_to_frame_ms"),
                format!("{ra:.0} ({rf:.0}, {:+.0})", ra - rf),
                format!("{} of {} shown", get(&a, "posters_again"), get(&a, "posters_down")),
                cell("mean_frame_ms")
            );
        }
    }
    println!("targets: p95 ≤ 1.30x, worst ≤ 2.00x, launch→grid ≤ 1.30x, open→grid ≤ 100 ms, RSS ≤ floor + 60 MB, 0 posters again");
    println!(
        "the same scroll while a film downloads at {} MB/s (the app's runner), against it without",
        DOWNLOAD_RATE / 1_000_000
    );
    println!("{:>6} {:>8} {:>26} {:>18}", "", "items", "p95 frame ms (without, x)", "MB fetched meanwhile");
    busy_rows.iter().for_each(|r| println!("{r}"));
    println!("target: p95 while downloading ≤ 1.10x");
    println!(
        "(the mean is not a target: under llvmpipe frames near 16.7 ms put the p95 on 16.7 or 33.3 from run to run)"
    );
    drop(x);
}
