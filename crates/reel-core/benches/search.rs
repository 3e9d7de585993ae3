//! Finding things in a saved library of 50 000 items, with no server:
//! - search: a 3-letter prefix (the full-text index, grouped, the items
//!   read back) against the floor a plain scan sets: a `LIKE '%q%'` over
//!   the same table's titles, in the same run;
//! - sort and filter (newest first, unwatched, one genre) against reading
//!   the whole library in its saved order (what opening it reads).
//!
//! `cargo bench -p reel-core --bench search`

use reel_core::models::{ItemKind, MediaItem};
use reel_core::services::library::LibraryCache;
use std::time::{Duration, Instant};

const ITEMS: usize = 50_000;
const GENRES: [&str; 8] = ["Action", "Animation", "Comedy", "Documentary", "Drama", "Horror", "Romance", "Thriller"];
const BROWSES: usize = 15;
const QUERIES: usize = 300;
const WORDS: &[&str] = &[
    "silent", "crimson", "last", "hidden", "golden", "broken", "distant", "electric", "quiet", "midnight", "northern",
    "paper", "wild", "glass", "hollow", "iron", "velvet", "burning", "harbor", "orchard", "signal", "frontier",
    "lantern", "river", "garden", "empire", "tide", "compass", "canyon", "machine", "island", "winter", "archive",
    "meadow", "summit", "echo", "été", "océan", "mañana", "straße",
];

/// A deterministic pick (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 as usize
    }
    fn word(&mut self) -> &'static str {
        WORDS[self.next() % WORDS.len()]
    }
    /// A word of a summary: one of some 8 000 made-up ones.
    fn made_up(&mut self) -> String {
        const SYLLABLES: &[&str] = &[
            "ka", "lo", "mir", "sen", "tu", "va", "rel", "on", "di", "gar", "pe", "shu", "ne", "bo", "xi", "ra", "fen",
            "ul", "mo", "ta",
        ];
        (0..3).map(|_| SYLLABLES[self.next() % SYLLABLES.len()]).collect()
    }
}

fn percentile(mut v: Vec<Duration>, p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i].as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("library.sqlite3");
    let (cache, _) = LibraryCache::open(&path).expect("the cache opens");
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let g = cache.begin_section_sync("s", "1").unwrap();
    let started = Instant::now();
    for page in 0..ITEMS / 1000 {
        let items: Vec<MediaItem> = (0..1000)
            .map(|i| {
                let n = page * 1000 + i;
                let title = format!("The {} {} {}", rng.word(), rng.word(), n);
                let summary = (0..30).map(|_| rng.made_up()).collect::<Vec<_>>().join(" ");
                MediaItem {
                    summary: Some(summary),
                    year: Some(1950 + (n % 75) as i32),
                    genres: vec![GENRES[n % GENRES.len()].to_string()],
                    view_count: i64::from(n % 3 == 0),
                    ..MediaItem::new(n.to_string().as_str(), ItemKind::Movie, title)
                }
            })
            .collect();
        cache.put_section_page("s", "1", page * 1000, &items, g).unwrap();
    }
    cache.finish_section_sync("s", "1", ITEMS, g).unwrap();
    let saved = started.elapsed();
    let sources = ["s".to_string()];
    let queries: Vec<String> = (0..QUERIES).map(|_| rng.word().chars().take(3).collect()).collect();
    // Warm both (the first query reads the index from disk).
    let _ = cache.search(&sources, &queries[0], 10, |_, _| true);
    let mut reel = Vec::with_capacity(QUERIES);
    let mut found = 0;
    for q in &queries {
        let t = Instant::now();
        let r = cache.search(&sources, q, 10, |_, _| true).expect("search");
        reel.push(t.elapsed());
        found += r.values().flatten().map(|g| g.hits.len()).sum::<usize>();
    }
    let conn = rusqlite::Connection::open(&path).expect("the same file");
    let mut floor = Vec::with_capacity(QUERIES);
    for q in &queries {
        let t = Instant::now();
        let mut st = conn
            .prepare_cached("SELECT json FROM items WHERE json_extract(json, '$.title') LIKE ?1 LIMIT 400")
            .unwrap();
        let rows: Vec<String> =
            st.query_map([format!("%{q}%")], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap();
        std::hint::black_box(rows);
        floor.push(t.elapsed());
    }
    println!(
        "Offline search of {ITEMS} saved items, {QUERIES} 3-letter prefixes (ms); saved in {:.1} s",
        saved.as_secs_f64()
    );
    let (p50, p95) = (percentile(reel.clone(), 0.5), percentile(reel, 0.95));
    let (f50, f95) = (percentile(floor.clone(), 0.5), percentile(floor, 0.95));
    println!("  Reel (full-text index, grouped, read back): p50 {p50:.2}, p95 {p95:.2} (target p95 ≤ 5 ms)");
    println!("  a LIKE '%q%' scan of the titles:            p50 {f50:.2}, p95 {f95:.2}");
    println!("  ratio p95 Reel / scan: {:.3}x; {} results a query on average", p95 / f95, found / QUERIES);

    // Sorted and filtered from what was saved.
    use reel_core::models::{Filter, LibraryView, Sort};
    let view = LibraryView {
        sort: Some(Sort { key: "year".into(), descending: true }),
        filters: vec![
            Filter { key: "unwatched".into(), value: "1".into(), title: "Unwatched".into() },
            Filter { key: "genre".into(), value: "102".into(), title: "Comedy".into() },
        ],
        listing: None,
    };
    let _ = cache.browse("s", "1", &view);
    let (mut sorted, mut whole, mut shown) = (Vec::new(), Vec::new(), 0);
    for _ in 0..BROWSES {
        let t = Instant::now();
        shown = cache.browse("s", "1", &view).expect("browse").len();
        sorted.push(t.elapsed());
        let t = Instant::now();
        let all: Vec<MediaItem> = cache.items("s", "1", 0, ITEMS).expect("items").items;
        whole.push(t.elapsed());
        std::hint::black_box(all);
    }
    let (b50, b95) = (percentile(sorted.clone(), 0.5), percentile(sorted, 0.95));
    let (w50, w95) = (percentile(whole.clone(), 0.5), percentile(whole, 0.95));
    println!("Sort and filter of the {ITEMS} saved items (newest first, unwatched, one genre: {shown} shown), {BROWSES} runs (ms)");
    println!("  Reel: p50 {b50:.1}, p95 {b95:.1} (target: painted ≤ 100 ms)");
    println!("  the whole library read in its saved order: p50 {w50:.1}, p95 {w95:.1}");
    println!("  ratio p95 Reel / whole read: {:.2}x", b95 / w95);
}
