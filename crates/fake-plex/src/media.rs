//! Real media for playback tests and the demo: clips made with GStreamer's
//! own command line at test time (nothing binary in the repository), and
//! how a server describes and serves them.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A media file every movie and episode of a server plays.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MediaSpec {
    pub file: PathBuf,
    /// In Plex's words: `mkv`, `webm`, `ogg`…
    pub container: String,
    pub video_codec: String,
    pub audio_codec: String,
    pub duration_ms: u64,
    /// Each audio track's language (ISO 639-2), in the file's order.
    #[serde(default)]
    pub audio_languages: Vec<String>,
    /// Say the file is in a codec no player has (so a client must ask the
    /// transcoder), while serving the same bytes.
    #[serde(default)]
    pub claim_video_codec: Option<String>,
}

/// Makes a clip of `seconds` with a moving picture (so two screenshots
/// differ) and one audio track per language (a different tone each), VP8
/// and Vorbis in Matroska: decoded by GStreamer's good plugins.
pub fn make_clip(dir: &Path, seconds: u32, languages: &[&str]) -> anyhow::Result<MediaSpec> {
    let file = dir.join(format!("clip-{seconds}s-{}a.mkv", languages.len()));
    if !file.exists() {
        let fps = 25;
        let tmp = dir.join(format!(".{}.part", file.file_name().and_then(|n| n.to_str()).unwrap_or("clip")));
        let mut pipeline = format!(
            "videotestsrc pattern=ball num-buffers={} ! video/x-raw,width=320,height=180,framerate={fps}/1 \
             ! videoconvert ! vp8enc deadline=1 cpu-used=8 \
             ! matroskamux name=mux ! filesink location={}",
            seconds * fps,
            tmp.display()
        );
        for (i, _) in languages.iter().enumerate() {
            pipeline.push_str(&format!(
                " audiotestsrc freq={} num-buffers={} samplesperbuffer=1000 ! audio/x-raw,rate=44100,channels=2 \
                 ! audioconvert ! vorbisenc ! mux.",
                440 * (i + 1),
                seconds as u64 * 44100 / 1000
            ));
        }
        let args: Vec<String> = shell_words(&pipeline);
        let out =
            Command::new("gst-launch-1.0").arg("-q").args(&args).output().map_err(|e| {
                anyhow::anyhow!("gst-launch-1.0 is needed to make test media (gstreamer1.0-tools): {e}")
            })?;
        if !out.status.success() {
            anyhow::bail!("making {} failed: {}", file.display(), String::from_utf8_lossy(&out.stderr));
        }
        std::fs::rename(&tmp, &file)?;
    }
    Ok(MediaSpec {
        file,
        container: "mkv".into(),
        video_codec: "vp8".into(),
        audio_codec: "vorbis".into(),
        duration_ms: u64::from(seconds) * 1000,
        audio_languages: languages.iter().map(|l| l.to_string()).collect(),
        claim_video_codec: None,
    })
}

/// gst-launch's arguments: split on spaces outside double quotes.
fn shell_words(s: &str) -> Vec<String> {
    let (mut out, mut cur, mut quoted) = (Vec::new(), String::new(), false);
    for c in s.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            ' ' if !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            _ => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A range that asks for nothing the file has (answered with 416).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsatisfiable;

/// The bytes (first and last, inclusive) a `Range: bytes=a-b` header asks
/// of a body of `len` bytes; `None` without a range (the whole body).
pub fn byte_range(range: Option<&str>, len: usize) -> Result<Option<(usize, usize)>, Unsatisfiable> {
    let Some(spec) = range.and_then(|r| r.trim().strip_prefix("bytes=")) else { return Ok(None) };
    let (a, b) = spec.split_once('-').ok_or(Unsatisfiable)?;
    let (start, end) = match (a.trim(), b.trim()) {
        ("", suffix) => {
            let n: usize = suffix.parse().map_err(|_| Unsatisfiable)?;
            (len.saturating_sub(n), len.saturating_sub(1))
        }
        (a, "") => (a.parse().map_err(|_| Unsatisfiable)?, len.saturating_sub(1)),
        (a, b) => (
            a.parse().map_err(|_| Unsatisfiable)?,
            b.parse::<usize>().map_err(|_| Unsatisfiable)?.min(len.saturating_sub(1)),
        ),
    };
    if start >= len || start > end {
        return Err(Unsatisfiable);
    }
    Ok(Some((start, end)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(byte_range(None, 10), Ok(None));
        assert_eq!(byte_range(Some("bytes=0-"), 10), Ok(Some((0, 9))));
        assert_eq!(byte_range(Some("bytes=2-4"), 10), Ok(Some((2, 4))));
        assert_eq!(byte_range(Some("bytes=-3"), 10), Ok(Some((7, 9))));
        assert_eq!(byte_range(Some("bytes=5-100"), 10), Ok(Some((5, 9))));
        assert_eq!(byte_range(Some("bytes=10-"), 10), Err(Unsatisfiable));
        assert_eq!(byte_range(Some("bytes=x-"), 10), Err(Unsatisfiable));
    }

    #[test]
    fn words_keep_quoted_spaces() {
        assert_eq!(shell_words("a b=\"c d\"  e"), ["a", "b=\"c d\"", "e"]);
    }
}
