//! Preferences: how long the server list counts as fresh (and the bounds it adapts within), insecure local
//! connections, where downloads go and at what quality, and which libraries show in the sidebar. Saved at once.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use reel_core::models::{DownloadQuality, Section, Source};
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};

pub struct PreferencesDialog {
    core: CoreHandle,
    window: adw::PreferencesWindow,
    libraries: adw::PreferencesPage,
    groups: Vec<adw::PreferencesGroup>,
    folder: FolderRow,
    /// The folder chooser while it is open (a native dialog is owned by no widget).
    chooser: Option<gtk::FileChooserNative>,
}

/// Where downloads go: the folder, a button to choose another, one to go
/// back to Reel's own.
struct FolderRow {
    row: adw::ActionRow,
    reset: gtk::Button,
}

#[derive(Debug)]
pub enum PrefsMsg {
    Show(Vec<(Source, Vec<Section>)>),
    Ttl(TtlBound, u64),
    Insecure(bool),
    Visible {
        id: String,
        visible: bool,
    },
    Saved(Result<(), Failure>),
    /// Choose where downloads go: the folder chooser opens.
    ChooseFolder,
    /// Downloads go here (None: Reel's own folder).
    Folder(Option<std::path::PathBuf>),
    FolderSet(Result<std::path::PathBuf, Failure>),
    /// New downloads of films and episodes are fetched at this quality.
    Quality(DownloadQuality),
}

/// Which of the server list's lifetimes a spin button sets.
#[derive(Debug, Clone, Copy)]
pub enum TtlBound {
    Start,
    Min,
    Max,
}

#[derive(Debug)]
pub enum PrefsOutput {
    Changed,
    Failed(String),
}

