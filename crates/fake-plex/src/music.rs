//! Real music for playback tests, benchmarks and the demo: short tones
//! made with GStreamer's own command line at test time (nothing binary in
//! the repository), and a damaged file that plays as a track would.

use crate::media::{shell_words, MediaSpec};
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a track is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Ogg Vorbis (`.ogg`): no index, no length in its header.
    Vorbis,
    /// FLAC (`.flac`): its length in its header, seekable by range.
    Flac,
}

impl Format {
    /// (container and extension, codec, GStreamer's encoder and muxer).
    fn parts(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Format::Vorbis => ("ogg", "vorbis", "vorbisenc ! oggmux"),
            Format::Flac => ("flac", "flac", "flacenc"),
        }
    }
}

/// An album's tracks: one Ogg Vorbis file of `seconds` per entry, each a
/// steady tone (220 Hz higher each track, so they are told apart by ear).
/// A whole number of seconds of a whole-Hz tone ends where the next starts,
/// on a zero crossing: played gaplessly, the sound never stops, and any
/// gap a player leaves shows as silence in what it played. Made once, in
/// `dir`.
pub fn make_album(dir: &Path, seconds: &[u32]) -> anyhow::Result<Vec<MediaSpec>> {
    make_album_as(dir, seconds, Format::Vorbis)
}

/// As [`make_album`], in `format`.
pub fn make_album_as(dir: &Path, seconds: &[u32], format: Format) -> anyhow::Result<Vec<MediaSpec>> {
    seconds.iter().enumerate().map(|(i, &s)| make_track_as(dir, s, 220 * (i as u32 + 2), format)).collect()
}

/// A track that cannot be played: bytes that are no Ogg file, served and
/// described as one (as a damaged copy on a real server is).
pub fn make_broken_track(dir: &Path) -> anyhow::Result<MediaSpec> {
    let file = dir.join("track-broken.ogg");
    // Not random: the same bytes every run.
    let bytes: Vec<u8> = (0..64 * 1024u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(&file, bytes)?;
    Ok(MediaSpec { file, ..track_spec(4, Format::Vorbis) })
}

/// How a track of `seconds` in `format` is described.
fn track_spec(seconds: u32, format: Format) -> MediaSpec {
    let (container, codec, _) = format.parts();
    MediaSpec {
        file: PathBuf::new(),
        container: container.into(),
        video_codec: String::new(),
        audio_codec: codec.into(),
        duration_ms: u64::from(seconds) * 1000,
        audio_languages: Vec::new(),
        subtitle_languages: Vec::new(),
        hls: None,
        bytes_per_second: None,
        claim_video_codec: None,
    }
}

/// One track of [`make_album`]: a `freq` Hz tone of `seconds` (stereo,
/// 44.1 kHz) in Ogg Vorbis.
pub fn make_track(dir: &Path, seconds: u32, freq: u32) -> anyhow::Result<MediaSpec> {
    make_track_as(dir, seconds, freq, Format::Vorbis)
}

/// As [`make_track`], in `format`.
pub fn make_track_as(dir: &Path, seconds: u32, freq: u32, format: Format) -> anyhow::Result<MediaSpec> {
    let (ext, _, encode) = format.parts();
    let file = dir.join(format!("track-{seconds}s-{freq}hz.{ext}"));
    if !file.exists() {
        let tmp = dir.join(format!(".track-{seconds}s-{freq}hz-{ext}.{}.part", std::process::id()));
        // 441 samples a buffer: a whole number of buffers is exactly the length.
        let pipeline = format!(
            "audiotestsrc wave=sine freq={freq} num-buffers={} samplesperbuffer=441 \
             ! audio/x-raw,rate=44100,channels=2 ! audioconvert ! {encode} ! filesink location={}",
            seconds * 100,
            tmp.display()
        );
        let out =
            Command::new("gst-launch-1.0").arg("-q").args(shell_words(&pipeline)).output().map_err(|e| {
                anyhow::anyhow!("gst-launch-1.0 is needed to make test media (gstreamer1.0-tools): {e}")
            })?;
        if !out.status.success() {
            anyhow::bail!("making {} failed: {}", file.display(), String::from_utf8_lossy(&out.stderr));
        }
        std::fs::rename(&tmp, &file)?;
    }
    Ok(MediaSpec { file, ..track_spec(seconds, format) })
}
