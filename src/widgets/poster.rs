//! Turning poster bytes into something GTK can paint.

use relm4::gtk;
use relm4::gtk::{gdk, glib};

pub fn texture(bytes: &[u8]) -> Option<gdk::Texture> {
    gdk::Texture::from_bytes(&glib::Bytes::from(bytes)).ok()
}

type DecodeJob = (Vec<u8>, tokio::sync::oneshot::Sender<Option<gdk::Texture>>);

/// Decodes a poster on Reel's poster thread: one thread at a lower
/// priority than the window's, so decoding posters while scrolling never
/// takes the CPU a frame needs (profiled: PNG inflate was half the CPU time
/// while scrolling, on the runtime's threads, at the main thread's priority).
pub async fn decode(bytes: Vec<u8>) -> Option<gdk::Texture> {
    static QUEUE: std::sync::OnceLock<std::sync::Mutex<std::sync::mpsc::Sender<DecodeJob>>> =
        std::sync::OnceLock::new();
    let queue = QUEUE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<DecodeJob>();
        let spawned = std::thread::Builder::new().name("reel-posters".into()).spawn(move || {
            // SAFETY: nice() only changes this thread's scheduling priority.
            unsafe { libc::nice(10) };
            for (bytes, reply) in rx {
                // Nobody waits any more (scrolled past): skip the work.
                if reply.is_closed() {
                    continue;
                }
                let _ = reply.send(texture(&bytes));
            }
        });
        if let Err(e) = spawned {
            tracing::warn!("no poster thread: {e}");
        }
        std::sync::Mutex::new(tx)
    });
    let (reply, answer) = tokio::sync::oneshot::channel();
    queue.lock().ok()?.send((bytes, reply)).ok()?;
    answer.await.ok().flatten()
}

/// Where a picture is shown, so it is asked of the server (and decoded) at
/// the size drawn × the scale factor: a grid tile's poster at the item
/// page's size cost 1.8× the memory and decode time for nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PosterSize {
    /// A grid tile or a Home card.
    Tile,
    /// The item page.
    Page,
    /// A row of a page's list (a season's episodes).
    Row,
}

/// A picture's shape: films and shows have posters, music square covers,
/// an episode a still of its picture (16:9).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Poster,
    Square,
    Still,
}

impl Shape {
    /// The shape of the pictures of `kind` (a season and a show: posters).
    pub fn of(kind: reel_core::models::ItemKind) -> Self {
        use reel_core::models::ItemKind::*;
        match kind {
            Artist | Album | Track => Shape::Square,
            Episode => Shape::Still,
            Movie | Show | Season | Other => Shape::Poster,
        }
    }
}

impl Shape {
    /// What a screen reader calls a picture of this shape of `title`.
    pub fn name_for(self, title: &str) -> String {
        use crate::i18n::i18n_f;
        match self {
            Shape::Poster => i18n_f("Poster of {}", &[title]),
            Shape::Square => i18n_f("Cover of {}", &[title]),
            Shape::Still => i18n_f("Still of {}", &[title]),
        }
    }
}

impl PosterSize {
    /// Logical pixels (width, height) of a poster.
    pub const fn logical(self) -> (i32, i32) {
        self.of(Shape::Poster)
    }

    /// Logical pixels (width, height) of a picture of `shape`: a tile is as
    /// wide whatever its shape (the grid's columns stay even).
    pub const fn of(self, shape: Shape) -> (i32, i32) {
        match (self, shape) {
            (PosterSize::Tile, Shape::Poster) => (150, 225),
            (PosterSize::Tile, Shape::Square) => (150, 150),
            (PosterSize::Tile, Shape::Still) => (150, 84),
            (PosterSize::Page, Shape::Poster) => (200, 300),
            (PosterSize::Page, Shape::Square) => (200, 200),
            (PosterSize::Page, Shape::Still) => (320, 180),
            (PosterSize::Row, Shape::Poster) => (60, 90),
            (PosterSize::Row, Shape::Square) => (64, 64),
            (PosterSize::Row, Shape::Still) => (160, 90),
        }
    }

    /// Pixels to ask for at `scale`.
    pub fn pixels(self, shape: Shape, scale: u32) -> (u32, u32) {
        let (w, h) = self.of(shape);
        (w as u32 * scale, h as u32 * scale)
    }
}

pub fn placeholder_icon(kind: reel_core::models::ItemKind) -> &'static str {
    use reel_core::models::ItemKind::*;
    match kind {
        Movie => "video-x-generic-symbolic",
        Show | Season | Episode => "video-display-symbolic",
        Artist | Album | Track => "audio-x-generic-symbolic",
        Other => "image-missing-symbolic",
    }
}

/// A poster slot: a framed placeholder icon until the picture on top of it gets
/// a texture. More can be overlaid (a watched mark, a progress bar).
pub struct PosterSlot {
    pub overlay: gtk::Overlay,
    pub picture: gtk::Picture,
    pub placeholder: gtk::Image,
}

impl PosterSlot {
    /// Makes the slot `width`×`height` (a tile rebound to a square cover).
    pub fn resize(&self, width: i32, height: i32) {
        use gtk::prelude::*;
        if let Some(frame) = self.overlay.child() {
            frame.set_size_request(width, height);
        }
        self.picture.set_size_request(width, height);
    }
}

pub fn poster_slot(width: i32, height: i32, icon_size: i32) -> PosterSlot {
    use gtk::prelude::*;
    let overlay = gtk::Overlay::new();
    let frame = gtk::Frame::new(None);
    frame.set_size_request(width, height);
    let placeholder = gtk::Image::new();
    placeholder.set_pixel_size(icon_size);
    placeholder.add_css_class(crate::style::DIM);
    frame.set_child(Some(&placeholder));
    overlay.set_child(Some(&frame));
    let picture = gtk::Picture::new();
    picture.set_can_shrink(true);
    picture.set_content_fit(gtk::ContentFit::Cover);
    picture.set_size_request(width, height);
    overlay.add_overlay(&picture);
    // Under a poster the placeholder is not seen: not drawn either (its
    // dimming is an opacity layer, an offscreen pass per card with GL).
    let p = placeholder.downgrade();
    picture.connect_paintable_notify(move |picture| {
        if let Some(p) = p.upgrade() {
            p.set_visible(picture.paintable().is_none());
        }
    });
    PosterSlot { overlay, picture, placeholder }
}
