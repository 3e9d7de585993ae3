//! Before a download starts: what it would fetch (how many files, how
//! big, what is free on the disk, what the owner leaves out), and a choice
//! to go ahead or not. The page's item downloads from its header's button;
//! a child (an episode, a track) from its row's menu, through the window
//! action `win.download-child` (the child's place).

use super::{ItemMsg, ItemPage};
use crate::i18n::{gettext, i18n_f};
use reel_core::models::DownloadPlan;
use relm4::adw::prelude::*;
use relm4::gtk::{gio, glib};
use relm4::{adw, gtk, ComponentSender};

pub const CHILD: &str = "download-child";

const CANCEL: &str = "cancel";
const DOWNLOAD: &str = "download";

/// Asks whether to download `title` as `plan` says; Download queues it.
pub fn confirm(parent: Option<&gtk::Window>, title: &str, plan: DownloadPlan, sender: &ComponentSender<ItemPage>) {
    let dialog = adw::MessageDialog::builder()
        .modal(true)
        .heading(i18n_f("Download {}?", &[title]))
        .body(reel_words::download_plan(&plan))
        .build();
    dialog.set_transient_for(parent);
    dialog.add_response(CANCEL, &gettext("Cancel"));
    dialog.add_response(DOWNLOAD, &gettext("Download"));
    dialog.set_response_appearance(DOWNLOAD, adw::ResponseAppearance::Suggested);
    dialog.set_default_response(Some(DOWNLOAD));
    dialog.set_close_response(CANCEL);
    let s = sender.clone();
    let plan = std::cell::RefCell::new(Some(plan));
    dialog.connect_response(None, move |d, response| {
        match plan.borrow_mut().take() {
            Some(plan) if response == DOWNLOAD => s.input(ItemMsg::Confirmed(Box::new(plan))),
            _ => s.input(ItemMsg::Declined),
        }
        d.close();
    });
    dialog.present();
}

/// The row menu's entry for child `child`.
pub fn row_item(child: i64) -> gio::MenuItem {
    let item = gio::MenuItem::new(Some(&gettext("Download…")), None);
    item.set_action_and_target_value(Some(&format!("win.{CHILD}")), Some(&child.to_variant()));
    item
}

/// The action, once the page is in a window.
pub fn install(window: &gtk::ApplicationWindow, sender: &ComponentSender<ItemPage>) {
    let action = gio::SimpleAction::new(CHILD, Some(glib::VariantTy::INT64));
    let s = sender.input_sender().clone();
    action.connect_activate(move |_, v| {
        if let Some(child) = v.and_then(|v| v.get::<i64>()) {
            s.emit(ItemMsg::Download(child));
        }
    });
    window.add_action(&action);
}
