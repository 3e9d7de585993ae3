//! MPRIS (`org.mpris.MediaPlayer2.Reel`): GNOME Shell's media controls,
//! media keys, headsets and `playerctl` see what plays and control it.
//! `Position` and `PlaybackStatus` are kept true to the engine. One service
//! for the window: the video player and the music queue take turns (the
//! bus name can be owned once); the window sends what the shell asks to
//! whichever plays. The music queue is the track list (`TrackList`: its
//! entries, the one playing, `GoTo`). The interfaces are in [`service`].

mod service;

pub use mpris_server::LoopStatus;
use mpris_server::{LocalServer, Metadata, PlaybackStatus, Property, Signal, Time, TrackId, TrackListSignal};
use relm4::gtk::glib;
use service::{State, Track};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// The speeds the player offers (its menu has 0.5× to 2×).
pub const MIN_RATE: f64 = 0.5;
pub const MAX_RATE: f64 = 2.0;

/// What the shell (or a media key) asks.
#[derive(Debug, Clone, PartialEq)]
pub enum MprisCommand {
    Play,
    Pause,
    PlayPause,
    Stop,
    /// Relative, in milliseconds.
    SeekBy(i64),
    /// Absolute, in milliseconds.
    SeekTo(u64),
    /// Playback speed (1.0: as recorded).
    SetRate(f64),
    Raise,
    Next,
    Previous,
    SetLoop(LoopStatus),
    SetShuffle(bool),
    /// Play this entry of the queue (by its id) now.
    GoTo(u64),
}

/// What the shell shows of the item playing (or of an entry of the queue).
#[derive(Debug, Clone, Default)]
pub struct NowPlaying {
    pub title: String,
    /// The show of an episode, the artist of a track.
    pub artist: Option<String>,
    /// The show of an episode, the album of a track.
    pub album: Option<String>,
    /// A track's place on its album.
    pub track_number: Option<i32>,
    pub length_ms: u64,
    /// A poster on disk (`file://`): no server URL, which would need the token.
    pub art: Option<std::path::PathBuf>,
    /// Tells one playback from the next (the rating key; a queue's entry too).
    pub id: String,
    /// The queue entry it is, for music.
    pub entry: Option<u64>,
}

type Server = Rc<LocalServer<State>>;
type Task = Pin<Box<dyn Future<Output = ()>>>;

/// What was said before the service was on the bus, said once it is.
#[derive(Default)]
struct Early {
    now: Option<NowPlaying>,
    status: Option<PlaybackStatus>,
    tracks: Option<(Vec<NowPlaying>, Option<usize>)>,
}

/// The MPRIS service; works once registered on the session bus (a moment
/// after start). Without a session bus, every call does nothing.
#[derive(Clone)]
pub struct Mpris {
    server: Rc<RefCell<Option<Server>>>,
    early: Rc<RefCell<Early>>,
}

fn track_id(id: &str) -> Option<TrackId> {
    TrackId::try_from(format!("/dev/arsfeld/Reel/item/{}", path_safe(id)).as_str()).ok()
}

fn metadata(n: &NowPlaying) -> Metadata {
    let mut b = Metadata::builder().title(n.title.clone()).length(Time::from_millis(n.length_ms as i64));
    if let Some(id) = track_id(&n.id) {
        b = b.trackid(id);
    }
    if let Some(artist) = &n.artist {
        b = b.artist([artist.clone()]);
    }
    if let Some(album) = &n.album {
        b = b.album(album.clone());
    }
    if let Some(track) = n.track_number {
        b = b.track_number(track);
    }
    if let Some(art) = n.art.as_ref().and_then(|a| glib::filename_to_uri(a, None).ok()) {
        b = b.art_url(art.to_string());
    }
    b.build()
}

impl Mpris {
    /// Registers on the session bus; `command` gets what the shell asks, on
    /// the GTK thread (which runs inside the core's tokio context: zbus, with
    /// the keyring's tokio feature, spawns its connection there).
    pub fn start(command: impl Fn(MprisCommand) + 'static) -> Self {
        let me = Mpris { server: Rc::default(), early: Rc::default() };
        let ready = me.clone();
        let command: Rc<dyn Fn(MprisCommand)> = Rc::new(command);
        glib::spawn_future_local(async move {
            let server = match LocalServer::new_with_track_list("Reel", State::new(command)).await {
                Ok(s) => Rc::new(s),
                Err(e) => {
                    tracing::warn!("media controls (MPRIS) not available: {e}");
                    return;
                }
            };
            *ready.server.borrow_mut() = Some(server.clone());
            let early = std::mem::take(&mut *ready.early.borrow_mut());
            if early.now.is_some() {
                ready.set_now_playing(early.now);
            }
            if let Some(status) = early.status {
                ready.set_status(status);
            }
            if let Some((tracks, current)) = early.tracks {
                ready.set_track_list(&tracks, current);
            }
            server.run().await;
        });
        me
    }

