//! Which addresses have answered `/identity` as their server in this
//! session. A token goes only to those (the rule every request path obeys
//! through [`super::manager::ConnectionManager`]): an address kept from an
//! earlier run, or the static order's guess for an offline server, may by now
//! belong to someone else.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Default, Clone)]
pub struct Verified {
    /// By source id, then URL: when it last answered as the server.
    seen: Arc<Mutex<HashMap<String, HashMap<String, Instant>>>>,
}

impl Verified {
    fn with<T>(&self, f: impl FnOnce(&mut HashMap<String, HashMap<String, Instant>>) -> T) -> T {
        f(&mut self.seen.lock().unwrap_or_else(|p| p.into_inner()))
    }

    /// `url` just answered as the server `source_id`.
    pub fn confirm(&self, source_id: &str, url: &str) {
        let url = url.trim_end_matches('/').to_string();
        self.with(|m| m.entry(source_id.to_string()).or_default().insert(url, Instant::now()));
    }

    /// `url` failed, or answered as another server: it must be verified again.
    pub fn revoke(&self, source_id: &str, url: &str) {
        let url = url.trim_end_matches('/');
        self.with(|m| m.get_mut(source_id).map(|urls| urls.remove(url)));
    }

    pub fn forget(&self, source_id: &str) {
        self.with(|m| m.remove(source_id));
    }

    /// How long ago `url` last answered as the server, if it has in this session.
    pub fn age(&self, source_id: &str, url: &str) -> Option<Duration> {
        let url = url.trim_end_matches('/');
        self.with(|m| m.get(source_id).and_then(|urls| urls.get(url)).map(|t| t.elapsed()))
    }

    pub fn is_verified(&self, source_id: &str, url: &str) -> bool {
        self.age(source_id, url).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirm_then_revoke() {
        let v = Verified::default();
        assert!(!v.is_verified("s", "https://a:1"));
        v.confirm("s", "https://a:1/");
        assert!(v.is_verified("s", "https://a:1"));
        assert!(!v.is_verified("other", "https://a:1"), "per server");
        v.revoke("s", "https://a:1");
        assert!(!v.is_verified("s", "https://a:1"));
        v.confirm("s", "https://a:1");
        v.forget("s");
        assert!(!v.is_verified("s", "https://a:1"));
    }
}
