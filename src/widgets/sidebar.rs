//! The sidebar: each account's servers (with the connection in use), their
//! libraries, playlists and collections, hiding the libraries the user chose
//! to hide (and their collections).

use crate::i18n::{gettext, i18n_f};
use reel_core::models::{MediaList, Section, SectionKind, Source};
use reel_core::visibility_key;
use reel_core::{SectionKey, SourceId};
use reel_words::class_name;
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
    /// Its playlists and collections, as saved or as it answered.
    pub lists: Vec<MediaList>,
}

pub struct Sidebar {
    list: gtk::ListBox,
    sender: ComponentSender<Sidebar>,
    /// The rows on screen, in order.
    rows: Vec<Row>,
    hidden: std::collections::BTreeMap<String, bool>,
}

/// Which row: rows are updated in place by it, never rebuilt.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RowKey {
    Home,
    Downloads,
    Server(SourceId),
    Library {
        source_id: SourceId,
        section_key: SectionKey,
    },
    /// A playlist or a collection.
    List {
        source_id: SourceId,
        list_id: String,
    },
    /// Why a server's libraries cannot be shown.
    Note(SourceId),
}

/// What activating a row opens.
#[derive(Debug, Clone)]
enum Target {
    Library(SourceId, Section),
    List(SourceId, MediaList),
}

struct Row {
    key: RowKey,
    widget: gtk::ListBoxRow,
    primary: gtk::Label,
    secondary: Option<gtk::Label>,
    /// For library and list rows: what activating it opens.
    target: Option<Target>,
    /// For server rows: the button that opens the server's connections.
    button: Option<gtk::Button>,
}

/// One row as it should be.
enum Spec {
    Home,
    Downloads,
    Header { name: String, summary: String },
    Library { source_id: SourceId, section: Section, server: String },
    List { source_id: SourceId, list: MediaList, server: String },
    Note { text: String },
}

#[derive(Debug)]
pub enum SidebarMsg {
    Show { servers: Vec<ServerEntry>, visibility: std::collections::BTreeMap<String, bool> },
    Activated(i32),
}

#[derive(Debug)]
pub enum SidebarOutput {
    HomeSelected,
    DownloadsSelected,
    LibrarySelected { source_id: SourceId, section: Section },
    ListSelected { source_id: SourceId, list: MediaList },
    ServerSelected { source_id: SourceId },
}

/// "remote · 42 ms", "relay", "offline".
pub fn connection_summary(entry: &ServerEntry) -> String {
    if let Some(since) = entry.offline_since {
        return i18n_f("Offline since {}", &[&since.format("%H:%M").to_string()]);
    }
    let ci = &entry.source.connection_info;
    if !ci.is_online {
        return gettext("Offline");
    }
    let chosen = ci.probes.iter().find(|p| p.chosen);
    match chosen {
        Some(p) => {
            let class = class_name(p.class);
            match p.latency_ms {
                Some(ms) => format!("{class} · {ms:.0} ms"),
                None => class,
            }
        }
        None => gettext("Online"),
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
        list.update_property(&[gtk::accessible::Property::Label(&gettext("Servers and libraries"))]);
        root.set_child(Some(&list));
        let s = sender.clone();
        list.connect_row_activated(move |_, row| s.input(SidebarMsg::Activated(row.index())));
        ComponentParts { model: Sidebar { list, sender, rows: Vec::new(), hidden: Default::default() }, widgets: () }
    }

    fn update(&mut self, msg: Self::Input, sender: ComponentSender<Self>) {
        match msg {
            SidebarMsg::Show { servers, visibility } => {
                self.hidden = visibility;
                self.render(&servers);
            }
            SidebarMsg::Activated(i) => {
                let Some(row) = usize::try_from(i).ok().and_then(|i| self.rows.get(i)) else { return };
                let _ = sender.output(match row.target.clone() {
                    _ if row.key == RowKey::Home => SidebarOutput::HomeSelected,
                    _ if row.key == RowKey::Downloads => SidebarOutput::DownloadsSelected,
                    Some(Target::Library(source_id, section)) => SidebarOutput::LibrarySelected { source_id, section },
                    Some(Target::List(source_id, list)) => SidebarOutput::ListSelected { source_id, list },
                    None => return,
                });
            }
        }
    }
}

