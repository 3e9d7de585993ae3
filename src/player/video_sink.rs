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
    pub convert: Convert,
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
                // Scaled and converted in one pass (GStreamer 1.22), else
                // in two; then no bigger than the caps allow.
                let make = |name: &str| gst::ElementFactory::make(name).build().with_context(|| name.to_string());
                let steps = match make("videoconvertscale") {
                    Ok(both) => vec![both],
                    Err(_) => vec![make("videoscale")?, make("videoconvert")?],
                };
                let fit = make("capsfilter")?;
                let bin = gst::Bin::default();
                let chain: Vec<&gst::Element> = steps.iter().chain([&fit, gtksink]).collect();
                bin.add_many(chain.iter().copied())?;
                gst::Element::link_many(chain.iter().copied())?;
                let pad = steps[0].static_pad("sink").context("videoconvert has no sink pad")?;
                bin.add_pad(&gst::GhostPad::with_target(&pad)?)?;
                (bin.upcast(), Some(fit))
            }
        };
        Ok(Self { element, convert, fit, fitted: std::cell::Cell::new((0, 0)) })
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
        if self.fitted.replace(size) == size {
            return;
        }
        let caps = gst::Caps::builder("video/x-raw")
            .field("width", gst::IntRange::new(1, size.0))
            .field("height", gst::IntRange::new(1, size.1))
            .build();
        fit.set_property("caps", &caps);
    }
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
