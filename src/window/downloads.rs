//! The window runs the core's downloads: one run at a time (the core keeps
//! at most two transfers going in it), started when something is queued, at
//! start (a run before may have left something to do: a restart, `kill -9`)
//! and every quarter of an hour, each time after keeping up with the shows
//! that have a rule (an episode watched elsewhere is seen then);
//! every change goes to the page showing the item. While a run goes the
//! header shows a button to the Downloads page; one that ends while the
//! window is not in front is told in a desktop notification.

use super::{App, AppMsg};
use crate::i18n::gettext;
use crate::pages::downloads::DownloadsMsg;
use crate::pages::item::ItemMsg;
use crate::pages::library::LibraryMsg;
use reel_core::models::{Download, DownloadState};
use relm4::gtk::{gio, prelude::*};
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
        self.ui.downloading.set_visible(true);
        let s = sender.input_sender().clone();
        let done = sender.input_sender().clone();
        self.core.run(
            move |core| async move {
                // The shows kept up with first: what was watched since goes,
                // the next episodes join the queue (while their server answers).
                match core.keep_up().await {
                    Ok(kept) if kept != reel_core::models::KeptUp::default() => {
                        tracing::info!(?kept, "kept up with shows")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!("shows were not kept up with: {e}"),
                }
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
        self.ui.downloading.set_visible(false);
        // Keeping up with the shows may have deleted watched episodes.
        self.children.library.emit(LibraryMsg::DownloadsChanged);
        if again {
            self.run_downloads(sender);
        }
    }

    pub(super) fn download_changed(&self, d: Download) {
        if matches!(d.state, DownloadState::Done | DownloadState::Failed) {
            let active = self.ui.window.is_active();
            tracing::debug!(active, "a download ended; the desktop is told when the window is not active");
            if !active {
                self.notify_ended(&d);
            }
        }
        if d.state == DownloadState::Done {
            self.children.library.emit(LibraryMsg::DownloadsChanged);
        }
        if let Some(page) = self.children.downloads_page_if_built() {
            page.emit(DownloadsMsg::Changed(d.clone()));
        }
        if let Some(page) = self.children.item_page_if_built() {
            page.emit(ItemMsg::DownloadChanged(d));
        }
    }
}

impl App {
    /// A desktop notification that `d` is here or failed (one per item:
    /// a later one replaces it); clicking it activates Reel, which brings the window forward.
    fn notify_ended(&self, d: &Download) {
        let Some(app) = self.ui.window.application() else { return };
        let (title, body) = match (&d.state, &d.fault) {
            (DownloadState::Done, _) => (gettext("Download Finished"), d.title.clone()),
            (_, Some(fault)) => {
                (gettext("Download Failed"), format!("{}\n{}", d.title, reel_words::download_fault(fault)))
            }
            _ => (gettext("Download Failed"), d.title.clone()),
        };
        let n = gio::Notification::new(&title);
        n.set_body(Some(&body));
        app.send_notification(Some(&format!("download-{}-{}", d.source_id.as_str(), d.rating_key.as_str())), &n);
    }
}
