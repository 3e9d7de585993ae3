//! Search everywhere: one field; what every server holds, grouped by kind
//! and server, streamed in as each answers. What Reel saved shows at once
//! (also with no network), each server's own answer replaces it when it
//! comes, and a server that does not answer says so on its groups. Typing
//! again drops the search before; Enter opens the first result.

use crate::i18n::{gettext, i18n_f, ni18n_f};
use crate::runtime::CoreHandle;
use reel_core::models::{Found, MediaItem, MediaList, SearchAnswer, SearchState, Source};
use reel_core::SourceId;
use relm4::adw::prelude::*;
use relm4::{adw, gtk, ComponentParts, ComponentSender, SimpleComponent};

pub struct SearchPage {
    core: CoreHandle,
    ui: Ui,
    /// Which search the answers belong to: older ones are dropped.
    generation: u64,
    running: Option<tokio::task::AbortHandle>,
    /// Every server's latest answer, in the order servers are listed.
    answers: Vec<SearchAnswer>,
}

struct Ui {
    entry: gtk::SearchEntry,
    results: gtk::Box,
    empty: adw::StatusPage,
}

#[derive(Debug)]
pub enum SearchMsg {
    /// The page is shown: the field takes the keyboard.
    Show,
    Typed(String),
    /// Search for this, as if typed in the field.
    Query(String),
    Answer(u64, SearchAnswer),
    /// Enter in the field.
    OpenFirst,
    Open(SourceId, Found),
}

#[derive(Debug)]
pub enum SearchOutput {
    OpenItem { source: Source, item: MediaItem },
    OpenList { source: Source, list: MediaList },
}

impl SimpleComponent for SearchPage {
    type Init = CoreHandle;
    type Input = SearchMsg;
    type Output = SearchOutput;
    type Root = gtk::Box;
    type Widgets = ();

    fn init_root() -> Self::Root {
        gtk::Box::new(gtk::Orientation::Vertical, 0)
    }

    fn init(core: CoreHandle, root: Self::Root, sender: ComponentSender<Self>) -> ComponentParts<Self> {
        let entry = gtk::SearchEntry::builder().placeholder_text(gettext("Search every library")).hexpand(true).build();
        crate::widgets::labelled(&entry, &gettext("Search every library"));
        let s = sender.clone();
        entry.connect_search_changed(move |e| s.input(SearchMsg::Typed(e.text().to_string())));
        let s = sender.clone();
        entry.connect_activate(move |_| s.input(SearchMsg::OpenFirst));
        let field = adw::Clamp::builder().maximum_size(800).child(&entry).build();
        field.set_margin_top(12);
        field.set_margin_start(12);
        field.set_margin_end(12);
        let results = gtk::Box::new(gtk::Orientation::Vertical, 24);
        results.set_margin_top(12);
        results.set_margin_bottom(24);
        results.set_margin_start(12);
        results.set_margin_end(12);
        let empty = adw::StatusPage::builder()
            .icon_name("system-search-symbolic")
            .title(gettext("Search Every Library"))
            .description(gettext("Films, shows, episodes, artists, albums, tracks and collections of every server."))
            .vexpand(true)
            .build();
        let scrolled = gtk::ScrolledWindow::builder()
            .hscrollbar_policy(gtk::PolicyType::Never)
            .vexpand(true)
            .child(&adw::Clamp::builder().maximum_size(800).child(&results).build())
            .build();
        root.append(&field);
        root.append(&empty);
        root.append(&scrolled);
        scrolled.set_visible(false);
        let ui = Ui { entry, results, empty };
        let model = SearchPage { core, ui, generation: 0, running: None, answers: Vec::new() };
        ComponentParts { model, widgets: () }
    }

    fn update(&mut self, msg: SearchMsg, sender: ComponentSender<Self>) {
        match msg {
            SearchMsg::Show => {
                self.ui.entry.grab_focus();
            }
            SearchMsg::Typed(text) => self.search(&sender, text.trim()),
            // The field says it, and its change searches.
            SearchMsg::Query(text) => self.ui.entry.set_text(&text),
            SearchMsg::Answer(generation, answer) if generation == self.generation => {
                match self.answers.iter_mut().find(|a| a.source_id == answer.source_id) {
                    Some(a) => *a = answer,
                    None => self.answers.push(answer),
                }
                self.show(&sender);
            }
            SearchMsg::Answer(..) => {}
            SearchMsg::OpenFirst => {
                let first = self
                    .answers
                    .iter()
                    .find_map(|a| a.groups.first().and_then(|g| g.hits.first()).map(|h| (a.source_id.clone(), h)));
                if let Some((source_id, hit)) = first {
                    sender.input(SearchMsg::Open(source_id, hit.found.clone()));
                }
            }
            SearchMsg::Open(source_id, found) => {
                let Some(source) = self.core.server(&source_id) else { return };
                let out = match found {
                    Found::Item(item) => SearchOutput::OpenItem { source, item },
                    Found::Collection(c) => SearchOutput::OpenList { source, list: MediaList::Collection(c) },
                };
                let _ = sender.output(out);
            }
        }
    }
}

