//! What goes in and out of a playback session: the person's intents, the
//! engine's events and the core's answers in; engine commands and core
//! calls out.
// Messages, each moved once from where it is made to where it is used:
// boxing their big variants would buy nothing.
#![allow(clippy::large_enum_variant)]

use crate::error::Error;
use crate::facade::{MediaLocation, PlaybackPlan};
use crate::ids::{ItemKey, SourceId};
use crate::models::{MediaItem, PlayQueue, QueueSource, Repeat, SavedQueue, ServerAction, Source};
use crate::services::playback::engine::EngineEvent;
use std::path::PathBuf;
use std::time::Duration;

/// What the person asks of the player.
#[derive(Debug, Clone)]
pub enum Intent {
    /// Play `item` from `start_ms`, then each of `then` (a list's entries;
    /// empty: an episode's next one, as the server says).
    Play {
        source: Source,
        item: MediaItem,
        start_ms: u64,
        then: Vec<MediaItem>,
    },
    /// The same item from where it is, through the server's transcoder
    /// (offered when this machine cannot decode it).
    PlayTranscoded,
    TogglePlay,
    /// To a position: `exact` lands there, otherwise on a keyframe.
    SeekTo {
        ms: u64,
        exact: bool,
    },
    /// By a step (the arrow keys), on a keyframe.
    SeekBy(i64),
    /// Past the intro or credits playing now.
    SkipMarker,
    /// The subtitle file beside the media with this stream id: fetched,
    /// then the media opens again with it where it is.
    LoadSubtitleFile {
        stream_id: i64,
    },
    CancelUpNext,
    /// *Up Next*'s item now, without waiting for the countdown.
    PlayNext,
    /// The player is left: the playback ends.
    Leave,
}

/// What the person asks of the music queue (the player's own intents,
/// play, pause and seek, are [`Intent`]s).
#[derive(Debug, Clone)]
pub enum QueueIntent {
    /// A new queue of what `from` holds (an album, an artist, a list),
    /// made by the server, from `start` (one of its tracks), shuffled if asked.
    Play {
        source: Source,
        from: QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
    },
    /// The queue the last run left, shown paused at its place.
    Restore {
        source: Source,
        saved: SavedQueue,
    },
    Next,
    Previous,
    /// The entry with this id, from its start.
    PlayEntry(u64),
    SetRepeat(Repeat),
    /// A new server queue of the same things from the track playing.
    SetShuffle(bool),
    /// A change of the queue around an entry (by its id), made by the server.
    Edit {
        entry: u64,
        edit: QueueEdit,
    },
    /// The queue ends: nothing plays, nothing is kept for the next start.
    Stop,
}

/// What can be done to an entry of the queue besides playing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueEdit {
    /// Right after the entry playing.
    PlayNext,
    MoveUp,
    MoveDown,
    Remove,
}

/// A change of the server's queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueChange {
    /// The entry goes after this one (None: to the top).
    MoveAfter(Option<u64>),
    Remove,
}

/// What the core answered to an [`Effect`] that asked it something.
#[derive(Debug, Clone)]
pub enum Answer {
    Prepared(Result<PlaybackPlan, Error>),
    NextKnown(Option<MediaItem>),
    /// Where the media goes on after its connection failed, at `at_ms`.
    Relocated {
        result: Result<MediaLocation, Error>,
        at_ms: u64,
    },
    /// The transcode restarted at a seek's target.
    Retranscoded(Result<PlaybackPlan, Error>),
    /// The subtitle file beside the media, fetched to a local file; the
    /// media opens with it at `load_at` (None: where it is).
    Sidecar {
        result: Result<PathBuf, Error>,
        load_at: Option<u64>,
    },
    /// The poster for the shell's media controls, on disk.
    Art(Option<PathBuf>),
    /// The server's new queue; `keep_playing`: the track playing goes on in it.
    QueueMade {
        result: Result<PlayQueue, Error>,
        keep_playing: bool,
    },
    /// The server's queue after a change.
    QueueChanged(Result<PlayQueue, Error>),
    /// Where a queue entry plays from; `load`: to play now, else to follow.
    EntryPrepared {
        entry: u64,
        load: bool,
        result: Result<PlaybackPlan, Error>,
    },
}

#[derive(Debug, Clone)]
pub enum Input {
    Intent(Intent),
    Queue(QueueIntent),
    Engine(EngineEvent),
    /// Time passed (a few times a second while something plays).
    Tick,
    /// An answer to the effect made in playback `generation`; an answer for
    /// an earlier playback is dropped.
    Answer {
        generation: u64,
        answer: Answer,
    },
    /// The engine could not be made (this machine cannot play anything).
    EngineUnavailable(String),
}

/// When an input happens: the session's monotonic clock, and where the
/// engine says it is in the stream it plays (None: it cannot say).
#[derive(Debug, Clone, Copy, Default)]
pub struct Moment {
    pub now: Duration,
    pub engine_position_ms: Option<u64>,
}

