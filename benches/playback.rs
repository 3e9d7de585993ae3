//! Playback: the real app (release) in Xvfb playing a 1080p VP8/Vorbis clip
//! from fake-plex on loopback, against GStreamer alone in the same run.
//!
//! - Play → first painted frame, from the start and resuming at 15 s, and a
//!   seek → its first frame: Reel (the whole path: the core asks the server
//!   for the item and its threshold on a verified connection, then the player
//!   page opens it; the player was made while the item's page was open, one
//!   second before Play, as in the app) against the floor of the same binary
//!   opening the same URL with playbin and the same sink in a bare window
//!   (`REEL_BENCH_PLAY_FLOOR`, timed from when its picture has a size, the
//!   sink made and told that size as the app's page tells it). Median of
//!   5, alternating. Target ≤ 1.5×.
//!   Under Xvfb GL is Mesa's llvmpipe, so both convert frames on the CPU,
//!   scaled to the picture (`player::video_sink`); `REEL_VIDEO_CONVERT=gl`
//!   measures the GL path instead. gst-launch uses glimagesink.
//! - Play a downloaded copy of a movie → first frame: Reel (the core finds
//!   the download and plays the file) against the same floor opening the
//!   same file. Target ≤ 1.1×.
//! - CPU time and memory while playing 30 s: Reel against
//!   `gst-launch-1.0 playbin` of the same URL. Target ≤ 1.2×.
//!
//! Every time is taken when the frame has been painted (the paint counts:
//! Reel's page drawn the first time costs what the bare window's does not).
//!
//! `scripts/with-keyring.sh cargo bench --features bench --bench playback`
//! (`REEL_BENCH_ONLY_KEPT=1`: only the downloaded file's row).

mod common;
use common::{median, one_server, run_app, Xvfb};
use fake_plex::topology::LibrarySpec;
use fake_plex::FakePlex;
use reel_core::playback::{Capabilities, Format};
use reel_core::{Core, CoreOptions, Token};
use std::process::{Command, Stdio};
use std::time::Duration;

const RUNS: usize = 5;
const SOAK_SECS: u64 = 30;

/// The player in these runs decodes the clip's formats (checked by the app
/// against GStreamer's registry in its own tests).
struct Clip;
impl Capabilities for Clip {
    fn can_decode(&self, f: &Format) -> bool {
        matches!(f.name(), "mkv" | "vp8" | "vorbis")
    }
}

