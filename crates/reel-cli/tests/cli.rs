//! The real reel-cli binary against fake-plex over loopback, with the real
//! keyring (run via scripts/with-keyring.sh): sign in, servers, libraries,
//! items, sign out — and what must never happen to the token.

use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn topology() -> Topology {
    let c = |local, relay, protocol, behaviour| ConnectionSpec {
        local,
        relay,
        protocol,
        ipv6: false,
        behaviour,
        ..Default::default()
    };
    Topology {
        account: Default::default(),
        pin_lifetime_secs: 900,
        servers: vec![ServerSpec {
            name: "Basement".into(),
            machine_identifier: None,
            owned: true,
            https_required: false,
            access_token: None,
            provides: "server".into(),
            library: LibrarySpec { movies: 12, shows: 1, ..LibrarySpec::default() },
            connections: vec![
                c(true, false, Protocol::Http, Behaviour::Hang),
                c(false, false, Protocol::Https, Behaviour::Delay(20)),
                c(false, true, Protocol::Https, Behaviour::Delay(5)),
            ],
        }],
    }
}

struct Cli<'a> {
    fp: &'a FakePlex,
    config: PathBuf,
}

impl Cli<'_> {
    fn run(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = self.command(args);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("reel-cli runs")
    }

    /// reel-cli with `args`, set up for this test's settings and fake-plex.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_reel-cli"));
        cmd.args(args)
            .env("REEL_CONFIG", &self.config)
            // The library cache and posters next to the settings, one set per test.
            .env("XDG_DATA_HOME", self.config.with_file_name("data"))
            .env("XDG_CACHE_HOME", self.config.with_file_name("cache"))
            .env("REEL_PLEX_TV_URL", &self.fp.info().plex_tv_url)
            .env("REEL_PLEX_AUTH_URL", &self.fp.info().auth_url)
            .env("REEL_EXTRA_CA_FILE", self.fp.info().ca_file.as_deref().unwrap())
            .env("RUST_LOG", "trace")
            .env_remove("REEL_TOKEN");
        cmd
    }
    fn ok(&self, args: &[&str]) -> (String, String) {
        let out = self.run(args, &[]);
        let (stdout, stderr) =
            (String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string());
        assert!(out.status.success(), "reel-cli {args:?} failed:\n{stderr}");
        (stdout, stderr)
    }
}