/// What the session asks the engine to do.
#[derive(Debug, Clone)]
pub enum EngineCommand {
    /// Open `location` and play from `start_ms` (in the stream's own time).
    Load {
        location: MediaLocation,
        start_ms: u64,
    },
    Play,
    Pause,
    Stop,
    Seek {
        ms: u64,
        exact: bool,
    },
    AudioTrack(u32),
    SubtitleTrack(Option<u32>),
    /// A subtitle file loaded with the media from the next `Load` on.
    ExternalSubtitle(Option<MediaLocation>),
    /// What plays when the media ends, with no gap (None: nothing).
    QueueNext(Option<MediaLocation>),
    /// The container of what is loaded or queued next, for the engine to
    /// choose how to fetch it.
    Container(Option<String>),
}

/// What the session asks of the core; the answer comes back as an [`Answer`].
#[derive(Debug, Clone)]
pub enum CoreCall {
    /// [`Core::prepare_playback`](crate::Core::prepare_playback); with
    /// `transcode`, as a player that decodes nothing.
    Prepare { source_id: SourceId, rating_key: ItemKey, start_ms: u64, transcode: bool },
    /// [`Core::next_episode`](crate::Core::next_episode).
    FindNext { source_id: SourceId, item: MediaItem },
    /// [`Core::media_location`](crate::Core::media_location), after the stream died at `at_ms`.
    Relocate { plan: PlaybackPlan, at_ms: u64 },
    /// [`Core::transcode_from`](crate::Core::transcode_from).
    Retranscode { plan: PlaybackPlan, at_ms: u64 },
    /// [`Core::sidecar_file`](crate::Core::sidecar_file).
    FetchSidecar { source_id: SourceId, key: String, codec: Option<String>, load_at: Option<u64> },
    /// [`Core::poster_file`](crate::Core::poster_file) of `thumb`, `size` big.
    FetchArt { source_id: SourceId, thumb: String, size: (u32, u32) },
    /// [`Core::create_play_queue`](crate::Core::create_play_queue); with
    /// `or_local`, when the server cannot be reached,
    /// [`Core::local_play_queue`](crate::Core::local_play_queue) will do.
    MakeQueue {
        source_id: SourceId,
        from: QueueSource,
        start: Option<MediaItem>,
        shuffle: bool,
        keep_playing: bool,
        or_local: bool,
    },
    /// A change of the server's queue `queue_id` at `entry`.
    ChangeQueue { source_id: SourceId, queue_id: u64, entry: u64, change: QueueChange },
    /// [`Core::prepare_playback`](crate::Core::prepare_playback) of a queue entry.
    PrepareEntry { source_id: SourceId, rating_key: ItemKey, entry: u64, load: bool },
}

/// What the session asks for after an input, in order.
#[derive(Debug, Clone)]
pub enum Effect {
    Engine(EngineCommand),
    /// A core call for playback `generation`.
    Call {
        generation: u64,
        call: CoreCall,
    },
    /// [`Core::report_playback`](crate::Core::report_playback) of what
    /// `item` was before `actions`. Not tied to a generation: what the
    /// server must hear of a playback that ended is still sent.
    Report {
        source_id: SourceId,
        item: MediaItem,
        actions: Vec<ServerAction>,
    },
    /// [`Core::stop_transcode`](crate::Core::stop_transcode): the playback
    /// that used it ended.
    StopTranscode(PlaybackPlan),
    /// The media is opening, or cannot be: the player is worth showing.
    Show,
    /// A jump the shell's media controls must hear of (MPRIS `Seeked`).
    Seeked(u64),
    /// The media goes on from another connection than before.
    ConnectionChanged,
    /// The subtitle file could not be had; the media plays without it.
    SubtitlesFailed(Error),
    /// The item is as given now (progress, watched), for pages that show
    /// it: changed as the server is told, not when it answers.
    ItemChanged {
        source_id: SourceId,
        item: MediaItem,
    },
    /// The playback is over (the end with nothing next, or left).
    Ended,
    /// The whole music queue is to be kept for the next start.
    SaveQueue(SavedQueue),
    /// The music queue's place moved (a track started, a pause, a seek, time passed).
    SavePlace {
        entry: u64,
        at_ms: u64,
    },
    /// The music queue ended: nothing is shown at the next start.
    ForgetQueue,
    /// Something about the queue the person is told (a toast).
    QueueNotice(QueueNotice),
}

/// What the music queue tells the person, for the app to put into words.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueNotice {
    /// What the queue was to be made from (`title`) holds nothing to play.
    NothingToPlay { title: String },
    /// The server could not make the queue of `title`.
    NotMade { title: String, error: Error },
    /// The track `title` could not be played and was skipped.
    Skipped { title: String, fault: super::Fault },
    /// `server` cannot be reached: the music stopped, the queue kept.
    ServerGone { server: String },
    /// The server did not change the queue.
    NotChanged(Error),
    /// `server` cannot be reached: of `title`, what is downloaded plays,
    /// in a queue made here (handed to the server when it is back).
    OnlyDownloaded { title: String, server: String },
}
