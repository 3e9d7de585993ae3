//! Entry points for the fuzzers (`fuzz/`) and their regression test: what
//! Reel does with bytes from a server, plex.tv or the settings file, from
//! parsing to the models the app sees. Never to panic, whatever the bytes.

use crate::backends::plex::playback_types::{PlayableContainer, PrefsContainer};
use crate::backends::plex::types::*;
use crate::http::{parse_json, plex_error_code};
use crate::models::{Hub, MediaItem, Playable, Section};

/// Every Plex JSON answer Reel reads, and what it makes of it.
pub fn plex_json(data: &[u8]) {
    let url = url::Url::parse("http://fuzz.invalid:32400/").expect("static URL");
    let _ = plex_error_code(data);
    if let Ok(e) = parse_json::<Envelope<ItemsContainer>>(&url, data) {
        let _: Vec<MediaItem> = e.media_container.metadata.into_iter().map(Into::into).collect();
    }
    if let Ok(e) = parse_json::<Envelope<SectionsContainer>>(&url, data) {
        let _: Vec<Section> = e.media_container.directory.into_iter().map(Into::into).collect();
    }
    if let Ok(e) = parse_json::<Envelope<HubsContainer>>(&url, data) {
        let _: Vec<Hub> = e.media_container.hub.into_iter().map(Into::into).collect();
    }
    if let Ok(e) = parse_json::<PlayableContainer>(&url, data) {
        for p in e.metadata.into_iter().map(Playable::from) {
            let _ = (p.duration_ms(), p.first_part().map(|(_, _, part)| part.streams.len()), p.marker_at(1_000));
        }
    }
    let _ = parse_json::<PrefsContainer>(&url, data);
    let _ = parse_json::<Envelope<Identity>>(&url, data);
    let _ = parse_json::<Envelope<ServerRoot>>(&url, data);
    if let Ok(resources) = parse_json::<Vec<PlexResource>>(&url, data) {
        for r in resources {
            let _: Vec<crate::models::Connection> = r.connections.into_iter().map(Into::into).collect();
        }
    }
    let _ = parse_json::<PlexUser>(&url, data);
    let _ = parse_json::<WirePin>(&url, data);
}

/// The settings file as Reel reads it, and what a damaged one still names.
pub fn settings(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(c) = toml::from_str::<crate::config::Config>(&text) {
        // What is read is written back: it must serialise.
        let _ = toml::to_string_pretty(&c);
    }
    let _ = crate::services::auth_manager::recovery::accounts_in(&text);
}
