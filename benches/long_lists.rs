//! An item page's long list in the real app (a release build, in Xvfb): a
//! season of 1 000 episodes (the shape of a daily show), opened from the
//! library cache in a running window as a click does, and scrolled half a
//! page per frame — against its floor in the same run: the same binary
//! showing a plain `GtkListView` of as many rows of the same shape (a
//! title, a caption, an arrow) in a window of the same size, scrolled the
//! same way (`REEL_BENCH_LIST_FLOOR`). Targets (issue "grid at the speed of
//! GTK", item 4): open → painted ≤ 100 ms, p95 frame ≤ 1.3× the floor's,
//! worst ≤ 2×. Both renderers; open is the median of `REEL_BENCH_LAUNCHES` (5).
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench long_lists` (needs Xvfb and a Secret Service).

mod common;
use common::{median, run_app, signed_in, Xvfb};
use fake_plex::topology::LibrarySpec;
use std::collections::HashMap;

type Figures = HashMap<String, f64>;

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let episodes: usize = std::env::var("REEL_BENCH_EPISODES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000);
    let launches: usize = std::env::var("REEL_BENCH_LAUNCHES").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let spec = LibrarySpec {
        movies: 0,
        shows: 1,
        seasons_per_show: 1,
        episodes_per_season: episodes,
        artists: 0,
        ..LibrarySpec::default()
    };
    let (lib, core, source) = signed_in(&rt, spec);
    // Browsed once, as a person would have: the show's page and its season's.
    let season = rt.block_on(async {
        let sections = core.fetch_sections(&source.id).await.expect("sections");
        let shows = sections.iter().find(|s| s.key == "2").expect("a shows section");
        core.sync_section(&source.id, shows, true, |_, _| {}).await.expect("sync");
        let show = core.saved_items(&source.id, &shows.key, 0, 1).await.expect("show").items.remove(0);
        let season = core.fetch_children(&source.id, &show.rating_key).await.expect("seasons").remove(0);
        let n = core.fetch_children(&source.id, &season.rating_key).await.expect("episodes").len();
        assert_eq!(n, episodes, "the season's episodes are saved");
        season.rating_key
    });
    drop(core);
    let x = Xvfb::start();
    let get = |f: &Figures, k: &str| f.get(k).copied().unwrap_or(f64::NAN);
    let app = |renderer: &str, frames: u32| {
        run_app(
            &x.display,
            lib.home.path(),
            &[
                ("REEL_PLEX_TV_URL", lib.plex_tv_url.clone()),
                ("REEL_PLEX_AUTH_URL", lib.auth_url.clone()),
                ("REEL_EXTRA_CA_FILE", lib.ca_file.clone()),
                ("REEL_BENCH", "1".into()),
                ("REEL_BENCH_OPEN_ITEM", format!("{}|{season}", lib.source_id)),
                ("REEL_BENCH_SCROLL_FRAMES", frames.to_string()),
                ("GSK_RENDERER", renderer.into()),
            ],
        )
    };
    let floor_home = tempfile::tempdir().expect("tempdir");
    let floor = |renderer: &str| {
        run_app(
            &x.display,
            floor_home.path(),
            &[
                ("REEL_BENCH", "1".into()),
                ("REEL_BENCH_LIST_FLOOR", episodes.to_string()),
                ("GSK_RENDERER", renderer.into()),
            ],
        )
    };
    println!("a season of {episodes} episodes from cache, real app (release) in Xvfb, against a plain GtkListView of the same rows");
    println!(
        "{:>8} {:>26} {:>26} {:>13}",
        "renderer", "p95 frame ms (floor, x)", "worst frame ms (floor, x)", "open→list ms"
    );
    for renderer in ["cairo", "gl"] {
        // Warm (Mesa's shader cache), then the median of several opens.
        app(renderer, 0);
        let open = median((0..launches).map(|_| get(&app(renderer, 0), "open_to_frame_ms")).collect());
        let (a, f) = (app(renderer, 600), floor(renderer));
        let cell = |k: &str| {
            let (r, b) = (get(&a, k), get(&f, k));
            format!("{r:.1} ({b:.1}, {:.2}x)", r / b)
        };
        println!("{renderer:>8} {:>26} {:>26} {open:>13.1}", cell("p95_frame_ms"), cell("max_frame_ms"));
    }
    println!("targets: open→list ≤ 100 ms, p95 ≤ 1.30x, worst ≤ 2.00x");
}
