//! The app's one tokio runtime and the core facade it runs. UI components
//! never touch the network, SQLite or files: they ask the [`Core`] through
//! [`CoreHandle::run`] and get the answer back as a message.

use crate::widgets::poster::{PosterSize, Shape};
use anyhow::{Context, Result};
use reel_core::{ConnectionEvent, Core, CoreOptions, StartView};
use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

#[derive(Clone)]
pub struct CoreHandle {
    runtime: Arc<tokio::runtime::Runtime>,
    core: Arc<Core>,
    /// The library to show at start, read while GTK starts up.
    start_view: Arc<std::sync::Mutex<Option<std::sync::mpsc::Receiver<Option<StartView>>>>>,
    /// The window's scale factor (2 on HiDPI), for the poster size to ask for.
    poster_scale: Arc<AtomicU32>,
}

/// A failure as the UI needs it: the core's typed error (put into words by
/// [`reel_words`]), and whether it means "cannot reach the server" (show
/// the cache and the offline banner).
#[derive(Debug, Clone)]
pub struct Failure {
    pub error: reel_core::Error,
    pub offline: bool,
}

impl Failure {
    /// The failure in the user's language.
    pub fn message(&self) -> String {
        reel_words::error(&self.error)
    }
}

impl From<reel_core::Error> for Failure {
    fn from(e: reel_core::Error) -> Self {
        Failure { offline: e.is_offline(), error: e }
    }
}

/// The tokio runtime the core runs on, started before GTK: the GTK thread
/// runs inside its context for good, so that libraries which spawn on tokio
/// from it (zbus, for MPRIS) work.
pub struct Runtime(tokio::runtime::Runtime);

impl Runtime {
    pub fn start() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("reel-core")
            .enable_all()
            .build()
            .context("cannot start the background runtime")?;
        // Never left (entered before any other runtime's context, so none is
        // left out of order): the handle is leaked with it, and nothing here
        // blocks on it.
        let handle: &'static tokio::runtime::Handle = Box::leak(Box::new(runtime.handle().clone()));
        std::mem::forget(handle.enter());
        Ok(Runtime(runtime))
    }
}

impl CoreHandle {
    /// Opens the core (settings, keyring, cache) on `runtime`.
    pub fn open(runtime: Runtime) -> Result<Self> {
        let runtime = runtime.0;
        let core = Core::open(CoreOptions::standard()).context("cannot open Reel's settings")?;
        let core = Arc::new(core);
        // Read the library to show at start now, while the window is built:
        // it is shown in its first frame.
        let (tx, rx) = std::sync::mpsc::channel();
        let c = core.clone();
        runtime.spawn(async move {
            let _ = tx.send(c.start_view().await);
        });
        Ok(Self {
            runtime: Arc::new(runtime),
            core,
            start_view: Arc::new(std::sync::Mutex::new(Some(rx))),
            poster_scale: Arc::new(AtomicU32::new(1)),
        })
    }

    /// The library to open at start, if the last run had one open. Waits at
    /// most `wait` for the read started with the core (it is memory handed
    /// over, not I/O on this thread); only the first call gets it.
    pub fn take_start_view(&self, wait: std::time::Duration) -> Option<StartView> {
        let rx = self.start_view.lock().ok()?.take()?;
        rx.recv_timeout(wait).ok().flatten()
    }

    /// What the user should be told since start (a damaged file kept aside, say), in words.
    /// What the user should be told since the core opened.
    pub fn notices(&self) -> Vec<reel_core::Notice> {
        self.core.notices().to_vec()
    }

    /// Every account, as the core knows them (memory only: fine on the GTK thread).
    pub fn accounts(&self) -> Vec<reel_core::models::AuthProvider> {
        self.core.accounts()
    }

    /// Every known server (memory only).
    pub fn servers(&self) -> Vec<reel_core::models::Source> {
        self.core.servers()
    }

    /// One server as the core knows it now (memory only).
    pub fn server(&self, source_id: &reel_core::SourceId) -> Option<reel_core::models::Source> {
        self.core.server(source_id)
    }

    pub fn pinned(&self, source_id: &reel_core::SourceId) -> Option<String> {
        self.core.pinned(source_id)
    }

    pub fn preferences(&self) -> reel_core::Preferences {
        self.core.preferences()
    }

    /// Where new downloads go.
    pub fn download_folder(&self) -> std::path::PathBuf {
        self.core.download_folder()
    }

    pub fn library_visibility(&self) -> std::collections::BTreeMap<String, bool> {
        self.core.library_visibility()
    }

