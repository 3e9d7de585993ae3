//! Measurement hook for the app benchmarks (`--features bench`); only active
//! when `REEL_BENCH` is set. The app opens the library it had open last (the
//! benchmark sets it up), and this prints, on stdout,
//! `reel-bench first_frame_ms=… open_to_frame_ms=… rss_kb=… items=…` once the
//! grid is painted (from process start, and from the library being asked to
//! open); then, once every item is in the grid, scrolls it one half-page per
//! frame (`REEL_BENCH_SCROLL_FRAMES`, default 600; 0 quits at the first
//! frame) and prints `reel-bench scroll_frames=… max_frame_ms=…`, and quits.

use relm4::adw::prelude::*;
use relm4::gtk;
use std::cell::Cell;
use std::rc::Rc;
use std::sync::OnceLock;
use std::time::Instant;

mod floors;
pub use floors::*;

static STARTED: OnceLock<Instant> = OnceLock::new();
/// When the library was asked to open (the part that scales with its size).
static OPENED: OnceLock<Instant> = OnceLock::new();
/// How many frames to scroll after the first: `REEL_BENCH_SCROLL_FRAMES`,
/// by default ten seconds at 60 frames a second; 0 quits at the first frame.
fn scroll_frames() -> u32 {
    std::env::var("REEL_BENCH_SCROLL_FRAMES").ok().and_then(|v| v.parse().ok()).unwrap_or(600)
}

/// `REEL_BENCH_BOUNCE=1`: a page shorter than the frames to scroll is
/// scrolled down and back up until they are done (else the scroll stops at
/// its end).
fn bounce() -> bool {
    std::env::var("REEL_BENCH_BOUNCE").is_ok_and(|v| v == "1")
}

fn quit(widget: &impl IsA<gtk::Widget>) {
    if let Some(app) = widget.root().and_then(|r| r.downcast::<gtk::Window>().ok()).and_then(|w| w.application()) {
        app.quit();
    }
}

/// `REEL_BENCH_OPEN_ITEM=source_id|rating_key`: the item the window opens
/// half a second after its first frame (started on Home), as a click does.
pub fn open_item_request() -> Option<(String, String)> {
    let v = std::env::var("REEL_BENCH_OPEN_ITEM").ok()?;
    let (source, key) = v.split_once('|')?;
    Some((source.to_string(), key.to_string()))
}

/// `REEL_BENCH_OPEN_HOME`: the window opens Home half a second after its
/// first frame (started on a library), as a click in the sidebar does.
pub fn open_home_requested() -> bool {
    std::env::var_os("REEL_BENCH_OPEN_HOME").is_some()
}

/// Whether this run opens a page by itself (the place it starts at stays
/// the one remembered, for the next run).
pub fn opens_pages() -> bool {
    open_later() || open_home_requested() || open_item_request().is_some()
}

pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// The page a run measures: the one it opens itself, else the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Library,
    Item,
    Home,
}

fn measured() -> Page {
    if open_item_request().is_some() {
        Page::Item
    } else if open_home_requested() {
        Page::Home
    } else {
        Page::Library
    }
}

/// `page` was asked to show its content (other pages than the one measured
/// are ignored: a run opening Home starts on a library).
pub fn mark_open(page: Page) {
    if page == measured() {
        OPENED.get_or_init(Instant::now);
    }
}

/// With `REEL_BENCH_MARKS` set, prints how long after start `what` happened
/// (on stderr), to find where start-up time goes.
pub fn mark(what: &str) {
    if std::env::var_os("REEL_BENCH_MARKS").is_some() {
        let started = *STARTED.get_or_init(Instant::now);
        let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        eprintln!(
            "reel-mark {what} {:.1} mono {}.{:06}",
            started.elapsed().as_secs_f64() * 1000.0,
            ts.tv_sec,
            ts.tv_nsec / 1000
        );
    }
}

/// `REEL_BENCH_OPEN_LATER`: the window starts on Home and opens the
/// library it would have started with half a second after its first frame,
/// so `open_to_frame_ms` is a library opened in a running window.
pub fn open_later() -> bool {
    std::env::var_os("REEL_BENCH_OPEN_LATER").is_some()
}

pub fn active() -> bool {
    std::env::var_os("REEL_BENCH").is_some()
}

