//! The servers the window shows: each with its libraries (saved, then as
//! the server answered) and whether it answers, and the offline banner's
//! words. Plain logic, no widgets, so it is tested on its own.

use crate::i18n::i18n_f;
use crate::runtime::Failure;
use crate::widgets::sidebar::ServerEntry;
use chrono::{DateTime, Local};
use reel_core::models::{MediaList, Section, Source};
use reel_core::{ProviderId, SourceId};
use std::collections::BTreeMap;

#[derive(Debug, Default)]
pub struct ServerRegistry {
    entries: BTreeMap<SourceId, ServerEntry>,
    /// Why the sign-ins Reel keeps cannot be read (no keyring, a locked
    /// one, a token gone), while they cannot: the banner says it once,
    /// instead of every server failing in words of its own.
    secrets: Option<reel_core::Error>,
}

/// What marking a server did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reachability {
    Unchanged,
    WentOffline,
    /// It answers again: what is on screen from it should be refreshed.
    CameBack {
        name: String,
    },
}

impl ServerRegistry {
    pub fn get(&self, source_id: &str) -> Option<&ServerEntry> {
        self.entries.get(source_id)
    }

    pub fn source(&self, source_id: &str) -> Option<Source> {
        self.entries.get(source_id).map(|e| e.source.clone())
    }

    pub fn name(&self, source_id: &str) -> String {
        self.entries.get(source_id).map(|e| e.source.name.clone()).unwrap_or_default()
    }

    pub fn entries(&self) -> Vec<ServerEntry> {
        self.entries.values().cloned().collect()
    }

    pub fn sources(&self) -> Vec<Source> {
        self.entries.values().map(|e| e.source.clone()).collect()
    }

    pub fn offline_sources(&self) -> Vec<Source> {
        self.entries.values().filter(|e| e.offline_since.is_some()).map(|e| e.source.clone()).collect()
    }

    /// Adds a server, or replaces what is known of it while keeping its
    /// libraries and offline state until the server says otherwise.
    pub fn upsert(&mut self, source: Source) {
        let previous = self.entries.remove(&source.id);
        let (sections, offline_since, lists) =
            previous.map(|e| (e.sections, e.offline_since, e.lists)).unwrap_or_default();
        self.entries.insert(source.id.clone(), ServerEntry { source, offline_since, sections, lists });
    }

    /// Replaces a known server's details (its connection changed); unknown ones are ignored.
    pub fn update_source(&mut self, source: Source) {
        if let Some(e) = self.entries.get_mut(&source.id) {
            e.source = source;
        }
    }

    /// After an account's servers were discovered: those it no longer has go.
    pub fn retain_of_provider(&mut self, provider_id: &ProviderId, keep: &[SourceId]) {
        self.entries.retain(|id, e| e.source.auth_provider_id.as_ref() != Some(provider_id) || keep.contains(id));
    }

    /// An account was signed out: its servers go.
    pub fn remove_provider(&mut self, provider_id: &ProviderId) {
        self.entries.retain(|_, e| e.source.auth_provider_id.as_ref() != Some(provider_id));
    }

    /// Saved libraries, shown until the server answers; true when shown.
    pub fn saved_sections(&mut self, source_id: &str, sections: Vec<Section>) -> bool {
        match self.entries.get_mut(source_id).filter(|e| e.sections.is_none()) {
            Some(e) => {
                e.sections = Some(Ok(sections));
                true
            }
            None => false,
        }
    }

    /// A server's playlists and collections (saved, or as it answered); true when they changed.
    pub fn set_lists(&mut self, source_id: &str, lists: Vec<MediaList>) -> bool {
        match self.entries.get_mut(source_id).filter(|e| e.lists != lists) {
            Some(e) => {
                e.lists = lists;
                true
            }
            None => false,
        }
    }

    /// The server's answer about its libraries. Saved ones stay when it
    /// fails; returns the complaint worth a toast (not being reachable is
    /// said by the banner instead).
    pub fn checked(&mut self, source: Source, result: Result<Vec<Section>, Failure>) -> Option<String> {
        let entry = self.entries.get_mut(&source.id)?;
        entry.source = source;
        match result {
            Ok(sections) => {
                entry.sections = Some(Ok(sections));
                // A server answered with the token kept for it: the keyring reads again.
                self.secrets = None;
                None
            }
            Err(f) if f.error.is_missing_secret() => {
                self.secrets = Some(f.error);
                None
            }
            Err(f) => {
                let has_saved = matches!(&entry.sections, Some(Ok(s)) if !s.is_empty());
                if !has_saved {
                    entry.sections = Some(Err(i18n_f("Libraries unavailable: {}", &[&f.message()])));
                }
                (!f.offline).then(|| format!("{}: {}", entry.source.name, f.message()))
            }
        }
    }

    /// Records whether a server answered.
    pub fn mark(&mut self, source_id: &str, offline: bool, now: DateTime<Local>) -> Reachability {
        let Some(e) = self.entries.get_mut(source_id) else { return Reachability::Unchanged };
        let was_offline = e.offline_since.is_some();
        e.offline_since = if offline { e.offline_since.or(Some(now)) } else { None };
        match (was_offline, offline) {
            (true, false) => Reachability::CameBack { name: e.source.name.clone() },
            (false, true) => Reachability::WentOffline,
            _ => Reachability::Unchanged,
        }
    }

    /// Since when a server is offline as remembered across restarts; true when it changed.
    pub fn offline_since(&mut self, source_id: &str, since: DateTime<Local>) -> bool {
        match self.entries.get_mut(source_id).filter(|e| e.offline_since.is_some()) {
            Some(e) if e.offline_since != Some(since) => {
                e.offline_since = Some(since);
                true
            }
            _ => false,
        }
    }

