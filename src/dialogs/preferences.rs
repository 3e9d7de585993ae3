//! Preferences: how long the server list counts as fresh (and the bounds it adapts within), insecure local
//! connections, and which libraries show in the sidebar. Saved at once.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
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
    Ttl(TtlBound, u64),
    Insecure(bool),
    Visible { id: String, visible: bool },
    Saved(Result<(), Failure>),
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
        root.add(&general);

        let libraries =
            adw::PreferencesPage::builder().title(gettext("Libraries")).icon_name("folder-videos-symbolic").build();
        root.add(&libraries);
        let model = PreferencesDialog { core, window: root.clone(), libraries, groups: Vec::new() };
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
            PrefsMsg::Insecure(on) => {
                self.core.run(
                    |core| async move { core.set_preferences(move |p| p.allow_insecure_local = Some(on)).await },
                    saved,
                );
            }
            PrefsMsg::Visible { id, visible } => {
                self.core.run(|core| async move { core.set_library_visible(id, visible).await }, saved);
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
