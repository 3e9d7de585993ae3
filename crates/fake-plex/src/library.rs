//! Generated libraries: movies, shows → seasons → episodes, artists → albums →
//! tracks, deterministic for a seed, rendered in the shapes real servers send.

use crate::media::MediaSpec;
use crate::topology::LibrarySpec;
use serde_json::{json, Map, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Movie,
    Show,
    Season,
    Episode,
    Artist,
    Album,
    Track,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Movie => "movie",
            Kind::Show => "show",
            Kind::Season => "season",
            Kind::Episode => "episode",
            Kind::Artist => "artist",
            Kind::Album => "album",
            Kind::Track => "track",
        }
    }
    pub fn number(self) -> u32 {
        match self {
            Kind::Movie => 1,
            Kind::Show => 2,
            Kind::Season => 3,
            Kind::Episode => 4,
            Kind::Artist => 8,
            Kind::Album => 9,
            Kind::Track => 10,
        }
    }
    /// The XML element real servers use for this kind.
    pub fn xml_tag(self) -> &'static str {
        match self {
            Kind::Movie | Kind::Episode => "Video",
            Kind::Track => "Track",
            _ => "Directory",
        }
    }
    fn playable(self) -> bool {
        matches!(self, Kind::Movie | Kind::Episode | Kind::Track)
    }
}

#[derive(Debug, Clone)]
pub struct Item {
    pub rating_key: u64,
    pub kind: Kind,
    pub title: String,
    pub year: u32,
    pub index: u32,
    pub section: u32,
    pub parent: Option<usize>,
    pub children: Vec<usize>,
    /// When it was added (`addedAt`, what sorts and filters by date added read).
    pub added_at: i64,
    /// When it last changed: its pictures' and parts' changestamp
    /// (`updatedAt`), kept whatever `added_at` says.
    pub stamp: i64,
    pub duration_ms: u64,
    pub summary: String,
    /// Served without a poster (`LibrarySpec::odd`).
    pub no_thumb: bool,
}

#[derive(Debug, Clone)]
pub struct Section {
    pub key: u32,
    pub kind: Kind,
    pub title: String,
    pub uuid: String,
    /// Indices into `Library::items` of the section's top-level items.
    pub roots: Vec<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Library {
    pub sections: Vec<Section>,
    pub items: Vec<Item>,
    /// What movies and episodes play, when the server has real media.
    pub media: Option<MediaSpec>,
    /// What movies play, when it differs.
    pub movie_media: Option<MediaSpec>,
    /// What tracks play: track n of an album plays file (n − 1) mod len.
    pub music: Vec<MediaSpec>,
    /// Whether the owner lets this user download (`allowSync`).
    pub allow_sync: bool,
}

const FIRST_KEY: u64 = 1000;

/// Now, in Unix seconds: what relative dates (`addedAt>>=-7d`) are measured from.
pub fn now_unix() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// The genres films, shows, artists and albums have.
pub const GENRES: [&str; 8] =
    ["Action", "Animation", "Comedy", "Documentary", "Drama", "Horror", "Romance", "Thriller"];

/// An item's genres, from its rating key (so titles stay as they were
/// generated): one, and a second for every third item.
pub fn genres_of(it: &Item) -> Vec<&'static str> {
    if !matches!(it.kind, Kind::Movie | Kind::Show | Kind::Artist | Kind::Album) {
        return Vec::new();
    }
    let rk = it.rating_key as usize;
    let mut g = vec![GENRES[rk % GENRES.len()]];
    if rk.is_multiple_of(3) {
        g.push(GENRES[(rk / 3 + 3) % GENRES.len()]);
    }
    g.dedup();
    g
}

/// A genre's id, as the server numbers its tags.
pub fn genre_id(name: &str) -> u32 {
    GENRES.iter().position(|g| *g == name).map_or(0, |i| 100 + i as u32)
}