impl SimpleComponent for PreferencesDialog {
    type Init = CoreHandle;
    type Input = PrefsMsg;
    type Output = PrefsOutput;
    type Root = adw::PreferencesWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        adw::PreferencesWindow::builder().modal(true).hide_on_close(true).search_enabled(false).build()
    }

    fn init(core: CoreHandle, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let prefs = core.preferences();
        let general =
            adw::PreferencesPage::builder().title(gettext("General")).icon_name("preferences-system-symbolic").build();
        let servers = adw::PreferencesGroup::builder()
            .title(gettext("Servers"))
            .description(gettext(
                "Reel asks plex.tv less often while nothing changes and sooner after failures, within these bounds.",
            ))
            .build();
        let (min, start, max) = prefs.sources_ttl_bounds();
        let rows = [
            (
                TtlBound::Start,
                gettext("Refresh the Server List After"),
                gettext("Minutes before Reel first asks plex.tv again which servers you have"),
                start,
            ),
            (
                TtlBound::Min,
                gettext("Refresh at Most Every"),
                gettext("After failures or a network change Reel asks sooner, but not more often than this"),
                min,
            ),
            (
                TtlBound::Max,
                gettext("Refresh at Least Every"),
                gettext("While nothing changes Reel asks less often, but never less than this"),
                max,
            ),
        ];
        for (bound, title, subtitle, secs) in rows {
            let row = adw::ActionRow::builder().title(title.as_str()).subtitle(subtitle.as_str()).build();
            let spin = gtk::SpinButton::with_range(1.0, 1440.0, 1.0);
            spin.set_valign(gtk::Align::Center);
            spin.set_value((secs / 60).max(1) as f64);
            spin.update_property(&[gtk::accessible::Property::Label(&i18n_f("{} (minutes)", &[&title]))]);
            row.add_suffix(&spin);
            row.set_activatable_widget(Some(&spin));
            let s = sender.clone();
            spin.connect_value_changed(move |b| s.input(PrefsMsg::Ttl(bound, b.value() as u64 * 60)));
            servers.add(&row);
        }
        let insecure_row = adw::ActionRow::builder()
            .title(gettext("Allow Insecure Local Connections"))
            .subtitle(gettext("Plain http to servers on your own network. Never used for remote connections."))
            .build();
        let insecure = gtk::Switch::new();
        insecure.set_valign(gtk::Align::Center);
        insecure.set_active(prefs.allow_insecure_local.unwrap_or(true));
        insecure.update_property(&[gtk::accessible::Property::Label(&gettext("Allow insecure local connections"))]);
        insecure_row.add_suffix(&insecure);
        insecure_row.set_activatable_widget(Some(&insecure));
        {
            let s = sender.clone();
            insecure.connect_active_notify(move |sw| s.input(PrefsMsg::Insecure(sw.is_active())));
        }
        servers.add(&insecure_row);
        general.add(&servers);
        let folder = download_folder_group(&general, &sender, prefs.download_quality.unwrap_or_default());
        show_folder(&folder, &core.download_folder(), prefs.download_folder.is_some());
        root.add(&general);

        let libraries =
            adw::PreferencesPage::builder().title(gettext("Libraries")).icon_name("folder-videos-symbolic").build();
        root.add(&libraries);
        let model =
            PreferencesDialog { core, window: root.clone(), libraries, groups: Vec::new(), folder, chooser: None };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: PrefsMsg, sender: ComponentSender<Self>) {
        let s = sender.clone();
        let saved = move |r: reel_core::Result<()>| s.input(PrefsMsg::Saved(r.map_err(Failure::from)));
        match msg {
            PrefsMsg::Show(servers) => {
                self.show_libraries(&servers, &sender);
                self.window.present();
            }
            PrefsMsg::Ttl(bound, secs) => {
                self.core.run(
                    |core| async move {
                        core.set_preferences(move |p| match bound {
                            TtlBound::Start => p.sources_ttl_secs = Some(secs),
                            TtlBound::Min => p.sources_ttl_min_secs = Some(secs),
                            TtlBound::Max => p.sources_ttl_max_secs = Some(secs),
                        })
                        .await
                    },
                    saved,
                );
            }
            PrefsMsg::Quality(q) => {
                self.core.run(|core| async move { core.set_download_quality(q).await }, saved);
            }
            PrefsMsg::Insecure(on) => {
                self.core.run(
                    |core| async move { core.set_preferences(move |p| p.allow_insecure_local = Some(on)).await },
                    saved,
                );
            }
            PrefsMsg::Visible { id, visible } => {
                self.core.run(|core| async move { core.set_library_visible(id, visible).await }, saved);
            }
            PrefsMsg::ChooseFolder => self.choose_folder(&sender),
            PrefsMsg::Folder(folder) => {
                self.core.ask(
                    &sender,
                    |core| async move { core.set_download_folder(folder).await.map_err(Failure::from) },
                    PrefsMsg::FolderSet,
                );
            }
            PrefsMsg::FolderSet(r) => {
                match &r {
                    Ok(folder) => show_folder(&self.folder, folder, self.core.preferences().download_folder.is_some()),
                    // Said here: the window's own toasts are behind this one.
                    Err(f) => self.window.add_toast(adw::Toast::new(&f.message())),
                }
                sender.input(PrefsMsg::Saved(r.map(|_| ())));
            }
            PrefsMsg::Saved(r) => {
                let _ = sender.output(match r {
                    Ok(()) => PrefsOutput::Changed,
                    Err(f) => PrefsOutput::Failed(f.message()),
                });
            }
        }
    }
}

impl PreferencesDialog {
    fn choose_folder(&mut self, sender: &ComponentSender<Self>) {
        let chooser = gtk::FileChooserNative::new(
            Some(&gettext("Choose a Download Folder")),
            Some(&self.window),
            gtk::FileChooserAction::SelectFolder,
            Some(&gettext("Select")),
            Some(&gettext("Cancel")),
        );
        chooser.set_modal(true);
        let s = sender.clone();
        chooser.connect_response(move |c, response| {
            if response == gtk::ResponseType::Accept {
                if let Some(path) = c.file().and_then(|f| f.path()) {
                    s.input(PrefsMsg::Folder(Some(path)));
                }
            }
            c.hide();
        });
        chooser.show();
        self.chooser = Some(chooser);
    }

