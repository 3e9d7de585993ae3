//! A server's connections: each with its class, probe result and latency,
//! which one is in use and why; the user can pin one or go back to automatic.

use crate::i18n::{gettext, i18n_f};
use crate::runtime::{CoreHandle, Failure};
use reel_core::models::{ProbeOutcome, Source};
use reel_words::{self as words, class_name};
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};

pub struct ServerPage {
    core: CoreHandle,
    source: Option<Source>,
    pinned: Option<String>,
    ui: Ui,
}

struct Ui {
    page: adw::PreferencesPage,
    group: adw::PreferencesGroup,
    summary: adw::PreferencesGroup,
    rows: Vec<adw::ActionRow>,
    auto: adw::ActionRow,
    busy: gtk::Spinner,
}

#[derive(Debug)]
pub enum ServerMsg {
    Show(Source),
    Pin(Option<String>),
    Probe,
    Updated(Result<Source, Failure>),
    /// The core moved the server to another connection: show what is in use now.
    Refreshed,
}

#[derive(Debug)]
pub enum ServerOutput {
    Changed(Source),
    Toast(String),
}

impl SimpleComponent for ServerPage {
    type Init = CoreHandle;
    type Input = ServerMsg;
    type Output = ServerOutput;
    type Root = gtk::ScrolledWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::ScrolledWindow::builder().vexpand(true).hscrollbar_policy(gtk::PolicyType::Never).build()
    }

    fn init(core: CoreHandle, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let page = adw::PreferencesPage::new();
        let summary = adw::PreferencesGroup::new();
        page.add(&summary);
        let group = adw::PreferencesGroup::builder()
            .title(gettext("Connections"))
            .description(gettext("Reel tries every connection and uses the best one that answers as this server."))
            .build();
        let busy = gtk::Spinner::new();
        let probe = gtk::Button::from_icon_name("view-refresh-symbolic");
        probe.set_tooltip_text(Some(gettext("Test All Connections Again").as_str()));
        probe.update_property(&[gtk::accessible::Property::Label(&gettext("Test all connections again"))]);
        probe.add_css_class("flat");
        let suffix = gtk::Box::new(gtk::Orientation::Horizontal, 6);
        suffix.append(&busy);
        suffix.append(&probe);
        group.set_header_suffix(Some(&suffix));
        {
            let s = sender.clone();
            probe.connect_clicked(move |_| s.input(ServerMsg::Probe));
        }
        page.add(&group);
        let auto = adw::ActionRow::builder()
            .title(gettext("Choose Automatically"))
            .subtitle(gettext("Use the best connection that works"))
            .activatable(true)
            .build();
        {
            let s = sender.clone();
            auto.connect_activated(move |_| s.input(ServerMsg::Pin(None)));
        }
        root.set_child(Some(&page));
        let model = ServerPage {
            core,
            source: None,
            pinned: None,
            ui: Ui { page, group, summary, rows: Vec::new(), auto, busy },
        };
        let _ = &model.ui.page;
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: ServerMsg, sender: ComponentSender<Self>) {
        match msg {
            ServerMsg::Show(source) => {
                self.pinned = self.core.pinned(&source.id);
                self.render(&source, &sender);
                self.source = Some(source);
            }
            ServerMsg::Pin(url) => {
                let Some(source) = self.source.clone() else { return };
                self.ui.busy.start();
                self.core.ask(
                    &sender,
                    |core| async move { core.pin(&source.id, url.as_deref()).await },
                    |r| ServerMsg::Updated(r.map_err(Failure::from)),
                );
            }
            ServerMsg::Probe => {
                let Some(source) = self.source.clone() else { return };
                self.ui.busy.start();
                self.core.ask(
                    &sender,
                    |core| async move { core.reselect(&source.id).await },
                    |r| ServerMsg::Updated(r.map_err(Failure::from)),
                );
            }
            ServerMsg::Refreshed => {
                let Some(id) = self.source.as_ref().map(|s| s.id.clone()) else { return };
                if let Some(source) = self.core.server(&id) {
                    self.render(&source, &sender);
                    self.source = Some(source);
                }
            }
            ServerMsg::Updated(r) => {
                self.ui.busy.stop();
                match r {
                    Ok(source) => {
                        self.pinned = self.core.pinned(&source.id);
                        if let Some(p) = &self.pinned {
                            if source.connection_info.primary_url.as_deref() != Some(p.as_str()) {
                                let _ = sender.output(ServerOutput::Toast(i18n_f(
                                    "The connection you chose for {} does not answer; Reel uses another until it does",
                                    &[&source.name],
                                )));
                            }
                        }
                        self.render(&source, &sender);
                        let _ = sender.output(ServerOutput::Changed(source.clone()));
                        self.source = Some(source);
                    }
                    Err(f) => {
                        let _ = sender.output(ServerOutput::Toast(f.message()));
                    }
                }
            }
        }
    }
}