fn rss_kb() -> u64 {
    // REEL_BENCH_SMAPS=DIR: the memory map at each reading, to see where
    // the resident memory is (DIR/smaps-PID, the last reading kept).
    if let Some(dir) = std::env::var_os("REEL_BENCH_SMAPS") {
        let to = std::path::Path::new(&dir).join(format!("smaps-{}", std::process::id()));
        let _ = std::fs::copy("/proc/self/smaps", to);
    }
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

static FIRST_SEEN: OnceLock<()> = OnceLock::new();
static SCROLLING: OnceLock<()> = OnceLock::new();

/// Called whenever items were put in the grid; `complete` once all are there.
pub fn grid_filled(
    page: Page,
    grid: &impl IsA<gtk::Widget>,
    scroller: &gtk::ScrolledWindow,
    items: u32,
    complete: bool,
) {
    if !active() || page != measured() {
        return;
    }
    if FIRST_SEEN.set(()).is_ok() {
        first_frame(grid, items);
    }
    if complete && scroll_frames() > 0 && SCROLLING.set(()).is_ok() {
        scroll(grid, scroller);
    }
}

/// Prints when the grid's first frame has been painted (the end of that
/// frame's paint, not its start); quits there without scrolling.
fn first_frame(grid: &impl IsA<gtk::Widget>, items: u32) {
    let started = *STARTED.get_or_init(Instant::now);
    after_next_paint(grid, move |widget| {
        let opened = OPENED.get().map(|t| t.elapsed().as_secs_f64() * 1000.0).unwrap_or(f64::NAN);
        mark("painted");
        println!(
            "reel-bench first_frame_ms={:.1} open_to_frame_ms={opened:.1} rss_kb={} items={items}",
            started.elapsed().as_secs_f64() * 1000.0,
            rss_kb()
        );
        if scroll_frames() == 0 && std::env::var_os("REEL_BENCH_VIEW").is_none() {
            quit(widget);
        }
    });
}

/// Runs `then` once the next frame of `widget` has been painted (the end
/// of that frame's paint, not its start).
fn after_next_paint(widget: &impl IsA<gtk::Widget>, then: impl FnOnce(&gtk::Widget) + 'static) {
    let then = Rc::new(Cell::new(Some(then)));
    widget.add_tick_callback(move |widget, clock| {
        let (widget, handler, then) = (widget.clone(), Rc::new(Cell::new(None)), then.clone());
        let h = handler.clone();
        handler.set(Some(clock.connect_after_paint(move |clock| {
            if let Some(id) = h.take() {
                clock.disconnect(id);
            }
            if let Some(then) = then.take() {
                then(widget.upcast_ref());
            }
        })));
        gtk::glib::ControlFlow::Break
    });
}

fn scroll(grid: &impl IsA<gtk::Widget>, scroller: &gtk::ScrolledWindow) {
    let last = Rc::new(Cell::new(0i64));
    let worst = Rc::new(Cell::new(0i64));
    let durations = Rc::new(std::cell::RefCell::new(Vec::<i64>::new()));
    let frames = Rc::new(Cell::new(0u32));
    let adj = scroller.vadjustment();
    let (bounce, up) = (bounce(), Rc::new(Cell::new(false)));
    let opening = Cell::new(true);
    grid.add_tick_callback(move |widget, clock| {
        let widget: &gtk::Widget = widget.upcast_ref();
        let now = clock.frame_time();
        if last.get() == 0 {
            last.set(now);
            return gtk::glib::ControlFlow::Continue;
        }
        let took = now - last.replace(now);
        // The first interval holds the page's first paint (the open's,
        // measured as such), not a scroll: not counted.
        if opening.replace(false) {
            adj.set_value(adj.value() + adj.page_size() / 2.0);
            return gtk::glib::ControlFlow::Continue;
        }
        worst.set(worst.get().max(took));
        durations.borrow_mut().push(took);
        frames.set(frames.get() + 1);
        let step = adj.page_size() / 2.0;
        let mut next = if up.get() { adj.value() - step } else { adj.value() + step };
        if bounce && !up.get() && next + adj.page_size() >= adj.upper() {
            up.set(true);
            next = adj.value() - step;
        } else if bounce && up.get() && next <= 0.0 {
            up.set(false);
            next = adj.value() + step;
        }
        let at_end = !bounce && next + adj.page_size() >= adj.upper();
        if at_end || frames.get() >= scroll_frames() {
            if std::env::var_os("REEL_BENCH_MARKS").is_some() {
                // Where the slow frames were (frame number: ms), to find their cause.
                let slow: Vec<String> = durations
                    .borrow()
                    .iter()
                    .enumerate()
                    .filter(|(_, t)| **t > 20_000)
                    .map(|(i, t)| format!("{i}:{:.0}", *t as f64 / 1000.0))
                    .collect();
                mark(&format!("slow frames {}", slow.join(" ")));
            }
            let mut d = durations.borrow().clone();
            d.sort_unstable();
            let p95 = d.get(d.len() * 95 / 100).copied().unwrap_or(0);
            // The mean is not bound to whole display frames as the p95 is
            // (16.7 or 33.3 ms): it tells how far from the next step a run is.
            let mean = d.iter().sum::<i64>() as f64 / d.len().max(1) as f64;
            println!(
                "reel-bench scroll_frames={} max_frame_ms={:.1} p95_frame_ms={:.1} mean_frame_ms={:.2} rss_kb={}",
                frames.get(),
                worst.get() as f64 / 1000.0,
                p95 as f64 / 1000.0,
                mean / 1000.0,
                rss_kb()
            );
            if back_screens() > 0 {
                back_and_forth(widget, &adj);
            } else {
                quit(widget);
            }
            return gtk::glib::ControlFlow::Break;
        }
        adj.set_value(next);
        gtk::glib::ControlFlow::Continue
    });
}

/// `REEL_BENCH_BACK_SCREENS` (0: not done): after the scroll, from the
/// middle of the list, so many screens down a page at a time, pausing on
/// each (posters load), then as many back up: prints how many posters were
/// asked for on the way down and how many again on the way back (they were
/// all on screen: none should be).
fn back_screens() -> u32 {
    std::env::var("REEL_BENCH_BACK_SCREENS").ok().and_then(|v| v.parse().ok()).unwrap_or(0)
}

static POSTER_REQUESTS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);

