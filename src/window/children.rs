//! The window's parts that are components of their own: the sign-in and
//! preferences dialogs, the sidebar and the pages. Their outputs become the
//! window's messages here.

use super::navigation::Nav;
use super::{App, AppMsg};
use crate::dialogs::preferences::{PreferencesDialog, PrefsOutput};
use crate::dialogs::sign_in::{SignInDialog, SignInOutput};
use crate::pages::home::{HomeOutput, HomePage};
use crate::pages::item::{ItemOutput, ItemPage};
use crate::pages::library::{LibraryOutput, LibraryView};
use crate::pages::server::{ServerOutput, ServerPage};
use crate::runtime::CoreHandle;
use crate::widgets::sidebar::{Sidebar, SidebarOutput};
use relm4::{adw, Component, ComponentController, ComponentSender, Controller};

pub struct Children {
    pub sign_in: Controller<SignInDialog>,
    pub sidebar: Controller<Sidebar>,
    pub library: Controller<LibraryView>,
    pub item_page: Controller<ItemPage>,
    pub home: Controller<HomePage>,
    pub server_page: Controller<ServerPage>,
    pub preferences: Controller<PreferencesDialog>,
}

impl Children {
    pub fn launch(root: &adw::ApplicationWindow, core: &CoreHandle, sender: &ComponentSender<App>) -> Self {
        let input = sender.input_sender();
        let sign_in = SignInDialog::builder()
            .transient_for(root)
            .launch(core.clone())
            .forward(input, |SignInOutput::SignedIn(p)| AppMsg::AccountAdded(p));
        let sidebar = Sidebar::builder().launch(()).forward(input, |o| match o {
            SidebarOutput::HomeSelected => AppMsg::Open(Nav::Home),
            SidebarOutput::LibrarySelected { source_id, section } => AppMsg::OpenLibrary { source_id, section },
            SidebarOutput::ServerSelected { source_id } => AppMsg::OpenServer { source_id },
        });
        let library = LibraryView::builder().launch(core.clone()).forward(input, |o| match o {
            LibraryOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
            LibraryOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
            LibraryOutput::Toast(t) => AppMsg::Toast(t),
        });
        let item_page = ItemPage::builder().launch(core.clone()).forward(input, |o| match o {
            ItemOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
            ItemOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
            ItemOutput::Toast(t) => AppMsg::Toast(t),
        });
        let home = HomePage::builder().launch(core.clone()).forward(input, |o| match o {
            HomeOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
            HomeOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
        });
        let server_page = ServerPage::builder().launch(core.clone()).forward(input, |o| match o {
            ServerOutput::Changed(source) => AppMsg::SourceChanged(source),
            ServerOutput::Toast(t) => AppMsg::Toast(t),
        });
        let preferences =
            PreferencesDialog::builder().transient_for(root).launch(core.clone()).forward(input, |o| match o {
                PrefsOutput::Changed => AppMsg::PreferencesChanged,
                PrefsOutput::Failed(e) => AppMsg::Toast(e),
            });
        Children { sign_in, sidebar, library, item_page, home, server_page, preferences }
    }

    /// The widgets to place in the window.
    pub fn parts(&self) -> super::layout::Parts {
        use relm4::gtk::prelude::*;
        super::layout::Parts {
            sidebar: self.sidebar.widget().clone().upcast(),
            home: self.home.widget().clone().upcast(),
            library: self.library.widget().clone().upcast(),
            item: self.item_page.widget().clone().upcast(),
            server: self.server_page.widget().clone().upcast(),
        }
    }
}
