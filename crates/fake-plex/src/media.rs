//! Real media for playback tests and the demo: clips made with GStreamer's
//! own command line at test time (nothing binary in the repository), and
//! how a server describes and serves them.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
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
    /// Each subtitle track's language, after the audio tracks.
    #[serde(default)]
    pub subtitle_languages: Vec<String>,
    /// A folder with an HLS rendition of the file (`index.m3u8` and MPEG-TS
    /// segments), what the universal transcoder streams.
    #[serde(default)]
    pub hls: Option<PathBuf>,
    /// Send the file no faster than this (bytes a second), as a far server
    /// would: a player then cannot have all of it before it plays.
    #[serde(default)]
    pub bytes_per_second: Option<u64>,
    /// Say the file is in a codec no player has (so a client must ask the
    /// transcoder), while serving the same bytes.
    #[serde(default)]
    pub claim_video_codec: Option<String>,
}

/// Makes a clip of `seconds` with a moving picture (so two screenshots
/// differ), one audio track per language (a different tone each) and an
/// English subtitle track, VP8, Vorbis and text in Matroska: decoded by
/// GStreamer's base and good plugins. 320×180.
pub fn make_clip(dir: &Path, seconds: u32, languages: &[&str]) -> anyhow::Result<MediaSpec> {
    make_clip_sized(dir, seconds, (320, 180), languages)
}

/// As [`make_clip`], at `width`×`height` (the benchmark's 1080p).
pub fn make_clip_sized(dir: &Path, seconds: u32, (w, h): (u32, u32), languages: &[&str]) -> anyhow::Result<MediaSpec> {
    let file = dir.join(format!("clip-{seconds}s-{w}x{h}-{}a-1s.mkv", languages.len()));
    if !file.exists() {
        let fps = 25;
        let tmp = dir.join(format!(".{}.part", file.file_name().and_then(|n| n.to_str()).unwrap_or("clip")));
        let srt = dir.join(format!("clip-{seconds}s.srt"));
        std::fs::write(&srt, subtitles(seconds))?;
        let mut pipeline = format!(
            "videotestsrc pattern=ball num-buffers={} ! video/x-raw,width={w},height={h},framerate={fps}/1 \
             ! videoconvert ! vp8enc deadline=1 cpu-used=8 threads=2 \
             ! matroskamux name=mux ! filesink location={} filesrc location={} ! subparse ! mux.",
            seconds * fps,
            tmp.display(),
            srt.display()
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
        subtitle_languages: vec!["eng".into()],
        hls: None,
        bytes_per_second: None,
        claim_video_codec: None,
    })
}

/// Adds an HLS rendition as long as the file (MPEG-4 video and MP2 audio
/// in MPEG-TS, made with libav's encoders) to `spec`: what fake-plex's
/// transcoder serves.
pub fn with_hls(mut spec: MediaSpec, dir: &Path) -> anyhow::Result<MediaSpec> {
    let seconds = u32::try_from(spec.duration_ms.div_ceil(1000)).unwrap_or(u32::MAX).max(1);
    spec.hls = Some(hls_rendition(dir, seconds)?);
    Ok(spec)
}

