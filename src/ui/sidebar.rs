//! The sidebar: each account's servers (with the connection in use) and
//! their libraries, hiding the libraries the user chose to hide.

use reel_core::models::{ConnectionClass, Section, Source};
use relm4::adw::prelude::*;
use relm4::{gtk, ComponentParts, ComponentSender, SimpleComponent};

/// What the sidebar knows of one server.
#[derive(Debug, Clone)]
pub struct ServerEntry {
    pub source: Source,
    /// Since when the server has not answered, if it has not.
    pub offline_since: Option<chrono::DateTime<chrono::Local>>,
    /// None while loading; Err with the reason when the server could not be asked.
    pub sections: Option<Result<Vec<Section>, String>>,
}

pub struct Sidebar {
    list: gtk::ListBox,
    /// Row index → (source id, section) for library rows.
    rows: Vec<Option<(String, Section)>>,
    hidden: std::collections::BTreeMap<String, bool>,
}

#[derive(Debug)]
pub enum SidebarMsg {
    Show { servers: Vec<ServerEntry>, visibility: std::collections::BTreeMap<String, bool> },
    Activated(i32),
}

#[derive(Debug)]
pub enum SidebarOutput {
    LibrarySelected { source_id: String, section: Section },
}

/// "remote · 42 ms", "relay", "offline".
pub fn connection_summary(entry: &ServerEntry) -> String {
    if let Some(since) = entry.offline_since {
        return format!("Offline since {}", since.format("%H:%M"));
    }
    let ci = &entry.source.connection_info;
    if !ci.is_online {
        return "Offline".into();
    }
    let chosen = ci.probes.iter().find(|p| p.chosen);
    match chosen {
        Some(p) => {
            let class = match p.class {
                ConnectionClass::LocalDirect | ConnectionClass::Local => "Local",
                ConnectionClass::RemoteDirect => "Remote",
                ConnectionClass::Relay => "Relay",
            };
            match p.latency_ms {
                Some(ms) => format!("{class} · {ms:.0} ms"),
                None => class.into(),
            }
        }
        None => "Online".into(),
    }
}

impl SimpleComponent for Sidebar {
    type Init = ();
    type Input = SidebarMsg;
    type Output = SidebarOutput;
    type Root = gtk::ScrolledWindow;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::ScrolledWindow::builder().hscrollbar_policy(gtk::PolicyType::Never).vexpand(true).build()
    }

    fn init(_: (), root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let list = gtk::ListBox::new();
        list.add_css_class("navigation-sidebar");
        list.update_property(&[gtk::accessible::Property::Label("Servers and libraries")]);
        root.set_child(Some(&list));
        let s = sender.clone();
        list.connect_row_activated(move |_, row| s.input(SidebarMsg::Activated(row.index())));
        ComponentParts { model: Sidebar { list, rows: Vec::new(), hidden: Default::default() }, widgets: () }
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>) {
        match msg {
            SidebarMsg::Show { servers, visibility } => {
                self.hidden = visibility;
                self.render(&servers);
            }
            SidebarMsg::Activated(i) => {
                if let Some(Some((source_id, section))) = usize::try_from(i).ok().and_then(|i| self.rows.get(i)) {
                    let _ = sender.output(SidebarOutput::LibrarySelected {
                        source_id: source_id.clone(),
                        section: section.clone(),
                    });
                }
            }
        }
    }
}

impl Sidebar {
    fn render(&mut self, servers: &[ServerEntry]) {
        while let Some(row) = self.list.row_at_index(0) {
            self.list.remove(&row);
        }
        self.rows.clear();
        for entry in servers {
            let header = gtk::Box::new(gtk::Orientation::Vertical, 2);
            header.set_margin_top(12);
            let name = gtk::Label::new(Some(&entry.source.name));
            name.set_xalign(0.0);
            name.add_css_class("heading");
            let status = gtk::Label::new(Some(&connection_summary(entry)));
            status.set_xalign(0.0);
            status.add_css_class("dim-label");
            status.add_css_class("caption");
            header.append(&name);
            header.append(&status);
            let row = gtk::ListBoxRow::builder().child(&header).activatable(false).selectable(false).build();
            row.update_property(&[gtk::accessible::Property::Label(&format!(
                "{}, {}",
                entry.source.name,
                connection_summary(entry)
            ))]);
            self.list.append(&row);
            self.rows.push(None);
            match &entry.sections {
                None => self.note("Loading libraries…"),
                Some(Err(e)) => self.note(e),
                Some(Ok(sections)) => {
                    for sec in sections {
                        let id = format!("{}:{}", entry.source.id, sec.key);
                        if !self.hidden.get(&id).copied().unwrap_or(true) {
                            continue;
                        }
                        let icon = match sec.kind.as_str() {
                            "movie" => "video-x-generic-symbolic",
                            "show" => "video-display-symbolic",
                            "artist" => "audio-x-generic-symbolic",
                            _ => "folder-symbolic",
                        };
                        let b = gtk::Box::new(gtk::Orientation::Horizontal, 8);
                        b.append(&gtk::Image::from_icon_name(icon));
                        let l = gtk::Label::new(Some(&sec.title));
                        l.set_xalign(0.0);
                        l.set_ellipsize(gtk::pango::EllipsizeMode::End);
                        b.append(&l);
                        let row = gtk::ListBoxRow::builder().child(&b).build();
                        row.update_property(&[gtk::accessible::Property::Label(&format!(
                            "{} on {}",
                            sec.title, entry.source.name
                        ))]);
                        self.list.append(&row);
                        self.rows.push(Some((entry.source.id.clone(), sec.clone())));
                    }
                }
            }
        }
    }

    fn note(&mut self, text: &str) {
        let l = gtk::Label::new(Some(text));
        l.set_xalign(0.0);
        l.set_wrap(true);
        l.add_css_class("dim-label");
        let row = gtk::ListBoxRow::builder().child(&l).activatable(false).selectable(false).build();
        self.list.append(&row);
        self.rows.push(None);
    }
}
