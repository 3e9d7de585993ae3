//! `reel-cli search QUERY`: every server's results, as the app's search
//! shows them: the server's answer where it gives one, else what was
//! saved of it, marked.

use anyhow::Result;
use reel_core::models::{SearchAnswer, SearchState};
use reel_core::Core;
use std::collections::BTreeMap;
use std::sync::Mutex;

pub async fn search(core: &Core, query: &str, json: bool) -> Result<()> {
    // Each server's latest answer: the saved one first, then the server's.
    let latest: Mutex<BTreeMap<String, SearchAnswer>> = Mutex::default();
    let tell = |a: SearchAnswer| {
        if let Ok(mut l) = latest.lock() {
            l.insert(a.source_id.to_string(), a);
        }
    };
    core.search(query, &tell).await?;
    let answers: Vec<SearchAnswer> = latest.into_inner().unwrap_or_default().into_values().collect();
    if json {
        let rows: Vec<serde_json::Value> = answers
            .iter()
            .flat_map(|a| {
                a.groups.iter().flat_map(move |g| {
                    g.hits.iter().map(move |h| {
                        serde_json::json!({
                            "kind": g.kind.name(), "title": h.found.title(), "rating_key": h.found.rating_key(),
                            "server": a.server, "server_id": a.source_id, "from_saved_data": a.from_saved_data(),
                            "reason": h.reason,
                        })
                    })
                })
            })
            .collect();
        return crate::print_json(&rows);
    }
    for a in &answers {
        match &a.state {
            SearchState::Unreachable(e) => {
                println!("{} (did not answer: {}; from saved data)", a.server, reel_words::error(e))
            }
            _ => println!("{}", a.server),
        }
        if a.is_empty() {
            println!("  nothing found");
        }
        for g in &a.groups {
            println!("  {}", g.kind.name());
            for h in &g.hits {
                let reason = h.reason.as_deref().map(|r| format!(" (by {r})")).unwrap_or_default();
                println!("    {}  {}{reason}", h.found.rating_key(), h.found.title());
            }
        }
    }
    Ok(())
}
