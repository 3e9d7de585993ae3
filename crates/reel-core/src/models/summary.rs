//! What a long list shows of an item, and no more: a library of 50 000
//! items is held in the window as these (~200 bytes each with their text)
//! rather than as whole [`MediaItem`]s (~1 KB each: summaries, parents'
//! titles, counts); the whole item is read from the cache when opened.

use super::{ItemKind, MediaItem};
use crate::ids::ItemKey;
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "Saved")]
pub struct ItemSummary {
    /// The rating key, the title and the thumb path one after another: one
    /// allocation where three cost ~65 bytes more an item (3 MB in 50 000).
    text: Box<str>,
    title_at: u32,
    thumb_at: u32,
    pub kind: ItemKind,
    pub year: Option<i32>,
    pub seen: Seen,
}

/// How far an item has been watched, as a grid tile or a row marks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// Nothing to mark: music, or a show whose episodes are not counted.
    Unmarked,
    /// Not played yet.
    New,
    /// Part played: how far, in percent (1 to 99).
    Partly(u8),
    /// A show or season with this many episodes not watched yet.
    Left(u16),
    Watched,
}

impl Seen {
    /// A film or episode: watched once played, part played while it has a
    /// place to resume from (also when watched before: it is being watched
    /// again). A show or season: watched when all its episodes are.
    pub fn of(
        kind: ItemKind,
        leaf_count: Option<i64>,
        viewed_leaf_count: Option<i64>,
        view_count: i64,
        view_offset_ms: i64,
        duration_ms: Option<i64>,
    ) -> Seen {
        match kind {
            ItemKind::Movie | ItemKind::Episode => match duration_ms.filter(|d| *d > 0) {
                Some(d) if view_offset_ms > 0 => {
                    Seen::Partly((view_offset_ms.saturating_mul(100) / d).clamp(1, 99) as u8)
                }
                _ if view_count > 0 => Seen::Watched,
                _ => Seen::New,
            },
            ItemKind::Show | ItemKind::Season => match leaf_count.filter(|n| *n > 0) {
                Some(all) => match all - viewed_leaf_count.unwrap_or(0).clamp(0, all) {
                    0 => Seen::Watched,
                    left => Seen::Left(u16::try_from(left).unwrap_or(u16::MAX)),
                },
                None if view_count > 0 => Seen::Watched,
                None => Seen::Unmarked,
            },
            _ => Seen::Unmarked,
        }
    }
}

impl ItemSummary {
    pub fn new(
        rating_key: &str,
        kind: ItemKind,
        title: &str,
        year: Option<i32>,
        thumb: Option<&str>,
        seen: Seen,
    ) -> Self {
        let thumb = thumb.unwrap_or_default();
        let mut text = String::with_capacity(rating_key.len() + title.len() + thumb.len());
        text.push_str(rating_key);
        text.push_str(title);
        text.push_str(thumb);
        // Titles and paths are far below 4 GiB; were one not, it would be cut, not crash.
        let at = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        ItemSummary {
            title_at: at(rating_key.len()),
            thumb_at: at(rating_key.len() + title.len()),
            text: text.into_boxed_str(),
            kind,
            year,
            seen,
        }
    }

    /// Whether it counts as watched (a show: all its episodes).
    pub fn watched(&self) -> bool {
        self.seen == Seen::Watched
    }

    fn part(&self, from: u32, to: usize) -> &str {
        self.text.get(from as usize..to).unwrap_or_default()
    }

    pub fn rating_key(&self) -> &str {
        self.part(0, self.title_at as usize)
    }

    pub fn title(&self) -> &str {
        self.part(self.title_at, self.thumb_at as usize)
    }

    /// The poster's path on the server; `None` when the item has none.
    pub fn thumb(&self) -> Option<&str> {
        Some(self.part(self.thumb_at, self.text.len())).filter(|t| !t.is_empty())
    }
}

/// The fields read from a saved [`MediaItem`]'s JSON (the others are skipped
/// by the parser, never allocated).
#[derive(Deserialize)]
struct Saved {
    rating_key: ItemKey,
    kind: ItemKind,
    title: String,
    year: Option<i32>,
    thumb: Option<String>,
    #[serde(default)]
    view_count: i64,
    leaf_count: Option<i64>,
    viewed_leaf_count: Option<i64>,
    #[serde(default)]
    view_offset_ms: i64,
    duration_ms: Option<i64>,
}

