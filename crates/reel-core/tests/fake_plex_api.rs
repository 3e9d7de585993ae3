//! fake-plex itself, over loopback HTTP: the endpoints the Reel client does
//! not call yet (timeline, scrobble, transcode) and the behaviours tests rely on
//! (JSON/XML by Accept, 401 without a token, paging by query or header).

mod common;
use common::*;
use fake_plex::topology::{Behaviour, Protocol};
use fake_plex::FakePlex;

async fn setup() -> (FakePlex, reqwest::Client, String, String) {
    let fp =
        FakePlex::start(topology(vec![server("Den", true, vec![conn(true, false, Protocol::Http, Behaviour::Ok)])]))
            .await
            .unwrap();
    let s = fp.info().servers[0].clone();
    (fp, reqwest::Client::new(), s.connections[0].uri.clone(), s.access_token)
}

#[tokio::test]
async fn answers_json_or_xml_by_accept_and_checks_tokens() {
    let (_fp, http, base, token) = setup().await;
    let url = format!("{base}/library/sections");
    let json = http.get(&url).header("X-Plex-Token", &token).header("Accept", "application/json").send().await.unwrap();
    assert_eq!(json.headers()["content-type"], "application/json");
    let v: serde_json::Value = json.json().await.unwrap();
    assert_eq!(v["MediaContainer"]["Directory"].as_array().unwrap().len(), 3);
    let xml = http.get(&url).header("X-Plex-Token", &token).send().await.unwrap().text().await.unwrap();
    assert!(xml.starts_with("<?xml") && xml.contains("<Directory") && xml.contains("title=\"Movies\""), "{xml}");
    assert_eq!(http.get(&url).send().await.unwrap().status(), 401);
    assert_eq!(http.get(&url).header("X-Plex-Token", "nope").send().await.unwrap().status(), 401);
    assert_eq!(http.get(format!("{base}/identity")).send().await.unwrap().status(), 200, "identity needs no token");
    // Items in XML are named by kind.
    let shows = http
        .get(format!("{base}/library/sections/2/all?X-Plex-Token={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(shows.contains("<Directory") && shows.contains("type=\"show\""), "{shows}");
    let movies = http
        .get(format!("{base}/library/sections/1/all?X-Plex-Token={token}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(movies.contains("<Video") && movies.contains("<Media") && movies.contains("<Part"), "{movies}");
}

#[tokio::test]
async fn pages_by_query_or_by_header() {
    let (_fp, http, base, token) = setup().await;
    let get = |rb: reqwest::RequestBuilder| {
        let rb = rb.header("X-Plex-Token", token.clone()).header("Accept", "application/json");
        async move { rb.send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
    };
    let by_query =
        get(http.get(format!("{base}/library/sections/1/all?X-Plex-Container-Start=5&X-Plex-Container-Size=4"))).await;
    let by_header = get(http
        .get(format!("{base}/library/sections/1/all"))
        .header("X-Plex-Container-Start", "5")
        .header("X-Plex-Container-Size", "4"))
    .await;
    for v in [&by_query, &by_header] {
        let mc = &v["MediaContainer"];
        assert_eq!(
            (mc["offset"].as_u64(), mc["size"].as_u64(), mc["totalSize"].as_u64()),
            (Some(5), Some(4), Some(30))
        );
    }
    assert_eq!(by_query["MediaContainer"]["Metadata"], by_header["MediaContainer"]["Metadata"]);
}

#[tokio::test]
async fn timeline_scrobble_and_unscrobble_change_watch_state() {
    let (fp, http, base, token) = setup().await;
    let machine = fp.info().servers[0].machine_identifier.clone();
    let movie: serde_json::Value = http
        .get(format!("{base}/library/sections/1/all?X-Plex-Container-Size=1"))
        .header("X-Plex-Token", &token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let m = &movie["MediaContainer"]["Metadata"][0];
    let key: u64 = m["ratingKey"].as_str().unwrap().parse().unwrap();
    let duration = m["duration"].as_u64().unwrap();
    let timeline = |time: u64| {
        http.post(format!("{base}/:/timeline?ratingKey={key}&key=/library/metadata/{key}&state=playing&time={time}&duration={duration}"))
            .header("X-Plex-Token", &token)
            .send()
    };
    assert_eq!(timeline(60_000).await.unwrap().status(), 200);
    assert_eq!(fp.watch_state(&machine, key), Some((0, 60_000)));
    // On deck / continue watching now has it.
    let hubs: serde_json::Value = http
        .get(format!("{base}/hubs"))
        .header("X-Plex-Token", &token)
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let cont = hubs["MediaContainer"]["Hub"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["hubIdentifier"] == "home.continue")
        .unwrap()
        .clone();
    assert_eq!(cont["Metadata"][0]["ratingKey"].as_str(), Some(key.to_string().as_str()));
    assert_eq!(timeline(duration - 1000).await.unwrap().status(), 200);
    assert_eq!(fp.watch_state(&machine, key), Some((1, 0)), "played to the end counts as watched");
    let id = "identifier=com.plexapp.plugins.library";
    assert_eq!(
        http.get(format!("{base}/:/unscrobble?key={key}&{id}"))
            .header("X-Plex-Token", &token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(fp.watch_state(&machine, key), Some((0, 0)));
    assert_eq!(
        http.get(format!("{base}/:/scrobble?key={key}&{id}"))
            .header("X-Plex-Token", &token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(fp.watch_state(&machine, key), Some((1, 0)));
    assert_eq!(
        http.get(format!("{base}/:/scrobble?key={key}")).header("X-Plex-Token", &token).send().await.unwrap().status(),
        400,
        "identifier is required"
    );
    assert_eq!(http.get(format!("{base}/:/scrobble?key={key}&{id}")).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn transcode_serves_posters_of_this_servers_items_only() {
    let (_fp, http, base, token) = setup().await;
    let ok = http
        .get(format!("{base}/photo/:/transcode?url=%2Flibrary%2Fmetadata%2F1000%2Fthumb%2F1&width=120&height=180"))
        .header("X-Plex-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.headers()["content-type"], "image/png");
    let png = ok.bytes().await.unwrap();
    assert_eq!(&png[1..4], b"PNG");
    // Width and height of the PNG's IHDR.
    assert_eq!(u32::from_be_bytes(png[16..20].try_into().unwrap()), 120);
    assert_eq!(u32::from_be_bytes(png[20..24].try_into().unwrap()), 180);
    let missing = http
        .get(format!("{base}/photo/:/transcode?url=%2Flibrary%2Fmetadata%2F99999999%2Fthumb%2F1"))
        .header("X-Plex-Token", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
}
