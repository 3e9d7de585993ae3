//! Every string a person sees goes through gettext, every file with one is
//! in po/POTFILES.in, and the German translation is complete. Reads the
//! sources; runs the real xgettext and msgmerge.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src is readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn all_sources() -> Vec<(String, String)> {
    let mut files = Vec::new();
    // The app, and the words it shares with reel-cli.
    sources(&repo().join("src"), &mut files);
    sources(&repo().join("crates/reel-words/src"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(repo()).expect("under the repo").to_string_lossy().into_owned();
            (rel, std::fs::read_to_string(&p).expect("readable"))
        })
        .collect()
}

fn potfiles() -> Vec<String> {
    std::fs::read_to_string(repo().join("po/POTFILES.in"))
        .expect("po/POTFILES.in")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

/// Calls that put text on screen (or in the accessibility tree). A string
/// literal straight after one bypasses gettext.
const SHOWS_TEXT: &[&str] = &[
    "Property::Label(\"",
    "Property::Description(\"",
    "set_text(\"",
    "set_label(\"",
    "with_label(\"",
    "set_title(\"",
    "set_subtitle(\"",
    "set_description(Some(\"",
    "set_tooltip_text(Some(\"",
    "set_placeholder_text(Some(\"",
    "Label::new(Some(\"",
    "Toast::new(\"",
    ".title(\"",
    ".subtitle(\"",
    ".description(\"",
    ".tooltip_text(\"",
    "add_response(\"",
    "i18n_f(&",
];

/// Literals that are not words in any language: the app's name, empty text.
fn allowed(literal_start: &str) -> bool {
    literal_start.starts_with("Reel\"") || literal_start.starts_with('"')
}

#[test]
fn no_user_visible_string_bypasses_gettext() {
    let mut found = Vec::new();
    for (file, text) in all_sources() {
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for call in SHOWS_TEXT {
                let mut rest = line;
                while let Some(i) = rest.find(call) {
                    let after = &rest[i + call.len()..];
                    if !allowed(after) {
                        found.push(format!("{file}:{}: {}", n + 1, line.trim()));
                    }
                    rest = after;
                }
            }
        }
    }
    assert!(found.is_empty(), "text shown without gettext (wrap it in gettext or i18n_f):\n{}", found.join("\n"));
}

#[test]
fn every_file_with_translatable_text_is_in_potfiles() {
    let listed = potfiles();
    for f in &listed {
        assert!(repo().join(f).is_file(), "po/POTFILES.in lists {f}, which does not exist");
    }
    for (file, text) in all_sources() {
        let translates = text.contains("gettext(\"") || text.contains("i18n_f(\"") || text.contains("i18n_f(\n");
        if translates && !file.ends_with("i18n.rs") {
            assert!(listed.contains(&file), "{file} has translatable text but is not in po/POTFILES.in");
        }
    }
}

#[test]
fn german_is_complete() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pot = dir.path().join("reel.pot");
    let code: Vec<String> = potfiles().into_iter().filter(|f| f.ends_with(".rs")).collect();
    let out = Command::new("xgettext")
        .current_dir(repo())
        .args(["--from-code=UTF-8", "--language=C", "--keyword=gettext", "--keyword=i18n_f"])
        .args(["--keyword=ngettext:1,2", "--keyword=ni18n_f:1,2", "-o"])
        .arg(&pot)
        .args(&code)
        .output()
        .expect("xgettext (package gettext) runs");
    assert!(out.status.success(), "xgettext: {}", String::from_utf8_lossy(&out.stderr));
    let merged = dir.path().join("de.po");
    let out = Command::new("msgmerge")
        .args(["--quiet", "--no-fuzzy-matching", "-o"])
        .arg(&merged)
        .arg(repo().join("po/de.po"))
        .arg(&pot)
        .output()
        .expect("msgmerge runs");
    assert!(out.status.success(), "msgmerge: {}", String::from_utf8_lossy(&out.stderr));
    for which in ["--untranslated", "--only-fuzzy"] {
        let out = Command::new("msgattrib").arg(which).arg("--no-obsolete").arg(&merged).output().expect("msgattrib");
        let missing = String::from_utf8_lossy(&out.stdout);
        let ids: Vec<&str> = missing.lines().filter(|l| l.starts_with("msgid \"") && *l != "msgid \"\"").collect();
        assert!(
            ids.is_empty(),
            "German is missing ({which}); run scripts/update-po.sh and translate:\n{}",
            ids.join("\n")
        );
    }
}