impl From<Saved> for ItemSummary {
    fn from(s: Saved) -> Self {
        let seen = Seen::of(s.kind, s.leaf_count, s.viewed_leaf_count, s.view_count, s.view_offset_ms, s.duration_ms);
        ItemSummary::new(s.rating_key.as_str(), s.kind, &s.title, s.year, s.thumb.as_deref(), seen)
    }
}

impl From<&MediaItem> for ItemSummary {
    fn from(m: &MediaItem) -> Self {
        ItemSummary::new(m.rating_key.as_str(), m.kind, &m.title, m.year, m.thumb.as_deref(), m.seen())
    }
}

/// Whether an item counts as watched: a show or season when all its
/// episodes are, anything else once played.
pub(super) fn watched(leaf_count: Option<i64>, viewed_leaf_count: Option<i64>, view_count: i64) -> bool {
    match (leaf_count, viewed_leaf_count) {
        (Some(all), Some(seen)) if all > 0 => seen >= all,
        _ => view_count > 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_item_reads_as_the_same_summary_as_the_item_gives() {
        let mut show = MediaItem::new("7", ItemKind::Show, "A Show");
        show.year = Some(1999);
        show.thumb = Some("/library/metadata/7/thumb/1".into());
        show.summary = Some("long text the grid never shows".into());
        show.leaf_count = Some(3);
        show.viewed_leaf_count = Some(3);
        let json = serde_json::to_string(&show).expect("json");
        let read: ItemSummary = serde_json::from_str(&json).expect("summary");
        assert_eq!(read, ItemSummary::from(&show));
        assert!(read.watched() && read.title() == "A Show" && read.year == Some(1999));
        assert_eq!((read.rating_key(), read.thumb()), ("7", Some("/library/metadata/7/thumb/1")));
        show.viewed_leaf_count = Some(2);
        let read: ItemSummary = serde_json::from_str(&serde_json::to_string(&show).expect("json")).expect("summary");
        assert!(!read.watched(), "two of three episodes seen");
        assert_eq!(read.seen, Seen::Left(1));
        let bare = ItemSummary::new("8", ItemKind::Movie, "", None, None, Seen::New);
        assert_eq!((bare.rating_key(), bare.title(), bare.thumb()), ("8", "", None));
    }

    #[test]
    fn a_tile_marks_what_is_new_part_played_left_or_watched() {
        let mut film = MediaItem::new("1", ItemKind::Movie, "A Film");
        film.duration_ms = Some(100_000);
        assert_eq!(film.seen(), Seen::New);
        film.view_offset_ms = 25_000;
        assert_eq!(film.seen(), Seen::Partly(25));
        film.view_offset_ms = 100;
        assert_eq!(film.seen(), Seen::Partly(1), "a moment in is still in progress");
        film.view_offset_ms = 0;
        film.view_count = 1;
        assert_eq!(film.seen(), Seen::Watched);
        film.view_offset_ms = 99_999;
        assert_eq!(film.seen(), Seen::Partly(99), "watched again, part way");
        film.duration_ms = None;
        assert_eq!(film.seen(), Seen::Watched, "no length: no bar to draw");
        let mut season = MediaItem::new("2", ItemKind::Season, "Season 1");
        assert_eq!(season.seen(), Seen::Unmarked, "episodes not counted");
        season.leaf_count = Some(10);
        assert_eq!(season.seen(), Seen::Left(10));
        season.viewed_leaf_count = Some(12);
        assert_eq!(season.seen(), Seen::Watched, "more seen than held is all seen");
        let mut album = MediaItem::new("3", ItemKind::Album, "An Album");
        album.view_count = 3;
        assert_eq!(album.seen(), Seen::Unmarked, "music is played, not watched");
        let json = serde_json::to_string(&film).expect("json");
        film.view_offset_ms = 40_000;
        film.duration_ms = Some(80_000);
        let json2 = serde_json::to_string(&film).expect("json");
        assert_eq!(serde_json::from_str::<ItemSummary>(&json).expect("summary").seen, Seen::Watched);
        assert_eq!(serde_json::from_str::<ItemSummary>(&json2).expect("summary").seen, Seen::Partly(50));
    }
}
