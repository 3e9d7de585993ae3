//! Preferences: how long the server list counts as fresh, insecure local
//! connections, and which libraries show in the sidebar. Saved at once.

use crate::core_handle::CoreHandle;
use crate::i18n::gettext;
use reel_core::models::{Section, Source};
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};

pub struct PreferencesDialog {
    core: CoreHandle,
    window: adw::PreferencesWindow,
    libraries: adw::PreferencesPage,
    groups: Vec<adw::PreferencesGroup>,
}

#[derive(Debug)]
pub enum PrefsMsg {
    Show(Vec<(Source, Vec<Section>)>),
    Ttl(u64),
    Insecure(bool),
    Visible { id: String, visible: bool },
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
        let prefs = core.manager.config().get().preferences;
        let general =
            adw::PreferencesPage::builder().title(gettext("General")).icon_name("preferences-system-symbolic").build();
        let servers = adw::PreferencesGroup::builder().title(gettext("Servers")).build();
        let ttl_row = adw::ActionRow::builder()
            .title(gettext("Refresh the Server List After"))
            .subtitle(gettext("Minutes before Reel asks plex.tv again which servers you have"))
            .build();
        let ttl = gtk::SpinButton::with_range(1.0, 240.0, 1.0);
        ttl.set_valign(gtk::Align::Center);
        ttl.set_value((core.manager.sources_ttl().as_secs() / 60).max(1) as f64);
        ttl.update_property(&[gtk::accessible::Property::Label("Minutes before the server list is refreshed")]);
        ttl_row.add_suffix(&ttl);
        ttl_row.set_activatable_widget(Some(&ttl));
        {
            let s = sender.clone();
            ttl.connect_value_changed(move |b| s.input(PrefsMsg::Ttl(b.value() as u64 * 60)));
        }
        servers.add(&ttl_row);
        let insecure_row = adw::ActionRow::builder()
            .title(gettext("Allow Insecure Local Connections"))
            .subtitle(gettext("Plain http to servers on your own network. Never used for remote connections."))
            .build();
        let insecure = gtk::Switch::new();
        insecure.set_valign(gtk::Align::Center);
        insecure.set_active(prefs.allow_insecure_local.unwrap_or(true));
        insecure.update_property(&[gtk::accessible::Property::Label("Allow insecure local connections")]);
        insecure_row.add_suffix(&insecure);
        insecure_row.set_activatable_widget(Some(&insecure));
        {
            let s = sender.clone();
            insecure.connect_active_notify(move |sw| s.input(PrefsMsg::Insecure(sw.is_active())));
        }
        servers.add(&insecure_row);
        general.add(&servers);
        root.add(&general);

        let libraries =
            adw::PreferencesPage::builder().title(gettext("Libraries")).icon_name("folder-videos-symbolic").build();
        root.add(&libraries);
        let model = PreferencesDialog { core, window: root.clone(), libraries, groups: Vec::new() };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: PrefsMsg, sender: ComponentSender<Self>) {
        let saved = match msg {
            PrefsMsg::Show(servers) => {
                self.show_libraries(&servers, &sender);
                self.window.present();
                return;
            }
            PrefsMsg::Ttl(secs) => self.core.manager.config().update(|c| c.preferences.sources_ttl_secs = Some(secs)),
            PrefsMsg::Insecure(on) => {
                self.core.manager.config().update(|c| c.preferences.allow_insecure_local = Some(on))
            }
            PrefsMsg::Visible { id, visible } => self.core.manager.config().update(|c| {
                // Visible is the default: only hidden libraries are written down.
                if visible {
                    c.runtime.library_visibility.remove(&id);
                } else {
                    c.runtime.library_visibility.insert(id, false);
                }
            }),
        };
        let _ = sender.output(match saved {
            Ok(()) => PrefsOutput::Changed,
            Err(e) => PrefsOutput::Failed(e.to_string()),
        });
    }
}

impl PreferencesDialog {
    fn show_libraries(&mut self, servers: &[(Source, Vec<Section>)], sender: &ComponentSender<Self>) {
        for g in self.groups.drain(..) {
            self.libraries.remove(&g);
        }
        let visibility = self.core.manager.config().get().runtime.library_visibility;
        for (source, sections) in servers {
            let group = adw::PreferencesGroup::builder()
                .title(gtk::glib::markup_escape_text(&source.name).as_str())
                .description(gettext("Show in the sidebar"))
                .build();
            for sec in sections {
                let id = format!("{}:{}", source.id, sec.key);
                let row = adw::ActionRow::builder().title(gtk::glib::markup_escape_text(&sec.title).as_str()).build();
                let sw = gtk::Switch::new();
                sw.set_valign(gtk::Align::Center);
                sw.set_active(visibility.get(&id).copied().unwrap_or(true));
                sw.update_property(&[gtk::accessible::Property::Label(&format!(
                    "Show {} from {}",
                    sec.title, source.name
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
