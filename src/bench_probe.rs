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

static STARTED: OnceLock<Instant> = OnceLock::new();
/// When the library was asked to open (the part that scales with its size).
static OPENED: OnceLock<Instant> = OnceLock::new();
/// How many frames to scroll after the first: `REEL_BENCH_SCROLL_FRAMES`,
/// by default ten seconds at 60 frames a second; 0 quits at the first frame.
fn scroll_frames() -> u32 {
    std::env::var("REEL_BENCH_SCROLL_FRAMES").ok().and_then(|v| v.parse().ok()).unwrap_or(600)
}

fn quit(widget: &impl IsA<gtk::Widget>) {
    if let Some(app) = widget.root().and_then(|r| r.downcast::<gtk::Window>().ok()).and_then(|w| w.application()) {
        app.quit();
    }
}

/// The floor the start-up benchmark compares against (`REEL_BENCH_FLOOR`):
/// the same binary showing an empty libadwaita window; prints its first frame.
pub fn floor_requested() -> bool {
    std::env::var_os("REEL_BENCH_FLOOR").is_some()
}

pub fn run_floor() -> std::process::ExitCode {
    use relm4::adw;
    let app = adw::Application::builder().application_id("dev.arsfeld.Reel.BenchFloor").build();
    app.connect_activate(|app| {
        let window = adw::ApplicationWindow::builder().application(app).default_width(1100).default_height(720).build();
        window.set_content(Some(&adw::StatusPage::new()));
        let started = *STARTED.get_or_init(Instant::now);
        window.add_tick_callback(move |w, _| {
            println!("reel-bench first_frame_ms={:.1} rss_kb={}", started.elapsed().as_secs_f64() * 1000.0, rss_kb());
            quit(w);
            gtk::glib::ControlFlow::Break
        });
        window.present();
    });
    app.run_with_args::<&str>(&[]);
    std::process::ExitCode::SUCCESS
}

pub fn mark_start() {
    STARTED.get_or_init(Instant::now);
}

/// The library view was asked to show a library.
pub fn mark_open() {
    OPENED.get_or_init(Instant::now);
}

/// With `REEL_BENCH_MARKS` set, prints how long after start `what` happened
/// (on stderr), to find where start-up time goes.
pub fn mark(what: &str) {
    if std::env::var_os("REEL_BENCH_MARKS").is_some() {
        let started = *STARTED.get_or_init(Instant::now);
        eprintln!("reel-mark {what} {:.1}", started.elapsed().as_secs_f64() * 1000.0);
    }
}

pub fn active() -> bool {
    std::env::var_os("REEL_BENCH").is_some()
}

fn rss_kb() -> u64 {
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
pub fn grid_filled(grid: &gtk::GridView, scroller: &gtk::ScrolledWindow, items: u32, complete: bool) {
    if !active() {
        return;
    }
    if FIRST_SEEN.set(()).is_ok() {
        first_frame(grid, items);
    }
    if complete && scroll_frames() > 0 && SCROLLING.set(()).is_ok() {
        scroll(grid, scroller);
    }
}

/// Prints when the grid's first frame is painted; quits there without scrolling.
fn first_frame(grid: &gtk::GridView, items: u32) {
    let started = *STARTED.get_or_init(Instant::now);
    grid.add_tick_callback(move |widget, _| {
        let opened = OPENED.get().map(|t| t.elapsed().as_secs_f64() * 1000.0).unwrap_or(f64::NAN);
        println!(
            "reel-bench first_frame_ms={:.1} open_to_frame_ms={opened:.1} rss_kb={} items={items}",
            started.elapsed().as_secs_f64() * 1000.0,
            rss_kb()
        );
        if scroll_frames() == 0 {
            quit(widget);
        }
        gtk::glib::ControlFlow::Break
    });
}

fn scroll(grid: &gtk::GridView, scroller: &gtk::ScrolledWindow) {
    let last = Rc::new(Cell::new(0i64));
    let worst = Rc::new(Cell::new(0i64));
    let durations = Rc::new(std::cell::RefCell::new(Vec::<i64>::new()));
    let frames = Rc::new(Cell::new(0u32));
    let adj = scroller.vadjustment();
    grid.add_tick_callback(move |widget, clock| {
        let now = clock.frame_time();
        if last.get() == 0 {
            last.set(now);
            return gtk::glib::ControlFlow::Continue;
        }
        let took = now - last.replace(now);
        worst.set(worst.get().max(took));
        durations.borrow_mut().push(took);
        frames.set(frames.get() + 1);
        let next = adj.value() + adj.page_size() / 2.0;
        if next + adj.page_size() >= adj.upper() || frames.get() >= scroll_frames() {
            let mut d = durations.borrow().clone();
            d.sort_unstable();
            let p95 = d.get(d.len() * 95 / 100).copied().unwrap_or(0);
            println!(
                "reel-bench scroll_frames={} max_frame_ms={:.1} p95_frame_ms={:.1} rss_kb={}",
                frames.get(),
                worst.get() as f64 / 1000.0,
                p95 as f64 / 1000.0,
                rss_kb()
            );
            quit(widget);
            return gtk::glib::ControlFlow::Break;
        }
        adj.set_value(next);
        gtk::glib::ControlFlow::Continue
    });
}
