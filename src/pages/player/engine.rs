//! The page's engine: made once (when something playable is in view, or
//! at Play), given the picture, and told the picture's size.

use super::*;

impl PlayerPage {
    /// Tells the engine how big the picture is now (checked at each tick:
    /// fullscreen, a resized window).
    pub(super) fn fit_video(&self) {
        if let Some(e) = &self.engine {
            let (picture, scale) = (&self.ui.picture, self.ui.picture.scale_factor());
            // Just shown, the page is not laid out yet: the video fills
            // the window, whose size is known.
            let (width, height) = match (picture.width(), picture.root()) {
                (0, Some(window)) => (window.width(), window.height()),
                _ => (picture.width(), picture.height()),
            };
            e.fit_video(width * scale, height * scale);
        }
    }

    pub(super) fn engine(&mut self, sender: &ComponentSender<Self>) -> Result<Rc<dyn Engine>, String> {
        if let Some(e) = &self.engine {
            return Ok(e.clone());
        }
        let s = sender.input_sender().clone();
        let engine: Rc<dyn Engine> =
            Rc::new(GstEngine::new(move |e| s.emit(PlayerMsg::Engine(e))).map_err(|e| format!("{e:#}"))?);
        self.ui.picture.set_paintable(Some(&engine.paintable()));
        crate::probe! {
            let s = sender.input_sender().clone();
            watch_frames(&self.ui.picture, &engine.paintable(), move |ms| {
                s.emit(PlayerMsg::Intent(Intent::SeekTo { ms, exact: true }))
            });
        }
        engine.set_volume(self.volume);
        self.engine = Some(engine.clone());
        self.install_actions(sender);
        Ok(engine)
    }
}
