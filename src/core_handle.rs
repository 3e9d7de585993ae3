//! The app's one tokio runtime and the core services it runs. UI components
//! never touch the network or files: they spawn work here and get messages back.

use anyhow::{Context, Result};
use reel_core::config::LoadNotice;
use reel_core::services::auth_manager::AuthManager;
use std::future::Future;
use std::sync::Arc;

#[derive(Clone)]
pub struct CoreHandle {
    runtime: Arc<tokio::runtime::Runtime>,
    pub manager: Arc<AuthManager>,
    /// Said once, at start, to the user (a damaged settings file, say).
    pub load_notice: Option<String>,
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
            AuthManager::open(reel_core::config::default_path())
                .context("cannot open Reel's settings")?
        };
        Ok(Self {
            runtime: Arc::new(runtime),
            manager: Arc::new(manager),
            load_notice: notice.map(|n: LoadNotice| n.to_string()),
        })
    }

    /// Runs `work` on the core runtime and hands its result to `done` (which
    /// typically sends a message to a component).
    pub fn spawn<T, F>(
        &self,
        work: F,
        done: impl FnOnce(T) + Send + 'static,
    ) -> tokio::task::AbortHandle
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