    fn show_libraries(&mut self, servers: &[(Source, Vec<Section>)], sender: &ComponentSender<Self>) {
        for g in self.groups.drain(..) {
            self.libraries.remove(&g);
        }
        let visibility = self.core.library_visibility();
        for (source, sections) in servers {
            let group = adw::PreferencesGroup::builder()
                .title(gtk::glib::markup_escape_text(&source.name).as_str())
                .description(gettext("Show in the sidebar"))
                .build();
            for sec in sections {
                let id = reel_core::visibility_key(source.id.as_str(), sec.key.as_str());
                let row = adw::ActionRow::builder().title(gtk::glib::markup_escape_text(&sec.title).as_str()).build();
                let sw = gtk::Switch::new();
                sw.set_valign(gtk::Align::Center);
                sw.set_active(visibility.get(&id).copied().unwrap_or(true));
                sw.update_property(&[gtk::accessible::Property::Label(&i18n_f(
                    "Show {} from {}",
                    &[&sec.title, &source.name],
                ))]);
                row.add_suffix(&sw);
                row.set_activatable_widget(Some(&sw));
                let s = sender.clone();
                sw.connect_active_notify(move |sw| {
                    s.input(PrefsMsg::Visible { id: id.clone(), visible: sw.is_active() })
                });
                group.add(&row);
            }
            self.libraries.add(&group);
            self.groups.push(group);
        }
    }
}

/// The Downloads group of the General page: the quality new downloads
/// are fetched at, and where they go.
fn download_folder_group(
    page: &adw::PreferencesPage,
    sender: &ComponentSender<PreferencesDialog>,
    quality: DownloadQuality,
) -> FolderRow {
    let group = adw::PreferencesGroup::builder()
        .title(gettext("Downloads"))
        .description(gettext("New downloads go here. Those already downloaded stay where they are."))
        .build();
    let row = adw::ActionRow::builder().title(gettext("Download Folder")).build();
    row.add_css_class("property");
    let choose = gtk::Button::with_label(&gettext("Choose…"));
    choose.set_valign(gtk::Align::Center);
    choose.update_property(&[gtk::accessible::Property::Label(&gettext("Choose a download folder"))]);
    let reset = gtk::Button::from_icon_name("edit-undo-symbolic");
    reset.set_valign(gtk::Align::Center);
    reset.add_css_class("flat");
    reset.set_tooltip_text(Some(&gettext("Use Reel's Own Folder")));
    reset.update_property(&[gtk::accessible::Property::Label(&gettext("Use Reel's own download folder"))]);
    {
        let s = sender.clone();
        choose.connect_clicked(move |_| s.input(PrefsMsg::ChooseFolder));
    }
    {
        let s = sender.clone();
        reset.connect_clicked(move |_| s.input(PrefsMsg::Folder(None)));
    }
    row.add_suffix(&reset);
    row.add_suffix(&choose);
    group.add(&quality_row(sender, quality));
    group.add(&row);
    page.add(&group);
    FolderRow { row, reset }
}

/// The quality new downloads of films and episodes are fetched at.
fn quality_row(sender: &ComponentSender<PreferencesDialog>, quality: DownloadQuality) -> adw::ComboRow {
    let names: Vec<String> = DownloadQuality::ALL.iter().map(|q| reel_words::download_quality(*q)).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let row = adw::ComboRow::builder()
        .title(gettext("Download Quality"))
        .subtitle(gettext("Films and episodes are converted by the server to this size. Music is downloaded as it is."))
        .model(&gtk::StringList::new(&names))
        .build();
    let at = DownloadQuality::ALL.iter().position(|q| *q == quality).unwrap_or(0);
    row.set_selected(at as u32);
    let s = sender.clone();
    row.connect_selected_notify(move |r| {
        if let Some(q) = DownloadQuality::ALL.get(r.selected() as usize) {
            s.input(PrefsMsg::Quality(*q));
        }
    });
    row
}

/// The row says the folder (its home shown as ~); going back is offered
/// when one was chosen.
fn show_folder(f: &FolderRow, folder: &std::path::Path, chosen: bool) {
    let home = relm4::gtk::glib::home_dir();
    let shown = match folder.strip_prefix(&home) {
        Ok(rest) => std::path::Path::new("~").join(rest).display().to_string(),
        Err(_) => folder.display().to_string(),
    };
    f.row.set_subtitle(&gtk::glib::markup_escape_text(&shown));
    f.row.update_property(&[gtk::accessible::Property::Description(&shown)]);
    f.reset.set_visible(chosen);
}
