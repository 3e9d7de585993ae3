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

pub fn set_picture(picture: &gtk::Picture, tex: Option<&gdk::Texture>) {
    picture.set_paintable(tex);
}
