//! The README's run command as a person runs it: `scripts/run.sh` on a fresh
//! HOME, with no account, on a busy machine. The first run makes the demo's
//! clip before the demo server answers; the app must still start against it.

use super::*;
use fake_plex::testing::Guarded;
use std::io::{Read, Write};

/// A GET on loopback, answered whole (the demo's plex.tv closes the
/// connection): the body.
fn http_get(url: &str) -> String {
    let rest = url.strip_prefix("http://").expect("the demo's plex.tv is plain HTTP on loopback");
    let (host, path) = rest.split_once('/').map_or((rest, "/".to_string()), |(h, p)| (h, format!("/{p}")));
    assert!(host.starts_with("127.0.0.1:"), "loopback only: {host}");
    let Ok(mut s) = std::net::TcpStream::connect(host) else { return String::new() };
    let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    let mut answer = String::new();
    let _ = s.read_to_string(&mut answer);
    answer.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default()
}

#[test]
fn the_run_command_starts_the_demo_on_a_fresh_home_on_a_busy_machine() {
    let _session = Session::start();
    let x = Xvfb::start();
    let home = tempfile::tempdir().unwrap();
    // Both cores busy while the demo's clip is made and the app starts.
    let _busy: Vec<Guarded> =
        (0..2).map(|_| Guarded::group(Command::new("sh").args(["-c", "exec yes > /dev/null"])).expect("sh")).collect();
    let log_name = "run-sh.log";
    let log = std::fs::File::create(artifacts().join(log_name)).unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(repo().join("scripts/run.sh"))
        .current_dir(repo())
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("XDG_DATA_HOME")
        .env_remove("XDG_CACHE_HOME")
        .env_remove("REEL_DEMO")
        .env("DISPLAY", &x.display)
        .env("GDK_BACKEND", "x11")
        // GSettings in the fresh HOME (see `launch`).
        .env("GSETTINGS_BACKEND", "keyfile")
        .env("NO_AT_BRIDGE", "0")
        .env("REEL_AUDIO_SINK", "fakesink sync=true")
        .envs(session::env())
        // Ports of this run's own, apart from the other tests' (20000–39999).
        .env("REEL_DEMO_PORT", (40000 + std::process::id() % 20000).to_string())
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log);
    // As from a person's shell: none of what `cargo test` sets for a test
    // (ring's build script reads CARGO_MANIFEST_DIR and OUT_DIR: with them
    // set it and all that depends on it were built again, minutes on a
    // machine kept busy).
    for (name, _) in std::env::vars() {
        let cargos = name.starts_with("CARGO") && name != "CARGO_HOME" && name != "CARGO_TARGET_DIR";
        if cargos || name == "OUT_DIR" {
            cmd.env_remove(name);
        }
    }
    // The fresh HOME is the person's settings, not a fresh Rust: cargo's and
    // rustup's own folders stay where they are.
    let user_home = std::env::var("HOME").unwrap_or_default();
    for (name, folder) in [("CARGO_HOME", ".cargo"), ("RUSTUP_HOME", ".rustup")] {
        let dir = std::env::var(name).unwrap_or_else(|_| format!("{user_home}/{folder}"));
        cmd.env(name, dir);
    }
    let _run = Guarded::group(&mut cmd).expect("bash runs scripts/run.sh");
    expect_on_screen_within(300, &["Welcome to Reel", "Sign in to Plex"]);
    screenshot(&x, "run-sh-welcome.png");
    // The app was given the demo's plex.tv: signing in asks it for a code,
    // and waits for the person to approve it there.
    click(&x, "Sign in to Plex");
    let demo = home.path().join(".local/share/reel-demo");
    let env = std::fs::read_to_string(demo.join("fake-plex.env")).expect("the demo server's address");
    let plex_tv = env.lines().find_map(|l| l.strip_prefix("REEL_PLEX_TV_URL=")).expect("REEL_PLEX_TV_URL").to_string();
    let pins = wait_for(
        "the app to ask the demo's plex.tv for a sign-in code and wait for it",
        Duration::from_secs(60),
        || http_get(&format!("{plex_tv}/admin/pins")),
        |pins| pins.contains("\"polls\":") && !pins.contains("\"polls\":0"),
    );
    assert!(pins.contains("\"code\""), "{pins}");
    screenshot(&x, "run-sh-sign-in.png");
    let said = std::fs::read_to_string(artifacts().join(log_name)).unwrap_or_default();
    assert!(!said.contains("Traceback") && !said.contains("relative URL"), "run.sh said:\n{said}");
    assert!(said.contains("run.sh: demo server at http://127.0.0.1:"), "run.sh said:\n{said}");
    assert!(demo.join("media").read_dir().is_ok_and(|mut d| d.next().is_some()), "the clip was made in {demo:?}");
}
