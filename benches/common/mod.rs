//! What the app benchmarks share: an Xvfb of their own, a cached library
//! made through the same core the app opens, and the real app (release)
//! started against it, its `reel-bench` lines read back.
// Each benchmark uses part of this.
#![allow(dead_code)]

use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use reel_core::{Core, CoreOptions, Token};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

pub struct Xvfb {
    child: Child,
    pub display: String,
}

impl Xvfb {
    pub fn start() -> Self {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("display");
        Xvfb { child, display: format!(":{}", line.trim()) }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in home with one server whose movie library of `items` is cached.
pub struct CachedLibrary {
    pub fp: Option<FakePlex>,
    pub home: tempfile::TempDir,
    pub source_id: String,
    pub plex_tv_url: String,
    pub auth_url: String,
    pub ca_file: String,
    /// How long fetching the library into the cache took.
    pub sync_ms: f64,
}

/// One server, "Bench", with `library`, on one local http connection.
pub fn one_server(library: LibrarySpec) -> Topology {
    Topology {
        account: Default::default(),
        pin_lifetime_secs: 900,
        servers: vec![ServerSpec {
            name: "Bench".into(),
            machine_identifier: None,
            owned: true,
            https_required: false,
            access_token: None,
            provides: "server".into(),
            library,
            connections: vec![ConnectionSpec {
                local: true,
                relay: false,
                protocol: Protocol::Http,
                ipv6: false,
                behaviour: Behaviour::Ok,
                ..Default::default()
            }],
        }],
    }
}

pub fn cached_library(rt: &tokio::runtime::Runtime, items: usize) -> CachedLibrary {
    cached_library_with(rt, items, None)
}

/// As [`cached_library`], the films' file being `media`.
pub fn cached_library_with(
    rt: &tokio::runtime::Runtime,
    items: usize,
    media: Option<fake_plex::media::MediaSpec>,
) -> CachedLibrary {
    let (mut lib, core, source) =
        signed_in(rt, LibrarySpec { movies: items, shows: 0, artists: 0, media, ..LibrarySpec::default() });
    lib.sync_ms = rt.block_on(async {
        let sections = core.fetch_sections(&source.id).await.expect("sections");
        let movies = sections.iter().find(|s| s.key == "1").expect("a movies section");
        let start = Instant::now();
        // As the app does: afterwards, opening it again needs no download.
        core.sync_section(&source.id, movies, true, |_, _| {}).await.expect("sync");
        let took = start.elapsed().as_secs_f64() * 1000.0;
        // The app opens the library it had open last: this one.
        core.remember_place(Some((source.id.clone(), movies.key.clone()))).await.expect("place");
        took
    });
    lib
}

/// A home signed in to one server serving `library`, and the core that did
/// it (at the paths the app will read), to save more before the app starts.
pub fn signed_in(
    rt: &tokio::runtime::Runtime,
    library: LibrarySpec,
) -> (CachedLibrary, Core, reel_core::models::Source) {
    let (lib, core, mut sources) = signed_in_to(rt, one_server(library));
    (lib, core, sources.remove(0))
}

/// As [`signed_in`], to every server of `topology`.
pub fn signed_in_to(
    rt: &tokio::runtime::Runtime,
    topology: Topology,
) -> (CachedLibrary, Core, Vec<reel_core::models::Source>) {
    let fp = rt.block_on(FakePlex::start(topology)).expect("fake-plex");
    let info = fp.info().clone();
    let home = tempfile::tempdir().expect("tempdir");
    let (config_home, data_home) = (home.path().join("config"), home.path().join("data"));
    let (core, sources) = rt.block_on(async {
        let core = Core::open(CoreOptions {
            library_path: Some(data_home.join("reel/library.sqlite3")),
            poster_dir: home.path().join("cache/reel/posters"),
            plex_tv: Some((info.plex_tv_url.clone(), info.auth_url.clone())),
            extra_ca_pem: Some(fp.ca_pem().into_bytes()),
            background: false,
            ..CoreOptions::with_config(config_home.join("reel/config.toml"))
        })
        .expect("core");
        let p = core
            .sign_in_with_token(Token::new(info.account_token.clone()))
            .await
            .expect("sign in (is a Secret Service running?)");
        let sources = core.discover(p.id(), true).await.expect("discover").sources;
        (core, sources)
    });
    let lib = CachedLibrary {
        plex_tv_url: info.plex_tv_url.clone(),
        auth_url: info.auth_url.clone(),
        ca_file: info.ca_file.clone().unwrap_or_default(),
        fp: Some(fp),
        home,
        source_id: sources.first().map(|s| s.id.to_string()).unwrap_or_default(),
        sync_ms: 0.0,
    };
    (lib, core, sources)
}

/// The core of `lib`'s home opened again (as reel-cli would beside the
/// app), to ask for what the app then does.
pub fn core_of(lib: &CachedLibrary) -> Core {
    let home = lib.home.path();
    Core::open(CoreOptions {
        library_path: Some(home.join("data/reel/library.sqlite3")),
        poster_dir: home.join("cache/reel/posters"),
        plex_tv: Some((lib.plex_tv_url.clone(), lib.auth_url.clone())),
        extra_ca_pem: std::fs::read(&lib.ca_file).ok(),
        background: false,
        ..CoreOptions::with_config(home.join("config/reel/config.toml"))
    })
    .expect("the core opens again")
}

/// Starts the release app with `env` on `display` and collects every
/// `reel-bench key=value` it prints (the largest value of each key).
pub fn run_app(display: &str, home: &Path, env: &[(&str, String)]) -> HashMap<String, f64> {
    // REEL_BENCH_PERF=DIR: each run is recorded by `perf record -g` into DIR
    // (where its frames go: `perf report -i DIR/reel-N.data`).
    let mut cmd = match std::env::var_os("REEL_BENCH_PERF") {
        Some(dir) => {
            static RUN: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            let n = RUN.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let out = Path::new(&dir).join(format!("reel-{n}.data"));
            let mut c = Command::new("perf");
            let freq = std::env::var("REEL_BENCH_PERF_FREQ").unwrap_or_else(|_| "499".into());
            // REEL_BENCH_PERF_CALLGRAPH=dwarf: whole stacks through libraries built without frame pointers.
            let graph = std::env::var("REEL_BENCH_PERF_CALLGRAPH").unwrap_or_else(|_| "fp".into());
            c.args(["record", "-k", "CLOCK_MONOTONIC", "--call-graph", &graph, "-F", &freq, "-o"])
                .arg(out)
                .arg("--")
                .arg(env!("CARGO_BIN_EXE_reel"));
            c
        }
        None => Command::new(env!("CARGO_BIN_EXE_reel")),
    };
    cmd.env("DISPLAY", display)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        // REEL_BENCH_MARKS: the app says where its start-up time goes, on stderr.
        .stderr(if std::env::var_os("REEL_BENCH_MARKS").is_some() { Stdio::inherit() } else { Stdio::null() });
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("reel starts");
    let mut values = HashMap::new();
    for line in BufReader::new(child.stdout.take().expect("stdout")).lines().map_while(Result::ok) {
        for kv in line.strip_prefix("reel-bench ").unwrap_or("").split_whitespace() {
            if let Some((k, v)) = kv.split_once('=') {
                if let Ok(v) = v.parse::<f64>() {
                    values.entry(k.to_string()).and_modify(|old: &mut f64| *old = old.max(v)).or_insert(v);
                }
            }
        }
    }
    let _ = child.wait();
    values
}

pub fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    v.sort_by(|a, b| a.total_cmp(b));
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}