/// A folder with an HLS rendition of `seconds` (MPEG-4 and MP2 in one
/// MPEG-TS segment, `index.m3u8`), made once per length in `dir`: what the
/// transcoder streams, also from an offset (the rest of the file, its
/// timeline starting at zero, as Plex's transcoder does).
pub fn hls_rendition(dir: &Path, seconds: u32) -> anyhow::Result<PathBuf> {
    let folder = dir.join(format!("hls-{seconds}s"));
    if !folder.join("index.m3u8").exists() {
        let tmp = dir.join(format!(".hls-{seconds}s.{}.part", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        std::fs::create_dir_all(&tmp)?;
        let fps = 25;
        let pipeline = format!(
            "videotestsrc pattern=smpte num-buffers={} ! video/x-raw,width=320,height=180,framerate={fps}/1 \
             ! videoconvert ! avenc_mpeg4 gop-size={} bitrate=600000 ! mpeg4videoparse ! mpegtsmux name=mux \
             ! filesink location={}/seg00000.ts \
             audiotestsrc num-buffers={} samplesperbuffer=1152 ! audio/x-raw,rate=44100,channels=2 ! audioconvert \
             ! avenc_mp2 ! mpegaudioparse ! mux.",
            seconds * fps,
            fps * 2,
            tmp.display(),
            seconds as u64 * 44100 / 1152 + 1
        );
        let out = Command::new("gst-launch-1.0").arg("-q").args(shell_words(&pipeline)).output()?;
        if !out.status.success() {
            anyhow::bail!("making the HLS rendition failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let playlist = format!(
            "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:{seconds}\n#EXT-X-MEDIA-SEQUENCE:0\n\
             #EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:{seconds}.0,\nseg00000.ts\n#EXT-X-ENDLIST\n"
        );
        std::fs::write(tmp.join("index.m3u8"), playlist)?;
        // Two sessions may make the same length at once: the first to finish wins.
        if std::fs::rename(&tmp, &folder).is_err() {
            let _ = std::fs::remove_dir_all(&tmp);
        }
    }
    Ok(folder)
}

/// One line every two seconds, numbered, so a screenshot shows which.
fn subtitles(seconds: u32) -> String {
    let t = |s: u32| format!("00:{:02}:{:02},000", s / 60, s % 60);
    (0..seconds / 2).map(|i| format!("{}\n{} --> {}\nLine {}\n\n", i + 1, t(i * 2), t(i * 2 + 1), i + 1)).collect()
}

/// The French subtitles the server keeps beside the file (a sidecar SRT):
/// a line always on screen, numbered by the two seconds it covers.
pub fn sidecar_subtitles(duration_ms: u64) -> String {
    let t = |s: u64| format!("{:02}:{:02}:{:02},000", s / 3600, s / 60 % 60, s % 60);
    (0..duration_ms.div_ceil(2000))
        .map(|i| format!("{}\n{} --> {}\nSous-titre externe {}\n\n", i + 1, t(i * 2), t(i * 2 + 2), i + 1))
        .collect()
}

/// The id of a part's sidecar subtitle stream (`/library/streams/{id}`).
pub fn sidecar_stream_id(part: u64) -> u64 {
    part * 10 + 9
}

/// A movie's or episode's `Media` when the server has a real file: what
/// the file holds, one part, and a stream per track.
pub(crate) fn real_media(spec: &MediaSpec, part: u64, ts: i64) -> Value {
    if spec.video_codec.is_empty() {
        return real_audio(spec, part, ts);
    }
    let video = spec.claim_video_codec.clone().unwrap_or_else(|| spec.video_codec.clone());
    let size = std::fs::metadata(&spec.file).map(|m| m.len()).unwrap_or(0);
    let mut streams =
        vec![json!({"id": part * 10, "streamType": 1, "codec": video, "index": 0, "displayTitle": "360p (VP8)"})];
    for (i, lang) in spec.audio_languages.iter().enumerate() {
        streams.push(json!({
            "id": part * 10 + 1 + i as u64, "streamType": 2, "codec": spec.audio_codec, "index": i + 1,
            "languageCode": lang, "selected": i == 0,
            "displayTitle": format!("{} ({})", language_name(lang), spec.audio_codec.to_uppercase()),
        }));
    }
    let first_sub = spec.audio_languages.len() + 1;
    for (i, lang) in spec.subtitle_languages.iter().enumerate() {
        streams.push(json!({
            "id": part * 10 + 5 + i as u64, "streamType": 3, "codec": "srt", "index": first_sub + i,
            "languageCode": lang, "displayTitle": format!("{} (SRT)", language_name(lang)),
        }));
    }
    // Beside the file: no index, a key to fetch it by (as Plex lists a
    // downloaded .srt).
    let sidecar = sidecar_stream_id(part);
    streams.push(json!({
        "id": sidecar, "streamType": 3, "codec": "srt", "key": format!("/library/streams/{sidecar}"),
        "languageCode": "fra", "displayTitle": "Français (SRT External)",
    }));
    json!({
        "container": spec.container, "videoCodec": video, "audioCodec": spec.audio_codec,
        "videoResolution": "sd", "width": 320, "height": 180,
        "Part": [{
            "id": part, "key": format!("/library/parts/{part}/{ts}/file.{}", spec.container),
            "duration": spec.duration_ms, "file": format!("/media/clip.{}", spec.container),
            "size": size, "container": spec.container, "Stream": streams,
        }],
    })
}

/// A music file as Plex lists a track's media: one audio stream.
fn real_audio(spec: &MediaSpec, part: u64, ts: i64) -> Value {
    let size = std::fs::metadata(&spec.file).map(|m| m.len()).unwrap_or(0);
    json!({
        "container": spec.container, "audioCodec": spec.audio_codec, "audioChannels": 2,
        "duration": spec.duration_ms,
        "Part": [{
            "id": part, "key": format!("/library/parts/{part}/{ts}/file.{}", spec.container),
            "duration": spec.duration_ms, "file": format!("/music/track.{}", spec.container),
            "size": size, "container": spec.container,
            "Stream": [{"id": part * 10 + 1, "streamType": 2, "codec": spec.audio_codec, "index": 0,
                "channels": 2, "selected": true, "displayTitle": spec.audio_codec.to_uppercase()}],
        }],
    })
}

fn language_name(code: &str) -> &str {
    match code {
        "eng" => "English",
        "deu" | "ger" => "Deutsch",
        "fra" | "fre" => "Français",
        other => other,
    }
}

/// Intro and credits markers of a movie or episode (`includeMarkers=1`):
/// an intro from 2 s over the next third, the final credits over the last tenth.
pub fn markers_json(duration_ms: u64) -> Value {
    if duration_ms < 10_000 {
        return json!([]);
    }
    json!([
        {"id": 1, "type": "intro", "startTimeOffset": 2_000, "endTimeOffset": 2_000 + duration_ms / 3},
        {"id": 2, "type": "credits", "startTimeOffset": duration_ms - duration_ms / 10, "endTimeOffset": duration_ms, "final": true},
    ])
}

/// gst-launch's arguments: split on spaces outside double quotes.
pub(crate) fn shell_words(s: &str) -> Vec<String> {
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

/// How a server's part files go wrong, for tests of the player's errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaFault {
    /// This HTTP status instead of the file.
    Status(u16),
    /// The file cut at half its length (as an interrupted copy leaves it),
    /// served as if it were whole.
    Truncated,
    /// The first 64 KiB overwritten: nothing can tell what the file is.
    Garbled,
    /// The file up to this byte, then nothing more while the connection
    /// stays open (asked for from further on, nothing at all): a server
    /// that hangs mid-stream.
    StallAfter(usize),
}

impl MediaFault {
    /// The file as this fault serves it.
    pub fn damage(self, mut body: Vec<u8>) -> Vec<u8> {
        match self {
            MediaFault::Truncated => body.truncate(body.len() / 2),
            MediaFault::Garbled => body.iter_mut().take(64 * 1024).for_each(|b| *b = 0xA5),
            MediaFault::Status(_) | MediaFault::StallAfter(_) => {}
        }
        body
    }
}

/// The first `n` bytes of `body`, then a stream that never ends or sends.
pub fn stalled(mut body: Vec<u8>, n: usize) -> axum::body::Body {
    use futures::StreamExt;
    body.truncate(n);
    let first = futures::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(body))]);
    axum::body::Body::from_stream(first.chain(futures::stream::pending()))
}

/// `body` as a stream of small chunks, `rate` bytes a second.
pub fn throttled(body: Vec<u8>, rate: u64) -> axum::body::Body {
    const CHUNK: usize = 4096;
    let pause = std::time::Duration::from_secs_f64(CHUNK as f64 / rate.max(1) as f64);
    let chunks: Vec<bytes::Bytes> = body.chunks(CHUNK).map(bytes::Bytes::copy_from_slice).collect();
    let stream = futures::stream::unfold(chunks.into_iter(), move |mut rest| async move {
        let next = rest.next()?;
        tokio::time::sleep(pause).await;
        Some((Ok::<_, std::io::Error>(next), rest))
    });
    axum::body::Body::from_stream(stream)
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
