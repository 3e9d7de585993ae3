//! The real `reel` binary in a real X server (Xvfb), driven against fake-plex
//! over loopback, with the real keyring (scripts/with-keyring.sh). What is on
//! screen is read through the accessibility tree (AT-SPI), as a screen reader
//! would; screenshots of each step go to test-artifacts/.

use fake_plex::topology::{Behaviour, Topology};
use fake_plex::{FakePlex, Options};
use reel_core::backends::plex::PlexServerClient;
use reel_core::http::{ClientIdentity, HttpClient};
use reel_core::Token;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

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
    // Settings, library cache and posters of this test alone.
    cmd.env("DISPLAY", &x.display)
        .env("XDG_CONFIG_HOME", config_home)
        .env("XDG_DATA_HOME", config_home.join("data"))
        .env("XDG_CACHE_HOME", config_home.join("cache"))
        .env("GDK_BACKEND", "x11")
        .env("NO_AT_BRIDGE", "0")
        .env("RUST_LOG", "debug,zbus=warn,hyper=warn,reqwest=warn,rustls=warn")
        // No sound card here: the audio is decoded and timed, then dropped.
        .env("REEL_AUDIO_SINK", "fakesink sync=true")
        .stdout(Stdio::null())
        .stderr(log);
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

fn expect_on_screen_within(secs: u32, names: &[&str]) -> Vec<(String, String)> {
    let out = Command::new("/usr/bin/python3")
        .arg(repo().join("tests/python/atspi_find.py"))
        .args(["reel", &secs.to_string()])
        .args(names)
        .output()
        .expect("python3 with pyatspi");
    assert!(out.status.success(), "{}\n{}", String::from_utf8_lossy(&out.stderr), String::from_utf8_lossy(&out.stdout));
    serde_json::from_slice(&out.stdout).expect("tree as JSON")
}

