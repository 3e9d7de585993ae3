//! A desktop session of a scenario's own: a private D-Bus session bus, an
//! unlocked gnome-keyring on it, and the accessibility bus that bus starts
//! when the app asks for it. Each app is alone on its bus, so its
//! single-instance name, its MPRIS name and its keyring entries are no
//! other scenario's.
//!
//! So the scenarios run side by side (three at once: `scripts/test.sh`
//! sets `RUST_TEST_THREADS`; they mostly wait on real clocks). What shows
//! only for a moment, a toast, is read from the app's log (`watch_for`),
//! so a busy machine cannot make a scenario miss it during one slow walk
//! of the tree. `REEL_E2E_TAKE_TURNS=1` runs them one
//! at a time (to read one scenario's timing alone).
//!
//! The helpers that talk to the app from outside (`playerctl`, `gdbus`, the
//! AT-SPI scripts, the app itself) are started with [`env`]: the bus of the
//! session the calling test thread started (libtest runs each test on a
//! thread of its own).

use fake_plex::testing::{wait_until, Guarded};
use std::cell::RefCell;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

thread_local! {
    static BUS: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub(crate) struct Session {
    // The services go first (ended before their folders are removed).
    _keyring: Guarded,
    _bus: Guarded,
    _dir: tempfile::TempDir,
    _turn: Option<std::sync::MutexGuard<'static, ()>>,
    started: std::time::Instant,
}

/// This scenario's turn, when they take turns (none side by side).
fn turn() -> Option<std::sync::MutexGuard<'static, ()>> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let take_turns = std::env::var_os("REEL_E2E_TAKE_TURNS").is_some_and(|v| v == "1");
    take_turns.then(|| TURN.lock().unwrap_or_else(|p| p.into_inner()))
}

