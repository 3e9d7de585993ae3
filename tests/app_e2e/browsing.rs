//! Signing in, browsing, the server page, failover and offline.

use super::*;

#[test]
fn sign_in_through_the_dialog_then_home_and_an_episode_marked_watched() {
    let d = Demo::start();
    d.at_store_size();
    let x = &d.x;
    // Someone watched the season's third episode and half of its fourth.
    let living = d.living_id();
    let season = {
        let show = d.fp().section_items(&living, "2").remove(0);
        d.fp().children(&living, show.rating_key).remove(0)
    };
    let episodes = d.fp().children(&living, season.rating_key);
    assert!(episodes.len() >= 4, "a season of four episodes or more");
    assert!(d.fp().set_watched(&living, episodes[2].rating_key, true));
    let (fourth, offset) = (&episodes[3], episodes[3].duration_ms / 3);
    assert!(d.fp().set_progress(&living, fourth.rating_key, offset));
    let percent = (offset * 100 / fourth.duration_ms).clamp(1, 99);
    let reel = d.launch("app-01.log");
    expect_on_screen(&["Welcome to Reel", "Sign in to Plex"]);
    screenshot(x, "app-01-welcome.png");
    click(x, "Sign in to Plex");
    expect_on_screen(&["Copy the sign-in link", "Open the plex.tv sign-in page", "Waiting for you to sign in"]);
    let pins = d.fp().pins();
    assert_eq!(pins.len(), 1, "one PIN for one sign-in");
    // Its code is in the page's link, not shown for anyone to type.
    expect_on_screen(&[&format!("!{}", pins[0].1)]);
    screenshot(x, "app-02-sign-in-dialog.png");
    // The person signs in at plex.tv in their browser; fake-plex's admin call stands in for that.
    assert!(d.fp().approve_pin(&pins[0].1));
    expect_on_screen(&["Living Room", "Friend's Server", "Movies on Living Room", "TV Shows on Friend's Server"]);
    // Home: what is being watched and what is new, from every server's hubs.
    expect_on_screen(&["Continue Watching", "On Deck", "Recently Added Movies", "part-way through"]);
    screenshot(x, "app-03-signed-in-home.png");
    store_screenshot(x, "home");

    click(x, "Movies on Living Room");
    expect_on_screen(&["Library items", "The "]);
    screenshot(x, "app-04-movies-grid.png");
    store_screenshot(x, "browse");
    d.open_first_season();
    // Its episodes as pictures, each with how far it was watched.
    let (first, third) = (format!("1. {}", d.episode), format!("3. {}", episodes[2].title));
    expect_on_screen(&[
        &format!("{first}, unwatched"),
        &format!("{third}, watched"),
        &format!("4. {}, {percent}% watched", fourth.title),
    ]);
    let still = place_of("image", &format!("Still of {}", d.episode)).expect("the first episode's still");
    assert_eq!(still.2 * 9, still.3 * 16, "a still is 16:9: {still:?}");
    wait_until("the first episode's still drawn", Duration::from_secs(20), || {
        screenshot(x, "app-04b-season.png");
        shows_a_picture("app-04b-season.png", still)
    });
    // The whole season marked, and back: every row says so, and the server has it.
    click(x, "Mark Season as Watched");
    expect_on_screen(&[
        &format!("{first}, watched"),
        "Mark Season as Unwatched",
        &format!("4. {}, watched", fourth.title),
    ]);
    let views = |n| episodes.iter().all(|e| d.fp().watch_state(&living, e.rating_key).is_some_and(|w| (w.0 > 0) == n));
    assert!(views(true), "fake-plex has the season watched");
    click(x, "Mark Season as Unwatched");
    expect_on_screen(&[&format!("{first}, unwatched"), &format!("{third}, unwatched"), "Mark Season as Watched"]);
    assert!(views(false), "fake-plex has the season unwatched");
    click(x, &first);
    let tree = expect_on_screen(&[&d.episode, &d.show]);
    every_control_is_named(&tree, "home, a library, a season and an episode");
    // An episode's page shows its still, not the show's poster.
    let still = place_of("image", &format!("Still of {}", d.episode)).expect("the episode page's still");
    assert_eq!(still.2 * 9, still.3 * 16, "the page's still is 16:9: {still:?}");
    screenshot(x, "app-05-episode.png");
    store_screenshot(x, "episode");
    // Watched and back: each reaches the server.
    click(x, "Mark as Watched");
    expect_on_screen(&["Mark as Unwatched"]);
    assert_eq!(d.fp().watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(1));
    click(x, "Mark as Unwatched");
    expect_on_screen(&["Mark as Watched"]);
    assert_eq!(d.fp().watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(0));
    drop(reel);
    assert_no_criticals("app-01.log");
}

