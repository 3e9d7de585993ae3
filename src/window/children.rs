//! The window's parts that are components of their own: the sign-in and
//! preferences dialogs, the sidebar and the pages. Their outputs become the
//! window's messages here.

use super::navigation::{ContentPage, Nav};
use super::{App, AppMsg};
use crate::dialogs::preferences::{PreferencesDialog, PrefsOutput};
use crate::dialogs::sign_in::{SignInDialog, SignInOutput};
use crate::music::{MusicOutput, MusicPlayer};
use crate::pages::downloads::{DownloadsOutput, DownloadsPage};
use crate::pages::home::{HomeOutput, HomePage};
use crate::pages::item::{ItemOutput, ItemPage};
use crate::pages::library::{LibraryOutput, LibraryView};
use crate::pages::list::{ListOutput, ListPage};
use crate::pages::player::{PlayerOutput, PlayerPage};
use crate::pages::search::{SearchOutput, SearchPage};
use crate::pages::server::{ServerOutput, ServerPage};
use crate::player::mpris::Mpris;
use crate::runtime::CoreHandle;
use crate::widgets::sidebar::{Sidebar, SidebarOutput};
use reel_core::models::{ItemSummary, Page, Section, Source};
use relm4::gtk::prelude::*;
use relm4::{adw, gtk, Component, ComponentController, ComponentSender, Controller};
use std::cell::OnceCell;

pub struct Children {
    pub sidebar: Controller<Sidebar>,
    pub library: Controller<LibraryView>,
    /// Pages and dialogs are built when first asked for: nothing that is not
    /// on screen is built before the window's first frame.
    item_page: OnceCell<Controller<ItemPage>>,
    list_page: OnceCell<Controller<ListPage>>,
    home: OnceCell<Controller<HomePage>>,
    server_page: OnceCell<Controller<ServerPage>>,
    downloads_page: OnceCell<Controller<DownloadsPage>>,
    search_page: OnceCell<Controller<SearchPage>>,
    player: OnceCell<Controller<PlayerPage>>,
    /// The now-playing bar and its queue, built when music first plays.
    music: OnceCell<Controller<MusicPlayer>>,
    /// The shell's media controls, shared by the video player and the music.
    mpris: OnceCell<Mpris>,
    /// Where the player goes once built (the window's top stack).
    top: OnceCell<gtk::Stack>,
    /// Where the now-playing bar goes (under the browsing area).
    music_slot: OnceCell<gtk::Box>,
    /// Where pages go once built.
    content: OnceCell<gtk::Stack>,
    sign_in: OnceCell<Controller<SignInDialog>>,
    preferences: OnceCell<Controller<PreferencesDialog>>,
    root: adw::ApplicationWindow,
    core: CoreHandle,
    sender: ComponentSender<App>,
}

impl Children {
    /// `start`: the library to show in the first frame, with its first items.
    pub fn launch(
        root: &adw::ApplicationWindow,
        core: &CoreHandle,
        sender: &ComponentSender<App>,
        start: Option<(Source, Section, Page<ItemSummary>)>,
    ) -> Self {
        let input = sender.input_sender();
        let sidebar = Sidebar::builder().launch(()).forward(input, |o| match o {
            SidebarOutput::HomeSelected => AppMsg::Open(Nav::Home),
            SidebarOutput::DownloadsSelected => AppMsg::Open(Nav::Downloads),
            SidebarOutput::LibrarySelected { source_id, section } => AppMsg::OpenLibrary { source_id, section },
            SidebarOutput::ListSelected { source_id, list } => AppMsg::OpenList { source_id, list },
            SidebarOutput::ServerSelected { source_id } => AppMsg::OpenServer { source_id },
        });
        let library = LibraryView::builder().launch((core.clone(), start)).forward(input, |o| match o {
            LibraryOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
            LibraryOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
            LibraryOutput::Toast(t) => AppMsg::Toast(t),
        });
        Children {
            sidebar,
            library,
            item_page: OnceCell::new(),
            list_page: OnceCell::new(),
            home: OnceCell::new(),
            server_page: OnceCell::new(),
            search_page: OnceCell::new(),
            downloads_page: OnceCell::new(),
            player: OnceCell::new(),
            music: OnceCell::new(),
            mpris: OnceCell::new(),
            top: OnceCell::new(),
            music_slot: OnceCell::new(),
            content: OnceCell::new(),
            sign_in: OnceCell::new(),
            preferences: OnceCell::new(),
            root: root.clone(),
            core: core.clone(),
            sender: sender.clone(),
        }
    }

