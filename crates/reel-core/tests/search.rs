//! Search across servers against fake-plex over real sockets: the saved
//! answer first, each server's own as it comes, hidden libraries left out,
//! a server that does not answer shown from what was saved.

mod common;

use common::{conn, core_options, server, topology};
use fake_plex::library::Kind;
use fake_plex::topology::{Behaviour, Protocol};
use fake_plex::FakePlex;
use reel_core::models::{SearchAnswer, SearchKind, SearchState, Section, SectionKind};
use reel_core::{Core, SourceId};
use std::sync::Mutex;

struct Two {
    fp: FakePlex,
    core: Core,
    _dir: tempfile::TempDir,
}

async fn two_servers() -> Two {
    let mut den = server("Den", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)]);
    let mut attic = server("Attic", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)]);
    den.library.seed = 3;
    attic.library.seed = 5;
    let fp = FakePlex::start(topology(vec![den, attic])).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core =
        Core::open(core_options(&fp, dir.path(), reel_core::services::secrets::SecretStore::in_memory())).unwrap();
    let account = core.sign_in_with_token(reel_core::Token::new(fp.info().account_token.clone())).await.unwrap();
    core.discover(account.id(), true).await.unwrap();
    Two { fp, core, _dir: dir }
}

impl Two {
    fn id_of(&self, name: &str) -> SourceId {
        self.core.servers().into_iter().find(|s| s.name == name).unwrap().id
    }

    fn machine_of(&self, name: &str) -> String {
        self.core.server(&self.id_of(name)).unwrap().machine_id().to_string()
    }

    /// Saves every library of `name` as the app's normal sync does.
    async fn sync(&self, name: &str) -> Vec<Section> {
        let id = self.id_of(name);
        let sections = self.core.fetch_sections(&id).await.unwrap();
        for s in &sections {
            self.core.sync_section(&id, s, true, |_, _| {}).await.unwrap();
        }
        sections
    }

    /// Every answer heard, in order.
    async fn search(&self, query: &str) -> Vec<SearchAnswer> {
        let heard = Mutex::new(Vec::new());
        self.core.search(query, &|a| heard.lock().unwrap().push(a)).await.unwrap();
        heard.into_inner().unwrap()
    }
}

/// An answer as (kind, rating keys).
fn keys(a: &SearchAnswer) -> Vec<(SearchKind, Vec<String>)> {
    a.groups.iter().map(|g| (g.kind, g.hits.iter().map(|h| h.found.rating_key().to_string()).collect())).collect()
}

fn kind_of(k: Kind) -> SearchKind {
    match k {
        Kind::Movie => SearchKind::Movie,
        Kind::Show => SearchKind::Show,
        Kind::Episode => SearchKind::Episode,
        Kind::Artist => SearchKind::Artist,
        Kind::Album => SearchKind::Album,
        Kind::Track => SearchKind::Track,
        Kind::Season => unreachable!("not a hub"),
    }
}

