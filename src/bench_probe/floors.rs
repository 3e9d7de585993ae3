//! The floors the app benchmarks compare against: the same binary showing
//! plain GTK widgets of the same shape in a window of the same size,
//! measured by the same hooks.

use super::{first_frame, play_asked, quit, rss_kb, scroll, scroll_frames, watch_frames, STARTED};
use relm4::adw::prelude::*;
use relm4::gtk;
use std::rc::Rc;
use std::time::Instant;

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

/// Runs a floor: a window of Reel's size whose content `build` makes (the
/// list, its scroller as the content, how many items), measured and
/// scrolled as Reel's page is.
fn run_scrolled_floor<W: IsA<gtk::Widget>>(
    id: &str,
    build: impl Fn() -> (W, gtk::ScrolledWindow, u32) + 'static,
) -> std::process::ExitCode {
    use relm4::adw;
    let app = adw::Application::builder().application_id(id).build();
    app.connect_activate(move |app| {
        let window = adw::ApplicationWindow::builder().application(app).default_width(1100).default_height(720).build();
        let (list, scroller, items) = build();
        window.set_content(Some(&scroller));
        first_frame(&list, items);
        if scroll_frames() > 0 {
            scroll(&list, &scroller);
        }
        window.present();
    });
    app.run_with_args::<&str>(&[]);
    std::process::ExitCode::SUCCESS
}

/// The floor the grid benchmark compares against (`REEL_BENCH_GRID_FLOOR=N`):
/// the same binary showing a plain `GtkGridView` of N tiles shaped as
/// Reel's (a 190×285 texture and two labels, 4 columns) in a window of the
/// same size, scrolled the same way; prints the same figures.
pub fn grid_floor_requested() -> Option<u32> {
    std::env::var("REEL_BENCH_GRID_FLOOR").ok()?.parse().ok()
}

pub fn run_grid_floor(items: u32) -> std::process::ExitCode {
    use relm4::gtk::{gdk, glib};
    run_scrolled_floor("dev.arsfeld.Reel.BenchGridFloor", move || {
        // One poster-sized texture for every tile, as a warm poster cache would give.
        let pixels = glib::Bytes::from_owned(vec![0x80u8; 190 * 285 * 4]);
        let texture = gdk::MemoryTexture::new(190, 285, gdk::MemoryFormat::R8g8b8a8, &pixels, 190 * 4);
        let names: Vec<String> = (0..items).map(|i| format!("Item {i}")).collect();
        let model = gtk::StringList::new(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let factory = gtk::SignalListItemFactory::new();
        factory.connect_setup(move |_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
            let tile = gtk::Box::new(gtk::Orientation::Vertical, 4);
            let picture = gtk::Picture::for_paintable(&texture);
            picture.set_size_request(190, 285);
            let title = gtk::Label::new(None);
            title.set_ellipsize(gtk::pango::EllipsizeMode::End);
            // A year, as Reel's tiles show (numbers need no translation).
            let year = gtk::Label::new(None);
            year.set_text(&2001.to_string());
            year.add_css_class("dim-label");
            tile.append(&picture);
            tile.append(&title);
            tile.append(&year);
            item.set_child(Some(&tile));
        });
        factory.connect_bind(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
            let text = item.item().and_downcast::<gtk::StringObject>().map(|o| o.string());
            let title = item.child().and_then(|c| c.first_child()).and_then(|p| p.next_sibling());
            if let (Some(text), Some(label)) = (text, title.and_downcast::<gtk::Label>()) {
                label.set_text(&text);
            }
        });
        let grid = gtk::GridView::new(Some(gtk::NoSelection::new(Some(model))), Some(factory));
        grid.set_min_columns(4);
        grid.set_max_columns(4);
        let scroller = gtk::ScrolledWindow::builder().child(&grid).vexpand(true).build();
        (grid, scroller, items)
    })
}

