//! What every test that drives fake-plex (or a program talking to it) needs
//! besides the server: waiting for something observable with a deadline,
//! and children that end with the test, also when it panics.

use std::fmt::Debug;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// How often a wait looks again.
const POLL: Duration = Duration::from_millis(100);

/// Reads `read` until `done` holds for what it gave, at most `within`;
/// returns that value. Past the deadline it panics with `what` and the last
/// value read, so a failure says what was seen instead.
#[track_caller]
pub fn wait_for<T: Debug>(
    what: &str,
    within: Duration,
    mut read: impl FnMut() -> T,
    mut done: impl FnMut(&T) -> bool,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        let value = read();
        if done(&value) {
            return value;
        }
        assert!(Instant::now() < deadline, "waited {within:?} for {what}; last seen: {value:?}");
        std::thread::sleep(POLL);
    }
}

/// [`wait_for`] a condition that has nothing to show but itself.
#[track_caller]
pub fn wait_until(what: &str, within: Duration, mut done: impl FnMut() -> bool) {
    wait_for(what, within, &mut done, |ok| *ok);
}

/// [`wait_for`] inside a tokio test: `read` is awaited, the wait does not
/// hold the runtime's thread.
#[track_caller]
pub fn wait_for_async<'a, T: Debug + 'a, F, Fut>(
    what: &'a str,
    within: Duration,
    mut read: F,
    mut done: impl FnMut(&T) -> bool + 'a,
) -> impl std::future::Future<Output = T> + 'a
where
    F: FnMut() -> Fut + 'a,
    Fut: std::future::Future<Output = T> + 'a,
{
    let caller = std::panic::Location::caller();
    async move {
        let deadline = Instant::now() + within;
        loop {
            let value = read().await;
            if done(&value) {
                return value;
            }
            assert!(Instant::now() < deadline, "{caller}: waited {within:?} for {what}; last seen: {value:?}");
            tokio::time::sleep(POLL).await;
        }
    }
}

/// A child process (and, when started with [`Guarded::group`], everything
/// it starts) that is ended when the guard is dropped: a test that panics
/// leaves nothing running behind it.
pub struct Guarded {
    child: Child,
    group: bool,
}

impl Guarded {
    /// Starts `cmd`; the child alone is ended with the guard.
    pub fn spawn(cmd: &mut Command) -> std::io::Result<Self> {
        Ok(Guarded { child: cmd.spawn()?, group: false })
    }

    /// Starts `cmd` as a process group of its own (a script and what it
    /// starts); the whole group is ended with the guard.
    pub fn group(cmd: &mut Command) -> std::io::Result<Self> {
        use std::os::unix::process::CommandExt;
        Ok(Guarded { child: cmd.process_group(0).spawn()?, group: true })
    }

    pub fn child(&mut self) -> &mut Child {
        &mut self.child
    }

    /// Waits (at most `within`) for it to end by itself.
    pub fn wait_exit(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(POLL);
        }
    }

    fn signal(&self, signal: &str) {
        let target = if self.group { format!("-{}", self.child.id()) } else { self.child.id().to_string() };
        // kill(1) rather than libc: this crate has no unsafe code.
        let _ = Command::new("kill").args([&format!("-{signal}"), "--", &target]).status();
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) && !self.group {
            return;
        }
        // Asked first, so a script's traps clean up after it; then made to.
        self.signal("TERM");
        if self.wait_exit(Duration::from_secs(5)).is_none() || self.group {
            self.signal("KILL");
        }
        let _ = self.child.wait();
    }
}

/// Every file under `dir`, its folders walked (none when it is not there).
pub fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// A session bus of its own with nothing on it and nothing it can start
/// (the standard one would start gnome-keyring when a program asks for
/// secrets), listening in `dir`: its address, and the daemon, ended with the
/// guard. For a session that has D-Bus but no Secret Service.
pub fn empty_session_bus(dir: &std::path::Path) -> std::io::Result<(String, Guarded)> {
    use std::io::BufRead;
    let config = dir.join("empty-bus.conf");
    // The standard session bus's rules, without its service folders.
    let rules = r#"<auth>EXTERNAL</auth><policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>"#;
    let text =
        format!("<busconfig><type>session</type><listen>unix:tmpdir={}</listen>{rules}</busconfig>", dir.display());
    std::fs::write(&config, text)?;
    let mut bus = Guarded::spawn(
        Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address=1"])
            .stdout(std::process::Stdio::piped())
            // It says it may not raise its file limit, which is no fault.
            .stderr(std::process::Stdio::null()),
    )?;
    let out = bus.child().stdout.take().ok_or_else(|| std::io::Error::other("dbus-daemon's output"))?;
    let mut address = String::new();
    std::io::BufReader::new(out).read_line(&mut address)?;
    Ok((address.trim().to_string(), bus))
}

/// The session's Secret Service (the system keyring) read and changed as
/// any other client would, to check what a program stored there. Runs on a
/// thread of its own: the keyring crate blocks on D-Bus.
pub mod keyring {
    fn on_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        std::thread::spawn(f).join().expect("the keyring thread")
    }

    /// The secret stored for `account` under `service`; None when there is none.
    pub fn secret(service: &str, account: &str) -> Result<Option<String>, String> {
        let (service, account) = (service.to_string(), account.to_string());
        on_thread(move || {
            let entry = ::keyring::Entry::new(&service, &account).map_err(|e| e.to_string())?;
            match entry.get_password() {
                Ok(s) => Ok(Some(s)),
                Err(::keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        })
    }

    /// Deletes what is stored for `account` under `service` (a token lost
    /// from the keyring); nothing stored is fine.
    pub fn delete(service: &str, account: &str) -> Result<(), String> {
        let (service, account) = (service.to_string(), account.to_string());
        on_thread(move || {
            let entry = ::keyring::Entry::new(&service, &account).map_err(|e| e.to_string())?;
            match entry.delete_credential() {
                Ok(()) | Err(::keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(e.to_string()),
            }
        })
    }
}
