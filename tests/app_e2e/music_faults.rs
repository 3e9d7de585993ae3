//! Music when the connection in use dies mid-track: the track (FLAC,
//! streamed, not fetched whole first) goes on from where it was on the
//! connection the failover picks, and the queue goes on after it.

use super::music::first_album;
use super::playback::{mpris_position, playerctl, wait_for_mpris};
use super::playback_faults::{cut_the_media_connection, resumed_by_range_elsewhere};
use super::*;
use fake_plex::music::Format;

#[test]
fn a_track_goes_on_elsewhere_when_its_connection_dies() {
    let d = Demo::start_with(|t, home| {
        let dir = home.join("media");
        std::fs::create_dir_all(&dir).unwrap();
        let mut album = fake_plex::music::make_album_as(&dir, &[20, 4], Format::Flac).expect("gst-launch-1.0");
        // Sent at 1.5 times the pace it plays: a track fetched whole before
        // it played would start after about 13 s; streamed, at once, with
        // most of it still to come when the connection dies.
        for track in &mut album {
            let size = std::fs::metadata(&track.file).unwrap().len();
            track.bytes_per_second = Some(size * 3 / 2 * 1000 / track.duration_ms);
        }
        let living = &mut t.servers[0];
        living.library.music = album;
        // A second way in on the local network (over https).
        living.connections[1].local = true;
    })
    .signed_in();
    let x = &d.x;
    let (artist, album, tracks) = first_album(&d);
    let reel = d.launch("app-14.log");
    click(x, "Music on Living Room");
    click(x, &artist);
    click(x, &format!("1. {album}"));
    expect_on_screen(&[&format!("1. {}", tracks[0].0), "Play"]);
    click(x, "Play");
    wait_for_mpris("metadata title", &tracks[0].0);
    wait_for_mpris("status", "Playing");
    wait_for("the MPRIS position to move on", Duration::from_secs(30), mpris_position, |at| *at >= 3.0);
    // The connection the track comes from stops answering (its open streams cut too).
    let cut_at = mpris_position();
    let cut = cut_the_media_connection(&d);
    wait_for("playback to go on after the cut", Duration::from_secs(60), mpris_position, |at| *at >= cut_at + 5.0);
    assert_eq!(playerctl(&["metadata", "title"]), tracks[0].0, "the same track goes on");
    screenshot(x, "app-14-after-failover.png");
    // From the same place: the other connection was asked for a range well
    // into the file (not the file from its start), with the token in a header.
    resumed_by_range_elsewhere(&d, &cut);
    // The queue goes on: track 2 follows on its own.
    wait_for_mpris("metadata title", &tracks[1].0);
    drop(reel);
    assert_no_criticals("app-14.log");
}
