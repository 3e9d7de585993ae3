//! Sorting and filtering a library against fake-plex over real sockets:
//! the server's sorts, filters and values; a view answered exactly as the
//! server computes it, remembered per library; with the server gone, the
//! same view answered from what was saved.

mod common;

use common::{conn, core_options, server, topology};
use fake_plex::topology::{Behaviour, Protocol};
use fake_plex::FakePlex;
use reel_core::models::{
    added_within, Filter, ItemKind, LibraryView, Listing, Section, SectionKind, Sort, ADDED_AFTER,
};
use reel_core::{Core, SourceId};

fn open(fp: &FakePlex, dir: &std::path::Path) -> Core {
    Core::open(core_options(fp, dir, reel_core::services::secrets::SecretStore::in_memory())).unwrap()
}

/// One server, "Den" (its library as `library` changes it), signed in and
/// discovered: its films' library.
struct Den {
    fp: FakePlex,
    dir: tempfile::TempDir,
    core: Core,
    source: SourceId,
    machine: String,
    movies: Section,
}

async fn den(library: impl FnOnce(&mut fake_plex::topology::LibrarySpec)) -> Den {
    let mut den = server("Den", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)]);
    library(&mut den.library);
    let fp = FakePlex::start(topology(vec![den])).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core = open(&fp, dir.path());
    let account = core.sign_in_with_token(reel_core::Token::new(fp.info().account_token.clone())).await.unwrap();
    let source: SourceId = core.discover(account.id(), true).await.unwrap().sources[0].id.clone();
    let machine = fp.info().servers[0].machine_identifier.clone();
    let sections = core.fetch_sections(&source).await.unwrap();
    let movies: Section = sections.into_iter().find(|s| s.kind == SectionKind::Movie).unwrap();
    Den { fp, dir, core, source, machine, movies }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_library_sorted_and_filtered_is_the_servers_answer_remembered_and_answered_offline_too() {
    let Den { fp, dir, core, source, machine, movies } = den(|l| {
        l.watching = 4;
        l.added_lately = true;
    })
    .await;
    // Some films watched, some part-watched (`watching`).
    let films = core.fetch_items(&source, &movies.key, 0, Some(12)).await.unwrap();
    for f in films.iter().skip(6).take(3) {
        core.set_watched(&source, f, true).await.unwrap();
    }

    // What the server offers.
    let options = core.library_options(&source, &movies.key, None).await.unwrap();
    let sorts: Vec<&str> = options.sorts.iter().map(|s| s.key.as_str()).collect();
    assert!(sorts.contains(&"year") && sorts.contains(&"titleSort"), "{sorts:?}");
    let unwatched = options.filters.iter().find(|f| f.key == "unwatched").expect("an unwatched filter");
    assert!(unwatched.boolean);
    let genres = core.filter_values(&source, &movies.key, "genre", None).await.unwrap();
    let comedy = genres.iter().find(|g| g.title == "Comedy").expect("comedies").clone();

    // Newest first, unwatched comedies: exactly the server's own computation, in its order.
    let view = LibraryView {
        sort: Some(Sort { key: "year".into(), descending: true }),
        filters: vec![
            Filter { key: "unwatched".into(), value: "1".into(), title: unwatched.title.clone() },
            Filter { key: "genre".into(), value: comedy.key.clone(), title: comedy.title.clone() },
        ],
        listing: None,
    };
    let keys = |items: &[reel_core::models::MediaItem]| -> Vec<u64> {
        items.iter().map(|i| i.rating_key.as_str().parse().unwrap()).collect()
    };
    let want = fp.browse(&machine, movies.key.as_str(), &view.query());
    assert!(want.len() > 1, "more than one unwatched comedy: {want:?}");
    let online = core.browse(&source, &movies.key, &view).await.unwrap();
    assert!(!online.from_saved_data);
    assert_eq!(keys(&online.items), want);
    // Every sort the server offers, both ways, with no filter: the server's order.
    for sort in &options.sorts {
        for descending in [false, true] {
            let v =
                LibraryView { sort: Some(Sort { key: sort.key.clone(), descending }), filters: vec![], listing: None };
            let got = core.browse(&source, &movies.key, &v).await.unwrap();
            assert_eq!(keys(&got.items), fp.browse(&machine, movies.key.as_str(), &v.query()), "{}", v.query());
        }
    }

    // By picture size, as the server lists each film's first Media.
    let sizes = core.filter_values(&source, &movies.key, "resolution", None).await.unwrap();
    let hd = sizes.iter().find(|v| v.title == "720p").expect("720p among the sizes").clone();
    let hd_view = LibraryView::default().with_filter("resolution", Some((hd.key.clone(), hd.title.clone())));
    let hd_films = fp.browse(&machine, movies.key.as_str(), &hd_view.query());
    let all = fp.section_items(&machine, movies.key.as_str()).len();
    assert!(!hd_films.is_empty() && hd_films.len() < all, "some films at 720p: {hd_films:?} of {all}");
    assert_eq!(keys(&core.browse(&source, &movies.key, &hd_view).await.unwrap().items), hd_films);

    // HDR, and the languages of the audio and the subtitles: the server's own filters.
    let hdr = options.filters.iter().find(|f| f.key == "hdr").expect("an HDR filter");
    assert!(hdr.boolean);
    let hdr_view = LibraryView::default().with_filter("hdr", Some(("1".into(), hdr.title.clone())));
    let hdr_films = fp.browse(&machine, movies.key.as_str(), &hdr_view.query());
    assert!(!hdr_films.is_empty() && hdr_films.len() < all, "some films in HDR: {hdr_films:?}");
    assert_eq!(keys(&core.browse(&source, &movies.key, &hdr_view).await.unwrap().items), hdr_films);
    for filter in ["audioLanguage", "subtitleLanguage"] {
        let languages = core.filter_values(&source, &movies.key, filter, None).await.unwrap();
        let spoken: Vec<&str> = languages.iter().map(|l| l.title.as_str()).collect();
        assert!(spoken.len() >= 2, "{filter}: {spoken:?}");
        let last = languages.last().expect("a language").clone();
        let view = LibraryView::default().with_filter(filter, Some((last.key, last.title)));
        let want = fp.browse(&machine, movies.key.as_str(), &view.query());
        assert!(!want.is_empty() && want.len() < all, "{}: {want:?}", view.query());
        assert_eq!(keys(&core.browse(&source, &movies.key, &view).await.unwrap().items), want, "{}", view.query());
    }

    // Added lately: offered by Reel, asked as a date relative to the server's now.
    let lately = options.filters.iter().find(|f| f.key == ADDED_AFTER).expect("added lately is offered");
    assert!(!lately.boolean);
    let reaches = core.filter_values(&source, &movies.key, ADDED_AFTER, None).await.unwrap();
    let week = reaches.iter().find(|v| added_within(&v.key) == Some(7)).expect("the last week").clone();
    let week_view = LibraryView::default().with_filter(ADDED_AFTER, Some((week.key.clone(), String::new())));
    let this_week = fp.browse(&machine, movies.key.as_str(), &week_view.query());
    assert_eq!(this_week.len(), 7, "one film a day: {this_week:?}");
    assert_eq!(keys(&core.browse(&source, &movies.key, &week_view).await.unwrap().items), this_week);
    assert!(fp.requests().iter().any(|r| r.path.ends_with("/all") && r.query.contains("addedAt%3E%3E=-7d")));

    // Remembered per library, also by a Core opened afresh.
    core.set_library_view(&source, &movies.key, &view).await.unwrap();
    assert_eq!(open(&fp, dir.path()).library_view(&source, &movies.key).await, view);
    let shows = core.fetch_sections(&source).await.unwrap().into_iter().find(|s| s.kind == SectionKind::Show).unwrap();
    assert!(core.library_view(&source, &shows.key).await.is_plain(), "another library keeps its own");

    // Saved by the normal sync, then the server gone: the same view from what was saved.
    core.sync_section(&source, &movies, true, |_, _| {}).await.unwrap();
    // Opened at the next start, a sorted library reads nothing ahead in its saved order.
    core.remember_place(Some((source.clone(), movies.key.clone()))).await.unwrap();
    let start = core.start_view().await.expect("the library opens at start");
    assert!(start.first.items.is_empty(), "not the saved order of a sorted library: {:?}", start.first.items.len());
    core.set_library_view(&source, &movies.key, &LibraryView::default()).await.unwrap();
    assert_eq!(core.start_view().await.expect("at start").first.items.len(), reel_core::FIRST_PAGE);
    core.set_library_view(&source, &movies.key, &view).await.unwrap();
    assert!(fp.set_behaviour("Den", None, Behaviour::Refuse));
    let offline = core.browse(&source, &movies.key, &view).await.unwrap();
    assert!(offline.from_saved_data);
    assert_eq!(keys(&offline.items), want);
    for key in ["titleSort", "year", "addedAt", "lastViewedAt", "duration"] {
        let v = LibraryView {
            sort: Some(Sort { key: key.into(), descending: key != "titleSort" }),
            filters: vec![Filter { key: "inProgress".into(), value: "1".into(), title: "In Progress".into() }],
            listing: None,
        };
        let got = core.browse(&source, &movies.key, &v).await.unwrap();
        assert_eq!(keys(&got.items), fp.browse(&machine, movies.key.as_str(), &v.query()), "{}", v.query());
    }
    let offline_hd = core.browse(&source, &movies.key, &hd_view).await.unwrap();
    assert!(offline_hd.from_saved_data);
    assert_eq!(keys(&offline_hd.items), hd_films, "by picture size from what was saved");
    let offline_week = core.browse(&source, &movies.key, &week_view).await.unwrap();
    assert!(offline_week.from_saved_data);
    assert_eq!(keys(&offline_week.items), this_week, "added lately from what was saved");
    assert_eq!(core.filter_values(&source, &movies.key, ADDED_AFTER, None).await.unwrap(), reaches, "needs no server");
    // The options are there offline too; a filter saved items do not hold is refused in words.
    assert_eq!(core.library_options(&source, &movies.key, None).await.unwrap(), options);
    assert_eq!(
        core.filter_values(&source, &movies.key, "genre", None).await.unwrap(),
        genres,
        "the genres as last heard"
    );
    let never_asked = core.filter_values(&source, &movies.key, "decade", None).await;
    assert!(matches!(never_asked, Err(ref e) if e.is_offline()), "never heard, not made up: {never_asked:?}");
    let language = view.clone().with_filter("audioLanguage", Some(("de".into(), "German".into())));
    let refused = core.browse(&source, &movies.key, &language).await;
    assert!(matches!(refused, Err(ref e) if e.is_offline()), "the server's error: {refused:?}");
}

