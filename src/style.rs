//! Reel's own style classes, for what libadwaita's would do at a cost.

use relm4::gtk::{self, gdk};

/// Text dimmed by its colour. libadwaita's `.dim-label` is an opacity,
/// which GTK 4.8's GL renderer draws through an offscreen pass of its own
/// for every label: with a software renderer (llvmpipe) a list of dimmed
/// subtitles took twice its floor's time per frame.
pub const DIM: &str = "reel-dim";

/// A letter of the A–Z jump: a column of them fits beside the grid.
pub const LETTER: &str = "reel-letter";

/// The offline banner: libadwaita's warning colours, a pair made to be read
/// together (its `.warning` text on `.osd` was yellow on dark grey, at
/// less than half the contrast text needs). libadwaita 1.2 has no banner.
pub const BANNER: &str = "reel-banner";

/// A heading that takes the focus (so a screen reader starts a page at its
/// title) but shows no text caret, as nothing there is typed.
pub const NO_CARET: &str = "reel-no-caret";

/// An unwatched item's mark: a dot in the accent colour.
pub const NEW_MARK: &str = "reel-new";

/// How many episodes of a show or season are left to watch.
pub const COUNT_MARK: &str = "reel-count";

const CSS: &str = ".reel-dim { color: alpha(currentColor, 0.55); }
    .reel-letter { min-height: 0; min-width: 0; padding: 2px 8px; font-size: smaller; }
    .reel-banner { background-color: @warning_bg_color; color: @warning_fg_color; }
    .reel-no-caret { caret-color: transparent; }
    .reel-new { min-width: 12px; min-height: 12px; border-radius: 6px; background-color: @accent_bg_color;
        box-shadow: 0 0 0 2px alpha(black, 0.3); }
    .reel-count { padding: 1px 7px; border-radius: 10px; font-size: smaller; font-weight: bold;
        background-color: @accent_bg_color; color: @accent_fg_color; }";

/// Adds the classes to the display's style (once, as the window is made).
pub fn load() {
    let Some(display) = gdk::Display::default() else { return };
    let provider = gtk::CssProvider::new();
    provider.load_from_data(CSS);
    gtk::style_context_add_provider_for_display(&display, &provider, gtk::STYLE_PROVIDER_PRIORITY_APPLICATION);
}
