//! GStreamer's `playbin` with the video drawn by `gtk4paintablesink` (built
//! in, registered at start), converted where `video_sink` chooses.
//! The token goes as a request header of the HTTP source, never in the URI,
//! and the source follows no redirect (a redirect would carry the header to
//! another host).

use super::gst_next::NextTrack;
use super::gst_text::{self, TextChoice};
use super::{Engine, EngineError, EngineEvent, EngineState};
use anyhow::{Context, Result};
use gst::prelude::*;
use reel_core::MediaLocation;
use relm4::gtk::{gdk, gio, glib};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// Registers the GTK 4 sink with GStreamer, once per process.
pub fn init() -> Result<()> {
    static INIT: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    INIT.get_or_init(|| {
        gst::init().map_err(|e| e.to_string())?;
        gstgtk4::plugin_register_static().map_err(|e| e.to_string())
    })
    .clone()
    .map_err(|e| anyhow::anyhow!("GStreamer could not start: {e}"))
}

/// Reads GStreamer's registry on a thread of its own (once; later calls
/// find it read), then calls `done` from that thread. Started when
/// something that plays comes into view, not at start-up: a window that
/// only browses a library keeps the registry's ~9 MB out of memory
/// (measured: the grid of 50 000 items under GL, +63 MB over its floor
/// with it, +54 without).
pub fn init_in_background(done: impl FnOnce() + Send + 'static) {
    std::thread::spawn(move || {
        if let Err(e) = init() {
            tracing::warn!("{e}");
        }
        done();
    });
}

pub struct GstEngine {
    playbin: gst::Element,
    paintable: gdk::Paintable,
    inner: Rc<Inner>,
    /// The handlers that give the HTTP sources this load's token.
    source_setup: RefCell<Vec<glib::SignalHandlerId>>,
    video_sink: Option<super::video_sink::VideoSink>,
    _bus: gst::bus::BusWatchGuard,
}

pub(super) struct Inner {
    /// Where to go once the media is open (a resume or a reload).
    pub start_at: Cell<Option<u64>>,
    /// A seek asked for while it opened (where to, exactly), for after.
    pub seek_after_open: Cell<Option<(u64, bool)>>,
    /// What the user wants: playing, or paused. Buffering pauses underneath.
    pub wants_playing: Cell<bool>,
    pub buffering: Cell<bool>,
    pub rate: Cell<f64>,
    /// What a missing-plugin message named, for the error that follows it.
    pub missing: RefCell<Option<String>>,
    /// The subtitles chosen, applied whenever the media opens.
    pub text: Cell<TextChoice>,
    /// A subtitle file beside the media, loaded with it.
    pub suburi: RefCell<Option<String>>,
    /// What plays right after the current media (gapless).
    pub next: NextTrack,
    emit: Box<dyn Fn(EngineEvent)>,
}

impl Inner {
    pub fn emit(&self, e: EngineEvent) {
        (self.emit)(e)
    }
}

impl GstEngine {
    /// A video engine whose events go to `emit`, on the GTK main thread.
    pub fn new(emit: impl Fn(EngineEvent) + 'static) -> Result<Self> {
        init()?;
        let playbin = gst::ElementFactory::make("playbin").build().context("GStreamer's playbin is missing")?;
        let gtksink = gst::ElementFactory::make("gtk4paintablesink").build().context("the GTK 4 video sink")?;
        let paintable = gtksink.property::<gdk::Paintable>("paintable");
        // On the GPU when there is one (see `video_sink`).
        let video_sink = super::video_sink::VideoSink::build(&gtksink, &paintable)?;
        playbin.set_property("video-sink", &video_sink.element);
        let mut engine = Self::with_playbin(playbin, paintable, None, emit)?;
        engine.video_sink = Some(video_sink);
        Ok(engine)
    }

    /// A music engine: sound only (an album's cover in the file is not
    /// decoded), into `audio_sink` if given. Queues the next track gaplessly
    /// ([`Engine::queue_next`]).
    pub fn audio(audio_sink: Option<gst::Element>, emit: impl Fn(EngineEvent) + 'static) -> Result<Self> {
        init()?;
        let playbin = gst::ElementFactory::make("playbin").build().context("GStreamer's playbin is missing")?;
        gst_text::set_flag(&playbin, "video", false);
        gst_text::set_flag(&playbin, "text", false);
        // Streamed until told otherwise (`set_fetch_whole`, by container).
        Self::with_playbin(playbin, gdk::Paintable::new_empty(0, 0), audio_sink, emit)
    }

