//! A library sorted and filtered from the server's own lists, as a person
//! does it: Sort → Year (newest first), then the other way; Filter →
//! Unwatched and In Progress; the grid shows what fake-plex itself computes for
//! that view, in its order, and says how many; the choice is there again
//! after a restart. A music library lists its albums instead of its artists.

use super::*;

/// The titles of `movies` in the order their tiles come in `tree` (the
/// grid's order), those not shown left out.
fn tile_order(tree: &[(String, String)], movies: &[fake_plex::library::Item]) -> Vec<u64> {
    let mut at: Vec<(usize, u64)> = movies
        .iter()
        .filter_map(|m| {
            // A tile is named "Title, Year…".
            let name = format!("{}, {}", m.title, m.year);
            tree.iter().position(|(_, n)| n.starts_with(&name)).map(|i| (i, m.rating_key))
        })
        .collect();
    at.sort_unstable();
    at.into_iter().map(|(_, k)| k).collect()
}

fn items(n: usize) -> String {
    format!("{n} item{}", if n == 1 { "" } else { "s" })
}

#[test]
fn a_library_sorted_and_filtered_shows_what_the_server_computes_and_keeps_the_choice() {
    let d = Demo::start().signed_in();
    let x = &d.x;
    let living = d.living_id();
    let movies = d.fp().section_items(&living, "1");
    // One film watched: the Unwatched filter has something to leave out.
    assert!(d.fp().set_watched(&living, movies[1].rating_key, true));
    let reel = d.launch("app-45.log");
    click(x, "Movies on Living Room");
    let tree = expect_on_screen(&[&d.movie, &items(movies.len())]);
    let order = |tree: &[(String, String)]| tile_order(tree, &movies);
    let listed: Vec<u64> = movies.iter().map(|m| m.rating_key).collect();
    assert_eq!(order(&tree), listed, "the server's own listing at first");

    // Newest first: the server's default direction for a year. (In a
    // popover by keys: GTK 4.8 tells AT-SPI wrong places for what is in
    // one, so the mouse cannot be aimed there.)
    click_role(x, "=Sort", Some("push button"));
    let tree = expect_on_screen(&["Descending"]);
    every_control_is_named(&tree, "the sort menu");
    screenshot(x, "app-45-sort-menu.png");
    key(x, "Down");
    key(x, "space");
    let want = d.fp().browse(&living, "1", "sort=year:desc");
    let in_order = |what: &str, want: &[u64]| {
        wait_for(what, Duration::from_secs(30), || order(&expect_on_screen(&[&d.movie])), |o| o == want);
    };
    in_order("the grid in year order, newest first", &want);
    screenshot(x, "app-45-sorted.png");
    // Arrows in a group of choices choose as they move: Tab goes on to the
    // directions (to the one chosen, Descending), Up to Ascending.
    key(x, "Tab");
    key(x, "Up");
    let want = d.fp().browse(&living, "1", "sort=year");
    in_order("the grid in year order, oldest first", &want);
    key(x, "Escape");

    // Unwatched, then In Progress as well: the count says how many match.
    click_role(x, "=Filter", Some("push button"));
    // The server's filters, and Reel's own Date Added after them.
    let tree = expect_on_screen(&["Unwatched", "In Progress", "Genre", "Date Added", "Clear Filters"]);
    screenshot(x, "app-45-filter-menu.png");
    every_control_is_named(&tree, "the filters");
    key(x, "Return");
    let unwatched = d.fp().browse(&living, "1", "sort=year&unwatched=1");
    assert_eq!(unwatched.len(), movies.len() - 1, "{unwatched:?}");
    expect_on_screen(&[&items(unwatched.len()), "1 Filter"]);
    key(x, "Down");
    key(x, "Return");
    let want = d.fp().browse(&living, "1", "sort=year&unwatched=1&inProgress=1");
    assert!(!want.is_empty() && want.len() < unwatched.len(), "{want:?}");
    expect_on_screen(&[&items(want.len()), "2 Filters"]);
    screenshot(x, "app-45-filtered.png");
    key(x, "Escape");
    // (The grid keeps the tiles it made before, hidden: the tree lists
    // them too, so what it shows is read from the count and the titles.)
    let title = |key: u64| {
        let m = movies.iter().find(|m| m.rating_key == key).expect("a film of the library");
        format!("{}, {}", m.title, m.year)
    };
    let shown: Vec<String> = want.iter().map(|k| title(*k)).collect();
    let mut wanted: Vec<&str> = shown.iter().map(String::as_str).collect();
    let count = items(want.len());
    wanted.extend([count.as_str(), "2 Filters"]);

    // Started again, the library is shown as it was left.
    drop(reel);
    let reel = d.launch("app-45b.log");
    click(x, "Movies on Living Room");
    expect_on_screen(&wanted);
    // A film in progress marked watched on its page leaves the view at
    // once: back in the grid, one fewer matches (the server agrees).
    click(x, &shown[0]);
    click(x, "Mark as Watched");
    expect_on_screen(&["Mark as Unwatched"]);
    click(x, "Back");
    let fewer = d.fp().browse(&living, "1", "sort=year&unwatched=1&inProgress=1");
    assert_eq!(fewer.len(), want.len() - 1, "{fewer:?}");
    expect_on_screen(&[&items(fewer.len()), "2 Filters"]);
    // Cleared (the focus starts on Clear Filters when some are set): the whole library again.
    click_role(x, "=2 Filters", Some("push button"));
    expect_on_screen(&["Clear Filters"]);
    key(x, "Return");
    expect_on_screen(&[&items(movies.len())]);

    // A music library lists its albums instead of its artists: the
    // server's listing of every album, by title. (The filters closed
    // first: a click outside an open popover only closes it.)
    key(x, "Escape");
    expect_on_screen(&["!Clear Filters"]);
    click(x, "Music on Living Room");
    let artists = d.fp().section_items(&living, "3");
    expect_on_screen(&[&items(artists.len()), "Artists", "Tracks"]);
    click_role(x, "=Albums", Some("push button"));
    let albums = d.fp().browse(&living, "3", "type=9");
    assert!(albums.len() > artists.len(), "{albums:?}");
    let first = artists
        .iter()
        .flat_map(|a| d.fp().children(&living, a.rating_key))
        .find(|album| album.rating_key == albums[0])
        .expect("the first album listed is an artist's");
    expect_on_screen(&[&items(albums.len()), &format!("{}, {}", first.title, first.year)]);
    screenshot(x, "app-45-albums.png");
    drop(reel);
    assert_no_criticals("app-45.log");
    assert_no_criticals("app-45b.log");
}
