//! An item page's long list in the real app (a release build, in Xvfb): a
//! season of 1 000 episodes (the shape of a daily show), an artist with 500
//! albums and an album of 200 tracks, each opened from the library cache in
//! a running window as a click does, and scrolled half a page per frame
//! (down and back up, for a list shorter than the scroll) — against its
//! floor in the same run: the same binary
//! showing a plain `GtkListView` of as many rows of the same shape (a
//! title, a caption, an arrow) in a window of the same size, scrolled the
//! same way (`REEL_BENCH_LIST_FLOOR`). Targets (issue "grid at the speed of
//! GTK", item 4): open → painted ≤ 100 ms, p95 frame ≤ 1.3× the floor's,
//! worst ≤ 2×. Both renderers; open is the median of `REEL_BENCH_LAUNCHES` (5).
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench long_lists` (needs Xvfb and a Secret Service);
//! `REEL_BENCH_RENDERERS=gl REEL_BENCH_NO_HOME=1 REEL_BENCH_CASES=artist,album`
//! narrows the run; `REEL_BENCH_EPISODES`, `_ALBUMS`, `_TRACKS` size it.

mod common;
use common::{median, one_server, run_app, signed_in, signed_in_to, CachedLibrary, Xvfb};
use fake_plex::topology::LibrarySpec;
use std::collections::HashMap;

type Figures = HashMap<String, f64>;

/// The app from `lib`'s home, asked to open a page (`open`) and scroll it
/// `frames` frames (`bounce`: down and back up, over and over, for a page
/// shorter than that).
fn reel(x: &Xvfb, lib: &CachedLibrary, renderer: &str, frames: u32, open: (&str, String), bounce: bool) -> Figures {
    run_app(
        &x.display,
        lib.home.path(),
        &[
            ("REEL_PLEX_TV_URL", lib.plex_tv_url.clone()),
            ("REEL_PLEX_AUTH_URL", lib.auth_url.clone()),
            ("REEL_EXTRA_CA_FILE", lib.ca_file.clone()),
            ("REEL_BENCH", "1".into()),
            open,
            ("REEL_BENCH_SCROLL_FRAMES", frames.to_string()),
            ("REEL_BENCH_BOUNCE", if bounce { "1" } else { "0" }.into()),
            ("GSK_RENDERER", renderer.into()),
        ],
    )
}

/// An item page with a long list of children: what the library holds, and
/// how to reach the item from its library (the section, then how many
/// levels down from its first item).
struct Case {
    what: String,
    spec: LibrarySpec,
    section: &'static str,
    depth: usize,
    /// Scrolled down and back up (a list shorter than 600 half-pages).
    bounce: bool,
    /// Its rows have a menu button (tracks: Add to Playlist…), so the floor's do.
    menus: bool,
}

fn cases() -> Vec<Case> {
    let n = |var: &str, default: usize| std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (episodes, albums, tracks) =
        (n("REEL_BENCH_EPISODES", 1000), n("REEL_BENCH_ALBUMS", 500), n("REEL_BENCH_TRACKS", 200));
    let none = LibrarySpec { movies: 0, shows: 0, artists: 0, ..LibrarySpec::default() };
    vec![
        Case {
            what: format!("a season of {episodes} episodes"),
            spec: LibrarySpec { shows: 1, seasons_per_show: 1, episodes_per_season: episodes, ..none.clone() },
            section: "2",
            depth: 1,
            bounce: false,
            menus: false,
        },
        Case {
            what: format!("an artist with {albums} albums"),
            spec: LibrarySpec { artists: 1, albums_per_artist: albums, tracks_per_album: 1, ..none.clone() },
            section: "3",
            depth: 0,
            bounce: true,
            menus: false,
        },
        Case {
            what: format!("an album of {tracks} tracks"),
            spec: LibrarySpec { artists: 1, albums_per_artist: 1, tracks_per_album: tracks, ..none },
            section: "3",
            depth: 1,
            bounce: true,
            menus: true,
        },
    ]
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let launches: usize = std::env::var("REEL_BENCH_LAUNCHES").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    // REEL_BENCH_CASES=season,artist,album narrows the run (by the words of each).
    let only = std::env::var("REEL_BENCH_CASES").ok();
    for case in cases() {
        if only.as_deref().is_some_and(|o| !o.split(',').any(|w| case.what.contains(w))) {
            continue;
        }
        item_page(&rt, &case, launches);
    }
    if std::env::var_os("REEL_BENCH_NO_HOME").is_none() {
        home(&rt, launches);
    }
}

/// One item page's list, opened from the cache and scrolled, against the
/// plain list of as many rows.
fn item_page(rt: &tokio::runtime::Runtime, case: &Case, launches: usize) {
    let (lib, core, source) = signed_in(rt, case.spec.clone());
    // Browsed once, as a person would have: the pages on the way and the item's.
    let (item, rows) = rt.block_on(async {
        let sections = core.fetch_sections(&source.id).await.expect("sections");
        let section = sections.iter().find(|s| s.key == case.section).expect("the section");
        core.sync_section(&source.id, section, true, |_, _| {}).await.expect("sync");
        let mut item = core.saved_items(&source.id, &section.key, 0, 1).await.expect("first item").items.remove(0);
        for _ in 0..case.depth {
            item = core.fetch_children(&source.id, &item.rating_key).await.expect("children").remove(0);
        }
        let rows = core.fetch_children(&source.id, &item.rating_key).await.expect("the item's children").len();
        (item.rating_key, rows)
    });
    drop(core);
    let x = Xvfb::start();
    let get = |f: &Figures, k: &str| f.get(k).copied().unwrap_or(f64::NAN);
    let open = ("REEL_BENCH_OPEN_ITEM", format!("{}|{item}", lib.source_id));
    let bounce = case.bounce;
    let app = |renderer: &str, frames: u32| reel(&x, &lib, renderer, frames, open.clone(), bounce);
    let floor_home = tempfile::tempdir().expect("tempdir");
    let floor = |renderer: &str| {
        run_app(
            &x.display,
            floor_home.path(),
            &[
                ("REEL_BENCH", "1".into()),
                ("REEL_BENCH_LIST_FLOOR", rows.to_string()),
                ("REEL_BENCH_BOUNCE", if bounce { "1" } else { "0" }.into()),
                ("GSK_RENDERER", renderer.into()),
            ]
            .into_iter()
            .chain(case.menus.then(|| ("REEL_BENCH_LIST_FLOOR_MENU", "1".to_string())))
            .collect::<Vec<_>>(),
        )
    };
    println!(
        "{} ({rows} rows) from cache, real app (release) in Xvfb, against a plain GtkListView of the same rows",
        case.what
    );
    println!(
        "{:>8} {:>26} {:>26} {:>13} {:>26}",
        "renderer", "p95 frame ms (floor, x)", "worst frame ms (floor, x)", "open→list ms", "mean frame ms (floor, x)"
    );
    let renderers = std::env::var("REEL_BENCH_RENDERERS").unwrap_or_else(|_| "cairo,gl".into());
    for renderer in renderers.split(',') {
        // Warm (Mesa's shader cache), then the median of several opens.
        app(renderer, 0);
        let open = median((0..launches).map(|_| get(&app(renderer, 0), "open_to_frame_ms")).collect());
        let (a, f) = (app(renderer, 600), floor(renderer));
        let cell = |k: &str| {
            let (r, b) = (get(&a, k), get(&f, k));
            format!("{r:.1} ({b:.1}, {:.2}x)", r / b)
        };
        println!(
            "{renderer:>8} {:>26} {:>26} {open:>13.1} {:>26}",
            cell("p95_frame_ms"),
            cell("max_frame_ms"),
            cell("mean_frame_ms")
        );
    }
    println!("targets: open→list ≤ 100 ms, p95 ≤ 1.30x, worst ≤ 2.00x (the mean is not a target: frames near 16.7 ms put the p95 on either step)");
}

/// Home at its fullest: five servers' hubs, whose rows Reel merges (five
/// rows of 20 cards, the most Home shows), opened by a click from a library.
fn home(rt: &tokio::runtime::Runtime, launches: usize) {
    let mut topology =
        one_server(LibrarySpec { movies: 60, shows: 4, artists: 4, watching: 8, ..LibrarySpec::default() });
    let first = topology.servers[0].clone();
    topology.servers = (1..=5)
        .map(|i| {
            let mut s = first.clone();
            s.name = format!("Bench {i}");
            s
        })
        .collect();
    let (lib, core, sources) = signed_in_to(rt, topology);
    rt.block_on(async {
        for s in &sources {
            core.fetch_hubs(&s.id).await.expect("hubs");
        }
        let sections = core.fetch_sections(&sources[0].id).await.expect("sections");
        let movies = sections.iter().find(|s| s.key == "1").expect("a movies section");
        core.sync_section(&sources[0].id, movies, true, |_, _| {}).await.expect("sync");
        core.remember_place(Some((sources[0].id.clone(), movies.key.clone()))).await.expect("place");
    });
    drop(core);
    let x = Xvfb::start();
    let get = |f: &Figures, k: &str| f.get(k).copied().unwrap_or(f64::NAN);
    // Home is a few screens high: scrolled down and back up for the whole
    // 600 frames (else its p95 was the worst of ~4 frames, 1.0× or 2.0×
    // from one run to the next); its floor the same way.
    let app =
        |renderer: &str, frames: u32| reel(&x, &lib, renderer, frames, ("REEL_BENCH_OPEN_HOME", "1".into()), true);
    let floor_home = tempfile::tempdir().expect("tempdir");
    let floor = |renderer: &str, rows: f64| {
        run_app(
            &x.display,
            floor_home.path(),
            &[
                ("REEL_BENCH", "1".into()),
                ("REEL_BENCH_HOME_FLOOR", format!("{}", (rows / 20.0).ceil().max(1.0))),
                ("REEL_BENCH_BOUNCE", "1".into()),
                ("GSK_RENDERER", renderer.into()),
            ],
        )
    };
    println!(
        "Home with {} servers' hubs from cache, real app (release) in Xvfb, against plain rows of the same cards",
        sources.len()
    );
    println!(
        "{:>8} {:>26} {:>26} {:>13} {:>6} {:>26}",
        "renderer",
        "p95 frame ms (floor, x)",
        "worst frame ms (floor, x)",
        "open→home ms",
        "cards",
        "mean frame ms (floor, x)"
    );
    let renderers = std::env::var("REEL_BENCH_RENDERERS").unwrap_or_else(|_| "cairo,gl".into());
    for renderer in renderers.split(',') {
        app(renderer, 0);
        let opens: Vec<Figures> = (0..launches).map(|_| app(renderer, 0)).collect();
        let open = median(opens.iter().map(|f| get(f, "open_to_frame_ms")).collect());
        let cards = get(&opens[0], "items");
        let (a, f) = (app(renderer, 600), floor(renderer, cards));
        let cell = |k: &str| {
            let (r, b) = (get(&a, k), get(&f, k));
            format!("{r:.1} ({b:.1}, {:.2}x)", r / b)
        };
        println!(
            "{renderer:>8} {:>26} {:>26} {open:>13.1} {cards:>6} {:>26}",
            cell("p95_frame_ms"),
            cell("max_frame_ms"),
            cell("mean_frame_ms")
        );
    }
    println!("targets: open→home ≤ 100 ms, p95 ≤ 1.30x, worst ≤ 2.00x");
}
