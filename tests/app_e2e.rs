//! The real `reel` binary in a real X server (Xvfb), driven against fake-plex
//! over loopback, with the real keyring (scripts/with-keyring.sh). What is on
//! screen is read through the accessibility tree (AT-SPI), as a screen reader
//! would; screenshots of each step go to test-artifacts/.

use fake_plex::topology::Topology;
use fake_plex::FakePlex;
use reel_core::backends::plex::PlexAuth;
use reel_core::config::ConfigStore;
use reel_core::http::{ClientIdentity, HttpClient};
use reel_core::services::auth_manager::AuthManager;
use reel_core::services::secrets::SecretStore;
use reel_core::Token;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Self {
        let mut child = Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("Xvfb runs (scripts/setup.sh installs it)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("display number");
        Xvfb {
            child,
            display: format!(":{}", line.trim()),
        }
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
    let d = std::env::var_os("REEL_TEST_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("test-artifacts"));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn launch(x: &Xvfb, fp_env: &[(String, String)], config_home: &Path, log: &str) -> Reel {
    let log = std::fs::File::create(artifacts().join(log)).expect("log file");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_reel"));
    cmd.env("DISPLAY", &x.display)
        .env("XDG_CONFIG_HOME", config_home)
        .env("GDK_BACKEND", "x11")
        .env("NO_AT_BRIDGE", "0")
        .stdout(Stdio::null())
        .stderr(log);
    for (k, v) in fp_env {
        cmd.env(k, v);
    }
    Reel(cmd.spawn().expect("reel starts"))
}

/// Waits until every name is in reel's accessibility tree; returns the tree.
fn expect_on_screen(names: &[&str]) -> Vec<(String, String)> {
    let out = Command::new("/usr/bin/python3")
        .arg(repo().join("tests/python/atspi_find.py"))
        .args(["reel", "30"])
        .args(names)
        .output()
        .expect("python3 with pyatspi");
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    serde_json::from_slice(&out.stdout).expect("tree as JSON")
}

fn screenshot(x: &Xvfb, name: &str) {
    let path = artifacts().join(name);
    let ok = Command::new("import")
        .args(["-display", &x.display, "-window", "root"])
        .arg(&path)
        .status();
    assert!(ok.is_ok_and(|s| s.success()), "screenshot {name}");
}

#[test]
fn shows_servers_and_libraries_then_servers_again_from_cache_with_plex_gone() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let fp = rt.block_on(FakePlex::start(Topology::demo(None))).unwrap();
    let info = fp.info().clone();
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("reel/config.toml");

    // Sign in and discover once, as the sign-in dialog would, with the core itself.
    rt.block_on(async {
        let (store, _) = ConfigStore::load(&config).unwrap();
        let http =
            HttpClient::with_extra_ca(ClientIdentity::new("e2e"), Some(fp.ca_pem().as_bytes()))
                .unwrap();
        let plex = PlexAuth::with_urls(http.clone(), &info.plex_tv_url, &info.auth_url).unwrap();
        let m = AuthManager::new(Arc::new(store), SecretStore::new(), http, plex);
        let p = m
            .add_plex_account(&Token::new(info.account_token.clone()))
            .await
            .unwrap();
        m.discover(p.id(), true).await.unwrap();
    });
    let env = vec![
        ("REEL_PLEX_TV_URL".to_string(), info.plex_tv_url.clone()),
        ("REEL_PLEX_AUTH_URL".to_string(), info.auth_url.clone()),
        (
            "REEL_EXTRA_CA_FILE".to_string(),
            info.ca_file.clone().unwrap(),
        ),
    ];

    let x = Xvfb::start();
    {
        let _reel = launch(&x, &env, home.path(), "app-01.log");
        let tree = expect_on_screen(&[
            "Living Room",
            "Friend's Server",
            "Movies on Living Room",
            "TV Shows on Friend's Server",
        ]);
        assert!(
            tree.iter().any(|(role, _)| role == "frame"),
            "a real window"
        );
        screenshot(&x, "app-01-servers-and-libraries.png");
    }

    // plex.tv and every server gone: the servers are still there, from cache, marked offline.
    fp.shutdown();
    {
        let _reel = launch(&x, &env, home.path(), "app-02.log");
        expect_on_screen(&["Living Room", "Friend's Server", "Libraries unavailable"]);
        screenshot(&x, "app-02-offline-from-cache.png");
    }
    drop(rt);
}
