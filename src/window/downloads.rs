//! The window runs the core's downloads: one run at a time (the core keeps
//! at most two transfers going in it), started when something is queued and
//! at start when a run before left something to do (a restart, `kill -9`);
//! every change goes to the page showing the item.

use super::{App, AppMsg};
use crate::pages::downloads::DownloadsMsg;
use crate::pages::item::ItemMsg;
use reel_core::models::Download;
use relm4::{ComponentController, ComponentSender};

/// Whether a run is going, and whether more was queued since it began.
#[derive(Debug, Default)]
pub struct Runner {
    running: bool,
    again: bool,
}

impl App {
    /// Runs what is queued, unless a run is going (it picks it up).
    pub(super) fn run_downloads(&mut self, sender: &ComponentSender<Self>) {
        if self.downloads.running {
            self.downloads.again = true;
            return;
        }
        self.downloads = Runner { running: true, again: false };
        let s = sender.input_sender().clone();
        let done = sender.input_sender().clone();
        self.core.run(
            move |core| async move {
                let changed = move |d: &Download| s.emit(AppMsg::DownloadChanged(Box::new(d.clone())));
                core.run_downloads(&changed).await
            },
            move |result| {
                if let Err(e) = result {
                    tracing::warn!("downloads stopped: {e}");
                }
                done.emit(AppMsg::DownloadsIdle);
            },
        );
    }

    pub(super) fn downloads_idle(&mut self, sender: &ComponentSender<Self>) {
        let again = self.downloads.again;
        self.downloads = Runner::default();
        if again {
            self.run_downloads(sender);
        }
    }

    pub(super) fn download_changed(&self, d: Download) {
        if let Some(page) = self.children.downloads_page_if_built() {
            page.emit(DownloadsMsg::Changed(d.clone()));
        }
        if let Some(page) = self.children.item_page_if_built() {
            page.emit(ItemMsg::DownloadChanged(d));
        }
    }
}
