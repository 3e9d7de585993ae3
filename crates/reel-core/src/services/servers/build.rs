//! Turning plex.tv's list of servers into sources: every server's
//! connections probed at once, the best that answers as that server chosen,
//! and the static order's first kept as the address when none answers (used
//! only once it is verified: see `connections::verified`).

use crate::backends::plex::types::PlexResource;
use crate::http::HttpClient;
use crate::models::{Connection, ConnectionInfo, Source, SourceType};
use crate::services::connections::history::{record_selection, ServerHistory};
use crate::services::connections::rank::{not_allowed, static_order};
use crate::services::connections::select::{select_for, ProbePolicy, Target};
use crate::token::Token;
use chrono::Utc;
use std::collections::{BTreeMap, HashMap};

/// A source built from plex.tv's answer, with the server's own token (to keep
/// in the keyring) and its connections' updated history.
pub struct Built {
    pub source: Source,
    pub token: Option<Token>,
    pub history: ServerHistory,
}

pub async fn build_sources(
    http: &HttpClient,
    policy: &ProbePolicy,
    provider_id: &str,
    servers: Vec<PlexResource>,
    previous: Option<&[Source]>,
    pinned: &BTreeMap<String, String>,
    history_of: &(dyn Fn(&str) -> ServerHistory + Sync),
) -> Vec<Built> {
    let jobs = servers.into_iter().map(|server| {
        let source_id = format!("{provider_id}_srv_{}", server.client_identifier);
        let pinned = pinned.get(&source_id).cloned();
        let mut history = history_of(&source_id);
        let last_good = previous
            .unwrap_or_default()
            .iter()
            .find(|s| s.id == source_id && s.connection_info.is_online)
            .and_then(|s| s.connection_info.primary_url.clone());
        async move {
            let conns: Vec<Connection> = server.connections.iter().cloned().map(Into::into).collect();
            let target = Target {
                machine_id: &server.client_identifier,
                connections: &conns,
                https_required: server.https_required,
                pinned: pinned.as_deref(),
                last_good: last_good.as_deref(),
                history: &history,
            };
            let sel = select_for(http, &target, policy).await;
            record_selection(&mut history, &sel.records);
            // Offline, the static order's first is where the server will most
            // likely be; it gets no token before it answers as the server.
            let fallback = || {
                static_order(&conns, pinned.as_deref())
                    .into_iter()
                    .find(|c| not_allowed(c, server.https_required, policy).is_none())
                    .map(|c| c.uri)
            };
            let source = Source {
                id: source_id.as_str().into(),
                name: server.name.clone(),
                source_type: SourceType::PlexServer {
                    machine_id: server.client_identifier.clone(),
                    owned: server.owned,
                },
                auth_provider_id: Some(provider_id.into()),
                connection_info: ConnectionInfo {
                    primary_url: sel.chosen.clone().or_else(fallback),
                    is_online: sel.chosen.is_some(),
                    last_check: Some(Utc::now()),
                    connections: conns,
                    probes: sel.records,
                    reason: Some(sel.reason),
                    https_required: server.https_required,
                    pinned_failed: sel.pinned_failed,
                    extra: Default::default(),
                },
                enabled: true,
                last_sync: None,
                library_count: 0,
                extra: Default::default(),
            };
            Built { source, token: server.access_token.map(Token::new), history }
        }
    });
    futures::future::join_all(jobs).await
}

/// Histories by source id, for the source store.
pub fn histories(built: &[Built]) -> HashMap<String, ServerHistory> {
    built.iter().map(|b| (b.source.id.to_string(), b.history.clone())).collect()
}
