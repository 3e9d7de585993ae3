//! The server's universal transcoder, for what the player cannot decode:
//! a decision first, then an HLS stream from `start.m3u8`, stopped when
//! playback ends. Paths only: the token travels as a header.

/// One transcode session's request, in the shape `/video/:/transcode/universal/*` takes.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscodeRequest {
    pub rating_key: String,
    pub media_index: usize,
    pub part_index: usize,
    pub offset_ms: u64,
    /// The transcode session: a new one for a seek outside what the old
    /// session can serve.
    pub session: String,
    /// The playback's `X-Plex-Session-Identifier` (its timelines'), the
    /// same across transcode sessions.
    pub playback_session: String,
    pub burn_subtitles: bool,
    pub subtitle_stream: Option<i64>,
}

/// What Reel's player takes in a transcode: H.264, MPEG-4 or MPEG-2 video
/// with AAC, MP3 or MP2 audio in MPEG-TS over HLS (all decoded by
/// GStreamer's good, bad and libav plugins, which the setup installs).
const PROFILE_EXTRA: &str = "add-transcode-target(type=videoProfile&context=streaming&protocol=hls&container=mpegts&videoCodec=h264,mpeg4,mpeg2video&audioCodec=aac,mp3,mp2)";

impl TranscodeRequest {
    fn query(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("path", &format!("/library/metadata/{}", self.rating_key))
            .append_pair("mediaIndex", &self.media_index.to_string())
            .append_pair("partIndex", &self.part_index.to_string())
            .append_pair("protocol", "hls")
            .append_pair("offset", &format!("{:.3}", self.offset_ms as f64 / 1000.0))
            .append_pair("fastSeek", "1")
            .append_pair("directPlay", "0")
            .append_pair("directStream", "1")
            .append_pair("directStreamAudio", "1")
            .append_pair("session", &self.session)
            .append_pair("X-Plex-Session-Identifier", &self.playback_session)
            .append_pair("X-Plex-Client-Profile-Extra", PROFILE_EXTRA);
        if self.burn_subtitles {
            q.append_pair("subtitles", "burn");
        }
        if let Some(id) = self.subtitle_stream {
            q.append_pair("subtitleStreamID", &id.to_string());
        }
        q.finish()
    }

    /// Asks the server whether and how it will transcode.
    pub fn decision_path(&self) -> String {
        format!("/video/:/transcode/universal/decision?{}", self.query())
    }

    /// The HLS playlist to hand the player.
    pub fn start_path(&self) -> String {
        format!("/video/:/transcode/universal/start.m3u8?{}", self.query())
    }

    /// The same playback from `offset_ms` in a new transcode session.
    pub fn restarted_at(&self, offset_ms: u64) -> Self {
        Self { offset_ms, session: uuid::Uuid::new_v4().to_string(), ..self.clone() }
    }

    /// Whether a seek from `position_ms` to `target_ms` needs a new
    /// session: the stream starts at the offset (nothing before it), and
    /// the server works only `ahead_ms` ahead of the player (Plex's
    /// `TranscoderThrottleBuffer`), so further on is not made yet.
    pub fn cannot_seek(&self, position_ms: u64, target_ms: u64, ahead_ms: u64) -> bool {
        target_ms < self.offset_ms || target_ms > position_ms.max(self.offset_ms) + ahead_ms
    }

    /// Ends the session on the server (it stops using the CPU for us).
    pub fn stop_path(&self) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        q.append_pair("session", &self.session);
        format!("/video/:/transcode/universal/stop?{}", q.finish())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_carry_what_the_server_needs_and_no_token() {
        let r = TranscodeRequest {
            rating_key: "1234".into(),
            media_index: 0,
            part_index: 0,
            offset_ms: 42_500,
            session: "abc".into(),
            playback_session: "play-1".into(),
            burn_subtitles: true,
            subtitle_stream: Some(7),
        };
        let start = r.start_path();
        assert!(start.starts_with("/video/:/transcode/universal/start.m3u8?"));
        for part in [
            "path=%2Flibrary%2Fmetadata%2F1234",
            "offset=42.500",
            "protocol=hls",
            "subtitles=burn",
            "session=abc",
            "X-Plex-Session-Identifier=play-1",
        ] {
            assert!(start.contains(part), "{part} in {start}");
        }
        assert!(!start.contains("Token"));
        assert!(r.decision_path().starts_with("/video/:/transcode/universal/decision?"));
        assert_eq!(r.stop_path(), "/video/:/transcode/universal/stop?session=abc");
    }

    #[test]
    fn a_seek_before_the_stream_or_beyond_what_is_made_needs_a_new_session() {
        let r = TranscodeRequest {
            rating_key: "1".into(),
            media_index: 0,
            part_index: 0,
            offset_ms: 60_000,
            session: "a".into(),
            playback_session: "p".into(),
            burn_subtitles: false,
            subtitle_stream: None,
        };
        assert!(!r.cannot_seek(70_000, 65_000, 60_000), "back within the stream");
        assert!(!r.cannot_seek(70_000, 120_000, 60_000), "ahead, within what the server made");
        assert!(r.cannot_seek(70_000, 59_000, 60_000), "before the stream starts");
        assert!(r.cannot_seek(70_000, 131_000, 60_000), "beyond what the server made");
        let next = r.restarted_at(131_000);
        assert_eq!((next.offset_ms, next.playback_session.as_str()), (131_000, "p"));
        assert_ne!(next.session, r.session);
    }
}
