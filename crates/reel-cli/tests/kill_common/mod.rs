//! Kill -9 while saving: reel-cli (and, given its binary and an X display,
//! the app) killed at a random moment while they write the settings and
//! the library cache, round after round; after each, what is on disk is
//! checked as the next start would read it. Shared by the CI test (a few
//! rounds) and the benchmark-style command (1 000 rounds).
//!
//! The real keyring holds the token (run under scripts/with-keyring.sh).

use fake_plex::topology::{Behaviour, ConnectionSpec, LibrarySpec, Protocol, ServerSpec, Topology};
use fake_plex::FakePlex;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

#[derive(Debug, Default)]
pub struct Tally {
    pub rounds: usize,
    pub app_rounds: usize,
    /// Killed before it finished (the others ended on their own first).
    pub killed: usize,
    /// Ended on their own with an error (said on stderr; not a loss).
    pub failed: usize,
    pub corrupt_settings: usize,
    pub lost_accounts: usize,
    pub lost_tokens: usize,
    pub corrupt_caches: usize,
    pub panics: usize,
}

fn topology() -> Topology {
    let c = |local| ConnectionSpec { local, protocol: Protocol::Http, behaviour: Behaviour::Ok, ..Default::default() };
    let server = |name: &str| ServerSpec {
        name: name.into(),
        machine_identifier: None,
        owned: true,
        https_required: false,
        access_token: None,
        provides: "server".into(),
        library: LibrarySpec { movies: 400, shows: 3, ..LibrarySpec::default() },
        connections: vec![c(true), c(false)],
    };
    Topology { account: Default::default(), pin_lifetime_secs: 900, servers: vec![server("Basement"), server("Attic")] }
}

/// xorshift: the same rounds every run, no dependency.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

pub struct Harness {
    /// fake-plex runs on it.
    _rt: tokio::runtime::Runtime,
    fp: FakePlex,
    home: tempfile::TempDir,
    cli: PathBuf,
}

impl Harness {
    pub fn start(cli: PathBuf) -> Self {
        let rt = tokio::runtime::Runtime::new().unwrap();
        let fp = rt.block_on(FakePlex::start(topology())).unwrap();
        let h = Harness { _rt: rt, fp, home: tempfile::tempdir().unwrap(), cli };
        let out = h.command(&["login", "--token-stdin"]).stdin(Stdio::piped()).spawn().and_then(|mut c| {
            use std::io::Write;
            writeln!(c.stdin.take().unwrap(), "{}", h.fp.info().account_token)?;
            c.wait_with_output()
        });
        assert!(out.is_ok_and(|o| o.status.success()), "signed in");
        h
    }

    fn config(&self) -> PathBuf {
        self.home.path().join("config/reel/config.toml")
    }

    fn env(&self, cmd: &mut Command) {
        let home = self.home.path();
        cmd.env("REEL_CONFIG", self.config())
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .env("REEL_PLEX_TV_URL", &self.fp.info().plex_tv_url)
            .env("REEL_PLEX_AUTH_URL", &self.fp.info().auth_url)
            .env("REEL_EXTRA_CA_FILE", self.fp.info().ca_file.as_deref().unwrap_or_default())
            .env("RUST_LOG", "warn")
            .env_remove("REEL_TOKEN");
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(&self.cli);
        cmd.args(args).stdout(Stdio::null()).stderr(Stdio::piped());
        self.env(&mut cmd);
        cmd
    }

    /// `rounds` of reel-cli killed while it saves, then `app_rounds` of the
    /// app (on `display`) killed while it starts, discovers and syncs.
    pub fn run(&self, rounds: usize, app: Option<(&Path, &str, usize)>) -> Tally {
        let mut t = Tally::default();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let jobs: [&[&str]; 4] =
            [&["servers", "--refresh"], &["libraries"], &["items", "1", "--server", "Basement"], &["items", "1"]];
        for _ in 0..rounds {
            let job = jobs[rng.below(jobs.len() as u64) as usize];
            let child = self.command(job).spawn().expect("reel-cli starts");
            self.kill_later(child, Duration::from_millis(rng.below(70)), &mut t);
            t.rounds += 1;
            self.check(&mut t);
        }
        if let Some((bin, display, n)) = app {
            for _ in 0..n {
                let mut cmd = Command::new(bin);
                cmd.env("DISPLAY", display).env("GDK_BACKEND", "x11").stdout(Stdio::null()).stderr(Stdio::piped());
                self.env(&mut cmd);
                let child = cmd.spawn().expect("reel starts");
                self.kill_later(child, Duration::from_millis(200 + rng.below(2500)), &mut t);
                t.app_rounds += 1;
                self.check(&mut t);
            }
        }
        t
    }

    fn kill_later(&self, mut child: std::process::Child, after: Duration, t: &mut Tally) {
        std::thread::sleep(after);
        match child.try_wait().ok().flatten() {
            None => t.killed += 1,
            Some(status) if !status.success() => t.failed += 1,
            Some(_) => {}
        }
        let _ = child.kill(); // SIGKILL
        let out = child.wait_with_output().expect("reaped");
        if String::from_utf8_lossy(&out.stderr).contains("panicked") {
            t.panics += 1;
        }
    }

    /// What the next start reads: the settings whole, the account there with
    /// its token in the keyring, the library cache sound.
    fn check(&self, t: &mut Tally) {
        // Read as they are on disk and in the keyring, with tools of their
        // own (the core's readers stay behind its facade).
        let settings = std::fs::read_to_string(self.config()).ok().and_then(|text| text.parse::<toml::Table>().ok());
        match settings {
            Some(settings) => {
                let providers: Vec<String> = settings
                    .get("runtime")
                    .and_then(|r| r.get("auth_providers"))
                    .and_then(|p| p.as_table())
                    .map(|p| p.keys().cloned().collect())
                    .unwrap_or_default();
                if providers.len() != 1 {
                    t.lost_accounts += 1;
                }
                for p in &providers {
                    let found = fake_plex::testing::keyring::secret("dev.arsfeld.Reel", &format!("{p}_token"));
                    if !matches!(found, Ok(Some(_))) {
                        t.lost_tokens += 1;
                    }
                }
            }
            None => t.corrupt_settings += 1,
        }
        let db = self.home.path().join("data/reel/library.sqlite3");
        if db.exists() {
            let check = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .and_then(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)));
            if !matches!(check.as_deref(), Ok("ok")) {
                t.corrupt_caches += 1;
            }
        }
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = self.command(&["logout"]).status();
    }
}