/// What fake-plex's own computation says the server answers, cut at the
/// limit Reel asks for.
fn expected(fp: &FakePlex, machine: &str, query: &str) -> Vec<(SearchKind, Vec<String>)> {
    fp.search(machine, query)
        .into_iter()
        .filter(|(_, hits)| !hits.is_empty())
        .map(|(k, hits)| (kind_of(k), hits.into_iter().take(10).map(|k| k.to_string()).collect()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn every_server_is_searched_the_saved_answer_first_and_hidden_libraries_never() {
    let t = two_servers().await;
    let den_sections = t.sync("Den").await;
    t.sync("Attic").await;
    let (den, attic) = (t.id_of("Den"), t.id_of("Attic"));
    // A word of the first film's title, as typed: three letters, lower case.
    let first = t.fp.section_items(&t.machine_of("Den"), "1").remove(0);
    let word = first.title.split_whitespace().nth(1).unwrap();
    let query = word[..3].to_lowercase();

    let heard = t.search(&query).await;
    assert_eq!(heard.len(), 4, "each server twice: {heard:?}");
    // First what was saved of both, marked as such, the film among it.
    for a in &heard[..2] {
        assert!(matches!(a.state, SearchState::Searching) && a.from_saved_data(), "{a:?}");
    }
    let saved_den = heard.iter().find(|a| a.source_id == den).unwrap();
    let films = &keys(saved_den)[0];
    assert_eq!(films.0, SearchKind::Movie);
    assert!(films.1.contains(&first.rating_key.to_string()), "{films:?}");
    // Then each server's own answer: exactly what the server finds.
    for (id, name) in [(&den, "Den"), (&attic, "Attic")] {
        let answered = heard[2..].iter().find(|a| a.source_id == *id).unwrap();
        assert!(matches!(answered.state, SearchState::Answered), "{answered:?}");
        assert_eq!(answered.server, name);
        assert_eq!(keys(answered), expected(&t.fp, &t.machine_of(name), &query), "{name}");
    }
    // Offline, the same words find the same films in what was saved.
    let saved_films: Vec<String> =
        t.fp.section_items(&t.machine_of("Den"), "1")
            .into_iter()
            .filter(|i| i.title.split_whitespace().any(|w| w.to_lowercase().starts_with(&query)))
            .map(|i| i.rating_key.to_string())
            .collect();
    let mut got = films.1.clone();
    got.sort();
    let mut want: Vec<String> = saved_films.into_iter().take(10).collect();
    want.sort();
    assert_eq!(got.len(), want.len().min(10), "saved films found: {got:?} of {want:?}");

    // The films' library of Den hidden: neither its saved items nor the
    // server's hits in it are shown.
    let movies = den_sections.iter().find(|s| s.kind == SectionKind::Movie).unwrap();
    t.core.set_library_visible(format!("{den}:{}", movies.key), false).await.unwrap();
    let heard = t.search(&query).await;
    for a in heard.iter().filter(|a| a.source_id == den) {
        assert!(a.groups.iter().all(|g| g.kind != SearchKind::Movie), "{a:?}");
    }
    let attic_answer = heard.iter().rev().find(|a| a.source_id == attic).unwrap();
    assert_eq!(keys(attic_answer), expected(&t.fp, &t.machine_of("Attic"), &query), "Attic's films still shown");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_does_not_answer_is_shown_from_saved_data_and_holds_no_one_back() {
    let t = two_servers().await;
    t.sync("Den").await;
    t.sync("Attic").await;
    let (den, attic) = (t.id_of("Den"), t.id_of("Attic"));
    let first = t.fp.section_items(&t.machine_of("Attic"), "1").remove(0);
    let query = first.title.split_whitespace().nth(2).unwrap().to_lowercase();

    // Attic hangs: Den's answer comes first, Attic's saved results stay,
    // said to be all there is.
    assert!(t.fp.set_behaviour("Attic", None, Behaviour::Hang));
    let heard = t.search(&query).await;
    let order: Vec<(bool, bool)> =
        heard[2..].iter().map(|a| (a.source_id == den, matches!(a.state, SearchState::Answered))).collect();
    assert_eq!(order, [(true, true), (false, false)], "Den answered, then Attic failed: {heard:?}");
    let last = heard.last().unwrap();
    assert!(matches!(last.state, SearchState::Unreachable(_)) && last.from_saved_data(), "{last:?}");
    assert_eq!(last.source_id, attic);
    assert!(keys(last).iter().any(|(_, k)| k.contains(&first.rating_key.to_string())), "{last:?}");

    // Refused outright: the same.
    assert!(t.fp.set_behaviour("Attic", None, Behaviour::Refuse));
    let heard = t.search(&query).await;
    let last = heard.iter().rev().find(|a| a.source_id == attic).unwrap();
    assert!(matches!(last.state, SearchState::Unreachable(_)), "{last:?}");
    assert!(!last.is_empty());
}
