//! The Downloads page: every download, queued, running, paused, failed or
//! done, with its progress, speed and time left, or why it stopped; each
//! can be paused, resumed or removed (its file deleted); what the
//! downloads take of the disk and what is free there. A finished one opens
//! its item's page, where it plays from the file (with no network too).
//! Changes come as the window's download runner reports them.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use reel_core::models::{Download, DownloadSpace, DownloadState, MediaItem, Source};
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
    space: gtk::Label,
}

/// One download on screen, updated in place as it changes.
struct Row {
    key: (SourceId, ItemKey),
    widget: adw::ActionRow,
    progress: gtk::ProgressBar,
    pause: gtk::Button,
    resume: gtk::Button,
    /// Shown once done: the row opens the item's page.
    opens: gtk::Image,
}

#[derive(Debug)]
pub enum DownloadsMsg {
    /// The page is shown: read the downloads again.
    Show,
    Loaded(Result<Vec<Download>, Failure>),
    Changed(Download),
    Remove(SourceId, ItemKey),
    Pause(SourceId, ItemKey),
    Resume(SourceId, ItemKey),
    /// A remove or pause went through (or did not).
    Moved(Result<(), Failure>),
    Resumed(Result<(), Failure>),
    Removed(Result<(), Failure>),
    /// A finished download's row was activated: its page opens.
    Open(Download),
    Space(Result<DownloadSpace, Failure>),
}

#[derive(Debug)]
pub enum DownloadsOutput {
    Toast(String),
    /// A download was resumed: the window's runner takes it up.
    Run,
    /// A download was removed: what marks it elsewhere goes.
    Removed,
    /// The page of a finished download's item (it plays from the file).
    Open {
        source: Source,
        item: MediaItem,
    },
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
        let space = gtk::Label::builder().xalign(0.0).wrap(true).build();
        space.add_css_class("dim-label");
        group.append(&space);
        let clamp = adw::Clamp::builder().maximum_size(800).child(&group).build();
        let stack = gtk::Box::new(gtk::Orientation::Vertical, 0);
        stack.append(&empty);
        stack.append(&clamp);
        root.set_child(Some(&stack));
        let ui = Ui { list, empty, group, space };
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
                self.ask_space(&sender);
            }
            DownloadsMsg::Loaded(Ok(all)) => self.set(&sender, &all),
            DownloadsMsg::Loaded(Err(f)) | DownloadsMsg::Space(Err(f)) => {
                let _ = sender.output(DownloadsOutput::Toast(f.message()));
            }
            DownloadsMsg::Space(Ok(space)) => self.ui.space.set_label(&reel_words::download_space(&space)),
            DownloadsMsg::Changed(d) => {
                match self.rows.iter().find(|r| r.key == (d.source_id.clone(), d.rating_key.clone())) {
                    Some(row) => show(row, &d),
                    // New here (asked for from another page, or reel-cli): read them all.
                    None => sender.input(DownloadsMsg::Show),
                }
                if d.state != DownloadState::Running {
                    self.ask_space(&sender);
                }
            }
            DownloadsMsg::Remove(source_id, key) => {
                self.core.ask(
                    &sender,
                    move |core| async move { core.cancel_download(&source_id, &key).await.map_err(Failure::from) },
                    DownloadsMsg::Removed,
                );
            }
            DownloadsMsg::Open(d) => {
                let Some(source) = self.core.server(&d.source_id) else { return };
                let s = sender.clone();
                self.core.run(
                    move |core| async move { core.saved_item(&d.source_id, &d.rating_key).await.map(|i| (d, i)) },
                    move |r| match r {
                        Ok((d, item)) => {
                            // Its metadata is kept with it; if not, what the download knows.
                            let item = item.unwrap_or_else(|| MediaItem::new(d.rating_key.as_str(), d.kind, &d.title));
                            let _ = s.output(DownloadsOutput::Open { source, item });
                        }
                        Err(e) => tracing::warn!("a download's item could not be read: {e}"),
                    },
                );
            }
            DownloadsMsg::Removed(result) => {
                if result.is_ok() {
                    let _ = sender.output(DownloadsOutput::Removed);
                }
                sender.input(DownloadsMsg::Moved(result));
            }
            DownloadsMsg::Pause(source_id, key) => {
                self.core.ask(
                    &sender,
                    move |core| async move { core.pause_download(&source_id, &key).await.map_err(Failure::from) },
                    DownloadsMsg::Moved,
                );
            }
            DownloadsMsg::Resume(source_id, key) => {
                self.core.ask(
                    &sender,
                    move |core| async move { core.resume_download(&source_id, &key).await.map_err(Failure::from) },
                    DownloadsMsg::Resumed,
                );
            }
            DownloadsMsg::Resumed(result) => {
                if result.is_ok() {
                    let _ = sender.output(DownloadsOutput::Run);
                }
                sender.input(DownloadsMsg::Moved(result));
            }
            DownloadsMsg::Moved(result) => {
                if let Err(f) = result {
                    let _ = sender
                        .output(DownloadsOutput::Toast(i18n_f("Could not change the download: {}", &[&f.message()])));
                }
                sender.input(DownloadsMsg::Show);
            }
        }
    }
}