impl SearchPage {
    /// Starts a search for `text`, dropping the one before.
    fn search(&mut self, sender: &ComponentSender<Self>, text: &str) {
        self.generation += 1;
        if let Some(running) = self.running.take() {
            running.abort();
        }
        self.answers.clear();
        if text.is_empty() {
            self.show(sender);
            return;
        }
        let (generation, input, text) = (self.generation, sender.input_sender().clone(), text.to_string());
        self.running = Some(self.core.run(
            move |core| async move {
                let tell = |a: SearchAnswer| input.emit(SearchMsg::Answer(generation, a));
                core.search(&text, &tell).await
            },
            |r| {
                if let Err(e) = r {
                    tracing::warn!("search failed: {e}");
                }
            },
        ));
    }

    /// Lays the results out again from the answers.
    fn show(&self, sender: &ComponentSender<Self>) {
        while let Some(child) = self.ui.results.first_child() {
            self.ui.results.remove(&child);
        }
        let typed = !self.ui.entry.text().trim().is_empty();
        let several = self.answers.len() > 1;
        let mut any = false;
        for a in &self.answers {
            let state = match &a.state {
                SearchState::Searching => Some(gettext("Still searching; from saved data")),
                SearchState::Answered => None,
                SearchState::Unreachable(e) => {
                    Some(i18n_f("Did not answer ({}); from saved data", &[&reel_words::error(e)]))
                }
            };
            if a.groups.is_empty() {
                // A server still searching or not answering says so even with nothing saved.
                if let Some(state) = &state {
                    let group = adw::PreferencesGroup::builder().title(&a.server).description(state).build();
                    self.ui.results.append(&group);
                }
                continue;
            }
            for g in &a.groups {
                any = true;
                let kind = reel_words::search_kind(g.kind);
                let title = if several { format!("{kind} · {}", a.server) } else { kind };
                let group = adw::PreferencesGroup::builder().title(&title).build();
                if let Some(state) = &state {
                    group.set_description(Some(state));
                }
                for hit in &g.hits {
                    group.add(&row(sender, &a.source_id, hit));
                }
                self.ui.results.append(&group);
            }
        }
        let nothing = typed && !any && self.answers.iter().all(|a| matches!(a.state, SearchState::Answered));
        self.ui.empty.set_title(&if nothing { gettext("Nothing Found") } else { gettext("Search Every Library") });
        self.ui.empty.set_visible(!any && (self.answers.is_empty() || nothing));
        if let Some(scrolled) = self.ui.results.ancestor(gtk::ScrolledWindow::static_type()) {
            scrolled.set_visible(typed && !(nothing || self.answers.is_empty()));
        }
    }
}

/// A result's row: its title, what holds it, its year, and why it was found.
fn row(
    sender: &ComponentSender<SearchPage>,
    source_id: &SourceId,
    hit: &reel_core::models::SearchHit,
) -> adw::ActionRow {
    let mut parts: Vec<String> = match &hit.found {
        Found::Item(i) => [i.grandparent_title.clone(), i.parent_title.clone(), i.year.map(|y| y.to_string())]
            .into_iter()
            .flatten()
            .collect(),
        Found::Collection(c) => vec![ni18n_f("{} item", "{} items", u64::from(c.items), &[])],
    };
    if let Some(r) = &hit.reason {
        // Translators: a search result found through another's name (an album by its artist).
        parts.push(i18n_f("found by {}", &[r]));
    }
    let row = adw::ActionRow::builder().title(escaped(hit.found.title())).activatable(true).build();
    let subtitle = parts.join(" · ");
    if !subtitle.is_empty() {
        row.set_subtitle(&escaped(&subtitle));
    }
    row.add_suffix(&gtk::Image::from_icon_name("go-next-symbolic"));
    let (s, source_id, found) = (sender.clone(), source_id.clone(), hit.found.clone());
    row.connect_activated(move |_| s.input(SearchMsg::Open(source_id.clone(), found.clone())));
    row
}

/// Titles are Pango markup in a row: a title with "&" or "<" shows as typed.
fn escaped(text: &str) -> String {
    relm4::gtk::glib::markup_escape_text(text).to_string()
}