/// The letters of `titles` as a person reads them off the list: each
/// letter of a sort title (no leading "The") at the first place it shows.
fn letters_read_off(titles: &[String]) -> Vec<(String, usize)> {
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (at, title) in titles.iter().enumerate() {
        let first = title.strip_prefix("The ").unwrap_or(title).chars().next().unwrap();
        let letter = if first.is_alphabetic() { first.to_uppercase().to_string() } else { "#".into() };
        if !seen.iter().any(|(l, _)| *l == letter) {
            seen.push((letter, at));
        }
    }
    seen
}

#[tokio::test(flavor = "multi_thread")]
async fn a_library_listed_by_title_says_where_each_letter_begins_also_offline() {
    let Den { fp, dir: _dir, core, source, machine, movies } = den(|l| l.movies = 60).await;
    let films = core.fetch_items(&source, &movies.key, 0, Some(12)).await.unwrap();
    for f in films.iter().step_by(3) {
        core.set_watched(&source, f, true).await.unwrap();
    }
    let title_of = |key: u64| fp.section_items(&machine, movies.key.as_str()).into_iter().find(|i| i.rating_key == key);
    let letters = |b: &reel_core::Browsed| -> Vec<(String, usize)> {
        b.letters.iter().map(|l| (l.letter.clone(), l.position)).collect()
    };

    // Unwatched, by title: the server's letters, each where its first title is listed.
    let unwatched = LibraryView::default().with_filter("unwatched", Some(("1".into(), "Unwatched".into())));
    fp.clear_requests();
    let online = core.browse(&source, &movies.key, &unwatched).await.unwrap();
    assert!(fp.requests().iter().any(|r| r.path.ends_with("/firstCharacters") && r.query.contains("unwatched=1")));
    let listed: Vec<String> = fp
        .browse(&machine, movies.key.as_str(), &unwatched.query())
        .into_iter()
        .map(|k| title_of(k).unwrap().title)
        .collect();
    let want = letters_read_off(&listed);
    assert!(want.len() > 3, "several letters: {want:?}");
    assert_eq!(letters(&online), want);
    assert_eq!(online.letters.iter().map(|l| l.count).sum::<usize>(), listed.len());
    // Not by title: no jump.
    let newest =
        LibraryView { sort: Some(Sort { key: "year".into(), descending: true }), filters: vec![], listing: None };
    assert!(core.browse(&source, &movies.key, &newest).await.unwrap().letters.is_empty());

    // The whole library as saved, in the server's order: where the grid's letters begin.
    core.sync_section(&source, &movies, true, |_, _| {}).await.unwrap();
    let all: Vec<String> = fp.section_items(&machine, movies.key.as_str()).into_iter().map(|i| i.title).collect();
    let saved = core.saved_first_letters(&source, &movies.key).await.unwrap();
    let saved: Vec<(String, usize)> = saved.into_iter().map(|l| (l.letter, l.position)).collect();
    assert_eq!(saved, letters_read_off(&all));

    // The server gone: the same view's letters from what was saved.
    assert!(fp.set_behaviour("Den", None, Behaviour::Refuse));
    let offline = core.browse(&source, &movies.key, &unwatched).await.unwrap();
    assert!(offline.from_saved_data);
    assert_eq!(letters(&offline), want);
}

