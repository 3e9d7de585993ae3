//! Translations: gettext with the system's libintl, domain `reel`, catalogs
//! under LOCALEDIR (meson sets it; /usr/share/locale by default).

pub use gettextrs::gettext;

pub fn init() {
    gettextrs::setlocale(gettextrs::LocaleCategory::LcAll, "");
    let _ = gettextrs::bindtextdomain("reel", crate::build_info::LOCALEDIR);
    let _ = gettextrs::bind_textdomain_codeset("reel", "UTF-8");
    let _ = gettextrs::textdomain("reel");
}

/// Translates `format`, then fills its `{}` placeholders in order.
pub fn i18n_f(format: &str, args: &[&str]) -> String {
    let mut out = gettext(format);
    for a in args {
        if let Some(i) = out.find("{}") {
            out.replace_range(i..i + 2, a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_fill_in_order() {
        assert_eq!(super::i18n_f("{} and {}", &["a", "b"]), "a and b");
    }
}
