//! The window used with the keyboard alone, as a person who uses no pointer
//! would: Tab reaches the sidebar, the header's buttons and the grid;
//! arrows move through the grid; Return opens; the player answers to its
//! keys; Escape goes back. What has the focus is read through AT-SPI after
//! each key, as a screen reader announces it.

use super::*;

/// Gives the keyboard to Reel's window titled `title` (the largest of that
/// name: GTK keeps a 1×1 one too), as a window manager would on a click.
fn give_keyboard(x: &Xvfb, title: &str) {
    let out = Command::new("xdotool")
        .args(["search", "--sync", "--onlyvisible", "--name", &format!("^{title}$")])
        .env("DISPLAY", &x.display)
        .output()
        .expect("xdotool search");
    let windows = String::from_utf8_lossy(&out.stdout).to_string();
    let focused = windows.lines().any(|w| {
        Command::new("xdotool")
            .args(["windowfocus", "--sync", w.trim()])
            .env("DISPLAY", &x.display)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    assert!(focused, "the keyboard given to {title:?} (windows: {windows:?})");
}

/// Presses `keys` one after another: after each, the focused control's
/// (role, name).
fn press(x: &Xvfb, keys: &[&str]) -> Vec<(String, String)> {
    let out = Command::new("/usr/bin/python3")
        .arg(repo().join("tests/python/atspi_keys.py"))
        .arg("reel")
        .args(keys)
        .env("DISPLAY", &x.display)
        .envs(session::env())
        .output()
        .expect("python3 with pyatspi");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let steps: Vec<(String, String, String)> = serde_json::from_slice(&out.stdout).expect("steps as JSON");
    steps.into_iter().map(|(_, role, name)| (role, name)).collect()
}

/// Every stop of `walk` is something a screen reader can name.
fn every_stop_is_named(walk: &[(String, String)], what: &str) {
    let unnamed: Vec<_> = walk
        .iter()
        .filter(|(role, name)| role.is_empty() || name.trim().is_empty() || name.starts_with("Gtk"))
        .collect();
    assert!(unnamed.is_empty(), "{what}: stops without a name {unnamed:?} in {walk:?}");
}

#[test]
fn the_window_is_used_with_the_keyboard_alone() {
    let d = Demo::start_with(|t, home| t.servers[0].library.media = Some(super::playback::clip_in(home, 30, &["eng"])))
        .signed_in();
    let x = &d.x;
    let _reel = d.launch("app-keys.log");
    expect_on_screen(&["Movies on Living Room", "Continue Watching"]);
    // No window manager here: the window is given the keyboard as one would.
    give_keyboard(x, "Reel");

    // Tab goes through the sidebar (each place, each server's connections),
    // the header's search, then Home's tiles.
    let walk = press(x, &["Tab"; 24]);
    every_stop_is_named(&walk, "Tab from the start");
    let names: Vec<&str> = walk.iter().map(|(_, n)| n.as_str()).collect();
    for wanted in ["Home", "Downloads", "Connections of Living Room", "Movies on Living Room", "Music on Living Room"] {
        assert!(names.contains(&wanted), "Tab reaches {wanted:?}: {names:?}");
    }
    assert!(names.iter().any(|n| n.starts_with("Search")), "Tab reaches the search: {names:?}");
    let tiles = walk.iter().filter(|(role, n)| role == "push button" && n.contains(", ")).count();
    assert!(tiles >= 3, "Tab reaches Home's tiles: {names:?}");
    screenshot(x, "app-keys-home.png");

    // A library opened from the sidebar; the arrows go on to its Sort and
    // Filter, Tab into its grid (Down from Filter reaches the A–Z jump's
    // letters beneath it), the arrows from tile to tile (each named as its
    // title and year); a film opened with Return.
    let walk = press(x, &["shift+Tab~Movies on Living Room", "Return", "Right", "Right", "Tab", "Right", "Down"]);
    every_stop_is_named(&walk, "the Movies grid");
    let bar: Vec<&str> = walk.iter().filter(|(role, _)| role == "push button").map(|(_, n)| n.as_str()).collect();
    assert_eq!(bar, ["Sort", "Filter"], "the library's bar before its grid: {walk:?}");
    let films: Vec<&(String, String)> = walk.iter().filter(|(role, _)| role == "table cell").collect();
    assert_eq!(films.len(), 3, "the arrows move from tile to tile: {walk:?}");
    assert!(films.windows(2).all(|w| w[0].1 != w[1].1), "each arrow moved: {films:?}");
    // A tile says its title, year and how far it was watched.
    let film = films[2].1.split(", ").next().unwrap_or_default().to_string();
    screenshot(x, "app-keys-grid.png");
    let walk = press(x, &["Return", "Tab~Play"]);
    every_stop_is_named(&walk, "the film's page");
    assert_eq!(walk[0].1, film, "the film's page opens at its title: {walk:?}");
    expect_on_screen(&[&film, "Mark as Watched"]);

    // Played, paused and left with its keys.
    press(x, &["Return"]);
    super::playback::wait_for_mpris("status", "Playing");
    super::playback::wait_for_mpris("metadata title", &film);
    screenshot(x, "app-keys-player.png");
    press(x, &["space"]);
    super::playback::wait_for_mpris("status", "Paused");
    let walk = press(x, &["Escape"]);
    every_stop_is_named(&walk, "back from the player");
    expect_on_screen(&[&film, "Mark as Watched"]);

    // Preferences from its shortcut, closed with Escape.
    let walk = press(x, &["ctrl+comma"]);
    every_stop_is_named(&walk, "Preferences");
    expect_on_screen(&["Preferences", "Download Folder"]);
    give_keyboard(x, "Preferences");
    press(x, &["Escape"]);
    expect_on_screen(&["!Download Folder"]);
    assert_no_criticals("app-keys.log");
}