/// A music library's albums or tracks listed instead of its artists: the
/// server's answer for `type=9` and `type=10`, with the sorts, filters and
/// letters of that kind; with the server gone, said to need it.
#[tokio::test(flavor = "multi_thread")]
async fn a_music_library_lists_its_albums_or_tracks_as_the_server_does() {
    let Den { fp, dir: _dir, core, source, machine, .. } = den(|l| {
        l.artists = 4;
        l.albums_per_artist = 3;
    })
    .await;
    let sections = core.fetch_sections(&source).await.unwrap();
    let music = sections.into_iter().find(|s| s.kind == SectionKind::Music).expect("a music library");
    let keys = |items: &[reel_core::models::MediaItem]| -> Vec<u64> {
        items.iter().map(|i| i.rating_key.as_str().parse().unwrap()).collect()
    };
    let asked =
        |path: &str, query: &str| fp.requests().iter().any(|r| r.path.ends_with(path) && r.query.contains(query));

    // Every album, by title, as the server lists them; its letters too.
    fp.clear_requests();
    let albums = LibraryView::listing(Some(Listing::Albums));
    let options = core.library_options(&source, &music.key, Some(Listing::Albums)).await.unwrap();
    assert!(asked("/sorts", "type=9") && asked("/filters", "type=9"), "the albums' own sorts and filters");
    let listed = core.browse(&source, &music.key, &albums).await.unwrap();
    let want = fp.browse(&machine, music.key.as_str(), "type=9");
    assert_eq!(want.len(), 4 * 3, "every album of every artist");
    assert_eq!(keys(&listed.items), want);
    assert!(listed.items.iter().all(|i| i.kind == ItemKind::Album));
    assert!(asked("/firstCharacters", "type=9"));
    assert_eq!(listed.letters.iter().map(|l| l.count).sum::<usize>(), want.len(), "the albums' letters");
    // Newest first, and one genre's: the server's answer for albums.
    let year = options.sorts.iter().find(|s| s.key == "year").expect("albums sort by year");
    let genres = core.filter_values(&source, &music.key, "genre", Some(Listing::Albums)).await.unwrap();
    assert!(asked("/genre", "type=9"));
    let genre = genres.first().expect("the albums' genres").clone();
    let narrowed = albums.clone().sorted_by(year).with_filter("genre", Some((genre.key, genre.title)));
    let want_narrowed = fp.browse(&machine, music.key.as_str(), &narrowed.query());
    assert!(!want_narrowed.is_empty() && want_narrowed.len() < want.len(), "{want_narrowed:?}");
    assert_eq!(keys(&core.browse(&source, &music.key, &narrowed).await.unwrap().items), want_narrowed);

    // Every track.
    let tracks = LibraryView::listing(Some(Listing::Tracks));
    let listed = core.browse(&source, &music.key, &tracks).await.unwrap();
    let want = fp.browse(&machine, music.key.as_str(), "type=10");
    assert!(want.len() >= 2 * 4 * 3, "every track of every album: {}", want.len());
    assert_eq!(keys(&listed.items), want);
    assert!(listed.items.iter().all(|i| i.kind == ItemKind::Track));
    // The library itself still lists its artists.
    let artists = core.browse(&source, &music.key, &LibraryView::default().descending(false)).await.unwrap();
    assert!(artists.items.iter().all(|i| i.kind == ItemKind::Artist) && artists.items.len() == 4);

    // What Reel saves of a library is what it lists: no albums offline, said so.
    core.sync_section(&source, &music, true, |_, _| {}).await.unwrap();
    assert!(fp.set_behaviour("Den", None, Behaviour::Refuse));
    let refused = core.browse(&source, &music.key, &albums).await;
    assert!(matches!(refused, Err(ref e) if e.is_offline()), "the server's error: {refused:?}");
    assert_eq!(core.library_options(&source, &music.key, Some(Listing::Albums)).await.unwrap(), options, "kept");
}