/// A title as it sorts: without a leading article (Plex's `titleSort`).
pub fn title_sort(title: &str) -> &str {
    title.strip_prefix("The ").unwrap_or(title)
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*: deterministic, dependency-free, good enough for titles.
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, words: &[&'a str]) -> &'a str {
        words[(self.next() % words.len() as u64) as usize]
    }
}

const ADJ: &[&str] = &[
    "Silent", "Crimson", "Last", "Hidden", "Golden", "Broken", "Distant", "Electric", "Quiet", "Midnight", "Northern",
    "Paper", "Wild", "Glass", "Hollow", "Iron", "Velvet", "Burning",
];
const NOUN: &[&str] = &[
    "Harbor", "Orchard", "Signal", "Frontier", "Lantern", "River", "Garden", "Empire", "Tide", "Compass", "Canyon",
    "Machine", "Island", "Winter", "Archive", "Meadow", "Summit", "Echo",
];

impl Library {
    pub fn generate(spec: &LibrarySpec) -> Self {
        let mut lib = Library {
            media: spec.media.clone(),
            movie_media: spec.movie_media.clone(),
            music: spec.music.clone(),
            allow_sync: spec.allow_sync,
            ..Library::default()
        };
        let mut rng = Rng(spec.seed.wrapping_mul(2_654_435_761).wrapping_add(0x9E37_79B9_7F4A_7C15) | 1);
        let title = |rng: &mut Rng, n: usize| format!("The {} {} {}", rng.pick(ADJ), rng.pick(NOUN), n + 1);
        if spec.movies > 0 {
            let mut roots = Vec::with_capacity(spec.movies);
            for n in 0..spec.movies {
                let mut t = title(&mut rng, n);
                if spec.odd && n % 4 == 1 {
                    t = format!("{t} — Ünïcødé 長いタイトル عنوان طويل 🎬 ").repeat(60);
                }
                let i = lib.push(&mut rng, Kind::Movie, t, 1, 0, None);
                if spec.odd && n % 3 == 2 {
                    lib.items[i].year = 0;
                    lib.items[i].no_thumb = true;
                }
                roots.push(i);
            }
            lib.add_section(1, Kind::Movie, "Movies", roots);
        }
        if spec.odd {
            lib.add_section(4, Kind::Movie, "Empty Shelf", Vec::new());
        }
        if spec.shows > 0 {
            let mut roots = Vec::new();
            for n in 0..spec.shows {
                let t = title(&mut rng, n);
                let show = lib.push(&mut rng, Kind::Show, t, 2, 0, None);
                for s in 0..spec.seasons_per_show {
                    let season =
                        lib.push(&mut rng, Kind::Season, format!("Season {}", s + 1), 2, s as u32 + 1, Some(show));
                    for e in 0..spec.episodes_per_season {
                        let et = format!("{} {}", rng.pick(NOUN), e + 1);
                        lib.push(&mut rng, Kind::Episode, et, 2, e as u32 + 1, Some(season));
                    }
                }
                roots.push(show);
            }
            lib.add_section(2, Kind::Show, "TV Shows", roots);
        }
        if spec.artists > 0 {
            let mut roots = Vec::new();
            for n in 0..spec.artists {
                let name = format!("{} {}", rng.pick(ADJ), rng.pick(NOUN));
                let _ = n;
                let artist = lib.push(&mut rng, Kind::Artist, name, 3, 0, None);
                for a in 0..spec.albums_per_artist {
                    let at = format!("{} Sessions", rng.pick(NOUN));
                    let album = lib.push(&mut rng, Kind::Album, at, 3, a as u32 + 1, Some(artist));
                    for t in 0..spec.tracks_per_album {
                        let tt = format!("{} {}", rng.pick(ADJ), rng.pick(NOUN));
                        lib.push(&mut rng, Kind::Track, tt, 3, t as u32 + 1, Some(album));
                    }
                }
                roots.push(artist);
            }
            lib.add_section(3, Kind::Artist, "Music", roots);
        }
        if spec.added_lately {
            lib.add_lately(now_unix());
        }
        lib
    }

    /// Each section's items added one a day until `now`, in the order they
    /// were made, the last half a day ago (so "added in the last week"
    /// holds the same seven all day).
    fn add_lately(&mut self, now: i64) {
        for s in 0..self.sections.len() {
            let mut roots = self.sections[s].roots.clone();
            roots.sort_unstable();
            let n = roots.len() as i64;
            for (j, i) in roots.into_iter().enumerate() {
                self.items[i].added_at = now - 43_200 - (n - 1 - j as i64) * 86_400;
            }
        }
    }

    fn add_section(&mut self, key: u32, kind: Kind, title: &str, mut roots: Vec<usize>) {
        // Listed as a Plex server lists `…/all` unless asked otherwise: by sort title.
        roots.sort_by_cached_key(|&i| title_sort(&self.items[i].title).to_lowercase());
        self.sections.push(Section {
            key,
            kind,
            title: title.into(),
            uuid: format!("00000000-0000-4000-8000-{key:012}"),
            roots,
        });
    }

    fn push(
        &mut self,
        rng: &mut Rng,
        kind: Kind,
        title: String,
        section: u32,
        index: u32,
        parent: Option<usize>,
    ) -> usize {
        let i = self.items.len();
        let year = parent.map(|p| self.items[p].year).unwrap_or(1950 + (rng.next() % 75) as u32);
        self.items.push(Item {
            rating_key: FIRST_KEY + i as u64,
            kind,
            title,
            year,
            index,
            section,
            parent,
            children: Vec::new(),
            added_at: 1_700_000_000 + i as i64 * 60,
            stamp: 1_700_000_000 + i as i64 * 60,
            duration_ms: match kind {
                // With real media, an item is as long as its file.
                Kind::Movie | Kind::Episode if self.media.is_some() => self.media.as_ref().map_or(0, |m| m.duration_ms),
                Kind::Track if !self.music.is_empty() => self.track_media(index).map_or(0, |m| m.duration_ms),
                Kind::Movie => 5_400_000 + (rng.next() % 3_600_000),
                Kind::Episode => 1_500_000 + (rng.next() % 1_800_000),
                Kind::Track => 150_000 + (rng.next() % 200_000),
                _ => 0,
            },
            summary: format!("A generated {} for testing Reel.", kind.name()),
            no_thumb: false,
        });
        if let Some(p) = parent {
            self.items[p].children.push(i);
        }
        i
    }

    /// The real file an item plays, if the server has one.
    /// The picture size a film or episode is listed with (`videoResolution`):
    /// the real clip's "sd"; made-up files at 720p (every third) or 1080p.
    pub fn video_resolution(&self, it: &Item) -> Option<&'static str> {
        match it.kind {
            Kind::Movie | Kind::Episode if self.media_for(it).is_some() => Some("sd"),
            Kind::Movie | Kind::Episode if it.rating_key.is_multiple_of(3) => Some("720"),
            Kind::Movie | Kind::Episode => Some("1080"),
            _ => None,
        }
    }

    /// Whether a film's or episode's picture is HDR (the `hdr` filter):
    /// every fifth made-up file; the real clip is not.
    pub fn hdr(&self, it: &Item) -> bool {
        matches!(it.kind, Kind::Movie | Kind::Episode)
            && self.media_for(it).is_none()
            && it.rating_key.is_multiple_of(5)
    }

    /// The languages of a film's or episode's audio and subtitle tracks
    /// (the `audioLanguage` and `subtitleLanguage` filters), as ISO 639-1
    /// codes: English always, German on every other item, French on every
    /// third; English subtitles on every fourth, Spanish on every seventh.
    pub fn languages(&self, it: &Item) -> (Vec<&'static str>, Vec<&'static str>) {
        if !matches!(it.kind, Kind::Movie | Kind::Episode) {
            return (Vec::new(), Vec::new());
        }
        let rk = it.rating_key;
        let audio = [("en", true), ("de", rk.is_multiple_of(2)), ("fr", rk.is_multiple_of(3))];
        let subtitles = [("en", rk.is_multiple_of(4)), ("es", rk.is_multiple_of(7))];
        let on = |l: &[(&'static str, bool)]| l.iter().filter(|(_, on)| *on).map(|(c, _)| *c).collect();
        (on(&audio), on(&subtitles))
    }

    pub fn media_for(&self, it: &Item) -> Option<&MediaSpec> {
        match it.kind {
            Kind::Movie => self.movie_media.as_ref().or(self.media.as_ref()),
            Kind::Episode => self.media.as_ref(),
            Kind::Track => self.track_media(it.index),
            _ => None,
        }
    }

    /// The file track `index` (from 1) of an album plays.
    fn track_media(&self, index: u32) -> Option<&MediaSpec> {
        let n = self.music.len();
        (n > 0).then(|| &self.music[(index.max(1) as usize - 1) % n])
    }

    pub fn item(&self, rating_key: u64) -> Option<&Item> {
        let i = rating_key.checked_sub(FIRST_KEY)? as usize;
        self.items.get(i)
    }

    pub fn section(&self, key: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.key.to_string() == key)
    }

    pub fn leaves(&self, i: usize) -> usize {
        let it = &self.items[i];
        if it.children.is_empty() {
            usize::from(it.kind.playable())
        } else {
            it.children.iter().map(|&c| self.leaves(c)).sum()
        }
    }

    pub fn section_json(&self, s: &Section) -> Value {
        let (art, thumb) = match s.kind {
            Kind::Movie => ("/:/resources/movie-fanart.jpg", "/:/resources/movie.png"),
            Kind::Show => ("/:/resources/show-fanart.jpg", "/:/resources/show.png"),
            _ => ("/:/resources/artist-fanart.jpg", "/:/resources/artist.png"),
        };
        json!({
            "allowSync": true, "art": art, "composite": format!("/library/sections/{}/composite/1", s.key),
            "filters": true, "refreshing": false, "thumb": thumb, "key": s.key.to_string(),
            "type": s.kind.name(), "title": s.title, "agent": "tv.plex.agents.none",
            "scanner": "Plex Scanner", "language": "en-US", "uuid": s.uuid,
            "updatedAt": 1_700_000_000, "createdAt": 1_700_000_000, "scannedAt": 1_700_000_000,
            "content": true, "directory": true, "contentChangedAt": 1, "hidden": 0,
            "Location": [{"id": s.key, "path": format!("/media/{}", s.title)}],
        })
    }

    /// The rating keys of the playable items under item `i` (itself when it plays).
    pub fn leaf_keys(&self, i: usize) -> Vec<u64> {
        let it = &self.items[i];
        if it.children.is_empty() {
            return if it.kind.playable() { vec![it.rating_key] } else { Vec::new() };
        }
        it.children.iter().flat_map(|&c| self.leaf_keys(c)).collect()
    }

    /// One item as `/library/metadata` lists it; `watch_of` gives an
    /// item's (viewCount, viewOffset) by rating key.
    pub fn item_json(&self, i: usize, watch_of: &dyn Fn(u64) -> (u32, u64)) -> Value {
        let it = &self.items[i];
        let rk = it.rating_key;
        let watch = watch_of(rk);
        let mut m = Map::new();
        m.insert("ratingKey".into(), json!(rk.to_string()));
        let key = if it.children.is_empty() && it.kind.playable() {
            format!("/library/metadata/{rk}")
        } else {
            format!("/library/metadata/{rk}/children")
        };
        m.insert("key".into(), json!(key));
        m.insert("guid".into(), json!(format!("plex://{}/fake{rk}", it.kind.name())));
        m.insert("type".into(), json!(it.kind.name()));
        m.insert("title".into(), json!(it.title));
        if title_sort(&it.title) != it.title {
            m.insert("titleSort".into(), json!(title_sort(&it.title)));
        }
        let genres: Vec<Value> = genres_of(it)
            .into_iter()
            .map(|g| json!({"id": genre_id(g), "tag": g, "filter": format!("genre={}", genre_id(g))}))
            .collect();
        if !genres.is_empty() {
            m.insert("Genre".into(), json!(genres));
        }
        m.insert("summary".into(), json!(it.summary));
        m.insert("index".into(), json!(it.index));
        if it.year > 0 {
            m.insert("year".into(), json!(it.year));
            if matches!(it.kind, Kind::Movie | Kind::Episode) {
                // A day in its year, one a week apart for a season's episodes.
                let day = u64::from(it.index) * 7 % 336;
                let date = format!("{}-{:02}-{:02}", it.year, 1 + day / 28, 1 + day % 28);
                m.insert("originallyAvailableAt".into(), json!(date));
            }
        }
        if !it.no_thumb {
            m.insert("thumb".into(), json!(format!("/library/metadata/{rk}/thumb/{}", it.stamp)));
        }
        m.insert("art".into(), json!(format!("/library/metadata/{rk}/art/{}", it.stamp)));
        m.insert("addedAt".into(), json!(it.added_at));
        m.insert("updatedAt".into(), json!(it.stamp));
        m.insert("librarySectionID".into(), json!(it.section));
        m.insert("librarySectionKey".into(), json!(format!("/library/sections/{}", it.section)));
        if let Some(s) = self.sections.iter().find(|s| s.key == it.section) {
            m.insert("librarySectionTitle".into(), json!(s.title));
        }
        if let Some(p) = it.parent {
            let parent = &self.items[p];
            m.insert("parentRatingKey".into(), json!(parent.rating_key.to_string()));
            m.insert("parentKey".into(), json!(format!("/library/metadata/{}", parent.rating_key)));
            m.insert("parentTitle".into(), json!(parent.title));
            m.insert("parentIndex".into(), json!(parent.index));
            m.insert(
                "parentThumb".into(),
                json!(format!("/library/metadata/{}/thumb/{}", parent.rating_key, parent.stamp)),
            );
            if let Some(g) = parent.parent {
                let gp = &self.items[g];
                m.insert("grandparentRatingKey".into(), json!(gp.rating_key.to_string()));
                m.insert("grandparentKey".into(), json!(format!("/library/metadata/{}", gp.rating_key)));
                m.insert("grandparentTitle".into(), json!(gp.title));
                m.insert(
                    "grandparentThumb".into(),
                    json!(format!("/library/metadata/{}/thumb/{}", gp.rating_key, gp.stamp)),
                );
            }
        }
        if it.kind.playable() {
            m.insert("duration".into(), json!(it.duration_ms));
            if watch.0 > 0 {
                m.insert("viewCount".into(), json!(watch.0));
                m.insert("lastViewedAt".into(), json!(1_700_100_000));
            }
            if watch.1 > 0 {
                m.insert("viewOffset".into(), json!(watch.1));
            }
            let part = rk * 10;
            let media = match self.media_for(it) {
                Some(spec) => crate::media::real_media(spec, part, it.stamp),
                _ => {
                    let (container, media) = if it.kind == Kind::Track {
                        ("mp3", json!({"audioCodec": "mp3", "audioChannels": 2}))
                    } else {
                        let (w, h) = if self.video_resolution(it) == Some("720") { (1280, 720) } else { (1920, 1080) };
                        let resolution = self.video_resolution(it).unwrap_or("1080");
                        (
                            "mkv",
                            json!({"videoCodec": "h264", "audioCodec": "aac", "videoResolution": resolution, "width": w, "height": h}),
                        )
                    };
                    let mut media = media;
                    if let Value::Object(mo) = &mut media {
                        mo.insert("container".into(), json!(container));
                        mo.insert(
                            "Part".into(),
                            json!([{
                                "id": part, "key": format!("/library/parts/{part}/{}/file.{container}", it.stamp),
                                "duration": it.duration_ms, "file": format!("/media/{}.{container}", it.title),
                                "size": 1_000_000 + rk, "container": container,
                            }]),
                        );
                    }
                    media
                }
            };
            let mut media = media;
            if let Value::Object(mo) = &mut media {
                mo.insert("id".into(), json!(rk * 10 + 1));
                mo.insert("duration".into(), json!(it.duration_ms));
            }
            m.insert("Media".into(), json!([media]));
        } else {
            let leaves = self.leaves(i);
            m.insert("leafCount".into(), json!(leaves));
            m.insert("childCount".into(), json!(it.children.len()));
            let viewed = self.leaf_keys(i).into_iter().filter(|&k| watch_of(k).0 > 0).count();
            m.insert("viewedLeafCount".into(), json!(viewed));
        }
        Value::Object(m)
    }
}

/// Watch state to start with (`LibrarySpec::watching`): rating key → (views, offset ms).
pub fn initial_watch(spec: &LibrarySpec, lib: &Library) -> std::collections::HashMap<u64, (u32, u64)> {
    let mut watch = std::collections::HashMap::new();
    if spec.watching == 0 {
        return watch;
    }
    // The first films as listed (by title): the first a person sees.
    let listed = lib.sections.iter().filter(|s| s.kind == Kind::Movie).flat_map(|s| s.roots.iter());
    let movies = listed.map(|&i| &lib.items[i]).take(spec.watching);
    for m in movies {
        watch.insert(m.rating_key, (0, m.duration_ms / 3));
    }
    let last_show = lib.sections.iter().filter(|s| s.kind == Kind::Show).flat_map(|s| s.roots.iter()).last();
    if let Some(&show) = last_show {
        let first_episode = lib.items[show].children.first().and_then(|&se| lib.items[se].children.first());
        if let Some(&ep) = first_episode {
            watch.insert(lib.items[ep].rating_key, (1, 0));
        }
    }
    watch
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generates_the_requested_shape() {
        let spec = LibrarySpec {
            movies: 10,
            shows: 2,
            seasons_per_show: 3,
            episodes_per_season: 4,
            artists: 1,
            albums_per_artist: 2,
            tracks_per_album: 5,
            seed: 1,
            watching: 0,
            ..LibrarySpec::default()
        };
        let lib = Library::generate(&spec);
        assert_eq!(lib.sections.len(), 3);
        assert_eq!(lib.sections[0].roots.len(), 10);
        let show = lib.sections[1].roots[0];
        assert_eq!(lib.items[show].children.len(), 3);
        assert_eq!(lib.leaves(show), 12);
        let artist = lib.sections[2].roots[0];
        assert_eq!(lib.leaves(artist), 10);
        let again = Library::generate(&spec);
        assert_eq!(lib.items[5].title, again.items[5].title, "deterministic for a seed");
    }
}
