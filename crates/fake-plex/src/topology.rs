//! What a fake-plex instance serves: an account, its servers, and how each
//! server connection behaves. Read from TOML or JSON (by file extension).

use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Topology {
    #[serde(default)]
    pub account: AccountSpec,
    #[serde(default)]
    pub servers: Vec<ServerSpec>,
    /// Seconds a sign-in PIN stays valid (plex.tv uses 900 for strong PINs).
    #[serde(default = "default_pin_lifetime")]
    pub pin_lifetime_secs: u64,
}

fn default_pin_lifetime() -> u64 {
    900
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountSpec {
    #[serde(default = "default_username")]
    pub username: String,
    #[serde(default = "default_email")]
    pub email: String,
    /// The account token; generated when absent.
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default = "default_user_id")]
    pub id: u64,
}

impl Default for AccountSpec {
    fn default() -> Self {
        Self { username: default_username(), email: default_email(), token: None, id: default_user_id() }
    }
}

fn default_username() -> String {
    "demo".into()
}
fn default_email() -> String {
    "demo@example.invalid".into()
}
fn default_user_id() -> u64 {
    4_242_001
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSpec {
    pub name: String,
    /// The server's `clientIdentifier` / `machineIdentifier`; generated when absent.
    #[serde(default)]
    pub machine_identifier: Option<String>,
    #[serde(default = "yes")]
    pub owned: bool,
    #[serde(default)]
    pub https_required: bool,
    /// The server's own access token (shared servers have one different from the account's).
    #[serde(default)]
    pub access_token: Option<String>,
    #[serde(default = "default_provides")]
    pub provides: String,
    #[serde(default)]
    pub library: LibrarySpec,
    #[serde(default)]
    pub connections: Vec<ConnectionSpec>,
}

impl ServerSpec {
    /// The version the server says it is: one with a download queue, or
    /// one from before it.
    pub fn version(&self) -> &'static str {
        if self.library.no_download_queue {
            "1.41.3.9314-fake"
        } else {
            "1.42.1.10060-fake"
        }
    }
}