/// A view of more items than a page is asked a few pages at once, and
/// comes back whole, in the server's order.
#[tokio::test(flavor = "multi_thread")]
async fn a_long_view_comes_in_pages_at_once_in_the_servers_order() {
    let Den { fp, dir: _dir, core, source, machine, movies } = den(|l| l.movies = 1_100).await;
    let newest =
        LibraryView { sort: Some(Sort { key: "year".into(), descending: true }), filters: vec![], listing: None };
    fp.clear_requests();
    let got = core.browse(&source, &movies.key, &newest).await.unwrap();
    let keys: Vec<u64> = got.items.iter().map(|i| i.rating_key.as_str().parse().unwrap()).collect();
    assert_eq!(keys, fp.browse(&machine, movies.key.as_str(), &newest.query()));
    assert_eq!(keys.len(), 1_100);
    let mut starts: Vec<String> = fp
        .requests()
        .iter()
        .filter(|r| r.path.ends_with("/all") && r.query.contains("sort=year"))
        .filter_map(|r| r.query.split('&').find_map(|p| p.strip_prefix("X-Plex-Container-Start=")).map(String::from))
        .collect();
    let asked = starts.len();
    starts.sort();
    starts.dedup();
    assert!(asked > 2 && starts.len() == asked, "each page asked once: {starts:?}");
}
