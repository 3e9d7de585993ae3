//! The Downloads page: every download, queued, running, paused, failed or
//! done, with its progress and why it stopped; each can be removed (its
//! file deleted). Changes come as the window's download runner reports
//! them.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use reel_core::models::{Download, DownloadState};
use reel_core::{ItemKey, SourceId};
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};

pub struct DownloadsPage {
    core: CoreHandle,
    ui: Ui,
    rows: Vec<Row>,
}

struct Ui {
    list: gtk::ListBox,
    empty: adw::StatusPage,
    group: gtk::Box,
}

/// One download on screen, updated in place as it changes.
struct Row {
    key: (SourceId, ItemKey),
    widget: adw::ActionRow,
    progress: gtk::ProgressBar,
}

#[derive(Debug)]
pub enum DownloadsMsg {
    /// The page is shown: read the downloads again.
    Show,
    Loaded(Result<Vec<Download>, Failure>),
    Changed(Download),
    Remove(SourceId, ItemKey),
    Removed(Result<(), Failure>),
}

#[derive(Debug)]
pub enum DownloadsOutput {
    Toast(String),
}

impl SimpleComponent for DownloadsPage {
    type Init = CoreHandle;
    type Input = DownloadsMsg;
    type Output = DownloadsOutput;
    type Root = gtk::ScrolledWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::ScrolledWindow::builder().hscrollbar_policy(gtk::PolicyType::Never).vexpand(true).build()
    }

    fn init(core: CoreHandle, root: Self::Root, _sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let list = gtk::ListBox::new();
        list.add_css_class("boxed-list");
        list.set_selection_mode(gtk::SelectionMode::None);
        crate::widgets::labelled(&list, &gettext("Downloads"));
        let empty = adw::StatusPage::builder()
            .icon_name("folder-download-symbolic")
            .title(gettext("Nothing Downloaded"))
            .description(gettext(
                "Download a movie, an episode, a season or an album from its page to play it with no network.",
            ))
            .vexpand(true)
            .build();
        let group = gtk::Box::new(gtk::Orientation::Vertical, 12);
        group.set_margin_top(24);
        group.set_margin_bottom(24);
        group.set_margin_start(12);
        group.set_margin_end(12);
        group.append(&list);
        let clamp = adw::Clamp::builder().maximum_size(800).child(&group).build();
        let stack = gtk::Box::new(gtk::Orientation::Vertical, 0);
        stack.append(&empty);
        stack.append(&clamp);
        root.set_child(Some(&stack));
        let ui = Ui { list, empty, group };
        ComponentParts { model: DownloadsPage { core, ui, rows: Vec::new() }, widgets: () }
    }

    fn update(&mut self, msg: DownloadsMsg, sender: ComponentSender<Self>) {
        match msg {
            DownloadsMsg::Show => {
                self.core.ask(
                    &sender,
                    |core| async move { core.downloads().await.map_err(Failure::from) },
                    DownloadsMsg::Loaded,
                );
            }
            DownloadsMsg::Loaded(Ok(all)) => self.set(&sender, &all),
            DownloadsMsg::Loaded(Err(f)) => {
                let _ = sender.output(DownloadsOutput::Toast(f.message()));
            }
            DownloadsMsg::Changed(d) => {
                match self.rows.iter().find(|r| r.key == (d.source_id.clone(), d.rating_key.clone())) {
                    Some(row) => show(row, &d),
                    // New here (asked for from another page, or reel-cli): read them all.
                    None => sender.input(DownloadsMsg::Show),
                }
            }
            DownloadsMsg::Remove(source_id, key) => {
                self.core.ask(
                    &sender,
                    move |core| async move { core.cancel_download(&source_id, &key).await.map_err(Failure::from) },
                    DownloadsMsg::Removed,
                );
            }
            DownloadsMsg::Removed(result) => {
                if let Err(f) = result {
                    let _ = sender
                        .output(DownloadsOutput::Toast(i18n_f("Could not remove the download: {}", &[&f.message()])));
                }
                sender.input(DownloadsMsg::Show);
            }
        }
    }
}

impl DownloadsPage {
    fn set(&mut self, sender: &ComponentSender<Self>, all: &[Download]) {
        for row in self.rows.drain(..) {
            self.ui.list.remove(&row.widget);
        }
        for d in all {
            let row = build(sender, d);
            show(&row, d);
            self.ui.list.append(&row.widget);
            self.rows.push(row);
        }
        self.ui.empty.set_visible(all.is_empty());
        self.ui.group.set_visible(!all.is_empty());
    }
}

fn build(sender: &ComponentSender<DownloadsPage>, d: &Download) -> Row {
    let widget = adw::ActionRow::builder().title(glib_escape(&d.title)).build();
    let progress = gtk::ProgressBar::builder().valign(gtk::Align::Center).width_request(120).build();
    widget.add_suffix(&progress);
    let remove = gtk::Button::from_icon_name("user-trash-symbolic");
    remove.set_valign(gtk::Align::Center);
    remove.add_css_class("flat");
    let name = i18n_f("Remove the download of {}", &[&d.title]);
    remove.set_tooltip_text(Some(&name));
    crate::widgets::labelled(&remove, &name);
    let (s, source_id, key) = (sender.clone(), d.source_id.clone(), d.rating_key.clone());
    remove.connect_clicked(move |_| s.input(DownloadsMsg::Remove(source_id.clone(), key.clone())));
    widget.add_suffix(&remove);
    Row { key: (d.source_id.clone(), d.rating_key.clone()), widget, progress }
}

/// The row says the download as it is now.
fn show(row: &Row, d: &Download) {
    let state = reel_words::download_state(d.state);
    let mb = |b: u64| format!("{:.1}", b as f64 / 1_000_000.0);
    let amount = match d.size.filter(|s| *s > 0) {
        Some(size) => i18n_f("{} of {} MB", &[&mb(d.fetched), &mb(size)]),
        None => i18n_f("{} MB", &[&mb(d.fetched)]),
    };
    let mut subtitle = format!("{state} · {amount}");
    if let Some(f) = &d.fault {
        subtitle = format!("{subtitle}\n{}", reel_words::download_fault(f));
    }
    row.widget.set_subtitle(&glib_escape(&subtitle));
    let fraction = d.size.filter(|s| *s > 0).map_or(0.0, |s| d.fetched as f64 / s as f64);
    row.progress.set_fraction(fraction.clamp(0.0, 1.0));
    row.progress.set_visible(matches!(d.state, DownloadState::Queued | DownloadState::Running | DownloadState::Paused));
    crate::widgets::labelled(&row.widget, &format!("{}, {}", d.title, subtitle.replace('\n', ", ")));
}

/// Rows take markup: titles from a server are text.
fn glib_escape(s: &str) -> String {
    relm4::gtk::glib::markup_escape_text(s).to_string()
}