fn config_text(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_list_browse_and_sign_out() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    let token = fp.info().account_token.clone();
    let mut logs = String::new();

    let (out, err) = cli.ok(&["login", "--token", &token]);
    logs += &err;
    assert!(out.contains("Signed in as demo"), "{out}");

    let (out, err) = cli.ok(&["servers", "--json"]);
    logs += &err;
    let servers: Value = serde_json::from_str(&out).unwrap();
    let remote = &fp.info().servers[0].connections[1].uri;
    assert_eq!(
        servers[0]["connection_info"]["primary_url"].as_str(),
        Some(remote.as_str()),
        "remote chosen: local hangs, relay is last resort"
    );
    assert_eq!(servers[0]["connection_info"]["probes"].as_array().unwrap().len(), 3);

    let (out, err) = cli.ok(&["servers"]);
    logs += &err;
    assert!(
        out.contains("Basement (owned)") && out.contains("remote") && out.contains("relay") && out.contains(" ms"),
        "{out}"
    );
    // Each candidate with its rank and what the history says of it.
    assert!(out.contains("#0 ") && out.contains("history: 1 ok, 0 failed, usually"), "{out}");

    let (out, err) = cli.ok(&["libraries", "--json"]);
    logs += &err;
    let libs: Value = serde_json::from_str(&out).unwrap();
    let sections = libs[0]["sections"].as_array().unwrap();
    let movies = sections.iter().find(|s| s["kind"] == "movie").unwrap();

    let (out, err) = cli.ok(&["items", movies["key"].as_str().unwrap(), "--json"]);
    logs += &err;
    let items: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 12);
    let (out, _) = cli.ok(&["items", movies["key"].as_str().unwrap(), "--offset", "10"]);
    assert_eq!(out.lines().count(), 2, "{out}");

    // Secrets stay secret: not in config.toml, not in trace-level logs.
    let text = config_text(&cli.config);
    assert!(text.contains("Basement"));
    assert!(!text.contains(&token) && !text.contains(&fp.info().servers[0].access_token));
    assert!(!logs.contains(&token), "token in logs");
    assert!(!logs.contains(&fp.info().servers[0].access_token), "server token in logs");
    // And only plex.tv and the server's own (verified) URL ever saw one.
    for r in fp.requests().iter().filter(|r| r.token.is_some()) {
        assert!(r.listener == "plextv" || r.listener == "Basement#1", "token sent to {}", r.listener);
    }

    // Pin the relay (it answers), then go back to automatic.
    let relay = fp.info().servers[0].connections[2].uri.clone();
    let (out, _) = cli.ok(&["pin", "Basement", &relay]);
    assert!(out.contains(&format!("Basement now uses {relay}")), "{out}");
    let (out, _) = cli.ok(&["servers", "--json"]);
    let servers: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(servers[0]["connection_info"]["primary_url"].as_str(), Some(relay.as_str()));
    let (out, _) = cli.ok(&["pin", "Basement", "--auto"]);
    assert!(out.contains(&format!("Basement now uses {remote}")), "{out}");
    assert!(
        !cli.run(&["pin", "Basement", "https://elsewhere.invalid:1"], &[]).status.success(),
        "only its own connections"
    );

    let (out, _) = cli.ok(&["logout"]);
    assert!(out.contains("Signed out"));
    let (out, _) = cli.ok(&["accounts", "--json"]);
    assert_eq!(out.trim(), "[]");
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_keyring_sign_in_fails_clearly_and_stores_nothing() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    let token = fp.info().account_token.clone();
    let out = cli.run(&["login", "--token", &token], &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("keyring is not available"), "{err}");
    assert!(!err.contains(&token));
    let text = config_text(&cli.config);
    assert!(!text.contains(&token) && !text.contains("PlexAccount"), "{text}");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.path()).collect();
    for f in leftovers {
        assert!(!std::fs::read_to_string(&f).unwrap_or_default().contains(&token), "{f:?}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_config_is_kept_and_explained() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    std::fs::write(&cli.config, b"\x00\x01 not [ toml").unwrap();
    let (out, err) = cli.ok(&["accounts"]);
    assert!(err.contains("damaged") && err.contains("config.toml.corrupt-"), "{err}");
    assert!(out.contains("Not signed in"));
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("config.toml.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1);
    assert_eq!(std::fs::read(kept[0].path()).unwrap(), b"\x00\x01 not [ toml");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_is_reported_in_words() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    let out = cli.run(&["login", "--token", "wrong-token-123"], &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("sign in again"), "{err}");
    assert!(!err.contains("wrong-token-123"), "not even a bad token is echoed");
}

#[tokio::test(flavor = "multi_thread")]
async fn login_to_one_server_by_address_and_token() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    fp.set_behaviour("plextv", None, Behaviour::Refuse);
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    let server = &fp.info().servers[0];
    // The remote https connection (the local one hangs).
    let url = server.connections[1].uri.clone();
    let out = cli.run(&["login", "--server", &url, "--token", "wrong"], &[]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("did not accept this token"));
    let (stdout, stderr) = cli.ok(&["login", "--server", &url, "--token", &server.access_token]);
    assert!(stdout.contains("Added Basement"), "{stdout}");
    assert!(!stderr.contains(&server.access_token) && !config_text(&cli.config).contains(&server.access_token));
    let (stdout, _) = cli.ok(&["libraries"]);
    assert!(stdout.contains("Movies"), "{stdout}");
    cli.ok(&["logout"]);
}

/// What reel-cli saved of an account's servers goes with the account (the app
/// does the same: both sign out through the core).
#[tokio::test(flavor = "multi_thread")]
async fn logout_forgets_what_was_saved_of_the_servers() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    cli.ok(&["login", "--token", &fp.info().account_token]);
    let (out, _) = cli.ok(&["servers", "--json"]);
    let servers: Value = serde_json::from_str(&out).unwrap();
    let source_id = reel_core::SourceId::from(servers[0]["id"].as_str().unwrap());
    cli.ok(&["libraries"]);
    let db = dir.path().join("data/reel/library.sqlite3");
    let core_options = || reel_core::CoreOptions {
        library_path: Some(db.clone()),
        poster_dir: dir.path().join("cache/reel/posters"),
        plex_tv: Some((fp.info().plex_tv_url.clone(), fp.info().auth_url.clone())),
        extra_ca_pem: Some(fp.ca_pem().into_bytes()),
        background: false,
        ..reel_core::CoreOptions::with_config(cli.config.clone())
    };
    // What a next start finds saved of the server, offline.
    let saved = |id: reel_core::SourceId| {
        let core = reel_core::Core::open(core_options()).unwrap();
        async move { core.saved_sections(&id).await.unwrap() }
    };
    assert!(!saved(source_id.clone()).await.is_empty(), "libraries were saved for offline use");
    // The app remembers the library open on that server (for the next
    // start), in its state file, as it is on disk.
    let place = || {
        let c = rusqlite::Connection::open(db.with_file_name("state.sqlite3")).unwrap();
        c.query_row("SELECT value FROM ui_state WHERE key = 'last_library'", [], |r| r.get::<_, String>(0)).ok()
    };
    let library_key = saved(source_id.clone()).await[0].key.to_string();
    let core = reel_core::Core::open(core_options()).unwrap();
    core.remember_place(Some((source_id.as_str().into(), library_key.as_str().into()))).await.unwrap();
    drop(core);
    assert!(place().is_some_and(|p| p.contains(source_id.as_str())), "{:?}", place());
    cli.ok(&["logout"]);
    assert!(saved(source_id.clone()).await.is_empty(), "signing out forgets them");
    assert!(!config_text(&cli.config).contains(source_id.as_str()), "and the server leaves the settings");
    assert_eq!(place(), None, "and the library last open on it");
}

/// When no connection of a server answers `/identity` as that server (another
/// server answers, a redirect, garbage, nothing, an error), its token goes
/// nowhere: the saved libraries are shown and the user is told the server
/// cannot be reached, not to sign in again.
#[tokio::test(flavor = "multi_thread")]
async fn no_token_goes_to_an_address_that_is_not_the_server() {
    let _turn = keyring_turn().await;
    let mut t = topology();
    t.servers[0].connections = vec![
        ConnectionSpec {
            local: true,
            protocol: Protocol::Http,
            behaviour: Behaviour::WrongIdentity,
            ..Default::default()
        },
        ConnectionSpec { protocol: Protocol::Https, behaviour: Behaviour::Redirect, ..Default::default() },
        ConnectionSpec { protocol: Protocol::Https, behaviour: Behaviour::Malformed, ..Default::default() },
        ConnectionSpec { protocol: Protocol::Https, behaviour: Behaviour::Error500, ..Default::default() },
        ConnectionSpec { relay: true, protocol: Protocol::Https, behaviour: Behaviour::Refuse, ..Default::default() },
    ];
    let fp = FakePlex::start(t).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    cli.ok(&["login", "--token", &fp.info().account_token]);
    let (out, _) = cli.ok(&["servers", "--json"]);
    let servers: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(servers[0]["connection_info"]["is_online"], false);

    let libraries = cli.run(&["libraries"], &[]);
    let items = cli.run(&["items", "1"], &[]);
    for out in [&libraries, &items] {
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(!text.contains("sign in again"), "the token is fine, the address is not the server: {text}");
        assert!(text.contains("answers as that server"), "{text}");
    }
    let server_token = &fp.info().servers[0].access_token;
    let leaked: Vec<_> = fp
        .requests()
        .into_iter()
        .filter(|r| r.listener != "plextv" && r.token.is_some())
        .map(|r| format!("{} {}", r.listener, r.path))
        .collect();
    assert!(leaked.is_empty(), "a token went to an unverified address: {leaked:?}");
    assert!(fp.requests().iter().any(|r| r.listener.starts_with("Basement#") && r.path == "/identity"), "probed");
    assert!(!fp.requests().iter().any(|r| r.token.as_deref() == Some(server_token.as_str())));
}

/// The tests here share the real keyring (the same account's entries), so
/// they take turns; other test binaries run meanwhile.
async fn keyring_turn() -> tokio::sync::MutexGuard<'static, ()> {
    static KEYRING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    KEYRING.lock().await
}