fn main() {
    let rt = tokio::runtime::Runtime::new().expect("runtime");
    let media_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-media");
    std::fs::create_dir_all(&media_dir).expect("media dir");
    eprintln!("making a 1080p clip of {}s (once; kept in {})…", SOAK_SECS + 15, media_dir.display());
    let clip = fake_plex::media::make_clip_sized(&media_dir, SOAK_SECS as u32 + 15, (1920, 1080), &["eng"])
        .expect("gst-launch-1.0 makes the clip");
    let topology =
        one_server(LibrarySpec { movies: 4, shows: 0, artists: 0, media: Some(clip), ..LibrarySpec::default() });
    let fp = rt.block_on(FakePlex::start(topology)).expect("fake-plex");
    let info = fp.info().clone();
    let home = tempfile::tempdir().expect("home");
    let (source_id, key, url, token, kept_key, kept_url) = rt.block_on(async {
        let core = Core::open(CoreOptions {
            library_path: Some(home.path().join("data/reel/library.sqlite3")),
            poster_dir: home.path().join("cache/reel/posters"),
            plex_tv: Some((info.plex_tv_url.clone(), info.auth_url.clone())),
            extra_ca_pem: Some(fp.ca_pem().into_bytes()),
            background: false,
            ..CoreOptions::with_config(home.path().join("config/reel/config.toml"))
        })
        .expect("core");
        let p = core.sign_in_with_token(Token::new(info.account_token.clone())).await.expect("sign in (keyring?)");
        let source = core.discover(p.id(), true).await.expect("discover").sources.remove(0);
        let mut movies = core.fetch_items(&source.id, &"1".into(), 0, Some(2)).await.expect("movies");
        let (movie, kept) = (movies.remove(0), movies.remove(0));
        let plan = core.prepare_playback(&source.id, &movie.rating_key, &Clip, 0).await.expect("plan");
        // The second movie downloaded, where the app finds its downloads.
        core.download(&source.id, &kept.rating_key).await.expect("download");
        core.run_downloads(&|_| {}).await.expect("downloads run");
        let kept_plan = core.prepare_playback(&source.id, &kept.rating_key, &Clip, 0).await.expect("plan");
        assert_eq!(kept_plan.location.url.scheme(), "file", "the download plays from its file");
        (
            source.id.to_string(),
            movie.rating_key.to_string(),
            plan.location.url.to_string(),
            plan.location.token,
            kept.rating_key.to_string(),
            kept_plan.location.url.to_string(),
        )
    });
    let x = Xvfb::start();
    let base = [
        ("REEL_PLEX_TV_URL", info.plex_tv_url.clone()),
        ("REEL_PLEX_AUTH_URL", info.auth_url.clone()),
        ("REEL_EXTRA_CA_FILE", info.ca_file.clone().unwrap_or_default()),
        ("REEL_BENCH", "1".to_string()),
        ("REEL_AUDIO_SINK", "fakesink sync=true".to_string()),
    ];
    let with = |extra: &[(&'static str, String)]| -> Vec<(&'static str, String)> {
        base.iter().cloned().chain(extra.iter().cloned()).collect()
    };
    let app = |start: u64| with(&[("REEL_BENCH_PLAY", format!("{source_id}|{key}|{start}"))]);
    let floor = |start: u64| {
        with(&[
            ("REEL_BENCH_PLAY_FLOOR", url.clone()),
            ("REEL_BENCH_TOKEN", token.expose().to_string()),
            ("REEL_BENCH_START_MS", start.to_string()),
        ])
    };
    let runs = std::env::var("REEL_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(RUNS);
    // REEL_BENCH_ONLY_KEPT: only the downloaded file's row (to profile it).
    let streams: &[(&str, u64)] = if std::env::var_os("REEL_BENCH_ONLY_KEPT").is_some() {
        &[]
    } else {
        &[("play from the start", 0u64), ("resume at 15 s", 15_000)]
    };
    // One untimed run of each: neither pays alone for cold caches.
    if !streams.is_empty() {
        run_app(&x.display, home.path(), &floor(0));
        run_app(&x.display, home.path(), &app(0));
    }
    let mut rows = Vec::new();
    for &(name, start) in streams {
        let (mut a, mut f, mut sa, mut sf) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            let v = run_app(&x.display, home.path(), &floor(start));
            f.push(v.get("play_to_frame_ms").copied().unwrap_or(f64::NAN));
            sf.push(v.get("seek_to_frame_ms").copied().unwrap_or(f64::NAN));
            let v = run_app(&x.display, home.path(), &app(start));
            a.push(v.get("play_to_frame_ms").copied().unwrap_or(f64::NAN));
            sa.push(v.get("seek_to_frame_ms").copied().unwrap_or(f64::NAN));
        }
        rows.push((format!("Play → first frame, {name}"), median(a.clone()), median(f.clone()), a, f));
        if start == 0 {
            rows.push(("seek to 10 s → first frame".into(), median(sa.clone()), median(sf.clone()), sa, sf));
        }
    }
    // The downloaded copy, against the floor opening the same file.
    let kept_app = with(&[("REEL_BENCH_PLAY", format!("{source_id}|{kept_key}|0"))]);
    let kept_floor = with(&[
        ("REEL_BENCH_PLAY_FLOOR", kept_url.clone()),
        ("REEL_BENCH_TOKEN", String::new()),
        ("REEL_BENCH_START_MS", "0".into()),
    ]);
    run_app(&x.display, home.path(), &kept_floor);
    run_app(&x.display, home.path(), &kept_app);
    let (mut a, mut f) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        f.push(run_app(&x.display, home.path(), &kept_floor).get("play_to_frame_ms").copied().unwrap_or(f64::NAN));
        a.push(run_app(&x.display, home.path(), &kept_app).get("play_to_frame_ms").copied().unwrap_or(f64::NAN));
    }
    let kept_row = ("Play a downloaded file → first frame".to_string(), median(a.clone()), median(f.clone()), a, f);
    println!("Playback of a 1080p VP8/Vorbis clip over loopback, release builds in Xvfb, median of {runs} (ms)");
    for (name, a, f, ar, fr) in &rows {
        println!("  {name}: Reel {a:.1} vs GStreamer alone {f:.1} = {:.2}x (target ≤ 1.50x)", a / f);
        println!("      runs Reel {ar:.0?}, floor {fr:.0?}");
    }
    let (name, a, f, ar, fr) = &kept_row;
    println!("  {name}: Reel {a:.1} vs GStreamer alone on the same file {f:.1} = {:.2}x (target ≤ 1.10x)", a / f);
    println!("      runs Reel {ar:.0?}, floor {fr:.0?}");

    // CPU and memory over 30 s of playing (REEL_BENCH_NO_SOAK skips it).
    if std::env::var_os("REEL_BENCH_NO_SOAK").is_some() {
        return;
    }
    let soak = run_app(
        &x.display,
        home.path(),
        &with(&[
            ("REEL_BENCH_PLAY", format!("{source_id}|{key}|0")),
            ("REEL_BENCH_SEEK_MS", "0".into()),
            ("REEL_BENCH_SOAK_SECS", SOAK_SECS.to_string()),
        ]),
    );
    let (reel_cpu, reel_rss) =
        (soak.get("cpu_ms").copied().unwrap_or(f64::NAN), soak.get("rss_kb").copied().unwrap_or(f64::NAN));
    let floor_soak = run_app(
        &x.display,
        home.path(),
        &with(&[
            ("REEL_BENCH_PLAY_FLOOR", url.clone()),
            ("REEL_BENCH_TOKEN", token.expose().to_string()),
            ("REEL_BENCH_SEEK_MS", "0".into()),
            ("REEL_BENCH_SOAK_SECS", SOAK_SECS.to_string()),
        ]),
    );
    let (gst_cpu, gst_rss) = gst_launch(&x.display, &url, &token);
    println!("Playing for {SOAK_SECS} s (after the first seconds):");
    println!(
        "  CPU time: Reel {reel_cpu:.0} ms vs gst-launch-1.0 playbin {gst_cpu:.0} ms = {:.2}x (target ≤ 1.20x)",
        reel_cpu / gst_cpu
    );
    println!(
        "  memory (RSS at the end): Reel {:.0} MB vs gst-launch-1.0 {:.0} MB = {:.2}x (target ≤ 1.20x)",
        reel_rss / 1024.0,
        gst_rss / 1024.0,
        reel_rss / gst_rss
    );
    let (floor_cpu, floor_rss) =
        (floor_soak.get("cpu_ms").copied().unwrap_or(f64::NAN), floor_soak.get("rss_kb").copied().unwrap_or(f64::NAN));
    println!(
        "  (where it goes: the same playbin and sink in a bare GTK window take {floor_cpu:.0} ms and {:.0} MB: \
         Reel is {:.2}x and {:.2}x that)",
        floor_rss / 1024.0,
        reel_cpu / floor_cpu,
        reel_rss / floor_rss
    );
    println!(
        "renderer: {}",
        std::env::var("GSK_RENDERER").unwrap_or_else(|_| "GTK's default (GL, Mesa llvmpipe under Xvfb)".into())
    );
}

