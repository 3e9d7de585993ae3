//! The MPRIS service's state and its three D-Bus interfaces (the root, the
//! player, the track list), answered on the GTK thread. What the shell asks
//! goes to `command`; what it reads is what Reel last set.

use super::MprisCommand;
use mpris_server::zbus::{fdo, Result};
use mpris_server::{
    LocalPlayerInterface, LocalRootInterface, LocalTrackListInterface, LoopStatus, Metadata, PlaybackRate,
    PlaybackStatus, Time, TrackId, Volume,
};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// One entry of the track list: its id on the bus, what the shell shows of
/// it, and the queue entry it is (what `GoTo` asks for).
#[derive(Debug, Clone)]
pub struct Track {
    pub id: TrackId,
    pub metadata: Metadata,
    pub entry: u64,
}

pub struct State {
    pub command: Rc<dyn Fn(MprisCommand)>,
    pub status: Cell<PlaybackStatus>,
    pub loop_status: Cell<LoopStatus>,
    pub rate: Cell<f64>,
    pub shuffle: Cell<bool>,
    pub metadata: RefCell<Metadata>,
    pub volume: Cell<f64>,
    pub position: Cell<Time>,
    pub can_next: Cell<bool>,
    pub can_previous: Cell<bool>,
    /// The music queue (empty for a video).
    pub tracks: RefCell<Vec<Track>>,
}

impl State {
    pub fn new(command: Rc<dyn Fn(MprisCommand)>) -> Self {
        State {
            command,
            status: Cell::new(PlaybackStatus::Stopped),
            loop_status: Cell::new(LoopStatus::None),
            rate: Cell::new(1.0),
            shuffle: Cell::new(false),
            metadata: RefCell::new(Metadata::new()),
            volume: Cell::new(1.0),
            position: Cell::new(Time::ZERO),
            can_next: Cell::new(false),
            can_previous: Cell::new(false),
            tracks: RefCell::default(),
        }
    }

    fn ask(&self, c: MprisCommand) -> fdo::Result<()> {
        (self.command)(c);
        Ok(())
    }
}

impl LocalRootInterface for State {
    async fn raise(&self) -> fdo::Result<()> {
        self.ask(MprisCommand::Raise)
    }
    async fn quit(&self) -> fdo::Result<()> {
        Err(fdo::Error::NotSupported("Reel quits from its window".into()))
    }
    async fn can_quit(&self) -> fdo::Result<bool> {
        Ok(false)
    }
    async fn fullscreen(&self) -> fdo::Result<bool> {
        Ok(false)
    }
    async fn set_fullscreen(&self, _: bool) -> Result<()> {
        Ok(())
    }
    async fn can_set_fullscreen(&self) -> fdo::Result<bool> {
        Ok(false)
    }
    async fn can_raise(&self) -> fdo::Result<bool> {
        Ok(true)
    }
    async fn has_track_list(&self) -> fdo::Result<bool> {
        Ok(true)
    }
    async fn identity(&self) -> fdo::Result<String> {
        Ok("Reel".into())
    }
    async fn desktop_entry(&self) -> fdo::Result<String> {
        Ok(crate::build_info::APP_ID.into())
    }
    async fn supported_uri_schemes(&self) -> fdo::Result<Vec<String>> {
        Ok(Vec::new())
    }
    async fn supported_mime_types(&self) -> fdo::Result<Vec<String>> {
        Ok(Vec::new())
    }
}

