//! A 50 000-item library opened from the library cache in the real app (a
//! release build, in Xvfb): time from process start to the first painted grid
//! frame, memory, and the worst frame while scrolling the whole grid; against
//! a 1 000-item library as the baseline. Also the network → cache sync time.
//!
//! `scripts/with-keyring.sh cargo bench --bench grid_50k` (needs Xvfb and a Secret Service).

use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use reel_core::{Core, CoreOptions, Token};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Instant;

struct Figures {
    items: usize,
    sync_ms: f64,
    values: HashMap<String, f64>,
}

fn run(items: usize, display: &str) -> Figures {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let topology = Topology {
        account: Default::default(),
        pin_lifetime_secs: 900,
        servers: vec![ServerSpec {
            name: "Bench".into(),
            machine_identifier: None,
            owned: true,
            https_required: false,
            access_token: None,
            provides: "server".into(),
            library: LibrarySpec { movies: items, shows: 0, artists: 0, ..LibrarySpec::default() },
            connections: vec![ConnectionSpec {
                local: true,
                relay: false,
                protocol: Protocol::Http,
                ipv6: false,
                behaviour: Behaviour::Ok,
                ..Default::default()
            }],
        }],
    };
    let fp = rt.block_on(FakePlex::start(topology)).expect("fake-plex");
    let info = fp.info().clone();
    let home = tempfile::tempdir().expect("tempdir");
    let (config_home, data_home) = (home.path().join("config"), home.path().join("data"));
    let (source_id, sync_ms) = rt.block_on(async {
        // The same core the app opens, at the paths the app will read.
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
        let source = core.discover(p.id(), true).await.expect("discover").sources.remove(0);
        let sections = core.fetch_sections(&source.id).await.expect("sections");
        let movies = sections.iter().find(|s| s.key == "1").expect("a movies section");
        let start = Instant::now();
        // As the app does: afterwards, opening it again needs no download.
        core.sync_section(&source.id, movies, true, |_, _| {}).await.expect("sync");
        (source.id, start.elapsed().as_secs_f64() * 1000.0)
    });

    let mut child = Command::new(env!("CARGO_BIN_EXE_reel"))
        .env("DISPLAY", display)
        .env("XDG_CONFIG_HOME", &config_home)
        .env("XDG_DATA_HOME", &data_home)
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("REEL_PLEX_TV_URL", &info.plex_tv_url)
        .env("REEL_PLEX_AUTH_URL", &info.auth_url)
        .env("REEL_EXTRA_CA_FILE", info.ca_file.as_deref().unwrap_or(""))
        .env("REEL_BENCH_OPEN", format!("{source_id}:1"))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("reel starts");
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
    drop(fp);
    Figures { items, sync_ms, values }
}

fn main() {
    let mut xvfb = Command::new("Xvfb")
        .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("Xvfb");
    let mut line = String::new();
    BufReader::new(xvfb.stdout.take().expect("stdout")).read_line(&mut line).expect("display");
    let display = format!(":{}", line.trim());

    let base = run(1_000, &display);
    let big = run(50_000, &display);
    let _ = xvfb.kill();
    let _ = xvfb.wait();
    let get = |f: &Figures, k: &str| f.values.get(k).copied().unwrap_or(f64::NAN);
    println!("library grid from cache, real app (release) in Xvfb");
    println!(
        "{:>8} {:>12} {:>16} {:>14} {:>10} {:>14} {:>15} {:>13}",
        "items",
        "sync ms",
        "first frame ms",
        "open→frame ms",
        "RSS MB",
        "scroll frames",
        "worst frame ms",
        "p95 frame ms"
    );
    for f in [&base, &big] {
        println!(
            "{:>8} {:>12.0} {:>16.1} {:>14.1} {:>10.1} {:>14.0} {:>15.1} {:>13.1}",
            f.items,
            f.sync_ms,
            get(f, "first_frame_ms"),
            get(f, "open_to_frame_ms"),
            get(f, "rss_kb") / 1024.0,
            get(f, "scroll_frames"),
            get(f, "max_frame_ms"),
            get(f, "p95_frame_ms")
        );
    }
    println!(
        "renderer: {} (Xvfb has no GPU: GL is Mesa's software llvmpipe; GSK_RENDERER=cairo for the CPU renderer)",
        std::env::var("GSK_RENDERER").unwrap_or_else(|_| "GTK's default".into())
    );
    println!(
        "50k / 1k: first frame {:.2}x, open→frame {:.2}x, memory {:.2}x, worst scroll frame {:.2}x, sync {:.1}x (items 50x)",
        get(&big, "first_frame_ms") / get(&base, "first_frame_ms"),
        get(&big, "open_to_frame_ms") / get(&base, "open_to_frame_ms"),
        get(&big, "rss_kb") / get(&base, "rss_kb"),
        get(&big, "max_frame_ms") / get(&base, "max_frame_ms"),
        big.sync_ms / base.sync_ms
    );
}
