//! Downloads through the core facade against fake-plex serving a real clip
//! (made with GStreamer at test time): whole and byte-identical, the token
//! only in a header, cut short and gone on with `Range` from where it
//! stopped, a season's episodes, a file deleted behind Reel's back.

mod common;

use common::{conn, core_options, server, topology};
use fake_plex::media::{make_clip, MediaFault, MediaSpec};
use fake_plex::topology::{Behaviour, Protocol, Topology};
use fake_plex::FakePlex;
use reel_core::models::{Download, DownloadFault, DownloadState, ItemKind, SectionKind, StreamKind};
use reel_core::{Core, ItemKey, SourceId};
use std::os::unix::fs::PermissionsExt;
use std::sync::{Mutex, OnceLock};

fn clip() -> MediaSpec {
    static CLIP: OnceLock<(tempfile::TempDir, MediaSpec)> = OnceLock::new();
    CLIP.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let spec = make_clip(dir.path(), 6, &["eng", "deu"]).expect("gst-launch-1.0 makes the clip");
        (dir, spec)
    })
    .1
    .clone()
}

struct Session {
    fp: FakePlex,
    core: Core,
    source_id: SourceId,
    dir: tempfile::TempDir,
}

async fn session() -> Session {
    session_with(|_| {}).await
}

async fn session_with(change: impl FnOnce(&mut Topology)) -> Session {
    let mut t: Topology = topology(vec![server("Den", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)])]);
    t.servers[0].library.media = Some(clip());
    change(&mut t);
    let fp = FakePlex::start(t).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let core =
        Core::open(core_options(&fp, dir.path(), reel_core::services::secrets::SecretStore::in_memory())).unwrap();
    let account = core.sign_in_with_token(reel_core::Token::new(fp.info().account_token.clone())).await.unwrap();
    let found = core.discover(account.id(), true).await.unwrap();
    let source_id = found.sources[0].id.clone();
    Session { fp, core, source_id, dir }
}

impl Session {
    async fn first_of(&self, kind: SectionKind) -> reel_core::models::MediaItem {
        let sections = self.core.fetch_sections(&self.source_id).await.unwrap();
        let section = sections.iter().find(|s| s.kind == kind).unwrap();
        self.core.fetch_items(&self.source_id, &section.key, 0, Some(1)).await.unwrap().remove(0)
    }

    /// Runs the downloads to their end; returns every state they passed.
    async fn run(&self) -> Vec<Download> {
        let seen = Mutex::new(Vec::new());
        self.core.run_downloads(&|d: &Download| seen.lock().unwrap().push(d.clone())).await.unwrap();
        seen.into_inner().unwrap()
    }

    /// The items downloaded or on their way, in the order asked for.
    async fn held(&self) -> Vec<ItemKey> {
        self.core.downloads().await.unwrap().into_iter().map(|d| d.rating_key).collect()
    }

    fn downloads_of_parts(&self) -> Vec<fake_plex::state::RecordedRequest> {
        self.fp.requests().into_iter().filter(|r| r.path.starts_with("/library/parts/")).collect()
    }
}