/// The floor the long-list benchmark compares against
/// (`REEL_BENCH_LIST_FLOOR=N`): the same binary showing a plain
/// `GtkListView` of N rows shaped as an item page's children (a title, a
/// caption and an arrow; with `REEL_BENCH_LIST_FLOOR_MENU`, a menu button
/// before the arrow), in a window of the same size, scrolled the same way.
pub fn list_floor_requested() -> Option<u32> {
    std::env::var("REEL_BENCH_LIST_FLOOR").ok()?.parse().ok()
}

pub fn run_list_floor(items: u32) -> std::process::ExitCode {
    run_scrolled_floor("dev.arsfeld.Reel.BenchListFloor", move || {
        let names: Vec<String> = (0..items).map(|i| format!("{}. Episode {i}", i + 1)).collect();
        let model = gtk::StringList::new(&names.iter().map(String::as_str).collect::<Vec<_>>());
        let factory = gtk::SignalListItemFactory::new();
        factory.connect_setup(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
            let row = gtk::Box::new(gtk::Orientation::Horizontal, 12);
            let text = gtk::Box::new(gtk::Orientation::Vertical, 2);
            text.set_hexpand(true);
            let title = gtk::Label::new(None);
            title.set_xalign(0.0);
            // A length, as Reel's rows show (numbers need no translation).
            let caption = gtk::Label::new(None);
            caption.set_text(&42.to_string());
            caption.set_xalign(0.0);
            caption.add_css_class("caption");
            text.append(&title);
            text.append(&caption);
            row.append(&text);
            // Rows with a menu (an album's tracks), as Reel's show it.
            if std::env::var_os("REEL_BENCH_LIST_FLOOR_MENU").is_some() {
                let menu =
                    gtk::MenuButton::builder().icon_name("view-more-symbolic").valign(gtk::Align::Center).build();
                menu.add_css_class("flat");
                row.append(&menu);
            }
            row.append(&gtk::Image::from_icon_name("go-next-symbolic"));
            item.set_child(Some(&row));
        });
        factory.connect_bind(|_, item| {
            let Some(item) = item.downcast_ref::<gtk::ListItem>() else { return };
            let text = item.item().and_downcast::<gtk::StringObject>().map(|o| o.string());
            let title = item.child().and_then(|c| c.first_child()).and_then(|t| t.first_child());
            if let (Some(text), Some(label)) = (text, title.and_downcast::<gtk::Label>()) {
                label.set_text(&text);
            }
        });
        let list = gtk::ListView::new(Some(gtk::NoSelection::new(Some(model))), Some(factory));
        list.add_css_class("rich-list");
        let scroller = gtk::ScrolledWindow::builder().child(&list).vexpand(true).build();
        (list, scroller, items)
    })
}

/// The floor for Home (`REEL_BENCH_HOME_FLOOR=ROWS`): the same binary
/// showing ROWS rows of 20 cards shaped as Home's (a title, then a row of
/// flat buttons holding a 150×225 texture of their own and two labels) in a
/// window of the same size, scrolled the same way.
pub fn home_floor_requested() -> Option<u32> {
    std::env::var("REEL_BENCH_HOME_FLOOR").ok()?.parse().ok()
}

