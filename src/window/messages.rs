//! Everything the window is told: by its children, the core's events, the
//! actions, and itself (timers, the network monitor).

use super::navigation::Nav;
use crate::runtime::Failure;
use chrono::{DateTime, Local};
use reel_core::models::{AuthProvider, MediaItem, MediaList, Section, Source};
use reel_core::{ConnectionEvent, Discovery, ProviderId, SourceId};

#[derive(Debug)]
pub enum AppMsg {
    ShowSignIn,
    /// Something was queued for download: run the downloads.
    RunDownloads,
    /// A download changed (its state, its progress).
    DownloadChanged(Box<reel_core::models::Download>),
    /// The downloads run ended: nothing more to run.
    DownloadsIdle,
    /// A download was removed (its file deleted) from the Downloads page.
    DownloadRemoved,
    AccountAdded(AuthProvider),
    Discovered {
        provider_id: ProviderId,
        result: Result<Discovery, Failure>,
    },
    /// A server's libraries as saved, before it answers.
    SavedSections {
        source_id: SourceId,
        sections: Vec<Section>,
    },
    ServerChecked {
        source: Source,
        result: Result<Vec<Section>, Failure>,
    },
    /// A server's playlists and collections (saved, or as it answered).
    Lists {
        source_id: SourceId,
        lists: Vec<MediaList>,
    },
    /// A playlist was made or changed: the server's lists again.
    RefreshLists {
        source_id: SourceId,
    },
    Reached {
        source_id: SourceId,
        result: Result<(), Failure>,
    },
    /// Since when a server is offline, as remembered across restarts.
    OfflineSince {
        source_id: SourceId,
        since: DateTime<Local>,
    },
    SourceChanged(Source),
    Refresh,
    Reconnect,
    Open(Nav),
    OpenLibrary {
        source_id: SourceId,
        section: Section,
    },
    OpenServer {
        source_id: SourceId,
    },
    OpenList {
        source_id: SourceId,
        list: MediaList,
    },
    Back,
    Search,
    /// Search every library for this (what else someone of a cast is in).
    SearchFor(String),
    /// Shows or hides the open library's filter box.
    FilterLibrary,
    ConfirmSignOut,
    /// What each account has downloaded (count, bytes), in the accounts'
    /// order: the sign-out dialog says it and asks.
    AskSignOut(Vec<(usize, u64)>),
    /// Accounts a damaged settings file named can be taken back (names),
    /// told with the notice that it was damaged, if that is new.
    OrphansFound {
        notice: Option<String>,
        names: Vec<String>,
    },
    RecoverAccounts,
    AccountsRecovered {
        back: Vec<reel_core::models::AuthProvider>,
        failed: Vec<(String, String)>,
    },
    /// The account with this id was signed out, or why not.
    SignedOut(Result<reel_core::ProviderId, Failure>),
    About,
    ShowPreferences,
    PreferencesChanged,
    Toast(String),
    /// Something the core tells while running (a damaged cache started afresh).
    Notice(reel_core::Notice),
    Connection(ConnectionEvent),
    /// The leaflet folded or unfolded, or moved between sidebar and content.
    LayoutChanged,
    NetworkChanged {
        available: bool,
    },
    /// Play an item (asks where to start when it is part-watched), then
    /// each of `then` (a list's entries).
    Play {
        source: Source,
        item: MediaItem,
        then: Vec<MediaItem>,
    },
    PlayFrom {
        source: Source,
        item: MediaItem,
        start_ms: u64,
        then: Vec<MediaItem>,
    },
    PlayerLeft,
    /// The player has what to open (or waited long enough): shown.
    ShowPlayer,
    /// An item as it is now, after playing.
    ItemChanged {
        source_id: SourceId,
        item: MediaItem,
    },
    PlayerTitle(Option<String>),
    Fullscreen(bool),
    /// Play music: what `from` holds (an album, an artist, a list) from
    /// `start` (one of its tracks), shuffled if asked, in the now-playing bar.
    PlayMusic {
        source: Source,
        from: reel_core::models::QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
    },
    /// The music queue the last run left (read after the first frame).
    RestoreMusic(reel_core::models::SavedQueue),
    /// GStreamer is ready: the video player makes its engine.
    PreparePlayer,
    /// What the shell's media controls (or a media key) ask, for whichever plays.
    Mpris(crate::player::mpris::MprisCommand),
}
