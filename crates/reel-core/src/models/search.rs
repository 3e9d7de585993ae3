//! What a search finds: items of every server, grouped by kind, each said
//! to come from the server's answer or from what Reel saved of it.

use super::{Collection, ItemKind, MediaItem};
use crate::error::Error;
use crate::ids::SourceId;

/// The groups a search's results fall into, in the order they are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SearchKind {
    Movie,
    Show,
    Episode,
    Artist,
    Album,
    Track,
    Collection,
}

impl SearchKind {
    pub const ALL: [SearchKind; 7] = [
        SearchKind::Movie,
        SearchKind::Show,
        SearchKind::Episode,
        SearchKind::Artist,
        SearchKind::Album,
        SearchKind::Track,
        SearchKind::Collection,
    ];

    /// The group an item of `kind` is shown in; seasons and anything else
    /// are not searched.
    pub fn of(kind: ItemKind) -> Option<Self> {
        Some(match kind {
            ItemKind::Movie => Self::Movie,
            ItemKind::Show => Self::Show,
            ItemKind::Episode => Self::Episode,
            ItemKind::Artist => Self::Artist,
            ItemKind::Album => Self::Album,
            ItemKind::Track => Self::Track,
            ItemKind::Season | ItemKind::Other => return None,
        })
    }

    /// The name reel-cli and the JSON use.
    pub fn name(self) -> &'static str {
        match self {
            Self::Movie => "movie",
            Self::Show => "show",
            Self::Episode => "episode",
            Self::Artist => "artist",
            Self::Album => "album",
            Self::Track => "track",
            Self::Collection => "collection",
        }
    }
}

/// One thing found.
#[derive(Debug, Clone, PartialEq)]
// Items are most of what is found, and move only into their hits.
#[allow(clippy::large_enum_variant)]
pub enum Found {
    Item(MediaItem),
    Collection(Collection),
}

impl Found {
    pub fn kind(&self) -> Option<SearchKind> {
        match self {
            Found::Item(i) => SearchKind::of(i.kind),
            Found::Collection(_) => Some(SearchKind::Collection),
        }
    }

    pub fn title(&self) -> &str {
        match self {
            Found::Item(i) => &i.title,
            Found::Collection(c) => &c.title,
        }
    }

    /// The server's rating key.
    pub fn rating_key(&self) -> &str {
        match self {
            Found::Item(i) => i.rating_key.as_str(),
            Found::Collection(c) => &c.id,
        }
    }
}

/// A result, with why it was found when it is not by its own title (the
/// server's `reason`: the artist an album is by).
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub found: Found,
    pub reason: Option<String>,
}

/// One server's results of one kind.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchGroup {
    pub kind: SearchKind,
    pub hits: Vec<SearchHit>,
}

/// Where a server's results stand.
#[derive(Debug, Clone)]
pub enum SearchState {
    /// From what Reel saved; the server's answer is awaited.
    Searching,
    /// The server's own answer.
    Answered,
    /// The server did not answer: what Reel saved is all there is.
    Unreachable(Error),
}

/// What is known of one server's results: sent once from what was saved,
/// then again when the server answers or fails.
#[derive(Debug, Clone)]
pub struct SearchAnswer {
    pub source_id: SourceId,
    pub server: String,
    pub state: SearchState,
    /// In [`SearchKind::ALL`]'s order; no empty group.
    pub groups: Vec<SearchGroup>,
}

impl SearchAnswer {
    /// Whether its results come from what Reel saved, not the server.
    pub fn from_saved_data(&self) -> bool {
        !matches!(self.state, SearchState::Answered)
    }

    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.hits.is_empty())
    }
}

/// Puts hits in groups, in [`SearchKind::ALL`]'s order, at most `limit` a
/// group, dropping what is not searched for.
pub fn grouped(hits: impl IntoIterator<Item = SearchHit>, limit: usize) -> Vec<SearchGroup> {
    let mut groups: Vec<SearchGroup> =
        SearchKind::ALL.iter().map(|&kind| SearchGroup { kind, hits: Vec::new() }).collect();
    for hit in hits {
        let Some(kind) = hit.found.kind() else { continue };
        if let Some(g) = groups.iter_mut().find(|g| g.kind == kind) {
            if g.hits.len() < limit {
                g.hits.push(hit);
            }
        }
    }
    groups.retain(|g| !g.hits.is_empty());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_fall_into_groups_in_order_at_most_a_limit_each() {
        let hit = |key: &str, kind| SearchHit { found: Found::Item(MediaItem::new(key, kind, key)), reason: None };
        let groups = grouped(
            [
                hit("1", ItemKind::Track),
                hit("2", ItemKind::Movie),
                hit("3", ItemKind::Season),
                hit("4", ItemKind::Movie),
                hit("5", ItemKind::Movie),
            ],
            2,
        );
        let shape: Vec<(SearchKind, Vec<&str>)> =
            groups.iter().map(|g| (g.kind, g.hits.iter().map(|h| h.found.rating_key()).collect())).collect();
        assert_eq!(shape, [(SearchKind::Movie, vec!["2", "4"]), (SearchKind::Track, vec!["1"])]);
    }
}
