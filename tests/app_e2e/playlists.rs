//! Playlists and collections, as a person uses them: listed in the sidebar
//! under their server, opened, played (the server makes the queue; MPRIS
//! says what plays), changed (an entry removed and moved through the
//! window actions its menu uses; the server's playlist is what changes), a
//! new playlist made from an album's page and a track added from its row's
//! menu, a music collection opened, a films' collection played film after
//! film, and everything there again from the cache with the server gone,
//! where the downloaded album plays in a queue made here, handed to the
//! server when it is back.

use super::music::first_album;
use super::playback::{playerctl, wait_for_mpris};
use super::*;

/// The demo's music library's artists (title), in order.
fn artists(d: &Demo) -> Vec<String> {
    d.fp().section_items(&d.living_id(), "3").into_iter().map(|a| a.title).collect()
}

/// Waits until the server's playlist `title` holds what `ok` wants; its entries.
fn wait_for_playlist(d: &Demo, title: &str, ok: impl Fn(&[(u64, u64)]) -> bool) -> (u64, Vec<(u64, u64)>) {
    let all = wait_for(
        &format!("the server's playlist {title} as wanted"),
        Duration::from_secs(15),
        || d.fp().playlists(&d.living_id()),
        |all| all.iter().any(|p| p.title == title && ok(&p.entries)),
    );
    let p = all.into_iter().find(|p| p.title == title && ok(&p.entries)).expect("waited for");
    (p.id, p.entries)
}