    /// The content stack the pages go into, once the layout has made it.
    pub fn attach(&self, content: &gtk::Stack, top: &gtk::Stack, music_slot: &gtk::Box) {
        let _ = self.content.set(content.clone());
        let _ = self.top.set(top.clone());
        let _ = self.music_slot.set(music_slot.clone());
    }

    /// The player, built (and GStreamer started) the first time something plays.
    pub fn player(&self) -> &Controller<PlayerPage> {
        self.player.get_or_init(|| {
            let init = (self.core.clone(), self.mpris().clone());
            let c = PlayerPage::builder().launch(init).forward(self.sender.input_sender(), |o| match o {
                PlayerOutput::Leave => AppMsg::PlayerLeft,
                PlayerOutput::Opening => AppMsg::ShowPlayer,
                PlayerOutput::Toast(t) => AppMsg::Toast(t),
                PlayerOutput::ItemChanged { source_id, item } => AppMsg::ItemChanged { source_id, item },
                PlayerOutput::Title(t) => AppMsg::PlayerTitle(t),
                PlayerOutput::Fullscreen(f) => AppMsg::Fullscreen(f),
            });
            if let Some(top) = self.top.get() {
                top.add_named(c.widget(), Some(super::navigation::TopPage::Player.name()));
            }
            c
        })
    }

    /// Something that plays is in view: GStreamer reads its registry on a
    /// thread, so that Play does not wait for it; then, for a video, the
    /// player makes its engine (`video`).
    pub fn get_ready_to_play(&self, video: bool) {
        let s = self.sender.input_sender().clone();
        crate::player::gst_engine::init_in_background(move || {
            if video {
                s.emit(AppMsg::PreparePlayer);
            }
        });
    }

    /// The shell's media controls, registered on the session bus the first
    /// time something plays.
    fn mpris(&self) -> &Mpris {
        self.mpris.get_or_init(|| {
            let s = self.sender.input_sender().clone();
            Mpris::start(move |c| s.emit(AppMsg::Mpris(c)))
        })
    }

    /// The music player and its bar, built the first time music plays.
    pub fn music(&self) -> &Controller<MusicPlayer> {
        self.music.get_or_init(|| {
            let init = (self.core.clone(), self.mpris().clone());
            let c = MusicPlayer::builder().launch(init).forward(self.sender.input_sender(), |o| match o {
                MusicOutput::Toast(t) => AppMsg::Toast(t),
                MusicOutput::ItemChanged { source_id, item } => AppMsg::ItemChanged { source_id, item },
            });
            if let Some(slot) = self.music_slot.get() {
                slot.append(c.widget());
            }
            c
        })
    }

    pub fn music_if_built(&self) -> Option<&Controller<MusicPlayer>> {
        self.music.get()
    }

    fn place(&self, widget: &impl IsA<gtk::Widget>, page: ContentPage) {
        if let Some(stack) = self.content.get() {
            stack.add_named(widget, Some(page.name()));
        }
    }

    pub fn home(&self) -> &Controller<HomePage> {
        self.home.get_or_init(|| {
            let c = HomePage::builder().launch(self.core.clone()).forward(self.sender.input_sender(), |o| match o {
                HomeOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
                HomeOutput::Play { source, item } => AppMsg::Play { source, item, then: Vec::new() },
                HomeOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
            });
            self.place(c.widget(), ContentPage::Home);
            c
        })
    }

    pub fn item_page(&self) -> &Controller<ItemPage> {
        self.item_page.get_or_init(|| {
            let c = ItemPage::builder().launch(self.core.clone()).forward(self.sender.input_sender(), |o| match o {
                ItemOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
                ItemOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
                ItemOutput::Toast(t) => AppMsg::Toast(t),
                ItemOutput::ListsChanged { source_id } => AppMsg::RefreshLists { source_id },
                ItemOutput::Play { source, item } => AppMsg::Play { source, item, then: Vec::new() },
                ItemOutput::PlayMusic { source, item, start, shuffle } => {
                    AppMsg::PlayMusic { source, from: item.into(), start, shuffle }
                }
                ItemOutput::Downloading => AppMsg::RunDownloads,
                ItemOutput::Changed { source_id, item } => AppMsg::ItemChanged { source_id, item },
                ItemOutput::SearchFor(text) => AppMsg::SearchFor(text),
            });
            self.place(c.widget(), ContentPage::Item);
            c
        })
    }

