//! "Keep Downloaded" on a show's page: its next N unwatched episodes stay
//! downloaded (the core's rule; the window's download runner applies it).
//! A window action (`win.keep-next`, the count, 0 for off) with its state
//! the show's rule, so the menu shows the choice and tests reach it too.

use super::{ItemMsg, ItemPage};
use crate::i18n::{gettext, ni18n_f};
use relm4::adw::prelude::*;
use relm4::gtk::{gio, glib};
use relm4::{gtk, ComponentSender};

pub const ACTION: &str = "keep-next";
/// The counts offered.
const COUNTS: [u32; 4] = [1, 3, 5, 10];

/// The menu: off, or the next 1, 3, 5 or 10 episodes.
pub fn menu() -> gio::Menu {
    let menu = gio::Menu::new();
    let item = |label: &str, n: u32| {
        let i = gio::MenuItem::new(Some(label), None);
        i.set_action_and_target_value(Some(&format!("win.{ACTION}")), Some(&(n as i32).to_variant()));
        menu.append_item(&i);
    };
    item(&gettext("Off"), 0);
    for n in COUNTS {
        item(&ni18n_f("Next {} Episode", "Next {} Episodes", u64::from(n), &[]), n);
    }
    menu
}

/// What the button says of the rule.
pub fn name(count: Option<u32>) -> String {
    match count {
        None => gettext("Keep Episodes Downloaded"),
        Some(n) => ni18n_f(
            "Keeping the next {} unwatched episode downloaded",
            "Keeping the next {} unwatched episodes downloaded",
            u64::from(n),
            &[],
        ),
    }
}

/// The action, once the page is in a window.
pub fn install(window: &gtk::ApplicationWindow, sender: &ComponentSender<ItemPage>) {
    let action = gio::SimpleAction::new_stateful(ACTION, Some(glib::VariantTy::INT32), &0i32.to_variant());
    let s = sender.input_sender().clone();
    action.connect_change_state(move |a, v| {
        if let Some(n) = v.and_then(|v| v.get::<i32>()) {
            a.set_state(&n.to_variant());
            s.emit(ItemMsg::KeepNext(u32::try_from(n).unwrap_or(0)));
        }
    });
    window.add_action(&action);
}

/// Shows the show's rule in the action's state (its menu's choice).
pub fn show_state(window: Option<gtk::ApplicationWindow>, count: Option<u32>) {
    let action = window.and_then(|w| w.lookup_action(ACTION)).and_downcast::<gio::SimpleAction>();
    if let Some(a) = action {
        a.set_state(&(count.unwrap_or(0) as i32).to_variant());
    }
}