    /// Discovery could not read a sign-in (`Some`), or did (`None`).
    pub fn secrets_missing(&mut self, error: Option<reel_core::Error>) {
        self.secrets = error.filter(reel_core::Error::is_missing_secret);
    }

    /// The banner's words: why the sign-ins cannot be read, and which
    /// servers are offline; None when all is well.
    pub fn banner(&self) -> Option<String> {
        let parts: Vec<String> =
            [self.secrets.as_ref().map(reel_words::error), self.offline_words()].into_iter().flatten().collect();
        (!parts.is_empty()).then(|| parts.join("\n"))
    }

    fn offline_words(&self) -> Option<String> {
        let offline: Vec<&ServerEntry> = self.entries.values().filter(|e| e.offline_since.is_some()).collect();
        let since = |t: DateTime<Local>| t.format("%H:%M").to_string();
        match offline.as_slice() {
            [] => None,
            [one] => Some(i18n_f(
                "{} is offline since {}. Showing what Reel saved; it will reconnect by itself.",
                &[&one.source.name, &one.offline_since.map(since).unwrap_or_default()],
            )),
            many => {
                let names: Vec<&str> = many.iter().map(|e| e.source.name.as_str()).collect();
                let earliest = many.iter().filter_map(|e| e.offline_since).min().map(since).unwrap_or_default();
                let (last, rest) = names.split_last().unwrap_or((&"", &[]));
                Some(i18n_f(
                    "{} and {} are offline since {}. Showing what Reel saved; they will reconnect by themselves.",
                    &[&rest.join(", "), last, &earliest],
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::window::navigation::tests::source;
    use chrono::TimeZone;

    fn of(id: &str, provider: &str) -> Source {
        Source { auth_provider_id: Some(provider.into()), ..source(id) }
    }

    fn section(key: &str) -> Section {
        serde_json::from_value(serde_json::json!({"key": key, "title": key, "kind": "movie"})).expect("a section")
    }

    #[test]
    fn saved_libraries_stay_when_the_server_fails() {
        let mut r = ServerRegistry::default();
        r.upsert(of("a", "p"));
        assert!(r.saved_sections("a", vec![section("1")]));
        let offline = Failure::from(reel_core::Error::NoConnection { server: "a".into() });
        assert_eq!(r.checked(of("a", "p"), Err(offline)), None, "offline is the banner's to say");
        assert!(matches!(&r.get("a").unwrap().sections, Some(Ok(s)) if s.len() == 1));
        let broken = Failure::from(reel_core::Error::Http { host: "h".into(), status: 500, message: None });
        assert!(r.checked(of("a", "p"), Err(broken)).is_some_and(|c| c.contains("500")));
        assert!(!r.saved_sections("a", vec![]), "saved ones never replace an answer");
    }

    #[test]
    fn a_keyring_that_cannot_be_read_is_said_once_in_the_banner() {
        let mut r = ServerRegistry::default();
        r.upsert(of("a", "p"));
        r.upsert(of("b", "p"));
        let locked = || Failure::from(reel_core::Error::KeyringUnavailable("no Secret Service".into()));
        assert_eq!(r.checked(of("a", "p"), Err(locked())), None, "not a complaint of its own");
        assert_eq!(r.checked(of("b", "p"), Err(locked())), None);
        let banner = r.banner().expect("a banner");
        assert!(banner.contains("keyring is not available") && banner.contains("no Secret Service"), "{banner}");
        assert_eq!(banner.lines().count(), 1, "said once, not once per server: {banner}");
        assert!(r.offline_words().is_none(), "not offline: {banner}");
        // A server answers with its token: the keyring is back.
        assert_eq!(r.checked(of("a", "p"), Ok(vec![])), None);
        assert_eq!(r.banner(), None);
        // Discovery's word counts too, and only for secrets.
        r.secrets_missing(Some(reel_core::Error::NoToken("p".into())));
        assert!(r.banner().is_some_and(|b| b.contains("sign in again")), "{:?}", r.banner());
        r.secrets_missing(Some(reel_core::Error::Timeout { host: "plex.tv".into() }));
        assert_eq!(r.banner(), None);
    }

    #[test]
    fn offline_then_back_and_the_banner() {
        let mut r = ServerRegistry::default();
        r.upsert(of("a", "p"));
        r.upsert(of("b", "p"));
        let t = Local.with_ymd_and_hms(2026, 1, 2, 9, 5, 0).unwrap();
        assert_eq!(r.banner(), None);
        assert_eq!(r.mark("a", true, t), Reachability::WentOffline);
        assert_eq!(r.mark("a", true, t + chrono::Duration::hours(1)), Reachability::Unchanged);
        assert!(r.banner().is_some_and(|b| b.starts_with("a is offline since 09:05")), "{:?}", r.banner());
        r.mark("b", true, t);
        assert!(r.banner().is_some_and(|b| b.starts_with("a and b are offline since 09:05")), "{:?}", r.banner());
        assert_eq!(r.mark("a", false, t), Reachability::CameBack { name: "a".into() });
        assert_eq!(r.offline_sources().len(), 1);
        assert!(r.offline_since("b", t - chrono::Duration::hours(2)));
        assert!(r.banner().is_some_and(|b| b.contains("07:05")));
    }

    #[test]
    fn discovery_and_sign_out_drop_servers_of_their_account_only() {
        let mut r = ServerRegistry::default();
        r.upsert(of("a", "p"));
        r.upsert(of("b", "p"));
        r.upsert(of("c", "q"));
        r.retain_of_provider(&"p".into(), &["a".into()]);
        assert!(r.get("b").is_none() && r.get("a").is_some() && r.get("c").is_some());
        r.remove_provider(&"q".into());
        assert!(r.get("c").is_none());
        assert_eq!(r.sources().len(), 1);
    }
}
