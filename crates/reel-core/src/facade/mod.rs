//! The core's one entry point. The app and reel-cli open one [`Core`] and
//! speak to it in intentions (sign in, sign out, list servers, pin, refresh,
//! open a library, mark watched); the services behind it, HTTP, SQLite and
//! files stay inside. Tokens never come out: sign-in takes them in, and
//! every request that carries one goes through the connection manager.

mod accounts;
mod browse;
mod downloads;
mod in_order;
mod keep_up;
mod library;
mod play_queues;
mod playback;
mod playlists;
mod search;
mod servers;
mod session_calls;

pub use accounts::{AccountDownloads, PinCode};
pub use browse::{Browsed, LibraryOptions};
pub use library::{SectionSync, StartView, FIRST_PAGE};
pub use playback::{MediaLocation, PlaybackPlan};

use crate::backends::plex::PlexAuth;
use crate::config::{ConfigStore, LoadNotice};
use crate::error::{Notice, Result};
use crate::http::{ClientIdentity, HttpClient};
use crate::services::auth_manager::AuthManager;
use crate::services::connections::{ConnectionEvent, ConnectionManager, ManagerPolicy, ProbePolicy};
use crate::services::downloads::DownloadStore;
use crate::services::library::{LibraryCache, PosterCache};
use crate::services::secrets::SecretStore;
use crate::services::servers::state::StateStore;
use std::path::PathBuf;
use std::sync::Arc;

/// Where the core keeps things and how it behaves; [`CoreOptions::standard`]
/// is what the app and reel-cli use.
pub struct CoreOptions {
    pub config_path: PathBuf,
    /// The library cache's database; `None` keeps it in memory.
    pub library_path: Option<PathBuf>,
    pub poster_dir: PathBuf,
    /// plex.tv's API base and its sign-in page; default from
    /// `REEL_PLEX_TV_URL` / `REEL_PLEX_AUTH_URL`, else plex.tv.
    pub plex_tv: Option<(String, String)>,
    /// One more certificate authority to trust (fake-plex's, in tests);
    /// default from `REEL_EXTRA_CA_FILE`.
    pub extra_ca_pem: Option<Vec<u8>>,
    pub secrets: SecretStore,
    pub probe_policy: ProbePolicy,
    pub manager_policy: ManagerPolicy,
    /// Keep connections fresh in the background (standby, moving back up).
    pub background: bool,
    /// Where downloads are kept; `None`: beside the library cache's file
    /// (`$XDG_DATA_HOME/reel/downloads`).
    pub download_dir: Option<PathBuf>,
}

impl CoreOptions {
    /// The XDG locations, the system keyring, plex.tv.
    pub fn standard() -> Self {
        Self {
            config_path: crate::config::default_path(),
            library_path: Some(crate::services::library::cache::default_path()),
            poster_dir: crate::services::library::posters::default_dir(),
            plex_tv: None,
            extra_ca_pem: None,
            secrets: SecretStore::new(),
            probe_policy: ProbePolicy::default(),
            manager_policy: ManagerPolicy::default(),
            background: true,
            download_dir: None,
        }
    }

    /// As [`standard`](Self::standard) with settings at `config_path`
    /// (reel-cli's `--config`).
    pub fn with_config(config_path: PathBuf) -> Self {
        Self { config_path, ..Self::standard() }
    }
}

pub struct Core {
    auth: Arc<AuthManager>,
    connections: Arc<ConnectionManager>,
    library: Arc<LibraryCache>,
    posters: PosterCache,
    poster_slots: Arc<tokio::sync::Semaphore>,
    notices: Vec<Notice>,
    /// The player's trusted certificates when Reel trusts one CA more than
    /// the system does; `None`: the system's.
    media_anchors: Option<PathBuf>,
    /// Where subtitle files beside the media are kept for the player (beside the posters).
    subtitle_dir: PathBuf,
    /// What the player reports, sent to each server in the order it happened.
    reports: in_order::InOrder,
    downloads: DownloadStore,
}