#[test]
fn playlists_and_collections_are_listed_played_changed_and_kept() {
    let d = Demo::start_with(|t, home| {
        let dir = home.join("media");
        std::fs::create_dir_all(&dir).unwrap();
        let album = fake_plex::music::make_album(&dir, &[6, 4, 4]).expect("gst-launch-1.0 makes tracks");
        for s in &mut t.servers {
            s.library.music = album.clone();
        }
    })
    .signed_in();
    let x = &d.x;
    let (artist, album, tracks) = first_album(&d);
    let key_of = |title: &str| tracks.iter().find(|(t, _)| t == title).map(|(_, k)| k.parse::<u64>().unwrap());
    let title_of = |key: u64| tracks.iter().find(|(_, k)| *k == key.to_string()).map(|(t, _)| t.clone()).unwrap();
    let (road, seeded) = wait_for_playlist(&d, "Road Trip", |_| true);
    let reel = d.launch("app-13.log");
    expect_on_screen(&["Road Trip, playlist on Living Room"]);
    // Tall enough for every sidebar row (two servers' libraries and lists).
    resize(x, 1100, 790);

    // The server's playlist in the sidebar; opened, its tracks.
    click(x, "Road Trip, playlist on Living Room");
    let n = seeded.len().to_string();
    expect_on_screen(&[&format!("Playlist · {n} tracks"), &title_of(seeded[0].1), &title_of(seeded[1].1)]);
    screenshot(x, "app-13-playlist.png");

    // Played: the server's queue of the playlist, its first track first.
    d.fp().clear_requests();
    // (A pill's name is its label twice to AT-SPI; "Play" alone would be the page's words.)
    click_role(x, "=Play Play", Some("push button"));
    wait_for_mpris("metadata title", &title_of(seeded[0].1));
    let asked = d.fp().requests().into_iter().find(|r| r.method == "POST" && r.path == "/playQueues");
    assert!(asked.is_some_and(|r| r.query.contains(&format!("playlistID={road}"))), "a queue of the playlist");
    playerctl(&["pause"]);
    wait_for_mpris("status", "Paused");

    // Its second entry removed, then its (new) third moved up: the server's
    // playlist changes, and the page shows what the server holds.
    activate_window_action_with("list-remove", &format!("[<int64 {}>]", seeded[1].0));
    let (_, now) = wait_for_playlist(&d, "Road Trip", |e| !e.iter().any(|(id, _)| *id == seeded[1].0));
    expect_on_screen(&[&format!("Playlist · {} tracks", seeded.len() - 1)]);
    activate_window_action_with("list-move-up", &format!("[<int64 {}>]", now[2].0));
    let want: Vec<u64> = vec![now[0].0, now[2].0, now[1].0];
    wait_for_playlist(&d, "Road Trip", |e| e.iter().take(3).map(|(id, _)| *id).collect::<Vec<_>>() == want);

    // A new playlist from an album's page: named in a dialog, made of the album.
    click(x, "Music on Living Room");
    click(x, &artist);
    click(x, &format!("1. {album}"));
    // Its menu offers the playlists and a new one. (A popover is a surface
    // of its own: AT-SPI's coordinates in it are not the window's, so its
    // item is reached through the window action it names, as the shell would.)
    click(x, "Add to Playlist");
    expect_on_screen(&["New Playlist…"]);
    screenshot(x, "app-13-add-menu.png");
    key(x, "Escape");
    activate_window_action_with("new-playlist", "[<int64 -1>]");
    // The dialog asks for the name, its entry focused: typed at once.
    expect_on_screen(&["New Playlist", &format!("A new playlist with {album} in it.")]);
    type_text(x, "Evening");
    screenshot(x, "app-13-new-playlist.png");
    let toast = watch_for("app-13.log", 30, &[&format!("Made the playlist Evening with {album}")]);
    key(x, "Return");
    toast.seen();
    let (_, evening) = wait_for_playlist(&d, "Evening", |e| !e.is_empty());
    let keys: Vec<u64> = tracks.iter().map(|(_, k)| k.parse().unwrap()).collect();
    assert_eq!(evening.iter().map(|(_, k)| *k).collect::<Vec<_>>(), keys, "the album's tracks, in order");
    expect_on_screen(&["Evening, playlist on Living Room"]);
    // The page's menu now offers it too (a menu item of that name, not the sidebar's row).
    click(x, "Add to Playlist");
    let tree = expect_on_screen(&["New Playlist…"]);
    let items: Vec<&str> = tree.iter().filter(|(role, _)| role == "menu item").map(|(_, n)| n.as_str()).collect();
    assert!(items.contains(&"Evening") && items.contains(&"Road Trip"), "the menu's items: {items:?}");
    key(x, "Escape");

    // A track added to Road Trip from its row's menu (its window action).
    let second = &tracks[1].0;
    // Its menu is made as it opens (its first item, "Add to Playlist",
    // focused as it opens, opened with the keyboard): the playlists and
    // "New Playlist…"; its second, "Download…".
    click_role(x, &format!("=Options for 2. {second}"), Some("push button"));
    // (The pointer taken off the menu, so its hover does not choose.)
    let ok = Command::new("xdotool").args(["mousemove", "1", "1"]).env("DISPLAY", &x.display).status();
    assert!(ok.is_ok_and(|s| s.success()), "xdotool mousemove");
    expect_on_screen(&["Add to Playlist", "Download…"]);
    key(x, "Return");
    expect_on_screen(&["New Playlist…"]);
    screenshot(x, "app-13-row-menu.png");
    key(x, "Escape");
    expect_on_screen(&[&format!("1. {}", tracks[0].0)]);
    // The press on the row's menu button opened the menu only: the row
    // did not play (the music paused above stays paused).
    assert_eq!(playerctl(&["status"]), "Paused", "a press on a row's menu button played the row");
    let toast = watch_for("app-13.log", 40, &[&format!("Added {second} to Road Trip")]);
    activate_window_action_with("add-to-playlist", &format!("[<(int64 1, '{road}')>]"));
    toast.seen();
    let want = key_of(second);
    wait_for_playlist(&d, "Road Trip", |e| e.last().map(|(_, k)| *k) == want);

    // The first track downloaded from its row's menu: its row is marked on
    // the album's page, then in Road Trip, which holds it.
    let first = &tracks[0].0;
    assert!(seeded.iter().any(|(_, k)| Some(*k) == key_of(first)), "Road Trip holds {first}: {seeded:?}");
    activate_window_action_with("download-child", "[<int64 0>]");
    expect_on_screen(&[&format!("Download {first}?"), "1 file · "]);
    click_role(x, "=Download Download", Some("push button"));
    expect_on_screen_within(60, &[&format!("1. {first}, downloaded")]);
    // Then the rest of the album, from its page, to play offline below.
    click_role(x, "Download all (1 file here)", Some("push button"));
    expect_on_screen(&[&format!("Download {album}?")]);
    click_role(x, "=Download Download", Some("push button"));
    let all_marked: Vec<String> =
        tracks.iter().enumerate().map(|(i, (t, _))| format!("{}. {t}, downloaded", i + 1)).collect();
    expect_on_screen_within(60, &all_marked.iter().map(String::as_str).collect::<Vec<_>>());
    click(x, "Road Trip, playlist on Living Room");
    // (Exactly its row's name: the album's page, hidden, is still in the tree.)
    let marked = format!("{first}, downloaded");
    wait_for(
        "Road Trip's row of the downloaded track",
        Duration::from_secs(40),
        || expect_on_screen(&[&marked]),
        |t| t.iter().any(|(_, n)| *n == marked),
    );
    screenshot(x, "app-13-playlist-downloaded.png");

    // A collection: the music library's, its artists; one opened.
    let names = artists(&d);
    click(x, "Essentials, collection on Living Room");
    expect_on_screen(&["Collection · 3 items", &names[0], &names[1], &names[2]]);
    screenshot(x, "app-13-collection.png");
    // (Exactly its row: the music grid behind, laid out to AT-SPI, names it with its year.)
    click_role(x, &format!("={}", names[1]), Some("panel"));
    // Its page: its albums as rows ("1. Title"; the music library's own
    // Albums button and Home's album cards name no row so).
    let artist = &d.fp().section_items(&d.living_id(), "3")[1];
    let album = d.fp().children(&d.living_id(), artist.rating_key).into_iter().next().expect("an album");
    expect_on_screen(&["Albums", &format!("1. {}", album.title)]);

    drop(reel);

    // The server gone, a new start: the lists are there from the cache,
    // and a playlist opens with its tracks.
    assert!(d.fp().set_behaviour("Living Room", None, Behaviour::Refuse));
    let reel = d.launch("app-13-offline.log");
    expect_on_screen_within(30, &["Road Trip, playlist on Living Room", "Essentials, collection on Living Room"]);
    resize(x, 1100, 790);
    click(x, "Evening, playlist on Living Room");
    expect_on_screen(&[&format!("Playlist · {} tracks", tracks.len()), &tracks[0].0, &tracks[1].0]);
    screenshot(x, "app-13-offline.png");
    // Played with no server: a queue made here of its downloaded tracks,
    // said so; one track follows the next from their files.
    click_role(x, "=Play Play", Some("push button"));
    wait_for_mpris("metadata title", &tracks[0].0);
    // (Read from the app's log: with both cores busy, a walk of the tree
    // can outlast the toast's five seconds.)
    let said = ["toast shown", "Living Room cannot be reached: playing what is downloaded of Evening."];
    wait_for("the toast saying why", Duration::from_secs(20), || log_says("app-13-offline.log", &said), |s| *s);
    // Round and round (every new track offers the queue to the server).
    playerctl(&["loop", "Playlist"]);
    wait_for_mpris("metadata title", &tracks[1].0);
    wait_for_mpris("status", "Playing");
    // The server back: at a new track the queue becomes the server's,
    // made of the same playlist from the track playing, which goes on.
    d.fp().clear_requests();
    assert!(d.fp().set_behaviour("Living Room", None, Behaviour::Ok));
    let made = wait_for(
        "the queue handed to the server",
        Duration::from_secs(60),
        || d.fp().requests(),
        |r| r.iter().any(|r| r.method == "POST" && r.path == "/playQueues"),
    );
    let made = made.into_iter().find(|r| r.method == "POST" && r.path == "/playQueues").expect("waited for");
    let (evening_id, _) = wait_for_playlist(&d, "Evening", |e| !e.is_empty());
    assert!(made.query.contains(&format!("playlistID={evening_id}")), "the same playlist's queue: {made:?}");
    wait_for_mpris("status", "Playing");
    playerctl(&["pause"]);
    wait_for_mpris("status", "Paused");
    drop(reel);
    assert_no_criticals("app-13.log");
    assert_no_criticals("app-13-offline.log");
}

