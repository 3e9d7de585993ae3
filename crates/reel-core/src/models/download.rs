//! A download: one file of an item (a movie, an episode, a track) kept on
//! this machine to play with no network.

use crate::ids::{ItemKey, SourceId};
use crate::models::ItemKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DownloadState {
    /// Waiting for its turn (at most two run at once).
    Queued,
    /// Bytes are coming.
    Running,
    /// Stopped by the person (or by a full disk) until resumed.
    Paused,
    /// Stopped by a fault (kept in [`Download::fault`]); tried again when asked.
    Failed,
    /// The whole file is here, at the size the server gave.
    Done,
}

/// Why a download stopped short, for the app and reel-cli to put into words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "fault", rename_all = "snake_case")]
pub enum DownloadFault {
    /// The server sent a file of another size than the one it gave for
    /// the part, and asking again did not mend it.
    WrongSize { expected: u64, got: u64 },
    /// The server could not be reached.
    Unreachable,
    /// The server refused to send the file (an HTTP status).
    Refused { status: u16 },
    /// The disk is full: paused, nothing half-written kept as whole.
    DiskFull,
    /// The file could not be written.
    Disk { reason: String },
    /// Done once, then the file was deleted behind Reel's back: asked for
    /// again, it is fetched again.
    Missing,
    /// The server's transcoder could not make the converted copy.
    ConversionFailed,
}

/// What a download fetches: the part itself, or a copy the server's
/// transcoder makes at a smaller size. Music is always the original file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DownloadQuality {
    #[default]
    #[serde(rename = "original")]
    Original,
    #[serde(rename = "1080p")]
    P1080,
    #[serde(rename = "720p")]
    P720,
    #[serde(rename = "480p")]
    P480,
}

/// The picture a converted copy is made at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VideoSize {
    pub width: u32,
    pub height: u32,
    /// The video's bitrate at most, in kbit/s.
    pub kbps: u32,
}

/// What a converted copy's sound takes, in kbit/s (for the size said before it starts).
const CONVERTED_AUDIO_KBPS: u64 = 192;

impl DownloadQuality {
    pub const ALL: [Self; 4] = [Self::Original, Self::P1080, Self::P720, Self::P480];

    /// Its name in config.toml, the store and reel-cli (`original`, `720p`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::P1080 => "1080p",
            Self::P720 => "720p",
            Self::P480 => "480p",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|q| q.name().eq_ignore_ascii_case(name.trim()))
    }

    /// The size a converted copy is made at (None: the original file).
    pub fn size(self) -> Option<VideoSize> {
        let (width, height, kbps) = match self {
            Self::Original => return None,
            Self::P1080 => (1920, 1080, 8000),
            Self::P720 => (1280, 720, 4000),
            Self::P480 => (854, 480, 2000),
        };
        Some(VideoSize { width, height, kbps })
    }

    /// What `kind` is fetched at when this is asked: music and anything
    /// without a picture as the original file.
    pub fn for_kind(self, kind: ItemKind) -> Self {
        match kind {
            ItemKind::Movie | ItemKind::Episode => self,
            _ => Self::Original,
        }
    }

    /// About how big a copy of an item `duration_ms` long is at this
    /// quality, given the original's size: never more than the original.
    pub fn estimate(self, duration_ms: Option<u64>, original: Option<u64>) -> Option<u64> {
        let Some(size) = self.size() else { return original };
        let converted = duration_ms.map(|ms| (u64::from(size.kbps) + CONVERTED_AUDIO_KBPS) * ms / 8);
        match (converted, original) {
            (Some(c), Some(o)) => Some(c.min(o)),
            (c, o) => c.or(o),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Download {
    pub source_id: SourceId,
    pub rating_key: ItemKey,
    pub title: String,
    pub kind: ItemKind,
    /// The server path of the part (never with a token).
    pub part_key: String,
    /// The part's size as the server gave it.
    pub size: Option<u64>,
    pub state: DownloadState,
    pub fault: Option<DownloadFault>,
    /// Bytes on this machine so far.
    pub fetched: u64,
    /// Where the finished file is (it is there only once done).
    pub file: PathBuf,
    /// How fast the bytes come, while it runs (not kept).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes_per_second: Option<u64>,
    /// What holds the item: its season and show, or album and artist.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub within: Vec<ItemKey>,
    /// The original file, or a copy the server converts.
    #[serde(default)]
    pub quality: DownloadQuality,
    /// While it runs: the server is still making the converted copy (not kept).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub converting: bool,
}

/// A show kept up with: its next `count` unwatched episodes stay
/// downloaded; one watched (here or elsewhere) makes room for the next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeepNext {
    pub source_id: SourceId,
    pub show_key: ItemKey,
    pub count: u32,
}

/// What keeping up with the shows did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct KeptUp {
    /// Episodes queued.
    pub queued: usize,
    /// Watched episodes whose files were deleted.
    pub removed: usize,
    /// Shows whose server did not answer (tried again next time).
    pub unreachable: usize,
}

