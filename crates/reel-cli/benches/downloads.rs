//! Downloads measured against their floor in the same run, over loopback
//! HTTPS from fake-plex:
//! - throughput and CPU per MB of `reel-cli download` against `curl`
//!   fetching the same part with the same token header into the same disk
//!   (targets: ≥ 0.9× curl's throughput, ≤ 1.2× its CPU per MB);
//! - bytes fetched again after `kill -9` of a download at a random point
//!   (target: ≤ 1 MiB).
//!
//! `scripts/with-keyring.sh cargo bench -p reel-cli --bench downloads`
//! (REEL_BENCH_MB, default 512: the file's size; REEL_BENCH_RUNS, default 5).
//! reel-cli's whole run is counted (start, sign-in from the keyring, the
//! item's metadata, the transfer, the fsync), as a person waits for it.

use fake_plex::media::MediaSpec;
use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn env_or(var: &str, default: u64) -> u64 {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// `mb` megabytes that do not compress (a video's bytes look like this).
fn random_file(dir: &Path, mb: u64) -> PathBuf {
    use std::io::Write;
    let path = dir.join("movie.mkv");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..mb {
        for chunk in block.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
        }
        f.write_all(&block).unwrap();
    }
    f.flush().unwrap();
    path
}

/// CPU seconds (user + system) of the children this process has waited for.
fn children_cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command's closing parenthesis; cutime and cstime are the 16th and 17th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let fields: Vec<f64> = rest.split_whitespace().map(|f| f.parse().unwrap_or(0.0)).collect();
    let ticks = 100.0; // USER_HZ on Linux
    (fields.get(13).copied().unwrap_or(0.0) + fields.get(14).copied().unwrap_or(0.0)) / ticks
}

struct Cli {
    bin: PathBuf,
    config: PathBuf,
    fp_env: Vec<(String, String)>,
}

impl Cli {
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.bin);
        cmd.args(args)
            .env("REEL_CONFIG", &self.config)
            .env("XDG_DATA_HOME", self.config.with_file_name("data"))
            .env("XDG_CACHE_HOME", self.config.with_file_name("cache"))
            .envs(self.fp_env.iter().map(|(k, v)| (k, v)))
            .env_remove("REEL_TOKEN")
            .env_remove("RUST_LOG");
        cmd
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.command(args).output().expect("reel-cli runs");
        assert!(out.status.success(), "reel-cli {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn downloads(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["downloads", "--json"])).expect("downloads as JSON")
    }
}

