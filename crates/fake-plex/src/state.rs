//! Everything a running fake-plex knows and remembers.

use crate::library::Library;
use crate::topology::{AccountSpec, Behaviour, Protocol, ServerSpec};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// One request as a listener received it; tests assert on these.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RecordedRequest {
    /// "plextv", "sink", or "{server name}#{connection index}".
    pub listener: String,
    pub method: String,
    pub path: String,
    pub query: String,
    /// The token sent, in the header or the query string.
    pub token: Option<String>,
    pub accept: Option<String>,
    pub client_identifier: Option<String>,
    /// `X-Plex-Session-Identifier`: which playback a timeline is about.
    #[serde(default)]
    pub session: Option<String>,
    /// `Range`: what part of a media file was asked for.
    #[serde(default)]
    pub range: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Pin {
    pub id: u64,
    pub code: String,
    pub client_identifier: String,
    pub created: chrono::DateTime<chrono::Utc>,
    pub expires: Instant,
    pub lifetime: Duration,
    pub auth_token: Option<String>,
    pub polls: u64,
}

pub struct ConnState {
    pub index: usize,
    pub local: bool,
    pub relay: bool,
    pub ipv6: bool,
    pub protocol: Protocol,
    pub port: u16,
    /// The IP address plex.tv lists for it.
    pub address: String,
    pub uri: String,
    pub behaviour: watch::Sender<Behaviour>,
}

pub struct ServerState {
    pub spec: ServerSpec,
    pub machine_id: String,
    pub access_token: String,
    pub library: Library,
    /// ratingKey → (viewCount, viewOffset ms)
    pub watch: Mutex<HashMap<u64, (u32, u64)>>,
    pub connections: Vec<ConnState>,
    /// Transcode sessions started and not stopped: their id lets a player
    /// fetch the segments (players do not send headers for those).
    /// Session id → the rendition it streams.
    pub transcodes: Mutex<HashMap<String, std::path::PathBuf>>,
    /// What goes wrong with the part files from now on (the API answers as usual).
    pub media_fault: Mutex<Option<crate::media::MediaFault>>,
    /// The play queues made on this server.
    pub play_queues: Mutex<crate::pms::play_queues::PlayQueues>,
    pub playlists: Mutex<crate::pms::playlists::Playlists>,
    /// Its download queues and their conversions.
    pub download_queues: Mutex<crate::pms::download_queue::DownloadQueues>,
}

impl ServerState {
    pub fn accepts(&self, token: Option<&str>, account_token: &str) -> bool {
        match token {
            Some(t) => t == self.access_token || (self.spec.owned && t == account_token),
            None => false,
        }
    }
    pub fn watch_of(&self, rating_key: u64) -> (u32, u64) {
        self.watch.lock().map(|w| w.get(&rating_key).copied().unwrap_or_default()).unwrap_or_default()
    }
}

pub struct Shared {
    pub account: AccountSpec,
    pub account_token: String,
    pub pins: Mutex<HashMap<u64, Pin>>,
    pub pin_lifetime: Duration,
    pub servers: Vec<std::sync::Arc<ServerState>>,
    pub requests: Mutex<Vec<RecordedRequest>>,
    pub plextv_behaviour: watch::Sender<Behaviour>,
    pub sink_url: String,
    /// Requests held unanswered now (a hanging connection), by server.
    pub hung: Mutex<HashMap<String, usize>>,
    /// The most servers that held a request unanswered at the same time.
    pub hung_servers_peak: std::sync::atomic::AtomicUsize,
}

/// A request a hanging connection holds, for as long as the client waits
/// (hyper drops the handler when the client goes away).
pub struct Held<'a> {
    shared: &'a Shared,
    server: String,
}

impl<'a> Held<'a> {
    pub fn new(shared: &'a Shared, server: &str) -> Self {
        if let Ok(mut h) = shared.hung.lock() {
            *h.entry(server.to_string()).or_default() += 1;
            let now = h.values().filter(|n| **n > 0).count();
            shared.hung_servers_peak.fetch_max(now, std::sync::atomic::Ordering::SeqCst);
        }
        Held { shared, server: server.to_string() }
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        if let Ok(mut h) = self.shared.hung.lock() {
            if let Some(n) = h.get_mut(&self.server) {
                *n = n.saturating_sub(1);
            }
        }
    }
}

/// At most this many requests are kept, so a long benchmark cannot eat memory.
pub const MAX_RECORDED: usize = 200_000;

impl Shared {
    pub fn record(&self, r: RecordedRequest) {
        if let Ok(mut log) = self.requests.lock() {
            if log.len() < MAX_RECORDED {
                log.push(r);
            }
        }
    }
    pub fn server(&self, machine_id: &str) -> Option<&std::sync::Arc<ServerState>> {
        self.servers.iter().find(|s| s.machine_id == machine_id)
    }
}

/// Plex-looking random tokens and identifiers.
pub fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..20].to_string()
}
