//! Translations: gettext with the system's libintl, domain `reel`, catalogs
//! under LOCALEDIR (meson sets it; /usr/share/locale by default).

pub use reel_words::i18n::{gettext, i18n_f, ni18n_f};

pub fn init() {
    reel_words::i18n::init(crate::build_info::LOCALEDIR);
}
