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
    expect_on_screen(&["Play"]);
    key(x, "Escape");
    expect_on_screen(&["Movies · Living Room"]);

    // Living Room gone: searched again, its films come from what was saved, said so.
    assert!(d.fp().set_behaviour("Living Room", None, Behaviour::Refuse));
    key(x, "ctrl+a");
    type_text(x, &word);
    expect_on_screen_within(60, &["Did not answer", "from saved data", &d.movie]);
    screenshot(x, "app-40-search-saved.png");
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