/// Without a Secret Service (or with the token gone from it), what needs no
/// secret still works: the saved servers and libraries are listed, and the
/// user is told which account is affected and how to fix it. Nothing is
/// written anywhere else instead.
#[tokio::test(flavor = "multi_thread")]
async fn without_the_keyring_the_saved_servers_and_libraries_still_show() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    cli.ok(&["login", "--token", &fp.info().account_token]);
    cli.ok(&["libraries"]);
    let libraries: Value = serde_json::from_str(&cli.ok(&["libraries", "--json"]).0).unwrap();
    let movies = libraries[0]["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "movie").unwrap().clone();
    let movies = movies["key"].as_str().unwrap().to_string();
    cli.ok(&["items", &movies]);
    // No D-Bus at all, and a session bus with no Secret Service on it.
    let (empty_bus, _bus) = fake_plex::testing::empty_session_bus(dir.path()).expect("dbus-daemon starts");
    for bus in ["unix:path=/nonexistent/bus", empty_bus.as_str()] {
        let no_keyring = [("DBUS_SESSION_BUS_ADDRESS", bus)];
        for args in [&["servers", "--refresh"][..], &["libraries"][..], &["items", &movies][..]] {
            let out = cli.run(args, &no_keyring);
            let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
            assert!(out.status.success(), "{args:?} on {bus} works from what was saved:\n{stderr}");
            match args[0] {
                "items" => {
                    assert_eq!(stdout.lines().count(), 12, "{args:?} on {bus}, the saved films: {stdout}\n{stderr}")
                }
                _ => assert!(stdout.contains("Basement"), "{args:?} on {bus}: {stdout}\n{stderr}"),
            }
            let said = format!("{stdout}{stderr}");
            assert!(said.contains("keyring is not available"), "{args:?} on {bus} says what is wrong: {said}");
        }
    }
    let no_keyring = [("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")];
    let out = cli.run(&["libraries"], &no_keyring);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Movies"), "the saved libraries");
    // An account of an older Reel still to bring over (it needs the
    // keyring): it waits, and what was saved is listed meanwhile.
    let text = config_text(&cli.config);
    assert!(text.contains("[runtime]\n"), "{text}");
    let with_legacy = text.replacen("[runtime]\n", "[runtime]\nlegacy_backends = [\"plex_legacy_0\"]\n", 1);
    std::fs::write(&cli.config, with_legacy).unwrap();
    let out = cli.run(&["servers"], &no_keyring);
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && stdout.contains("Basement"), "{stdout}\n{stderr}");
    assert!(stderr.contains("older accounts are brought over once the keyring"), "{stderr}");
    assert!(config_text(&cli.config).contains("plex_legacy_0"), "kept for when the keyring is back");
    let text = config_text(&cli.config).replace("legacy_backends = [\"plex_legacy_0\"]\n", "");
    std::fs::write(&cli.config, text).unwrap();
    let out = cli.run(&["servers", "--refresh"], &no_keyring);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("saved servers of demo") && stderr.contains("unlock the keyring"), "{stderr}");

    // The token gone from the keyring: the account to sign in again is named.
    let accounts: Value = serde_json::from_str(&cli.ok(&["accounts", "--json"]).0).unwrap();
    let key = format!("{}_token", accounts[0]["id"].as_str().unwrap());
    fake_plex::testing::keyring::delete("dev.arsfeld.Reel", &key).unwrap();
    let out = cli.run(&["servers", "--refresh"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("sign-in of demo") && stderr.contains("reel-cli login"), "{stderr}");
    let text = config_text(&cli.config);
    assert!(!text.contains(&fp.info().account_token));
}

