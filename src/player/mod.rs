//! The playback engine behind a small trait: the player page drives an
//! [`Engine`] and hears [`EngineEvent`]s; [`gst_engine`] is the GStreamer
//! one (`playbin`, video into `gtk4paintablesink`). Another engine could be
//! added without touching the page.

pub mod capabilities;
pub mod gst_engine;
mod gst_messages;
mod gst_next;
mod gst_text;
pub mod mpris;
pub mod video_sink;

use reel_core::MediaLocation;
use relm4::gtk::gdk;

// The engine's events are plain data of the core's: its playback session
// runs on them.
pub use reel_core::playback::{EngineError, EngineEvent, EngineState};

/// Whether media in `container` is best fetched whole before it plays.
/// Ogg has no index and no length in its header: streamed, GStreamer
/// guessed a 4 s track's length as 1.5 s and landed a seek to 1.5 s at
/// 0.5 s (measured); fetched whole, both are exact. Every other container
/// (FLAC, MP3, MP4/AAC, Matroska…) says its length and seeks by range, so it
/// is streamed: fetched whole, a track over a slow connection would not
/// start until all of it had come (a 20 s track sent at 1.5× its pace
/// started after 14 s), and a connection dying mid-track could not be
/// resumed elsewhere by range.
pub fn fetched_whole(container: Option<&str>) -> bool {
    matches!(container.map(str::to_ascii_lowercase).as_deref(), Some("ogg" | "oga" | "opus"))
}

/// What the player page asks of an engine. Positions in milliseconds.
pub trait Engine {
    /// What shows the video; stays the same for the engine's life.
    fn paintable(&self) -> gdk::Paintable;
    /// Opens `location` and starts playing from `start_ms`. Anything
    /// queued is forgotten.
    fn load(&self, location: &MediaLocation, start_ms: u64);
    /// What plays when the current media ends, with no gap (an album's next
    /// track; from the same server); None: nothing. Queue it early: it is
    /// taken about a second before the end.
    fn queue_next(&self, next: Option<&MediaLocation>);
    /// Whether what is loaded or queued from now on is fetched whole before
    /// it plays (see [`fetched_whole`]), or streamed.
    fn set_fetch_whole(&self, whole: bool);
    fn play(&self);
    fn pause(&self);
    /// Stops and lets go of the media (and the connection).
    fn stop(&self);
    /// To `position_ms`: `exact` lands there (decoding from the keyframe
    /// before); otherwise on the nearest keyframe, which is faster (scrubbing,
    /// the arrow keys).
    fn seek(&self, position_ms: u64, exact: bool);
    fn position_ms(&self) -> Option<u64>;
    fn duration_ms(&self) -> Option<u64>;
    /// 0.0–1.0, as the volume button shows it (cubic, as people hear it).
    fn set_volume(&self, volume: f64);
    fn set_muted(&self, muted: bool);
    /// Playback speed, 0.5–2.0.
    fn set_rate(&self, rate: f64);
    /// The video is shown `width`×`height` device pixels big (an engine
    /// may make its frames no bigger).
    fn fit_video(&self, _width: i32, _height: i32) {}
    /// The `index`-th audio track of the file.
    fn set_audio_track(&self, index: u32);
    /// The `index`-th subtitle track of the file; None: no subtitles.
    fn set_subtitle_track(&self, index: Option<u32>);
    /// A subtitle file beside the media on the server: loaded with the
    /// media from the next `load` on, and shown; None: no such file.
    fn set_external_subtitle(&self, subtitle: Option<&MediaLocation>);
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_ogg_is_fetched_whole() {
        assert!(super::fetched_whole(Some("ogg")) && super::fetched_whole(Some("OGG")));
        assert!(super::fetched_whole(Some("opus")));
        for streamed in [Some("flac"), Some("mp3"), Some("mp4"), Some("mkv"), None] {
            assert!(!super::fetched_whole(streamed), "{streamed:?}");
        }
    }
}