#[test]
fn the_server_page_pins_a_connection_and_preferences_hide_a_library() {
    let d = Demo::start().signed_in();
    let x = &d.x;
    let reel = d.launch("app-02.log");
    // The server page: every connection, the one in use; pin the remote one, then back to automatic.
    let local = d.info.servers[0].connections[0].uri.clone();
    let remote = d.info.servers[0].connections[1].uri.clone();
    click(x, "Connections of Living Room");
    let tree = expect_on_screen(&[&format!("{local}: local · answered"), "in use", &format!("{remote}: remote")]);
    every_control_is_named(&tree, "the server page");
    click(x, &format!("{remote}: remote"));
    expect_on_screen(&[&format!("{remote}: remote · answered"), "in use · pinned"]);
    screenshot(x, "app-06-server-connections-pinned.png");
    click(x, "Choose Automatically");
    expect_on_screen(&[&format!("{local}: local · answered"), "!pinned"]);

    // Preferences (Ctrl+,): hide a library, and the sidebar follows: its
    // collection goes with it, the films' stays.
    expect_on_screen(&["Essentials, collection on Living Room", "Favourites, collection on Living Room"]);
    key(x, "ctrl+comma");
    // Films and episodes are downloaded at the quality chosen here (kept in config.toml).
    expect_on_screen(&["Download Quality", "Original quality"]);
    // Its list opens at Original, the first; 480p is the fourth (the list
    // is a popover, a surface AT-SPI gives no place on the screen).
    click(x, "Download Quality");
    for k in ["Down", "Down", "Down", "Return"] {
        key(x, k);
    }
    let config = d.home.path().join("reel/config.toml");
    wait_until("the quality kept in config.toml", Duration::from_secs(10), || {
        std::fs::read_to_string(&config).is_ok_and(|t| t.contains("download_quality = \"480p\""))
    });
    click(x, "Libraries");
    click(x, "Show Music from Living Room");
    let tree = expect_on_screen(&[
        "!Music on Living Room",
        "!Essentials, collection on Living Room",
        "Movies on Living Room",
        "Favourites, collection on Living Room",
    ]);
    every_control_is_named(&tree, "Preferences");
    screenshot(x, "app-07-preferences.png");
    // Shown again: both come back.
    click(x, "Show Music from Living Room");
    expect_on_screen(&["Music on Living Room", "Essentials, collection on Living Room"]);
    key(x, "Escape");
    drop(reel);
    assert_no_criticals("app-02.log");
}

#[test]
fn a_connection_that_dies_mid_session_fails_over_and_comes_back_then_a_narrow_window() {
    let d = Demo::start().signed_in();
    let x = &d.x;
    let reel = d.launch("app-03.log");
    // Mid-session the LAN connection dies: the next request (the shows'
    // library, or a show's seasons when the library comes from what was
    // saved) fails over to remote, is answered there, and a toast and the
    // sidebar say so.
    expect_on_screen(&["Living Room, Local · "]);
    let toast = watch_for("app-03.log", 60, &["connection to Living Room stopped answering"]);
    d.fp().set_behaviour("Living Room", Some(0), Behaviour::Refuse);
    click(x, "TV Shows on Living Room");
    click(x, &d.show);
    toast.seen();
    expect_on_screen(&["Living Room, Remote · ", "Season 1"]);
    screenshot(x, "app-08-failover-to-remote.png");
    // The LAN comes back: the background re-probe (15 s, then doubling) moves up by itself.
    d.fp().set_behaviour("Living Room", Some(0), Behaviour::Ok);
    expect_on_screen_within(90, &["Living Room, Local · "]);
    screenshot(x, "app-08a-back-on-local.png");

    // A narrow window folds the sidebar away: Back shows it again, a library opens the content.
    click(x, "Movies on Living Room");
    expect_on_screen(&["!Back"]);
    resize(x, 460, 700);
    click(x, "Back");
    click(x, "TV Shows on Living Room");
    expect_on_screen(&["Back", &d.show]);
    screenshot(x, "app-08b-narrow-window.png");
    drop(reel);
    assert_no_criticals("app-03.log");
}

