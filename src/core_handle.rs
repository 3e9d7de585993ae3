//! The app's one tokio runtime and the core services it runs. UI components
//! never touch the network or files: they spawn work here and get messages back.

use anyhow::{Context, Result};
use reel_core::config::LoadNotice;
use reel_core::services::auth_manager::AuthManager;
use reel_core::services::connection_manager::{ConnectionEvent, ConnectionManager, ManagerPolicy};
use reel_core::services::library_cache::LibraryCache;
use reel_core::services::posters::PosterCache;
use std::future::Future;
use std::sync::Arc;

#[derive(Clone)]
pub struct CoreHandle {
    runtime: Arc<tokio::runtime::Runtime>,
    pub manager: Arc<AuthManager>,
    /// Every request to a server goes through here, so a dead connection is replaced mid-session.
    pub connections: Arc<ConnectionManager>,
    pub cache: Arc<LibraryCache>,
    pub posters: PosterCache,
    poster_slots: Arc<tokio::sync::Semaphore>,
    /// The window's scale factor (2 on HiDPI), for the poster size to ask for.
    pub poster_scale: Arc<std::sync::atomic::AtomicU32>,
    /// Said once, at start, to the user (a damaged settings file, say).
    pub notices: Vec<String>,
}

/// A failure as the UI needs it: words for the user, and whether it means
/// "cannot reach the server" (show the cache and the offline banner).
#[derive(Debug, Clone)]
pub struct Failure {
    pub message: String,
    pub offline: bool,
}

impl From<reel_core::Error> for Failure {
    fn from(e: reel_core::Error) -> Self {
        Failure { offline: e.is_offline(), message: e.to_string() }
    }
}

impl CoreHandle {
    pub fn start() -> Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("reel-core")
            .enable_all()
            .build()
            .context("cannot start the background runtime")?;
        let (manager, notice) = {
            let _guard = runtime.enter();
            AuthManager::open(reel_core::config::default_path()).context("cannot open Reel's settings")?
        };
        let mut notices: Vec<String> = notice.map(|n: LoadNotice| n.to_string()).into_iter().collect();
        let cache = match LibraryCache::open(reel_core::services::library_cache::default_path()) {
            Ok((c, n)) => {
                notices.extend(n);
                c
            }
            Err(e) => {
                // Without a disk cache Reel still works, only without offline browsing.
                notices.push(format!("Saved library data is not available ({e}); browsing needs the network."));
                LibraryCache::in_memory().context("cannot create even an in-memory library cache")?
            }
        };
        let manager = Arc::new(manager);
        let cache = Arc::new(cache);
        let connections = ConnectionManager::new(manager.clone(), cache.clone(), ManagerPolicy::default());
        {
            let _guard = runtime.enter();
            connections.spawn_reoptimiser();
        }
        Ok(Self {
            runtime: Arc::new(runtime),
            manager,
            connections,
            cache,
            posters: PosterCache::new(reel_core::services::posters::default_dir()),
            poster_slots: Arc::new(tokio::sync::Semaphore::new(6)),
            poster_scale: Arc::new(std::sync::atomic::AtomicU32::new(1)),
            notices,
        })
    }

    /// A poster from the disk cache, else fetched from its server and kept;
    /// None when neither has it (the UI then shows a placeholder).
    pub async fn poster(&self, source: &reel_core::models::Source, thumb: &str) -> Option<Vec<u8>> {
        use crate::ui::poster::{POSTER_H, POSTER_W};
        // As many pixels as the screen shows: twice as many on a HiDPI display, no more.
        let scale = self.poster_scale.load(std::sync::atomic::Ordering::Relaxed).clamp(1, 4);
        let (w, h) = (POSTER_W * scale, POSTER_H * scale);
        if let Some(b) = self.posters.cached(&source.id, thumb, w, h) {
            return Some(b);
        }
        // A few fetches at a time: a fast scroll must not queue hundreds of requests ahead of what is on screen.
        let _slot = self.poster_slots.acquire().await.ok()?;
        if let Some(b) = self.posters.cached(&source.id, thumb, w, h) {
            return Some(b);
        }
        let posters = &self.posters;
        self.connections
            .call(&source.id, |client| async move { posters.get(&client, &source.id, thumb, w, h).await })
            .await
            .ok()
    }

    /// [`poster`](Self::poster), decoded into a texture on the worker thread
    /// (GdkTexture is immutable and may cross threads) so the UI thread only paints.
    pub async fn poster_texture(
        &self,
        source: &reel_core::models::Source,
        thumb: &str,
    ) -> Option<relm4::gtk::gdk::Texture> {
        let bytes = self.poster(source, thumb).await?;
        tokio::task::spawn_blocking(move || crate::ui::poster::texture(&bytes)).await.ok().flatten()
    }

    /// Hands every connection change (failover, moving up, lost, pin failed,
    /// queued actions sent) to `f`, for as long as the app runs.
    pub fn on_connection_event(&self, f: impl Fn(ConnectionEvent) + Send + 'static) {
        let mut rx = self.connections.subscribe();
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

    /// Runs `work` on the core runtime and hands its result to `done` (which
    /// typically sends a message to a component).
    pub fn spawn<T, F>(&self, work: F, done: impl FnOnce(T) + Send + 'static) -> tokio::task::AbortHandle
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        self.runtime
            .spawn(async move {
                done(work.await);
            })
            .abort_handle()
    }
}
