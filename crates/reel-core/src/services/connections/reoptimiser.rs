//! Moving back up: while a better-ranked connection than the one in use
//! might work again, it is re-probed on a doubling backoff, and at once when
//! the network changes; each server's standby is re-verified on its own
//! rhythm. Never moves down.

use super::manager::{ConnectionManager, LastSelection, SwitchCause};
use super::rank::{ranked, tier};
use crate::error::Result;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::{info_span, warn, Instrument};

impl ConnectionManager {
    /// True when a better-ranked connection than the one in use exists (or
    /// the user's pin is not the one in use), so re-probing could move up.
    pub fn could_do_better(&self, source_id: &str) -> bool {
        let Ok(s) = self.source(source_id) else { return false };
        let ci = &s.connection_info;
        let Some(current) = ci.primary_url.as_deref().filter(|_| ci.is_online) else { return false };
        let pinned = self.auth.store().pinned(source_id);
        let order = ranked(&ci.connections, pinned.as_deref(), &Default::default());
        let Some(cur) = order.iter().find(|c| c.uri == current) else { return false };
        let t = tier(cur, pinned.as_deref());
        order.iter().any(|c| c.fallback_for.is_none() && tier(c, pinned.as_deref()) < t)
    }

    /// Probes the candidates ranked better than the one in use and moves up
    /// when one answers; never moves down. True when it moved.
    pub async fn reoptimise(self: &Arc<Self>, source_id: &str) -> Result<bool> {
        let link = self.link(source_id);
        let mut last = link.select.lock().await;
        let before = self.source(source_id)?;
        let after = self
            .auth
            .prober()
            .probe_better(source_id)
            .instrument(info_span!("reoptimise", source = %source_id))
            .await?;
        *last = Some(LastSelection { at: Instant::now() });
        drop(last);
        match after {
            Some(after) if after.connection_info.primary_url != before.connection_info.primary_url => {
                self.report_selection(&before, &after, SwitchCause::BetterAnswered);
                self.flush_soon(source_id);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Call when the system's network changes (`gio::NetworkMonitor`): better
    /// connections are re-probed at once and server lists go stale sooner.
    pub fn network_changed(&self) {
        self.auth.note_network_change();
        self.network_changed.notify_one();
    }

    /// The background task that re-probes better connections of every server
    /// that could do better, on a doubling backoff per server, and at once
    /// after a network change. Offline servers are left to the caller's
    /// reconnect logic.
    pub fn spawn_reoptimiser(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let me = Arc::clone(self);
        tokio::spawn(async move {
            let mut backoff: HashMap<String, (Duration, tokio::time::Instant)> = HashMap::new();
            // Right after a network change every candidate is due at once.
            let mut urgent = false;
            loop {
                let now = tokio::time::Instant::now();
                for s in me.auth.store().all() {
                    let online = s.connection_info.is_online;
                    if online && me.standby_age(s.id.as_str()).is_none_or(|age| age >= me.policy.standby_every) {
                        me.maintain_standby(s.id.as_str()).await;
                    }
                    if !me.could_do_better(s.id.as_str()) {
                        backoff.remove(s.id.as_str());
                        continue;
                    }
                    let first = me.policy.reoptimise_first;
                    let (wait, due) =
                        *backoff.entry(s.id.to_string()).or_insert((first, if urgent { now } else { now + first }));
                    if due > now {
                        continue;
                    }
                    let moved = me.reoptimise(s.id.as_str()).await.unwrap_or_else(|e| {
                        warn!(source = %s.id, "re-probing failed: {e}");
                        false
                    });
                    let next = if moved { first } else { (wait * 2).min(me.policy.reoptimise_max) };
                    backoff.insert(s.id.to_string(), (next, tokio::time::Instant::now() + next));
                }
                urgent = false;
                // Standbys are re-verified on their own rhythm; better connections on their backoff.
                let now = tokio::time::Instant::now();
                let standby_due = now + me.policy.standby_every;
                // With nothing on a backoff, look again soon in case a server now could do better.
                let idle = now + me.policy.reoptimise_first;
                let next_due = backoff.values().map(|(_, due)| *due).min().unwrap_or(idle).min(standby_due);
                let sleep = tokio::time::sleep_until(next_due);
                tokio::select! {
                    _ = sleep => {}
                    _ = me.network_changed.notified() => {
                        backoff.clear();
                        urgent = true;
                    }
                }
            }
        })
    }
}
