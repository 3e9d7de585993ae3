//! Gapless: the next track handed to playbin before the current one ends.
//! playbin asks for it on `about-to-finish`, on a streaming thread, while
//! the current track's last second is still to be played; a URI set there
//! plays right after it in the same stream of audio: no gap, no restart of
//! the pipeline (which is what loading it at the end costs).

use gst::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

/// The next track's URI, shared with playbin's streaming threads.
#[derive(Default)]
pub struct NextTrack {
    next: Arc<Mutex<Option<String>>>,
    /// Handed to playbin and not yet started.
    handed: Arc<AtomicBool>,
}

impl NextTrack {
    /// Listens to `playbin`'s `about-to-finish`.
    pub fn connect(playbin: &gst::Element) -> Self {
        let me = NextTrack::default();
        let (next, handed) = (me.next.clone(), me.handed.clone());
        playbin.connect("about-to-finish", false, move |values| {
            let bin = values.first().and_then(|v| v.get::<gst::Element>().ok())?;
            let uri = next.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(uri) = uri {
                bin.set_property("uri", uri.as_str());
                handed.store(true, Ordering::SeqCst);
            }
            None
        });
        me
    }

    /// What plays once the current track ends; None: nothing (playback ends).
    pub fn set(&self, uri: Option<String>) {
        *self.next.lock().unwrap_or_else(PoisonError::into_inner) = uri;
    }

    /// Another load: nothing handed over counts any more.
    pub fn reset(&self) {
        self.set(None);
        self.handed.store(false, Ordering::SeqCst);
    }

    /// At a stream start: whether it is the track handed over starting
    /// (the first stream of a load is not).
    pub fn started(&self) -> bool {
        self.handed.swap(false, Ordering::SeqCst)
    }
}
