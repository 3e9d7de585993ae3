//! The library grid's posters, as the server sees them: asked for the tiles
//! on screen (and a screen around), at the size they are drawn, and for the
//! tiles a bigger window shows; the A–Z jump bringing a letter's first title
//! to the screen.

use super::*;

/// The poster requests fake-plex has seen (their queries), once no new one
/// has come for two seconds (the grid asks for what it shows, then nothing).
fn settled_poster_requests(fp: &FakePlex) -> Vec<String> {
    let posters = || -> Vec<String> {
        fp.requests().into_iter().filter(|r| r.path == "/photo/:/transcode").map(|r| r.query).collect()
    };
    let mut last = (posters().len(), std::time::Instant::now());
    wait_until("the poster requests to settle (none new for 2 s)", Duration::from_secs(60), || {
        let n = posters().len();
        if n != last.0 {
            last = (n, std::time::Instant::now());
        }
        last.1.elapsed() >= Duration::from_secs(2)
    });
    posters()
}

#[test]
fn posters_come_for_the_tiles_shown_at_the_size_drawn() {
    let d = Demo::start_with(|t, _| {
        for s in &mut t.servers {
            s.library.movies = 400;
        }
    })
    .signed_in();
    let x = &d.x;
    let _reel = d.launch("app-grid.log");
    expect_on_screen(&["Movies on Living Room"]);
    // Home's cards ask for theirs first: counted apart.
    settled_poster_requests(d.fp());
    d.fp().clear_requests();
    click(x, "Movies on Living Room");
    expect_on_screen(&[&d.movie]);
    let first = settled_poster_requests(d.fp());
    screenshot(x, "app-grid-open.png");
    // The default window shows ~12 tiles: those and the rows within a screen
    // of them, not the ~80 GTK keeps bound, nor the 400. (Fewer when Home's
    // cards, at the same size, brought some already: they come from disk.)
    assert!((4..=60).contains(&first.len()), "{} posters asked for at open", first.len());
    assert!(
        first.iter().all(|q| q.contains("width=150") && q.contains("height=225")),
        "at the grid's size (150×225 at scale 1): {first:?}"
    );
    // A bigger window shows more tiles: theirs come too, none asked twice.
    d.fp().clear_requests();
    resize(x, 1800, 1200);
    let more = settled_poster_requests(d.fp());
    screenshot(x, "app-grid-bigger.png");
    eprintln!("posters asked for: {} at open, {} more in a bigger window", first.len(), more.len());
    assert!(!more.is_empty(), "the tiles a bigger window shows get their posters");
    let again: Vec<_> = more.iter().filter(|q| first.contains(q)).collect();
    assert!(again.is_empty(), "posters already shown are not asked again: {again:?}");

    // The A–Z jump: a letter far down brings its first title to the
    // screen (its tile made and its poster asked for: far past what was
    // shown), at the top of the grid. (Not the last letter: the grid's end
    // keeps the last rows at the bottom.)
    let films = d.fp().section_items(&d.living_id(), "1");
    let letter = |title: &str| title.strip_prefix("The ").unwrap_or(title).chars().next().unwrap().to_string();
    let at = (200..films.len() - 60)
        .find(|&i| letter(&films[i].title) != letter(&films[i - 1].title))
        .expect("a letter starting far down the grid, with screens of titles after it");
    let far = letter(&films[at].title);
    let film = &films[at];
    let tile = format!("{}, {}", film.title, film.year);
    // (Home's cards name films too: the grid's tiles are its table's cells.)
    let is_tile =
        |tree: &[(String, String)], name: &str| tree.iter().any(|(r, n)| r == "table cell" && n.starts_with(name));
    let tree = expect_on_screen(&[&format!("Jump to {far}"), "Jump to a letter"]);
    assert!(!is_tile(&tree, &tile), "{tile:?} is not made before the jump");
    d.fp().clear_requests();
    click_role(x, &format!("=Jump to {far}"), Some("push button"));
    let thumb = format!("/library/metadata/{}/thumb", film.rating_key);
    wait_until(&format!("the poster of {tile:?} asked for"), Duration::from_secs(60), || {
        let encoded = thumb.replace('/', "%2F");
        d.fp()
            .requests()
            .iter()
            .any(|r| r.path == "/photo/:/transcode" && (r.query.contains(&thumb) || r.query.contains(&encoded)))
    });
    assert!(is_tile(&expect_on_screen(&[&tile]), &tile), "{tile:?} among the grid's tiles");
    // Its row is the first the grid shows, as an index opens a book.
    wait_for(
        &format!("{tile:?}'s row at the top of the grid"),
        Duration::from_secs(30),
        || (place_of("table cell", &tile), place_of("table", "Library items")),
        |places| matches!(places, (Some((_, y, _, h)), Some((_, top, _, _))) if (y - top).abs() < h / 2),
    );
    screenshot(x, "app-grid-jump.png");
    // Its page and back: the grid is where it was (once its tiles settle,
    // the film's is still among them, not the first ones').
    click(x, &tile);
    expect_on_screen(&["Mark as Watched", "Back"]);
    click(x, "Back");
    settled_poster_requests(d.fp());
    let tree = expect_on_screen(&[&tile, "400 items"]);
    assert!(is_tile(&tree, &tile), "{tile:?} still among the grid's tiles");
    let first = format!("{}, {}", films[0].title, films[0].year);
    assert!(!is_tile(&tree, &first), "back at the top of the grid, not where it was");
    assert_no_criticals("app-grid.log");
}