impl LocalPlayerInterface for State {
    async fn next(&self) -> fdo::Result<()> {
        self.ask(MprisCommand::Next)
    }
    async fn previous(&self) -> fdo::Result<()> {
        self.ask(MprisCommand::Previous)
    }
    async fn pause(&self) -> fdo::Result<()> {
        self.ask(MprisCommand::Pause)
    }
    async fn play_pause(&self) -> fdo::Result<()> {
        self.ask(MprisCommand::PlayPause)
    }
    async fn stop(&self) -> fdo::Result<()> {
        self.ask(MprisCommand::Stop)
    }
    async fn play(&self) -> fdo::Result<()> {
        self.ask(MprisCommand::Play)
    }
    async fn seek(&self, offset: Time) -> fdo::Result<()> {
        self.ask(MprisCommand::SeekBy(offset.as_millis()))
    }
    async fn set_position(&self, track_id: TrackId, position: Time) -> fdo::Result<()> {
        // The spec: ignored unless it is about the item playing now.
        if self.metadata.borrow().trackid().as_ref() == Some(&track_id) && position >= Time::ZERO {
            (self.command)(MprisCommand::SeekTo(position.as_millis() as u64));
        }
        Ok(())
    }
    async fn open_uri(&self, _: String) -> fdo::Result<()> {
        Err(fdo::Error::NotSupported("Reel plays what its servers have".into()))
    }
    async fn playback_status(&self) -> fdo::Result<PlaybackStatus> {
        Ok(self.status.get())
    }
    async fn loop_status(&self) -> fdo::Result<LoopStatus> {
        Ok(self.loop_status.get())
    }
    async fn set_loop_status(&self, loop_status: LoopStatus) -> Result<()> {
        (self.command)(MprisCommand::SetLoop(loop_status));
        Ok(())
    }
    async fn rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(self.rate.get())
    }
    async fn set_rate(&self, rate: PlaybackRate) -> Result<()> {
        // The spec: 0 means pause, which `Pause` already does; others are clamped.
        if rate > 0.0 {
            (self.command)(MprisCommand::SetRate(rate.clamp(super::MIN_RATE, super::MAX_RATE)));
        }
        Ok(())
    }
    async fn shuffle(&self) -> fdo::Result<bool> {
        Ok(self.shuffle.get())
    }
    async fn set_shuffle(&self, shuffle: bool) -> Result<()> {
        (self.command)(MprisCommand::SetShuffle(shuffle));
        Ok(())
    }
    async fn metadata(&self) -> fdo::Result<Metadata> {
        Ok(self.metadata.borrow().clone())
    }
    async fn volume(&self) -> fdo::Result<Volume> {
        Ok(self.volume.get())
    }
    async fn set_volume(&self, _: Volume) -> Result<()> {
        // Set from the window's own volume buttons only.
        Ok(())
    }
    async fn position(&self) -> fdo::Result<Time> {
        Ok(self.position.get())
    }
    async fn minimum_rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(super::MIN_RATE)
    }
    async fn maximum_rate(&self) -> fdo::Result<PlaybackRate> {
        Ok(super::MAX_RATE)
    }
    async fn can_go_next(&self) -> fdo::Result<bool> {
        Ok(self.can_next.get())
    }
    async fn can_go_previous(&self) -> fdo::Result<bool> {
        Ok(self.can_previous.get())
    }
    async fn can_play(&self) -> fdo::Result<bool> {
        Ok(true)
    }
    async fn can_pause(&self) -> fdo::Result<bool> {
        Ok(true)
    }
    async fn can_seek(&self) -> fdo::Result<bool> {
        Ok(true)
    }
    async fn can_control(&self) -> fdo::Result<bool> {
        Ok(true)
    }
}

impl LocalTrackListInterface for State {
    async fn get_tracks_metadata(&self, track_ids: Vec<TrackId>) -> fdo::Result<Vec<Metadata>> {
        let tracks = self.tracks.borrow();
        Ok(track_ids.iter().filter_map(|id| tracks.iter().find(|t| &t.id == id).map(|t| t.metadata.clone())).collect())
    }
    async fn add_track(&self, _: String, _: TrackId, _: bool) -> fdo::Result<()> {
        // `CanEditTracks` is false: the queue is changed from Reel's own queue view.
        Ok(())
    }
    async fn remove_track(&self, _: TrackId) -> fdo::Result<()> {
        Ok(())
    }
    async fn go_to(&self, track_id: TrackId) -> fdo::Result<()> {
        let entry = self.tracks.borrow().iter().find(|t| t.id == track_id).map(|t| t.entry);
        match entry {
            Some(entry) => self.ask(MprisCommand::GoTo(entry)),
            // The spec: an id not in the list is ignored.
            None => Ok(()),
        }
    }
    async fn tracks(&self) -> fdo::Result<Vec<TrackId>> {
        Ok(self.tracks.borrow().iter().map(|t| t.id.clone()).collect())
    }
    async fn can_edit_tracks(&self) -> fdo::Result<bool> {
        Ok(false)
    }
}
