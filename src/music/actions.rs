//! The queue's window actions (`win.queue-*`, the entry's id as parameter):
//! the queue view's menus, the shortcuts and the tests reach the same ones.

use super::queue_view::QueueAction;
use super::{MusicMsg, MusicPlayer};
use relm4::gtk::prelude::*;
use relm4::gtk::{self, gio, glib};

impl MusicPlayer {
    /// Adds the actions, once the bar is in a window.
    pub(super) fn install_actions(&mut self) {
        if self.actions_installed {
            return;
        }
        let Some(window) = self.root.root().and_downcast::<gtk::ApplicationWindow>() else { return };
        for a in QueueAction::ALL {
            let action = gio::SimpleAction::new(a.name(), Some(glib::VariantTy::INT64));
            let s = self.input.clone();
            action.connect_activate(move |_, v| {
                if let Some(id) = v.and_then(|v| v.get::<i64>()).and_then(|id| u64::try_from(id).ok()) {
                    s.emit(MusicMsg::Queue(a, id));
                }
            });
            window.add_action(&action);
        }
        self.actions_installed = true;
    }
}
