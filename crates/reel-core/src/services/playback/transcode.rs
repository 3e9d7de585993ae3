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
    /// The player's `X-Plex-Session-Identifier`; a new one for a seek
    /// outside what the old session made.
    pub session: String,
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
            .append_pair("X-Plex-Session-Identifier", &self.session)
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
            "X-Plex-Session-Identifier=abc",
        ] {
            assert!(start.contains(part), "{part} in {start}");
        }
        assert!(!start.contains("Token"));
        assert!(r.decision_path().starts_with("/video/:/transcode/universal/decision?"));
        assert_eq!(r.stop_path(), "/video/:/transcode/universal/stop?session=abc");
    }
}