impl ServerPage {
    fn render(&mut self, source: &Source, sender: &ComponentSender<Self>) {
        for row in self.ui.rows.drain(..) {
            self.ui.group.remove(&row);
        }
        if self.ui.auto.parent().is_some() {
            self.ui.group.remove(&self.ui.auto);
        }
        let ci = &source.connection_info;
        self.ui.summary.set_title(&source.name);
        let state = if ci.is_online { gettext("Online") } else { gettext("Offline") };
        let no_address = gettext("no address");
        let url = ci.primary_url.as_deref().unwrap_or(&no_address);
        let mut why = ci.reason.as_ref().map(|r| words::reason(r, &ci.probes)).unwrap_or_default();
        if ci.pinned_failed {
            why = format!(
                "{}\n{why}",
                gettext("Your pinned connection does not answer; Reel will go back to it once it does.")
            );
        }
        self.ui.summary.set_description(Some(&i18n_f("{} · using {}\n{}", &[&state, url, &why])));

        self.ui.auto.set_subtitle(&if self.pinned.is_none() {
            gettext("In use: Reel picks the best connection that works")
        } else {
            gettext("Use the best connection that works")
        });
        self.ui.group.add(&self.ui.auto);
        let probes = &ci.probes;
        for conn in &reel_core::Core::candidates(source) {
            let probe = probes.iter().find(|p| p.uri == conn.uri);
            let row = adw::ActionRow::builder()
                .title(gtk::glib::markup_escape_text(&conn.uri).as_str())
                .activatable(true)
                .build();
            let mut parts = vec![class_name(conn.class()).to_lowercase()];
            if conn.ipv6 {
                parts.push("IPv6".into());
            }
            if let Some(of) = &conn.fallback_for {
                parts.push(i18n_f("plain http to the address of {}", &[of]));
            }
            match probe {
                Some(p) => {
                    parts.push(words::outcome(&p.outcome));
                    if let (Some(ms), ProbeOutcome::Ok) = (p.latency_ms, &p.outcome) {
                        parts.push(format!("{ms:.0} ms"));
                    }
                }
                None => parts.push(gettext("not tested yet")),
            }
            let chosen = ci.primary_url.as_deref() == Some(conn.uri.as_str());
            let pinned = self.pinned.as_deref() == Some(conn.uri.as_str());
            if chosen {
                parts.push(gettext("in use"));
                row.add_suffix(&gtk::Image::from_icon_name("object-select-symbolic"));
            }
            if pinned {
                parts.push(gettext("pinned"));
                row.add_prefix(&gtk::Image::from_icon_name("view-pin-symbolic"));
            }
            let subtitle = parts.join(" · ");
            row.set_subtitle(&subtitle);
            row.update_property(&[gtk::accessible::Property::Label(&format!("{}: {subtitle}", conn.uri))]);
            row.set_tooltip_text(Some(gettext("Pin this connection: Reel tries it first").as_str()));
            let (s, uri) = (sender.clone(), conn.uri.clone());
            row.connect_activated(move |_| s.input(ServerMsg::Pin(Some(uri.clone()))));
            self.ui.group.add(&row);
            self.ui.rows.push(row);
        }
    }
}
