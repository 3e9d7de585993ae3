//! Turning poster bytes into something GTK can paint.

use relm4::gtk;
use relm4::gtk::{gdk, glib};

pub fn texture(bytes: &[u8]) -> Option<gdk::Texture> {
    gdk::Texture::from_bytes(&glib::Bytes::from(bytes)).ok()
}

/// Poster size asked of the server at scale 1: the largest shown (the item
/// page's 200 × 300); the grid's 150 × 225 is scaled down from it.
pub const POSTER_W: u32 = 200;
pub const POSTER_H: u32 = 300;

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

pub fn poster_slot(width: i32, height: i32, icon_size: i32) -> PosterSlot {
    use gtk::prelude::*;
    let overlay = gtk::Overlay::new();
    let frame = gtk::Frame::new(None);
    frame.set_size_request(width, height);
    let placeholder = gtk::Image::new();
    placeholder.set_pixel_size(icon_size);
    placeholder.add_css_class("dim-label");
    frame.set_child(Some(&placeholder));
    overlay.set_child(Some(&frame));
    let picture = gtk::Picture::new();
    picture.set_can_shrink(true);
    picture.set_content_fit(gtk::ContentFit::Cover);
    picture.set_size_request(width, height);
    overlay.add_overlay(&picture);
    PosterSlot { overlay, picture, placeholder }
}
