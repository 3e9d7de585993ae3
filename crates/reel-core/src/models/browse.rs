//! How a library is ordered and narrowed: the sorts and filters its server
//! offers, and the choice made of them (remembered per library).

use super::MediaItem;
use serde::{Deserialize, Serialize};

/// A sort a server offers for a library (`/library/sections/{id}/sorts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SortOption {
    /// The server's key (`titleSort`, `year`, `addedAt`…).
    pub key: String,
    pub title: String,
    /// Whether it goes down unless asked otherwise (newest first).
    pub descending_first: bool,
}

/// A filter a server offers for a library (`…/filters`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterOption {
    /// The server's name for it (`unwatched`, `genre`, `year`…).
    pub key: String,
    pub title: String,
    /// On or off (`unwatched`), else one of its values.
    pub boolean: bool,
}

/// One value of a filter (`…/genre`: "Comedy", its key `102`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterValue {
    pub key: String,
    pub title: String,
}

/// A sort chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sort {
    pub key: String,
    pub descending: bool,
}

/// A filter chosen: a boolean one's value is "1"; `title` is the value as
/// shown (a genre's name), which is what saved items hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub key: String,
    pub value: String,
    pub title: String,
}

/// What a music library lists instead of its artists: every album or
/// every track in it (Plex's `type=9`, `type=10`; its sorts and filters
/// are asked with the same type).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Listing {
    Albums,
    Tracks,
}

impl Listing {
    pub const ALL: [Listing; 2] = [Listing::Albums, Listing::Tracks];

    /// Plex's number for the kind listed.
    pub fn plex_type(self) -> u8 {
        match self {
            Listing::Albums => 9,
            Listing::Tracks => 10,
        }
    }

    /// As a request's query names it: `type=9`.
    pub fn query(listing: Option<Listing>) -> String {
        listing.map(|l| format!("type={}", l.plex_type())).unwrap_or_default()
    }
}

/// How a library is shown: its order and what it is narrowed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LibraryView {
    pub sort: Option<Sort>,
    #[serde(default)]
    pub filters: Vec<Filter>,
    /// A music library's albums or tracks; None: what the library itself lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing: Option<Listing>,
}

/// Where the titles starting with one letter begin in a library ordered
/// by title: what the A–Z jump offers. Titles that do not start with a
/// letter are together under "#", as the server puts them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstLetter {
    /// "A", "Ö", "#".
    pub letter: String,
    /// The first of them in the library's order.
    pub position: usize,
    pub count: usize,
}

/// The letters of a library from the server's counts of each
/// (`/library/sections/{id}/firstCharacters`), which come in title order.
pub fn letters_from_counts(counts: impl IntoIterator<Item = (String, usize)>) -> Vec<FirstLetter> {
    let mut position = 0;
    counts
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(|(letter, count)| {
            let at = FirstLetter { letter, position, count };
            position += count;
            at
        })
        .collect()
}

/// The letters of sort titles as a library lists them: where each letter's
/// titles begin. Should a letter come back after another, the jump goes to
/// its first title; its count is all of them.
pub fn letters_of<'a>(sort_titles: impl IntoIterator<Item = &'a str>) -> Vec<FirstLetter> {
    let mut letters: Vec<FirstLetter> = Vec::new();
    for (position, title) in sort_titles.into_iter().enumerate() {
        let letter = match title.chars().next() {
            Some(c) if c.is_alphabetic() => c.to_uppercase().collect(),
            _ => "#".to_string(),
        };
        match letters.iter_mut().find(|l| l.letter == letter) {
            Some(known) => known.count += 1,
            None => letters.push(FirstLetter { letter, position, count: 1 }),
        }
    }
    letters
}

/// `letters` once the title at `position` has left the listing: what
/// follows it moves up; a letter left with no title goes.
pub fn letters_without(letters: &[FirstLetter], position: usize) -> Vec<FirstLetter> {
    letters
        .iter()
        .filter_map(|l| {
            let mut l = l.clone();
            if (l.position..l.position + l.count).contains(&position) {
                l.count -= 1;
            } else if l.position > position {
                l.position -= 1;
            }
            (l.count > 0).then_some(l)
        })
        .collect()
}

/// The server's own order when no sort is asked.
pub const TITLE_SORT: &str = "titleSort";

