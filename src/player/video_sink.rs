//! Where a video's frames are converted for GTK: on the GPU (`glsinkbin`
//! hands GL textures to `gtk4paintablesink`) or on the CPU (`videoconvert`
//! hands it memory). The GPU is the better place when there is one. GL that
//! is drawn in software (Mesa's llvmpipe: virtual machines, remote desktops,
//! machines without a driver) is not: measured on llvmpipe, converting on
//! the CPU took half the CPU time of the GL path for a 1080p clip (15.6 s
//! against 28.9 s over 15 s of playing), and it uses less memory. And when
//! GTK itself does not draw with GL (`GSK_RENDERER=cairo`) GL textures must
//! be read back, which GTK 4.8 does not do for the sink's textures (the
//! picture stays a flat colour).
//!
//! `REEL_VIDEO_CONVERT=gl|cpu` overrides the choice (for tests of both
//! paths, and for a driver that reports itself wrongly).

use anyhow::{Context, Result};
use gst::prelude::*;
use relm4::gtk::gdk;
use relm4::gtk::prelude::*;

/// Where frames are converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convert {
    Gl,
    Cpu,
}

/// What the choice rests on: the override, the renderer GTK was told to
/// use, whether the sink has a GL context and what GL calls its renderer.
#[derive(Debug, Default)]
pub struct Facts<'a> {
    pub forced: Option<&'a str>,
    pub gsk_renderer: Option<&'a str>,
    pub has_gl_context: bool,
    pub gl_renderer: Option<&'a str>,
}

pub fn choose(f: &Facts) -> Convert {
    match f.forced.map(str::to_ascii_lowercase).as_deref() {
        Some("gl") if f.has_gl_context => return Convert::Gl,
        Some("cpu") => return Convert::Cpu,
        _ => {}
    }
    if !f.has_gl_context {
        return Convert::Cpu;
    }
    // GTK draws with GL unless told otherwise (and then has no GL context to
    // give the sink when GL does not work).
    if f.gsk_renderer.is_some_and(|r| !matches!(r.to_ascii_lowercase().as_str(), "" | "gl" | "ngl" | "opengl")) {
        return Convert::Cpu;
    }
    match f.gl_renderer.map(str::to_ascii_lowercase) {
        Some(r) if ["llvmpipe", "softpipe", "swrast", "software"].iter().any(|s| r.contains(s)) => Convert::Cpu,
        _ => Convert::Gl,
    }
}

/// The video sink for playbin, drawing into `gtksink`'s paintable.
pub struct VideoSink {
    pub element: gst::Element,
    /// On the CPU, the frames are made no bigger than the picture shows
    /// them (see [`VideoSink::fit`]).
    fit: Option<gst::Element>,
    fitted: std::cell::Cell<(i32, i32)>,
}

impl VideoSink {
    pub fn build(gtksink: &gst::Element, paintable: &gdk::Paintable) -> Result<Self> {
        let context = paintable.property::<Option<gdk::GLContext>>("gl-context");
        let forced = std::env::var("REEL_VIDEO_CONVERT").ok();
        let gsk_renderer = std::env::var("GSK_RENDERER").ok();
        let gl_renderer = context.as_ref().and_then(renderer_name);
        let convert = choose(&Facts {
            forced: forced.as_deref(),
            gsk_renderer: gsk_renderer.as_deref(),
            has_gl_context: context.is_some(),
            gl_renderer: gl_renderer.as_deref(),
        });
        tracing::debug!(?convert, gl_renderer = gl_renderer.as_deref().unwrap_or("none"), "video conversion");
        let (element, fit) = match convert {
            Convert::Gl => {
                let sink = gst::ElementFactory::make("glsinkbin").property("sink", gtksink).build();
                (sink.context("glsinkbin")?, None)
            }
            Convert::Cpu => {
                let (bin, fit) = cpu_bin(gtksink)?;
                (bin, Some(fit))
            }
        };
        Ok(Self { element, fit, fitted: std::cell::Cell::new((0, 0)) })
    }

