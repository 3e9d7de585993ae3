//! The desktop's notification service on a scenario's session bus
//! (`tests/python/notifications.py`): what the app sent, as a person would
//! have seen it pop up.

use super::*;
use fake_plex::testing::Guarded;
use std::io::Write;

pub(crate) struct Notifications {
    _service: Guarded,
    file: tempfile::NamedTempFile,
}

#[derive(Debug)]
pub(crate) struct Notification {
    pub summary: String,
    pub body: String,
}

impl Notifications {
    /// Owns `org.freedesktop.Notifications` on this thread's session bus.
    pub(crate) fn start() -> Self {
        let file = tempfile::NamedTempFile::new().expect("a file for the notifications");
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(repo().join("tests/python/notifications.py"))
            .arg(file.path())
            .envs(session::env())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut service = Guarded::spawn(&mut cmd).expect("python3 with gi (scripts/setup.sh)");
        let mut line = String::new();
        let out = service.child().stdout.take().expect("the service's output");
        BufReader::new(out).read_line(&mut line).expect("the service says it is ready");
        assert_eq!(line.trim(), "ready", "the notification service owns its name");
        Notifications { _service: service, file }
    }

    /// Every notification sent so far.
    pub(crate) fn sent(&self) -> Vec<Notification> {
        let text = std::fs::read_to_string(self.file.path()).unwrap_or_default();
        let field = |v: &serde_json::Value, k: &str| v[k].as_str().unwrap_or_default().to_string();
        text.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .map(|v| Notification { summary: field(&v, "summary"), body: field(&v, "body") })
            .collect()
    }

    /// Waits until `n` notifications have been sent; returns them all.
    pub(crate) fn wait_for(&self, n: usize, within: Duration) -> Vec<Notification> {
        wait_for(&format!("{n} notifications"), within, || self.sent(), |s| s.len() >= n)
    }
}

/// Another application on the display (`tests/python/other_app.py`): a
/// window of its own that takes the keyboard focus when the person
/// switches to it, so Reel's window is no longer the active one.
pub(crate) struct OtherApp {
    helper: Guarded,
    answers: BufReader<std::process::ChildStdout>,
}

impl OtherApp {
    pub(crate) fn start(x: &Xvfb) -> Self {
        let mut cmd = Command::new("/usr/bin/python3");
        cmd.arg(repo().join("tests/python/other_app.py"))
            .env("DISPLAY", &x.display)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut helper = Guarded::spawn(&mut cmd).expect("python3");
        let mut answers = BufReader::new(helper.child().stdout.take().expect("the other app's output"));
        let mut line = String::new();
        answers.read_line(&mut line).expect("the other app says it is ready");
        assert_eq!(line.trim(), "ready", "the other app's window is on the display");
        OtherApp { helper, answers }
    }

    /// The person switches to this app.
    pub(crate) fn switch_to(&mut self) {
        self.tell("take");
    }

    /// The person switches to Reel's window.
    pub(crate) fn switch_to_reel(&mut self, x: &Xvfb) {
        let (window, _, _) = main_window(x).expect("Reel's window on the display");
        self.tell(&format!("give {window}"));
    }

    fn tell(&mut self, what: &str) {
        let stdin = self.helper.child().stdin.as_mut().expect("the other app's input");
        writeln!(stdin, "{what}").expect("the other app hears");
        let mut line = String::new();
        self.answers.read_line(&mut line).expect("the other app answers");
        assert_eq!(line.trim(), "ok");
    }
}
