//! Where the user is: the pages of the content pane and the way back. Plain
//! logic, no widgets, so it is tested on its own.

use reel_core::models::{MediaItem, MediaList, Section, Source};

/// A place in the content pane.
#[derive(Debug, Clone)]
pub enum Nav {
    Home,
    /// Every download, on this machine.
    Downloads,
    /// Search every server.
    Search,
    Server {
        source: Source,
    },
    Library {
        source: Source,
        section: Section,
    },
    Item {
        source: Source,
        item: MediaItem,
    },
    /// A playlist or a collection.
    List {
        source: Source,
        list: MediaList,
    },
}

/// The content stack's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentPage {
    /// Nothing chosen yet (after signing out of one of several accounts).
    Choose,
    Home,
    Library,
    Item,
    Server,
    List,
    Downloads,
    Search,
}

impl ContentPage {
    pub const ALL: [ContentPage; 8] = [
        ContentPage::Choose,
        ContentPage::Home,
        ContentPage::Library,
        ContentPage::Item,
        ContentPage::Server,
        ContentPage::List,
        ContentPage::Downloads,
        ContentPage::Search,
    ];

    /// The page's name in the stack.
    pub fn name(self) -> &'static str {
        match self {
            ContentPage::Choose => "choose",
            ContentPage::Home => "home",
            ContentPage::Library => "library",
            ContentPage::Item => "item",
            ContentPage::Server => "server",
            ContentPage::List => "list",
            ContentPage::Downloads => "downloads",
            ContentPage::Search => "search",
        }
    }
}

/// The window's top-level pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopPage {
    /// No account yet.
    Welcome,
    Browse,
    /// The player, over the whole window.
    Player,
}

impl TopPage {
    pub fn name(self) -> &'static str {
        match self {
            TopPage::Welcome => "welcome",
            TopPage::Browse => "browse",
            TopPage::Player => "player",
        }
    }
}

impl Nav {
    pub fn page(&self) -> ContentPage {
        match self {
            Nav::Home => ContentPage::Home,
            Nav::Downloads => ContentPage::Downloads,
            Nav::Search => ContentPage::Search,
            Nav::Server { .. } => ContentPage::Server,
            Nav::Library { .. } => ContentPage::Library,
            Nav::Item { .. } => ContentPage::Item,
            Nav::List { .. } => ContentPage::List,
        }
    }

    /// The server the place belongs to, if any.
    pub fn source_id(&self) -> Option<&str> {
        match self {
            Nav::Home | Nav::Downloads | Nav::Search => None,
            Nav::Server { source }
            | Nav::Library { source, .. }
            | Nav::Item { source, .. }
            | Nav::List { source, .. } => Some(source.id.as_str()),
        }
    }
}

/// The way back: Home, a library, a list or a server starts anew; items stack up.
#[derive(Debug, Default)]
pub struct History {
    stack: Vec<Nav>,
}

impl History {
    /// Goes to `nav`; returns it, to be shown.
    pub fn open(&mut self, nav: Nav) -> &Nav {
        if matches!(
            nav,
            Nav::Home | Nav::Downloads | Nav::Search | Nav::Library { .. } | Nav::Server { .. } | Nav::List { .. }
        ) {
            self.stack.clear();
        }
        self.stack.push(nav);
        self.stack.last().expect("just pushed")
    }

    /// Goes one place back; the place to show, or None at the start.
    pub fn back(&mut self) -> Option<&Nav> {
        if self.stack.len() < 2 {
            return None;
        }
        self.stack.pop();
        self.stack.last()
    }

    pub fn can_go_back(&self) -> bool {
        self.stack.len() > 1
    }

    pub fn current(&self) -> Option<&Nav> {
        self.stack.last()
    }

    pub fn is_empty(&self) -> bool {
        self.stack.is_empty()
    }

    pub fn clear(&mut self) {
        self.stack.clear();
    }

    /// An item changed (played, marked): every place that shows it shows it as it is now.
    pub fn update_item(&mut self, source_id: &str, changed: &MediaItem) {
        for nav in &mut self.stack {
            if let Nav::Item { source, item } = nav {
                if source.id == source_id && item.rating_key == changed.rating_key {
                    *item = changed.clone();
                }
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use reel_core::models::{ItemKind, SourceType};

    pub(crate) fn source(id: &str) -> Source {
        Source {
            id: id.into(),
            name: id.into(),
            source_type: SourceType::PlexServer { machine_id: id.into(), owned: true },
            auth_provider_id: None,
            connection_info: Default::default(),
            enabled: true,
            last_sync: None,
            library_count: 0,
            extra: Default::default(),
        }
    }

    fn item(key: &str) -> MediaItem {
        MediaItem::new(key, ItemKind::Movie, key)
    }

    #[test]
    fn items_stack_up_and_libraries_start_anew() {
        let mut h = History::default();
        assert!(h.back().is_none());
        h.open(Nav::Home);
        assert!(!h.can_go_back());
        h.open(Nav::Item { source: source("s"), item: item("1") });
        h.open(Nav::Item { source: source("s"), item: item("2") });
        assert!(h.can_go_back());
        assert!(matches!(h.back(), Some(Nav::Item { item, .. }) if item.rating_key == "1"));
        assert!(matches!(h.back(), Some(Nav::Home)));
        assert!(h.back().is_none(), "nowhere further back");
        h.open(Nav::Item { source: source("s"), item: item("3") });
        assert_eq!(h.open(Nav::Server { source: source("s") }).page(), ContentPage::Server);
        assert!(!h.can_go_back(), "a server page starts a new history");
    }

    #[test]
    fn a_played_item_is_shown_as_it_is_now() {
        let mut h = History::default();
        h.open(Nav::Home);
        h.open(Nav::Item { source: source("s"), item: item("1") });
        let mut played = item("1");
        played.view_offset_ms = 42_000;
        h.update_item("other", &played);
        assert!(matches!(h.current(), Some(Nav::Item { item, .. }) if item.view_offset_ms == 0), "another server's");
        h.update_item("s", &played);
        assert!(matches!(h.current(), Some(Nav::Item { item, .. }) if item.view_offset_ms == 42_000));
    }

    #[test]
    fn page_names_are_distinct() {
        let mut names: Vec<_> = ContentPage::ALL.iter().map(|p| p.name()).collect();
        names.dedup();
        assert_eq!(names.len(), ContentPage::ALL.len());
    }
}