impl DownloadsPage {
    fn ask_space(&self, sender: &ComponentSender<Self>) {
        self.core.ask(
            sender,
            |core| async move { core.download_space().await.map_err(Failure::from) },
            DownloadsMsg::Space,
        );
    }

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
    {
        let (s, d) = (sender.clone(), d.clone());
        widget.connect_activated(move |_| s.input(DownloadsMsg::Open(d.clone())));
    }
    let opens = gtk::Image::from_icon_name("go-next-symbolic");
    let progress = gtk::ProgressBar::builder().valign(gtk::Align::Center).width_request(120).build();
    widget.add_suffix(&progress);
    let key = (d.source_id.clone(), d.rating_key.clone());
    let button = |icon: &str, name: String, msg: fn(SourceId, ItemKey) -> DownloadsMsg| {
        let b = gtk::Button::from_icon_name(icon);
        b.set_valign(gtk::Align::Center);
        b.add_css_class("flat");
        b.set_tooltip_text(Some(&name));
        crate::widgets::labelled(&b, &name);
        let (s, (source_id, key)) = (sender.clone(), key.clone());
        b.connect_clicked(move |_| s.input(msg(source_id.clone(), key.clone())));
        widget.add_suffix(&b);
        b
    };
    let pause =
        button("media-playback-pause-symbolic", i18n_f("Pause the download of {}", &[&d.title]), DownloadsMsg::Pause);
    let resume =
        button("media-playback-start-symbolic", i18n_f("Resume the download of {}", &[&d.title]), DownloadsMsg::Resume);
    button("user-trash-symbolic", i18n_f("Remove the download of {}", &[&d.title]), DownloadsMsg::Remove);
    widget.add_suffix(&opens);
    Row { key, widget, progress, pause, resume, opens }
}

/// The row says the download as it is now.
fn show(row: &Row, d: &Download) {
    let mut state = reel_words::download_state(d.state);
    if d.quality != reel_core::models::DownloadQuality::Original {
        state = format!("{state} · {}", reel_words::download_quality(d.quality));
    }
    let mut subtitle = format!("{state} · {}", reel_words::download_progress(d));
    if let Some(f) = &d.fault {
        subtitle = format!("{subtitle}\n{}", reel_words::download_fault(f));
    }
    row.widget.set_subtitle(&glib_escape(&subtitle));
    // While the server converts, how far it is is not known: the bar pulses.
    if d.converting {
        row.progress.pulse();
    } else {
        let fraction = d.size.filter(|s| *s > 0).map_or(0.0, |s| d.fetched as f64 / s as f64);
        row.progress.set_fraction(fraction.clamp(0.0, 1.0));
    }
    row.progress.set_visible(matches!(d.state, DownloadState::Queued | DownloadState::Running | DownloadState::Paused));
    row.pause.set_visible(matches!(d.state, DownloadState::Queued | DownloadState::Running));
    row.resume.set_visible(matches!(d.state, DownloadState::Paused | DownloadState::Failed));
    let done = d.state == DownloadState::Done;
    row.widget.set_activatable(done);
    row.opens.set_visible(done);
    crate::widgets::labelled(&row.widget, &format!("{}, {}", d.title, subtitle.replace('\n', ", ")));
}

/// Rows take markup: titles from a server are text.
fn glib_escape(s: &str) -> String {
    relm4::gtk::glib::markup_escape_text(s).to_string()
}