#[test]
fn offline_from_what_was_saved_then_back_with_the_change_made_offline() {
    let mut d = Demo::start().signed_in();
    let x = &d.x;
    {
        // Browsed once while online: that is what is saved.
        let _reel = d.launch("app-04.log");
        d.open_first_season();
        expect_on_screen(&[&format!("1. {}", d.episode)]);
    }
    // plex.tv and every server gone: the same items, from the library cache, and a banner.
    d.fp.take().expect("running").shutdown();
    {
        let _reel = d.launch("app-05.log");
        expect_on_screen(&["Living Room", "TV Shows on Living Room", "offline since"]);
        d.open_first_season();
        expect_on_screen(&[&format!("1. {}", d.episode), "offline since"]);
        screenshot(x, "app-09-offline-from-cache.png");
        // The banner's words read as well as libadwaita's own text does
        // (WCAG AA asks 4.5 for text this size; yellow on brown was under).
        let banner = place_of("label", "offline since").expect("the banner's words laid out");
        let contrast = contrast_in("app-09-offline-from-cache.png", banner);
        assert!(contrast >= 4.5, "the banner's text against its background: {contrast:.1}:1");
        // Marked watched while offline: shown at once, kept for the server.
        click(x, &format!("1. {}", d.episode));
        click(x, "Mark as Watched");
        expect_on_screen(&["Mark as Unwatched", "offline since"]);

        // The servers come back (same ports, same tokens): the banner goes by itself,
        // and the change made offline reaches the server.
        let back = d.rt.block_on(FakePlex::start_with(d.topology.clone(), with_ca(&d.opts, &d.ca))).unwrap();
        assert_eq!(back.watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(0), "a fresh server");
        expect_on_screen(&["!offline since", &d.episode]);
        screenshot(x, "app-10-back-online.png");
        wait_for(
            "the watched state queued offline sent once the server was back",
            Duration::from_secs(30),
            || back.watch_state(&d.living_id(), d.episode_key).map(|w| w.0),
            |count| *count == Some(1),
        );
    }
    for log in ["app-04.log", "app-05.log"] {
        assert_no_criticals(log);
    }
}

#[test]
fn sign_in_by_server_address_then_odd_data_a_500_and_a_hang() {
    let _session = Session::start();
    use fake_plex::topology::{ConnectionSpec, LibrarySpec, ServerSpec};
    let rt = tokio::runtime::Runtime::new().unwrap();
    let attic = ServerSpec {
        name: "Attic".into(),
        machine_identifier: None,
        owned: true,
        https_required: false,
        access_token: None,
        provides: "server".into(),
        library: LibrarySpec { movies: 12, shows: 1, artists: 0, odd: true, ..LibrarySpec::default() },
        connections: vec![ConnectionSpec { local: true, ..Default::default() }],
    };
    let topology = Topology { account: Default::default(), servers: vec![attic], pin_lifetime_secs: 900 };
    let fp = rt.block_on(FakePlex::start(topology)).unwrap();
    let info = fp.info().clone();
    // No plex.tv at all: the person has only the server's address and a token.
    fp.set_behaviour("plextv", None, Behaviour::Refuse);
    let env = vec![("REEL_PLEX_TV_URL".to_string(), info.plex_tv_url.clone())];
    let home = tempfile::tempdir().unwrap();
    let url = info.servers[0].connections[0].uri.clone();
    // Named as the server calls itself.
    let host = "Attic";

    let x = Xvfb::start();
    let _reel = launch(&x, &env, home.path(), "app-20.log");
    expect_on_screen(&["Welcome to Reel"]);
    click(&x, "Sign in to Plex");
    click(&x, "Use a Server Address Instead");
    click(&x, "Server address, like http://192.168.1.10:32400");
    type_text(&x, &url);
    click(&x, "Plex token");
    type_text(&x, "wrong-token");
    click(&x, "Connect to this server");
    expect_on_screen(&["did not accept this token"]);
    screenshot(&x, "app-20-server-address-wrong-token.png");
    click(&x, "Plex token");
    key(&x, "ctrl+a");
    type_text(&x, &info.servers[0].access_token);
    click(&x, "Connect to this server");
    expect_on_screen(&[&format!("Movies on {host}"), &format!("Empty Shelf on {host}")]);
    screenshot(&x, "app-21-signed-in-by-address.png");

    // Very long titles in several scripts, no year, no poster: the grid shows them all.
    click(&x, &format!("Movies on {host}"));
    expect_on_screen(&["Library items", "長いタイトル"]);
    screenshot(&x, "app-22-odd-titles.png");
    click(&x, &format!("Empty Shelf on {host}"));
    expect_on_screen(&["This library is empty."]);

    // The server knows who it is but answers 500 to everything else: what was
    // saved stays on screen, and the user is told what failed. (A server that
    // answers 500 even to `/identity` is not verified and gets no token: it is
    // shown as offline, from what Reel saved; reel-cli's tests cover that.)
    fp.set_behaviour("Attic", Some(0), Behaviour::LibraryError500);
    click(&x, &format!("Movies on {host}"));
    // The cached copy is the server's current one, so only a refresh (F5) asks again.
    // (What failed is a toast, there for a moment: watched for from before.)
    let toast = watch_for("app-20.log", 40, &["Could not update Movies", "HTTP 500"]);
    key(&x, "F5");
    toast.seen();
    expect_on_screen(&["Library items"]);
    screenshot(&x, "app-23-server-error-500.png");

    // The server hangs: the window keeps working (Preferences opens) while it waits.
    fp.set_behaviour("Attic", Some(0), Behaviour::Hang);
    click(&x, &format!("TV Shows on {host}"));
    key(&x, "ctrl+comma");
    expect_on_screen(&["Refresh the Server List After"]);
    screenshot(&x, "app-24-responsive-while-server-hangs.png");
    key(&x, "Escape");

    // Signing out asks first, then forgets the server and its token.
    // The menu item's action, activated the way GNOME Shell does (org.gtk.Actions on
    // the session bus): a popover menu needs a window manager's grab, and Xvfb has none.
    activate_window_action("sign-out");
    expect_on_screen(&[&format!("Sign out of {host}?")]);
    screenshot(&x, "app-25-sign-out.png");
    click(&x, "Sign Out");
    expect_on_screen(&["Welcome to Reel"]);
    let key = format!("server_{}_token", info.servers[0].machine_identifier);
    let left = session::in_a_process("secret", &[("SERVICE", "dev.arsfeld.Reel".into()), ("ACCOUNT", key)]);
    assert_eq!(left, "none", "the token left the keyring");
    drop(_reel);
    assert_no_criticals("app-20.log");
    assert_no_secrets_in(
        home.path(),
        &["app-20.log".into()],
        &[info.account_token.clone(), info.servers[0].access_token.clone()],
    );
    drop(rt);
}

