//! Playing: the player page checked from outside (MPRIS, screenshots,
//! what fake-plex received); the helpers that read it. When playback goes
//! wrong: `playback_faults`.

use super::*;
/// A real clip made with GStreamer in the scenario's own folder.
pub(super) fn clip_in(home: &Path, seconds: u32, languages: &[&str]) -> fake_plex::media::MediaSpec {
    let dir = home.join("media");
    std::fs::create_dir_all(&dir).unwrap();
    fake_plex::media::make_clip(&dir, seconds, languages).expect("gst-launch-1.0 makes a clip")
}

/// `playerctl -p Reel …` (MPRIS over the test's session bus): its output.
pub(super) fn playerctl(args: &[&str]) -> String {
    let out = Command::new("playerctl")
        .args(["-p", "Reel"])
        .args(args)
        .envs(session::env())
        .output()
        .expect("playerctl (scripts/setup.sh)");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Waits until `playerctl <what>` answers `value`.
pub(super) fn wait_for_mpris(what: &str, value: &str) {
    let args: Vec<&str> = what.split(' ').collect();
    wait_for(&format!("MPRIS {what} {value:?}"), Duration::from_secs(30), || playerctl(&args), |got| got == value);
}

/// Waits until the MPRIS position has moved `by` seconds on from `from`
/// (the clock runs): returns where it is.
pub(super) fn wait_for_position_past(from: f64, by: f64) -> f64 {
    wait_for(&format!("the MPRIS position past {from} + {by} s"), Duration::from_secs(30), mpris_position, |at| {
        *at >= from + by
    })
}

/// `org.freedesktop.DBus.Properties.{method}` on Reel's MPRIS player.
fn mpris_properties(method: &str, args: &[&str]) -> std::process::Output {
    mpris_call(
        &format!("org.freedesktop.DBus.Properties.{method}"),
        &[&["org.mpris.MediaPlayer2.Player"], args].concat(),
    )
}

/// A method of Reel's MPRIS object (`interface.Method`), with GVariant text arguments.
pub(super) fn mpris_call(method: &str, args: &[&str]) -> std::process::Output {
    Command::new("gdbus")
        .args(["call", "--session", "--dest", "org.mpris.MediaPlayer2.Reel", "--object-path"])
        .args(["/org/mpris/MediaPlayer2", "--method", method])
        .args(args)
        .envs(session::env())
        .output()
        .expect("gdbus")
}

/// Sets a property of Reel's MPRIS player (a GVariant text, "<2.0>").
pub(super) fn mpris_set(property: &str, value: &str) {
    let out = mpris_properties("Set", &[property, value]);
    assert!(out.status.success(), "set {property}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A property of Reel's MPRIS player, as gdbus prints it.
pub(super) fn mpris_get(property: &str) -> String {
    String::from_utf8_lossy(&mpris_properties("Get", &[property]).stdout).trim().to_string()
}

/// The position MPRIS reports, in seconds.
pub(super) fn mpris_position() -> f64 {
    playerctl(&["position"]).parse().unwrap_or(-1.0)
}

/// Seconds shown as elapsed by the player ("Elapsed 0:07").
pub(super) fn elapsed(tree: &[(String, String)]) -> Option<u64> {
    tree.iter().find_map(|(_, n)| {
        let t = n.strip_prefix("Elapsed ")?;
        let (m, s) = t.rsplit_once(':')?;
        let m: u64 = m.split(':').try_fold(0, |acc, p| p.parse::<u64>().ok().map(|v| acc * 60 + v))?;
        Some(m * 60 + s.parse::<u64>().ok()?)
    })
}

/// How many pixels differ between the middle of two screenshots (the video).
pub(super) fn video_pixels_changed(a: &str, b: &str) -> u64 {
    pixels_changed(a, b, "1090x480+5+110")
}

/// How many pixels differ in one area (`WxH+X+Y`) of two screenshots.
pub(super) fn pixels_changed(a: &str, b: &str, area: &str) -> u64 {
    let crop = |name: &str| {
        let out = artifacts().join(format!("crop-{name}"));
        let ok =
            Command::new("convert").arg(artifacts().join(name)).args(["-crop", area, "+repage"]).arg(&out).status();
        assert!(ok.is_ok_and(|s| s.success()), "convert -crop");
        out
    };
    let out = Command::new("compare").args(["-metric", "AE"]).arg(crop(a)).arg(crop(b)).arg("null:").output().unwrap();
    String::from_utf8_lossy(&out.stderr).split_whitespace().next().and_then(|n| n.parse::<f64>().ok()).unwrap_or(0.0)
        as u64
}

/// The timelines fake-plex received, in order: (state, time ms, session).
pub(super) fn timelines(fp: &FakePlex) -> Vec<(String, u64, Option<String>)> {
    fp.requests()
        .into_iter()
        .filter(|r| r.path == "/:/timeline")
        .map(|r| {
            let get =
                |k: &str| r.query.split('&').find_map(|p| p.strip_prefix(&format!("{k}="))).unwrap_or("").to_string();
            (get("state"), get("time").parse().unwrap_or(0), r.session.clone())
        })
        .collect()
}

#[test]
fn an_episode_plays_pauses_seeks_and_counts_as_watched_when_it_ends() {
    let mut d = Demo::start_with(|t, home| {
        let clip = clip_in(home, 30, &["eng", "deu"]);
        // Movies say they are in a codec no player has (H.266): the server's
        // transcoder streams them (an HLS rendition). Long enough that the
        // test's slowest look at the screen cannot outlast it.
        let movie_clip = clip_in(home, 90, &["eng", "deu"]);
        let mut movie = fake_plex::media::with_hls(movie_clip, &home.join("media")).expect("an HLS rendition");
        movie.claim_video_codec = Some("vvc".into());
        for s in &mut t.servers {
            s.library.media = Some(clip.clone());
            s.library.movie_media = Some(movie.clone());
            // Its transcoder works 5 s ahead: a seek further needs a new session.
            s.library.transcoder_throttle_buffer = 5;
        }
    })
    .signed_in();
    // Frames converted on the GPU, as with a graphics card (Xvfb's GL is
    // software, for which Reel converts on the CPU; the other video tests
    // play that way).
    d.env.push(("REEL_VIDEO_CONVERT".into(), "gl".into()));
    let x = &d.x;
    let reel = d.launch("app-07.log");
    d.open_first_season();
    click(x, &format!("1. {}", d.episode));
    expect_on_screen(&[&d.episode, "Play"]);
    d.fp().clear_requests();
    click(x, "Play");
    // Playing, played as it is: the pause button and how it plays are shown,
    // and the shell's media controls (MPRIS, read with playerctl) say so.
    // (MPRIS first: reading the accessibility tree is slow, the clip is not.)
    wait_for_mpris("status", "Playing");
    let p0 = mpris_position();
    screenshot(x, "app-07-playing-a.png");
    // The position moves with the clock, and the picture with it.
    wait_for_position_past(p0, 1.0);
    screenshot(x, "app-07-playing-b.png");
    let changed = video_pixels_changed("app-07-playing-a.png", "app-07-playing-b.png");
    assert!(changed > 500, "the picture moves: {changed} pixels changed");

    // Paused with Space: the shell and the server hear it (and from here on
    // the test waits on nothing that runs out while it is slow).
    key(x, "space");
    wait_for_mpris("status", "Paused");
    assert_eq!(playerctl(&["metadata", "title"]), d.episode);
    assert_eq!(playerctl(&["metadata", "artist"]), d.show, "the show, as the artist");
    let shown = expect_on_screen(&["!Pause", "Play", "Direct Play", "Elapsed"]);
    assert!(elapsed(&shown).is_some_and(|t| t >= 1), "elapsed time on screen: {:?}", elapsed(&shown));
    every_control_is_named(&shown, "the player");
    // Into the intro (2–12 s, as the server marks it) from the media
    // controls, and skipped from the button.
    playerctl(&["position", "5"]);
    expect_on_screen(&["Skip Intro"]);
    screenshot(x, "app-07-paused.png");
    click(x, "Skip Intro");
    wait_for("the intro skipped (MPRIS position)", Duration::from_secs(10), mpris_position, |at| *at >= 12.0);
    expect_on_screen(&["!Skip Intro"]);
    wait_for(
        "a paused timeline",
        Duration::from_secs(10),
        || timelines(d.fp()),
        |t| t.iter().any(|(s, _, _)| s == "paused"),
    );
    // The German audio and the English subtitles, through the window actions
    // the player's menu uses: the choice is saved on the server for the part.
    let part = d.episode_key * 10;
    let (german, english_subs) = (part * 10 + 2, part * 10 + 5);
    activate_window_action_with("audio-track", &format!("[<int64 {german}>]"));
    activate_window_action_with("subtitle-track", &format!("[<int64 {english_subs}>]"));
    let chosen = || -> Vec<String> {
        d.fp()
            .requests()
            .into_iter()
            .filter(|r| r.method == "PUT" && r.path == format!("/library/parts/{part}"))
            .map(|r| r.query)
            .collect()
    };
    wait_for("both stream choices saved", Duration::from_secs(10), chosen, |c| c.len() >= 2);
    let c = chosen();
    assert!(c.iter().any(|q| q.contains(&format!("audioStreamID={german}"))), "{c:?}");
    assert!(c.iter().any(|q| q.contains(&format!("subtitleStreamID={english_subs}"))), "{c:?}");
    screenshot(x, "app-07-subtitles.png");
    // The French subtitles the server keeps in a file beside the media:
    // fetched from the same server with the token as a header, and drawn
    // (at 13.5 s the file's own English subtitles have no line, the
    // sidecar's always has one; paused, the same frame with it and without).
    let sidecar = part * 10 + 9;
    activate_window_action_with("subtitle-track", &format!("[<int64 {sidecar}>]"));
    let fetched = || {
        d.fp()
            .requests()
            .into_iter()
            .find(|r| r.path == format!("/library/streams/{sidecar}"))
            .map(|r| (r.token, r.query))
    };
    wait_until("the sidecar file fetched", Duration::from_secs(10), || fetched().is_some());
    let (token, query) = fetched().unwrap_or_default();
    assert!(token.is_some() && !query.contains("Token"), "the token as a header: {token:?} {query}");
    wait_for_mpris("status", "Paused");
    // The same paused frame (13.5 s, where the file's own English subtitles
    // have no line and the sidecar always has one) without subtitles, then
    // with the sidecar: the test waits until its line is drawn.
    activate_window_action_with("subtitle-track", "[<int64 0>]");
    playerctl(&["position", "13.5"]);
    let mut shot = 0;
    let mut take = |name: &str| {
        shot += 1;
        let file = format!("app-07-{name}-{shot}.png");
        screenshot(x, &file);
        file
    };
    // Without: once two shots in a row show the same frame (the seek landed).
    let mut last = take("subtitles-off");
    let off = wait_for(
        "the paused frame without subtitles to settle",
        Duration::from_secs(30),
        || {
            let now = take("subtitles-off");
            let same = video_pixels_changed(&last, &now) < 100;
            last = now.clone();
            (same, now)
        },
        |(same, _)| *same,
    )
    .1;
    activate_window_action_with("subtitle-track", &format!("[<int64 {sidecar}>]"));
    wait_for_mpris("status", "Paused");
    playerctl(&["position", "13.5"]);
    wait_for(
        "the sidecar's line drawn in the paused frame",
        Duration::from_secs(90),
        || pixels_changed(&off, &take("sidecar"), "1090x130+5+530"),
        |drawn| *drawn > 300,
    );
    // On again from the media controls; forward 10 s with the arrow key.
    playerctl(&["play"]);
    wait_for_mpris("status", "Playing");
    let before = mpris_position();
    key(x, "Right");
    wait_for("→ to move 10 s on (MPRIS position)", Duration::from_secs(10), mpris_position, |at| *at >= before + 9.0);
    // Paused, into the final credits (27–30 s) from the media controls:
    // Up Next offers the next episode, and waits while paused.
    playerctl(&["pause"]);
    wait_for_mpris("status", "Paused");
    playerctl(&["position", "28"]);
    let next_title = format!("{} – {}", d.show, d.next_episode);
    expect_on_screen(&["Up Next", &next_title, "Starts in 10 s"]);
    screenshot(x, "app-07-up-next.png");
    assert_eq!(playerctl(&["metadata", "title"]), d.episode, "paused, nothing moved on");
    // Played on, at the end the next episode plays by itself: the shell's
    // media controls and the window's title name it (paused at once, so
    // the test does not race its 30 s).
    playerctl(&["play"]);
    wait_for_mpris("metadata title", &d.next_episode);
    wait_for_mpris("status", "Playing");
    playerctl(&["pause"]);
    wait_for_mpris("status", "Paused");
    assert_eq!(playerctl(&["metadata", "artist"]), d.show);
    expect_on_screen(&[&format!("{next_title} – Reel")]);
    // Escape leaves the player; the first episode is watched, here and on the server.
    key(x, "Escape");
    expect_on_screen_within(60, &["Mark as Unwatched", "!Pause"]);
    wait_for_mpris("status", "Stopped");
    screenshot(x, "app-07-after-playing.png");
    assert!(d.fp().watch_state(&d.living_id(), d.episode_key).is_some_and(|w| w.0 >= 1), "watched on the server");
    // The first episode's playback (the next one has a session of its own).
    let all = timelines(d.fp());
    let first_session = all[0].2.clone();
    let t: Vec<_> = all.iter().filter(|x| x.2 == first_session).cloned().collect();
    assert!(all.iter().any(|x| x.2 != first_session), "the next episode reported too");
    let states: Vec<&str> = t.iter().map(|(s, _, _)| s.as_str()).collect();
    assert!(states.first() == Some(&"buffering") || states.first() == Some(&"playing"), "{states:?}");
    assert_eq!(states.last(), Some(&"stopped"), "{states:?}");
    let paused_at = t.iter().position(|(s, _, _)| s == "paused").unwrap();
    assert!(states[paused_at + 1..].contains(&"playing"), "{states:?}");
    // No "stopped" before the end (opening is not stopping), and no pause
    // the user did not make (a seek landing or buffering is not one).
    assert_eq!(states.iter().filter(|s| **s == "stopped").count(), 1, "{t:?}");
    // (A seek while paused buffers and is paused again: that is told, rightly.)
    let pauses = states.windows(2).filter(|w| w[0] == "playing" && w[1] == "paused").count();
    assert_eq!(pauses, 2, "paused from playing by Space, then before the credits: {t:?}");
    assert!(t[paused_at].1 >= 1000, "paused after playing a while: {t:?}");
    assert_eq!(t.last().map(|l| l.1), Some(30_000), "stopped at the end: {t:?}");
    let session = t[0].2.clone().expect("a playback session id");
    assert!(t.iter().all(|(_, _, s)| s.as_ref() == Some(&session)), "one session: {t:?}");
    // The token went in a header, never in a URL the player could log.
    let parts: Vec<_> =
        d.fp().requests().into_iter().filter(|r| r.method == "GET" && r.path.starts_with("/library/parts/")).collect();
    assert!(!parts.is_empty(), "the file was fetched");
    assert!(parts.iter().all(|r| r.token.is_some() && !r.query.contains("X-Plex-Token")), "{parts:?}");

    // A movie in a codec this machine cannot decode goes through the
    // server's transcoder, says so, plays, and the session ends with it.
    click(x, "Movies on Living Room");
    // Its tile in the grid (a panel), once the grid shows the movies: Home's
    // card of it (a button, hidden but laid out to AT-SPI) is not it.
    click_role(x, &d.movie, Some("panel"));
    expect_on_screen(&[&d.movie, "Play"]);
    click(x, "Play");
    // The demo has been watching it: where to start is asked.
    expect_on_screen(&["Resume from 0:", "Start from the Beginning"]);
    screenshot(x, "app-07-resume-question.png");
    click(x, "Start from the Beginning");
    wait_for_mpris("status", "Playing");
    // The transcoded stream plays (the pause button shows: the screenshot).
    wait_for_position_past(mpris_position(), 1.0);
    screenshot(x, "app-07-transcoding.png");
    // How it plays, read paused: a walk of the accessibility tree while a
    // video plays under software GL took over a minute here.
    playerctl(&["pause"]);
    wait_for_mpris("status", "Paused");
    expect_on_screen(&["Transcoding: this computer cannot decode vvc", "!Pause"]);
    playerctl(&["play"]);
    wait_for_mpris("status", "Playing");
    // Far beyond what the server has made: a new session from there.
    d.fp().clear_requests();
    playerctl(&["position", "20"]);
    wait_for("playback to go on from 20 s", Duration::from_secs(30), mpris_position, |at| *at >= 21.0);
    wait_for_mpris("status", "Playing");
    key(x, "Escape");
    wait_for_mpris("status", "Stopped");
    let asked: Vec<(String, String)> = d
        .fp()
        .requests()
        .into_iter()
        .filter(|r| r.path.starts_with("/video/:/transcode/universal/"))
        .map(|r| (r.path, r.query))
        .collect();
    for step in ["decision", "start.m3u8", "stop"] {
        assert!(asked.iter().any(|(p, _)| p.ends_with(step)), "{step} in {asked:?}");
    }
    let session = |q: &str| q.split('&').find_map(|p| p.strip_prefix("session=")).unwrap_or("").to_string();
    let stops: Vec<String> = asked.iter().filter(|(p, _)| p.ends_with("/stop")).map(|(_, q)| session(q)).collect();
    let start = asked.iter().find(|(p, _)| p.ends_with("start.m3u8")).expect("a new session");
    assert!(start.1.contains("offset=20.000"), "from the seek's target: {start:?}");
    assert_eq!(stops.len(), 2, "the first session stopped at the seek, the second at the end: {asked:?}");
    assert_eq!(stops[1], session(&start.1), "{asked:?}");
    assert_ne!(stops[0], stops[1], "{asked:?}");
    drop(reel);
    assert_no_criticals("app-07.log");
    assert!(log_says("app-07.log", &["video conversion", "convert=Gl"]), "played through GL");
}
