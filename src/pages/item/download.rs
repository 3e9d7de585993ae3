//! The page's downloads. Before one starts: what it would fetch (how many
//! files, how big, what is free on the disk, what the owner leaves out),
//! at what quality (films and episodes), and a choice to go ahead or not. The page's item downloads from its
//! header's button; a child (an episode, a track) from its row's menu,
//! through the window action `win.download-child` (the child's place).
//! Then how they stand: the header's button, and the rows marked.

use super::header::DownloadShown;
use super::{ItemMsg, ItemOutput, ItemPage};
use crate::i18n::{gettext, i18n_f};
use crate::runtime::Failure;
use reel_core::models::{Download, DownloadPlan, DownloadQuality, Downloaded, DownloadsOf, MediaItem, Source};
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
    let with_video = plan.has_video();
    let plan = std::rc::Rc::new(std::cell::RefCell::new(Some(plan)));
    if with_video {
        dialog.set_extra_child(Some(&quality_choice(&dialog, &plan)));
    }
    let s = sender.clone();
    dialog.connect_response(None, move |d, response| {
        match plan.borrow_mut().take() {
            Some(plan) if response == DOWNLOAD => s.input(ItemMsg::Confirmed(Box::new(plan))),
            _ => s.input(ItemMsg::Declined),
        }
        d.close();
    });
    dialog.present();
}

/// The quality films and episodes are fetched at, chosen in the dialog
/// (Preferences' at first); the size said follows the choice.
fn quality_choice(
    dialog: &adw::MessageDialog,
    plan: &std::rc::Rc<std::cell::RefCell<Option<DownloadPlan>>>,
) -> gtk::Box {
    let names: Vec<String> = DownloadQuality::ALL.iter().map(|q| reel_words::download_quality(*q)).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let choice = gtk::DropDown::from_strings(&names);
    let at = plan.borrow().as_ref().and_then(|p| DownloadQuality::ALL.iter().position(|q| *q == p.quality));
    choice.set_selected(at.unwrap_or(0) as u32);
    choice.update_property(&[gtk::accessible::Property::Label(&gettext("Download quality"))]);
    let label = gtk::Label::new(Some(&gettext("Quality")));
    label.set_mnemonic_widget(Some(&choice));
    let row = gtk::Box::builder().spacing(12).halign(gtk::Align::Center).build();
    row.append(&label);
    row.append(&choice);
    let (dialog, plan) = (dialog.clone(), plan.clone());
    choice.connect_selected_notify(move |c| {
        let Some(q) = DownloadQuality::ALL.get(c.selected() as usize).copied() else { return };
        let mut plan = plan.borrow_mut();
        if let Some(p) = plan.take() {
            let p = p.at(q);
            dialog.set_body(&reel_words::download_plan(&p));
            *plan = Some(p);
        }
    });
    row
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

impl ItemPage {
    /// What downloading the item (`child` < 0) or a child would fetch is
    /// asked of the core, then said in [`confirm`].
    pub(super) fn ask_download(&mut self, child: i64, sender: &ComponentSender<Self>) {
        let (Some((source, _)), Some(item)) = (self.current.clone(), self.target(child).cloned()) else {
            return;
        };
        if child < 0 {
            self.ui.header.show_download(Some(&DownloadShown::Asked));
        }
        self.core.ask(
            sender,
            move |core| async move {
                let plan = core.plan_download(&source.id, &item.rating_key).await.map_err(Failure::from)?;
                Ok((item.title, Box::new(plan)))
            },
            ItemMsg::Planned,
        );
    }

    pub(super) fn planned(
        &mut self,
        planned: Result<(String, Box<DownloadPlan>), Failure>,
        sender: &ComponentSender<Self>,
    ) {
        match planned {
            Ok((title, plan)) => {
                let window = self.ui.rows.list.view.root().and_downcast::<gtk::Window>();
                confirm(window.as_ref(), &title, *plan, sender);
            }
            Err(f) => {
                self.show_downloads();
                let _ = sender.output(ItemOutput::Toast(i18n_f("Could not download: {}", &[&f.message()])));
            }
        }
    }

    pub(super) fn queued(&mut self, result: Result<Vec<Download>, Failure>, sender: &ComponentSender<Self>) {
        match result {
            Ok(queued) => {
                queued.into_iter().for_each(|d| sender.input(ItemMsg::DownloadChanged(d)));
                let _ = sender.output(ItemOutput::Downloading);
            }
            Err(f) => {
                self.show_downloads();
                let _ = sender.output(ItemOutput::Toast(i18n_f("Could not download: {}", &[&f.message()])));
            }
        }
    }

    /// A download changed: shown when it is the item's or one it holds.
    pub(super) fn download_changed(&mut self, d: Download) {
        let Some((source, item)) = self.current.as_ref() else { return };
        let mine = d.concerns(&source.id, &item.rating_key);
        if !mine {
            return;
        }
        match self.downloads.iter_mut().find(|k| k.rating_key == d.rating_key) {
            Some(known) => *known = d,
            None => self.downloads.push(d),
        }
        self.show_downloads();
    }

    /// The header's download button as the downloads known say (its own,
    /// or those of what it holds), or ready to download; the rows of what
    /// it holds are marked when downloaded.
    pub(super) fn show_downloads(&mut self) {
        let Some((source, item)) = self.current.as_ref() else { return };
        let shown = match self.downloads.as_slice() {
            [one] if one.rating_key == item.rating_key => Some(DownloadShown::Is(one.clone())),
            all => DownloadsOf::of(&item.rating_key, all).map(DownloadShown::Holds),
        };
        self.ui.header.show_download(shown.as_ref());
        let marks = Downloaded::of(&source.id, &self.downloads);
        if marks != self.marks {
            self.marks = marks;
            self.ui.rows.list.set(&self.children, &self.marks);
        }
    }

    /// How the item's download stands, shown once known.
    pub(super) fn known_download(&self, sender: &ComponentSender<Self>, source: &Source, item: &MediaItem) {
        let (id, key) = (source.id.clone(), item.rating_key.clone());
        self.core.ask_downloads(sender, "an item page's", move |all| {
            ItemMsg::DownloadsKnown(all.into_iter().filter(|d| d.concerns(&id, &key)).collect())
        });
    }
}