/// The sorts saved items can be ordered by with no server.
pub const SORTS_OFFLINE: [&str; 5] = [TITLE_SORT, "year", "addedAt", "lastViewedAt", "duration"];
/// The filters saved items can be narrowed by with no server.
pub const FILTERS_OFFLINE: [&str; 7] =
    ["unwatched", "inProgress", "genre", "year", "decade", "resolution", ADDED_AFTER];

/// Added lately: the filter Reel offers in every library, as Plex's listing
/// understands it (`addedAt>>=-30d`, a date relative to the server's now);
/// the server's own list of filters does not name it.
pub const ADDED_AFTER: &str = "addedAt>>";

/// How far back [`ADDED_AFTER`] reaches, in days, as a person picks it.
pub const ADDED_WITHIN_DAYS: [u32; 4] = [7, 30, 90, 365];

/// The filter [`ADDED_AFTER`] as a library offers it (named by the UI).
pub fn added_lately() -> FilterOption {
    FilterOption { key: ADDED_AFTER.to_string(), title: String::new(), boolean: false }
}

/// Its values: `-7d`… (named by the UI, from [`added_within`]).
pub fn added_lately_values() -> Vec<FilterValue> {
    ADDED_WITHIN_DAYS.iter().map(|d| FilterValue { key: format!("-{d}d"), title: String::new() }).collect()
}

/// The days a value of [`ADDED_AFTER`] reaches back (`-30d`: 30).
pub fn added_within(value: &str) -> Option<u32> {
    value.strip_prefix('-')?.strip_suffix('d')?.parse().ok()
}

/// The moment a value of [`ADDED_AFTER`] reaches back to, in Unix seconds.
pub fn added_since(value: &str, now: i64) -> Option<i64> {
    added_within(value).map(|days| now - i64::from(days) * 86_400)
}

