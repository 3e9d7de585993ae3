//! The data Reel works with; serde shapes are those Reel 0.3 wrote to config.toml.

mod action;
mod auth_provider;
mod browse;
mod connection;
mod details;
mod download;
mod library;
mod play_queue;
mod playback;
mod playlist;
mod search;
mod source;
mod summary;

pub use action::ServerAction;
pub use auth_provider::AuthProvider;
pub(crate) use browse::unix_now;
pub use browse::{
    added_lately, added_lately_values, added_since, added_within, letters_from_counts, letters_of, letters_without,
    Filter, FilterOption, FilterValue, FirstLetter, LibraryView, Listing, Sort, SortOption, ADDED_AFTER,
    ADDED_WITHIN_DAYS, FILTERS_OFFLINE, SORTS_OFFLINE, TITLE_SORT,
};
pub use connection::{Choice, Connection, ConnectionClass, ProbeOutcome, ProbeRecord, Reason};
pub use details::{ItemDetails, Person, RatedBy, Rating, RatingSource};
pub use download::{
    Download, DownloadFault, DownloadMark, DownloadPlan, DownloadQuality, DownloadSpace, DownloadState, Downloaded,
    DownloadsOf, KeepNext, KeptUp, VideoSize,
};
pub use library::{Hub, ItemKind, MediaItem, Page, Section, SectionKind};
pub use play_queue::{PlayQueue, QueueEntry, QueuePlace, QueueSource, Repeat, SavedQueue};
pub use playback::{Marker, MarkerKind, MediaPart, MediaStream, MediaVersion, Playable, PlaybackPrefs, StreamKind};
pub use playlist::{Collection, MediaList, Playlist, PlaylistEntry};
pub use search::{grouped, Found, SearchAnswer, SearchGroup, SearchHit, SearchKind, SearchState};
pub use source::{ConnectionInfo, Source, SourceType};
pub use summary::{ItemSummary, Seen};
