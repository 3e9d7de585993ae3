//! The outbox: actions that change a server (watched, position) are never
//! retried blindly. When the server cannot be reached they wait in the
//! library cache, in order, and go out once a connection works.

use super::manager::{ConnectionEvent, ConnectionManager};
use crate::error::{Error, Result};
use crate::models::ServerAction;
use std::sync::Arc;
use std::time::Instant;
use tracing::{info, warn};

/// What became of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Kept in the outbox; it goes out when the server can be reached.
    Queued,
}

impl ConnectionManager {
    /// Sends an action that changes the server. It is not retried blindly:
    /// when the server cannot be reached it waits in the outbox (kept on
    /// disk), behind any older ones, and goes out once a connection works.
    pub async fn send_action(self: &Arc<Self>, source_id: &str, action: ServerAction) -> Result<Delivery> {
        let source = self.source(source_id)?;
        if !self.cache.queued_actions(source_id)?.is_empty() {
            self.cache.queue_action(source_id, &action)?;
            self.flush_soon(source_id);
            return Ok(Delivery::Queued);
        }
        let failure: Error = match self.client(&source).await {
            Ok(client) => match client.perform(&action).await {
                Ok(()) => return Ok(Delivery::Sent),
                Err(e) if e.is_offline() => e,
                Err(e) => return Err(e),
            },
            Err(e @ Error::NoConnection { .. }) => e,
            Err(e) => return Err(e),
        };
        warn!(source = %source_id, "keeping {action:?} until the server answers: {failure}");
        self.cache.queue_action(source_id, &action)?;
        // Find a working connection now; the outbox goes out through it.
        let me = Arc::clone(self);
        let id = source_id.to_string();
        let started = Instant::now();
        tokio::spawn(async move {
            let failed = me.source(&id).ok().and_then(|s| s.connection_info.primary_url);
            if me.failover(&id, failed.as_deref(), started).await.is_ok() {
                me.flush(&id).await;
            }
        });
        Ok(Delivery::Queued)
    }

    /// How many actions wait for this server.
    pub fn queued(&self, source_id: &str) -> usize {
        self.cache.queued_actions(source_id).map(|q| q.len()).unwrap_or(0)
    }

    pub(super) fn flush_soon(self: &Arc<Self>, source_id: &str) {
        if self.queued(source_id) == 0 {
            return;
        }
        let me = Arc::clone(self);
        let id = source_id.to_string();
        tokio::spawn(async move { me.flush(&id).await });
    }

    /// Delivers waiting actions in order through the connection in use. Stops
    /// at the first one the server cannot be reached for; drops (with a
    /// warning) one the server refuses, as sending it again cannot help.
    pub async fn flush(self: &Arc<Self>, source_id: &str) -> usize {
        let link = self.link(source_id);
        let _one_at_a_time = link.flushing.lock().await;
        let Ok(queue) = self.cache.queued_actions(source_id) else { return 0 };
        if queue.is_empty() {
            return 0;
        }
        let Ok(source) = self.source(source_id) else { return 0 };
        let Ok(client) = self.client(&source).await else { return 0 };
        let mut delivered = 0;
        for (id, action) in queue {
            match client.perform(&action).await {
                Ok(()) => delivered += 1,
                Err(e) if e.is_offline() => break,
                Err(e) => warn!(source = %source_id, "the server refused {action:?}; dropping it: {e}"),
            }
            if let Err(e) = self.cache.remove_action(id) {
                warn!("cannot update the outbox: {e}");
                break;
            }
        }
        info!(source = %source_id, delivered, left = self.queued(source_id), "outbox flushed");
        if delivered > 0 {
            self.emit(ConnectionEvent::Delivered { source_id: source_id.into(), count: delivered });
        }
        delivered
    }
}
