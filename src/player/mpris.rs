//! MPRIS (`org.mpris.MediaPlayer2.Reel`): GNOME Shell's media controls,
//! media keys, headsets and `playerctl` see what plays and control it.
//! `Position` and `PlaybackStatus` are kept true to the engine. One service
//! for the window: the video player and the music queue take turns (the
//! bus name can be owned once); the window sends what the shell asks to
//! whichever plays.

pub use mpris_server::LoopStatus;
use mpris_server::{Metadata, PlaybackStatus, Player, Time, TrackId};
use relm4::gtk::glib;
use std::cell::RefCell;
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
}

/// What the shell shows of the item playing.
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
    /// Tells one playback from the next (the rating key).
    pub id: String,
}

/// The MPRIS service; works once registered on the session bus (a moment
/// after start). Without a session bus, every call does nothing.
#[derive(Clone)]
pub struct Mpris {
    player: Rc<RefCell<Option<Rc<Player>>>>,
    /// What was said before the service was on the bus, said once it is.
    early: Rc<RefCell<(Option<NowPlaying>, Option<PlaybackStatus>)>>,
}

impl Mpris {
    /// Registers on the session bus; `command` gets what the shell asks, on
    /// the GTK thread (which runs inside the core's tokio context: zbus, with
    /// the keyring's tokio feature, spawns its connection there).
    pub fn start(command: impl Fn(MprisCommand) + 'static) -> Self {
        let cell: Rc<RefCell<Option<Rc<Player>>>> = Rc::default();
        let me = Mpris { player: cell.clone(), early: Rc::default() };
        let ready = me.clone();
        let command = Rc::new(command);
        glib::spawn_future_local(async move {
            let built = Player::builder("Reel")
                .identity("Reel")
                .desktop_entry(crate::build_info::APP_ID)
                .can_play(true)
                .can_pause(true)
                .can_seek(true)
                .can_control(true)
                .can_raise(true)
                .can_go_next(false)
                .can_go_previous(false)
                .loop_status(LoopStatus::None)
                .shuffle(false)
                .minimum_rate(MIN_RATE)
                .maximum_rate(MAX_RATE)
                .build()
                .await;
            let player = match built {
                Ok(p) => Rc::new(p),
                Err(e) => {
                    tracing::warn!("media controls (MPRIS) not available: {e}");
                    return;
                }
            };
            let on = |c: &Rc<dyn Fn(MprisCommand)>, m: MprisCommand| {
                let c = c.clone();
                move |_: &Player| c(m.clone())
            };
            let c: Rc<dyn Fn(MprisCommand)> = command;
            player.connect_play(on(&c, MprisCommand::Play));
            player.connect_pause(on(&c, MprisCommand::Pause));
            player.connect_play_pause(on(&c, MprisCommand::PlayPause));
            player.connect_stop(on(&c, MprisCommand::Stop));
            player.connect_raise(on(&c, MprisCommand::Raise));
            player.connect_next(on(&c, MprisCommand::Next));
            player.connect_previous(on(&c, MprisCommand::Previous));
            let s = c.clone();
            player.connect_set_loop_status(move |_, l| s(MprisCommand::SetLoop(l)));
            let s = c.clone();
            player.connect_set_shuffle(move |_, on| s(MprisCommand::SetShuffle(on)));
            let s = c.clone();
            player.connect_seek(move |_, offset| s(MprisCommand::SeekBy(offset.as_millis())));
            let s = c.clone();
            // The spec: 0 means pause, which `Pause` already does; others are clamped.
            player.connect_set_rate(move |_, rate| {
                if rate > 0.0 {
                    s(MprisCommand::SetRate(rate.clamp(MIN_RATE, MAX_RATE)))
                }
            });
            let s = c.clone();
            player.connect_set_position(move |p, track, at| {
                // The spec: ignored unless it is about the item playing now.
                if p.metadata().trackid().as_ref() == Some(track) && at >= Time::ZERO {
                    s(MprisCommand::SeekTo(at.as_millis() as u64));
                }
            });
            *cell.borrow_mut() = Some(player.clone());
            let (now, status) = std::mem::take(&mut *ready.early.borrow_mut());
            if now.is_some() {
                ready.set_now_playing(now);
            }
            if let Some(status) = status {
                ready.set_status(status);
            }
            player.run().await;
        });
        me
    }