    /// The item page, if it was ever shown.
    pub fn item_page_if_built(&self) -> Option<&Controller<ItemPage>> {
        self.item_page.get()
    }

    pub fn list_page(&self) -> &Controller<ListPage> {
        self.list_page.get_or_init(|| {
            let c = ListPage::builder().launch(self.core.clone()).forward(self.sender.input_sender(), |o| match o {
                ListOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
                ListOutput::PlayMusic { source, from, start, shuffle } => {
                    AppMsg::PlayMusic { source, from, start, shuffle }
                }
                ListOutput::PlayVideo { source, item, then } => AppMsg::Play { source, item, then },
                ListOutput::Reached { source_id, result } => AppMsg::Reached { source_id, result },
                ListOutput::Toast(t) => AppMsg::Toast(t),
                ListOutput::ListsChanged { source_id } => AppMsg::RefreshLists { source_id },
            });
            self.place(c.widget(), ContentPage::List);
            c
        })
    }

    pub fn server_page(&self) -> &Controller<ServerPage> {
        self.server_page.get_or_init(|| {
            let c = ServerPage::builder().launch(self.core.clone()).forward(self.sender.input_sender(), |o| match o {
                ServerOutput::Changed(source) => AppMsg::SourceChanged(source),
                ServerOutput::Toast(t) => AppMsg::Toast(t),
            });
            self.place(c.widget(), ContentPage::Server);
            c
        })
    }

    pub fn downloads_page(&self) -> &Controller<DownloadsPage> {
        self.downloads_page.get_or_init(|| {
            let c =
                DownloadsPage::builder().launch(self.core.clone()).forward(self.sender.input_sender(), |o| match o {
                    DownloadsOutput::Toast(t) => AppMsg::Toast(t),
                    DownloadsOutput::Run => AppMsg::RunDownloads,
                    DownloadsOutput::Removed => AppMsg::DownloadRemoved,
                    DownloadsOutput::Open { source, item } => AppMsg::Open(Nav::Item { source, item }),
                });
            self.place(c.widget(), ContentPage::Downloads);
            c
        })
    }

    pub fn search_page(&self) -> &Controller<SearchPage> {
        self.search_page.get_or_init(|| {
            let c = SearchPage::builder().launch(self.core.clone()).forward(self.sender.input_sender(), |o| match o {
                SearchOutput::OpenItem { source, item } => AppMsg::Open(Nav::Item { source, item }),
                SearchOutput::OpenList { source, list } => AppMsg::Open(Nav::List { source, list }),
            });
            self.place(c.widget(), ContentPage::Search);
            c
        })
    }

    /// The Downloads page, if it was ever shown.
    pub fn downloads_page_if_built(&self) -> Option<&Controller<DownloadsPage>> {
        self.downloads_page.get()
    }

    /// The server page, if it was ever shown.
    pub fn server_page_if_built(&self) -> Option<&Controller<ServerPage>> {
        self.server_page.get()
    }

    pub fn sign_in(&self) -> &Controller<SignInDialog> {
        self.sign_in.get_or_init(|| {
            SignInDialog::builder()
                .transient_for(&self.root)
                .launch(self.core.clone())
                .forward(self.sender.input_sender(), |SignInOutput::SignedIn(p)| AppMsg::AccountAdded(p))
        })
    }

    pub fn preferences(&self) -> &Controller<PreferencesDialog> {
        self.preferences.get_or_init(|| {
            PreferencesDialog::builder().transient_for(&self.root).launch(self.core.clone()).forward(
                self.sender.input_sender(),
                |o| match o {
                    PrefsOutput::Changed => AppMsg::PreferencesChanged,
                    PrefsOutput::Failed(e) => AppMsg::Toast(e),
                },
            )
        })
    }

    /// The widgets the window places at once.
    pub fn parts(&self) -> super::layout::Parts {
        super::layout::Parts {
            sidebar: self.sidebar.widget().clone().upcast(),
            library: self.library.widget().clone().upcast(),
        }
    }
}
