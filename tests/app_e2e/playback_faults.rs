//! When playback goes wrong: the connection dies mid-stream, the server
//! goes away, the file is refused, missing, cut short, garbled or stalls.

use super::playback::*;
use super::*;

/// The connection in use dies while an episode streams from a server that
/// sends no faster than the video plays: playback goes on from the same
/// place on the connection the failover picks, with a toast, not an error.
#[test]
fn the_connection_dies_mid_stream_and_playback_goes_on() {
    let d = Demo::start_with(|t, home| {
        // Long, and sent at about 1.5 times what the video needs: the player
        // cannot have it all before the cut, even when a busy machine makes
        // it slow to start.
        let mut clip = clip_in(home, 120, &["eng"]);
        let size = std::fs::metadata(&clip.file).unwrap().len();
        clip.bytes_per_second = Some(size * 3 / 2 / 120);
        let living = &mut t.servers[0];
        living.library.media = Some(clip);
        // A second way in on the local network, over https (the player
        // trusts what the core trusts: here fake-plex's test CA).
        living.connections[1].local = true;
    })
    .signed_in();
    let x = &d.x;
    let reel = d.launch("app-08.log");
    d.open_first_season();
    click(x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play"]);
    click(x, "Play");
    wait_for_mpris("status", "Playing");
    wait_for("the MPRIS position to move on", Duration::from_secs(30), mpris_position, |at| *at >= 4.0);
    let session = timelines(d.fp()).first().and_then(|t| t.2.clone()).expect("the playback's session");
    let cut_at = mpris_position();
    let cut = cut_the_media_connection(&d);
    // … and goes on past the cut.
    wait_for("playback to go on after the cut", Duration::from_secs(60), mpris_position, |at| *at >= cut_at + 6.0);
    screenshot(x, "app-08-after-failover.png");
    // From the same place: the other connection was asked for a range
    // that starts well into the file, not for the file from its start.
    let other = resumed_by_range_elsewhere(&d, &cut);
    // The player fetched over https, trusting what the core trusts (before
    // the cut or after it: which connection was in use depends on when the
    // background re-optimisation moved to the local https one).
    let https: Vec<String> = (d.info.servers[0].connections.iter().enumerate())
        .filter(|(_, c)| c.uri.starts_with("https://"))
        .map(|(i, _)| format!("Living Room#{i}"))
        .collect();
    assert!(
        https.contains(&cut) || other.iter().all(|r| https.contains(&r.listener)),
        "over https ({https:?}): {cut} then {other:?}"
    );

    // Then the server goes away entirely (every connection refused, the
    // stream cut): the page says so in words, and what the server must
    // hear waits in the outbox.
    let gone_at = mpris_position();
    assert!(d.fp().set_behaviour("Living Room", None, Behaviour::Refuse));
    expect_on_screen_within(90, &["Cannot Play", "Living Room"]);
    screenshot(x, "app-08-server-gone.png");
    activate_window_action("back");
    wait_for_mpris("status", "Stopped");
    d.fp().clear_requests();
    // Back: the outbox goes out once the app sees the server again, in
    // order, once; the server learns where playback stopped. Read once the
    // app says its outbox is empty: nothing is left to send twice.
    let emptied = || log_lines("app-08.log", &["outbox flushed", "left=0"]);
    let emptied_before = emptied();
    assert!(d.fp().set_behaviour("Living Room", None, Behaviour::Ok));
    wait_for(
        "the outbox to drain (a stopped timeline)",
        Duration::from_secs(120),
        || timelines(d.fp()),
        |t| t.iter().any(|t| t.0 == "stopped"),
    );
    wait_until("the app's outbox empty", Duration::from_secs(60), || emptied() > emptied_before);
    let sent: Vec<_> = timelines(d.fp()).into_iter().filter(|t| t.2.as_ref() == Some(&session)).collect();
    let stopped: Vec<_> = sent.iter().filter(|t| t.0 == "stopped").collect();
    assert_eq!(stopped.len(), 1, "stopped told once: {sent:?}");
    assert_eq!(sent.last().map(|t| t.0.as_str()), Some("stopped"), "in order: {sent:?}");
    assert!(sent.windows(2).all(|w| w[0].1 <= w[1].1), "times in order: {sent:?}");
    assert!(stopped[0].1 as f64 >= (gone_at - 1.0) * 1000.0, "stopped where it was ({gone_at} s): {sent:?}");
    assert!(
        d.fp().watch_state(&d.living_id(), d.episode_key).is_some_and(|w| w.1 >= stopped[0].1),
        "the server keeps where it stopped: {:?}",
        d.fp().watch_state(&d.living_id(), d.episode_key)
    );
    drop(reel);
    assert_no_criticals("app-08.log");
}

/// Part files failing in each way a server or a disk fails them: each ends
/// in words on the player page, the window stays usable, the episode is not
/// counted as watched, and it plays once the file is served again.
/// A 12 s clip on the first server, the app launched on its first
/// episode's page.
fn at_the_episode(log: &str) -> (Demo, Reel) {
    let d = Demo::start_with(|t, home| {
        let clip = clip_in(home, 12, &["eng"]);
        t.servers[0].library.media = Some(clip);
    })
    .signed_in();
    let reel = d.launch(log);
    d.open_first_season();
    click(&d.x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play", "Mark as Watched"]);
    (d, reel)
}

/// Plays the episode with `fault` on its file: the page says `words`, the
/// server heard it stop (and never that it was watched); Escape goes back.
fn fails_in_words(d: &Demo, name: &str, fault: fake_plex::media::MediaFault, words: &str) {
    let x = &d.x;
    assert!(d.fp().set_media_fault("Living Room", Some(fault)));
    d.fp().clear_requests();
    click(x, "Play");
    // A server that stops sending is waited for (10 s, tried again once,
    // then twice more after the failover has checked the server again).
    expect_on_screen_within(120, &["Cannot Play", words]);
    screenshot(x, &format!("app-09-{name}.png"));
    let asked: Vec<_> = d.fp().requests().into_iter().map(|r| (r.path, r.query)).collect();
    assert!(!asked.iter().any(|(p, _)| p == "/:/scrobble"), "{name}: {asked:?}");
    assert!(
        asked.iter().any(|(p, q)| p == "/:/timeline" && q.contains("state=stopped")) || name == "404",
        "{name}: the server hears it stopped: {asked:?}"
    );
    key(x, "Escape");
    expect_on_screen(&[&d.episode, "Play", "!Cannot Play"]);
}

#[test]
fn broken_media_is_told_in_words_and_nothing_is_lost() {
    use fake_plex::media::MediaFault;
    let (d, reel) = at_the_episode("app-09.log");
    let cases = [
        ("404", MediaFault::Status(404), "Living Room no longer has this file"),
        ("500", MediaFault::Status(500), "Living Room failed while sending this file (error 500)"),
        ("401", MediaFault::Status(401), "Living Room refused to send this file"),
        ("garbled", MediaFault::Garbled, "The file could not be decoded"),
        ("truncated", MediaFault::Truncated, "before its length of 0:12"),
    ];
    for (name, fault, words) in cases {
        fails_in_words(&d, name, fault, words);
    }
    // Not watched, here or on the server; the library is all there.
    expect_on_screen(&["Mark as Watched", &d.show]);
    assert_eq!(d.fp().watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(0));
    drop(reel);
    assert_no_criticals("app-09.log");
}

/// A few seconds of the file, then nothing while the connection stays
/// open: waited for, then told; served again, it plays from the start
/// when asked where the stalled one stopped.
#[test]
fn a_file_that_stops_coming_is_told_then_played_again_from_the_start() {
    let (d, reel) = at_the_episode("app-09-stall.log");
    let x = &d.x;
    let clip_bytes = d.topology.servers[0].library.media.as_ref().map(|m| std::fs::metadata(&m.file).unwrap().len());
    let stall = fake_plex::media::MediaFault::StallAfter(clip_bytes.unwrap_or(0) as usize / 4);
    fails_in_words(&d, "stalled", stall, "Living Room stopped sending this file");
    assert_eq!(d.fp().watch_state(&d.living_id(), d.episode_key).map(|w| w.0), Some(0), "not watched");
    assert!(d.fp().set_media_fault("Living Room", None));
    let stopped_at = d.fp().watch_state(&d.living_id(), d.episode_key).map_or(0, |w| w.1);
    let before = timelines(d.fp()).len();
    click(x, "Play");
    if stopped_at > 0 {
        expect_on_screen(&["Start from the Beginning"]);
        click(x, "Start from the Beginning");
    }
    wait_for_mpris("status", "Playing");
    // Where it started, as the server heard it when it began playing (a
    // read of MPRIS now would count how slow the machine is): the start,
    // not where the stalled one stopped.
    let started = wait_for(
        "the server told it plays",
        Duration::from_secs(30),
        || timelines(d.fp()).into_iter().skip(before).find(|t| t.0 == "playing"),
        Option::is_some,
    );
    let at_start = started.map_or(u64::MAX, |t| t.1);
    assert!(at_start < 3_000, "playing from the start, the server heard {at_start} ms (stopped at {stopped_at})");
    key(x, "Escape");
    wait_for_mpris("status", "Stopped");
    drop(reel);
    assert_no_criticals("app-09-stall.log");
}

/// Twice as fast, asked from outside (the shell's MPRIS Rate): the
/// position runs ahead of the clock; a subtitle file beside the media
/// loads with it (the media opened again where it was) and the speed stays.
#[test]
fn playback_keeps_the_speed_asked_also_when_a_subtitle_file_is_loaded() {
    let (d, reel) = at_the_episode("app-09-speed.log");
    let x = &d.x;
    click(x, "Play");
    wait_for_mpris("status", "Playing");
    mpris_set("Rate", "<2.0>");
    wait_for_speed(1.5);
    assert!(mpris_get("Rate").contains("2.0"), "{}", mpris_get("Rate"));
    let sidecar = d.episode_key * 100 + 9;
    activate_window_action_with("subtitle-track", &format!("[<int64 {sidecar}>]"));
    wait_until("the sidecar file fetched", Duration::from_secs(10), || {
        d.fp().requests().iter().any(|r| r.path == format!("/library/streams/{sidecar}"))
    });
    // Back near the start (the clip is 12 s, 6 s at this speed), it plays
    // twice as fast again once opened with the subtitles.
    playerctl(&["position", "1"]);
    wait_for_speed(1.5);
    key(x, "Escape");
    wait_for_mpris("status", "Stopped");
    drop(reel);
    assert_no_criticals("app-09-speed.log");
    // Xvfb's GL is software: its frames were converted on the CPU.
    assert!(log_says("app-09-speed.log", &["video conversion", "convert=Cpu"]), "converted on the CPU");
}

/// Waits until the MPRIS position runs at least `speed` times the clock
/// over a second or more of it (the playback goes at that speed).
fn wait_for_speed(speed: f64) {
    let mut from = (mpris_position(), std::time::Instant::now());
    wait_until(&format!("the position to run at {speed}× the clock"), Duration::from_secs(30), || {
        let now = (mpris_position(), std::time::Instant::now());
        let wall = now.1.duration_since(from.1).as_secs_f64();
        if wall < 1.0 {
            return false;
        }
        let fast = now.0 - from.0 >= wall * speed;
        from = now;
        fast
    });
}

/// Cuts the connection the media streams from now (refused, its open
/// streams cut too) and waits until the player asks another connection for
/// it (what it had buffered plays meanwhile): the listener cut.
pub(super) fn cut_the_media_connection(d: &Demo) -> String {
    let media = |r: &fake_plex::state::RecordedRequest| r.path.starts_with("/library/parts/");
    let in_use = wait_for(
        "the media's connection",
        Duration::from_secs(30),
        || d.fp().requests().into_iter().rev().find(|r| media(r)).map(|r| r.listener),
        Option::is_some,
    )
    .expect("waited for");
    let index: usize = in_use.rsplit('#').next().and_then(|i| i.parse().ok()).expect("a listener's index");
    d.fp().clear_requests();
    assert!(d.fp().set_behaviour("Living Room", Some(index), Behaviour::Refuse));
    wait_until("the media asked of another connection", Duration::from_secs(90), || {
        d.fp().requests().iter().any(|r| r.listener != in_use && media(r))
    });
    in_use
}

/// The media requests that came to another connection than `cut` since it
/// was cut: there are some, one asks for a range well into the file (the
/// playback went on where it was, not from the start), and every one has
/// the token in a header.
pub(super) fn resumed_by_range_elsewhere(d: &Demo, cut: &str) -> Vec<fake_plex::state::RecordedRequest> {
    let remote: Vec<_> =
        d.fp().requests().into_iter().filter(|r| r.listener != cut && r.path.starts_with("/library/parts/")).collect();
    assert!(!remote.is_empty(), "the media came from another connection");
    let from = |r: &fake_plex::state::RecordedRequest| -> u64 {
        r.range.as_deref().and_then(|v| v.strip_prefix("bytes=")?.split('-').next()?.parse().ok()).unwrap_or(0)
    };
    assert!(remote.iter().any(|r| from(r) > 0), "resumed by range: {remote:?}");
    assert!(remote.iter().all(|r| r.token.is_some() && !r.query.contains("X-Plex-Token")));
    remote
}
