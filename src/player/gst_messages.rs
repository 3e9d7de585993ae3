//! What playbin says on its bus, turned into [`EngineEvent`]s on the GTK
//! thread: state changes as the user would name them, errors typed, the
//! buffer filling, the open-time seek, and the next track of a gapless
//! queue starting.

use super::gst_engine::Inner;
use super::gst_text;
use super::{EngineError, EngineEvent, EngineState};
use gst::prelude::*;

/// Whether a message comes from playbin's source element (uridecodebin
/// names it `source`): what fetches the media.
fn from_source(msg: &gst::Message) -> bool {
    msg.src().is_some_and(|s| s.name() == "source")
}

pub(super) fn on_message(bin: &gst::Element, inner: &std::rc::Rc<Inner>, msg: &gst::Message) {
    use gst::MessageView;
    match msg.view() {
        // playbin ends only when no next track was handed over in time.
        MessageView::Eos(_) => inner.emit(EngineEvent::Ended),
        MessageView::StreamStart(_) if inner.next.started() => {
            inner.emit(EngineEvent::NextStarted);
            if let Some(d) = bin.query_duration::<gst::ClockTime>() {
                inner.emit(EngineEvent::DurationKnown(d.mseconds()));
            }
        }
        MessageView::Error(err) => {
            let e = err.error();
            let text = e.message().to_string();
            let missing = inner.missing.borrow_mut().take();
            // souphttpsrc names the status it got in the error's details.
            let status = err.details().and_then(|d| d.get::<u32>("http-status-code").ok()).filter(|c| *c >= 400);
            let kind = if let Some(code) = status {
                EngineError::Http(u16::try_from(code).unwrap_or(u16::MAX))
            } else if let Some(name) = missing {
                EngineError::MissingCodec(name)
            } else if e.matches(gst::StreamError::CodecNotFound) || e.matches(gst::CoreError::MissingPlugin) {
                EngineError::MissingCodec(text)
            } else if e.is::<gst::ResourceError>() || from_source(msg) {
                // The HTTP source failing (refused, reset, TLS, an HTTP error)
                // is the network's doing, not the file's.
                EngineError::Network(text)
            } else if e.is::<gst::StreamError>() {
                EngineError::Decode(text)
            } else {
                EngineError::Other(text)
            };
            // The debug string can hold the URI; the URI holds no token.
            tracing::warn!("playback failed: {kind:?} ({:?})", err.debug());
            let _ = bin.set_state(gst::State::Null);
            // A track handed over and failing before it started: the
            // failure is its own (a broken file next in an album), so it is
            // told as started first. (The one before failing in its last
            // second after the handover would be blamed on this one: rare,
            // and what follows, a retry or a skip, suits both.)
            if inner.next.started() {
                inner.emit(EngineEvent::NextStarted);
            }
            // Stopped or not is the page's call: it may go on elsewhere.
            inner.emit(EngineEvent::Error(kind));
        }
        MessageView::Application(a) if gst_text::is_change(a) => {
            // A sidecar's stream is often known only after the media
            // opened, and its change may be told before or after the open
            // ends: chosen whenever it comes. Once open, a paused frame is
            // drawn again with it (while opening, the open draws it).
            let changed = gst_text::apply(bin, inner.text.get(), inner.suburi.borrow().is_some());
            if changed && inner.start_at.get().is_none() {
                super::gst_engine::redraw_if_paused(bin, inner);
            }
        }
        MessageView::Element(el) => {
            if let Some(s) = el.structure().filter(|s| s.name() == "missing-plugin") {
                let name = s.get::<String>("name").ok().or_else(|| s.get::<String>("detail").ok());
                *inner.missing.borrow_mut() = name;
            }
        }
        MessageView::Buffering(b) => {
            let percent = b.percent();
            inner.emit(EngineEvent::Buffering(percent));
            // Pause while the buffer fills; go on when it is full and the
            // user still wants to watch.
            if percent < 100 && !inner.buffering.get() {
                inner.buffering.set(true);
                let _ = bin.set_state(gst::State::Paused);
            } else if percent >= 100 && inner.buffering.get() {
                inner.buffering.set(false);
                if inner.wants_playing.get() {
                    let _ = bin.set_state(gst::State::Playing);
                }
            }
        }
        MessageView::AsyncDone(_) => {
            crate::probe!(mark("engine open (async-done)"));
            if let Some(at) = inner.start_at.take() {
                // Open: its streams are known, the subtitles chosen can be shown.
                gst_text::apply(bin, inner.text.get(), inner.suburi.borrow().is_some());
                // Exactly where it was: a reload (subtitles, failover) that
                // went back to the keyframe before would replay seconds.
                let flags = gst::SeekFlags::FLUSH | gst::SeekFlags::ACCURATE;
                // From the start at normal speed nothing needs seeking (and
                // nothing pauses). A reload keeps the speed chosen: the rate
                // goes with the seek.
                let (rate, to) = (inner.rate.get(), gst::ClockTime::from_mseconds(at));
                let seeks = rate != 1.0 || at > 0;
                let sought = if rate != 1.0 {
                    bin.seek(rate, flags, gst::SeekType::Set, to, gst::SeekType::None, gst::ClockTime::NONE)
                } else if seeks {
                    bin.seek_simple(flags, to)
                } else {
                    Ok(())
                };
                if sought.is_err() {
                    tracing::warn!("could not start at {at} ms at {rate}×");
                }
                // Nothing sought, nothing to wait for: a seek asked for
                // while it opened goes now.
                if !seeks {
                    if let Some((to, exact)) = inner.seek_after_open.take() {
                        super::gst_engine::seek_now(bin, inner, to, exact);
                    }
                }
                if inner.wants_playing.get() && !inner.buffering.get() {
                    let _ = bin.set_state(gst::State::Playing);
                } else if !inner.wants_playing.get() && !seeks {
                    // Opened paused with nothing to seek: no state change
                    // follows to say it is open.
                    inner.emit(EngineEvent::State(EngineState::Paused));
                }
            } else if let Some((to, exact)) = inner.seek_after_open.take() {
                // The opening's seek is done: the one asked for meanwhile.
                super::gst_engine::seek_now(bin, inner, to, exact);
            }
        }
        MessageView::DurationChanged(_) => {
            if let Some(d) = bin.query_duration::<gst::ClockTime>() {
                inner.emit(EngineEvent::DurationKnown(d.mseconds()));
            }
        }
        MessageView::StateChanged(sc) if sc.src() == Some(bin.upcast_ref()) => {
            if sc.current() == gst::State::Paused && sc.old() == gst::State::Ready {
                if let Some(d) = bin.query_duration::<gst::ClockTime>() {
                    inner.emit(EngineEvent::DurationKnown(d.mseconds()));
                }
            }
            if let Some(state) = settled(bin, inner) {
                inner.emit(EngineEvent::State(state));
            }
        }
        _ => {}
    }
}

/// Where playbin is, as the user would name it, once it has settled there:
/// opening, playing, or paused by them. A pause underneath (buffering, a
/// seek landing) is not a change, and stopping is told by whoever stops
/// (`stop`, the end, an error). The bus is read late on a busy machine, so
/// a message may tell of a state the pipeline has left since (playing, from
/// before a pause the user asked for): what counts is where it is now.
fn settled(bin: &gst::Element, inner: &Inner) -> Option<EngineState> {
    let (_, now, pending) = bin.state(gst::ClockTime::ZERO);
    if pending != gst::State::VoidPending {
        return None;
    }
    match now {
        gst::State::Playing if inner.wants_playing.get() => Some(EngineState::Playing),
        gst::State::Paused if inner.start_at.get().is_some() => Some(EngineState::Loading),
        gst::State::Paused if !inner.wants_playing.get() => Some(EngineState::Paused),
        _ => None,
    }
}
