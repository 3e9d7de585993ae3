//! The window comes back as it was left: resized, quit with Ctrl+Q, and
//! started again, it has the size it had (GSettings; in the tests its
//! keyfile backend, in the test's own config home, as dconf's one daemon
//! per session bus would share it between tests). Maximised is
//! kept too, but Xvfb has no window manager to maximise a window, so it is
//! not tried here.

use super::*;

/// The size GTK draws Reel's window at, as it tells AT-SPI.
fn drawn_size() -> Option<(u32, u32)> {
    let out = Command::new("/usr/bin/python3")
        .arg(repo().join("tests/python/atspi_size.py"))
        .arg("reel")
        .envs(session::env())
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let (w, h) = text.trim().split_once(' ')?;
    Some((w.parse().ok()?, h.parse().ok()?))
}

#[test]
fn the_window_comes_back_at_the_size_it_was_left() {
    let d = Demo::start();
    let mut reel = d.launch("app-30.log");
    expect_on_screen(&["Welcome to Reel"]);
    let first = wait_for("the window's size", Duration::from_secs(20), || window_size(&d.x), Option::is_some);
    let wanted = (900, 640);
    assert!(
        first.is_some_and(|(w, h)| w > wanted.0 + 100 && h > wanted.1 + 50),
        "a fresh start has the default size: {first:?}"
    );
    resize(&d.x, wanted.0, wanted.1);
    wait_for("the window resized", Duration::from_secs(20), || window_size(&d.x), |s| *s == Some(wanted));
    // And drawn so by GTK, not only resized by the X server: what is kept
    // is what GTK last laid out (a busy machine's test quit in between).
    let near = |(w, h): (u32, u32)| w.abs_diff(wanted.0) <= 16 && h.abs_diff(wanted.1) <= 16;
    wait_for("the window drawn at its new size", Duration::from_secs(20), drawn_size, |s| s.is_some_and(near));
    // Quit as a person does: the app ends by itself, having kept the size.
    key(&d.x, "ctrl+q");
    wait_for("Reel to quit", Duration::from_secs(30), || reel.0.try_wait().ok().flatten(), Option::is_some);
    let _again = d.launch("app-30-again.log");
    expect_on_screen(&["Welcome to Reel"]);
    // The size kept is the content's: with no window manager, the X window
    // resized from outside also held GTK's resize border (5 px a side here).
    wait_for("the size it was left at", Duration::from_secs(20), || window_size(&d.x), |s| s.is_some_and(near));
    screenshot(&d.x, "app-30-size-kept.png");
}