/// Now, in Unix seconds (what relative dates are measured from).
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl LibraryView {
    /// As the server's listing is asked for it: `type=9&sort=year:desc&unwatched=1&genre=102`.
    pub fn query(&self) -> String {
        let listing = self.listing.map(|l| Listing::query(Some(l)));
        let sort = self.sort.iter().map(|s| {
            let dir = if s.descending { ":desc" } else { "" };
            format!("sort={}{dir}", encode(&s.key))
        });
        let filters = self.filters.iter().map(|f| format!("{}={}", encode(&f.key), encode(&f.value)));
        listing.into_iter().chain(sort).chain(filters).collect::<Vec<_>>().join("&")
    }

    /// What it lists and its filters, as the server is asked them (no
    /// order): `type=9&unwatched=1&genre=102`.
    pub fn filter_query(&self) -> String {
        LibraryView { sort: None, ..self.clone() }.query()
    }

    /// Whether it lists the library by title from A (what the A–Z jump
    /// needs): the server's own order.
    pub fn by_title(&self) -> bool {
        self.sort.is_none()
    }

    /// Whether it is the library as the server lists it.
    pub fn is_plain(&self) -> bool {
        self.sort.is_none() && self.filters.is_empty() && self.listing.is_none()
    }

    /// Whether saved items can answer it with no server (what Reel saves
    /// of a library is what it lists itself: not every album or track).
    pub fn works_offline(&self) -> bool {
        self.listing.is_none()
            && self.sort.as_ref().is_none_or(|s| SORTS_OFFLINE.contains(&s.key.as_str()))
            && self.filters.iter().all(|f| FILTERS_OFFLINE.contains(&f.key.as_str()))
    }

    /// Whether `item`, as it is now (played, marked watched), is still in
    /// what the view's filters leave; None when a filter asks what the item
    /// does not say (the server's next listing decides).
    pub fn still_shows(&self, item: &MediaItem) -> Option<bool> {
        let mut shows = true;
        for f in &self.filters {
            let on = f.value == "1";
            let year = item.year.unwrap_or(0);
            shows &= match f.key.as_str() {
                "unwatched" => item.watched() != on,
                "inProgress" => (item.view_count == 0 && item.view_offset_ms > 0) == on,
                "genre" => item.genres.contains(&f.title),
                "year" => f.value.parse::<i32>().is_ok_and(|y| y == year),
                "decade" => f.value.parse::<i32>().is_ok_and(|d| year / 10 * 10 == d),
                "resolution" => item.video_resolution.as_deref() == Some(f.value.as_str()),
                ADDED_AFTER => match (added_since(&f.value, unix_now()), item.added_at) {
                    (Some(since), Some(at)) => at >= since,
                    _ => return None,
                },
                _ => return None,
            };
        }
        Some(shows)
    }

    /// With the filter `key` set to `value` (or taken off, with None).
    /// Ordered by `sort`, in its usual direction (newest first for dates).
    /// By title from A is the server's own order: no sort asked.
    pub fn sorted_by(mut self, sort: &SortOption) -> Self {
        self.sort = Some(Sort { key: sort.key.clone(), descending: sort.descending_first });
        self.plain_sort()
    }

    /// In the other direction, or back (no sort chosen is by title).
    pub fn descending(mut self, down: bool) -> Self {
        let key = self.sort.take().map_or_else(|| TITLE_SORT.to_string(), |s| s.key);
        self.sort = Some(Sort { key, descending: down });
        self.plain_sort()
    }

    fn plain_sort(mut self) -> Self {
        if self.sort.as_ref().is_some_and(|s| s.key == TITLE_SORT && !s.descending) {
            self.sort = None;
        }
        self
    }

    /// Listing `listing` instead, in the server's order: its sorts and
    /// filters are others, so the ones chosen go.
    pub fn listing(listing: Option<Listing>) -> Self {
        LibraryView { listing, ..LibraryView::default() }
    }

    pub fn with_filter(mut self, key: &str, value: Option<(String, String)>) -> Self {
        self.filters.retain(|f| f.key != key);
        if let Some((value, title)) = value {
            self.filters.push(Filter { key: key.to_string(), value, title });
        }
        self
    }
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_view_is_asked_as_the_server_names_it_and_knows_whether_it_works_offline() {
        let view = LibraryView {
            sort: Some(Sort { key: "year".into(), descending: true }),
            filters: vec![Filter { key: "unwatched".into(), value: "1".into(), title: "Unwatched".into() }],
            listing: None,
        }
        .with_filter("genre", Some(("102".into(), "Comedy".into())));
        assert_eq!(view.query(), "sort=year:desc&unwatched=1&genre=102");
        assert!(view.works_offline() && !view.is_plain());
        let view =
            view.with_filter("unwatched", None).with_filter("audioLanguage", Some(("de".into(), "German".into())));
        assert_eq!(view.query(), "sort=year:desc&genre=102&audioLanguage=de");
        assert_eq!(view.filter_query(), "genre=102&audioLanguage=de");
        assert!(!view.works_offline(), "saved items hold no audio languages");
        assert!(LibraryView::default().is_plain() && LibraryView::default().query().is_empty());
        let option = |key: &str, down| SortOption { key: key.into(), title: key.into(), descending_first: down };
        let added = LibraryView::default().sorted_by(&option("addedAt", true));
        assert_eq!(added.query(), "sort=addedAt:desc", "dates go newest first");
        assert!(!added.by_title(), "only from A is the jump's order");
        assert_eq!(added.descending(false).query(), "sort=addedAt");
        let by_title = LibraryView::default().descending(true);
        assert_eq!(by_title.query(), "sort=titleSort:desc", "reversed with no sort: by title from Z");
        assert!(!by_title.by_title(), "from Z: no jump");
        assert!(by_title.descending(false).is_plain(), "by title from A is the server's own order");
        assert!(LibraryView::default().sorted_by(&option("titleSort", false)).is_plain());
        assert!(LibraryView::default().with_filter("unwatched", Some(("1".into(), "Unwatched".into()))).by_title());
    }

    #[test]
    fn an_item_changed_is_known_to_stay_or_leave_where_its_fields_say() {
        let unwatched = LibraryView::default().with_filter("unwatched", Some(("1".into(), "Unwatched".into())));
        let mut film = MediaItem {
            year: Some(1994),
            genres: vec!["Drama".into()],
            ..MediaItem::new("1", crate::models::ItemKind::Movie, "Archive")
        };
        assert_eq!(unwatched.still_shows(&film), Some(true));
        film.view_count = 1;
        assert_eq!(unwatched.still_shows(&film), Some(false), "marked watched: it leaves an Unwatched view");
        let nineties_dramas = LibraryView::default()
            .with_filter("decade", Some(("1990".into(), "1990s".into())))
            .with_filter("genre", Some(("103".into(), "Drama".into())));
        assert_eq!(nineties_dramas.still_shows(&film), Some(true));
        let in_progress = LibraryView::default().with_filter("inProgress", Some(("1".into(), "In Progress".into())));
        film.view_count = 0;
        film.view_offset_ms = 60_000;
        assert_eq!(in_progress.still_shows(&film), Some(true));
        let language = LibraryView::default().with_filter("audioLanguage", Some(("de".into(), "German".into())));
        assert_eq!(language.still_shows(&film), None, "the item does not say: the server decides");
        assert_eq!(LibraryView::default().still_shows(&film), Some(true));
        let last_week = LibraryView::default().with_filter(ADDED_AFTER, Some(("-7d".into(), "Last week".into())));
        assert_eq!(last_week.still_shows(&film), None, "not saying when it was added: the server decides");
        film.added_at = Some(unix_now() - 3 * 86_400);
        assert_eq!(last_week.still_shows(&film), Some(true));
        film.added_at = Some(unix_now() - 8 * 86_400);
        assert_eq!(last_week.still_shows(&film), Some(false));
    }

    #[test]
    fn a_music_library_lists_its_albums_or_tracks_by_plex_type_and_needs_the_server_for_them() {
        let albums = LibraryView::listing(Some(Listing::Albums));
        assert_eq!(albums.query(), "type=9");
        assert!(!albums.is_plain() && albums.by_title() && !albums.works_offline());
        let sorted = albums.clone().descending(true).with_filter("genre", Some(("102".into(), "Comedy".into())));
        assert_eq!(sorted.query(), "type=9&sort=titleSort:desc&genre=102");
        assert_eq!(sorted.filter_query(), "type=9&genre=102", "the letters are the albums' too");
        assert_eq!(LibraryView::listing(Some(Listing::Tracks)).query(), "type=10");
        assert!(LibraryView::listing(None).is_plain());
        // Remembered as before by a Reel that knew no listing.
        let old: LibraryView = serde_json::from_str(r#"{"sort":null,"filters":[]}"#).unwrap();
        assert_eq!(old, LibraryView::default());
        assert_eq!(serde_json::to_string(&LibraryView::default()).unwrap(), r#"{"sort":null,"filters":[]}"#);
    }

    #[test]
    fn added_lately_is_asked_as_plex_reads_relative_dates_and_works_offline() {
        let values = added_lately_values();
        assert_eq!(values.iter().map(|v| v.key.as_str()).collect::<Vec<_>>(), ["-7d", "-30d", "-90d", "-365d"]);
        let view = LibraryView::default().with_filter(ADDED_AFTER, Some((values[1].key.clone(), String::new())));
        assert_eq!(view.query(), "addedAt%3E%3E=-30d", "the operator is on the key's side, encoded");
        assert!(view.works_offline() && view.by_title());
        assert_eq!(added_within("-30d"), Some(30));
        assert_eq!(added_since("-7d", 1_000_000), Some(1_000_000 - 7 * 86_400));
        assert_eq!(added_within("1700000000"), None, "an absolute date is not one of these");
        assert_eq!(added_within("-3w"), None);
    }

    #[test]
    fn letters_say_where_their_titles_begin() {
        let counts = [("#".to_string(), 2), ("A".to_string(), 3), ("B".to_string(), 0), ("C".to_string(), 1)];
        let at: Vec<(String, usize, usize)> =
            letters_from_counts(counts).into_iter().map(|l| (l.letter, l.position, l.count)).collect();
        assert_eq!(at, [("#".into(), 0, 2), ("A".into(), 2, 3), ("C".into(), 5, 1)], "a letter with none is left out");

        // Accents fold to no other letter; a letter coming back counts where it began.
        let titles = ["2001", "'71", "archive", "apple", "écluse", "meadow", "apricot"];
        let at: Vec<(String, usize, usize)> =
            letters_of(titles).into_iter().map(|l| (l.letter, l.position, l.count)).collect();
        assert_eq!(at, [("#".into(), 0, 2), ("A".into(), 2, 3), ("É".into(), 4, 1), ("M".into(), 5, 1)]);
        assert!(letters_of([]).is_empty());

        // A title leaving: its letter holds one fewer, those after move up.
        let letters = letters_from_counts([("A".to_string(), 2), ("B".to_string(), 1), ("C".to_string(), 2)]);
        let at = |l: Vec<FirstLetter>| l.into_iter().map(|l| (l.letter, l.position, l.count)).collect::<Vec<_>>();
        assert_eq!(at(letters_without(&letters, 1)), [("A".into(), 0, 1), ("B".into(), 1, 1), ("C".into(), 2, 2)]);
        assert_eq!(at(letters_without(&letters, 2)), [("A".into(), 0, 2), ("C".into(), 2, 2)], "B had one");
    }
}