/// Hung servers are asked at once, not one after another (two hung servers
/// used to cost two timeouts): fake-plex saw both holding a request from
/// reel-cli at the same time. What Reel saved is still listed.
#[tokio::test(flavor = "multi_thread")]
async fn libraries_asks_hung_servers_at_once() {
    let _turn = keyring_turn().await;
    let mut t = topology();
    let mut second = t.servers[0].clone();
    second.name = "Attic".into();
    t.servers.push(second);
    let fp = FakePlex::start(t).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    cli.ok(&["login", "--token", &fp.info().account_token]);
    cli.ok(&["libraries"]);
    for server in ["Basement", "Attic"] {
        assert!(fp.set_behaviour(server, None, Behaviour::Hang));
    }
    fp.reset_hung_servers_peak();
    let out = cli.run(&["libraries"], &[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Basement") && text.contains("Attic"), "{text}");
    assert_eq!(fp.hung_servers_peak(), 2, "both asked at once");
    cli.ok(&["logout"]);
}

/// A token piped in is never on the command line (where `ps` shows it);
/// one given there works and is warned about.
#[tokio::test(flavor = "multi_thread")]
async fn login_reads_the_token_from_stdin() {
    use std::io::Write;
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    let mut cmd = cli.command(&["login", "--token-stdin"]);
    cmd.stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    writeln!(child.stdin.take().unwrap(), "{}", fp.info().account_token).unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("Signed in as"));
    assert!(!stderr.contains("can be seen by other users"), "{stderr}");
    let (_, stderr) = cli.ok(&["accounts"]);
    assert!(!stderr.contains("can be seen"));
    cli.ok(&["logout"]);
    let (_, warned) = cli.ok(&["login", "--token", &fp.info().account_token]);
    assert!(warned.contains("can be seen by other users"), "{warned}");
    cli.ok(&["logout"]);
}

/// A server whose clip takes about three seconds to send (time to see a
/// download of it half-way), and a folder for the settings.
struct Paced {
    fp: FakePlex,
    clip: fake_plex::media::MediaSpec,
    size: u64,
    _media: tempfile::TempDir,
    dir: tempfile::TempDir,
}

impl Paced {
    async fn start() -> Self {
        let media = tempfile::tempdir().unwrap();
        let mut clip = fake_plex::media::make_clip(media.path(), 6, &["eng"]).expect("gst-launch-1.0 makes the clip");
        let size = std::fs::metadata(&clip.file).unwrap().len();
        clip.bytes_per_second = Some(size / 3);
        let mut t = topology();
        t.servers[0].library.media = Some(clip.clone());
        let fp = FakePlex::start(t).await.unwrap();
        Paced { fp, clip, size, _media: media, dir: tempfile::tempdir().unwrap() }
    }

    fn signed_in(&self) -> Cli<'_> {
        let cli = Cli { fp: &self.fp, config: self.dir.path().join("config.toml") };
        cli.ok(&["login", "--token", &self.fp.info().account_token]);
        cli
    }
}