#[test]
fn a_second_launch_brings_the_running_window_forward() {
    let _session = Session::start();
    let home = tempfile::tempdir().unwrap();
    let x = Xvfb::start();
    // Nothing to reach: the welcome page is enough to tell the instances apart.
    let env = vec![("REEL_PLEX_TV_URL".to_string(), "http://127.0.0.1:9".to_string())];
    let _first = launch(&x, &env, home.path(), "app-30.log");
    expect_on_screen(&["Welcome to Reel"]);
    let mut second = launch(&x, &env, home.path(), "app-31.log");
    let exited = wait_for(
        "the second launch to hand over and exit",
        Duration::from_secs(10),
        || second.0.try_wait().ok().flatten(),
        Option::is_some,
    );
    assert!(exited.is_some_and(|s| s.success()), "the second launch hands over and exits: {exited:?}");
    let tree = expect_on_screen(&["Welcome to Reel"]);
    let frames = tree.iter().filter(|(role, name)| role == "frame" && name == "Reel").count();
    assert_eq!(frames, 1, "one window, one instance: {tree:?}");
    // The first presented its window again, for the second launch (GApplication's activate).
    let presented = || {
        let log = std::fs::read_to_string(artifacts().join("app-30.log")).unwrap_or_default();
        log.matches("activated: the window is presented").count()
    };
    wait_for("the first window presented again", Duration::from_secs(10), presented, |n| *n >= 2);
    assert_no_criticals("app-30.log");
}

/// The settings file found damaged: Reel starts afresh, says so, and offers
/// the accounts it named back from the keyring; one click and the servers
/// are there again.
#[test]
fn damaged_settings_then_the_accounts_back_from_the_keyring() {
    let d = Demo::start().signed_in();
    let x = &d.x;
    let path = d.home.path().join("reel/config.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("half a line = = of a full disk\n{text}")).unwrap();
    let reel = d.launch("app-11.log");
    // What happened, and what can be done about it.
    expect_on_screen(&["Reel's settings were damaged and set aside. Sign in again as demo?"]);
    screenshot(x, "app-11-damaged-settings.png");
    let toast = watch_for("app-11.log", 40, &["Signed in again"]);
    click(x, "Sign In Again");
    toast.seen();
    expect_on_screen(&["Living Room", "TV Shows on Living Room"]);
    screenshot(x, "app-11-accounts-back.png");
    drop(reel);
    assert_no_criticals("app-11.log");
}
