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

const CSS: &str = ".reel-dim { color: alpha(currentColor, 0.55); }
    .reel-letter { min-height: 0; min-width: 0; padding: 2px 8px; font-size: smaller; }
    .reel-banner { background-color: @warning_bg_color; color: @warning_fg_color; }
    .reel-no-caret { caret-color: transparent; }";

/// Adds the classes to the display's style (once, as the window is made).
pub fn load() {
    let Some(display) = gdk::Display::default() else { return };
    let provider = gtk::CssProvider::new();
    provider.load_from_data(CSS);
    gtk::style_context_add_provider_for_display(&display, &provider, gtk::STYLE_PROVIDER_PRIORITY_APPLICATION);
}
