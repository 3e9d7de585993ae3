//! A subtitle file the server keeps beside the media: fetched by the core to
//! the cache folder, then given to playbin as a local file (read over HTTP,
//! GStreamer at times took a short SubRip for plain text and drew nothing),
//! with the media opened again where it was.

use super::*;

impl PlayerPage {
    /// Fetches the subtitle file `key` beside the media; the media then
    /// opens with it at `load_at` (None: where it is).
    pub(super) fn fetch_sidecar(
        &self,
        sender: &ComponentSender<Self>,
        source_id: &str,
        key: String,
        codec: Option<String>,
        load_at: Option<u64>,
    ) {
        let (s, generation, id) = (sender.clone(), self.generation, source_id.to_string());
        self.core.run(
            move |core| async move { core.sidecar_file(&id, &key, codec.as_deref()).await.map_err(Failure::from) },
            move |file| s.input(PlayerMsg::Sidecar { generation, file, load_at }),
        );
    }

    /// The subtitle file is here (or could not be had: said, and the media
    /// plays without it): the media opens with it, as it was.
    pub(super) fn sidecar_fetched(
        &mut self,
        sender: &ComponentSender<Self>,
        file: Result<std::path::PathBuf, Failure>,
        load_at: Option<u64>,
    ) {
        let (Some(p), Some(engine)) = (self.playing.as_ref(), &self.engine) else { return };
        let Some(plan) = p.plan.as_ref() else { return };
        let local = match file {
            Ok(path) => url::Url::from_file_path(&path).ok().map(|url| MediaLocation {
                url,
                token: reel_core::Token::new(String::new()),
                trust_anchors: None,
            }),
            Err(f) => {
                let _ = sender
                    .output(PlayerOutput::Toast(i18n_f("The subtitles could not be loaded: {}", &[&f.message()])));
                None
            }
        };
        engine.set_external_subtitle(local.as_ref());
        // playbin takes a subtitle file only when it opens the media.
        let at = load_at.unwrap_or_else(|| p.position_ms.saturating_sub(plan.stream_offset_ms()));
        let paused = load_at.is_none() && p.state == EngineState::Paused;
        engine.load(&plan.location, at);
        if paused {
            engine.pause();
        }
    }
}