/// Runs `cmd` to its end: wall seconds and CPU seconds it took.
fn measured(cmd: &mut Command) -> (f64, f64) {
    let (cpu, t) = (children_cpu(), Instant::now());
    let status = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status().expect("runs");
    assert!(status.success(), "{cmd:?}");
    (t.elapsed().as_secs_f64(), children_cpu() - cpu)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let bins = std::env::current_exe().ok().and_then(|p| Some(p.parent()?.parent()?.to_path_buf()));
    let Some(bin) = bins.map(|b| b.join("reel-cli")).filter(|p| p.exists()) else {
        eprintln!("reel-cli is not built next to this benchmark; run `cargo build --release -p reel-cli` first");
        std::process::exit(1);
    };
    let (mb, runs) = (env_or("REEL_BENCH_MB", 512), env_or("REEL_BENCH_RUNS", 5) as usize);
    let work = tempfile::tempdir().unwrap();
    let file = random_file(work.path(), mb);
    let size = std::fs::metadata(&file).unwrap().len();
    let media = MediaSpec {
        file: file.clone(),
        container: "mkv".into(),
        video_codec: "h264".into(),
        audio_codec: "aac".into(),
        duration_ms: 600_000,
        audio_languages: vec!["eng".into()],
        subtitle_languages: Vec::new(),
        hls: None,
        bytes_per_second: None,
        claim_video_codec: None,
    };
    let rt = tokio::runtime::Runtime::new().unwrap();
    let topology = |media: MediaSpec| Topology {
        account: Default::default(),
        pin_lifetime_secs: 900,
        servers: vec![ServerSpec {
            name: "Bench".into(),
            machine_identifier: None,
            owned: true,
            https_required: false,
            access_token: None,
            provides: "server".into(),
            library: LibrarySpec { movies: 2, media: Some(media), ..LibrarySpec::default() },
            connections: vec![ConnectionSpec {
                local: true,
                protocol: Protocol::Https,
                behaviour: Behaviour::Ok,
                ..Default::default()
            }],
        }],
    };
    let fp = rt.block_on(FakePlex::start(topology(media.clone()))).unwrap();
    let info = fp.info().clone();
    let ca = info.ca_file.clone().expect("fake-plex's CA");
    let cli = Cli {
        bin,
        config: work.path().join("cli/config.toml"),
        fp_env: vec![
            ("REEL_PLEX_TV_URL".into(), info.plex_tv_url.clone()),
            ("REEL_PLEX_AUTH_URL".into(), info.auth_url.clone()),
            ("REEL_EXTRA_CA_FILE".into(), ca.clone()),
        ],
    };
    std::fs::create_dir_all(cli.config.parent().unwrap()).unwrap();
    cli.ok(&["login", "--token", &info.account_token]);
    let libraries: serde_json::Value = serde_json::from_str(&cli.ok(&["libraries", "--json"])).unwrap();
    let section = libraries[0]["sections"][0]["key"].as_str().unwrap().to_string();
    let items: serde_json::Value = serde_json::from_str(&cli.ok(&["items", &section, "--json"])).unwrap();
    let key = items[0]["rating_key"].as_str().unwrap().to_string();
    // The part's address, as the download asks for it.
    cli.ok(&["download", &key, "--no-wait"]);
    let part_key = cli.downloads()[0]["part_key"].as_str().unwrap().to_string();
    cli.ok(&["download", &key, "--cancel"]);
    let url = format!("{}{part_key}?download=1", info.servers[0].connections[0].uri);
    let token_header = format!("X-Plex-Token: {}", info.servers[0].access_token);
    let curl_out = work.path().join("curl.mkv");

    println!("downloads: a {mb} MB file over loopback HTTPS, {runs} runs each, medians");
    let (mut reel, mut curl, mut curl_synced) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let _ = std::fs::remove_file(&curl_out);
        let mut c = Command::new("curl");
        c.args(["--silent", "--fail", "--cacert", &ca, "-H", &token_header, "-o"]).arg(&curl_out).arg(&url);
        let fetched = measured(&mut c);
        curl.push(fetched);
        assert_eq!(std::fs::metadata(&curl_out).map(|m| m.len()).ok(), Some(size), "curl fetched it whole");
        // Reel makes the file durable before it calls it done; curl does not.
        let synced = measured(Command::new("sync").arg(&curl_out));
        curl_synced.push((fetched.0 + synced.0, fetched.1 + synced.1));
        reel.push(measured(&mut cli.command(&["download", &key])));
        let d = cli.downloads();
        assert_eq!(d[0]["state"], "done", "{d}");
        assert_eq!(d[0]["fetched"].as_u64(), Some(size));
        cli.ok(&["download", &key, "--cancel"]);
    }
    let mbs = |v: &[(f64, f64)]| median(v.iter().map(|(wall, _)| size as f64 / 1e6 / wall).collect());
    let cpu_per_mb = |v: &[(f64, f64)]| median(v.iter().map(|(_, cpu)| cpu * 1000.0 / (size as f64 / 1e6)).collect());
    let (reel_mbs, curl_mbs) = (mbs(&reel), mbs(&curl));
    let (reel_cpu, curl_cpu) = (cpu_per_mb(&reel), cpu_per_mb(&curl));
    println!(
        "  throughput: reel-cli {reel_mbs:.0} MB/s, curl {curl_mbs:.0} MB/s: {:.2}× curl (target ≥ 0.9×)",
        reel_mbs / curl_mbs
    );
    let synced_mbs = mbs(&curl_synced);
    println!(
        "  (curl, then its file synced to disk: {synced_mbs:.0} MB/s; reel-cli {:.2}× that)",
        reel_mbs / synced_mbs
    );
    println!(
        "  CPU per MB: reel-cli {reel_cpu:.2} ms, curl {curl_cpu:.2} ms: {:.2}× curl (target ≤ 1.2×)",
        reel_cpu / curl_cpu
    );

    // kill -9 at a random point of a transfer the server paces, then again.
    drop(fp);
    let paced = MediaSpec { bytes_per_second: Some(size / 4), ..media };
    let fp = rt.block_on(FakePlex::start(topology(paced))).unwrap();
    let info = fp.info().clone();
    let cli = Cli {
        config: work.path().join("killed/config.toml"),
        fp_env: vec![
            ("REEL_PLEX_TV_URL".into(), info.plex_tv_url.clone()),
            ("REEL_PLEX_AUTH_URL".into(), info.auth_url.clone()),
            ("REEL_EXTRA_CA_FILE".into(), info.ca_file.clone().expect("fake-plex's CA")),
        ],
        ..cli
    };
    std::fs::create_dir_all(cli.config.parent().unwrap()).unwrap();
    cli.ok(&["login", "--token", &info.account_token]);
    let part_file = || {
        fake_plex::testing::files_under(&cli.config.with_file_name("data").join("reel/downloads"))
            .into_iter()
            .find(|p| p.extension().is_some_and(|e| e == "part"))
    };
    let mut again = Vec::new();
    for round in 0..runs {
        // (Nothing to cancel in the first round.)
        let _ = cli.command(&["download", &key, "--cancel"]).output();
        fp.clear_requests();
        let mut child = cli.command(&["download", &key]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        // A point in the file's four seconds, different each round.
        let at = Duration::from_millis(500 + (round as u64 * 7919 + std::process::id() as u64) % 3000);
        std::thread::sleep(at);
        let _ = child.kill();
        let _ = child.wait();
        let had = part_file().and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len());
        fp.clear_requests();
        cli.ok(&["download", &key]);
        let from = fp
            .requests()
            .iter()
            .filter(|r| r.path.starts_with("/library/parts/"))
            .filter_map(|r| r.range.as_deref()?.strip_prefix("bytes=")?.strip_suffix('-')?.parse::<u64>().ok())
            .next()
            .unwrap_or(0);
        again.push(had.saturating_sub(from));
        println!("  kill -9 after {:.1} s: {had} bytes on disk, asked again from {from}", at.as_secs_f64());
    }
    let worst = again.iter().max().copied().unwrap_or(0);
    println!("  bytes fetched again after kill -9: at most {worst} (target ≤ {} = 1 MiB)", 1 << 20);
    // What had come but was still gathered for a write is not seen from
    // outside: at most the transfer's gather (half a MiB) more.
    println!("  (plus what had come but was not written yet: at most 512 KiB)");
}
