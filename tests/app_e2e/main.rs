//! The real `reel` binary in a real X server (Xvfb), driven against fake-plex
//! over loopback, with the real keyring (scripts/with-keyring.sh). What is on
//! screen is read through the accessibility tree (AT-SPI), as a screen reader
//! would; screenshots of each step go to test-artifacts/.

use fake_plex::testing::{wait_for, wait_until};
use fake_plex::topology::{Behaviour, Topology};
use fake_plex::{FakePlex, Options};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod browsing;
mod downloads;
mod keyboard;
mod library_grid;
mod library_view;
mod music;
mod music_faults;
mod no_keyring;
mod notifications;
mod playback;
mod playback_faults;
mod playlists;
mod run_command;
mod search;
mod session;
mod window_state;

use session::Session;

struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Self {
        let mut child = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (scripts/setup.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).expect("display number");
        Xvfb { child, display: format!(":{}", line.trim()) }
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Reel(Child);
impl Drop for Reel {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn artifacts() -> PathBuf {
    let d = std::env::var_os("REEL_TEST_ARTIFACTS").map(PathBuf::from).unwrap_or_else(|| repo().join("test-artifacts"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn launch(x: &Xvfb, fp_env: &[(String, String)], config_home: &Path, log: &str) -> Reel {
    let log = std::fs::File::create(artifacts().join(log)).expect("log file");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reel"));
    // Settings, library cache and posters of this test alone (its home
    // too: what the app shows as `~/…` is the test's).
    cmd.env("DISPLAY", &x.display)
        .env("HOME", config_home)
        .env("XDG_CONFIG_HOME", config_home)
        .env("XDG_DATA_HOME", config_home.join("data"))
        .env("XDG_CACHE_HOME", config_home.join("cache"))
        // GSettings in a file of the test's config home: dconf's daemon is
        // one per session bus and writes where its own config home is, so
        // one test's window size would be the next test's.
        .env("GSETTINGS_BACKEND", "keyfile")
        .env("GDK_BACKEND", "x11")
        .env("NO_AT_BRIDGE", "0")
        // Everything Reel's own code says (the secrets audit reads it all).
        .env("RUST_LOG", "debug,reel=trace,reel_core=trace,zbus=warn,hyper=warn,reqwest=warn,rustls=warn")
        // No sound card here: the audio is decoded and timed, then dropped.
        .env("REEL_AUDIO_SINK", "fakesink sync=true")
        .stdout(Stdio::null())
        .stderr(log)
        // On the scenario's own bus (a scenario's `fp_env` may name another).
        .envs(session::env());
    for (k, v) in fp_env {
        cmd.env(k, v);
    }
    Reel(cmd.spawn().expect("reel starts"))
}

/// Waits until every name is in reel's accessibility tree (or, written
/// `!name`, is not); returns the tree.
fn expect_on_screen(names: &[&str]) -> Vec<(String, String)> {
    expect_on_screen_within(40, names)
}

/// Every control in `tree` (a window's accessibility tree, hidden pages
/// included) has a name a screen reader can say.
fn every_control_is_named(tree: &[(String, String)], page: &str) {
    const CONTROLS: &[&str] = &["push button", "toggle button", "check box", "radio button", "switch", "slider"];
    let unnamed: Vec<&String> = tree
        .iter()
        .filter(|(role, name)| CONTROLS.contains(&role.as_str()) && name.trim().is_empty())
        .map(|(r, _)| r)
        .collect();
    assert!(unnamed.is_empty(), "{page}: controls without a name: {unnamed:?}");
}

fn expect_on_screen_within(secs: u32, names: &[&str]) -> Vec<(String, String)> {
    let secs = secs.to_string();
    let out = atspi("atspi_find.py", &[&["reel", secs.as_str()], names].concat(), None);
    assert!(
        out.status.success(),
        "{}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).expect("tree as JSON")
}

/// Starts watching for a toast (there for five seconds) before the action
/// that shows it: [`Watch::seen`] waits until the app's log `log` has one
/// more `toast shown` line with every one of `words` than it had now.
///
/// The toast is read from the log, not the accessibility tree: on a starved
/// machine one walk of the tree outlasted a toast, so a toast that was shown
/// could be missed. The line is written where the toast is added to the
/// window's overlay, so it says what the person saw.
fn watch_for(log: &str, secs: u64, words: &[&str]) -> Watch {
    let words: Vec<String> = ["toast shown"].iter().chain(words).map(|w| w.to_string()).collect();
    let before = toast_lines(log, &words);
    Watch { log: log.to_string(), words, before, within: Duration::from_secs(secs) }
}

fn toast_lines(log: &str, words: &[String]) -> usize {
    log_lines(log, &words.iter().map(String::as_str).collect::<Vec<_>>())
}

struct Watch {
    log: String,
    words: Vec<String>,
    before: usize,
    within: Duration,
}

impl Watch {
    /// Waits until the toast was shown (or the watch's time ran out).
    #[track_caller]
    fn seen(self) {
        let what = format!("a toast saying {:?} in {}", &self.words[1..], self.log);
        wait_for(&what, self.within, || toast_lines(&self.log, &self.words), |n| *n > self.before);
    }
}

/// Runs one of tests/python's AT-SPI scripts in the scenario's session.
/// A script killed by a signal is run once more, said on stderr: pyatspi
/// has crashed inside a walk of a tree that changed under it (a busy run's
/// click ended so, with nothing on stderr), which says nothing of the app.
fn atspi(script: &str, args: &[&str], x: Option<&Xvfb>) -> std::process::Output {
    let run = || {
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(repo().join("tests/python").join(script)).args(args).envs(session::env());
        if let Some(x) = x {
            cmd.env("DISPLAY", &x.display);
        }
        cmd.output().expect("python3 with pyatspi")
    };
    let out = run();
    if out.status.code().is_none() {
        eprintln!("{script} {args:?} ended by {}; once more", out.status);
        return run();
    }
    out
}

/// Where the window shows the first laid-out node of `role` whose name
/// holds `name`: (x, y, width, height), or None.
fn place_of(role: &str, name: &str) -> Option<(i32, i32, i32, i32)> {
    let out = atspi("atspi_where.py", &["reel", role, name], None);
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let n: Vec<i32> = text.split_whitespace().filter_map(|v| v.parse().ok()).collect();
    (out.status.success() && n.len() == 4).then(|| (n[0], n[1], n[2], n[3]))
}

/// The colours of `area` (x, y, width, height) of screenshot `name`: how
/// many pixels of each (sRGB, 0 to 1).
fn colours_in(name: &str, (x, y, w, h): (i32, i32, i32, i32)) -> Vec<(u64, [f64; 3])> {
    let out = Command::new("convert")
        .arg(artifacts().join(name))
        .args(["-crop", &format!("{w}x{h}+{x}+{y}"), "+repage", "-format", "%c", "histogram:info:-"])
        .output()
        .expect("ImageMagick's convert");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    // Lines like "  1234: (229,165, 10) #E5A50A srgb(…)": how many, the colour.
    text.lines()
        .filter_map(|line| {
            let count = line.trim().split(':').next()?.trim().parse().ok()?;
            let hex = line.split_whitespace().find_map(|w| w.strip_prefix('#')).filter(|h| h.len() >= 6)?;
            let c = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok().map(|v| f64::from(v) / 255.0);
            Some((count, [c(0)?, c(2)?, c(4)?]))
        })
        .collect()
}

/// The contrast (WCAG's ratio, 1 to 21) of a label's text in `area` (x,
/// y, width, height) of screenshot `name`: between the colour covering
/// most of it (the background) and, of the colours covering at least one
/// pixel in 200, the one that stands out most (the text's own, its
/// smoothed edges aside).
fn contrast_in(name: &str, area: (i32, i32, i32, i32)) -> f64 {
    let colours = colours_in(name, area);
    let luminance = |rgb: [f64; 3]| {
        let lin = |v: f64| if v <= 0.039_28 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) };
        0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    };
    let total: u64 = colours.iter().map(|(n, _)| n).sum();
    let background = colours.iter().max_by_key(|(n, _)| *n).map(|(_, c)| luminance(*c)).expect("a picture");
    let ratio = |l: f64| (l.max(background) + 0.05) / (l.min(background) + 0.05);
    colours.iter().filter(|(n, _)| n * 200 >= total).map(|(_, c)| ratio(luminance(*c))).fold(1.0, f64::max)
}

/// Whether `area` of screenshot `name` shows a picture rather than a flat
/// placeholder: no one colour covers a fifth of it (a placeholder's
/// background covers most of its frame; a photo, or fake-plex's shaded
/// pictures, spread over many).
fn shows_a_picture(name: &str, area: (i32, i32, i32, i32)) -> bool {
    let colours = colours_in(name, area);
    let total: u64 = colours.iter().map(|(n, _)| n).sum();
    let most = colours.iter().map(|(n, _)| *n).max().unwrap_or(total);
    total > 0 && most * 5 < total
}

/// Clicks what the accessibility tree calls `name`, with the mouse.
fn click(x: &Xvfb, name: &str) {
    click_role(x, name, None);
}

/// As [`click`], only a node of this AT-SPI role ("push button").
fn click_role(x: &Xvfb, name: &str, role: Option<&str>) {
    let out =
        atspi("atspi_click.py", &[&["reel", "40", name], &role.into_iter().collect::<Vec<_>>()[..]].concat(), Some(x));
    assert!(out.status.success(), "click {name}: {}: {}", out.status, String::from_utf8_lossy(&out.stderr));
    // What was clicked, for the test's output when it fails.
    eprintln!("{}", String::from_utf8_lossy(&out.stdout).trim());
}

fn key(x: &Xvfb, keys: &str) {
    let ok = Command::new("xdotool").args(["key", keys]).env("DISPLAY", &x.display).status();
    assert!(ok.is_ok_and(|s| s.success()), "xdotool key {keys}");
}

fn resize(x: &Xvfb, w: u32, h: u32) {
    let ok = Command::new("xdotool")
        .args(["search", "--name", "^Reel$", "windowsize", "%@", &w.to_string(), &h.to_string()])
        .env("DISPLAY", &x.display)
        .status();
    assert!(ok.is_ok_and(|s| s.success()), "xdotool windowsize");
}

fn screenshot(x: &Xvfb, name: &str) {
    let path = artifacts().join(name);
    let ok = Command::new("import").args(["-display", &x.display, "-window", "root"]).arg(&path).status();
    assert!(ok.is_ok_and(|s| s.success()), "screenshot {name}");
}

/// The size of the screenshots software centres show (the metainfo's).
const STORE_SIZE: (u32, u32) = (1280, 800);

/// Reel's main X window, as the X server has it: its id and size (GTK
/// keeps a 1×1 window of the same name too: the biggest is the one shown).
fn main_window(x: &Xvfb) -> Option<(u64, u32, u32)> {
    let out = Command::new("xdotool")
        .args(["search", "--name", "^Reel$", "getwindowgeometry", "--shell", "%@"])
        .env("DISPLAY", &x.display)
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let values = |name: &str| -> Vec<u64> {
        text.lines().filter_map(|l| l.strip_prefix(name)).filter_map(|v| v.trim().parse().ok()).collect()
    };
    let sizes = values("WIDTH=").into_iter().zip(values("HEIGHT="));
    let (id, (w, h)) = values("WINDOW=").into_iter().zip(sizes).max_by_key(|(_, (w, h))| w * h)?;
    Some((id, u32::try_from(w).ok()?, u32::try_from(h).ok()?))
}

/// The size of Reel's main X window.
fn window_size(x: &Xvfb) -> Option<(u32, u32)> {
    main_window(x).map(|(_, w, h)| (w, h))
}

/// A screenshot for the metainfo: the screen, which the window fills at
/// [`STORE_SIZE`] (launched after [`Demo::at_store_size`]), as
/// `store-{name}.png`; scripts/screenshots.sh copies them to data/screenshots/.
fn store_screenshot(x: &Xvfb, name: &str) {
    // (With no window manager GTK's resize border is part of the X window.)
    let fills = |s: &Option<(u32, u32)>| {
        s.is_some_and(|(w, h)| w.abs_diff(STORE_SIZE.0) <= 16 && h.abs_diff(STORE_SIZE.1) <= 16)
    };
    wait_for("the window at the store's size", Duration::from_secs(20), || window_size(x), fills);
    screenshot(x, &format!("store-{name}.png"));
}

/// The demo topology with fixed tokens and ports, so a second fake-plex is
/// the same servers coming back.
fn stable_demo() -> (Topology, Options) {
    let mut t = Topology::demo(None);
    t.account.token = Some("e2e-account-token-0001".into());
    for (i, s) in t.servers.iter_mut().enumerate() {
        s.access_token = Some(format!("e2e-server-token-000{i}"));
    }
    // Scenarios run side by side: each demo has ports of its own (20 from
    // its base), apart from another test binary's (by the process id), and
    // below the ports the kernel hands out to other sockets (from 32768).
    static DEMOS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let slot = DEMOS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let base = 20000 + ((std::process::id() % 30) * 20 + slot % 20) * 20;
    (t, Options { port_base: Some(base as u16), ca_file: None })
}

fn with_ca(opts: &Options, ca: &Path) -> Options {
    Options { ca_file: Some(ca.to_path_buf()), ..opts.clone() }
}

/// The demo account on fake-plex (fixed tokens and ports, so it can be
/// stopped and brought back as the same servers), a home of its own, the
/// first show's first episode, and an Xvfb: what every scenario below starts from.
struct Demo {
    rt: tokio::runtime::Runtime,
    topology: Topology,
    opts: Options,
    ca: PathBuf,
    fp: Option<FakePlex>,
    info: fake_plex::Info,
    home: tempfile::TempDir,
    env: Vec<(String, String)>,
    show: String,
    episode: String,
    episode_key: u64,
    /// The episode after it (Up Next).
    next_episode: String,
    /// The first movie of the first server.
    movie: String,
    /// The logs of the app's runs, for the secrets audit.
    logs: std::cell::RefCell<Vec<String>>,
    x: Xvfb,
    _session: Session,
}

impl Drop for Demo {
    /// The secrets audit: no token of the account or of a server in any
    /// file the app wrote (settings, library cache and its WAL, state,
    /// posters, its logs at trace level, screenshots) beyond the 4 leading
    /// characters a log may show.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let mut secrets: Vec<String> = vec![self.info.account_token.clone()];
        secrets.extend(self.info.servers.iter().map(|s| s.access_token.clone()));
        let logs: Vec<String> = self.logs.borrow().clone();
        assert_no_secrets_in(self.home.path(), &logs, &secrets);
    }
}

/// The secrets audit: none of `secrets` in any file under `home` (the
/// settings, library cache and its WAL, state, posters, the trusted
/// certificates) or in the app's `logs` and the screenshots beyond the 4
/// leading characters a log may show.
fn assert_no_secrets_in(home: &Path, logs: &[String], secrets: &[String]) {
    let mut files = Vec::new();
    let mut dirs = vec![home.to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.file_type() {
                Ok(t) if t.is_dir() => dirs.push(e.path()),
                Ok(t) if t.is_file() => files.push(e.path()),
                _ => {}
            }
        }
    }
    files.extend(logs.iter().map(|l| artifacts().join(l)));
    let screenshots = logs.iter().filter_map(|l| l.strip_suffix(".log")).collect::<Vec<_>>();
    for e in std::fs::read_dir(artifacts()).into_iter().flatten().flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if screenshots.iter().any(|s| name.starts_with(&format!("{s}-")) && name.ends_with(".png")) {
            files.push(e.path());
        }
    }
    let mut hits = Vec::new();
    for f in &files {
        let Ok(bytes) = std::fs::read(f) else { continue };
        for secret in secrets {
            let beyond_four = &secret.as_bytes()[4.min(secret.len())..];
            if !beyond_four.is_empty() && bytes.windows(beyond_four.len()).any(|w| w == beyond_four) {
                hits.push(format!("{} in {}", &secret[..4.min(secret.len())], f.display()));
            }
        }
    }
    assert!(files.len() > 3, "the audit read what the app wrote: {files:?}");
    assert!(hits.is_empty(), "tokens where they must not be: {hits:?}");
}

impl Demo {
    fn start() -> Self {
        Self::start_with(|_, _| {})
    }

    /// As [`start`](Self::start), with the topology changed first (`home`
    /// is the scenario's own folder).
    fn start_with(change: impl FnOnce(&mut Topology, &Path)) -> Self {
        let session = Session::start();
        let rt = tokio::runtime::Runtime::new().unwrap();
        let (mut topology, opts) = stable_demo();
        let home = tempfile::tempdir().unwrap();
        change(&mut topology, home.path());
        // Kept across fake-plex restarts, as the demo's is: the servers that come back are the same.
        let ca = home.path().join("ca.pem");
        let fp = rt.block_on(FakePlex::start_with(topology.clone(), with_ca(&opts, &ca))).unwrap();
        let info = fp.info().clone();
        let env = vec![
            ("REEL_PLEX_TV_URL".to_string(), info.plex_tv_url.clone()),
            ("REEL_PLEX_AUTH_URL".to_string(), info.auth_url.clone()),
            ("REEL_EXTRA_CA_FILE".to_string(), ca.display().to_string()),
        ];
        // What a person would expect to find: the first show, its first season's first episode.
        let (show, episode, episode_key) = {
            let living = &info.servers[0].machine_identifier;
            let movie = fp.section_items(living, "1").remove(0).title;
            let show = fp.section_items(living, "2").remove(0);
            let season = fp.children(living, show.rating_key).remove(0);
            let mut episodes = fp.children(living, season.rating_key).into_iter();
            let episode = episodes.next().unwrap();
            let next = episodes.next().unwrap();
            let unwatched = fp.watch_state(living, episode.rating_key).is_some_and(|w| w.0 == 0);
            assert!(unwatched, "the scenarios start from an unwatched episode");
            (show.title, (episode.title, next.title, movie), episode.rating_key)
        };
        let (episode, next_episode, movie) = episode;
        Demo {
            rt,
            topology,
            opts,
            ca,
            fp: Some(fp),
            info,
            home,
            env,
            show,
            episode,
            episode_key,
            next_episode,
            movie,
            logs: Default::default(),
            x: Xvfb::start(),
            _session: session,
        }
    }

    fn fp(&self) -> &FakePlex {
        self.fp.as_ref().expect("fake-plex is running")
    }

    fn living_id(&self) -> String {
        self.info.servers[0].machine_identifier.clone()
    }

    /// Signed in already, as the sign-in dialog leaves it (that dialog has a
    /// scenario of its own): the account's token in the keyring, the servers
    /// discovered, at the paths the app reads.
    fn signed_in(self) -> Self {
        session::in_a_process(
            "sign-in",
            &[
                ("CONFIG", self.home.path().display().to_string()),
                ("PLEX_TV", self.info.plex_tv_url.clone()),
                ("AUTH", self.info.auth_url.clone()),
                ("CA", self.ca.display().to_string()),
                ("TOKEN", self.info.account_token.clone()),
            ],
        );
        self
    }

    /// The window opens at [`STORE_SIZE`], the screen's, as a person's
    /// kept size would make it (GSettings' keyfile in this test's config).
    fn at_store_size(&self) {
        let dir = self.home.path().join("glib-2.0/settings");
        std::fs::create_dir_all(&dir).expect("settings folder");
        let (w, h) = STORE_SIZE;
        let keyfile = format!("[dev/arsfeld/Reel]\nwindow-width={w}\nwindow-height={h}\nwindow-maximized=false\n");
        std::fs::write(dir.join("keyfile"), keyfile).expect("keyfile written");
    }

    fn launch(&self, log: &str) -> Reel {
        self.logs.borrow_mut().push(log.to_string());
        launch(&self.x, &self.env, self.home.path(), log)
    }

    /// Opens the first show's first season from the sidebar.
    fn open_first_season(&self) {
        click(&self.x, "TV Shows on Living Room");
        click(&self.x, &self.show);
        expect_on_screen(&["Season 1", "Season 2"]);
        click(&self.x, "1. Season 1");
    }
}

fn activate_window_action(name: &str) {
    activate_window_action_with(name, "[]");
}

/// A window action with a parameter, as GNOME Shell (or a menu) would send it.
fn activate_window_action_with(name: &str, parameter: &str) {
    let out = Command::new("gdbus")
        .args(["call", "--session", "--dest", "dev.arsfeld.Reel", "--object-path", "/dev/arsfeld/Reel/window/1"])
        .args(["--method", "org.gtk.Actions.Activate", name, parameter, "{}"])
        .envs(session::env())
        .output()
        .expect("gdbus");
    assert!(out.status.success(), "activate win.{name}: {}", String::from_utf8_lossy(&out.stderr));
}

fn type_text(x: &Xvfb, text: &str) {
    let ok = Command::new("xdotool").args(["type", "--delay", "2", text]).env("DISPLAY", &x.display).status();
    assert!(ok.is_ok_and(|s| s.success()), "xdotool type");
}

/// No GLib/GTK/Adwaita criticals from the app except GTK 4.8's AT-SPI one
/// (a NULL object path when a tree walk meets widgets being added).
/// Whether a line of the app's log (its colours taken out) has every one
/// of `words`.
fn log_says(log: &str, words: &[&str]) -> bool {
    log_lines(log, words) > 0
}

/// How many lines of the app's log (its colours taken out) have every one
/// of `words`.
fn log_lines(log: &str, words: &[&str]) -> usize {
    let text = std::fs::read_to_string(artifacts().join(log)).unwrap_or_default();
    text.lines()
        .filter(|l| {
            let (mut plain, mut escape) = (String::with_capacity(l.len()), false);
            for c in l.chars() {
                match (escape, c) {
                    (true, 'm') => escape = false,
                    (true, _) => {}
                    (false, '\x1b') => escape = true,
                    (false, c) => plain.push(c),
                }
            }
            words.iter().all(|w| plain.contains(w))
        })
        .count()
}

fn assert_no_criticals(log: &str) {
    let text = std::fs::read_to_string(artifacts().join(log)).unwrap_or_default();
    let ours: Vec<&str> = text
        .lines()
        .filter(|l| {
            l.contains("CRITICAL")
                && !l.contains("g_variant_is_object_path")
                && !l.contains("g_variant_new_object_path")
        })
        .collect();
    assert!(ours.is_empty(), "{log} has criticals:\n{}", ours.join("\n"));
}