    fn with_playbin(
        playbin: gst::Element,
        paintable: gdk::Paintable,
        audio_sink: Option<gst::Element>,
        emit: impl Fn(EngineEvent) + 'static,
    ) -> Result<Self> {
        // Headless machines (tests, CI) have no sound card: a sink can be named.
        let audio_sink = match (audio_sink, std::env::var("REEL_AUDIO_SINK")) {
            (Some(sink), _) => Some(sink),
            (None, Ok(desc)) => {
                Some(gst::parse::bin_from_description(&desc, true).context("REEL_AUDIO_SINK")?.upcast())
            }
            (None, Err(_)) => None,
        };
        if let Some(sink) = audio_sink {
            playbin.set_property("audio-sink", &sink);
        }
        let inner = Rc::new(Inner {
            start_at: Cell::new(None),
            seek_after_open: Cell::new(None),
            wants_playing: Cell::new(true),
            buffering: Cell::new(false),
            rate: Cell::new(1.0),
            missing: RefCell::new(None),
            text: Cell::new(TextChoice::AsIs),
            suburi: RefCell::new(None),
            next: NextTrack::connect(&playbin),
            emit: Box::new(emit),
        });
        gst_text::report_changes(&playbin);
        let bus = playbin.bus().context("playbin has no bus")?;
        let (weak_bin, watch_inner) = (playbin.downgrade(), inner.clone());
        let guard = bus
            .add_watch_local(move |_, msg| {
                if let Some(bin) = weak_bin.upgrade() {
                    super::gst_messages::on_message(&bin, &watch_inner, msg);
                }
                glib::ControlFlow::Continue
            })
            .context("watching playbin's bus")?;
        Ok(Self { playbin, paintable, inner, source_setup: RefCell::new(Vec::new()), video_sink: None, _bus: guard })
    }

    // (The database is read once per thread: see `tls_database`.)
    fn set_source_headers(&self, token: &reel_core::Token, anchors: Option<std::path::PathBuf>) {
        // Called on streaming threads; it gets its own copy of the token.
        let token = token.expose().to_string();
        let user_agent = format!("Reel/{}", crate::build_info::VERSION);
        let configure = std::sync::Arc::new(move |source: &gst::Element| {
            // HTTP sources only (the media's and a sidecar subtitle's).
            if source.find_property("extra-headers").is_none() {
                return;
            }
            let headers = gst::Structure::builder("extra-headers").field("X-Plex-Token", token.as_str()).build();
            source.set_property("extra-headers", headers);
            if source.find_property("automatic-redirect").is_some() {
                source.set_property("automatic-redirect", false);
            }
            // A server silent for 10 s is tried once more, then the page
            // asks the failover (the default waits 15 s, three times over).
            if source.find_property("timeout").is_some() && source.find_property("retries").is_some() {
                source.set_property("timeout", 10u32);
                source.set_property("retries", 1i32);
            }
            // Reel trusts one CA more than the system (the core says which
            // file has them all); `ssl-ca-file` is not honoured with libsoup 3.
            // Only for TLS: reading the file into a database took ~16 ms on
            // the first Play, for nothing over plain HTTP (no redirect is
            // followed, so a source stays on its scheme).
            let secure = source.find_property("location").is_some()
                && source.property::<Option<String>>("location").is_some_and(|l| l.starts_with("https:"));
            if let (Some(path), true, true) = (&anchors, secure, source.find_property("tls-database").is_some()) {
                if let Some(db) = tls_database(path) {
                    source.set_property("tls-database", db);
                }
            }
            if source.find_property("user-agent").is_some() {
                source.set_property("user-agent", user_agent.as_str());
            }
        });
        // `source-setup` is the media's source; a subtitle file's source
        // (playbin's `suburi`) is only seen by `element-setup`.
        let ids = ["source-setup", "element-setup"].map(|signal| {
            let configure = configure.clone();
            self.playbin.connect(signal, false, move |values| {
                if let Some(element) = values.get(1).and_then(|v| v.get::<gst::Element>().ok()) {
                    configure(&element);
                }
                None
            })
        });
        // One load's handlers at a time: the previous load's token is let go.
        for old in self.source_setup.replace(ids.into()) {
            self.playbin.disconnect(old);
        }
    }
}