/// How the downloads of an item and what it holds stand together (a
/// season's episodes), for its page to show in one button.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DownloadsOf {
    pub files: usize,
    pub done: usize,
    /// Queued or running.
    pub going: usize,
    /// Paused or failed: asked again, they go on.
    pub stopped: usize,
    pub fetched: u64,
    /// What the server gave for their sizes.
    pub size: u64,
}

impl DownloadsOf {
    /// Those of `all` that are `key` or that it holds (None: none).
    pub fn of(key: &ItemKey, all: &[Download]) -> Option<Self> {
        let mine = all.iter().filter(|d| d.is_or_within(key));
        let sum = mine.fold(Self::default(), |mut s, d| {
            s.files += 1;
            match d.state {
                DownloadState::Done => s.done += 1,
                DownloadState::Queued | DownloadState::Running => s.going += 1,
                DownloadState::Paused | DownloadState::Failed => s.stopped += 1,
            }
            s.fetched += d.fetched;
            s.size += d.size.unwrap_or(d.fetched);
            s
        });
        (sum.files > 0).then_some(sum)
    }
}

/// How an item stands for a marker on its tile or row: its own file is
/// here, or it holds some that are (a season, a show, an album, an artist).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadMark {
    Here,
    Holds,
}

/// What of one server plays here with no network, for grids and rows to
/// mark: the items whose download is done, and what holds them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Downloaded(HashMap<ItemKey, DownloadMark>);

impl Downloaded {
    /// The finished downloads of `all` that are `source_id`'s.
    pub fn of(source_id: &SourceId, all: &[Download]) -> Self {
        let mut marks = HashMap::new();
        for d in all.iter().filter(|d| &d.source_id == source_id && d.state == DownloadState::Done) {
            for key in &d.within {
                marks.entry(key.clone()).or_insert(DownloadMark::Holds);
            }
            marks.insert(d.rating_key.clone(), DownloadMark::Here);
        }
        Self(marks)
    }

    /// Looked up by the key's text: grid tiles hold theirs as `&str`.
    pub fn mark(&self, key: &str) -> Option<DownloadMark> {
        self.0.get(key).copied()
    }

    /// The keys marked otherwise than in `before`: the tiles to bind again.
    pub fn changed_since(&self, before: &Downloaded) -> Vec<ItemKey> {
        let gone = before.0.keys().filter(|k| !self.0.contains_key(*k));
        let new = self.0.iter().filter(|(k, m)| before.0.get(*k) != Some(m)).map(|(k, _)| k);
        gone.chain(new).cloned().collect()
    }
}

impl Download {
    /// This download is `key`'s file, or the file of something `key` holds
    /// (an episode of a show or season, a track of an album or artist).
    pub fn is_or_within(&self, key: &ItemKey) -> bool {
        self.rating_key == *key || self.within.contains(key)
    }

    /// As [`is_or_within`](Self::is_or_within), of `source_id`'s item `key`.
    pub fn concerns(&self, source_id: &SourceId, key: &ItemKey) -> bool {
        self.source_id == *source_id && self.is_or_within(key)
    }

    /// How long the rest takes at the pace it goes now.
    pub fn time_left(&self) -> Option<std::time::Duration> {
        let rate = self.bytes_per_second.filter(|r| *r > 0)?;
        let left = self.size?.saturating_sub(self.fetched);
        Some(std::time::Duration::from_secs(left.div_ceil(rate)))
    }
}

/// What a download of an item would fetch, said before it starts (how
/// many files, how big, whether the disk has room), then handed back to
/// queue exactly that.
#[derive(Debug, Clone)]
pub struct DownloadPlan {
    pub source_id: SourceId,
    pub rating_key: ItemKey,
    /// Files to fetch: the item's, or each the show, season, artist or
    /// album holds that the owner lets this user download.
    pub files: usize,
    /// Their size, as far as the server gave it.
    pub bytes: u64,
    /// Files the owner does not let this user download (left out).
    pub refused: usize,
    pub space: DownloadSpace,
    /// What the films and episodes are fetched at (music: the original).
    pub quality: DownloadQuality,
    pub(crate) leaves: Vec<crate::models::Playable>,
}

impl DownloadPlan {
    /// The same files at `quality` (films and episodes; music stays the
    /// original), their size said again: a converted copy's is an estimate
    /// from its bitrate and length, never more than the original.
    pub fn at(mut self, quality: DownloadQuality) -> Self {
        self.quality = quality;
        self.bytes = self
            .leaves
            .iter()
            .filter_map(|p| {
                let (_, _, part) = p.first_part()?;
                let duration = p.duration_ms().and_then(|d| u64::try_from(d).ok());
                quality.for_kind(p.item.kind).estimate(duration, part.size)
            })
            .sum();
        self
    }

    /// Whether any of its files is a film or an episode: what a quality
    /// other than the original changes.
    pub fn has_video(&self) -> bool {
        self.leaves.iter().any(|p| matches!(p.item.kind, ItemKind::Movie | ItemKind::Episode))
    }

    /// Whether the files fit in what is free (true when the disk cannot say).
    pub fn fits(&self) -> bool {
        self.space.free.is_none_or(|free| self.bytes <= free)
    }
}

