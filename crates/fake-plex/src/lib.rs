#![recursion_limit = "256"]
//! fake-plex: a fake plex.tv and any number of Plex Media Servers on loopback,
//! for Reel's tests, demos and benchmarks. Every connection of every server is
//! its own port with its own behaviour (see [`topology::Behaviour`]).

pub mod image;
pub mod library;
pub mod media;
pub mod music;
mod net;
pub mod people;
pub mod plextv;
pub mod pms;
pub mod state;
pub mod testing;
mod tls;
pub mod topology;
pub mod xml;

use crate::net::{behave, bind_std, ListenerCtx};
use crate::state::{ConnState, RecordedRequest, ServerState, Shared};
use crate::topology::{Behaviour, Protocol, Topology};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// What a running instance tells its user (printed as one JSON line by the binary).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Info {
    pub plex_tv_url: String,
    pub auth_url: String,
    pub admin_url: String,
    pub account_token: String,
    pub username: String,
    /// PEM file of the CA that signed the https connections' certificate.
    pub ca_file: Option<String>,
    pub sink_url: String,
    pub servers: Vec<ServerInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerInfo {
    pub name: String,
    pub machine_identifier: String,
    pub access_token: String,
    pub owned: bool,
    pub connections: Vec<ConnectionInfo>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ConnectionInfo {
    pub uri: String,
    pub port: u16,
    pub local: bool,
    pub relay: bool,
    pub protocol: Protocol,
    pub behaviour: Behaviour,
    pub address: String,
    pub ipv6: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Listen on consecutive ports from here (plex.tv first) instead of ephemeral ones,
    /// so a demo's URLs stay the same from one run to the next.
    pub port_base: Option<u16>,
    /// Where to write the CA certificate; a temporary file when absent.
    pub ca_file: Option<std::path::PathBuf>,
}

pub struct FakePlex {
    shared: Arc<Shared>,
    info: Info,
    tasks: Vec<JoinHandle<()>>,
    _ca_dir: Option<tempfile::TempDir>,
}

const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);
const LOOPBACK_V6: IpAddr = IpAddr::V6(Ipv6Addr::LOCALHOST);
/// Another loopback address is another host as far as clients can tell.
const OTHER_HOST: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));

fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().create(true).truncate(true).write(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

fn port_at(base: Option<u16>, n: u16) -> u16 {
    base.map(|b| b.saturating_add(n)).unwrap_or(0)
}

impl FakePlex {
    pub async fn start(topology: Topology) -> anyhow::Result<Self> {
        Self::start_with(topology, Options::default()).await
    }

    pub async fn start_with(topology: Topology, opts: Options) -> anyhow::Result<Self> {
        let names: Vec<String> =
            topology.servers.iter().flat_map(|s| s.connections.iter().filter_map(|c| c.host.clone())).collect();
        let (ca_file, ca_dir, tls) = match &opts.ca_file {
            Some(p) => {
                // The CA's key is kept beside its certificate, so a restart is the same CA.
                let key_file = p.with_extension("key.pem");
                let tls = tls::make(std::fs::read_to_string(&key_file).ok().as_deref(), &names)?;
                std::fs::write(p, &tls.ca_pem)?;
                write_private(&key_file, &tls.ca_key_pem)?;
                (p.clone(), None, tls)
            }
            None => {
                let tls = tls::make(None, &names)?;
                let dir = tempfile::Builder::new().prefix("fake-plex-").tempdir()?;
                let p = dir.path().join("ca.pem");
                std::fs::write(&p, &tls.ca_pem)?;
                (p, Some(dir), tls)
            }
        };

        let mut next_port = 0u16;
        let mut take_port = || {
            let p = port_at(opts.port_base, next_port);
            next_port += 1;
            p
        };

        let plextv_listener = bind_std(SocketAddr::new(LOOPBACK, take_port()))?;
        let plextv_addr = plextv_listener.local_addr()?;
        let sink_listener =
            bind_std(SocketAddr::new(OTHER_HOST, 0)).or_else(|_| bind_std(SocketAddr::new(LOOPBACK, 0)))?;
        let sink_addr = sink_listener.local_addr()?;
        let sink_url = format!("http://{sink_addr}");
        let account_token = topology.account.token.clone().unwrap_or_else(state::random_token);

        // Bind every connection first, so the resources list can name real ports.
        let mut servers = Vec::new();
        let mut listeners = Vec::new();
        for spec in &topology.servers {
            let machine_id = spec.machine_identifier.clone().unwrap_or_else(|| {
                format!("{}{}", uuid::Uuid::new_v4().simple(), &uuid::Uuid::new_v4().simple().to_string()[..8])
            });
            let mut conns = Vec::new();
            for (index, c) in spec.connections.iter().enumerate() {
                let ip = if c.ipv6 { LOOPBACK_V6 } else { LOOPBACK };
                let listener = bind_std(SocketAddr::new(ip, take_port()))?;
                let addr = listener.local_addr()?;
                let uri = match &c.host {
                    Some(h) => format!("{}://{h}:{}", c.protocol.scheme(), addr.port()),
                    None => format!("{}://{}", c.protocol.scheme(), addr),
                };
                let (tx, _) = watch::channel(c.behaviour.clone());
                conns.push(ConnState {
                    index,
                    local: c.local,
                    relay: c.relay,
                    ipv6: c.ipv6,
                    protocol: c.protocol,
                    port: addr.port(),
                    address: ip.to_string(),
                    uri,
                    behaviour: tx,
                });
                listeners.push((servers.len(), index, addr, listener));
            }
            let generated = library::Library::generate(&spec.library);
            let watch = library::initial_watch(&spec.library, &generated);
            servers.push(Arc::new(ServerState {
                spec: spec.clone(),
                machine_id,
                access_token: spec.access_token.clone().unwrap_or_else(state::random_token),
                watch: Mutex::new(watch),
                connections: conns,
                transcodes: Mutex::new(Default::default()),
                media_fault: Mutex::new(None),
                play_queues: Mutex::new(Default::default()),
                playlists: Mutex::new(crate::pms::playlists::Playlists::seeded(&generated)),
                download_queues: Mutex::new(Default::default()),
                library: generated,
            }));
        }

        let (plextv_tx, _) = watch::channel(Behaviour::Ok);
        let shared = Arc::new(Shared {
            account: topology.account.clone(),
            account_token,
            pins: Mutex::new(HashMap::new()),
            pin_lifetime: Duration::from_secs(topology.pin_lifetime_secs),
            servers,
            requests: Mutex::new(Vec::new()),
            plextv_behaviour: plextv_tx,
            sink_url: sink_url.clone(),
            hung: Mutex::new(HashMap::new()),
            hung_servers_peak: Default::default(),
        });

        let mut tasks = Vec::new();
        // plex.tv
        let ctx = Arc::new(ListenerCtx {
            name: "plextv".into(),
            shared: shared.clone(),
            behaviour: shared.plextv_behaviour.subscribe(),
            imposter_id: String::new(),
        });
        let router = plextv::router(shared.clone()).layer(axum::middleware::from_fn_with_state(ctx, behave));
        tasks.push(tokio::spawn(net::serve(
            plextv_addr,
            Some(plextv_listener),
            router,
            None,
            shared.plextv_behaviour.subscribe(),
        )));
        // the other host
        let (sink_tx, sink_rx) = watch::channel(Behaviour::Ok);
        let router = net::sink_router(shared.clone(), sink_rx.clone());
        tasks.push(tokio::spawn(async move {
            let _keep = sink_tx;
            net::serve(sink_addr, Some(sink_listener), router, None, sink_rx).await
        }));
        // each server connection
        for (si, ci, addr, listener) in listeners {
            let server = shared.servers[si].clone();
            let conn = &server.connections[ci];
            let ctx = Arc::new(ListenerCtx {
                name: format!("{}#{}", server.spec.name, ci),
                shared: shared.clone(),
                behaviour: conn.behaviour.subscribe(),
                imposter_id: format!("imposter{}", &server.machine_id[..server.machine_id.len().min(12)]),
            });
            let router = pms::router(pms::Pms { server: server.clone(), shared: shared.clone() })
                .layer(axum::middleware::from_fn_with_state(ctx, behave));
            let acceptor = (conn.protocol == Protocol::Https)
                .then(|| net::Tls { acceptor: tls.acceptor.clone(), also_http: server.spec.connections[ci].also_http });
            let rx = conn.behaviour.subscribe();
            let initial = (*rx.borrow() != Behaviour::Refuse).then_some(listener);
            tasks.push(tokio::spawn(net::serve(addr, initial, router, acceptor, rx)));
        }

        let plex_tv_url = format!("http://{plextv_addr}");
        let info = Info {
            auth_url: format!("{plex_tv_url}/auth"),
            admin_url: format!("{plex_tv_url}/admin"),
            plex_tv_url,
            account_token: shared.account_token.clone(),
            username: shared.account.username.clone(),
            ca_file: Some(ca_file.display().to_string()),
            sink_url,
            servers: shared
                .servers
                .iter()
                .map(|s| ServerInfo {
                    name: s.spec.name.clone(),
                    machine_identifier: s.machine_id.clone(),
                    access_token: s.access_token.clone(),
                    owned: s.spec.owned,
                    connections: s
                        .connections
                        .iter()
                        .map(|c| ConnectionInfo {
                            uri: c.uri.clone(),
                            port: c.port,
                            local: c.local,
                            relay: c.relay,
                            protocol: c.protocol,
                            behaviour: c.behaviour.borrow().clone(),
                            address: c.address.clone(),
                            ipv6: c.ipv6,
                        })
                        .collect(),
                })
                .collect(),
        };
        Ok(FakePlex { shared, info, tasks, _ca_dir: ca_dir })
    }

    pub fn info(&self) -> &Info {
        &self.info
    }

    pub fn ca_pem(&self) -> String {
        self.info.ca_file.as_deref().and_then(|p| std::fs::read_to_string(p).ok()).unwrap_or_default()
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.requests.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn clear_requests(&self) {
        if let Ok(mut l) = self.shared.requests.lock() {
            l.clear();
        }
    }

    /// Acts as the user signing in at plex.tv: links the PIN to the account.
    pub fn approve_pin(&self, id_or_code: &str) -> bool {
        let Ok(mut pins) = self.shared.pins.lock() else {
            return false;
        };
        let mut found = false;
        for p in pins.values_mut().filter(|p| p.id.to_string() == id_or_code || p.code == id_or_code) {
            p.auth_token = Some(self.shared.account_token.clone());
            found = true;
        }
        found
    }

    /// Every PIN created so far: (id, code).
    pub fn pins(&self) -> Vec<(u64, String)> {
        self.shared.pins.lock().map(|p| p.values().map(|p| (p.id, p.code.clone())).collect()).unwrap_or_default()
    }

    pub fn expire_pin(&self, id: u64) {
        if let Ok(mut pins) = self.shared.pins.lock() {
            if let Some(p) = pins.get_mut(&id) {
                p.expires = std::time::Instant::now() - Duration::from_millis(1);
            }
        }
    }

    pub fn pin_polls(&self, id: u64) -> u64 {
        self.shared.pins.lock().ok().and_then(|p| p.get(&id).map(|p| p.polls)).unwrap_or(0)
    }

    /// Makes a server's part files fail from now on (`None`: serve them
    /// again); its API and identity answer as before. False: no such server.
    pub fn set_media_fault(&self, server_name: &str, fault: Option<media::MediaFault>) -> bool {
        let Some(s) = self.shared.servers.iter().find(|s| s.spec.name == server_name) else { return false };
        s.media_fault.lock().map(|mut f| *f = fault).is_ok()
    }

    /// Waits until plex.tv ("plextv"), a server's connection (`Some(i)`) or
    /// all of them refuse connections (`listening` false) or take them
    /// again, as [`set_behaviour`](Self::set_behaviour) makes them do a
    /// moment later (a listener closes and opens on its own task). Panics
    /// past a deadline.
    pub async fn until_listening(&self, target: &str, connection: Option<usize>, listening: bool) {
        let hosts: Vec<String> =
            if target == "plextv" {
                let url = &self.info.plex_tv_url;
                vec![url.split_once("://").map_or(url.as_str(), |(_, rest)| rest).trim_end_matches('/').to_string()]
            } else {
                let servers = self.info.servers.iter().filter(|s| s.name == target || s.machine_identifier == target);
                servers
                    .flat_map(|s| s.connections.iter().enumerate())
                    .filter(|(i, _)| connection.is_none_or(|c| c == *i))
                    .map(|(_, c)| {
                        if c.ipv6 {
                            format!("[{}]:{}", c.address, c.port)
                        } else {
                            format!("{}:{}", c.address, c.port)
                        }
                    })
                    .collect()
            };
        assert!(!hosts.is_empty(), "no server named {target}");
        let what = format!("{target} to {}", if listening { "take connections" } else { "refuse connections" });
        testing::wait_for_async(
            &what,
            std::time::Duration::from_secs(10),
            || async {
                let mut wrong = Vec::new();
                for h in &hosts {
                    if tokio::net::TcpStream::connect(h.as_str()).await.is_ok() != listening {
                        wrong.push(h.clone());
                    }
                }
                wrong
            },
            |wrong: &Vec<String>| wrong.is_empty(),
        )
        .await;
    }

    /// Holds a server's download conversions at `processing` (their files
    /// answer 503) or lets them go. False: no such server.
    pub fn hold_conversions(&self, server_name: &str, held: bool) -> bool {
        let Some(s) = self.shared.servers.iter().find(|s| s.spec.name == server_name) else { return false };
        s.download_queues.lock().map(|mut q| q.hold(held)).is_ok()
    }

    /// Changes how a server's connection (or plex.tv, target "plextv") answers from now on.
    pub fn set_behaviour(&self, target: &str, connection: Option<usize>, behaviour: Behaviour) -> bool {
        plextv::apply_behaviour(&self.shared, &plextv::BehaviourChange { target: target.into(), connection, behaviour })
    }

    /// The most servers that were holding a request unanswered at the same
    /// time (hanging connections): 2 or more means a client asked them at once.
    pub fn hung_servers_peak(&self) -> usize {
        self.shared.hung_servers_peak.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Counts [`hung_servers_peak`](Self::hung_servers_peak) from now on.
    pub fn reset_hung_servers_peak(&self) {
        self.shared.hung_servers_peak.store(0, std::sync::atomic::Ordering::SeqCst);
    }

    /// The play queue a server made last: its id and its entries as
    /// (playQueueItemID, rating key), in play order.
    pub fn newest_play_queue(&self, machine_id: &str) -> Option<(u64, Vec<(u64, u64)>)> {
        let s = self.shared.server(machine_id)?;
        let (id, items) = s.play_queues.lock().ok()?.newest()?;
        Some((id, items.into_iter().map(|(entry, i)| (entry, s.library.items[i].rating_key)).collect()))
    }

    /// A server's playlists, entries as (playlistItemID, rating key).
    pub fn playlists(&self, machine_id: &str) -> Vec<pms::playlists::PlaylistView<u64>> {
        let Some(s) = self.shared.server(machine_id) else { return Vec::new() };
        let all = s.playlists.lock().map(|p| p.all()).unwrap_or_default();
        let key = |i: usize| s.library.items[i].rating_key;
        all.into_iter()
            .map(|p| pms::playlists::PlaylistView {
                id: p.id,
                title: p.title,
                entries: p.entries.into_iter().map(|(e, i)| (e, key(i))).collect(),
            })
            .collect()
    }

    /// What a server lists at the top of a section (movies, shows or
    /// artists), in its order: the server's own truth, to check a client by.
    /// What the server's `/library/sections/{section}/all?{query}` lists
    /// (`sort=year:desc&unwatched=1&genre=102`), as rating keys, in order.
    pub fn browse(&self, machine_id: &str, section: &str, query: &str) -> Vec<u64> {
        let Some(s) = self.shared.server(machine_id) else { return Vec::new() };
        let lib = &s.library;
        let Some(sec) = lib.section(section) else { return Vec::new() };
        let watch = s.watch.lock().map(|w| w.clone()).unwrap_or_default();
        let b = pms::browse::Browse::from_query(query);
        let listed = pms::browse::candidates(lib, sec, &b);
        pms::browse::browse(lib, &listed, &watch, &b).into_iter().map(|i| lib.items[i].rating_key).collect()
    }

    /// What the server's `/hubs/search` finds for `query` (every hit, not
    /// cut at a limit): by kind, in its order, as rating keys.
    pub fn search(&self, machine_id: &str, query: &str) -> Vec<(library::Kind, Vec<u64>)> {
        let Some(s) = self.shared.server(machine_id) else { return Vec::new() };
        let lib = &s.library;
        pms::search::find(lib, query)
            .into_iter()
            .map(|(kind, hits)| (kind, hits.into_iter().map(|(i, _)| lib.items[i].rating_key).collect()))
            .collect()
    }

    pub fn section_items(&self, machine_id: &str, section: &str) -> Vec<library::Item> {
        let Some(s) = self.shared.server(machine_id) else { return Vec::new() };
        let lib = &s.library;
        lib.section(section).map(|sec| sec.roots.iter().map(|&i| lib.items[i].clone()).collect()).unwrap_or_default()
    }

    /// An item's children (seasons, episodes, albums, tracks), in order.
    pub fn children(&self, machine_id: &str, rating_key: u64) -> Vec<library::Item> {
        let Some(s) = self.shared.server(machine_id) else { return Vec::new() };
        let lib = &s.library;
        lib.item(rating_key).map(|it| it.children.iter().map(|&i| lib.items[i].clone()).collect()).unwrap_or_default()
    }

    /// (viewCount, viewOffset) the server holds for an item.
    pub fn watch_state(&self, machine_id: &str, rating_key: u64) -> Option<(u32, u64)> {
        self.shared.server(machine_id).map(|s| s.watch_of(rating_key))
    }

    /// Marks an item watched (or not) on the server, as another client
    /// would; false when there is no such server.
    pub fn set_watched(&self, machine_id: &str, rating_key: u64, watched: bool) -> bool {
        let Some(s) = self.shared.server(machine_id) else { return false };
        let Ok(mut w) = s.watch.lock() else { return false };
        w.insert(rating_key, (u32::from(watched), 0));
        true
    }

    /// Someone watched `rating_key` part way, to `offset_ms`.
    pub fn set_progress(&self, machine_id: &str, rating_key: u64, offset_ms: u64) -> bool {
        let Some(s) = self.shared.server(machine_id) else { return false };
        let Ok(mut w) = s.watch.lock() else { return false };
        w.entry(rating_key).or_default().1 = offset_ms;
        true
    }

    pub fn shutdown(mut self) {
        for t in self.tasks.drain(..) {
            t.abort();
        }
    }
}

impl Drop for FakePlex {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}