    pub fn network_changed(&self) {
        self.core.network_changed();
    }

    pub fn set_poster_scale(&self, scale: i32) {
        self.poster_scale.store(scale.max(1) as u32, Ordering::Relaxed);
    }

    /// A poster, asked at the size shown × the scale factor, decoded into a
    /// texture on a worker thread (GdkTexture is immutable and may cross
    /// threads) so the UI thread only paints. None: show a placeholder.
    pub async fn poster_texture(
        &self,
        source_id: &reel_core::SourceId,
        thumb: &str,
        size: PosterSize,
        shape: Shape,
    ) -> Option<relm4::gtk::gdk::Texture> {
        let bytes = self.poster(source_id, thumb, size, shape).await?;
        crate::widgets::poster::decode(bytes).await
    }

    /// A poster's bytes at the size shown × the scale factor.
    pub async fn poster(
        &self,
        source_id: &reel_core::SourceId,
        thumb: &str,
        size: PosterSize,
        shape: Shape,
    ) -> Option<Vec<u8>> {
        // As many pixels as the screen shows: twice as many on a HiDPI display, no more.
        let (w, h) = size.pixels(shape, self.poster_scale.load(Ordering::Relaxed).clamp(1, 4));
        self.core.poster(source_id, thumb, w, h).await
    }

    /// Hands every connection change (failover, moving up, lost, pin failed,
    /// queued actions sent) to `f`, for as long as the app runs.
    pub fn on_connection_event(&self, f: impl Fn(ConnectionEvent) + Send + 'static) {
        let mut rx = self.core.subscribe();
        self.runtime.spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(e) => f(e),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => break,
                }
            }
        });
    }

    /// Hands every notice of the running core (the library cache found
    /// damaged and started afresh, also by the check right after start) to `f`.
    pub fn on_notice(&self, f: impl Fn(reel_core::Notice) + Send + Sync + 'static) {
        let f = Arc::new(f);
        let mut rx = self.core.subscribe_library_resets();
        let g = f.clone();
        self.runtime.spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(n) => g(n),
                    Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
                    Err(_) => break,
                }
            }
        });
        // The whole file is checked once, after start, off the UI thread; a
        // damage found there is told through the subscription above.
        let core = self.core.clone();
        self.runtime.spawn(async move {
            core.verify_library().await;
        });
    }

    /// Asks the core: runs `work` with it on the core runtime and hands the
    /// result to `done` (which typically sends a message to a component).
    pub fn run<T, F, Fut>(&self, work: F, done: impl FnOnce(T) + Send + 'static) -> tokio::task::AbortHandle
    where
        T: Send + 'static,
        F: FnOnce(Arc<Core>) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
    {
        let fut = work(self.core.clone());
        self.runtime.spawn(async move { done(fut.await) }).abort_handle()
    }

    /// Asks the core and answers a component: runs `work` with it on the
    /// core runtime, and sends `sender`'s component the message `answer`
    /// makes of the result.
    pub fn ask<C, T, F, Fut>(
        &self,
        sender: &relm4::ComponentSender<C>,
        work: F,
        answer: impl FnOnce(T) -> C::Input + Send + 'static,
    ) -> tokio::task::AbortHandle
    where
        C: relm4::Component,
        C::Input: Send,
        T: Send + 'static,
        F: FnOnce(Arc<Core>) -> Fut,
        Fut: Future<Output = T> + Send + 'static,
    {
        let input = sender.input_sender().clone();
        self.run(work, move |result| input.emit(answer(result)))
    }

    /// Reads every download and hands them to `answer` for `sender`'s
    /// component (the marks and buttons a page shows of them). A list that
    /// cannot be read is logged, naming `whose`; what shows stays as it is.
    pub fn ask_downloads<C>(
        &self,
        sender: &relm4::ComponentSender<C>,
        whose: &'static str,
        answer: impl FnOnce(Vec<reel_core::models::Download>) -> C::Input + Send + 'static,
    ) where
        C: relm4::Component,
        C::Input: Send,
    {
        let input = sender.input_sender().clone();
        self.run(
            |core| async move { core.downloads().await },
            move |r| match r {
                Ok(all) => input.emit(answer(all)),
                Err(e) => tracing::warn!("{whose} downloads could not be read: {e}"),
            },
        );
    }

    /// Runs `work` on the core runtime and hands its result to `done`.
    pub fn spawn<T, F>(&self, work: F, done: impl FnOnce(T) + Send + 'static) -> tokio::task::AbortHandle
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        self.runtime.spawn(async move { done(work.await) }).abort_handle()
    }
}