impl Sidebar {
    fn specs(&self, servers: &[ServerEntry]) -> Vec<(RowKey, Spec)> {
        let mut out = Vec::new();
        if !servers.is_empty() {
            out.push((RowKey::Home, Spec::Home));
            out.push((RowKey::Downloads, Spec::Downloads));
        }
        for entry in servers {
            let id = &entry.source.id;
            let summary = match &entry.sections {
                // Said in the header, not as a row of its own that would come and go at once.
                None => i18n_f("{} · Loading libraries…", &[&connection_summary(entry)]),
                _ => connection_summary(entry),
            };
            out.push((RowKey::Server(id.clone()), Spec::Header { name: entry.source.name.clone(), summary }));
            match &entry.sections {
                None => {}
                Some(Err(e)) => out.push((RowKey::Note(id.clone()), Spec::Note { text: e.clone() })),
                Some(Ok(sections)) => {
                    let shown = |key: &str| self.hidden.get(&visibility_key(id.as_str(), key)).copied().unwrap_or(true);
                    for sec in sections {
                        if !shown(sec.key.as_str()) {
                            continue;
                        }
                        out.push((
                            RowKey::Library { source_id: id.clone(), section_key: sec.key.clone() },
                            Spec::Library {
                                source_id: id.clone(),
                                section: sec.clone(),
                                server: entry.source.name.clone(),
                            },
                        ));
                    }
                    // Playlists, then collections (those of a hidden library stay hidden).
                    for list in &entry.lists {
                        if let MediaList::Collection(c) = list {
                            if !shown(&c.section_key) || !sections.iter().any(|s| s.key == c.section_key) {
                                continue;
                            }
                        }
                        out.push((
                            RowKey::List { source_id: id.clone(), list_id: list.id().to_string() },
                            Spec::List { source_id: id.clone(), list: list.clone(), server: entry.source.name.clone() },
                        ));
                    }
                }
            }
        }
        out
    }

    /// Brings the rows in line with `servers`, touching only what changed:
    /// rows are updated in place, inserted, or removed when really gone, so
    /// focus stays put and assistive technologies are not flooded.
    fn render(&mut self, servers: &[ServerEntry]) {
        let specs = self.specs(servers);
        let wanted: std::collections::HashSet<&RowKey> = specs.iter().map(|(k, _)| k).collect();
        let mut i = self.rows.len();
        while i > 0 {
            i -= 1;
            if !wanted.contains(&self.rows[i].key) {
                let row = self.rows.remove(i);
                self.list.remove(&row.widget);
            }
        }
        for (pos, (key, spec)) in specs.into_iter().enumerate() {
            if let Some(found) = self.rows.iter().position(|r| r.key == key) {
                if found != pos {
                    let row = self.rows.remove(found);
                    self.list.remove(&row.widget);
                    self.list.insert(&row.widget, pos as i32);
                    self.rows.insert(pos, row);
                }
                update(&mut self.rows[pos], &spec);
            } else {
                let row = build(key, &spec);
                if let (Some(b), RowKey::Server(id)) = (&row.button, &row.key) {
                    let (s, id) = (self.sender.clone(), id.clone());
                    b.connect_clicked(move |_| {
                        let _ = s.output(SidebarOutput::ServerSelected { source_id: id.clone() });
                    });
                }
                self.list.insert(&row.widget, pos as i32);
                self.rows.insert(pos, row);
            }
        }
    }
}

/// A row that opens a place of the app's own (Home, Downloads).
fn place_row(key: RowKey, icon: &str, name: &str) -> Row {
    let b = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    b.append(&gtk::Image::from_icon_name(icon));
    let l = gtk::Label::new(Some(name));
    l.set_xalign(0.0);
    b.append(&l);
    let widget = gtk::ListBoxRow::builder().child(&b).build();
    widget.update_property(&[gtk::accessible::Property::Label(name)]);
    Row { key, widget, primary: l, secondary: None, target: None, button: None }
}

