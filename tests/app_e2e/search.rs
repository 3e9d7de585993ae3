//! Search everywhere, as a person uses it: Ctrl+F, part of a title typed,
//! results grouped by kind from both servers, one opened; the server gone,
//! what was saved of it shown, marked.

use super::*;

#[test]
fn part_of_a_title_finds_it_on_every_server_and_what_was_saved_when_one_is_gone() {
    let d = Demo::start().signed_in();
    let x = &d.x;
    let reel = d.launch("app-40.log");
    // The films' library opened once: what Reel saves of it is searched with no server.
    click(x, "Movies on Living Room");
    expect_on_screen(&[&d.movie]);
    let word = d.movie.split_whitespace().nth(1).expect("a title of several words").to_lowercase();
    let typed = &word[..3];
    key(x, "ctrl+f");
    expect_on_screen(&["Search every library"]);
    type_text(x, typed);
    // Each server's groups, as fake-plex itself finds for it, named with the server.
    let mut groups = Vec::new();
    for (server, machine) in d.info.servers.iter().map(|s| (s.name.clone(), s.machine_identifier.clone())) {
        for (kind, hits) in d.fp().search(&machine, typed) {
            if !hits.is_empty() {
                groups.push(format!("{} · {server}", plural(kind)));
            }
        }
    }
    assert!(groups.iter().any(|g| g.ends_with("· Living Room")), "{groups:?}");
    let mut wanted: Vec<&str> = groups.iter().map(String::as_str).collect();
    wanted.push(&d.movie);
    let tree = expect_on_screen(&wanted);
    every_control_is_named(&tree, "the search page");
    assert!(!tree.iter().any(|(_, n)| n.contains("from saved data")), "every server answered: {tree:?}");
    screenshot(x, "app-40-search.png");
    // A result opens its page; Back comes back to the results.
    click_role(x, &d.movie, Some("list item"));
    // Its page tells what the server knows of it: who directed and wrote
    // it, its tagline, its cast with their parts and photos.
    let living = d.living_id();
    let film = d.fp().section_items(&living, "1").into_iter().find(|m| m.title == d.movie).expect("the film");
    let name = |p: usize| fake_plex::people::person(p).0;
    let directed = format!("Directed by {}", name(fake_plex::people::director_of(&film)));
    let star_of = fake_plex::people::person(fake_plex::people::cast_of(&film)[0]);
    let star = star_of.0.clone();
    let tree = expect_on_screen(&[
        "Play",
        &directed,
        &format!("Written by {}", name(fake_plex::people::writer_of(&film))),
        &format!("Some stories find you: {}.", d.movie),
        &format!("{star} as "),
        "Rotten Tomatoes critics",
    ]);
    every_control_is_named(&tree, "a film's page with its cast");
    // The photo (on Plex's metadata host) is asked of the film's server, its
    // token in a header: Reel talks to no other host. (An avatar with
    // initials is a gradient too: the request says the photo was wanted.)
    let asked = |r: &fake_plex::state::RecordedRequest| {
        r.path == "/photo/:/transcode" && r.query.contains(&format!("fake{}.jpg", star_of.1))
    };
    wait_until("the star's photo asked of the server", Duration::from_secs(20), || {
        d.fp().requests().iter().any(|r| asked(r) && r.token.is_some() && !r.query.contains("X-Plex-Token"))
    });
    let photo = place_of("push button", &format!("{star} as ")).expect("the star's photo and name");
    wait_until("the star's photo drawn", Duration::from_secs(20), || {
        screenshot(x, "app-40-film-cast.png");
        let (x0, y0, w, _) = photo;
        // The avatar: a square at the top of the button, its width less the padding.
        shows_a_picture("app-40-film-cast.png", (x0 + w / 2 - 20, y0 + 12, 40, 40))
    });
    // What else the star is in: the servers' search for their name.
    click(x, &format!("{star} as "));
    let films: Vec<String> = d
        .fp()
        .search(&living, &star)
        .into_iter()
        .filter(|(k, _)| *k == fake_plex::library::Kind::Movie)
        .flat_map(|(_, keys)| keys)
        .filter_map(|k| d.fp().section_items(&living, "1").into_iter().find(|m| m.rating_key == k).map(|m| m.title))
        .collect();
    assert!(films.contains(&d.movie), "{films:?}");
    let mut wanted: Vec<&str> = films.iter().map(String::as_str).collect();
    wanted.push("Movies · Living Room");
    expect_on_screen(&wanted);
    screenshot(x, "app-40-star-search.png");
    key(x, "Escape");
    expect_on_screen(&[&directed]);
    key(x, "Escape");
    expect_on_screen(&["Movies · Living Room"]);

    // Living Room gone: searched again, its films come from what was saved, said so.
    assert!(d.fp().set_behaviour("Living Room", None, Behaviour::Refuse));
    key(x, "ctrl+a");
    type_text(x, &word);
    expect_on_screen_within(60, &["Did not answer", "from saved data", &d.movie]);
    screenshot(x, "app-40-search-saved.png");
    // Its page, with the server gone, tells what was saved of it.
    click_role(x, &d.movie, Some("list item"));
    expect_on_screen(&[&directed, &format!("{star} as ")]);
    drop(reel);
    assert_no_criticals("app-40.log");
}

/// A search group's title for what fake-plex calls `kind`.
fn plural(kind: fake_plex::library::Kind) -> &'static str {
    use fake_plex::library::Kind;
    match kind {
        Kind::Movie => "Movies",
        Kind::Show => "Shows",
        Kind::Season => "Seasons",
        Kind::Episode => "Episodes",
        Kind::Artist => "Artists",
        Kind::Album => "Albums",
        Kind::Track => "Tracks",
    }
}
