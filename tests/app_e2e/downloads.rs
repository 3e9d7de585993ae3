//! Downloads from the window: an episode kept from its page, followed on
//! the Downloads page (reached from the header while it runs), paused and
//! resumed there, its file on disk whole, then played with fake-plex gone
//! altogether; removed on the Downloads page, its file is gone.

use super::playback::{clip_in, mpris_position, playerctl, wait_for_mpris, wait_for_position_past};
use super::*;

#[test]
fn an_episode_downloaded_from_its_page_plays_with_the_server_gone() {
    let mut d = Demo::start_with(|t, home| {
        let mut clip = clip_in(home, 30, &["eng"]);
        // About eight seconds for the file: time to pause it on the way.
        clip.bytes_per_second = std::fs::metadata(&clip.file).ok().map(|m| m.len() / 8);
        for s in &mut t.servers {
            s.library.media = Some(clip.clone());
        }
    })
    .signed_in();
    let reel = d.launch("app-50.log");
    d.open_first_season();
    click(&d.x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play", "Download"]);
    click_role(&d.x, "=Download", Some("push button"));
    // While it runs the header leads to the Downloads page: paused there,
    // then resumed, it ends whole.
    click(&d.x, "Downloads in progress");
    let title = format!("{} – {}", d.show, d.episode);
    expect_on_screen(&[&format!("{title}, Downloading"), "Downloads take"]);
    click(&d.x, &format!("Pause the download of {title}"));
    let tree = expect_on_screen(&[&format!("{title}, Paused"), &format!("Resume the download of {title}")]);
    every_control_is_named(&tree, "the Downloads page with a paused download");
    screenshot(&d.x, "app-50-paused.png");
    click(&d.x, &format!("Resume the download of {title}"));
    expect_on_screen_within(60, &[&format!("{title}, Downloaded"), "!Downloads in progress"]);
    d.open_first_season();
    click(&d.x, &format!("1. {}", d.episode));
    let tree = expect_on_screen(&[&d.episode, "Downloaded"]);
    every_control_is_named(&tree, "the item page with a download");
    screenshot(&d.x, "app-50-downloaded.png");
    // Whole on disk, under Reel's data, with no partial file left.
    let files = fake_plex::testing::files_under(&d.home.path().join("data/reel/downloads"));
    let media: Vec<&PathBuf> = files.iter().filter(|p| p.extension().is_some_and(|e| e != "sqlite3")).collect();
    assert_eq!(media.len(), 1, "one file, no .part left: {files:?}");
    let clip = d.home.path().join("media");
    let server_files = fake_plex::testing::files_under(&clip);
    assert!(
        server_files.iter().any(|f| std::fs::read(f).ok() == std::fs::read(media[0]).ok()),
        "byte-identical to the server's file"
    );

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
    click(&d.x, &format!("Remove the download of {title}"));
    expect_on_screen(&["Nothing Downloaded"]);
    assert!(!media[0].exists(), "removed, its file is gone");
    drop(reel);
    assert_no_criticals("app-50.log");
}
