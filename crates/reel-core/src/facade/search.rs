//! Searching every server at once: what Reel saved answers at once, then
//! each server's own answer replaces its part as it comes; a server that
//! does not answer keeps what was saved, said so. Hidden libraries are
//! never searched or shown.

use super::Core;
use crate::config::visibility_key;
use crate::error::Result;
use crate::ids::SourceId;
use crate::models::{grouped, SearchAnswer, SearchState};
use futures::stream::{FuturesUnordered, StreamExt};
use std::collections::BTreeMap;

/// How many results of each kind a server's answer holds.
pub const SEARCH_LIMIT: usize = 10;

impl Core {
    /// Searches every server for `typed`. `tell` hears every server's
    /// results twice: first what was saved of them (all at once, with no
    /// network), then the server's own answer or that it did not give one.
    /// Returns once every server has answered or failed; dropping the
    /// future stops the search (a newer query replaces it).
    #[tracing::instrument(skip(self, tell), fields(chars = typed.chars().count()))]
    pub async fn search(&self, typed: &str, tell: &(dyn Fn(SearchAnswer) + Sync)) -> Result<()> {
        let hidden = self.library_visibility();
        let visible = move |source: &str, section: Option<&str>| {
            section.is_none_or(|s| hidden.get(&visibility_key(source, s)).copied().unwrap_or(true))
        };
        let servers = self.servers();
        let text = typed.to_string();
        let check = visible.clone();
        let ids: Vec<String> = servers.iter().map(|s| s.id.to_string()).collect();
        let mut saved = self.blocking(move |l| l.search(&ids, &text, SEARCH_LIMIT, check)).await.unwrap_or_else(|e| {
            tracing::warn!("the saved libraries could not be searched: {e}");
            Default::default()
        });
        let saved: BTreeMap<SourceId, _> =
            servers.iter().map(|s| (s.id.clone(), saved.remove(s.id.as_str()).unwrap_or_default())).collect();
        for s in &servers {
            let groups = saved.get(&s.id).cloned().unwrap_or_default();
            tell(SearchAnswer {
                source_id: s.id.clone(),
                server: s.name.clone(),
                state: SearchState::Searching,
                groups,
            });
        }
        let mut asked: FuturesUnordered<_> = servers
            .iter()
            .map(|s| {
                let query = typed.to_string();
                async move {
                    let r = self
                        .connections
                        .call(s.id.as_str(), |c| {
                            let query = query.clone();
                            async move { c.search(&query, SEARCH_LIMIT).await }
                        })
                        .await;
                    (s, r)
                }
            })
            .collect();
        while let Some((s, r)) = asked.next().await {
            let answer = match r {
                Ok(hits) => {
                    let shown =
                        hits.into_iter().filter(|h| visible(s.id.as_str(), h.section_key.as_deref())).map(|h| h.hit);
                    SearchAnswer {
                        source_id: s.id.clone(),
                        server: s.name.clone(),
                        state: SearchState::Answered,
                        groups: grouped(shown, SEARCH_LIMIT),
                    }
                }
                Err(e) => SearchAnswer {
                    source_id: s.id.clone(),
                    server: s.name.clone(),
                    state: SearchState::Unreachable(e),
                    groups: saved.get(&s.id).cloned().unwrap_or_default(),
                },
            };
            tell(answer);
        }
        Ok(())
    }
}