/// The disk the downloads are on: what Reel's downloads take of it and
/// what is free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DownloadSpace {
    pub used: u64,
    /// None when the disk cannot say.
    pub free: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(key: &str, within: &[&str], state: DownloadState) -> Download {
        Download {
            source_id: SourceId::new("s"),
            rating_key: ItemKey::new(key),
            title: key.into(),
            kind: ItemKind::Episode,
            part_key: String::new(),
            size: Some(100),
            state,
            fault: None,
            fetched: if state == DownloadState::Done { 100 } else { 40 },
            file: PathBuf::new(),
            bytes_per_second: None,
            within: within.iter().map(|k| ItemKey::new(*k)).collect(),
            quality: DownloadQuality::Original,
            converting: false,
        }
    }

    #[test]
    fn a_download_concerns_its_item_and_what_holds_it_on_its_server_alone() {
        let e = d("11", &["10", "1"], DownloadState::Done);
        let (here, there) = (SourceId::new("s"), SourceId::new("t"));
        for key in ["11", "10", "1"] {
            assert!(e.concerns(&here, &ItemKey::new(key)), "{key}");
            assert!(!e.concerns(&there, &ItemKey::new(key)), "another server's {key}");
        }
        assert!(!e.concerns(&here, &ItemKey::new("12")), "a sibling");
    }

    #[test]
    fn a_season_counts_its_episodes_and_a_show_its_seasons_episodes() {
        use DownloadState::*;
        let all = [
            d("e1", &["s1", "show"], Done),
            d("e2", &["s1", "show"], Running),
            d("e3", &["s2", "show"], Failed),
            d("m", &[], Done),
        ];
        let s1 = DownloadsOf::of(&ItemKey::new("s1"), &all).unwrap();
        assert_eq!((s1.files, s1.done, s1.going, s1.stopped, s1.fetched, s1.size), (2, 1, 1, 0, 140, 200));
        let show = DownloadsOf::of(&ItemKey::new("show"), &all).unwrap();
        assert_eq!((show.files, show.done, show.going, show.stopped), (3, 1, 1, 1));
        assert_eq!(DownloadsOf::of(&ItemKey::new("m"), &all).map(|m| m.done), Some(1), "an item is its own");
        assert_eq!(DownloadsOf::of(&ItemKey::new("other"), &all), None);
    }

    #[test]
    fn only_finished_files_mark_their_items_and_what_holds_them() {
        use DownloadState::*;
        let mut elsewhere = d("x", &["xs"], Done);
        elsewhere.source_id = SourceId::new("other server");
        let all = [d("e1", &["s1", "show"], Done), d("e2", &["s2", "show"], Running), d("m", &[], Done), elsewhere];
        let marks = Downloaded::of(&SourceId::new("s"), &all);
        let mark = |k: &str| marks.mark(k);
        assert_eq!(
            (mark("e1"), mark("s1"), mark("show"), mark("m")),
            (Some(DownloadMark::Here), Some(DownloadMark::Holds), Some(DownloadMark::Holds), Some(DownloadMark::Here))
        );
        assert_eq!((mark("e2"), mark("s2")), (None, None), "a running download plays nothing yet");
        assert_eq!((mark("x"), mark("xs")), (None, None), "another server's keys are its own");
        // e1 removed, e2 done: e1 and s1 lose their marks, e2 and s2 gain one.
        let later = [d("e2", &["s2", "show"], Done), d("m", &[], Done)];
        let mut changed = Downloaded::of(&SourceId::new("s"), &later).changed_since(&marks);
        changed.sort();
        assert_eq!(changed, ["e1", "e2", "s1", "s2"].map(ItemKey::new));
    }

    #[test]
    fn qualities_read_back_by_name_and_a_copy_is_never_said_bigger_than_the_original() {
        for q in DownloadQuality::ALL {
            assert_eq!(DownloadQuality::from_name(q.name()), Some(q));
            assert_eq!(serde_json::to_value(q).ok(), Some(serde_json::Value::String(q.name().into())));
        }
        assert_eq!(DownloadQuality::from_name(" 720P "), Some(DownloadQuality::P720));
        assert_eq!(DownloadQuality::from_name("4k"), None);
        assert_eq!(DownloadQuality::P720.for_kind(ItemKind::Track), DownloadQuality::Original);
        assert_eq!(DownloadQuality::P720.for_kind(ItemKind::Episode), DownloadQuality::P720);
        // An hour at 480p (2 Mbit/s and 192 kbit/s of sound): 986.4 MB.
        let hour = Some(3_600_000);
        assert_eq!(DownloadQuality::P480.estimate(hour, Some(4_000_000_000)), Some(986_400_000));
        assert_eq!(DownloadQuality::P480.estimate(hour, Some(300_000_000)), Some(300_000_000));
        assert_eq!(DownloadQuality::P480.estimate(None, Some(5)), Some(5));
        assert_eq!(DownloadQuality::Original.estimate(hour, Some(7)), Some(7));
        assert!(DownloadQuality::P1080.size().is_some_and(|s| s.height == 1080 && s.kbps == 8000));
    }
}