/// A poster was asked for (from the disk cache or the server).
pub fn poster_requested() {
    POSTER_REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

fn back_and_forth(widget: &gtk::Widget, adj: &gtk::Adjustment) {
    use std::sync::atomic::Ordering::Relaxed;
    // A step every 30 frames, a pause of 60 frames before each way.
    const STEP: u32 = 30;
    const SETTLE: u32 = 60;
    let screens = back_screens();
    let (adj, frame) = (adj.clone(), Rc::new(Cell::new(0u32)));
    let marks = Rc::new(Cell::new((0u32, 0u32)));
    widget.add_tick_callback(move |w, _| {
        let f = frame.get() + 1;
        frame.set(f);
        let down_end = SETTLE + screens * STEP;
        let up_start = down_end + SETTLE;
        let up_end = up_start + screens * STEP;
        if f == 1 {
            adj.set_value((adj.upper() - adj.page_size()) / 2.0);
        } else if f == SETTLE {
            marks.set((POSTER_REQUESTS.load(Relaxed), 0));
        } else if f > SETTLE && f <= down_end && (f - SETTLE) % STEP == 0 {
            adj.set_value(adj.value() + adj.page_size());
        } else if f == up_start {
            marks.set((marks.get().0, POSTER_REQUESTS.load(Relaxed)));
        } else if f > up_start && f <= up_end && (f - up_start) % STEP == 0 {
            adj.set_value(adj.value() - adj.page_size());
        } else if f == up_end + SETTLE {
            let (start, turn) = marks.get();
            println!(
                "reel-bench back_screens={screens} posters_down={} posters_again={}",
                turn - start,
                POSTER_REQUESTS.load(Relaxed) - turn
            );
            quit(w);
            return gtk::glib::ControlFlow::Break;
        }
        gtk::glib::ControlFlow::Continue
    });
}

/// `REEL_BENCH_PLAY=source_id|rating_key|start_ms`: what the window plays
/// as soon as it is up (the playback benchmark).
pub fn play_request() -> Option<(String, String, u64)> {
    let v = std::env::var("REEL_BENCH_PLAY").ok()?;
    let mut parts = v.split('|');
    let (source, key) = (parts.next()?.to_string(), parts.next()?.to_string());
    Some((source, key, parts.next().and_then(|s| s.parse().ok()).unwrap_or(0)))
}

thread_local! {
    /// When Play was asked (or, for the floor, the pipeline set playing).
    static PLAY_ASKED: Cell<Option<Instant>> = const { Cell::new(None) };
    static SEEK_ASKED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// Play was asked: the clock for `play_to_frame_ms` starts.
pub fn play_asked() {
    PLAY_ASKED.with(|c| c.set(Some(Instant::now())));
}

/// The process's CPU time so far (user + system), in milliseconds.
fn cpu_ms() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) are space-separated.
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let ticks: f64 = fields.get(11..13).map(|f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()).unwrap_or(0.0);
    ticks * 10.0
}

/// Watches the video: prints `play_to_frame_ms` at the first frame painted
/// after Play, then seeks to `REEL_BENCH_SEEK_MS` (default 10 000) with
/// `seek` and prints `seek_to_frame_ms`, then plays on for
/// `REEL_BENCH_SOAK_SECS` (default 0) and prints `cpu_ms` and `rss_kb` for
/// that stretch, and quits.
pub fn watch_frames(picture: &gtk::Picture, paintable: &gtk::gdk::Paintable, seek: impl Fn(u64) + 'static) {
    if !active() {
        return;
    }
    let seek = Rc::new(seek);
    let picture = picture.clone();
    paintable.connect_invalidate_contents(move |_| {
        let (play, seeking) = (PLAY_ASKED.with(|c| c.take()), SEEK_ASKED.with(|c| c.take()));
        if play.is_none() && seeking.is_none() {
            return;
        }
        let seek = seek.clone();
        // Timed when the frame after the sink hands it over has been
        // painted: what that paint costs (a page drawn the first time) counts.
        picture.add_tick_callback(move |w, clock| {
            let (w, seek, handler) = (w.clone(), seek.clone(), Rc::new(Cell::new(None)));
            let h = handler.clone();
            handler.set(Some(clock.connect_after_paint(move |clock| {
                if let Some(id) = h.take() {
                    clock.disconnect(id);
                }
                painted(&w, play, seeking, seek.clone());
            })));
            gtk::glib::ControlFlow::Break
        });
    });
}

