//! Translations: gettext with the system's libintl, domain `reel`.

pub use gettextrs::{gettext, ngettext};

/// Binds the `reel` domain to the catalogs under `localedir`, in the
/// user's locale.
pub fn init(localedir: &str) {
    gettextrs::setlocale(gettextrs::LocaleCategory::LcAll, "");
    let _ = gettextrs::bindtextdomain("reel", localedir);
    let _ = gettextrs::bind_textdomain_codeset("reel", "UTF-8");
    let _ = gettextrs::textdomain("reel");
}

/// Translates `format`, then fills its `{}` placeholders in order.
pub fn i18n_f(format: &str, args: &[&str]) -> String {
    fill(gettext(format), args)
}

/// Translates the form of `singular`/`plural` for `n` (the language's own
/// plural rule), then fills its `{}` placeholders in order: `n` first.
pub fn ni18n_f(singular: &str, plural: &str, n: u64, args: &[&str]) -> String {
    let count = n.to_string();
    let mut all = vec![count.as_str()];
    all.extend_from_slice(args);
    // gettext's count is a u32; a larger count takes the plural anyway.
    fill(ngettext(singular, plural, u32::try_from(n).unwrap_or(u32::MAX)), &all)
}

fn fill(mut out: String, args: &[&str]) -> String {
    for a in args {
        if let Some(i) = out.find("{}") {
            out.replace_range(i..i + 2, a);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_fill_in_order() {
        assert_eq!(i18n_f("{} and {}", &["a", "b"]), "a and b");
    }

    #[test]
    fn one_and_many_take_their_own_form() {
        // Untranslated (no catalog bound here), gettext's English rule.
        assert_eq!(ni18n_f("{} item", "{} items", 1, &[]), "1 item");
        assert_eq!(ni18n_f("{} item", "{} items", 0, &[]), "0 items");
        assert_eq!(ni18n_f("{} track in {}", "{} tracks in {}", 12, &["Jazz"]), "12 tracks in Jazz");
    }
}