/// The films' collection plays its films one after another: the first
/// (from the start, if it was part-watched), then Up Next offers the second.
#[test]
fn a_collection_of_films_plays_one_after_another() {
    // Films that play (a 30 s clip).
    let d = Demo::start_with(|t, home| t.servers[0].library.media = Some(super::playback::clip_in(home, 30, &["eng"])))
        .signed_in();
    let x = &d.x;
    let reel = d.launch("app-13-films.log");
    expect_on_screen(&["Favourites, collection on Living Room"]);
    let living = d.living_id();
    let films: Vec<_> = d.fp().section_items(&living, "1").into_iter().take(3).collect();
    let part_watched = d.fp().watch_state(&living, films[0].rating_key).is_some_and(|(count, at)| count == 0 && at > 0);
    click(x, "Favourites, collection on Living Room");
    expect_on_screen(&["Collection · 3 items", &films[0].title, &films[1].title]);
    click_role(x, "=Play Play", Some("push button"));
    if part_watched {
        click(x, "Start from the Beginning");
    }
    wait_for_mpris("metadata title", &films[0].title);
    wait_for_mpris("status", "Playing");
    // Paused in the final credits, Up Next offers the next film and waits;
    // played on, the next film plays at the end.
    playerctl(&["pause"]);
    wait_for_mpris("status", "Paused");
    playerctl(&["position", "28"]);
    expect_on_screen(&["Up Next", &films[1].title, "Starts in 10 s"]);
    screenshot(x, "app-13-up-next.png");
    playerctl(&["play"]);
    wait_for_mpris("metadata title", &films[1].title);
    // Left: nothing else plays (no music was playing to come back to).
    key(x, "Escape");
    wait_for_mpris("status", "Stopped");

    drop(reel);
    assert_no_criticals("app-13-films.log");
}