    /// Runs what `f` makes of the service (its state changed), if it is up.
    fn with(&self, f: impl FnOnce(Server) -> Option<Task>) {
        let Some(server) = self.server.borrow().clone() else { return };
        if let Some(task) = f(server) {
            glib::spawn_future_local(task);
        }
    }

    /// Tells the shell that `changed` changed (they are set already).
    fn changed(&self, changed: Vec<Property>) {
        if changed.is_empty() {
            return;
        }
        self.with(|s| {
            Some(Box::pin(async move {
                if let Err(e) = s.properties_changed(changed).await {
                    tracing::debug!("MPRIS: {e}");
                }
            }))
        });
    }

    pub fn set_now_playing(&self, now: Option<NowPlaying>) {
        let Some(server) = self.server.borrow().clone() else {
            self.early.borrow_mut().now = now;
            return;
        };
        let m = now.as_ref().map_or_else(Metadata::new, metadata);
        *server.imp().metadata.borrow_mut() = m.clone();
        self.changed(vec![Property::Metadata(m)]);
    }

    pub fn set_status(&self, status: PlaybackStatus) {
        let Some(server) = self.server.borrow().clone() else {
            self.early.borrow_mut().status = Some(status);
            return;
        };
        if server.imp().status.replace(status) != status {
            self.changed(vec![Property::PlaybackStatus(status)]);
        }
    }

    /// Where playback is: read by clients when they ask (no signal).
    pub fn set_position(&self, ms: u64) {
        if let Some(server) = self.server.borrow().as_ref() {
            server.imp().position.set(Time::from_millis(ms as i64));
        }
    }

    /// A jump (seek): clients hear of it.
    pub fn seeked(&self, ms: u64) {
        self.set_position(ms);
        self.with(|s| {
            Some(Box::pin(async move {
                let _ = s.emit(Signal::Seeked { position: Time::from_millis(ms as i64) }).await;
            }))
        });
    }

    /// The speed the player plays at now, whoever set it.
    pub fn set_rate(&self, rate: f64) {
        let Some(server) = self.server.borrow().clone() else { return };
        if server.imp().rate.replace(rate) != rate {
            self.changed(vec![Property::Rate(rate)]);
        }
    }

    /// What a queue allows: Next, Previous, and its repeat and shuffle
    /// (a video: none of them).
    pub fn set_queue(&self, can_next: bool, can_previous: bool, looping: LoopStatus, shuffle: bool) {
        let Some(server) = self.server.borrow().clone() else { return };
        let imp = server.imp();
        let mut changed = Vec::new();
        if imp.can_next.replace(can_next) != can_next {
            changed.push(Property::CanGoNext(can_next));
        }
        if imp.can_previous.replace(can_previous) != can_previous {
            changed.push(Property::CanGoPrevious(can_previous));
        }
        if imp.loop_status.replace(looping) != looping {
            changed.push(Property::LoopStatus(looping));
        }
        if imp.shuffle.replace(shuffle) != shuffle {
            changed.push(Property::Shuffle(shuffle));
        }
        self.changed(changed);
    }

    pub fn set_volume(&self, volume: f64) {
        let Some(server) = self.server.borrow().clone() else { return };
        if server.imp().volume.replace(volume) != volume {
            self.changed(vec![Property::Volume(volume)]);
        }
    }

    /// The track list: the queue's entries (none for a video), and which
    /// one plays. Said whole (`TrackListReplaced`) when it changed.
    pub fn set_track_list(&self, tracks: &[NowPlaying], current: Option<usize>) {
        let Some(server) = self.server.borrow().clone() else {
            self.early.borrow_mut().tracks = Some((tracks.to_vec(), current));
            return;
        };
        let list: Vec<Track> = tracks
            .iter()
            .filter_map(|n| Some(Track { id: track_id(&n.id)?, metadata: metadata(n), entry: n.entry? }))
            .collect();
        let ids: Vec<TrackId> = list.iter().map(|t| t.id.clone()).collect();
        let current_track =
            current.and_then(|i| tracks.get(i)).and_then(|n| track_id(&n.id)).unwrap_or(TrackId::NO_TRACK);
        {
            let mut kept = server.imp().tracks.borrow_mut();
            let same = kept.len() == list.len() && kept.iter().zip(&list).all(|(a, b)| a.id == b.id);
            *kept = list;
            if same && current.is_none() {
                return;
            }
        }
        self.with(|s| {
            Some(Box::pin(async move {
                let signal = TrackListSignal::TrackListReplaced { tracks: ids, current_track };
                if let Err(e) = s.track_list_emit(signal).await {
                    tracing::debug!("MPRIS track list: {e}");
                }
            }))
        });
    }
}

/// D-Bus object paths take letters, digits and underscores only.
fn path_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}