fn bytes(p: &std::path::Path) -> Vec<u8> {
    std::fs::read(p).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_movie_downloads_whole_and_byte_identical_with_the_token_only_in_a_header() {
    let s = session().await;
    let movie = s.first_of(SectionKind::Movie).await;
    let queued = s.core.download(&s.source_id, &movie.rating_key).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!((queued[0].state, queued[0].kind), (DownloadState::Queued, ItemKind::Movie));
    let seen = s.run().await;
    assert_eq!(seen.first().map(|d| d.state), Some(DownloadState::Running));
    let done = s.core.downloads().await.unwrap().remove(0);
    assert_eq!(done.state, DownloadState::Done, "{done:?}");
    let server_file = bytes(&clip().file);
    assert_eq!(done.size, Some(server_file.len() as u64), "the part's size, as the server gave it");
    assert_eq!(done.fetched, server_file.len() as u64);
    assert!(bytes(&done.file) == server_file, "byte-identical to the server's file");
    // Named by ids, private, under the download folder.
    let name = done.file.file_name().unwrap().to_string_lossy().to_string();
    assert_eq!(name, format!("{}.mkv", movie.rating_key.as_str()));
    assert!(done.file.starts_with(s.dir.path().join("downloads")));
    assert_eq!(std::fs::metadata(&done.file).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(
        std::fs::metadata(done.file.parent().unwrap().parent().unwrap()).unwrap().permissions().mode() & 0o777,
        0o700
    );
    // Asked as a download, the token in a header (never in the URL or a file name).
    let token = &s.fp.info().servers[0].access_token;
    let parts = s.downloads_of_parts();
    assert!(!parts.is_empty());
    for r in &parts {
        assert!(r.query.contains("download=1"), "{r:?}");
        assert!(!r.query.contains(token.as_str()) && r.token.as_deref() == Some(token.as_str()), "{r:?}");
    }
    assert!(!name.contains(token.as_str()));
    // Asked again: already here, nothing fetched again.
    s.fp.clear_requests();
    let again = s.core.download(&s.source_id, &movie.rating_key).await.unwrap();
    assert_eq!(again[0].state, DownloadState::Done);
    s.run().await;
    assert!(s.downloads_of_parts().is_empty(), "a finished download is not fetched again");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_download_cut_short_is_never_done_and_goes_on_with_range_from_where_it_stopped() {
    let s = session().await;
    let movie = s.first_of(SectionKind::Movie).await;
    let whole = bytes(&clip().file);
    // The server sends half the file and closes, as if that were all.
    assert!(s.fp.set_media_fault("Den", Some(MediaFault::Truncated)));
    s.core.download(&s.source_id, &movie.rating_key).await.unwrap();
    s.run().await;
    let d = s.core.downloads().await.unwrap().remove(0);
    let half = (whole.len() / 2) as u64;
    assert_eq!(d.state, DownloadState::Failed, "a short file is not done: {d:?}");
    assert_eq!(d.fault, Some(DownloadFault::WrongSize { expected: whole.len() as u64, got: half }));
    assert!(!d.file.exists(), "nothing at the finished file's name");
    assert_eq!(d.fetched, half, "what came is kept");
    // The server is whole again; asked again, it goes on from byte `half`.
    assert!(s.fp.set_media_fault("Den", None));
    s.fp.clear_requests();
    s.core.download(&s.source_id, &movie.rating_key).await.unwrap();
    s.run().await;
    let d = s.core.downloads().await.unwrap().remove(0);
    assert_eq!(d.state, DownloadState::Done);
    assert!(bytes(&d.file) == whole, "byte-identical after the resume");
    let ranges: Vec<Option<String>> = s.downloads_of_parts().into_iter().map(|r| r.range).collect();
    assert_eq!(ranges, vec![Some(format!("bytes={half}-"))], "one request, from where it stopped");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_season_downloads_each_of_its_episodes_and_a_deleted_file_is_fetched_again() {
    let s = session().await;
    let show = s.first_of(SectionKind::Show).await;
    let season = s.core.fetch_children(&s.source_id, &show.rating_key).await.unwrap().remove(0);
    let episodes = s.core.fetch_children(&s.source_id, &season.rating_key).await.unwrap();
    // Said before it starts: a file an episode, their size, what is free.
    let plan = s.core.plan_download(&s.source_id, &season.rating_key).await.unwrap();
    let clip_size = std::fs::metadata(clip().file).unwrap().len();
    assert_eq!((plan.files, plan.bytes, plan.refused), (episodes.len(), clip_size * episodes.len() as u64, 0));
    assert!(plan.space.free.is_some() && plan.fits(), "{plan:?}");
    assert!(s.core.downloads().await.unwrap().is_empty(), "a plan queues nothing");
    let queued = s.core.queue_download(plan).await.unwrap();
    let keys = |v: &[Download]| v.iter().map(|d| d.rating_key.clone()).collect::<Vec<ItemKey>>();
    assert_eq!(keys(&queued), episodes.iter().map(|e| e.rating_key.clone()).collect::<Vec<_>>());
    assert!(queued.iter().all(|d| d.kind == ItemKind::Episode && d.title.contains(" – ")), "{queued:?}");
    s.run().await;
    let all = s.core.downloads().await.unwrap();
    assert!(all.iter().all(|d| d.state == DownloadState::Done), "{all:?}");
    // Each knows its season and show (their pages show how they stand).
    let within = vec![season.rating_key.clone(), show.rating_key.clone()];
    assert!(all.iter().all(|d| d.within == within), "{all:?}");
    // One file deleted behind Reel's back: shown as missing, fetched again when asked.
    std::fs::remove_file(&all[0].file).unwrap();
    let missing = s.core.downloads().await.unwrap().remove(0);
    assert_eq!((missing.state, missing.fault), (DownloadState::Failed, Some(DownloadFault::Missing)));
    s.core.download(&s.source_id, &all[0].rating_key).await.unwrap();
    s.run().await;
    assert_eq!(s.core.downloads().await.unwrap()[0].state, DownloadState::Done);
    // Cancelled: forgotten, its file gone.
    s.core.cancel_download(&s.source_id, &all[1].rating_key).await.unwrap();
    assert!(!all[1].file.exists());
    assert_eq!(s.core.downloads().await.unwrap().len(), all.len() - 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_downloaded_seasons_pictures_show_with_no_network_and_go_with_the_last_of_its_episodes() {
    let s = session().await;
    let movie = s.first_of(SectionKind::Movie).await;
    let show = s.first_of(SectionKind::Show).await;
    let season = s.core.fetch_children(&s.source_id, &show.rating_key).await.unwrap().remove(0);
    let episodes = s.core.fetch_children(&s.source_id, &season.rating_key).await.unwrap();
    assert!(episodes.len() >= 2, "{episodes:?}");
    s.fp.clear_requests();
    s.core.download(&s.source_id, &season.rating_key).await.unwrap();
    s.run().await;
    // The show's poster is fetched once, however many episodes show it.
    let show_thumb = show.thumb.clone().expect("the show has a poster");
    let asked_for = |path: &str| {
        s.fp.requests().iter().filter(|r| r.path == "/photo/:/transcode" && r.query.contains(&urlencoded(path))).count()
    };
    assert_eq!(asked_for(&show_thumb), 1);
    // The poster cache cleared and the server gone: the pictures still show.
    std::fs::remove_dir_all(s.dir.path().join("posters")).ok();
    for i in 0..s.fp.info().servers[0].connections.len() {
        s.fp.set_behaviour("Den", Some(i), Behaviour::Refuse);
    }
    let port = s.fp.info().servers[0].connections[0].port;
    fake_plex::testing::wait_until("the server's port closed", std::time::Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
    });
    let shown = [
        ("the show's poster", show_thumb.clone()),
        ("the show's backdrop", show.art.clone().expect("the show has a backdrop")),
        ("the season's poster", season.thumb.clone().expect("the season has a poster")),
        ("an episode's still", episodes[0].thumb.clone().expect("the episode has a still")),
    ];
    for (what, path) in &shown {
        let bytes = s.core.poster(&s.source_id, path, 150, 225).await;
        assert!(bytes.is_some_and(|b| b.starts_with(b"\x89PNG")), "{what} ({path}) shows offline");
    }
    let file = s.core.poster_file(&s.source_id, &show_thumb, 150, 225).await.expect("a file for the shell");
    assert!(file.starts_with(s.dir.path().join("downloads")), "{file:?}");
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    // A picture no download keeps is not there offline.
    let movie_thumb = movie.thumb.expect("the movie has a poster");
    assert!(s.core.poster(&s.source_id, &movie_thumb, 150, 225).await.is_none());
    // Removed one by one: an episode's still goes with it, the show's
    // poster with the last episode that shows it.
    let (first, rest) = episodes.split_first().unwrap();
    s.core.cancel_download(&s.source_id, &first.rating_key).await.unwrap();
    assert!(s.core.poster(&s.source_id, &shown[3].1, 150, 225).await.is_none(), "the removed episode's still");
    assert!(file.exists(), "the other episodes still show the show's poster");
    for e in rest {
        s.core.cancel_download(&s.source_id, &e.rating_key).await.unwrap();
    }
    assert!(!file.exists(), "no download shows it any more");
}

/// A server path as it goes in a query (what `/photo/:/transcode` is asked with).
fn urlencoded(path: &str) -> String {
    url::form_urlencoded::byte_serialize(path.as_bytes()).collect()
}

struct Decodes;
impl reel_core::playback::Capabilities for Decodes {
    fn can_decode(&self, f: &reel_core::playback::Format) -> bool {
        ["mkv", "vp8", "vorbis"].contains(&f.name())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_downloaded_movie_plays_from_its_file_also_with_the_server_gone() {
    let s = session().await;
    let movie = s.first_of(SectionKind::Movie).await;
    // Not downloaded: it streams from the server.
    let plan = s.core.prepare_playback(&s.source_id, &movie.rating_key, &Decodes, 0).await.unwrap();
    assert_eq!(plan.location.url.scheme(), "http");
    s.core.download(&s.source_id, &movie.rating_key).await.unwrap();
    s.run().await;
    let d = s.core.downloads().await.unwrap().remove(0);
    assert_eq!(d.state, DownloadState::Done);
    // Downloaded: the file at once, as it was kept; what the server says
    // of the item now is asked meanwhile and kept for the next time.
    let asked_about = |s: &Session| {
        let path = format!("/library/metadata/{}", movie.rating_key.as_str());
        s.fp.requests().iter().filter(|r| r.path == path).count()
    };
    let before = asked_about(&s);
    let plan = s.core.prepare_playback(&s.source_id, &movie.rating_key, &Decodes, 0).await.unwrap();
    assert_eq!(plan.location.url, url::Url::from_file_path(&d.file).unwrap(), "{:?}", plan.location);
    fake_plex::testing::wait_for_async(
        "the server asked about the downloaded movie",
        std::time::Duration::from_secs(10),
        || async { asked_about(&s) },
        |n| *n > before,
    )
    .await;
    assert!(plan.location.token.expose().is_empty(), "no token for a file");
    assert_eq!(plan.decision, reel_core::playback::Decision::DirectPlay);
    // The server hanging (a captive portal, a half-dead link): the file
    // plays as it was kept, long before the request's own 30 s timeout.
    for i in 0..s.fp.info().servers[0].connections.len() {
        s.fp.set_behaviour("Den", Some(i), Behaviour::Hang);
    }
    let asked = s.core.prepare_playback(&s.source_id, &movie.rating_key, &Decodes, 0);
    let plan = tokio::time::timeout(std::time::Duration::from_secs(15), asked)
        .await
        .expect("a downloaded movie does not wait for a server that hangs")
        .unwrap();
    assert_eq!(plan.location.url, url::Url::from_file_path(&d.file).unwrap());
    // The server gone: the file, with what was kept of the item.
    for i in 0..s.fp.info().servers[0].connections.len() {
        s.fp.set_behaviour("Den", Some(i), Behaviour::Refuse);
    }
    let port = s.fp.info().servers[0].connections[0].port;
    fake_plex::testing::wait_until("the server's port closed", std::time::Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
    });
    let plan = s.core.prepare_playback(&s.source_id, &movie.rating_key, &Decodes, 0).await.unwrap();
    assert_eq!(plan.location.url, url::Url::from_file_path(&d.file).unwrap());
    assert_eq!(plan.playable.item.title, movie.title);
    assert!(plan.playable.first_part().is_some_and(|(_, _, p)| p.size == d.size), "the part as it was downloaded");
    // Its sidecar subtitles came with it: the player has them with no server.
    let (_, _, part) = plan.playable.first_part().unwrap();
    let srt = part.sidecar_subtitles()[0];
    let kept = s.core.sidecar_file(&s.source_id, srt.key.as_deref().unwrap(), srt.codec.as_deref()).await.unwrap();
    let text = std::fs::read_to_string(&kept).unwrap();
    assert_eq!(text, fake_plex::media::sidecar_subtitles(clip().duration_ms), "the server's file, whole");
    assert!(kept.starts_with(s.dir.path().join("downloads")), "kept with the downloads: {kept:?}");
    assert_eq!(std::fs::metadata(&kept).unwrap().permissions().mode() & 0o777, 0o600);
    // A movie never downloaded cannot play with the server gone: said as offline.
    let other = reel_core::ItemKey::new((movie.rating_key.as_str().parse::<u64>().unwrap() + 1).to_string());
    let e = s.core.prepare_playback(&s.source_id, &other, &Decodes, 0).await.unwrap_err();
    assert!(e.is_offline(), "{e:?}");
    // Removed: its subtitles go with it.
    s.core.cancel_download(&s.source_id, &movie.rating_key).await.unwrap();
    assert!(!kept.exists() && !d.file.exists());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_whose_owner_does_not_allow_downloads_is_not_asked_for_a_file() {
    let s = session_with(|t| t.servers[0].library.allow_sync = false).await;
    let movie = s.first_of(SectionKind::Movie).await;
    s.fp.clear_requests();
    let e = s.core.download(&s.source_id, &movie.rating_key).await.unwrap_err();
    assert_eq!(e, reel_core::Error::DownloadsNotAllowed { server: "Den".into() });
    assert!(s.core.downloads().await.unwrap().is_empty(), "nothing queued");
    s.run().await;
    assert!(s.downloads_of_parts().is_empty(), "no file asked for");
}

/// Paused while it runs: the run stops within a moment, what came stays
/// (never renamed as whole); resumed, it goes on with `Range` from there to
/// the server's bytes. Meanwhile it is told with its pace, and the space the
/// downloads take counts what came.
#[tokio::test(flavor = "multi_thread")]
async fn paused_mid_transfer_then_resumed_from_where_it_stopped() {
    let size = std::fs::metadata(clip().file).unwrap().len();
    let s = session_with(|t| {
        let media = t.servers[0].library.media.as_mut().unwrap();
        // About four seconds for the file: time to pause it part-way.
        media.bytes_per_second = Some(size / 4);
    })
    .await;
    let movie = s.first_of(SectionKind::Movie).await;
    let d = s.core.download(&s.source_id, &movie.rating_key).await.unwrap().remove(0);
    let part = std::path::PathBuf::from(format!("{}.part", d.file.display()));
    let seen = Mutex::new(Vec::new());
    let tell = |d: &Download| seen.lock().unwrap().push(d.clone());
    let run = s.core.run_downloads(&tell);
    let pause = async {
        let had = fake_plex::testing::wait_for_async(
            "a part of the file",
            std::time::Duration::from_secs(30),
            || async { std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0) },
            |n| *n > size / 4 && *n < size * 3 / 4,
        )
        .await;
        s.core.pause_download(&s.source_id, &movie.rating_key).await.unwrap();
        had
    };
    let (ran, _) = tokio::join!(run, pause);
    ran.unwrap();
    let listed = s.core.downloads().await.unwrap();
    assert_eq!(listed[0].state, DownloadState::Paused, "{listed:?}");
    let kept = listed[0].fetched;
    assert!(kept > 0 && kept < size, "what came is kept: {kept} of {size}");
    assert!(!d.file.exists(), "a paused download is never whole");
    let told = seen.into_inner().unwrap();
    assert!(told.iter().any(|d| d.bytes_per_second.is_some_and(|r| r > 0)), "its pace was told: {told:?}");
    assert_eq!(told.last().map(|d| d.state), Some(DownloadState::Paused));
    let space = s.core.download_space().await.unwrap();
    assert!(space.used >= kept && space.free.is_some_and(|f| f > 0), "{space:?}");

    // A paused one is not run until resumed.
    s.fp.clear_requests();
    s.run().await;
    assert!(s.downloads_of_parts().is_empty(), "paused stays paused");
    s.core.resume_download(&s.source_id, &movie.rating_key).await.unwrap();
    let told = s.run().await;
    assert_eq!(told.last().map(|d| d.state), Some(DownloadState::Done), "{told:?}");
    let from: Vec<u64> = s
        .downloads_of_parts()
        .iter()
        .filter_map(|r| r.range.as_deref()?.strip_prefix("bytes=")?.strip_suffix('-')?.parse().ok())
        .collect();
    assert!(from.first().is_some_and(|f| *f >= kept.saturating_sub(1 << 20) && *f > 0), "from {from:?}, kept {kept}");
    assert_eq!(bytes(&d.file), bytes(&clip().file), "byte-identical");
    // Only a stopped one can be resumed, and only a known one.
    let none = s.core.resume_download(&s.source_id, &ItemKey::new("no-such-item")).await;
    assert!(matches!(none, Err(reel_core::Error::NoDownload { .. })), "{none:?}");
}

/// Signing out asks what to do with the account's downloads: deleted,
/// nothing of them is left (file, row, the server's folder); kept, the
/// file stays where it was.
#[tokio::test(flavor = "multi_thread")]
async fn signing_out_deletes_or_keeps_the_accounts_downloads() {
    for choice in [reel_core::AccountDownloads::Delete, reel_core::AccountDownloads::Keep] {
        let s = session().await;
        let movie = s.first_of(SectionKind::Movie).await;
        let d = s.core.download(&s.source_id, &movie.rating_key).await.unwrap().remove(0);
        s.run().await;
        let account = s.core.accounts().remove(0);
        let size = std::fs::metadata(clip().file).unwrap().len();
        assert_eq!(s.core.account_downloads(account.id()).await.unwrap(), (1, size), "said before signing out");
        s.core.sign_out(account.id(), choice).await.unwrap();
        let left: Vec<_> = fake_plex::testing::files_under(&s.dir.path().join("downloads"))
            .into_iter()
            .filter(|f| f.extension().is_none_or(|e| e != "sqlite3" && e != "sqlite3-wal" && e != "sqlite3-shm"))
            .collect();
        match choice {
            reel_core::AccountDownloads::Delete => {
                assert!(left.is_empty() && s.core.downloads().await.unwrap().is_empty(), "{left:?}");
                let server_dir = d.file.parent().unwrap();
                assert!(!server_dir.exists(), "no folder names the server: {server_dir:?}");
            }
            reel_core::AccountDownloads::Keep => {
                let (media, rest): (Vec<_>, Vec<_>) = left.into_iter().partition(|f| *f == d.file);
                assert_eq!(media, vec![d.file.clone()], "kept");
                let in_folder =
                    |name: &str| rest.iter().filter(|f| f.parent().is_some_and(|p| p.ends_with(name))).count();
                assert_eq!(in_folder("subtitles"), 1, "its subtitles kept with it: {rest:?}");
                assert_eq!(in_folder("images"), 2, "its poster and backdrop kept with it: {rest:?}");
                assert_eq!(rest.len(), 3, "{rest:?}");
            }
        }
    }
}

/// Keeping up with a show: its next two unwatched episodes are queued; one
/// watched (what the server says, from here or another device) makes room:
/// its file goes, the next comes. With the server away nothing changes.
#[tokio::test(flavor = "multi_thread")]
async fn keeping_up_with_a_show_keeps_its_next_unwatched_episodes() {
    let s = session().await;
    let show = s.first_of(SectionKind::Show).await;
    let mut episodes = Vec::new();
    for season in s.core.fetch_children(&s.source_id, &show.rating_key).await.unwrap() {
        episodes.extend(s.core.fetch_children(&s.source_id, &season.rating_key).await.unwrap());
    }
    let unwatched: Vec<_> = episodes.iter().filter(|e| !e.watched()).cloned().collect();
    assert!(unwatched.len() >= 3, "the scenario needs three unwatched episodes: {}", unwatched.len());

    s.core.set_keep_next(&s.source_id, &show.rating_key, Some(2)).await.unwrap();
    let kept = s.core.keep_up().await.unwrap();
    assert_eq!((kept.queued, kept.removed, kept.unreachable), (2, 0, 0));
    s.run().await;
    assert_eq!(s.held().await, vec![unwatched[0].rating_key.clone(), unwatched[1].rating_key.clone()]);
    let first = s.core.downloads().await.unwrap().remove(0);
    assert!(first.file.exists() && first.state == DownloadState::Done);
    // Applied again with nothing new: nothing changes.
    assert_eq!(s.core.keep_up().await.unwrap(), reel_core::models::KeptUp::default());

    // The first watched: its file goes, the third comes.
    s.core.set_watched(&s.source_id, &unwatched[0], true).await.unwrap();
    let kept = s.core.keep_up().await.unwrap();
    assert_eq!((kept.queued, kept.removed), (1, 1));
    s.run().await;
    assert_eq!(s.held().await, vec![unwatched[1].rating_key.clone(), unwatched[2].rating_key.clone()]);
    assert!(!first.file.exists(), "the watched episode's file is gone");

    // The server away: nothing is removed or asked for.
    s.core.set_watched(&s.source_id, &unwatched[1], true).await.unwrap();
    assert!(s.fp.set_behaviour("Den", None, fake_plex::topology::Behaviour::Refuse));
    let kept = s.core.keep_up().await.unwrap();
    assert_eq!((kept.queued, kept.removed, kept.unreachable), (0, 0, 1));
    assert_eq!(s.held().await.len(), 2);

    // No longer kept up with: the rule goes, the files stay.
    s.core.set_keep_next(&s.source_id, &show.rating_key, None).await.unwrap();
    assert!(s.core.keep_rules().await.unwrap().is_empty());
    assert_eq!(s.held().await.len(), 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_folder_chosen_takes_new_downloads_and_one_that_cannot_is_refused() {
    let s = session().await;
    let sections = s.core.fetch_sections(&s.source_id).await.unwrap();
    let movies = sections.iter().find(|x| x.kind == SectionKind::Movie).unwrap();
    let items = s.core.fetch_items(&s.source_id, &movies.key, 0, Some(2)).await.unwrap();
    let own = s.dir.path().join("downloads");
    assert_eq!(s.core.download_folder(), own, "Reel's own folder unless one is chosen");
    s.core.download(&s.source_id, &items[0].rating_key).await.unwrap();
    s.run().await;

    // Folders that cannot take downloads are refused, in words, and change nothing.
    let a_file = s.dir.path().join("a-file");
    std::fs::write(&a_file, b"not a folder").unwrap();
    for bad in [a_file.join("Reel"), "Videos/Reel".into()] {
        let e = s.core.set_download_folder(Some(bad.clone())).await.unwrap_err();
        assert!(matches!(&e, reel_core::Error::DownloadFolder { path, .. } if *path == bad), "{e:?}");
    }
    assert_eq!(s.core.download_folder(), own);

    // A folder chosen (made when missing) takes the next download; what was
    // here stays, plays, and counts; the person's own files there are neither
    // touched nor counted.
    let chosen = s.dir.path().join("Videos/Reel");
    assert_eq!(s.core.set_download_folder(Some(chosen.clone())).await.unwrap(), chosen);
    std::fs::write(chosen.join("holiday.mkv"), vec![7u8; 4096]).unwrap();
    s.core.download(&s.source_id, &items[1].rating_key).await.unwrap();
    s.run().await;
    let all = s.core.downloads().await.unwrap();
    assert!(all.iter().all(|d| d.state == DownloadState::Done), "{all:?}");
    assert!(all[0].file.starts_with(&own) && all[0].file.exists(), "{:?}", all[0].file);
    assert!(all[1].file.starts_with(&chosen) && all[1].file.exists(), "{:?}", all[1].file);
    assert_eq!(bytes(&all[1].file), bytes(&clip().file));
    let space = s.core.download_space().await.unwrap();
    assert_eq!(space.used, all.iter().map(|d| d.fetched).sum::<u64>());

    // Kept in config.toml (with no token), for reel-cli and the next start.
    let config = std::fs::read_to_string(s.dir.path().join("config.toml")).unwrap();
    assert!(config.contains("download_folder") && config.contains("Videos/Reel"), "{config}");
    assert!(!config.contains(s.fp.info().account_token.as_str()));
    let next =
        Core::open(core_options(&s.fp, s.dir.path(), reel_core::services::secrets::SecretStore::in_memory())).unwrap();
    assert_eq!(next.download_folder(), chosen);

    // Back to Reel's own; the chosen folder keeps what is in it.
    assert_eq!(s.core.set_download_folder(None).await.unwrap(), own);
    assert!(chosen.join("holiday.mkv").exists() && all[1].file.exists());
    let config = std::fs::read_to_string(s.dir.path().join("config.toml")).unwrap();
    assert!(!config.contains("download_folder"), "{config}");
}

/// Music with no server: the queue of an album is made here of its
/// downloaded tracks, in album order, from the one asked for; an artist's
/// holds them album by album. With the server there, the server makes it.
#[tokio::test(flavor = "multi_thread")]
async fn offline_an_albums_queue_is_made_here_of_its_downloaded_tracks() {
    use reel_core::models::{PlayQueue, QueueSource};
    use reel_core::playback::{Answer, CoreCall};
    static ALBUM: OnceLock<(tempfile::TempDir, Vec<MediaSpec>)> = OnceLock::new();
    let (_, songs) = ALBUM.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let songs = fake_plex::music::make_album(dir.path(), &[2, 2]).expect("gst-launch-1.0 makes the album");
        (dir, songs)
    });
    let s = session_with(|t| {
        let lib = &mut t.servers[0].library;
        (lib.artists, lib.albums_per_artist, lib.tracks_per_album) = (1, 3, 4);
        lib.music = songs.clone();
    })
    .await;
    let artist = s.first_of(SectionKind::Music).await;
    let albums = s.core.fetch_children(&s.source_id, &artist.rating_key).await.unwrap();
    let (first, second) = (&albums[0], &albums[1]);
    let tracks = s.core.fetch_children(&s.source_id, &first.rating_key).await.unwrap();
    let later = s.core.fetch_children(&s.source_id, &second.rating_key).await.unwrap();
    // Tracks 3 and 1 of the first album, and 2 of the second, downloaded (in that order).
    for key in [&tracks[2], &tracks[0], &later[1]].map(|t| &t.rating_key) {
        s.core.download(&s.source_id, key).await.unwrap();
    }
    s.run().await;
    let make =
        |from: &reel_core::models::MediaItem, start: Option<&reel_core::models::MediaItem>| CoreCall::MakeQueue {
            source_id: s.source_id.clone(),
            from: QueueSource::from(from.clone()),
            start: start.cloned(),
            shuffle: false,
            keep_playing: false,
            or_local: true,
        };
    let queue_of = |a: Answer| match a {
        Answer::QueueMade { result, .. } => result,
        other => panic!("{other:?}"),
    };
    let keys = |q: &PlayQueue| q.entries.iter().map(|e| e.item.rating_key.clone()).collect::<Vec<_>>();
    // The server there: its own queue, every track.
    let q = queue_of(s.core.carry_out(make(first, None), &Decodes).await).unwrap();
    assert!(!q.is_local() && q.entries.len() == tracks.len(), "{q:?}");

    for i in 0..s.fp.info().servers[0].connections.len() {
        s.fp.set_behaviour("Den", Some(i), Behaviour::Refuse);
    }
    let port = s.fp.info().servers[0].connections[0].port;
    fake_plex::testing::wait_until("the server's port closed", std::time::Duration::from_secs(10), || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_err()
    });
    let q = queue_of(s.core.carry_out(make(first, Some(&tracks[2])), &Decodes).await).unwrap();
    assert!(q.is_local(), "{q:?}");
    assert_eq!(keys(&q), [tracks[0].rating_key.clone(), tracks[2].rating_key.clone()], "album order");
    assert_eq!(q.entries[q.selected_index().unwrap()].item.rating_key, tracks[2].rating_key, "from the one asked for");
    let q = queue_of(s.core.carry_out(make(&artist, None), &Decodes).await).unwrap();
    assert_eq!(
        keys(&q),
        [tracks[0].rating_key.clone(), tracks[2].rating_key.clone(), later[1].rating_key.clone()],
        "album by album"
    );
    // Each plays from its file.
    let plan = s.core.prepare_playback(&s.source_id, &later[1].rating_key, &Decodes, 0).await.unwrap();
    assert_eq!(plan.location.url.scheme(), "file");
    // Handing over asks the server alone: offline, it says so.
    let handover = CoreCall::MakeQueue {
        source_id: s.source_id.clone(),
        from: QueueSource::from(first.clone()),
        start: Some(tracks[2].clone()),
        shuffle: false,
        keep_playing: true,
        or_local: false,
    };
    let e = queue_of(s.core.carry_out(handover, &Decodes).await).unwrap_err();
    assert!(e.is_offline(), "{e:?}");
    // Nothing of it downloaded: the server's word stands.
    let e = queue_of(s.core.carry_out(make(&albums[2], None), &Decodes).await).unwrap_err();
    assert!(e.is_offline(), "{e:?}");
}

/// Whether `file` (a Matroska copy) decodes with a picture `w`×`h`
/// (GStreamer refuses the caps otherwise). Its picture alone is decoded,
/// as fast as it goes: a `decodebin` left with unlinked audio pads while
/// its sink kept time hung once on a busy machine (20 min at 0 % CPU), so
/// the decoder also has a deadline.
fn decodes_at(file: &std::path::Path, (w, h): (u32, u32)) -> bool {
    let location = format!("location={}", file.display());
    let caps = format!("video/x-raw,width={w},height={h}");
    let mut gst = fake_plex::testing::Guarded::spawn(std::process::Command::new("gst-launch-1.0").args([
        "-q",
        "filesrc",
        &location,
        "!",
        "matroskademux",
        "name=d",
        "d.video_0",
        "!",
        "queue",
        "!",
        "decodebin",
        "!",
        &caps,
        "!",
        "fakesink",
        "sync=false",
    ]))
    .expect("gst-launch-1.0 (scripts/setup.sh installs it)");
    let mut status = None;
    fake_plex::testing::wait_until("gst-launch-1.0 to decode the copy", std::time::Duration::from_secs(120), || {
        status = gst.child().try_wait().ok().flatten();
        status.is_some()
    });
    status.is_some_and(|s| s.success())
}

/// How many tracks of `kind` ("video", "audio", "subtitles") `file` holds,
/// as GStreamer's discoverer reads it.
fn tracks_in(file: &std::path::Path, kind: &str) -> usize {
    let out = std::process::Command::new("gst-discoverer-1.0")
        .arg(file)
        .output()
        .expect("gst-discoverer-1.0 (scripts/setup.sh installs it)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().filter(|l| l.trim_start().starts_with(&format!("{kind} #"))).count()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_film_asked_at_480p_is_converted_by_the_server_waited_for_and_fetched_whole() {
    use fake_plex::testing::wait_for_async;
    use reel_core::models::DownloadQuality;
    let s = session().await;
    let movie = s.first_of(SectionKind::Movie).await;
    // The quality chosen in Preferences is what a plan asks for; its size
    // is said from the bitrate and length, never more than the original.
    s.core.set_download_quality(DownloadQuality::P480).await.unwrap();
    assert_eq!(s.core.preferences().download_quality, Some(DownloadQuality::P480));
    let plan = s.core.plan_download(&s.source_id, &movie.rating_key).await.unwrap();
    let original = bytes(&clip().file).len() as u64;
    assert_eq!(plan.quality, DownloadQuality::P480);
    assert!(plan.bytes > 0 && plan.bytes <= original, "{} of {original}", plan.bytes);
    // The server holds its copy back: the download waits, said as converting.
    assert!(s.fp.hold_conversions("Den", true));
    let queued = s.core.queue_download(plan).await.unwrap().remove(0);
    assert_eq!((queued.quality, queued.size), (DownloadQuality::P480, None));
    let seen = Mutex::new(Vec::<Download>::new());
    let media_asks = || {
        s.fp.requests()
            .into_iter()
            .filter(|r| r.path.starts_with("/downloadQueue/") && r.path.ends_with("/media"))
            .count()
    };
    // Paused while the server converts, then resumed: the copy asked for
    // first is the one waited for (nothing is asked twice).
    let pause = async {
        wait_for_async(
            "the download told as converting",
            std::time::Duration::from_secs(30),
            || async { seen.lock().unwrap().iter().any(|d| d.converting) && media_asks() >= 1 },
            |ok| *ok,
        )
        .await;
        s.core.pause_download(&s.source_id, &movie.rating_key).await.unwrap();
    };
    let tell = |d: &Download| seen.lock().unwrap().push(d.clone());
    let (ran, ()) = tokio::join!(s.core.run_downloads(&tell), pause);
    ran.unwrap();
    assert_eq!(s.core.downloads().await.unwrap()[0].state, DownloadState::Paused);
    s.core.resume_download(&s.source_id, &movie.rating_key).await.unwrap();
    let release = async {
        wait_for_async(
            "a 503 answered again after the resume",
            std::time::Duration::from_secs(30),
            || async { media_asks() },
            |n| *n >= 2,
        )
        .await;
        assert!(s.fp.hold_conversions("Den", false));
    };
    let quiet = |_: &Download| {};
    let (ran, ()) = tokio::join!(s.core.run_downloads(&quiet), release);
    ran.unwrap();
    let done = s.core.downloads().await.unwrap().remove(0);
    assert_eq!(
        (done.state, done.quality, &done.fault),
        (DownloadState::Done, DownloadQuality::P480, &None),
        "{done:?}"
    );
    let made = fake_plex::pms::download_queue::converted_path(&clip().file, (854, 480), 2000);
    let converted = bytes(&made);
    assert!(!converted.is_empty() && bytes(&done.file) == converted, "byte-identical to the server's copy");
    assert_eq!((done.size, done.fetched), (Some(converted.len() as u64), converted.len() as u64));
    assert!(decodes_at(&done.file, (854, 480)), "a 480p picture");
    assert_eq!(done.file.file_name().unwrap().to_string_lossy(), format!("{}-480p.mkv", movie.rating_key.as_str()));
    // Asked once, at the size chosen, the token in a header only; the
    // part file itself never fetched.
    let token = &s.fp.info().servers[0].access_token;
    let asked: Vec<_> = s.fp.requests().into_iter().filter(|r| r.path.starts_with("/downloadQueue")).collect();
    let adds: Vec<_> = asked.iter().filter(|r| r.path.ends_with("/add")).collect();
    assert_eq!(adds.len(), 1, "{adds:?}");
    assert!(
        adds[0].query.contains("videoResolution=854x480") && adds[0].query.contains("maxVideoBitrate=2000"),
        "{adds:?}"
    );
    assert!(adds[0].query.contains(&format!("%2Flibrary%2Fmetadata%2F{}", movie.rating_key.as_str())), "{adds:?}");
    for r in &asked {
        assert!(!r.query.contains(token.as_str()) && r.token.as_deref() == Some(token.as_str()), "{r:?}");
    }
    assert!(s.downloads_of_parts().is_empty(), "the original is not fetched");
    // Played from its file even by a player that could not decode the
    // original: the server made the copy for it.
    struct DecodesNothing;
    impl reel_core::playback::Capabilities for DecodesNothing {
        fn can_decode(&self, _: &reel_core::playback::Format) -> bool {
            false
        }
    }
    let plan = s.core.prepare_playback(&s.source_id, &movie.rating_key, &DecodesNothing, 0).await.unwrap();
    assert_eq!(plan.location.url.to_file_path().ok(), Some(done.file.clone()), "{:?}", plan.location.url);
    assert!(plan.transcode.is_none());
    // The tracks offered are the copy's: the original's two audio tracks
    // and its subtitles are not all in it, and the player is not told so.
    let original = clip();
    assert_eq!((tracks_in(&original.file, "audio"), tracks_in(&original.file, "subtitles")), (2, 1));
    let (_, _, part) = plan.playable.first_part().expect("a part");
    for (kind, name) in
        [(StreamKind::Video, "video"), (StreamKind::Audio, "audio"), (StreamKind::Subtitle, "subtitles")]
    {
        assert_eq!(part.embedded(kind).len(), tracks_in(&done.file, name), "{name} tracks offered: {part:?}");
    }
    assert_eq!(part.embedded(StreamKind::Audio).len(), 1, "{part:?}");
    assert_eq!(part.sidecar_subtitles().len(), 1, "the subtitle file beside the film is still offered");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_that_converts_nothing_sends_the_original_and_music_is_always_original() {
    use reel_core::models::DownloadQuality;
    let s = session_with(|t| {
        let lib = &mut t.servers[0].library;
        lib.no_download_queue = true;
        lib.music = vec![clip()];
        (lib.artists, lib.albums_per_artist, lib.tracks_per_album) = (1, 1, 1);
    })
    .await;
    s.core.set_download_quality(DownloadQuality::P720).await.unwrap();
    let movie = s.first_of(SectionKind::Movie).await;
    let artist = s.first_of(SectionKind::Music).await;
    let queued = s.core.download(&s.source_id, &movie.rating_key).await.unwrap().remove(0);
    assert_eq!(queued.quality, DownloadQuality::P720);
    let track = s.core.download(&s.source_id, &artist.rating_key).await.unwrap().remove(0);
    assert_eq!((track.kind, track.quality), (ItemKind::Track, DownloadQuality::Original));
    s.run().await;
    let done = s.core.downloads().await.unwrap().into_iter().find(|d| d.rating_key == movie.rating_key).unwrap();
    let server_file = bytes(&clip().file);
    assert_eq!((done.state, done.quality), (DownloadState::Done, DownloadQuality::Original), "{done:?}");
    assert!(bytes(&done.file) == server_file, "the original, byte-identical");
    assert_eq!(done.size, Some(server_file.len() as u64));
    assert_eq!(done.file.file_name().unwrap().to_string_lossy(), format!("{}.mkv", movie.rating_key.as_str()));
    let asked: Vec<_> = s.fp.requests().into_iter().filter(|r| r.path.starts_with("/downloadQueue")).collect();
    assert!(asked.iter().all(|r| r.path == "/downloadQueue"), "no more than the question: {asked:?}");
    let transcoder = s.fp.requests().into_iter().filter(|r| r.path.ends_with("/universal/start.mkv")).count();
    assert_eq!(transcoder, 1, "its transcoder asked (it has none) before the original");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_server_without_a_download_queue_converts_with_its_transcoder_while_it_sends() {
    use reel_core::models::DownloadQuality;
    let media = tempfile::tempdir().unwrap();
    let with_transcoder = fake_plex::media::with_hls(clip(), media.path()).expect("an HLS rendition (gst-libav)");
    let s = session_with(|t| {
        let lib = &mut t.servers[0].library;
        lib.no_download_queue = true;
        lib.media = Some(with_transcoder);
    })
    .await;
    s.core.set_download_quality(DownloadQuality::P720).await.unwrap();
    let movie = s.first_of(SectionKind::Movie).await;
    s.core.download(&s.source_id, &movie.rating_key).await.unwrap();
    s.run().await;
    let done = s.core.downloads().await.unwrap().remove(0);
    assert_eq!(
        (done.state, done.quality, &done.fault),
        (DownloadState::Done, DownloadQuality::P720, &None),
        "{done:?}"
    );
    let made = bytes(&fake_plex::pms::download_queue::converted_path(&clip().file, (1280, 720), 4000));
    assert!(!made.is_empty() && bytes(&done.file) == made, "the transcoder's copy, whole");
    assert_eq!(done.size, Some(made.len() as u64));
    assert!(decodes_at(&done.file, (1280, 720)), "a 720p picture");
    let asked: Vec<_> = s.fp.requests().into_iter().filter(|r| r.path.ends_with("/universal/start.mkv")).collect();
    assert_eq!(asked.len(), 1, "{asked:?}");
    let q = &asked[0].query;
    assert!(
        q.contains("offlineTranscode=1")
            && q.contains("videoResolution=1280x720")
            && q.contains("maxVideoBitrate=4000"),
        "{q}"
    );
    let token = &s.fp.info().servers[0].access_token;
    assert!(!q.contains(token.as_str()) && asked[0].token.as_deref() == Some(token.as_str()), "the token in a header");
    assert!(s.downloads_of_parts().is_empty(), "the original is not fetched");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_copy_the_server_cannot_make_fails_in_words_and_leaves_nothing() {
    use reel_core::models::DownloadQuality;
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.mkv");
    std::fs::write(&broken, b"not a film at all").unwrap();
    let s = session_with(|t| {
        t.servers[0].library.media = Some(MediaSpec { file: broken.clone(), ..clip() });
    })
    .await;
    s.core.set_download_quality(DownloadQuality::P480).await.unwrap();
    let movie = s.first_of(SectionKind::Movie).await;
    s.core.download(&s.source_id, &movie.rating_key).await.unwrap();
    s.run().await;
    let failed = s.core.downloads().await.unwrap().remove(0);
    assert_eq!((failed.state, &failed.fault), (DownloadState::Failed, &Some(DownloadFault::ConversionFailed)));
    let part = std::path::PathBuf::from(format!("{}.part", failed.file.display()));
    assert!(!failed.file.exists() && std::fs::metadata(&part).map_or(0, |m| m.len()) == 0, "nothing of it kept");
}
