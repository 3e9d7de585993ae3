//! Downloads from the window: an episode kept from its page (what it would
//! fetch said first), followed on the Downloads page (reached from the
//! header while it runs), paused and resumed there, its file on disk whole;
//! its season from the season's page, followed on its button; the episode
//! played with fake-plex gone altogether; signing out would ask about the
//! downloads; removed on the Downloads page, its file is gone. A film at
//! 480p, converted by the server first.

use super::notifications::{Notifications, OtherApp};
use super::playback::{clip_in, mpris_position, playerctl, wait_for_mpris, wait_for_position_past};
use super::*;
use fake_plex::media::MediaFault;

#[test]
fn an_episode_downloaded_from_its_page_plays_with_the_server_gone() {
    let mut d = Demo::start_with(|t, home| {
        let mut clip = clip_in(home, 30, &["eng"]);
        // About eight seconds a file: a season's progress can be seen.
        clip.bytes_per_second = std::fs::metadata(&clip.file).ok().map(|m| m.len() / 8);
        for s in &mut t.servers {
            s.library.media = Some(clip.clone());
        }
    })
    .signed_in();
    // The window is the one the person uses throughout: nothing pops up
    // on the desktop.
    let notifications = Notifications::start();
    let mut other = OtherApp::start(&d.x);
    let reel = d.launch("app-50.log");
    d.open_first_season();
    click(&d.x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play", "Download"]);
    // Half the file, then the server holds the rest (for up to the 30 s a
    // download waits): it is running, whatever the machine's load, until paused.
    let half = d.topology.servers[0].library.media.as_ref().map(|m| std::fs::metadata(&m.file).unwrap().len() / 2);
    assert!(d.fp().set_media_fault("Living Room", Some(MediaFault::StallAfter(half.unwrap_or(0) as usize))));
    click_role(&d.x, "=Download", Some("push button"));
    // What it would fetch is said first, and asked (GTK 4.8 names a
    // dialog's button by its label twice).
    expect_on_screen(&[&format!("Download {}?", d.episode), "1 file · ", "free on this disk"]);
    screenshot(&d.x, "app-50-asked.png");
    click_role(&d.x, "=Download Download", Some("push button"));
    // (GTK gave the dialog the focus; the person is back in the window.)
    other.switch_to_reel(&d.x);
    // While it runs the header leads to the Downloads page: paused there,
    // then resumed, it ends whole.
    click(&d.x, "Downloads in progress");
    let title = format!("{} – {}", d.show, d.episode);
    expect_on_screen(&[&format!("{title}, Downloading"), "Downloads take"]);
    click(&d.x, &format!("Pause the download of {title}"));
    let tree = expect_on_screen(&[&format!("{title}, Paused"), &format!("Resume the download of {title}")]);
    every_control_is_named(&tree, "the Downloads page with a paused download");
    screenshot(&d.x, "app-50-paused.png");
    // Served whole again: resumed, it goes on from where it stopped.
    assert!(d.fp().set_media_fault("Living Room", None));
    click(&d.x, &format!("Resume the download of {title}"));
    expect_on_screen_within(60, &[&format!("{title}, Downloaded"), "!Downloads in progress"]);
    d.open_first_season();
    click(&d.x, &format!("1. {}", d.episode));
    let tree = expect_on_screen(&[&d.episode, "Downloaded"]);
    every_control_is_named(&tree, "the item page with a download");
    screenshot(&d.x, "app-50-downloaded.png");
    // Whole on disk, under Reel's data, with no partial file left.
    let files = fake_plex::testing::files_under(&d.home.path().join("data/reel/downloads"));
    let subtitles = |p: &PathBuf| p.parent().is_some_and(|d| d.ends_with("subtitles"));
    let media: Vec<&PathBuf> =
        files.iter().filter(|p| p.extension().is_some_and(|e| e != "sqlite3") && !subtitles(p)).collect();
    assert_eq!(media.len(), 1, "one file, no .part left: {files:?}");
    assert_eq!(files.iter().filter(|p| subtitles(p)).count(), 1, "its subtitle file came with it: {files:?}");
    let clip = d.home.path().join("media");
    let server_files = fake_plex::testing::files_under(&clip);
    assert!(
        server_files.iter().any(|f| std::fs::read(f).ok() == std::fs::read(media[0]).ok()),
        "byte-identical to the server's file"
    );

    // A season from its page: what it would fetch said first, then how
    // far it is on its button, until all of it is here.
    d.open_first_season();
    expect_on_screen(&[&format!("1. {}", d.episode)]);
    // An episode's row menu asks the same way (not now).
    activate_window_action_with("download-child", "[<int64 1>]");
    expect_on_screen(&[&format!("Download {}?", d.next_episode), "1 file · "]);
    click(&d.x, "Cancel");
    expect_on_screen(&[&format!("!Download {}?", d.next_episode)]);
    // (Its first episode is here already.)
    click_role(&d.x, "Download all (1 file here)", Some("push button"));
    expect_on_screen(&["Download Season 1?", " files · ", "free on this disk"]);
    click_role(&d.x, "=Download Download", Some("push button"));
    // (GTK gave the dialog the focus; the person is back in the window.)
    other.switch_to_reel(&d.x);
    expect_on_screen(&["Downloading: "]);
    screenshot(&d.x, "app-50-season-downloading.png");
    let tree = expect_on_screen_within(180, &["files here)", "!Downloading: "]);
    every_control_is_named(&tree, "a season page with its downloads");
    let season_files = fake_plex::testing::files_under(&d.home.path().join("data/reel/downloads"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e != "sqlite3" && !e.to_string_lossy().starts_with("sqlite3")))
        .filter(|p| !subtitles(p))
        .count();
    assert!(season_files > 1, "the season's episodes are here: {season_files}");
    // Each episode's row is marked as it finished, its place kept.
    let tree = expect_on_screen(&[&format!("1. {}, unwatched, downloaded", d.episode)]);
    let marked = tree.iter().filter(|(_, n)| n.ends_with(", downloaded")).count();
    assert_eq!(marked, season_files, "one marked row per episode here: {tree:?}");
    screenshot(&d.x, "app-50-season-downloaded.png");
    click(&d.x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play", "Downloaded"]);

    // The servers gone altogether: the episode plays from its file.
    d.fp.take().expect("fake-plex runs").shutdown();
    click(&d.x, "Play");
    wait_for_mpris("status", "Playing");
    let at = mpris_position();
    wait_for_position_past(at, 1.0);
    screenshot(&d.x, "app-50-playing-offline.png");
    // Stopped from the shell's media controls: the player leaves.
    playerctl(&["stop"]);
    expect_on_screen(&["!Pause", "Play", &d.episode]);

    // The Downloads page: the episode, done, and a way to remove it.
    click_role(&d.x, "=Downloads", Some("list item"));
    let tree = expect_on_screen(&[&format!("{title}, Downloaded"), &format!("Remove the download of {title}")]);
    every_control_is_named(&tree, "the Downloads page");
    screenshot(&d.x, "app-50-downloads-page.png");
    // Signing out would ask about it (not now).
    activate_window_action("sign-out");
    expect_on_screen(&["Sign out of demo?", &format!("Delete its {season_files} downloads (")]);
    screenshot(&d.x, "app-50-sign-out-asks.png");
    click(&d.x, "Cancel");
    expect_on_screen(&["!Delete its "]);
    click(&d.x, &format!("Remove the download of {title}"));
    expect_on_screen(&[&format!("!{title}, Downloaded"), &format!("!Remove the download of {title}")]);
    assert!(!media[0].exists(), "removed, its file is gone");
    // What is left is a list of what plays with no network: a finished
    // one opens its page (the page showed the first episode until now).
    click(&d.x, &format!("{} – {}, Downloaded", d.show, d.next_episode));
    let tree = wait_for(
        "the next episode's page",
        Duration::from_secs(40),
        || expect_on_screen(&["Downloaded"]),
        |t| t.iter().any(|(_, n)| n == &d.next_episode),
    );
    every_control_is_named(&tree, "a downloaded episode's page");
    // The library's grid marks the show that holds downloads.
    click(&d.x, "TV Shows on Living Room");
    let tree = expect_on_screen(&[", some downloaded"]);
    let tile = tree.iter().find(|(_, n)| n.ends_with(", some downloaded")).map(|(_, n)| n.clone());
    assert!(tile.as_deref().is_some_and(|n| n.starts_with(&d.show)), "the show's tile: {tile:?}");
    screenshot(&d.x, "app-50-grid-marked.png");
    drop(reel);
    assert_no_criticals("app-50.log");
    let told = notifications.sent();
    assert!(told.is_empty(), "downloads that end under the person's eyes pop nothing up: {told:?}");
    drop(other);
}

/// A show kept up with from its page: its next two unwatched episodes are
/// downloaded at once (the window's runner applies the rule), and the page
/// says the rule.
#[test]
fn a_show_kept_up_with_from_its_page() {
    let d = Demo::start_with(|t, home| {
        let clip = clip_in(home, 10, &["eng"]);
        for s in &mut t.servers {
            s.library.media = Some(clip.clone());
        }
    })
    .signed_in();
    let notifications = Notifications::start();
    let reel = d.launch("app-51.log");
    // Downloads go to a folder of the person's, chosen in Preferences
    // (GTK's own folder chooser here: this session has no portal).
    let folder = d.home.path().join("Videos/Reel");
    std::fs::create_dir_all(&folder).expect("a folder of the person's");
    // (Clicked first: with no window manager the keyboard goes to the
    // window the pointer last gave it to.)
    click(&d.x, "TV Shows on Living Room");
    key(&d.x, "ctrl+comma");
    expect_on_screen(&["Download Folder", "~/data/reel/downloads"]);
    click(&d.x, "Choose a download folder");
    expect_on_screen(&["Choose a Download Folder"]);
    // Its location typed, and Return: the chooser takes the folder.
    key(&d.x, "ctrl+l");
    type_text(&d.x, &format!("{}/", folder.display()));
    key(&d.x, "Return");
    let tree = expect_on_screen(&["~/Videos/Reel", "Use Reel's own download folder", "!Choose a Download Folder"]);
    every_control_is_named(&tree, "Preferences with a download folder chosen");
    screenshot(&d.x, "app-51-download-folder.png");
    key(&d.x, "Escape");
    click(&d.x, &d.show);
    let tree = expect_on_screen(&["Season 1", "Keep Episodes Downloaded"]);
    every_control_is_named(&tree, "a show's page");
    // The person switches to another app before these two end: each is
    // told by the desktop (while the window is active, its Downloads page
    // says it: the first scenario sees no notification).
    let mut other = OtherApp::start(&d.x);
    other.switch_to();
    // The menu's choice, as the menu sends it (a popover needs a window
    // manager's grab, which Xvfb has not).
    activate_window_action_with("keep-next", "[<2>]");
    expect_on_screen(&["Keeping the next 2 unwatched episodes downloaded"]);
    let told = notifications.wait_for(2, Duration::from_secs(120));
    assert!(
        told.iter().all(|n| n.summary == "Download Finished" && n.body.starts_with(&d.show)),
        "each finished download told, with its title: {told:?}"
    );
    assert!(told.iter().any(|n| n.body.contains(&d.episode)), "the first unwatched among them: {told:?}");
    drop(other);
    click_role(&d.x, "=Downloads", Some("list item"));
    let first = format!("{} – {}, Downloaded", d.show, d.episode);
    expect_on_screen_within(90, &[&first]);
    let done_rows = |t: &Vec<(String, String)>| t.iter().filter(|(_, n)| n.contains(", Downloaded · ")).count();
    let tree = wait_for(
        "two episodes downloaded",
        Duration::from_secs(60),
        || expect_on_screen(&[&first]),
        |t| done_rows(t) >= 2,
    );
    assert_eq!(done_rows(&tree), 2, "the next two unwatched, no more: {tree:?}");
    screenshot(&d.x, "app-51-kept-up.png");
    // Both in the folder chosen, under the server's id.
    let files = fake_plex::testing::files_under(&folder);
    assert_eq!(files.len(), 2, "the two episodes' files, no partial ones: {files:?}");
    drop(reel);
    assert_no_criticals("app-51.log");
}

/// A film downloaded at 480p from its page: the quality chosen in the
/// dialog (the size then said as "about"), the server converting it said
/// on the Downloads page while it does, then its copy fetched whole.
#[test]
fn a_film_downloaded_at_480p_is_converted_by_the_server_first() {
    let d = Demo::start_with(|t, home| {
        let clip = clip_in(home, 10, &["eng"]);
        for s in &mut t.servers {
            s.library.media = Some(clip.clone());
        }
    })
    .signed_in();
    let x = &d.x;
    let reel = d.launch("app-52.log");
    // The server holds its copy back until the page has said so.
    assert!(d.fp().hold_conversions("Living Room", true));
    click(x, "Movies on Living Room");
    click_role(x, &d.movie, Some("panel"));
    expect_on_screen(&[&d.movie, "Play", "Download"]);
    click_role(x, "=Download", Some("push button"));
    expect_on_screen(&[&format!("Download {}?", d.movie), "Original quality", "1 file · "]);
    // The list opens at the quality chosen (Original, the first): the
    // fourth is 480p. (Its popover is a surface of its own, which AT-SPI
    // gives no place on the screen for the mouse.)
    click(x, "Download quality");
    for k in ["Down", "Down", "Down", "Return"] {
        key(x, k);
    }
    let tree = expect_on_screen(&["1 file · 480p, 2 Mbps · about "]);
    every_control_is_named(&tree, "the download dialog with a quality");
    screenshot(x, "app-52-asked.png");
    click_role(x, "=Download Download", Some("push button"));
    click(x, "Downloads in progress");
    let title = &d.movie;
    expect_on_screen(&[&format!("{title}, Downloading · 480p, 2 Mbps · The server is converting it")]);
    screenshot(x, "app-52-converting.png");
    assert!(d.fp().hold_conversions("Living Room", false));
    expect_on_screen_within(60, &[&format!("{title}, Downloaded · 480p, 2 Mbps · ")]);
    // The server's copy, byte-identical, named by the item and its quality.
    let media = d.topology.servers[0].library.media.as_ref().map(|m| m.file.clone()).expect("the clip");
    let made = fake_plex::pms::download_queue::converted_path(&media, (854, 480), 2000);
    let files = fake_plex::testing::files_under(&d.home.path().join("data/reel/downloads"));
    let kept: Vec<&PathBuf> = files.iter().filter(|p| p.extension().is_some_and(|e| e == "mkv")).collect();
    assert_eq!(kept.len(), 1, "{files:?}");
    assert!(kept[0].to_string_lossy().ends_with("-480p.mkv"), "{kept:?}");
    assert!(std::fs::read(kept[0]).ok() == std::fs::read(&made).ok(), "the server's converted copy");
    drop(reel);
    assert_no_criticals("app-52.log");
}
