//! `reel-cli download` and `reel-cli downloads`: the core's downloads from
//! a terminal, in the same store as the app's.

use super::{all_sources, matches_server, print_json};
use anyhow::{bail, Result};
use reel_core::models::{Download, DownloadQuality, DownloadState};
use reel_core::{Core, ItemKey};
use std::io::Write;

/// Queues `key` (of `server`, else the first server that has it); unless
/// `no_wait`, runs the downloads until they end, telling the progress.
pub async fn download(
    core: &Core,
    key: &str,
    server: Option<String>,
    quality: Option<DownloadQuality>,
    no_wait: bool,
    json: bool,
) -> Result<()> {
    let key = ItemKey::new(key);
    let sources = all_sources(core, false).await?;
    let mut last = None;
    let mut asked = Vec::new();
    for s in sources.iter().filter(|s| server.as_deref().is_none_or(|w| matches_server(s, w))) {
        let plan = match core.plan_download(&s.id, &key).await {
            Ok(plan) => match quality {
                Some(q) => plan.at(q),
                None => plan,
            },
            Err(e) => {
                last = Some(e);
                continue;
            }
        };
        // What it will fetch, before it starts.
        eprintln!("{}", reel_words::download_plan(&plan));
        match core.queue_download(plan).await {
            Ok(d) => {
                asked = d;
                break;
            }
            Err(e) => last = Some(e),
        }
    }
    if asked.is_empty() {
        match last {
            Some(e) => bail!(reel_words::error(&e)),
            None => bail!("no server named {}", server.unwrap_or_default()),
        }
    }
    if !no_wait {
        core.run_downloads(&|d: &Download| {
            if asked.iter().any(|a| a.rating_key == d.rating_key && a.source_id == d.source_id) {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "{}: {}", d.title, progress(d));
            }
        })
        .await?;
    }
    let all = core.downloads().await?;
    let mine: Vec<&Download> = all
        .iter()
        .filter(|d| asked.iter().any(|a| a.rating_key == d.rating_key && a.source_id == d.source_id))
        .collect();
    if json {
        print_json(&mine)?;
    } else {
        mine.iter().for_each(|d| print_one(d));
    }
    let failed: Vec<&&Download> =
        mine.iter().filter(|d| matches!(d.state, DownloadState::Failed | DownloadState::Paused)).collect();
    if !no_wait && !failed.is_empty() {
        bail!("{} of {} downloads did not finish", failed.len(), mine.len());
    }
    Ok(())
}

/// What `reel-cli download --cancel|--pause|--resume` does to a download.
#[derive(Debug, Clone, Copy)]
pub enum Change {
    Cancel,
    Pause,
    Resume,
}

/// Cancels, pauses or resumes every download of `key` (of `server`, if named).
pub async fn change(core: &Core, key: &str, server: Option<String>, change: Change) -> Result<()> {
    let sources = all_sources(core, false).await?;
    let all = core.downloads().await?;
    let mut n = 0;
    for d in all.iter().filter(|d| d.rating_key.as_str() == key) {
        let named = sources.iter().find(|s| s.id == d.source_id);
        if server.as_deref().is_some_and(|w| !named.is_some_and(|s| matches_server(s, w))) {
            continue;
        }
        match change {
            Change::Cancel => {
                core.cancel_download(&d.source_id, &d.rating_key).await?;
                println!("Cancelled {}", d.title);
            }
            Change::Pause => {
                core.pause_download(&d.source_id, &d.rating_key).await?;
                println!("Paused {}", d.title);
            }
            Change::Resume => core.resume_download(&d.source_id, &d.rating_key).await?,
        }
        n += 1;
    }
    if n == 0 {
        bail!("no download of {key}");
    }
    Ok(())
}

/// Keeps the next `count` unwatched episodes of show `key` (of `server`,
/// else the first server) downloaded, or (None) no longer; then keeps up
/// and, unless `no_wait`, runs the downloads to their end.
pub async fn keep(core: &Core, key: &str, count: Option<u32>, server: Option<String>, no_wait: bool) -> Result<()> {
    let sources = all_sources(core, false).await?;
    let Some(source) = sources.iter().find(|s| server.as_deref().is_none_or(|w| matches_server(s, w))) else {
        bail!("no server named {}", server.unwrap_or_default());
    };
    core.set_keep_next(&source.id, &ItemKey::new(key), count).await?;
    let Some(n) = count else {
        println!("No longer keeping {key} downloaded; its files stay");
        return Ok(());
    };
    let kept = core.keep_up().await?;
    println!(
        "Keeping the next {n} unwatched episodes of {key}: {} queued, {} watched removed",
        kept.queued, kept.removed
    );
    if kept.unreachable > 0 {
        println!("{} did not answer: tried again when downloads run next", source.name);
    }
    if !no_wait {
        core.run_downloads(&|d: &Download| eprintln!("{}: {}", d.title, progress(d))).await?;
    }
    Ok(())
}

pub async fn list(core: &Core, json: bool) -> Result<()> {
    let all = core.downloads().await?;
    if json {
        return print_json(&all);
    }
    all.iter().for_each(print_one);
    println!("{}", reel_words::download_space(&core.download_space().await?));
    println!("New downloads go to {}", core.download_folder().display());
    Ok(())
}

fn print_one(d: &Download) {
    let quality = match d.quality {
        DownloadQuality::Original => String::new(),
        q => format!(" ({})", reel_words::download_quality(q)),
    };
    let state = reel_words::download_state(d.state);
    println!("{:<8} {:<12} {}{quality}  {}", d.rating_key.as_str(), state, d.title, progress(d));
    if let Some(f) = &d.fault {
        println!("         {}", reel_words::download_fault(f));
    }
    if d.state == DownloadState::Done {
        println!("         {}", d.file.display());
    }
}

/// "42% · 3.1 MB of 7.4 MB · 2.3 MB/s · 2 seconds left", the share left
/// out without a size.
fn progress(d: &Download) -> String {
    let words = reel_words::download_progress(d);
    match d.size.filter(|s| *s > 0) {
        Some(size) if d.state != DownloadState::Done => format!("{}% · {words}", d.fetched * 100 / size),
        _ => words,
    }
}