    fn with(&self, f: impl FnOnce(Rc<Player>) -> Option<std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>>) {
        let Some(p) = self.player.borrow().clone() else { return };
        if let Some(fut) = f(p) {
            glib::spawn_future_local(fut);
        }
    }

    pub fn set_now_playing(&self, now: Option<NowPlaying>) {
        if self.player.borrow().is_none() {
            self.early.borrow_mut().0 = now;
            return;
        }
        self.with(|p| {
            Some(Box::pin(async move {
                let metadata = match now {
                    Some(n) => {
                        let mut b = Metadata::builder().title(n.title).length(Time::from_millis(n.length_ms as i64));
                        if let Ok(id) =
                            TrackId::try_from(format!("/dev/arsfeld/Reel/item/{}", path_safe(&n.id)).as_str())
                        {
                            b = b.trackid(id);
                        }
                        if let Some(artist) = n.artist {
                            b = b.artist([artist]);
                        }
                        if let Some(album) = n.album {
                            b = b.album(album);
                        }
                        if let Some(track) = n.track_number {
                            b = b.track_number(track);
                        }
                        if let Some(art) = n.art.and_then(|a| glib::filename_to_uri(a, None).ok()) {
                            b = b.art_url(art.to_string());
                        }
                        b.build()
                    }
                    None => Metadata::new(),
                };
                if let Err(e) = p.set_metadata(metadata).await {
                    tracing::debug!("MPRIS metadata: {e}");
                }
            }))
        });
    }

    pub fn set_status(&self, status: PlaybackStatus) {
        if self.player.borrow().is_none() {
            self.early.borrow_mut().1 = Some(status);
            return;
        }
        self.with(|p| {
            (p.playback_status() != status).then(|| {
                Box::pin(async move {
                    if let Err(e) = p.set_playback_status(status).await {
                        tracing::debug!("MPRIS status: {e}");
                    }
                }) as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
            })
        });
    }

    /// Where playback is: read by clients when they ask (no signal).
    pub fn set_position(&self, ms: u64) {
        if let Some(p) = self.player.borrow().as_ref() {
            p.set_position(Time::from_millis(ms as i64));
        }
    }

    /// A jump (seek): clients hear of it.
    pub fn seeked(&self, ms: u64) {
        self.set_position(ms);
        self.with(|p| {
            Some(Box::pin(async move {
                let _ = p.seeked(Time::from_millis(ms as i64)).await;
            }))
        });
    }

    /// The speed the player plays at now, whoever set it.
    pub fn set_rate(&self, rate: f64) {
        self.with(|p| {
            (p.rate() != rate).then(|| {
                Box::pin(async move {
                    let _ = p.set_rate(rate).await;
                }) as std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>
            })
        });
    }

    /// What a queue allows: Next, Previous, and its repeat and shuffle
    /// (a video: none of them).
    pub fn set_queue(&self, can_next: bool, can_previous: bool, looping: LoopStatus, shuffle: bool) {
        self.with(|p| {
            Some(Box::pin(async move {
                let changed = async {
                    if p.can_go_next() != can_next {
                        p.set_can_go_next(can_next).await?;
                    }
                    if p.can_go_previous() != can_previous {
                        p.set_can_go_previous(can_previous).await?;
                    }
                    if p.loop_status() != looping {
                        p.set_loop_status(looping).await?;
                    }
                    if p.shuffle() != shuffle {
                        p.set_shuffle(shuffle).await?;
                    }
                    mpris_server::zbus::Result::Ok(())
                };
                if let Err(e) = changed.await {
                    tracing::debug!("MPRIS queue: {e}");
                }
            }))
        });
    }

    pub fn set_volume(&self, volume: f64) {
        self.with(|p| {
            Some(Box::pin(async move {
                let _ = p.set_volume(volume).await;
            }))
        });
    }
}

/// D-Bus object paths take letters, digits and underscores only.
fn path_safe(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}