/// `gst-launch-1.0 playbin` of the same URL (the token in the query, as
/// gst-launch cannot send headers; loopback only) for the soak's length
/// after the same 1 s + seek lead-in: CPU time (ms) and RSS (kB) at the end.
fn gst_launch(display: &str, url: &str, token: &Token) -> (f64, f64) {
    let uri = format!("{url}?X-Plex-Token={}", token.expose());
    let mut child = Command::new("gst-launch-1.0")
        .args(["-q", "playbin", &format!("uri={uri}"), "audio-sink=fakesink sync=true"])
        .env("DISPLAY", display)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gst-launch-1.0");
    // The same lead-in as Reel's soak: it starts counting after its first second.
    std::thread::sleep(Duration::from_secs(1));
    let (cpu0, _) = proc_usage(child.id());
    std::thread::sleep(Duration::from_secs(SOAK_SECS));
    let (cpu1, rss) = proc_usage(child.id());
    let _ = child.kill();
    let _ = child.wait();
    (cpu1 - cpu0, rss)
}

fn proc_usage(pid: u32) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit_once(')').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
    let cpu: f64 =
        fields.get(11..13).map(|f| f.iter().filter_map(|v| v.parse::<f64>().ok()).sum()).unwrap_or(0.0) * 10.0;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let rss = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(f64::NAN);
    (cpu, rss)
}