impl Engine for GstEngine {
    fn paintable(&self) -> gdk::Paintable {
        self.paintable.clone()
    }

    fn load(&self, location: &MediaLocation, start_ms: u64) {
        let _ = self.playbin.set_state(gst::State::Null);
        self.set_source_headers(&location.token, location.trust_anchors.clone());
        *self.inner.missing.borrow_mut() = None;
        self.inner.buffering.set(false);
        self.inner.wants_playing.set(true);
        self.inner.start_at.set(Some(start_ms));
        self.inner.seek_after_open.set(None);
        self.inner.next.reset();
        self.playbin.set_property("uri", location.url.as_str());
        // The sidecar comes from the same server, with the same token (the
        // source-setup above gives it to every source of this load).
        self.playbin.set_property("suburi", self.inner.suburi.borrow().as_deref());
        (self.inner.emit)(EngineEvent::State(EngineState::Loading));
        // Paused first: once open (async-done) it seeks to the start and plays.
        if self.playbin.set_state(gst::State::Paused).is_err() {
            (self.inner.emit)(EngineEvent::Error(EngineError::Other("the player could not open the media".into())));
        }
    }

    fn set_fetch_whole(&self, whole: bool) {
        // Taken by each new source (a load, or the track handed over next).
        gst_text::set_flag(&self.playbin, "download", whole);
    }

    fn play(&self) {
        self.inner.wants_playing.set(true);
        if !self.inner.buffering.get() {
            let _ = self.playbin.set_state(gst::State::Playing);
        }
    }

    fn pause(&self) {
        self.inner.wants_playing.set(false);
        let _ = self.playbin.set_state(gst::State::Paused);
    }

    fn stop(&self) {
        self.inner.wants_playing.set(false);
        self.inner.start_at.set(None);
        self.inner.seek_after_open.set(None);
        self.inner.next.reset();
        let _ = self.playbin.set_state(gst::State::Null);
        for old in self.source_setup.take() {
            self.playbin.disconnect(old);
        }
    }

    fn seek(&self, position_ms: u64, exact: bool) {
        // Still opening: the seek goes once the opening's own seek (to where
        // it was loaded at) is done; one now would be undone by it.
        if self.inner.start_at.get().is_some() {
            self.inner.seek_after_open.set(Some((position_ms, exact)));
            return;
        }
        seek_now(&self.playbin, &self.inner, position_ms, exact);
    }

    fn position_ms(&self) -> Option<u64> {
        self.playbin.query_position::<gst::ClockTime>().map(|t| t.mseconds())
    }

    fn duration_ms(&self) -> Option<u64> {
        self.playbin.query_duration::<gst::ClockTime>().map(|t| t.mseconds())
    }

    fn set_volume(&self, volume: f64) {
        // The slider is cubic (as loudness is heard); playbin's volume is linear.
        let linear = volume.clamp(0.0, 1.0).powi(3);
        self.playbin.set_property("volume", linear);
    }

    fn set_muted(&self, muted: bool) {
        self.playbin.set_property("mute", muted);
    }

    fn set_audio_track(&self, index: u32) {
        let n = self.playbin.property::<i32>("n-audio");
        if (index as i32) < n {
            self.playbin.set_property("current-audio", index as i32);
        }
    }

    fn set_subtitle_track(&self, index: Option<u32>) {
        let choice = index.map_or(TextChoice::Off, TextChoice::Embedded);
        self.inner.text.set(choice);
        gst_text::apply(&self.playbin, choice, self.inner.suburi.borrow().is_some());
    }

    fn set_external_subtitle(&self, subtitle: Option<&MediaLocation>) {
        *self.inner.suburi.borrow_mut() = subtitle.map(|s| s.url.to_string());
        match subtitle {
            Some(_) => self.inner.text.set(TextChoice::External),
            None if self.inner.text.get() == TextChoice::External => self.inner.text.set(TextChoice::AsIs),
            None => {}
        }
    }

