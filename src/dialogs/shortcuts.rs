//! The keyboard shortcuts window, made from the window's action list (so it
//! shows exactly the accelerators that work) in the user's language.

use crate::i18n::gettext;
use crate::pages::player::keys::PlayerKey;
use crate::window::actions::{accelerator_text, Action, Group};
use relm4::adw;
use relm4::gtk;
use relm4::gtk::glib;
use relm4::gtk::prelude::*;

fn group_xml(title: &str, group: Group) -> String {
    let mut out = format!(
        "<child><object class=\"GtkShortcutsGroup\"><property name=\"title\">{}</property>",
        glib::markup_escape_text(title)
    );
    for a in Action::ALL {
        if let Some((g, name)) = a.shortcut_title() {
            if g == group {
                out.push_str(&format!(
                    "<child><object class=\"GtkShortcutsShortcut\"><property name=\"title\">{}</property>\
                     <property name=\"accelerator\">{}</property></object></child>",
                    glib::markup_escape_text(&name),
                    glib::markup_escape_text(&accelerator_text(a)),
                ));
            }
        }
    }
    out.push_str("</object></child>");
    out
}

/// The player's keys (they act while the player has the focus).
fn playback_xml() -> String {
    let mut out = format!(
        "<child><object class=\"GtkShortcutsGroup\"><property name=\"title\">{}</property>",
        glib::markup_escape_text(&gettext("Playback"))
    );
    for key in PlayerKey::ALL {
        out.push_str(&format!(
            "<child><object class=\"GtkShortcutsShortcut\"><property name=\"title\">{}</property>\
             <property name=\"accelerator\">{}</property></object></child>",
            glib::markup_escape_text(&key.title()),
            glib::markup_escape_text(&key.accels().join(" ")),
        ));
    }
    out.push_str("</object></child>");
    out
}

/// The definition GtkBuilder reads (GTK 4.8 has no API to add sections in code).
pub fn ui_definition() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><interface><object class=\"GtkShortcutsWindow\" id=\"help\">\
         <property name=\"modal\">True</property><child><object class=\"GtkShortcutsSection\">\
         <property name=\"section-name\">shortcuts</property>{}{}{}</object></child></object></interface>",
        group_xml(&gettext("General"), Group::General),
        group_xml(&gettext("Browsing"), Group::Browsing),
        playback_xml(),
    )
}

pub fn window(parent: &adw::ApplicationWindow) -> gtk::ShortcutsWindow {
    let builder = gtk::Builder::from_string(&ui_definition());
    let w: gtk::ShortcutsWindow = builder.object("help").expect("ui_definition defines `help`");
    w.set_transient_for(Some(parent));
    w
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_every_accelerator() {
        let xml = super::ui_definition();
        for a in super::Action::ALL {
            for accel in a.accels() {
                let escaped = accel.replace('<', "&lt;").replace('>', "&gt;");
                assert!(xml.contains(&escaped), "{a:?} {accel}");
            }
        }
        for k in super::PlayerKey::ALL {
            for accel in k.accels() {
                assert!(xml.contains(accel), "{k:?} {accel}");
            }
        }
    }
}