fn build(key: RowKey, spec: &Spec) -> Row {
    let mut row = match spec {
        Spec::Home => place_row(key, "go-home-symbolic", &gettext("Home")),
        Spec::Downloads => place_row(key, "folder-download-symbolic", &gettext("Downloads")),
        Spec::Header { .. } => {
            let b = gtk::Box::new(gtk::Orientation::Vertical, 2);
            b.set_margin_top(12);
            let name = gtk::Label::new(None);
            name.set_xalign(0.0);
            name.set_hexpand(true);
            name.add_css_class("heading");
            let status = gtk::Label::new(None);
            status.set_xalign(0.0);
            status.set_wrap(true);
            status.add_css_class(crate::style::DIM);
            status.add_css_class("caption");
            let line = gtk::Box::new(gtk::Orientation::Horizontal, 6);
            line.append(&name);
            let button = gtk::Button::from_icon_name("network-server-symbolic");
            button.add_css_class("flat");
            button.set_tooltip_text(Some(gettext("Connections").as_str()));
            line.append(&button);
            b.append(&line);
            b.append(&status);
            let widget = gtk::ListBoxRow::builder().child(&b).activatable(false).selectable(false).build();
            Row { key, widget, primary: name, secondary: Some(status), target: None, button: Some(button) }
        }
        Spec::Library { section, .. } => {
            let icon = match section.kind {
                SectionKind::Movie => "video-x-generic-symbolic",
                SectionKind::Show => "video-display-symbolic",
                SectionKind::Music => "audio-x-generic-symbolic",
                SectionKind::Photo => "image-x-generic-symbolic",
                SectionKind::Other(_) => "folder-symbolic",
            };
            icon_row(key, icon)
        }
        Spec::List { list, .. } => {
            let icon = match list {
                MediaList::Playlist(_) => "view-list-symbolic",
                MediaList::Collection(_) => "view-grid-symbolic",
            };
            icon_row(key, icon)
        }
        Spec::Note { .. } => {
            let l = gtk::Label::new(None);
            l.set_xalign(0.0);
            l.set_wrap(true);
            l.add_css_class(crate::style::DIM);
            let widget = gtk::ListBoxRow::builder().child(&l).activatable(false).selectable(false).build();
            Row { key, widget, primary: l, secondary: None, target: None, button: None }
        }
    };
    update(&mut row, spec);
    row
}

/// A row one activates: an icon and a name (a library, a list).
fn icon_row(key: RowKey, icon: &str) -> Row {
    let b = gtk::Box::new(gtk::Orientation::Horizontal, 8);
    b.append(&gtk::Image::from_icon_name(icon));
    let l = gtk::Label::new(None);
    l.set_xalign(0.0);
    l.set_ellipsize(gtk::pango::EllipsizeMode::End);
    b.append(&l);
    let widget = gtk::ListBoxRow::builder().child(&b).build();
    Row { key, widget, primary: l, secondary: None, target: None, button: None }
}

fn update(row: &mut Row, spec: &Spec) {
    let set = |l: &gtk::Label, t: &str| {
        if l.text() != t {
            l.set_text(t);
        }
    };
    match spec {
        Spec::Header { name, summary } => {
            set(&row.primary, name);
            if let Some(s) = &row.secondary {
                set(s, summary);
            }
            row.widget.update_property(&[gtk::accessible::Property::Label(&format!("{name}, {summary}"))]);
            if let Some(b) = &row.button {
                b.update_property(&[gtk::accessible::Property::Label(&i18n_f("Connections of {}", &[name]))]);
            }
        }
        Spec::Library { source_id, section, server } => {
            set(&row.primary, &section.title);
            row.widget
                .update_property(&[gtk::accessible::Property::Label(&i18n_f("{} on {}", &[&section.title, server]))]);
            row.target = Some(Target::Library(source_id.clone(), section.clone()));
        }
        Spec::List { source_id, list, server } => {
            set(&row.primary, list.title());
            let label = match list {
                MediaList::Playlist(_) => i18n_f("{}, playlist on {}", &[list.title(), server]),
                MediaList::Collection(_) => i18n_f("{}, collection on {}", &[list.title(), server]),
            };
            row.widget.update_property(&[gtk::accessible::Property::Label(&label)]);
            row.target = Some(Target::List(source_id.clone(), list.clone()));
        }
        Spec::Note { text } => set(&row.primary, text),
        Spec::Home | Spec::Downloads => {}
    }
}