    /// The picture is `width`×`height` device pixels: frames bigger than
    /// that are scaled down to fit (their shape kept) when converted, as
    /// GTK would scale them when drawing. A 1080p frame in a 1100×620
    /// picture is 2.7 MB instead of 8.3 MB: less to convert, to hold and to
    /// upload, frame after frame. Never scaled up; GL frames are left as
    /// they are (the GPU scales them).
    pub fn fit(&self, width: i32, height: i32) {
        let Some(fit) = &self.fit else { return };
        if width <= 0 || height <= 0 {
            return;
        }
        // In steps of 64 pixels, rounded up: a window being resized does
        // not ask for new frames at every pixel.
        let step = |v: i32| (v + 63) / 64 * 64;
        let size = (step(width), step(height));
        if self.fitted.replace(size) != size {
            fit_caps(fit, size);
        }
    }
}

/// Converted (and scaled) on the CPU into `sink`, through a capsfilter
/// that says how big frames may be; returns the bin and that filter.
fn cpu_bin(sink: &gst::Element) -> Result<(gst::Element, gst::Element)> {
    // Scaled and converted in one pass (GStreamer 1.22), else in two.
    let make = |name: &str| gst::ElementFactory::make(name).build().with_context(|| name.to_string());
    let steps = match make("videoconvertscale") {
        Ok(both) => vec![both],
        Err(_) => vec![make("videoscale")?, make("videoconvert")?],
    };
    let fit = make("capsfilter")?;
    let bin = gst::Bin::default();
    let chain: Vec<&gst::Element> = steps.iter().chain([&fit, sink]).collect();
    bin.add_many(chain.iter().copied())?;
    gst::Element::link_many(chain.iter().copied())?;
    let pad = steps[0].static_pad("sink").context("videoconvert has no sink pad")?;
    bin.add_pad(&gst::GhostPad::with_target(&pad)?)?;
    Ok((bin.upcast(), fit))
}

fn fit_caps(fit: &gst::Element, (width, height): (i32, i32)) {
    let caps = gst::Caps::builder("video/x-raw")
        .field("width", gst::IntRange::new(1, width))
        .field("height", gst::IntRange::new(1, height))
        .build();
    fit.set_property("caps", &caps);
}

/// What GL calls its renderer ("llvmpipe (LLVM 15.0.6, 256 bits)", "AMD
/// Radeon …"), read once per process with the sink's context current.
fn renderer_name(context: &gdk::GLContext) -> Option<String> {
    thread_local! {
        static NAME: std::cell::OnceCell<Option<String>> = const { std::cell::OnceCell::new() };
    }
    NAME.with(|name| name.get_or_init(|| read_renderer(context)).clone())
}