impl Session {
    /// Starts the bus and the keyring, and makes them this thread's.
    pub(crate) fn start() -> Self {
        let turn = turn();
        let dir = tempfile::Builder::new().prefix("reel-session-").tempdir().expect("a session folder");
        let run = dir.path().join("run");
        std::fs::create_dir_all(&run).expect("a runtime folder");
        std::fs::set_permissions(&run, std::os::unix::fs::PermissionsExt::from_mode(0o700)).expect("0700");
        // What the bus starts (the AT-SPI bus launcher) lives in this
        // session's folders, so two sessions never share a socket; the
        // keyring's files are here too, apart from what the app writes.
        let folders = [
            ("HOME", dir.path().join("home")),
            ("XDG_RUNTIME_DIR", run),
            ("XDG_DATA_HOME", dir.path().join("data")),
            ("XDG_CONFIG_HOME", dir.path().join("config")),
            ("XDG_CACHE_HOME", dir.path().join("cache")),
        ];
        let mut bus_cmd = Command::new("dbus-daemon");
        bus_cmd.args(["--session", "--nofork", "--print-address=1"]).stdout(Stdio::piped()).stderr(Stdio::null());
        for (k, v) in &folders {
            std::fs::create_dir_all(v).expect("a session folder");
            bus_cmd.env(k, v);
        }
        bus_cmd.env_remove("DISPLAY").env_remove("DBUS_SESSION_BUS_ADDRESS").env_remove("AT_SPI_BUS_ADDRESS");
        // A group: the services the bus starts end with it.
        let mut bus = Guarded::group(&mut bus_cmd).expect("dbus-daemon (scripts/setup.sh)");
        let mut address = String::new();
        let out = bus.child().stdout.take().expect("dbus-daemon's output");
        BufReader::new(out).read_line(&mut address).expect("the bus's address");
        let address = address.trim().to_string();
        assert!(address.starts_with("unix:"), "a bus address: {address:?}");

        let mut keyring_cmd = Command::new("gnome-keyring-daemon");
        keyring_cmd
            .args(["--unlock", "--components=secrets", "--foreground"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        for (k, v) in &folders {
            keyring_cmd.env(k, v);
        }
        let mut keyring = Guarded::spawn(&mut keyring_cmd).expect("gnome-keyring-daemon (scripts/setup.sh)");
        // The password only unlocks this throwaway login keyring.
        if let Some(mut stdin) = keyring.child().stdin.take() {
            stdin.write_all(b"throwaway").expect("the keyring's password");
        }
        let call = |dest: &str, path: &str, args: &[&str]| {
            Command::new("gdbus")
                .args(["call", "--session", "--dest", dest, "--object-path", path, "--method"])
                .args(args)
                .env("DBUS_SESSION_BUS_ADDRESS", &address)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
                .unwrap_or_default()
        };
        // Its login keyring made and unlocked, not only its name on the
        // bus: a secret stored before that asks to make a keyring, a
        // prompt no one answers here ("prompt dismissed", seen on a busy run).
        let unlocked = || {
            let bus = ["org.freedesktop.DBus.NameHasOwner", "org.freedesktop.secrets"];
            if !call("org.freedesktop.DBus", "/org/freedesktop/DBus", &bus).contains("true") {
                return false;
            }
            let alias = ["org.freedesktop.Secret.Service.ReadAlias", "default"];
            let found = call("org.freedesktop.secrets", "/org/freedesktop/secrets", &alias);
            let Some(collection) = found.split('\'').nth(1).filter(|p| p.starts_with("/org/freedesktop/secrets/"))
            else {
                return false;
            };
            let locked = ["org.freedesktop.DBus.Properties.Get", "org.freedesktop.Secret.Collection", "Locked"];
            call("org.freedesktop.secrets", collection, &locked).contains("false")
        };
        wait_until("the keyring unlocked on the session's bus", Duration::from_secs(30), unlocked);
        BUS.with(|b| *b.borrow_mut() = Some(address));
        Session { _keyring: keyring, _bus: bus, _dir: dir, _turn: turn, started: std::time::Instant::now() }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        BUS.with(|b| b.borrow_mut().take());
        // Straight to stderr, past libtest's capture: which scenarios take
        // the suite's time is read from any run's log.
        let name = std::thread::current().name().unwrap_or("a scenario").to_string();
        let line = format!("scenario {name}: {:.0} s\n", self.started.elapsed().as_secs_f64());
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
}

/// What a process needs to be on this thread's session (nothing when the
/// thread started none).
pub(crate) fn env() -> Vec<(String, String)> {
    BUS.with(|b| b.borrow().clone()).map(|a| vec![("DBUS_SESSION_BUS_ADDRESS".to_string(), a)]).unwrap_or_default()
}

/// Runs `step` of [`on_the_session_bus`] in a process of its own on this
/// thread's session (the keyring crate reaches the bus named in the
/// environment, which a test thread cannot change for itself): what it
/// printed.
pub(crate) fn in_a_process(step: &str, args: &[(&str, String)]) -> String {
    let out = Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--ignored", "--exact", "session::on_the_session_bus", "--nocapture", "--test-threads=1", "-q"])
        .env("REEL_E2E_STEP", step)
        .envs(args.iter().map(|(k, v)| (format!("REEL_E2E_{k}"), v.clone())))
        .envs(env())
        .output()
        .expect("the test binary runs again");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{step} on the session's bus:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout.lines().find_map(|l| l.strip_prefix("answer: ")).unwrap_or_default().to_string()
}

/// Not a scenario: the steps [`in_a_process`] runs on a session's bus,
/// chosen by `REEL_E2E_STEP` (ignored, so a plain `cargo test` never runs it).
#[test]
#[ignore = "a step the scenarios run in a process of their own"]
fn on_the_session_bus() {
    let Ok(step) = std::env::var("REEL_E2E_STEP") else { return };
    let arg = |k: &str| std::env::var(format!("REEL_E2E_{k}")).unwrap_or_else(|_| panic!("REEL_E2E_{k}"));
    match step.as_str() {
        "sign-in" => sign_in(&arg("CONFIG"), &arg("PLEX_TV"), &arg("AUTH"), &arg("CA"), &arg("TOKEN")),
        "secret" => {
            let secret = fake_plex::testing::keyring::secret(&arg("SERVICE"), &arg("ACCOUNT")).expect("the keyring");
            println!("answer: {}", if secret.is_some() { "some" } else { "none" });
        }
        other => panic!("no step {other:?}"),
    }
}

/// Signed in with `token` and the servers discovered, as the sign-in
/// dialog leaves it, at the paths the app reads under `config`.
fn sign_in(config: &str, plex_tv: &str, auth: &str, ca: &str, token: &str) {
    let config = std::path::Path::new(config);
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(async {
        let core = reel_core::Core::open(reel_core::CoreOptions {
            library_path: Some(config.join("data/reel/library.sqlite3")),
            poster_dir: config.join("cache/reel/posters"),
            plex_tv: Some((plex_tv.to_string(), auth.to_string())),
            extra_ca_pem: Some(std::fs::read(ca).expect("the CA file")),
            background: false,
            ..reel_core::CoreOptions::with_config(config.join("reel/config.toml"))
        })
        .expect("the core opens");
        let p = core.sign_in_with_token(reel_core::Token::new(token.to_string())).await.expect("signed in");
        core.discover(p.id(), true).await.expect("discovered");
    });
    println!("answer: signed in");
}