pub fn run_home_floor(rows: u32) -> std::process::ExitCode {
    use relm4::gtk::{gdk, glib};
    run_scrolled_floor("dev.arsfeld.Reel.BenchHomeFloor", move || {
        let column = gtk::Box::new(gtk::Orientation::Vertical, 18);
        for r in 0..rows {
            let title = gtk::Label::new(None);
            title.set_text(&r.to_string());
            title.add_css_class("title-4");
            column.append(&title);
            let cards = gtk::Box::new(gtk::Orientation::Horizontal, 12);
            for c in 0..20 {
                let v = gtk::Box::new(gtk::Orientation::Vertical, 4);
                // Each card its own poster, as Home's are: under GL every
                // distinct texture is a draw of its own. (With one texture
                // shared by all cards this floor drew at p95 16.7 ms under
                // llvmpipe, with a texture each 33.3 ms: what Reel's Home does.)
                let pixels = glib::Bytes::from_owned(vec![(r * 20 + c) as u8; 150 * 225 * 4]);
                let texture = gdk::MemoryTexture::new(150, 225, gdk::MemoryFormat::R8g8b8a8, &pixels, 150 * 4);
                let picture = gtk::Picture::for_paintable(&texture);
                picture.set_size_request(150, 225);
                v.append(&picture);
                for (i, text) in [c.to_string(), (1990 + c).to_string()].into_iter().enumerate() {
                    let label = gtk::Label::new(None);
                    label.set_text(&text);
                    // The year dimmed, as Home's cards (and the grid floor's) show it.
                    if i == 1 {
                        label.add_css_class("dim-label");
                        label.add_css_class("caption");
                    }
                    v.append(&label);
                }
                let button = gtk::Button::builder().child(&v).build();
                button.add_css_class("flat");
                cards.append(&button);
            }
            let row = gtk::ScrolledWindow::builder().vscrollbar_policy(gtk::PolicyType::Never).child(&cards).build();
            column.append(&row);
        }
        let scroller = gtk::ScrolledWindow::builder().child(&column).vexpand(true).build();
        (column, scroller, rows * 20)
    })
}

/// `REEL_BENCH_PLAY_FLOOR=url` (with `REEL_BENCH_TOKEN`, `REEL_BENCH_START_MS`):
/// the floor for playback: the same engine (playbin, the same sink) in a
/// bare window opening the same URL, with no core and no player page.
pub fn play_floor_requested() -> bool {
    std::env::var_os("REEL_BENCH_PLAY_FLOOR").is_some()
}

pub fn run_play_floor() -> std::process::ExitCode {
    use crate::player::Engine;
    use relm4::adw;
    let app = adw::Application::builder().application_id("dev.arsfeld.Reel.BenchPlayFloor").build();
    app.connect_activate(|app| {
        let window = adw::ApplicationWindow::builder().application(app).default_width(1100).default_height(720).build();
        let picture = gtk::Picture::new();
        window.set_content(Some(&picture));
        window.present();
        let engine = match crate::player::gst_engine::GstEngine::new(|e| eprintln!("floor: {e:?}")) {
            Ok(e) => Rc::new(e),
            Err(e) => {
                eprintln!("floor: {e:#}");
                app.quit();
                return;
            }
        };
        picture.set_paintable(Some(&engine.paintable()));
        let e = engine.clone();
        watch_frames(&picture, &engine.paintable(), move |ms| e.seek(ms, true));
        let url = std::env::var("REEL_BENCH_PLAY_FLOOR").unwrap_or_default();
        let token = reel_core::Token::new(std::env::var("REEL_BENCH_TOKEN").unwrap_or_default());
        let start: u64 = std::env::var("REEL_BENCH_START_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
        let Ok(url) = url::Url::parse(&url) else { return };
        // The picture's size, as the player page tells it (at load and every 250 ms).
        let fit = {
            let (picture, engine) = (picture.clone(), engine.clone());
            move || {
                let scale = picture.scale_factor();
                engine.fit_video(picture.width() * scale, picture.height() * scale);
            }
        };
        let fit_again = fit.clone();
        gtk::glib::timeout_add_local(std::time::Duration::from_millis(250), move || {
            fit_again();
            gtk::glib::ControlFlow::Continue
        });
        // Opened once the picture has its size, as in the app (whose window
        // is there when Play is pressed).
        let (location, loader) = (reel_core::MediaLocation { url, token, trust_anchors: None }, engine.clone());
        picture.add_tick_callback(move |picture, _| {
            if picture.width() == 0 {
                return gtk::glib::ControlFlow::Continue;
            }
            fit();
            play_asked();
            super::watch_stalls(400);
            loader.load(&location, start);
            gtk::glib::ControlFlow::Break
        });
        // Kept for the window's life.
        window.connect_destroy(move |_| {
            engine.stop();
        });
    });
    app.run_with_args::<&str>(&[]);
    std::process::ExitCode::SUCCESS
}