fn yes() -> bool {
    true
}
fn default_provides() -> String {
    "server".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LibrarySpec {
    #[serde(default = "d_movies")]
    pub movies: usize,
    #[serde(default = "d_shows")]
    pub shows: usize,
    #[serde(default = "d_seasons")]
    pub seasons_per_show: usize,
    #[serde(default = "d_episodes")]
    pub episodes_per_season: usize,
    #[serde(default = "d_artists")]
    pub artists: usize,
    #[serde(default = "d_albums")]
    pub albums_per_artist: usize,
    #[serde(default = "d_tracks")]
    pub tracks_per_album: usize,
    /// Seed for generated titles, years and summaries.
    #[serde(default)]
    pub seed: u64,
    /// Someone has been watching: this many movies are part-way through and
    /// the last show's first episode is watched, so home hubs have something.
    #[serde(default)]
    pub watching: usize,
    /// Awkward data a real library has: very long titles in many scripts,
    /// movies without a year or a poster, and an empty extra library.
    #[serde(default)]
    pub odd: bool,
    /// A real media file every movie and episode plays (see [`crate::media`]).
    #[serde(default)]
    pub media: Option<crate::media::MediaSpec>,
    /// What movies play instead, when they should differ from episodes (say,
    /// a codec no player has, so that movies go through the transcoder).
    #[serde(default)]
    pub movie_media: Option<crate::media::MediaSpec>,
    /// Real audio files the tracks play (see [`crate::music::make_album`]):
    /// track n of every album plays file (n − 1) mod len.
    #[serde(default)]
    pub music: Vec<crate::media::MediaSpec>,
    /// An older server: it lists no collections (`/library/sections/{key}/collections` is a 404).
    #[serde(default)]
    pub no_collections: bool,
    /// An older server (before 1.41.9): it has no download queue, so it
    /// converts nothing for downloads (`/downloadQueue` is a 404).
    #[serde(default)]
    pub no_download_queue: bool,
    /// The server's `LibraryVideoPlayedThreshold` in percent (Plex: 90).
    #[serde(default = "d_threshold")]
    pub played_threshold: u32,
    /// The server's `TranscoderThrottleBuffer` in seconds (Plex: 60): how
    /// far its transcoder works ahead of the player.
    #[serde(default = "d_throttle_buffer")]
    pub transcoder_throttle_buffer: u32,
    /// Whether the owner lets this user download (`allowSync` on the items).
    #[serde(default = "yes")]
    pub allow_sync: bool,
    /// Items were added lately: one a day until the server started (see
    /// `Library::add_lately`), not all in 2023.
    #[serde(default)]
    pub added_lately: bool,
}

fn d_throttle_buffer() -> u32 {
    60
}

fn d_threshold() -> u32 {
    90
}

fn d_movies() -> usize {
    24
}
fn d_shows() -> usize {
    4
}
fn d_seasons() -> usize {
    2
}
fn d_episodes() -> usize {
    6
}
fn d_artists() -> usize {
    3
}
fn d_albums() -> usize {
    2
}
fn d_tracks() -> usize {
    8
}

impl Default for LibrarySpec {
    fn default() -> Self {
        Self {
            movies: d_movies(),
            shows: d_shows(),
            seasons_per_show: d_seasons(),
            episodes_per_season: d_episodes(),
            artists: d_artists(),
            albums_per_artist: d_albums(),
            tracks_per_album: d_tracks(),
            seed: 0,
            watching: 0,
            odd: false,
            media: None,
            movie_media: None,
            music: Vec::new(),
            no_collections: false,
            no_download_queue: false,
            played_threshold: d_threshold(),
            transcoder_throttle_buffer: d_throttle_buffer(),
            allow_sync: true,
            added_lately: false,
        }
    }
}

impl LibrarySpec {
    /// A library of roughly `n` items, mostly movies, so `--items 50000` means a
    /// 50 000-movie section plus proportionate shows and music.
    pub fn sized(n: usize) -> Self {
        Self { movies: n, shows: (n / 50).max(1), artists: (n / 200).max(1), ..Self::default() }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionSpec {
    #[serde(default)]
    pub local: bool,
    #[serde(default)]
    pub relay: bool,
    #[serde(default)]
    pub protocol: Protocol,
    /// Listen on `::1` instead of `127.0.0.1`.
    #[serde(rename = "IPv6", alias = "ipv6", default)]
    pub ipv6: bool,
    #[serde(default)]
    pub behaviour: Behaviour,
    /// A DNS name for the URI instead of the address, as plex.tv lists
    /// `https://a-b-c-d.<hash>.plex.direct:32400`; the certificate covers it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// An https port that also answers plain http, as a real server's 32400 does.
    #[serde(default)]
    pub also_http: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    #[default]
    Http,
    Https,
}

impl Protocol {
    pub fn scheme(self) -> &'static str {
        match self {
            Protocol::Http => "http",
            Protocol::Https => "https",
        }
    }
}

/// How one connection (one listening port) answers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    /// Answer normally.
    #[default]
    Ok,
    /// Answer normally after this many milliseconds (a stand-in for network RTT).
    Delay(u64),
    /// Accept the TCP connection and never answer.
    Hang,
    /// Nothing listens on the port: connections are refused.
    Refuse,
    /// HTTP 500 to everything.
    Error500,
    /// Says who it is (`/identity`), then HTTP 500 to everything else: a
    /// server whose library database is broken.
    LibraryError500,
    /// Answer as a different server (another machineIdentifier), 401 to tokens.
    WrongIdentity,
    /// 200 with a body that is not valid JSON/XML.
    Malformed,
    /// Start the real answer, then drop the connection halfway.
    Truncated,
    /// 200 with a body of this many megabytes.
    Huge(u64),
    /// Dribble the real answer a few bytes at a time.
    Slow,
    /// 302 to the same path on another host (fake-plex's sink on 127.0.0.2).
    Redirect,
    /// 302 to itself, for ever.
    RedirectLoop,
    /// This HTTP status and a short text body (429 with Retry-After).
    Status(u16),
    /// 200 with an HTML page where JSON or XML was asked for.
    WrongContentType,
    /// The real answer at one byte a second.
    Dribble,
    /// Says who it is (`/identity`) as usual, and everything else as the
    /// inner behaviour: a verified server that then misbehaves.
    ExceptIdentity(Box<Behaviour>),
}

impl Topology {
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)?;
        if path.extension().is_some_and(|e| e == "json") {
            Ok(serde_json::from_str(&text)?)
        } else {
            Ok(toml::from_str(&text)?)
        }
    }

    /// The demo account: one owned server reachable three ways and one shared
    /// server, so anyone can try the app without a Plex account.
    pub fn demo(items: Option<usize>) -> Self {
        let library = LibrarySpec { watching: 2, ..items.map(LibrarySpec::sized).unwrap_or_default() };
        Topology {
            account: AccountSpec::default(),
            pin_lifetime_secs: default_pin_lifetime(),
            servers: vec![
                ServerSpec {
                    name: "Living Room".into(),
                    machine_identifier: Some("demo0000living0room0000000000000000000001".into()),
                    owned: true,
                    https_required: false,
                    access_token: None,
                    provides: default_provides(),
                    library: library.clone(),
                    connections: vec![
                        ConnectionSpec {
                            local: true,
                            relay: false,
                            protocol: Protocol::Http,
                            ipv6: false,
                            behaviour: Behaviour::Ok,
                            ..Default::default()
                        },
                        ConnectionSpec {
                            local: false,
                            relay: false,
                            protocol: Protocol::Https,
                            ipv6: false,
                            behaviour: Behaviour::Delay(40),
                            ..Default::default()
                        },
                        ConnectionSpec {
                            local: false,
                            relay: true,
                            protocol: Protocol::Https,
                            ipv6: false,
                            behaviour: Behaviour::Delay(80),
                            ..Default::default()
                        },
                    ],
                },
                ServerSpec {
                    name: "Friend's Server".into(),
                    machine_identifier: Some("demo0000friend0server000000000000000000002".into()),
                    owned: false,
                    https_required: true,
                    access_token: None,
                    provides: "server".into(),
                    library: LibrarySpec { movies: 8, shows: 2, artists: 0, seed: 7, ..LibrarySpec::default() },
                    connections: vec![ConnectionSpec {
                        local: false,
                        relay: false,
                        protocol: Protocol::Https,
                        ipv6: false,
                        behaviour: Behaviour::Delay(25),
                        ..Default::default()
                    }],
                },
            ],
        }
    }
}