/// Clicks what the accessibility tree calls `name`, with the mouse.
fn click(x: &Xvfb, name: &str) {
    let out = Command::new("/usr/bin/python3")
        .arg(repo().join("tests/python/atspi_click.py"))
        .args(["reel", "40", name])
        .env("DISPLAY", &x.display)
        .output()
        .expect("python3 with pyatspi");
    assert!(out.status.success(), "click {name}: {}", String::from_utf8_lossy(&out.stderr));
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

/// The demo topology with fixed tokens and ports, so a second fake-plex is
/// the same servers coming back.
fn stable_demo() -> (Topology, Options) {
    let mut t = Topology::demo(None);
    t.account.token = Some("e2e-account-token-0001".into());
    for (i, s) in t.servers.iter_mut().enumerate() {
        s.access_token = Some(format!("e2e-server-token-000{i}"));
    }
    let base = 20000 + (std::process::id() % 20000) as u16;
    (t, Options { port_base: Some(base), ca_file: None })
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
    x: Xvfb,
}

impl Demo {
    fn start() -> Self {
        Self::start_with(|_, _| {})
    }

    /// As [`start`](Self::start), with the topology changed first (`home`
    /// is the scenario's own folder).
    fn start_with(change: impl FnOnce(&mut Topology, &Path)) -> Self {
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
        let (show, episode, episode_key) = rt.block_on(async {
            let http =
                HttpClient::with_extra_ca(ClientIdentity::new("e2e-peek"), Some(fp.ca_pem().as_bytes())).unwrap();
            let living = &info.servers[0];
            let c = PlexServerClient::new(http, &living.connections[0].uri, Token::new(living.access_token.clone()))
                .unwrap();
            let movie = c.items("1", 0, 1).await.unwrap().items.remove(0).title;
            let show = c.items("2", 0, 1).await.unwrap().items.remove(0);
            let season = c.children(&show.rating_key).await.unwrap().remove(0);
            let mut episodes = c.children(&season.rating_key).await.unwrap().into_iter();
            let episode = episodes.next().unwrap();
            let next = episodes.next().unwrap();
            assert!(!episode.watched(), "the scenarios start from an unwatched episode");
            (show.title, (episode.title, next.title, movie), episode.rating_key.parse::<u64>().unwrap())
        });
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
            x: Xvfb::start(),
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
        self.rt.block_on(async {
            let config = self.home.path();
            let core = reel_core::Core::open(reel_core::CoreOptions {
                library_path: Some(config.join("data/reel/library.sqlite3")),
                poster_dir: config.join("cache/reel/posters"),
                plex_tv: Some((self.info.plex_tv_url.clone(), self.info.auth_url.clone())),
                extra_ca_pem: Some(self.fp().ca_pem().into_bytes()),
                background: false,
                ..reel_core::CoreOptions::with_config(config.join("reel/config.toml"))
            })
            .unwrap();
            let p = core.sign_in_with_token(Token::new(self.info.account_token.clone())).await.unwrap();
            core.discover(p.id(), true).await.unwrap();
        });
        self
    }

    fn launch(&self, log: &str) -> Reel {
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

#[test]
fn sign_in_through_the_dialog_then_home_and_an_episode_marked_watched() {
    let _turn = keyring_turn();
    let d = Demo::start();
    let x = &d.x;
    let reel = d.launch("app-01.log");
    expect_on_screen(&["Welcome to Reel", "Sign in to Plex"]);
    screenshot(x, "app-01-welcome.png");
    click(x, "Sign in to Plex");
    expect_on_screen(&["Copy the sign-in code", "Open the plex.tv sign-in page", "Waiting for you to sign in"]);
    let pins = d.fp().pins();
    assert_eq!(pins.len(), 1, "one PIN for one sign-in");
    expect_on_screen(&[&pins[0].1]);
    screenshot(x, "app-02-sign-in-dialog.png");
    // The person signs in at plex.tv in their browser; fake-plex's admin call stands in for that.
    assert!(d.fp().approve_pin(&pins[0].1));
    expect_on_screen(&["Living Room", "Friend's Server", "Movies on Living Room", "TV Shows on Friend's Server"]);
    // Home: what is being watched and what is new, from every server's hubs.
    expect_on_screen(&["Continue Watching", "On Deck", "Recently Added Movies", "part-way through"]);
    screenshot(x, "app-03-signed-in-home.png");

    click(x, "Movies on Living Room");
    expect_on_screen(&["Library items", "The "]);
    screenshot(x, "app-04-movies-grid.png");
    d.open_first_season();
    click(x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, &d.show]);
    screenshot(x, "app-05-episode.png");
    // Watched and back: each reaches the server.
    click(x, "Mark as Watched");
    expect_on_screen(&["Mark as Unwatched"]);
    assert_eq!(d.fp().watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(1));
    click(x, "Mark as Unwatched");
    expect_on_screen(&["Mark as Watched"]);
    assert_eq!(d.fp().watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(0));
    drop(reel);
    assert_no_criticals("app-01.log");
}

#[test]
fn the_server_page_pins_a_connection_and_preferences_hide_a_library() {
    let _turn = keyring_turn();
    let d = Demo::start().signed_in();
    let x = &d.x;
    let reel = d.launch("app-02.log");
    // The server page: every connection, the one in use; pin the remote one, then back to automatic.
    let local = d.info.servers[0].connections[0].uri.clone();
    let remote = d.info.servers[0].connections[1].uri.clone();
    click(x, "Connections of Living Room");
    expect_on_screen(&[&format!("{local}: local · answered"), "in use", &format!("{remote}: remote")]);
    click(x, &format!("{remote}: remote"));
    expect_on_screen(&[&format!("{remote}: remote · answered"), "in use · pinned"]);
    screenshot(x, "app-06-server-connections-pinned.png");
    click(x, "Choose Automatically");
    expect_on_screen(&[&format!("{local}: local · answered"), "!pinned"]);

    // Preferences (Ctrl+,): hide a library, and the sidebar follows.
    key(x, "ctrl+comma");
    click(x, "Libraries");
    click(x, "Show Music from Living Room");
    expect_on_screen(&["!Music on Living Room", "Movies on Living Room"]);
    screenshot(x, "app-07-preferences.png");
    key(x, "Escape");
    drop(reel);
    assert_no_criticals("app-02.log");
}

#[test]
fn a_connection_that_dies_mid_session_fails_over_and_comes_back_then_a_narrow_window() {
    let _turn = keyring_turn();
    let d = Demo::start().signed_in();
    let x = &d.x;
    let reel = d.launch("app-03.log");
    // Mid-session the LAN connection dies: the next request (a show's seasons) fails over to
    // remote, is answered there, and a toast and the sidebar say so.
    expect_on_screen(&["Living Room, Local · "]);
    d.fp().set_behaviour("Living Room", Some(0), Behaviour::Refuse);
    click(x, "TV Shows on Living Room");
    click(x, &d.show);
    expect_on_screen(&["connection to Living Room stopped answering", "Living Room, Remote · ", "Season 1"]);
    screenshot(x, "app-08-failover-to-remote.png");
    // The LAN comes back: the background re-probe (15 s, then doubling) moves up by itself.
    d.fp().set_behaviour("Living Room", Some(0), Behaviour::Ok);
    expect_on_screen_within(90, &["Living Room, Local · "]);
    screenshot(x, "app-08a-back-on-local.png");

    // A narrow window folds the sidebar away: Back shows it again, a library opens the content.
    click(x, "Movies on Living Room");
    expect_on_screen(&["!Back"]);
    resize(x, 460, 700);
    click(x, "Back");
    click(x, "TV Shows on Living Room");
    expect_on_screen(&["Back", &d.show]);
    screenshot(x, "app-08b-narrow-window.png");
    drop(reel);
    assert_no_criticals("app-03.log");
}

#[test]
fn offline_from_what_was_saved_then_back_with_the_change_made_offline() {
    let _turn = keyring_turn();
    let mut d = Demo::start().signed_in();
    let x = &d.x;
    {
        // Browsed once while online: that is what is saved.
        let _reel = d.launch("app-04.log");
        d.open_first_season();
        expect_on_screen(&[&format!("1. {}", d.episode)]);
    }
    // plex.tv and every server gone: the same items, from the library cache, and a banner.
    d.fp.take().expect("running").shutdown();
    {
        let _reel = d.launch("app-05.log");
        expect_on_screen(&["Living Room", "TV Shows on Living Room", "offline since"]);
        d.open_first_season();
        expect_on_screen(&[&format!("1. {}", d.episode), "offline since"]);
        screenshot(x, "app-09-offline-from-cache.png");
        // Marked watched while offline: shown at once, kept for the server.
        click(x, &format!("1. {}", d.episode));
        click(x, "Mark as Watched");
        expect_on_screen(&["Mark as Unwatched", "offline since"]);

        // The servers come back (same ports, same tokens): the banner goes by itself,
        // and the change made offline reaches the server.
        let back = d.rt.block_on(FakePlex::start_with(d.topology.clone(), with_ca(&d.opts, &d.ca))).unwrap();
        assert_eq!(back.watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(0), "a fresh server");
        expect_on_screen(&["!offline since", &d.episode]);
        screenshot(x, "app-10-back-online.png");
        let mut delivered = false;
        for _ in 0..60 {
            if back.watch_state(&d.living_id(), d.episode_key).map(|w| w.0) == Some(1) {
                delivered = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(500));
        }
        assert!(delivered, "the watched state queued offline was sent once the server was back");
    }
    for log in ["app-04.log", "app-05.log"] {
        assert_no_criticals(log);
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

#[test]
fn sign_in_by_server_address_then_odd_data_a_500_and_a_hang() {
    let _turn = keyring_turn();
    use fake_plex::topology::{ConnectionSpec, LibrarySpec, ServerSpec};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let attic = ServerSpec {
        name: "Attic".into(),
        machine_identifier: None,
        owned: true,
        https_required: false,
        access_token: None,
        provides: "server".into(),
        library: LibrarySpec { movies: 12, shows: 1, artists: 0, odd: true, ..LibrarySpec::default() },
        connections: vec![ConnectionSpec { local: true, ..Default::default() }],
    };
    let topology = Topology { account: Default::default(), servers: vec![attic], pin_lifetime_secs: 900 };
    let fp = rt.block_on(FakePlex::start(topology)).unwrap();
    let info = fp.info().clone();
    // No plex.tv at all: the person has only the server's address and a token.
    fp.set_behaviour("plextv", None, Behaviour::Refuse);
    let env = vec![("REEL_PLEX_TV_URL".to_string(), info.plex_tv_url.clone())];
    let home = tempfile::tempdir().unwrap();
    let url = info.servers[0].connections[0].uri.clone();
    // Named as the server calls itself.
    let host = "Attic";

    let x = Xvfb::start();
    let _reel = launch(&x, &env, home.path(), "app-20.log");
    expect_on_screen(&["Welcome to Reel"]);
    click(&x, "Sign in to Plex");
    click(&x, "Use a Server Address Instead");
    click(&x, "Server address, like http://192.168.1.10:32400");
    type_text(&x, &url);
    click(&x, "Plex token");
    type_text(&x, "wrong-token");
    click(&x, "Connect to this server");
    expect_on_screen(&["did not accept this token"]);
    screenshot(&x, "app-20-server-address-wrong-token.png");
    click(&x, "Plex token");
    key(&x, "ctrl+a");
    type_text(&x, &info.servers[0].access_token);
    click(&x, "Connect to this server");
    expect_on_screen(&[&format!("Movies on {host}"), &format!("Empty Shelf on {host}")]);
    screenshot(&x, "app-21-signed-in-by-address.png");

    // Very long titles in several scripts, no year, no poster: the grid shows them all.
    click(&x, &format!("Movies on {host}"));
    expect_on_screen(&["Library items", "長いタイトル"]);
    screenshot(&x, "app-22-odd-titles.png");
    click(&x, &format!("Empty Shelf on {host}"));
    expect_on_screen(&["This library is empty."]);

    // The server knows who it is but answers 500 to everything else: what was
    // saved stays on screen, and the user is told what failed. (A server that
    // answers 500 even to `/identity` is not verified and gets no token: it is
    // shown as offline, from what Reel saved; reel-cli's tests cover that.)
    fp.set_behaviour("Attic", Some(0), Behaviour::LibraryError500);
    click(&x, &format!("Movies on {host}"));
    // The cached copy is the server's current one, so only a refresh (F5) asks again.
    key(&x, "F5");
    expect_on_screen(&["Could not update Movies", "HTTP 500", "Library items"]);
    screenshot(&x, "app-23-server-error-500.png");

    // The server hangs: the window keeps working (Preferences opens) while it waits.
    fp.set_behaviour("Attic", Some(0), Behaviour::Hang);
    click(&x, &format!("TV Shows on {host}"));
    key(&x, "ctrl+comma");
    expect_on_screen(&["Refresh the Server List After"]);
    screenshot(&x, "app-24-responsive-while-server-hangs.png");
    key(&x, "Escape");

    // Signing out asks first, then forgets the server and its token.
    // The menu item's action, activated the way GNOME Shell does (org.gtk.Actions on
    // the session bus): a popover menu needs a window manager's grab, and Xvfb has none.
    activate_window_action("sign-out");
    expect_on_screen(&[&format!("Sign out of {host}?")]);
    screenshot(&x, "app-25-sign-out.png");
    click(&x, "Sign Out");
    expect_on_screen(&["Welcome to Reel"]);
    let key = format!("server_{}_token", info.servers[0].machine_identifier);
    let left = rt.block_on(reel_core::services::secrets::SecretStore::get_in("dev.arsfeld.Reel", &key)).unwrap();
    assert!(left.is_none(), "the token left the keyring");
    drop(_reel);
    assert_no_criticals("app-20.log");
    drop(rt);
}

#[test]
fn a_second_launch_brings_the_running_window_forward() {
    let _turn = keyring_turn();
    let home = tempfile::tempdir().unwrap();
    let x = Xvfb::start();
    // Nothing to reach: the welcome page is enough to tell the instances apart.
    let env = vec![("REEL_PLEX_TV_URL".to_string(), "http://127.0.0.1:9".to_string())];
    let _first = launch(&x, &env, home.path(), "app-30.log");
    expect_on_screen(&["Welcome to Reel"]);
    let mut second = launch(&x, &env, home.path(), "app-31.log");
    let mut exited = None;
    for _ in 0..100 {
        if let Some(status) = second.0.try_wait().unwrap() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(exited.is_some_and(|s| s.success()), "the second launch hands over and exits: {exited:?}");
    let tree = expect_on_screen(&["Welcome to Reel"]);
    let frames = tree.iter().filter(|(role, name)| role == "frame" && name == "Reel").count();
    assert_eq!(frames, 1, "one window, one instance: {tree:?}");
    assert_no_criticals("app-30.log");
}

/// The tests here share the real keyring (the same account's entries), so
/// they take turns; other test binaries run meanwhile.
fn keyring_turn() -> std::sync::MutexGuard<'static, ()> {
    static KEYRING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    KEYRING.lock().unwrap_or_else(|p| p.into_inner())
}

/// `playerctl -p Reel …` (MPRIS over the test's session bus): its output.
fn playerctl(args: &[&str]) -> String {
    let out = Command::new("playerctl").args(["-p", "Reel"]).args(args).output().expect("playerctl (scripts/setup.sh)");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Waits until `playerctl <what>` answers `value`.
fn wait_for_mpris(what: &str, value: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let args: Vec<&str> = what.split(' ').collect();
        let got = playerctl(&args);
        if got == value {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "MPRIS {what}: {got:?}, not {value:?}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

/// The position MPRIS reports, in seconds.
fn mpris_position() -> f64 {
    playerctl(&["position"]).parse().unwrap_or(-1.0)
}

/// Seconds shown as elapsed by the player ("Elapsed 0:07").
fn elapsed(tree: &[(String, String)]) -> Option<u64> {
    tree.iter().find_map(|(_, n)| {
        let t = n.strip_prefix("Elapsed ")?;
        let (m, s) = t.rsplit_once(':')?;
        let m: u64 = m.split(':').try_fold(0, |acc, p| p.parse::<u64>().ok().map(|v| acc * 60 + v))?;
        Some(m * 60 + s.parse::<u64>().ok()?)
    })
}

/// How many pixels differ between the middle of two screenshots (the video).
fn video_pixels_changed(a: &str, b: &str) -> u64 {
    let crop = |name: &str| {
        let out = artifacts().join(format!("crop-{name}"));
        let ok = Command::new("convert")
            .arg(artifacts().join(name))
            .args(["-crop", "1090x480+5+110", "+repage"])
            .arg(&out)
            .status();
        assert!(ok.is_ok_and(|s| s.success()), "convert -crop");
        out
    };
    let out = Command::new("compare").args(["-metric", "AE"]).arg(crop(a)).arg(crop(b)).arg("null:").output().unwrap();
    String::from_utf8_lossy(&out.stderr).split_whitespace().next().and_then(|n| n.parse::<f64>().ok()).unwrap_or(0.0)
        as u64
}

#[test]
fn an_episode_plays_pauses_seeks_and_counts_as_watched_when_it_ends() {
    let _turn = keyring_turn();
    let d = Demo::start_with(|t, home| {
        let dir = home.join("media");
        std::fs::create_dir_all(&dir).unwrap();
        let clip = fake_plex::media::make_clip(&dir, 30, &["eng", "deu"]).expect("gst-launch-1.0 makes a clip");
        // Movies say they are in a codec no player has (H.266): the server's
        // transcoder streams them (an HLS rendition).
        let mut movie = fake_plex::media::with_hls(clip.clone(), &dir, 12).expect("an HLS rendition");
        movie.claim_video_codec = Some("vvc".into());
        for s in &mut t.servers {
            s.library.media = Some(clip.clone());
            s.library.movie_media = Some(movie.clone());
        }
    })
    .signed_in();
    let x = &d.x;
    let reel = d.launch("app-07.log");
    d.open_first_season();
    click(x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play"]);
    d.fp().clear_requests();
    click(x, "Play");
    // Playing, played as it is: the pause button and how it plays are shown,
    // and the shell's media controls (MPRIS, read with playerctl) say so.
    // (MPRIS first: reading the accessibility tree is slow, the clip is not.)
    wait_for_mpris("status", "Playing");
    let p0 = mpris_position();
    screenshot(x, "app-07-playing-a.png");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    screenshot(x, "app-07-playing-b.png");
    let p1 = mpris_position();
    assert!(p1 > p0 + 0.5, "the position moves with the clock: {p0} s then {p1} s");
    let changed = video_pixels_changed("app-07-playing-a.png", "app-07-playing-b.png");
    assert!(changed > 500, "the picture moves: {changed} pixels changed");

    // Paused with Space: the shell and the server hear it (and from here on
    // the test waits on nothing that runs out while it is slow).
    key(x, "space");
    wait_for_mpris("status", "Paused");
    assert_eq!(playerctl(&["metadata", "title"]), d.episode);
    assert_eq!(playerctl(&["metadata", "artist"]), d.show, "the show, as the artist");
    let shown = expect_on_screen(&["!Pause", "Play", "Direct Play", "Elapsed"]);
    assert!(elapsed(&shown).is_some_and(|t| t >= 1), "elapsed time on screen: {:?}", elapsed(&shown));
    // Into the intro (2–12 s, as the server marks it) from the media
    // controls, and skipped from the button.
    playerctl(&["position", "5"]);
    expect_on_screen(&["Skip Intro"]);
    screenshot(x, "app-07-paused.png");
    click(x, "Skip Intro");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while mpris_position() < 12.0 {
        assert!(std::time::Instant::now() < deadline, "skipped to the intro's end: at {} s", mpris_position());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    expect_on_screen(&["!Skip Intro"]);
    let timelines = |fp: &FakePlex| -> Vec<(String, u64, Option<String>)> {
        fp.requests()
            .into_iter()
            .filter(|r| r.path == "/:/timeline")
            .map(|r| {
                let get = |k: &str| {
                    r.query.split('&').find_map(|p| p.strip_prefix(&format!("{k}="))).unwrap_or("").to_string()
                };
                (get("state"), get("time").parse().unwrap_or(0), r.session.clone())
            })
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !timelines(d.fp()).iter().any(|(s, _, _)| s == "paused") {
        assert!(std::time::Instant::now() < deadline, "a paused timeline: {:?}", timelines(d.fp()));
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // The German audio and the English subtitles, through the window actions
    // the player's menu uses: the choice is saved on the server for the part.
    let part = d.episode_key * 10;
    let (german, english_subs) = (part * 10 + 2, part * 10 + 5);
    activate_window_action_with("audio-track", &format!("[<int64 {german}>]"));
    activate_window_action_with("subtitle-track", &format!("[<int64 {english_subs}>]"));
    let chosen = || -> Vec<String> {
        d.fp()
            .requests()
            .into_iter()
            .filter(|r| r.method == "PUT" && r.path == format!("/library/parts/{part}"))
            .map(|r| r.query)
            .collect()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while chosen().len() < 2 {
        assert!(std::time::Instant::now() < deadline, "stream choices saved: {:?}", chosen());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    let c = chosen();
    assert!(c.iter().any(|q| q.contains(&format!("audioStreamID={german}"))), "{c:?}");
    assert!(c.iter().any(|q| q.contains(&format!("subtitleStreamID={english_subs}"))), "{c:?}");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    screenshot(x, "app-07-subtitles.png");
    // On again from the media controls; forward 10 s with the arrow key.
    playerctl(&["play"]);
    wait_for_mpris("status", "Playing");
    let before = mpris_position();
    key(x, "Right");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while mpris_position() < before + 9.0 {
        assert!(std::time::Instant::now() < deadline, "→ moves 10 s on: from {before} s, at {} s", mpris_position());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    // A seek from the media controls, to just before the end of the 30 s clip:
    // the final credits (27–30 s), where the next episode is offered.
    playerctl(&["position", "26"]);
    expect_on_screen(&["Up Next", &d.next_episode, "Starts in"]);
    screenshot(x, "app-07-up-next.png");
    // At the end the next episode plays by itself.
    wait_for_mpris("metadata title", &d.next_episode);
    wait_for_mpris("status", "Playing");
    // Escape leaves the player; the first episode is watched, here and on the server.
    key(x, "Escape");
    expect_on_screen_within(60, &["Mark as Unwatched", "!Pause"]);
    wait_for_mpris("status", "Stopped");
    screenshot(x, "app-07-after-playing.png");
    assert!(d.fp().watch_state(&d.living_id(), d.episode_key).is_some_and(|w| w.0 >= 1), "watched on the server");
    // The first episode's playback (the next one has a session of its own).
    let all = timelines(d.fp());
    let first_session = all[0].2.clone();
    let t: Vec<_> = all.iter().filter(|x| x.2 == first_session).cloned().collect();
    assert!(all.iter().any(|x| x.2 != first_session), "the next episode reported too");
    let states: Vec<&str> = t.iter().map(|(s, _, _)| s.as_str()).collect();
    assert!(states.first() == Some(&"buffering") || states.first() == Some(&"playing"), "{states:?}");
    assert_eq!(states.last(), Some(&"stopped"), "{states:?}");
    let paused_at = t.iter().position(|(s, _, _)| s == "paused").unwrap();
    assert!(states[paused_at + 1..].contains(&"playing"), "{states:?}");
    // No "stopped" before the end (opening is not stopping), and no pause
    // the user did not make (a seek landing or buffering is not one).
    assert_eq!(states.iter().filter(|s| **s == "stopped").count(), 1, "{t:?}");
    // (A seek while paused buffers and is paused again: that is told, rightly.)
    let pauses = states.windows(2).filter(|w| w[0] == "playing" && w[1] == "paused").count();
    assert_eq!(pauses, 1, "paused from playing once, by Space: {t:?}");
    assert!(t[paused_at].1 >= 1000, "paused after playing a while: {t:?}");
    assert_eq!(t.last().map(|l| l.1), Some(30_000), "stopped at the end: {t:?}");
    let session = t[0].2.clone().expect("a playback session id");
    assert!(t.iter().all(|(_, _, s)| s.as_ref() == Some(&session)), "one session: {t:?}");
    // The token went in a header, never in a URL the player could log.
    let parts: Vec<_> =
        d.fp().requests().into_iter().filter(|r| r.method == "GET" && r.path.starts_with("/library/parts/")).collect();
    assert!(!parts.is_empty(), "the file was fetched");
    assert!(parts.iter().all(|r| r.token.is_some() && !r.query.contains("X-Plex-Token")), "{parts:?}");

    // A movie in a codec this machine cannot decode goes through the
    // server's transcoder, says so, plays, and the session ends with it.
    click(x, "Movies on Living Room");
    click(x, &d.movie);
    expect_on_screen(&[&d.movie, "Play"]);
    click(x, "Play");
    // The demo has been watching it: where to start is asked.
    expect_on_screen(&["Resume from 0:", "Start from the Beginning"]);
    screenshot(x, "app-07-resume-question.png");
    click(x, "Start from the Beginning");
    expect_on_screen(&["Transcoding: this computer cannot decode vvc", "Pause"]);
    wait_for_mpris("status", "Playing");
    let p0 = mpris_position();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(mpris_position() > p0, "the transcoded stream plays");
    screenshot(x, "app-07-transcoding.png");
    key(x, "Escape");
    wait_for_mpris("status", "Stopped");
    let asked: Vec<_> = d
        .fp()
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/video/:/transcode/universal/"))
        .map(|r| r.path)
        .collect();
    for step in ["decision", "start.m3u8", "stop"] {
        assert!(asked.iter().any(|p| p.ends_with(step)), "{step} in {asked:?}");
    }
    drop(reel);
    assert_no_criticals("app-07.log");
}

/// The connection in use dies while an episode streams from a server that
/// sends no faster than the video plays: playback goes on from the same
/// place on the connection the failover picks, with a toast, not an error.
#[test]
fn the_connection_dies_mid_stream_and_playback_goes_on() {
    let _turn = keyring_turn();
    let d = Demo::start_with(|t, home| {
        let dir = home.join("media");
        std::fs::create_dir_all(&dir).unwrap();
        let mut clip = fake_plex::media::make_clip(&dir, 30, &["eng"]).expect("gst-launch-1.0 makes a clip");
        // About 1.5 times what the video needs: the player cannot have it all early.
        let size = std::fs::metadata(&clip.file).unwrap().len();
        clip.bytes_per_second = Some(size * 3 / 2 / 30);
        let living = &mut t.servers[0];
        living.library.media = Some(clip);
        // A second way in on the local network, over plain http as local
        // connections may be (GStreamer's HTTP source does not take
        // fake-plex's test CA; real servers have public certificates).
        living.connections[1].protocol = fake_plex::topology::Protocol::Http;
        living.connections[1].local = true;
    })
    .signed_in();
    let x = &d.x;
    let reel = d.launch("app-08.log");
    d.open_first_season();
    click(x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play"]);
    click(x, "Play");
    wait_for_mpris("status", "Playing");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while mpris_position() < 4.0 {
        assert!(std::time::Instant::now() < deadline, "plays: at {} s", mpris_position());
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    d.fp().clear_requests();
    // The local connection stops answering (its open streams cut too).
    assert!(d.fp().set_behaviour("Living Room", Some(0), Behaviour::Refuse));
    let cut_at = mpris_position();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while mpris_position() < cut_at + 6.0 {
        assert!(std::time::Instant::now() < deadline, "goes on after the cut at {cut_at} s: at {} s", mpris_position());
        std::thread::sleep(std::time::Duration::from_millis(300));
    }
    screenshot(x, "app-08-after-failover.png");
    // From the same place: the remote connection was asked for a range
    // that starts well into the file, not for the file from its start.
    let remote: Vec<_> = d
        .fp()
        .requests()
        .into_iter()
        .filter(|r| r.listener != "Living Room#0" && r.path.starts_with("/library/parts/"))
        .collect();
    assert!(!remote.is_empty(), "the media came from another connection");
    let from = |r: &fake_plex::state::RecordedRequest| -> u64 {
        r.range.as_deref().and_then(|v| v.strip_prefix("bytes=")?.split('-').next()?.parse().ok()).unwrap_or(0)
    };
    assert!(remote.iter().any(|r| from(r) > 0), "resumed by range: {remote:?}");
    assert!(remote.iter().all(|r| r.token.is_some() && !r.query.contains("X-Plex-Token")));
    activate_window_action("back");
    wait_for_mpris("status", "Stopped");
    drop(reel);
    assert_no_criticals("app-08.log");
}
