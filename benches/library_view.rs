//! Sorting and filtering a 50 000-film library in the real app (a release
//! build, in Xvfb): from its grid painted whole, the library shown newest
//! first with only the unwatched comedies, as Sort and Filter show it, to
//! that grid painted (`REEL_BENCH_VIEW`). Median of `REEL_BENCH_RUNS` (5).
//!
//! - From what Reel saved (the server refusing): against the core's own
//!   answer from the same cache, in this process, from a core opened
//!   afresh (its floor). Target (issue "find anything"): painted ≤ 100 ms.
//! - Online: against the core's answer from the server over loopback for
//!   the same view, in this process. Target: painted ≤ that answer + 50 ms.
//!   (The app's answer waits behind what it asks at the same time: the
//!   first screen's posters, Home.)
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench library_view`

mod common;
use common::{cached_library_with, core_of, median, run_app, CachedLibrary, Xvfb};
use fake_plex::topology::Behaviour;
use reel_core::models::{Filter, LibraryView, Sort};
use reel_core::{Core, SectionKey, SourceId};
use std::time::Instant;

const ITEMS: usize = 50_000;

/// The view: newest first, unwatched comedies.
fn view() -> LibraryView {
    let comedy = fake_plex::library::genre_id("Comedy").to_string();
    LibraryView {
        sort: Some(Sort { key: "year".into(), descending: true }),
        filters: vec![
            Filter { key: "unwatched".into(), value: "1".into(), title: "Unwatched".into() },
            Filter { key: "genre".into(), value: comedy, title: "Comedy".into() },
        ],
        listing: None,
    }
}

/// The view as `REEL_BENCH_VIEW` takes it.
fn asked(view: &LibraryView) -> String {
    let sort = view.sort.iter().map(|s| format!("sort={}{}", s.key, if s.descending { ":desc" } else { "" }));
    let filters = view.filters.iter().map(|f| format!("{}={}|{}", f.key, f.value, f.title));
    sort.chain(filters).collect::<Vec<_>>().join("&")
}

/// One run of the app: the library opens as listed (the view of a run
/// before forgotten), then the view is shown; what it printed.
fn app(rt: &tokio::runtime::Runtime, core: &Core, lib: &CachedLibrary, display: &str) -> (f64, f64, f64) {
    let (source, section) = (SourceId::new(lib.source_id.clone()), SectionKey::new("1"));
    rt.block_on(core.set_library_view(&source, &section, &LibraryView::default())).expect("view forgotten");
    let env = vec![
        ("REEL_PLEX_TV_URL", lib.plex_tv_url.clone()),
        ("REEL_PLEX_AUTH_URL", lib.auth_url.clone()),
        ("REEL_EXTRA_CA_FILE", lib.ca_file.clone()),
        ("REEL_BENCH", "1".to_string()),
        ("REEL_BENCH_SCROLL_FRAMES", "0".to_string()),
        ("REEL_BENCH_VIEW", asked(&view())),
    ];
    let f = run_app(display, lib.home.path(), &env);
    let get = |k: &str| f.get(k).copied().unwrap_or(f64::NAN);
    (get("view_to_frame_ms"), get("view_items"), get("view_saved"))
}

/// The core's own answer for the view, in this process, from a core
/// opened afresh as the app's is (its database's cache as cold): (ms,
/// items, saved).
fn floor(rt: &tokio::runtime::Runtime, lib: &CachedLibrary) -> (f64, usize, bool) {
    let (source, section) = (SourceId::new(lib.source_id.clone()), SectionKey::new("1"));
    let core = core_of(lib);
    let start = Instant::now();
    let b = rt.block_on(core.browse(&source, &section, &view())).expect("the view");
    (start.elapsed().as_secs_f64() * 1000.0, b.items.len(), b.from_saved_data)
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let runs: usize = std::env::var("REEL_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let lib = cached_library_with(&rt, ITEMS, None);
    let core = core_of(&lib);
    let x = Xvfb::start();
    println!(
        "library of {ITEMS} films sorted (year, newest first) and filtered (unwatched comedies), real app (release) in Xvfb, median of {runs} (ms)"
    );
    for offline in [true, false] {
        let fp = lib.fp.as_ref().expect("the server");
        fp.set_behaviour("Bench", None, if offline { Behaviour::Refuse } else { Behaviour::Ok });
        // One untimed run of each: neither pays alone for cold caches.
        app(&rt, &core, &lib, &x.display);
        floor(&rt, &lib);
        let (mut a, mut f) = (Vec::new(), Vec::new());
        let (mut shown, mut answered) = ((f64::NAN, f64::NAN), (0, false));
        for _ in 0..runs {
            let (ms, items, saved) = app(&rt, &core, &lib, &x.display);
            a.push(ms);
            shown = (items, saved);
            let (ms, items, saved) = floor(&rt, &lib);
            f.push(ms);
            answered = (items, saved);
        }
        let (a, f) = (median(a), median(f));
        let (items, saved) = answered;
        assert_eq!(shown.0, items as f64, "the app showed what the core answers");
        assert_eq!(shown.1 == 1.0, saved, "both from the same place");
        if offline {
            println!(
                "  from what Reel saved: view → painted {a:.1} vs the core's answer {f:.1} = {:.2}x; {:.2} of the 100 ms target ({items} items)",
                a / f,
                a / 100.0
            );
        } else {
            println!(
                "  online: view → painted {a:.1} vs the core's answer from the server {f:.1} = {:.2}x; {:.1} ms over it (target ≤ 50 ms; {items} items)",
                a / f,
                a - f
            );
        }
    }
}