    fn queue_next(&self, next: Option<&MediaLocation>) {
        if let Some(next) = next {
            // The current source already has its headers: these are for the next one.
            self.set_source_headers(&next.token, next.trust_anchors.clone());
        }
        self.inner.next.set(next.map(|n| n.url.to_string()));
    }

    fn fit_video(&self, width: i32, height: i32) {
        if let Some(sink) = &self.video_sink {
            sink.fit(width, height);
        }
    }

    fn set_rate(&self, rate: f64) {
        let rate = rate.clamp(0.5, 2.0);
        self.inner.rate.set(rate);
        if let Some(pos) = self.position_ms() {
            let flags = gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE;
            let at = gst::ClockTime::from_mseconds(pos);
            let _ = self.playbin.seek(rate, flags, gst::SeekType::Set, at, gst::SeekType::None, gst::ClockTime::NONE);
        }
    }
}

impl Drop for GstEngine {
    fn drop(&mut self) {
        let _ = self.playbin.set_state(gst::State::Null);
    }
}

thread_local! {
    /// The certificate files read, by path: Reel's file holds the system's
    /// authorities too (about 140), and reading it took milliseconds at
    /// every track. Per thread because a `GTlsDatabase` is not `Send` in
    /// gio's bindings; sources are set up on the thread that opens the
    /// media (the main thread), so in practice it is read once.
    static TLS_DATABASES: RefCell<std::collections::HashMap<std::path::PathBuf, gio::TlsDatabase>> =
        RefCell::default();
}

/// The certificate database of the file at `path`, read once per thread.
fn tls_database(path: &std::path::Path) -> Option<gio::TlsDatabase> {
    TLS_DATABASES.with(|dbs| {
        if let Some(db) = dbs.borrow().get(path) {
            return Some(db.clone());
        }
        match gio::TlsFileDatabase::new(path) {
            Ok(db) => {
                let db = db.upcast::<gio::TlsDatabase>();
                dbs.borrow_mut().insert(path.to_path_buf(), db.clone());
                Some(db)
            }
            Err(e) => {
                tracing::warn!("the trusted certificates cannot be read: {e}");
                None
            }
        }
    })
}

/// Seeks an open playbin to `position_ms`, exactly or to a keyframe.
pub(super) fn seek_now(playbin: &gst::Element, inner: &Inner, position_ms: u64, exact: bool) {
    // A flushing seek empties the buffer; its own messages say how it fills.
    inner.buffering.set(false);
    let rate = inner.rate.get();
    // Not exact: to a keyframe, on the side it goes to, so that ten
    // seconds on never lands before where it was.
    let now = playbin.query_position::<gst::ClockTime>().map(|t| t.mseconds());
    let forward = now.is_none_or(|now| position_ms >= now);
    let snap = if forward { gst::SeekFlags::SNAP_AFTER } else { gst::SeekFlags::SNAP_BEFORE };
    let flags = if exact {
        gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE
    } else {
        gst::SeekFlags::FLUSH | gst::SeekFlags::KEY_UNIT | snap
    };
    let at = gst::ClockTime::from_mseconds(position_ms);
    if rate == 1.0 {
        let _ = playbin.seek_simple(flags, at);
    } else {
        let _ = playbin.seek(rate, flags, gst::SeekType::Set, at, gst::SeekType::None, gst::ClockTime::NONE);
    }
}

/// Paused and open, the frame on screen was drawn before a change of what
/// is shown over it (the subtitles): drawn again where it is, once the
/// change has gone through (a flushing seek at once, while the stream
/// switch is under way, hung the GTK thread).
pub(super) fn redraw_if_paused(playbin: &gst::Element, inner: &Rc<Inner>) {
    let (bin, inner) = (playbin.downgrade(), Rc::downgrade(inner));
    glib::idle_add_local_once(move || {
        let (Some(bin), Some(inner)) = (bin.upgrade(), inner.upgrade()) else { return };
        let open = inner.start_at.get().is_none() && inner.seek_after_open.get().is_none();
        if open && !inner.wants_playing.get() {
            if let Some(at) = bin.query_position::<gst::ClockTime>() {
                seek_now(&bin, &inner, at.mseconds(), true);
            }
        }
    });
}
