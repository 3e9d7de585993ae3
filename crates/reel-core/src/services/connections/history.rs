//! How each connection of each server has done lately: a moving latency and
//! a success record, kept in the state store so a restart remembers them. Used to
//! order candidates inside one rank and to give the last good one a head start.

use crate::models::{ProbeOutcome, ProbeRecord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

/// Weight of the newest latency in the moving average.
const ALPHA: f64 = 0.3;
/// Counts are halved past this, so old behaviour fades and recent behaviour decides.
const WINDOW: u32 = 16;

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct LinkStats {
    /// Moving average of answered probes and requests, in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<f64>,
    #[serde(default)]
    pub ok: u32,
    #[serde(default)]
    pub failed: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ok: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_failed: Option<DateTime<Utc>>,
}

impl LinkStats {
    pub fn record_ok(&mut self, latency: Duration) {
        let ms = latency.as_secs_f64() * 1000.0;
        self.latency_ms = Some(match self.latency_ms {
            Some(avg) => avg + ALPHA * (ms - avg),
            None => ms,
        });
        self.ok += 1;
        self.last_ok = Some(Utc::now());
        self.fade();
    }

    pub fn record_failure(&mut self) {
        self.failed += 1;
        self.last_failed = Some(Utc::now());
        self.fade();
    }

    fn fade(&mut self) {
        if self.ok + self.failed > WINDOW {
            self.ok = self.ok.div_ceil(2);
            self.failed /= 2;
        }
    }

    /// Share of attempts that worked, when there were any.
    pub fn success_rate(&self) -> Option<f64> {
        let n = self.ok + self.failed;
        (n > 0).then(|| f64::from(self.ok) / f64::from(n))
    }

    /// Sort key inside one rank: connections that mostly work first, then
    /// unknown ones, then those that mostly fail; faster first within each.
    pub fn order_key(stats: Option<&LinkStats>) -> (u8, u64) {
        let Some(s) = stats else { return (1, u64::MAX) };
        let bucket = match s.success_rate() {
            Some(r) if r >= 0.5 => 0,
            Some(_) => 2,
            None => 1,
        };
        (bucket, s.latency_ms.map(|ms| ms.round() as u64).unwrap_or(u64::MAX))
    }
}

/// One server's connections, by URL.
pub type ServerHistory = BTreeMap<String, LinkStats>;

/// Folds one selection's probe results into a server's history; candidates
/// that were skipped taught nothing and are left alone.
pub fn record_selection(history: &mut ServerHistory, records: &[ProbeRecord]) {
    for r in records {
        let latency = r.latency_ms.map(|ms| Duration::from_secs_f64(ms / 1000.0));
        match (&r.outcome, latency) {
            (ProbeOutcome::Ok, Some(l)) => history.entry(r.uri.clone()).or_default().record_ok(l),
            (ProbeOutcome::Skipped { .. }, _) => {}
            _ => history.entry(r.uri.clone()).or_default().record_failure(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn average_moves_toward_recent_latency_and_old_failures_fade() {
        let mut s = LinkStats::default();
        s.record_ok(Duration::from_millis(100));
        assert_eq!(s.latency_ms, Some(100.0));
        s.record_ok(Duration::from_millis(0));
        assert!((s.latency_ms.unwrap() - 70.0).abs() < 1e-9);
        for _ in 0..10 {
            s.record_failure();
        }
        assert_eq!(LinkStats::order_key(Some(&s)).0, 2, "mostly failing now");
        for _ in 0..40 {
            s.record_ok(Duration::from_millis(5));
        }
        assert!(s.ok + s.failed <= WINDOW + 1);
        assert_eq!(LinkStats::order_key(Some(&s)).0, 0, "recent successes outweigh old failures");
    }

    #[test]
    fn known_good_sorts_before_unknown_before_failing() {
        let mut good = LinkStats::default();
        good.record_ok(Duration::from_millis(30));
        let mut fast = LinkStats::default();
        fast.record_ok(Duration::from_millis(3));
        let mut bad = LinkStats::default();
        bad.record_failure();
        let mut keys = [
            LinkStats::order_key(Some(&bad)),
            LinkStats::order_key(None),
            LinkStats::order_key(Some(&good)),
            LinkStats::order_key(Some(&fast)),
        ];
        keys.sort();
        assert_eq!(
            keys,
            [
                LinkStats::order_key(Some(&fast)),
                LinkStats::order_key(Some(&good)),
                LinkStats::order_key(None),
                LinkStats::order_key(Some(&bad))
            ]
        );
    }
}