fn read_renderer(context: &gdk::GLContext) -> Option<String> {
    const GL_RENDERER: u32 = 0x1F01;
    type GetString = unsafe extern "C" fn(u32) -> *const std::ffi::c_char;
    // GTK calls GL through libepoxy, which it links: its `epoxy_glGetString`
    // is a pointer to the function for the current context.
    // SAFETY: the symbol, when present, is libepoxy's exported function
    // pointer of that type; it is read, not written.
    let get_string: GetString = unsafe {
        let symbol = libc::dlsym(libc::RTLD_DEFAULT, c"epoxy_glGetString".as_ptr());
        if symbol.is_null() {
            return None;
        }
        *(symbol as *const GetString)
    };
    let previous = gdk::GLContext::current();
    context.make_current();
    // SAFETY: a context is current on this thread; glGetString returns a
    // static NUL-terminated string or NULL.
    let name = unsafe {
        let s = get_string(GL_RENDERER);
        (!s.is_null()).then(|| std::ffi::CStr::from_ptr(s).to_string_lossy().into_owned())
    };
    match previous {
        Some(p) => p.make_current(),
        None => gdk::GLContext::clear_current(),
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The size real GStreamer gives a 1080p frame through the CPU bin,
    /// the filter set as `fit` sets it (None: left as it is).
    /// Width and height, and the shape shown (width × pixel aspect / height).
    fn negotiated(box_size: Option<(i32, i32)>) -> ((i32, i32), f64) {
        crate::player::gst_engine::init().expect("GStreamer");
        let pipeline =
            gst::parse::launch("videotestsrc num-buffers=1 ! video/x-raw,width=1920,height=1080 ! queue name=q")
                .expect("pipeline")
                .downcast::<gst::Pipeline>()
                .expect("a pipeline");
        let sink = gst::ElementFactory::make("fakesink").build().expect("fakesink");
        let (bin, fit) = cpu_bin(&sink).expect("the CPU bin");
        if let Some(size) = box_size {
            fit_caps(&fit, size);
        }
        pipeline.add(&bin).expect("added");
        pipeline.by_name("q").expect("queue").link(&bin).expect("linked");
        pipeline.set_state(gst::State::Playing).expect("plays");
        let bus = pipeline.bus().expect("bus");
        let done =
            bus.timed_pop_filtered(gst::ClockTime::from_seconds(10), &[gst::MessageType::Eos, gst::MessageType::Error]);
        assert!(matches!(done.as_ref().map(|m| m.view()), Some(gst::MessageView::Eos(_))), "{done:?}");
        let caps = sink.static_pad("sink").and_then(|p| p.current_caps()).expect("negotiated");
        let s = caps.structure(0).expect("a structure");
        let size = (s.get::<i32>("width").expect("width"), s.get::<i32>("height").expect("height"));
        let par = s.get::<gst::Fraction>("pixel-aspect-ratio").map_or(1.0, |f| f.numer() as f64 / f.denom() as f64);
        let _ = pipeline.set_state(gst::State::Null);
        (size, size.0 as f64 * par / size.1 as f64)
    }

    #[test]
    fn frames_on_the_cpu_are_no_bigger_than_the_picture_and_keep_their_shape() {
        let sixteen_ninths = |shape: f64| (shape - 16.0 / 9.0).abs() < 0.01;
        assert_eq!(negotiated(None).0, (1920, 1080));
        // A 1100×620 picture (in steps of 64: 1152×640): scaled down, the
        // picture still 16:9 as shown (GStreamer may keep it through the
        // pixel aspect, which the sink honours).
        let ((w, h), shape) = negotiated(Some((1152, 640)));
        assert!(w <= 1152 && h <= 640, "{w}x{h}");
        assert!(sixteen_ninths(shape), "{w}x{h} shown {shape}");
        // Bigger than the video: never scaled up.
        let (size, shape) = negotiated(Some((3840, 2176)));
        assert!(size == (1920, 1080) && sixteen_ninths(shape), "{size:?} {shape}");
    }

    fn facts<'a>(gl_renderer: Option<&'a str>) -> Facts<'a> {
        Facts { has_gl_context: true, gl_renderer, ..Facts::default() }
    }

    #[test]
    fn a_gpu_converts_and_software_gl_leaves_it_to_the_cpu() {
        assert_eq!(choose(&facts(Some("AMD Radeon RX 6600 (radeonsi, navi23, LLVM 15.0.6)"))), Convert::Gl);
        assert_eq!(choose(&facts(Some("Mesa Intel(R) UHD Graphics 620 (KBL GT2)"))), Convert::Gl);
        assert_eq!(choose(&facts(Some("llvmpipe (LLVM 15.0.6, 256 bits)"))), Convert::Cpu);
        assert_eq!(choose(&facts(Some("softpipe"))), Convert::Cpu);
        // Not known: the GPU is trusted, as before.
        assert_eq!(choose(&facts(None)), Convert::Gl);
    }

    #[test]
    fn no_gl_or_gtk_without_gl_converts_on_the_cpu() {
        assert_eq!(choose(&Facts { has_gl_context: false, ..facts(Some("AMD Radeon")) }), Convert::Cpu);
        assert_eq!(choose(&Facts { gsk_renderer: Some("cairo"), ..facts(Some("AMD Radeon")) }), Convert::Cpu);
        assert_eq!(choose(&Facts { gsk_renderer: Some("gl"), ..facts(Some("AMD Radeon")) }), Convert::Gl);
    }

    #[test]
    fn the_override_wins_but_gl_needs_a_context() {
        assert_eq!(choose(&Facts { forced: Some("gl"), ..facts(Some("llvmpipe")) }), Convert::Gl);
        assert_eq!(choose(&Facts { forced: Some("CPU"), ..facts(Some("AMD Radeon")) }), Convert::Cpu);
        assert_eq!(choose(&Facts { forced: Some("gl"), has_gl_context: false, ..Facts::default() }), Convert::Cpu);
        // Nonsense is ignored.
        assert_eq!(choose(&Facts { forced: Some("fast"), ..facts(Some("llvmpipe")) }), Convert::Cpu);
    }
}
