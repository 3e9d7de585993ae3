use crate::ids::{ItemKey, SectionKey};
use serde::{Deserialize, Serialize};

/// A library section on a server (Movies, TV Shows, Music…).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Section {
    pub key: SectionKey,
    pub title: String,
    pub kind: SectionKind,
    pub uuid: Option<String>,
    /// Changes whenever the server's copy changes (its update, scan and
    /// content-change marks): a cached copy made from the same version is current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// What a library section holds, as Plex's `type` says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(from = "String", into = "String")]
pub enum SectionKind {
    Movie,
    Show,
    /// Plex calls music sections `artist`.
    Music,
    Photo,
    /// A kind this Reel does not know, kept as the server said it.
    Other(String),
}

impl SectionKind {
    pub fn from_plex(s: &str) -> Self {
        match s {
            "movie" => Self::Movie,
            "show" => Self::Show,
            "artist" => Self::Music,
            "photo" => Self::Photo,
            other => Self::Other(other.to_string()),
        }
    }

    /// The word Plex uses.
    pub fn as_plex(&self) -> &str {
        match self {
            Self::Movie => "movie",
            Self::Show => "show",
            Self::Music => "artist",
            Self::Photo => "photo",
            Self::Other(s) => s,
        }
    }
}

impl From<String> for SectionKind {
    fn from(s: String) -> Self {
        Self::from_plex(&s)
    }
}

impl From<SectionKind> for String {
    fn from(k: SectionKind) -> Self {
        k.as_plex().to_string()
    }
}

impl std::fmt::Display for SectionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_plex())
    }
}

impl PartialEq<&str> for SectionKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_plex() == *other
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Movie,
    Show,
    Season,
    Episode,
    Artist,
    Album,
    Track,
    Other,
}

impl ItemKind {
    pub fn from_plex(s: &str) -> Self {
        match s {
            "movie" => Self::Movie,
            "show" => Self::Show,
            "season" => Self::Season,
            "episode" => Self::Episode,
            "artist" => Self::Artist,
            "album" => Self::Album,
            "track" => Self::Track,
            _ => Self::Other,
        }
    }
    /// The name Plex and Reel's saved items give it ("movie").
    pub fn name(self) -> &'static str {
        match self {
            Self::Movie => "movie",
            Self::Show => "show",
            Self::Season => "season",
            Self::Episode => "episode",
            Self::Artist => "artist",
            Self::Album => "album",
            Self::Track => "track",
            Self::Other => "other",
        }
    }

    /// Plex's type number (used in `type=` filters).
    pub fn number(self) -> Option<u32> {
        Some(match self {
            Self::Movie => 1,
            Self::Show => 2,
            Self::Season => 3,
            Self::Episode => 4,
            Self::Artist => 8,
            Self::Album => 9,
            Self::Track => 10,
            Self::Other => return None,
        })
    }
    /// Things one watches to the end, so they can be marked watched or not.
    pub fn can_be_watched(self) -> bool {
        matches!(self, Self::Movie | Self::Episode)
    }
    /// Music: played by the music queue, listed in music playlists.
    pub fn is_music(self) -> bool {
        matches!(self, Self::Artist | Self::Album | Self::Track)
    }
    /// A show or a season: watched when all its episodes are.
    pub fn holds_episodes(self) -> bool {
        matches!(self, Self::Show | Self::Season)
    }
    pub fn has_children(self) -> bool {
        matches!(self, Self::Show | Self::Season | Self::Artist | Self::Album)
    }
}

/// One movie, show, season, episode, artist, album or track.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MediaItem {
    pub rating_key: ItemKey,
    pub kind: ItemKind,
    pub title: String,
    pub year: Option<i32>,
    pub index: Option<i64>,
    pub summary: Option<String>,
    pub thumb: Option<String>,
    pub duration_ms: Option<i64>,
    pub view_count: i64,
    pub view_offset_ms: i64,
    pub leaf_count: Option<i64>,
    pub viewed_leaf_count: Option<i64>,
    pub parent_title: Option<String>,
    pub grandparent_title: Option<String>,
    pub added_at: Option<i64>,
    /// The season of an episode, the album of a track (absent in caches
    /// written before Reel knew them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent_key: Option<ItemKey>,
    /// The show of an episode, the artist of a track.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grandparent_key: Option<ItemKey>,
    /// The backdrop (Plex's `art`), a server path like `thumb`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub art: Option<String>,
    /// How it sorts by title (Plex's `titleSort`: "Quiet Signal" for "The
    /// Quiet Signal"); None when that is its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_sort: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub genres: Vec<String>,
    /// When it was last watched (seconds since 1970).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_viewed_at: Option<i64>,
    /// Its picture's size as the server names it ("4k", "1080", "720",
    /// "480", "sd": its first `Media`'s `videoResolution`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_resolution: Option<String>,
    /// When it first aired or came out, as the server says it
    /// (`originallyAvailableAt`, "2019-03-14").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aired: Option<String>,
}

impl MediaItem {
    /// This item is `key`, or `key` holds it (its season or show, its
    /// album or artist).
    pub fn is_or_within(&self, key: &ItemKey) -> bool {
        self.rating_key == *key || self.parent_key.as_ref() == Some(key) || self.grandparent_key.as_ref() == Some(key)
    }

    /// An item known only by its key, kind and title (the rest unknown yet).
    pub fn new(rating_key: impl Into<ItemKey>, kind: ItemKind, title: impl Into<String>) -> Self {
        MediaItem {
            rating_key: rating_key.into(),
            kind,
            title: title.into(),
            year: None,
            index: None,
            summary: None,
            thumb: None,
            duration_ms: None,
            view_count: 0,
            view_offset_ms: 0,
            leaf_count: None,
            viewed_leaf_count: None,
            parent_title: None,
            grandparent_title: None,
            added_at: None,
            parent_key: None,
            grandparent_key: None,
            art: None,
            title_sort: None,
            genres: Vec::new(),
            last_viewed_at: None,
            video_resolution: None,
            aired: None,
        }
    }

    pub fn watched(&self) -> bool {
        super::summary::watched(self.leaf_count, self.viewed_leaf_count, self.view_count)
    }

    /// How far it has been watched, as a grid tile or a row marks it.
    pub fn seen(&self) -> super::Seen {
        super::Seen::of(
            self.kind,
            self.leaf_count,
            self.viewed_leaf_count,
            self.view_count,
            self.view_offset_ms,
            self.duration_ms,
        )
    }
}

/// One page of a paged listing.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Page<T> {
    pub offset: usize,
    pub total: usize,
    pub items: Vec<T>,
}

/// A home-screen row: Continue Watching, On Deck, Recently Added…
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hub {
    /// Plex's `hubIdentifier` (`home.continue`, `home.ondeck`, `home.movies.recent`…).
    pub id: String,
    pub title: String,
    pub items: Vec<MediaItem>,
}

impl Hub {
    /// Where the home view puts it: resuming first, then next up, then what is new; None for other hubs.
    pub fn home_rank(&self) -> Option<u8> {
        match self.id.as_str() {
            "home.continue" => Some(0),
            "home.ondeck" => Some(1),
            id if id.ends_with(".recent") || id == "home.recentlyadded" => Some(2),
            _ => None,
        }
    }
}