impl Core {
    /// Opens settings, keyring access and the library cache. A damaged
    /// settings file or cache is kept aside and reported in [`notices`](Self::notices);
    /// without a usable cache file the cache lives in memory. With
    /// `background`, call from inside a tokio runtime.
    pub fn open(options: CoreOptions) -> Result<Self> {
        let (config, notice) = ConfigStore::load(&options.config_path)?;
        let mut notices: Vec<Notice> = notice.map(Notice::from).into_iter().collect();
        let client_id = match config.get().runtime.client_identifier {
            Some(id) => id,
            None => config.update(|c| {
                c.runtime.client_identifier.get_or_insert_with(|| uuid::Uuid::new_v4().to_string()).clone()
            })?,
        };
        let identity = ClientIdentity::new(client_id);
        let http = match &options.extra_ca_pem {
            Some(pem) => HttpClient::with_extra_ca(identity, Some(pem))?,
            None => HttpClient::new(identity)?,
        };
        let plex = match &options.plex_tv {
            Some((base, auth_url)) => PlexAuth::with_urls(http.clone(), base, auth_url)?,
            None => PlexAuth::new(http.clone())?,
        };
        let library = match &options.library_path {
            Some(path) => match LibraryCache::open(path) {
                Ok((cache, notice)) => {
                    notices.extend(notice);
                    cache
                }
                Err(e) => {
                    // Without a disk cache Reel still works, only without offline browsing.
                    notices.push(Notice::LibraryCacheUnavailable { reason: e.to_string() });
                    LibraryCache::in_memory()?
                }
            },
            None => LibraryCache::in_memory()?,
        };
        // What is learnt about servers lives in a database next to the
        // library's (shared with reel-cli; a damaged library cache set aside
        // leaves it alone); without a library file, in memory.
        let state = match library.path() {
            Some(path) => StateStore::open(&path.with_file_name("state.sqlite3")).unwrap_or_else(|e| {
                tracing::warn!("connection state kept in memory only: {e}");
                StateStore::in_memory()
            }),
            None => StateStore::in_memory(),
        };
        let media_anchors = http.extra_ca_pem().and_then(|pem| {
            crate::services::playback::trust::write_anchors(
                &options.poster_dir.with_file_name("media-anchors.pem"),
                pem,
            )
        });
        let auth = Arc::new(
            AuthManager::open(Arc::new(config), state, options.secrets, http, plex).with_policy(options.probe_policy),
        );
        let library = Arc::new(library);
        let connections = ConnectionManager::new(auth.clone(), library.clone(), options.manager_policy);
        if options.background {
            connections.spawn_reoptimiser();
        }
        let subtitle_dir = options.poster_dir.with_file_name("subtitles");
        let download_dir = options.download_dir.clone().unwrap_or_else(|| match library.path() {
            Some(path) => path.with_file_name("downloads"),
            None => crate::services::downloads::default_dir(),
        });
        let downloads = DownloadStore::new(download_dir);
        downloads.set_files_dir(auth.config().read(|c| c.preferences.download_folder.clone()));
        Ok(Self {
            auth,
            connections,
            library,
            subtitle_dir,
            reports: in_order::InOrder::default(),
            posters: PosterCache::new(options.poster_dir),
            // A few poster fetches at a time: a fast scroll must not queue
            // hundreds of requests ahead of what is on screen.
            poster_slots: Arc::new(tokio::sync::Semaphore::new(6)),
            notices,
            media_anchors,
            downloads,
        })
    }

    /// What the user should be told since opening (a damaged file kept aside, say).
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// Checks the whole library cache file (off the caller's thread); a
    /// damaged one is kept aside and started afresh, and the notice says so.
    pub async fn verify_library(&self) -> Option<Notice> {
        let library = self.library.clone();
        tokio::task::spawn_blocking(move || library.verify()).await.ok().flatten()
    }

    /// The library cache found damaged while Reel runs (kept aside, started afresh).
    pub fn subscribe_library_resets(&self) -> tokio::sync::broadcast::Receiver<Notice> {
        self.library.subscribe_resets()
    }

    /// Every connection change (failover, moving up, lost, pin failed,
    /// queued actions delivered), for as long as the core lives.
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<ConnectionEvent> {
        self.connections.subscribe()
    }

    /// Runs blocking work (SQLite, files) off the async threads.
    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(&LibraryCache) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        on_blocking(self.library.clone(), f).await
    }
}

/// Runs `f` with the library cache on a thread that may block.
async fn on_blocking<T: Send + 'static>(
    library: Arc<LibraryCache>,
    f: impl FnOnce(&LibraryCache) -> Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(move || f(&library))
        .await
        .map_err(|e| crate::error::Error::Internal(format!("a background task failed: {e}")))?
}

impl From<LoadNotice> for Notice {
    fn from(n: LoadNotice) -> Self {
        match n {
            LoadNotice::CorruptMovedAside { kept_as, reason } => Notice::SettingsDamaged { kept_as, reason },
        }
    }
}