/// A frame asked for by Play or a seek has been painted: prints how long it took.
fn painted(w: &gtk::Picture, play: Option<Instant>, seeking: Option<Instant>, seek: Rc<impl Fn(u64) + 'static>) {
    if let Some(t) = play {
        println!("reel-bench play_to_frame_ms={:.1}", t.elapsed().as_secs_f64() * 1000.0);
        mark("play first frame");
        gtk::glib::timeout_add_local_once(std::time::Duration::from_secs(1), move || {
            let to = std::env::var("REEL_BENCH_SEEK_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
            SEEK_ASKED.with(|c| c.set(Some(Instant::now())));
            seek(to);
        });
    }
    if let Some(t) = seeking {
        println!("reel-bench seek_to_frame_ms={:.1}", t.elapsed().as_secs_f64() * 1000.0);
        let soak: u64 = std::env::var("REEL_BENCH_SOAK_SECS").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        let (cpu0, w) = (cpu_ms(), w.clone());
        gtk::glib::timeout_add_local_once(std::time::Duration::from_secs(soak), move || {
            if soak > 0 {
                println!("reel-bench cpu_ms={:.0} rss_kb={} soak_s={soak}", cpu_ms() - cpu0, rss_kb());
            }
            quit(&w);
        });
    }
}

/// With `REEL_BENCH_MARKS`: for `ms` after the call, marks every main-loop
/// pause over 8 ms (the main thread busy), to see what holds a frame up.
pub fn watch_stalls(ms: u64) {
    if std::env::var_os("REEL_BENCH_MARKS").is_none() {
        return;
    }
    let (start, last) = (Instant::now(), Cell::new(Instant::now()));
    gtk::glib::timeout_add_local(std::time::Duration::from_millis(2), move || {
        let gap = last.get().elapsed();
        if gap.as_millis() > 8 {
            mark(&format!("main loop stalled {:.1} ms", gap.as_secs_f64() * 1000.0));
        }
        last.set(Instant::now());
        gtk::glib::ControlFlow::from(start.elapsed().as_millis() < u128::from(ms))
    });
}

/// `REEL_BENCH_VIEW=sort=year:desc&unwatched=1&genre=102|Comedy` (a
/// library view: its sort, and filters whose value may carry the name
/// saved items hold after a `|`): once the library's grid is painted in
/// full, the library is shown so, as Sort and Filter do; the time to the
/// grid painted that way is printed as `view_to_frame_ms`, and the app
/// quits. Given once, the first time asked.
pub fn view_request_once() -> Option<reel_core::models::LibraryView> {
    use reel_core::models::{Filter, LibraryView, Sort};
    static ASKED: OnceLock<()> = OnceLock::new();
    let asked = std::env::var("REEL_BENCH_VIEW").ok()?;
    ASKED.set(()).ok()?;
    let mut view = LibraryView::default();
    for (key, value) in asked.split('&').filter_map(|p| p.split_once('=')) {
        if key == "sort" {
            let (key, dir) = value.split_once(':').unwrap_or((value, "asc"));
            view.sort = Some(Sort { key: key.into(), descending: dir == "desc" });
        } else {
            let (value, title) = value.split_once('|').unwrap_or((value, value));
            view.filters.push(Filter { key: key.into(), value: value.into(), title: title.into() });
        }
    }
    Some(view)
}

thread_local! {
    static VIEW_ASKED: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The view was changed: the clock for `view_to_frame_ms` starts.
pub fn view_asked() {
    mark("view asked");
    VIEW_ASKED.with(|c| c.set(Some(Instant::now())));
}

/// The grid holds the view's items: prints when they have been painted
/// (`view_to_frame_ms`, and how many) and quits.
pub fn view_shown(grid: &impl IsA<gtk::Widget>, items: usize, from_saved_data: bool) {
    let Some(asked) = VIEW_ASKED.with(|c| c.take()) else { return };
    mark("view in the grid");
    after_next_paint(grid, move |widget| {
        mark("view painted");
        println!(
            "reel-bench view_to_frame_ms={:.1} view_items={items} view_saved={}",
            asked.elapsed().as_secs_f64() * 1000.0,
            u8::from(from_saved_data)
        );
        quit(widget);
    });
}
