//! What this machine's GStreamer can decode, asked of its registry (a
//! demuxer for the container, a decoder for each codec), so the core's
//! direct-play decision rests on what is installed, not on a guess.

use reel_core::playback::{Capabilities, Format};

/// Plex's name for a format → the caps GStreamer's elements take it as.
/// None: a name Reel does not know, which is then not direct-played.
pub fn caps_of(format: &Format) -> Option<&'static str> {
    Some(match format {
        Format::Container(c) => match c.as_str() {
            "mkv" | "webm" => "video/x-matroska",
            "mp4" | "m4v" | "m4a" | "mov" => "video/quicktime",
            "avi" => "video/x-msvideo",
            "ogg" | "ogv" => "application/ogg",
            "mpegts" | "ts" | "m2ts" => "video/mpegts, systemstream=(boolean)true",
            "mpeg" | "mpg" => "video/mpeg, systemstream=(boolean)true",
            "flv" => "video/x-flv",
            "wmv" | "asf" => "video/x-ms-asf",
            _ => return None,
        },
        Format::Video(c) => match c.as_str() {
            "h264" => "video/x-h264",
            "hevc" | "h265" => "video/x-h265",
            "vp8" => "video/x-vp8",
            "vp9" => "video/x-vp9",
            "av1" => "video/x-av1",
            "theora" => "video/x-theora",
            "mpeg4" => "video/mpeg, mpegversion=(int)4, systemstream=(boolean)false",
            "mpeg2video" => "video/mpeg, mpegversion=(int)2, systemstream=(boolean)false",
            "mpeg1video" => "video/mpeg, mpegversion=(int)1, systemstream=(boolean)false",
            "vc1" => "video/x-wmv, wmvversion=(int)3, format=(string)WVC1",
            _ => return None,
        },
        Format::Audio(c) => match c.as_str() {
            "aac" => "audio/mpeg, mpegversion=(int)4",
            "mp3" => "audio/mpeg, mpegversion=(int)1, layer=(int)3",
            "mp2" => "audio/mpeg, mpegversion=(int)1, layer=(int)2",
            "ac3" => "audio/x-ac3",
            "eac3" => "audio/x-eac3",
            "dca" | "dts" => "audio/x-dts",
            "truehd" => "audio/x-true-hd",
            "flac" => "audio/x-flac",
            "vorbis" => "audio/x-vorbis",
            "opus" => "audio/x-opus",
            "alac" => "audio/x-alac",
            "pcm" => "audio/x-raw",
            _ => return None,
        },
    })
}

/// GStreamer's registry, as installed here.
pub struct GstCapabilities;

/// Music files that are one audio stream with no container around it: a
/// parser and the codec's decoder play them, no demuxer.
fn bare_audio(container: &str) -> Option<&'static str> {
    Some(match container {
        "mp3" => "mp3",
        "flac" => "flac",
        "aac" | "adts" => "aac",
        "wav" => "pcm",
        _ => return None,
    })
}

impl Capabilities for GstCapabilities {
    fn can_decode(&self, format: &Format) -> bool {
        // Read once it is first needed (see `gst_engine::init_in_background`).
        if crate::player::gst_engine::init().is_err() {
            return false;
        }
        if let Some(codec) = match format {
            Format::Container(c) => bare_audio(c),
            _ => None,
        } {
            return self.can_decode(&Format::Audio(codec.into()));
        }
        let Some(caps) = caps_of(format).and_then(|c| c.parse::<gst::Caps>().ok()) else {
            return false;
        };
        if format == &Format::Audio("pcm".into()) {
            return true;
        }
        let kind = match format {
            Format::Container(_) => gst::ElementFactoryType::DEMUXER,
            _ => gst::ElementFactoryType::DECODER,
        };
        gst::ElementFactory::factories_with_type(kind, gst::Rank::MARGINAL).iter().any(|f| f.can_sink_any_caps(&caps))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against the real registry: what Debian's base, good and libav plugins
    /// (installed by the setup script) decode, and what nothing decodes.
    #[test]
    fn the_registry_is_asked() {
        crate::player::gst_engine::init().unwrap();
        let caps = GstCapabilities;
        for f in [
            Format::Container("mkv".into()),
            Format::Container("ogg".into()),
            // Music: a bare stream is its codec's to play.
            Format::Container("flac".into()),
            Format::Container("wav".into()),
            Format::Video("vp8".into()),
            Format::Video("theora".into()),
            Format::Audio("vorbis".into()),
            Format::Audio("opus".into()),
            Format::Video("h264".into()),
        ] {
            assert!(caps.can_decode(&f), "{f:?} should be decodable here");
        }
        for f in [Format::Video("made-up-codec".into()), Format::Container("zzz".into())] {
            assert!(!caps.can_decode(&f), "{f:?}");
        }
    }

    #[test]
    fn every_known_name_parses_as_caps() {
        gst::init().unwrap();
        let names = ["mkv", "mp4", "avi", "ogg", "mpegts", "mpeg", "flv", "wmv"];
        for n in names {
            let caps = caps_of(&Format::Container(n.into())).unwrap();
            assert!(caps.parse::<gst::Caps>().is_ok(), "{caps}");
        }
        for n in ["h264", "hevc", "vp8", "vp9", "av1", "theora", "mpeg4", "mpeg2video", "mpeg1video", "vc1"] {
            assert!(caps_of(&Format::Video(n.into())).unwrap().parse::<gst::Caps>().is_ok(), "{n}");
        }
        for n in ["aac", "mp3", "mp2", "ac3", "eac3", "dca", "truehd", "flac", "vorbis", "opus", "alac", "pcm"] {
            assert!(caps_of(&Format::Audio(n.into())).unwrap().parse::<gst::Caps>().is_ok(), "{n}");
        }
    }
}