/// The libraries, and the first movie's rating key.
fn first_movie(cli: &Cli) -> (Value, String) {
    let libraries: Value = serde_json::from_str(&cli.ok(&["libraries", "--json"]).0).unwrap();
    let movies = libraries[0]["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "movie").unwrap().clone();
    let items: Value = serde_json::from_str(&cli.ok(&["items", movies["key"].as_str().unwrap(), "--json"]).0).unwrap();
    (libraries, items[0]["rating_key"].as_str().unwrap().to_string())
}

/// How much of a download's `.part` file is there (None: no part file).
fn part_len(cli: &Cli) -> Option<u64> {
    fake_plex::testing::files_under(&cli.config.with_file_name("data").join("reel/downloads"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "part"))
        .and_then(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
}

/// Downloads from a terminal: a season's episodes, waited for with the
/// progress told; listed as the app lists them; reel-cli killed with
/// SIGKILL mid-transfer, then asked again, goes on from where it stopped
/// (a `Range` request) and ends with the server's bytes; cancelled, the
/// file is gone.
#[tokio::test(flavor = "multi_thread")]
async fn download_a_season_then_kill_9_mid_transfer_and_go_on() {
    let _turn = keyring_turn().await;
    let p = Paced::start().await;
    let (fp, clip, size) = (&p.fp, &p.clip, p.size);
    let cli = p.signed_in();
    let (libraries, movie) = first_movie(&cli);

    // Started, then killed half-way.
    let mut cmd = cli.command(&["download", &movie]);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let mut running = fake_plex::testing::Guarded::spawn(&mut cmd).unwrap();
    let part = || part_len(&cli);
    fake_plex::testing::wait_for("a part of the file", std::time::Duration::from_secs(30), part, |n| {
        n.is_some_and(|n| n > 0 && n < size)
    });
    running.child().kill().unwrap();
    let _ = running.child().wait();
    let listed: Value = serde_json::from_str(&cli.ok(&["downloads", "--json"]).0).unwrap();
    assert_eq!(listed[0]["state"], "running", "killed while running: {listed}");
    let had = listed[0]["fetched"].as_u64().unwrap();
    assert!(had > 0 && had < size, "{listed}");

    // Asked again: on from where it stopped, the server's bytes in the end.
    fp.clear_requests();
    let (out, err) = cli.ok(&["download", &movie]);
    assert!(out.contains("Downloaded"), "{out}\n{err}");
    assert!(err.contains('%'), "the progress is told: {err}");
    let ranges: Vec<String> =
        fp.requests().into_iter().filter(|r| r.path.starts_with("/library/parts/")).filter_map(|r| r.range).collect();
    let from: u64 = ranges
        .first()
        .and_then(|r| r.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok())
        .expect("a range request");
    assert!(from >= had.saturating_sub(1 << 20) && from <= size, "from {from}, had {had}: {ranges:?}");
    let listed: Value = serde_json::from_str(&cli.ok(&["downloads", "--json"]).0).unwrap();
    let file = PathBuf::from(listed[0]["file"].as_str().unwrap());
    assert!(std::fs::read(&file).unwrap() == std::fs::read(&clip.file).unwrap(), "byte-identical");
    // The plain list ends with the disk's room and where new downloads go.
    let (out, _) = cli.ok(&["downloads"]);
    let folder = file.parent().and_then(|server| server.parent()).expect("the downloads folder");
    assert!(out.contains(&format!("New downloads go to {}", folder.display())), "{out}");

    // A season: each episode, waited for.
    let shows = libraries[0]["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "show").unwrap().clone();
    let shows: Value = serde_json::from_str(&cli.ok(&["items", shows["key"].as_str().unwrap(), "--json"]).0).unwrap();
    let (out, err) = cli.ok(&["download", shows[0]["rating_key"].as_str().unwrap(), "--no-wait"]);
    assert!(out.contains("Queued"), "{out}");
    let listed: Value = serde_json::from_str(&cli.ok(&["downloads", "--json"]).0).unwrap();
    let episodes = listed.as_array().unwrap().len() - 1;
    assert!(episodes > 1, "the movie and the show's episodes: {listed}");
    // What it would fetch was said first.
    let said = format!("{episodes} files · ");
    assert!(err.contains(&said) && err.contains("free on this disk"), "{said:?} in {err}");

    // Cancelled: forgotten, its file gone.
    let (out, _) = cli.ok(&["download", &movie, "--cancel"]);
    assert!(out.contains("Cancelled"), "{out}");
    assert!(!file.exists());
    let text = config_text(&cli.config);
    assert!(!text.contains(&fp.info().account_token));
    cli.ok(&["logout"]);
}

/// Two runs of the same download at once (two terminals, or reel-cli
/// beside the app): one fetches, the other waits for it and tells its
/// progress; the file is fetched once and is the server's.
#[tokio::test(flavor = "multi_thread")]
async fn two_runs_of_one_download_fetch_it_once() {
    let _turn = keyring_turn().await;
    let p = Paced::start().await;
    let (fp, clip, size) = (&p.fp, &p.clip, p.size);
    let cli = p.signed_in();
    let (_, movie) = first_movie(&cli);

    fp.clear_requests();
    let mut first = cli.command(&["download", &movie]);
    first.stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped());
    let first = first.spawn().unwrap();
    // The second starts once the first is fetching.
    let part = || part_len(&cli);
    fake_plex::testing::wait_for("a part of the file", std::time::Duration::from_secs(30), part, |n| {
        n.is_some_and(|n| n > 0 && n < size)
    });
    let (out, err) = cli.ok(&["download", &movie]);
    assert!(out.contains("Downloaded"), "the second waited until it was done: {out}\n{err}");
    assert!(err.contains('%'), "and told the progress meanwhile: {err}");
    let first = first.wait_with_output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("Downloaded"));

    let asked: Vec<_> = fp.requests().into_iter().filter(|r| r.path.starts_with("/library/parts/")).collect();
    assert_eq!(asked.len(), 1, "fetched once: {asked:?}");
    let listed: Value = serde_json::from_str(&cli.ok(&["downloads", "--json"]).0).unwrap();
    assert_eq!(listed[0]["state"], "done", "{listed}");
    let file = PathBuf::from(listed[0]["file"].as_str().unwrap());
    assert!(std::fs::read(&file).unwrap() == std::fs::read(&clip.file).unwrap(), "byte-identical");
    assert_eq!(part(), None, "no part file left");
    cli.ok(&["logout"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_at_480p_is_the_servers_converted_copy_and_a_quality_unknown_is_refused() {
    let _turn = keyring_turn().await;
    let p = Paced::start().await;
    let cli = p.signed_in();
    let (_, movie) = first_movie(&cli);
    let refused = cli.run(&["download", &movie, "--quality", "4k"], &[]);
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success());
    assert!(err.contains("original, 1080p, 720p, 480p"), "{err}");
    // Killed with SIGKILL while the server converts: asked again, it waits
    // for the copy asked for before (nothing is asked twice) and ends with it.
    assert!(p.fp.hold_conversions("Basement", true));
    let asked = |end: &str| {
        p.fp.requests().into_iter().filter(|r| r.path.starts_with("/downloadQueue/") && r.path.ends_with(end)).count()
    };
    let mut cmd = cli.command(&["download", &movie, "--quality", "480p"]);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let mut running = fake_plex::testing::Guarded::spawn(&mut cmd).unwrap();
    fake_plex::testing::wait_for(
        "the copy waited for",
        std::time::Duration::from_secs(30),
        || asked("/media"),
        |n| *n >= 1,
    );
    running.child().kill().unwrap();
    let _ = running.child().wait();
    let listed: Value = serde_json::from_str(&cli.ok(&["downloads", "--json"]).0).unwrap();
    assert_eq!((&listed[0]["state"], &listed[0]["fetched"]), (&Value::from("running"), &Value::from(0)), "{listed}");
    assert!(p.fp.hold_conversions("Basement", false));
    let (out, err) = cli.ok(&["download", &movie, "--quality", "480p"]);
    assert!(
        err.contains("480p, 2 Mbps") && err.contains("about"),
        "the plan says the quality and about how big: {err}"
    );
    assert!(out.contains("Downloaded") && out.contains("(480p, 2 Mbps)"), "{out}\n{err}");
    assert_eq!(asked("/add"), 1, "the copy was asked for once");
    let listed: Value = serde_json::from_str(&cli.ok(&["downloads", "--json"]).0).unwrap();
    assert_eq!((&listed[0]["state"], &listed[0]["quality"]), (&Value::from("done"), &Value::from("480p")), "{listed}");
    let made = fake_plex::pms::download_queue::converted_path(&p.clip.file, (854, 480), 2000);
    let file = PathBuf::from(listed[0]["file"].as_str().unwrap());
    assert!(std::fs::read(&file).unwrap() == std::fs::read(made).unwrap(), "the server's copy, byte-identical");
    let parts = p.fp.requests().into_iter().filter(|r| r.path.starts_with("/library/parts/")).count();
    assert_eq!(parts, 0, "the original is not fetched");
    cli.ok(&["logout"]);
}

/// `reel-cli search`: the server's answer, each result with its kind,
/// server and rating key; the server gone, what was saved, marked so.
#[tokio::test(flavor = "multi_thread")]
async fn search_answers_from_the_server_then_from_saved_data_when_it_is_gone() {
    let _turn = keyring_turn().await;
    let fp = FakePlex::start(topology()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    cli.ok(&["login", "--token", &fp.info().account_token]);
    let (_, key) = first_movie(&cli);
    let rows = |out: String| -> Vec<Value> { serde_json::from_str(&out).unwrap() };
    let items: Vec<Value> = {
        let libraries: Value = serde_json::from_str(&cli.ok(&["libraries", "--json"]).0).unwrap();
        let movies =
            libraries[0]["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "movie").unwrap().clone();
        rows(cli.ok(&["items", movies["key"].as_str().unwrap(), "--json"]).0)
    };
    let title = items.iter().find(|i| i["rating_key"] == key.as_str()).unwrap()["title"].as_str().unwrap().to_string();
    let word = title.split_whitespace().nth(1).unwrap().to_lowercase();
    let hit = |rows: &[Value]| rows.iter().find(|r| r["rating_key"] == key.as_str()).cloned();

    let found = rows(cli.ok(&["search", &word, "--json"]).0);
    let film = hit(&found).unwrap_or_else(|| panic!("{title} found for {word}: {found:?}"));
    assert_eq!((film["kind"].as_str(), film["server"].as_str()), (Some("movie"), Some("Basement")));
    assert_eq!(film["from_saved_data"], false);
    let (text, _) = cli.ok(&["search", &word]);
    assert!(text.contains("Basement") && text.contains(&format!("{key}  {title}")), "{text}");

    assert!(fp.set_behaviour("Basement", None, Behaviour::Refuse));
    let found = rows(cli.ok(&["search", &word, "--json"]).0);
    assert_eq!(hit(&found).map(|f| f["from_saved_data"].clone()), Some(Value::Bool(true)), "{found:?}");
    let (text, _) = cli.ok(&["search", &word]);
    assert!(text.contains("did not answer") && text.contains("from saved data"), "{text}");
    assert!(fp.set_behaviour("Basement", None, Behaviour::Ok));
    cli.ok(&["logout"]);
}

/// `reel-cli items --sort … --filter …`: the server's own answer, in its
/// order; the server gone, the same from what was saved, said so.
#[tokio::test(flavor = "multi_thread")]
async fn items_sorted_and_filtered_are_the_servers_then_the_saved_ones() {
    let _turn = keyring_turn().await;
    let mut t = topology();
    t.servers[0].library.added_lately = true;
    let fp = FakePlex::start(t).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cli = Cli { fp: &fp, config: dir.path().join("config.toml") };
    cli.ok(&["login", "--token", &fp.info().account_token]);
    let libraries: Value = serde_json::from_str(&cli.ok(&["libraries", "--json"]).0).unwrap();
    let movies = libraries[0]["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "movie").unwrap().clone();
    let section = movies["key"].as_str().unwrap();
    // The whole library listed once: kept, as the app keeps it.
    cli.ok(&["items", section]);
    let machine = fp.info().servers[0].machine_identifier.clone();
    let want = fp.browse(&machine, section, "sort=year:desc&unwatched=1&genre=102");
    assert!(want.len() > 1, "{want:?}");
    let args = ["items", section, "--sort", "year:desc", "--filter", "unwatched", "--filter", "genre=Comedy", "--json"];
    let keys = |out: &str| -> Vec<u64> {
        let items: Vec<Value> = serde_json::from_str(out).unwrap();
        items.iter().map(|i| i["rating_key"].as_str().unwrap().parse().unwrap()).collect()
    };
    let (out, _) = cli.ok(&args);
    assert_eq!(keys(&out), want);
    // Added in the last week, as Plex's relative date (Reel's own filter).
    let week = ["items", section, "--filter", "addedAt>>=-7d", "--json"];
    let this_week = fp.browse(&machine, section, "addedAt%3E%3E=-7d");
    assert_eq!(this_week.len(), 7, "one film a day: {this_week:?}");
    assert_eq!(keys(&cli.ok(&week).0), this_week);
    // A music library's albums instead of its artists.
    let music = libraries[0]["sections"].as_array().unwrap().iter().find(|s| s["kind"] == "artist").unwrap().clone();
    let music = music["key"].as_str().unwrap();
    let albums = fp.browse(&machine, music, "type=9");
    assert!(albums.len() > fp.section_items(&machine, music).len(), "{albums:?}");
    assert_eq!(keys(&cli.ok(&["items", music, "--list", "albums", "--json"]).0), albums);
    let refused = cli.run(&["items", section, "--filter", "genre=Nothing"], &[]);
    assert!(
        !refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("genre has no value Nothing")
    );

    assert!(fp.set_behaviour("Basement", None, Behaviour::Refuse));
    let (out, err) = cli.ok(&args);
    assert_eq!(keys(&out), want, "{err}");
    assert!(err.contains("showing what Reel saved"), "{err}");
    assert_eq!(keys(&cli.ok(&week).0), this_week, "added lately, from what was saved");
    assert!(fp.set_behaviour("Basement", None, Behaviour::Ok));
    cli.ok(&["logout"]);
}
