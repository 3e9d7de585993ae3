//! Reel in a session whose bus has no Secret Service: what was saved still
//! shows (the servers, their libraries, the items of one), a banner says
//! once what is missing and how to fix it, and no token is written anywhere
//! instead. (With no session bus at all, GTK 4.8 cannot put the window on
//! the accessibility bus, so a test could not read it; reel-cli's tests
//! cover that case.)

use super::*;

/// The accessibility bus of this session, which the app reaches through
/// `AT_SPI_BUS_ADDRESS` (its own session bus does not know it), so the test
/// reads its window as usual.
fn a11y_bus() -> String {
    let out = Command::new("gdbus")
        .args(["call", "--session", "--dest", "org.a11y.Bus", "--object-path", "/org/a11y/bus"])
        .args(["--method", "org.a11y.Bus.GetAddress"])
        .envs(session::env())
        .output()
        .expect("gdbus");
    assert!(out.status.success(), "the a11y bus: {}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    text.split('\'').nth(1).expect("an address in the answer").to_string()
}

#[test]
fn without_a_keyring_the_saved_libraries_show_and_a_banner_says_why() {
    let d = Demo::start().signed_in();
    let x = &d.x;
    // A first run with the keyring: the libraries and a library's items are saved.
    let reel = d.launch("app-40.log");
    click(x, "Movies on Living Room");
    expect_on_screen(&["Library items", &d.movie]);
    drop(reel);

    let (bus, _bus) = fake_plex::testing::empty_session_bus(d.home.path()).expect("dbus-daemon starts");
    let mut env = d.env.clone();
    env.push(("DBUS_SESSION_BUS_ADDRESS".into(), bus));
    env.push(("AT_SPI_BUS_ADDRESS".into(), a11y_bus()));
    d.logs.borrow_mut().push("app-41.log".into());
    let reel = launch(x, &env, d.home.path(), "app-41.log");
    let tree = expect_on_screen(&[
        "The system keyring is not available",
        "start or unlock the keyring",
        "Movies on Living Room",
        "TV Shows on Friend's Server",
    ]);
    let said = tree.iter().filter(|(_, n)| n.contains("The system keyring is not available")).count();
    assert_eq!(said, 1, "said once, not once per server: {tree:?}");
    screenshot(x, "app-41-no-keyring.png");
    // A library opens from what was saved.
    click(x, "Movies on Living Room");
    expect_on_screen(&["Library items", &d.movie]);
    drop(reel);
    // Nothing secret was written in its stead.
    let config = std::fs::read_to_string(d.home.path().join("reel/config.toml")).expect("config.toml");
    assert!(!config.contains(&d.info.account_token), "no token in config.toml");
    assert_no_criticals("app-41.log");
}
