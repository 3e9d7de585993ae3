//! reel-cli: Reel's core from a terminal. Same AuthManager, config.toml and
//! keyring as the app, so what one does the other sees.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use reel_core::models::{ProbeRecord, Source};
use reel_core::services::auth_manager::{AuthManager, Origin};
use reel_core::services::connection::describe;
use reel_core::services::connection_history::LinkStats;
use reel_core::Token;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

#[derive(Parser)]
#[command(name = "reel-cli", version, about = "Reel's Plex core from a terminal")]
struct Cli {
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    /// Settings file (default: $XDG_CONFIG_HOME/reel/config.toml).
    #[arg(long, global = true, env = "REEL_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Sign in to plex.tv, with a token or (without one) by PIN in the browser;
    /// or, with --server, to one server by its address and a token.
    Login {
        /// A plex.tv account token, or the server's with --server (read from REEL_TOKEN when not given).
        #[arg(long, env = "REEL_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// One server's address (like http://192.168.1.10:32400), without plex.tv; needs --token.
        #[arg(long)]
        server: Option<String>,
    },
    /// Sign out: removes the account, its servers and their tokens.
    Logout {
        /// Account id (default: the only account).
        account: Option<String>,
    },
    /// List accounts.
    Accounts,
    /// Each server, the URL in use and every connection with its probe result.
    Servers {
        /// Ask plex.tv and probe again even if the cached list is fresh.
        #[arg(long)]
        refresh: bool,
    },
    /// Libraries (sections) of every server.
    Libraries,
    /// Items of a library section.
    Items {
        /// The section key, as `libraries` shows it.
        section: String,
        /// Server name or id (default: the first server that has the section).
        #[arg(long)]
        server: Option<String>,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        /// How many (default: all, fetched page by page).
        #[arg(long)]
        limit: Option<usize>,
    },
    /// Pin a server's connection (tried first from now on), or --auto to unpin.
    Pin {
        server: String,
        url: Option<String>,
        #[arg(long)]
        auto: bool,
    },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("reel-cli: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    let path = cli.config.clone().unwrap_or_else(reel_core::config::default_path);
    let (manager, notice) = AuthManager::open(&path)?;
    if let Some(n) = notice {
        eprintln!("reel-cli: {n}");
    }
    let manager = Arc::new(manager);
    if !manager.config().get().runtime.legacy_backends.is_empty() {
        let report = manager.migrate_legacy_backends().await?;
        for (b, why) in report.deferred.iter().chain(&report.dropped) {
            eprintln!("reel-cli: could not bring over old account {b}: {why}");
        }
    }
    match cli.command {
        Command::Login { token, server } => login(&manager, token, server, cli.json).await,
        Command::Logout { account } => logout(&manager, account).await,
        Command::Accounts => accounts(&manager, cli.json).await,
        Command::Servers { refresh } => servers(&manager, refresh, cli.json).await,
        Command::Libraries => libraries(&manager, cli.json).await,
        Command::Items { section, server, offset, limit } => {
            items(&manager, &section, server, offset, limit, cli.json).await
        }
        Command::Pin { server, url, auto } => pin(&manager, &server, url, auto).await,
    }
}

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

async fn login(m: &AuthManager, token: Option<String>, server: Option<String>, json: bool) -> Result<()> {
    if let Some(url) = server {
        let Some(t) = token else { bail!("--server needs --token (or REEL_TOKEN)") };
        let (provider, source) = m.add_server_token(&url, &Token::new(t.trim())).await?;
        return if json {
            print_json(&provider)
        } else {
            println!("Added {} ({}) at {url}", source.name, provider.id());
            Ok(())
        };
    }
    let token = match token {
        Some(t) => Token::new(t.trim()),
        None => {
            let pin = m.plex_auth().create_pin().await?;
            eprintln!("Open this page and sign in to Plex:\n  {}\n(code {})\nWaiting…", pin.auth_url, pin.code);
            m.plex_auth().wait_for_pin(&pin, Duration::from_secs(1)).await?
        }
    };
    let provider = m.add_plex_account(&token).await?;
    if json {
        print_json(&provider)
    } else {
        println!("Signed in as {} ({})", provider.display_name(), provider.id());
        Ok(())
    }
}

async fn logout(m: &AuthManager, account: Option<String>) -> Result<()> {
    let providers = m.providers().await;
    let id = match account {
        Some(a) => a,
        None => match providers.as_slice() {
            [only] => only.id().to_string(),
            [] => bail!("not signed in"),
            _ => {
                bail!("several accounts; name one: {}", providers.iter().map(|p| p.id()).collect::<Vec<_>>().join(", "))
            }
        },
    };
    m.remove_provider(&id).await?;
    println!("Signed out {id}");
    Ok(())
}

async fn accounts(m: &AuthManager, json: bool) -> Result<()> {
    let providers = m.providers().await;
    if json {
        return print_json(&providers);
    }
    if providers.is_empty() {
        println!("Not signed in. Run: reel-cli login");
    }
    for p in providers {
        println!("{}\t{}\t{}", p.id(), p.provider_type(), p.display_name());
    }
    Ok(())
}

/// Every account's servers: cached while fresh, rediscovered otherwise.
async fn all_sources(m: &AuthManager, refresh: bool) -> Result<Vec<Source>> {
    let providers = m.providers().await;
    if providers.is_empty() {
        bail!("not signed in; run `reel-cli login` first");
    }
    let mut out = Vec::new();
    for p in providers {
        let d = m.discover(p.id(), refresh).await.with_context(|| format!("servers of {}", p.display_name()))?;
        if let Origin::StaleCache { error } = &d.origin {
            eprintln!("reel-cli: showing saved servers; {error}");
        }
        out.extend(d.sources);
    }
    Ok(out)
}

fn line(r: &ProbeRecord, history: Option<&LinkStats>) -> String {
    let latency = r.latency_ms.map(|l| format!("{l:.0} ms")).unwrap_or_else(|| "-".into());
    let mut notes = Vec::new();
    if r.ipv6 {
        notes.push("IPv6".to_string());
    }
    if let Some(of) = &r.fallback_for {
        notes.push(format!("plain http to the address of {of}"));
    }
    if let Some(h) = history {
        let avg = h.latency_ms.map(|ms| format!(", usually {ms:.0} ms")).unwrap_or_default();
        notes.push(format!("history: {} ok, {} failed{avg}", h.ok, h.failed));
    }
    let notes = if notes.is_empty() { String::new() } else { format!(" [{}]", notes.join("; ")) };
    format!(
        "  {} #{:<2} {:<15} {:<40} {:<8} {}{notes}",
        if r.chosen { "*" } else { " " },
        r.rank,
        r.class.label(),
        r.uri,
        latency,
        describe(&r.outcome)
    )
}

async fn servers(m: &AuthManager, refresh: bool, json: bool) -> Result<()> {
    let sources = all_sources(m, refresh).await?;
    if json {
        return print_json(&sources);
    }
    for s in sources {
        let ci = &s.connection_info;
        println!(
            "{} ({}) — {} — {}",
            s.name,
            if s.owned() { "owned" } else { "shared" },
            ci.primary_url.as_deref().unwrap_or("no address"),
            if ci.is_online { "online" } else { "offline" }
        );
        if let Some(r) = &ci.reason {
            println!("  why: {r}");
        }
        let history = m.config().get().runtime.connection_history.get(&s.id).cloned().unwrap_or_default();
        for r in &ci.probes {
            println!("{}", line(r, history.get(&r.uri)));
        }
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct ServerSections {
    server: String,
    source_id: String,
    sections: Vec<reel_core::models::Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

async fn libraries(m: &AuthManager, json: bool) -> Result<()> {
    let mut out = Vec::new();
    for s in all_sources(m, false).await? {
        let r = async { m.server_client(&s).await?.sections().await }.await;
        out.push(match r {
            Ok(sections) => ServerSections { server: s.name.clone(), source_id: s.id.clone(), sections, error: None },
            Err(e) => ServerSections {
                server: s.name.clone(),
                source_id: s.id.clone(),
                sections: vec![],
                error: Some(e.to_string()),
            },
        });
    }
    if json {
        return print_json(&out);
    }
    for s in &out {
        println!("{}", s.server);
        if let Some(e) = &s.error {
            println!("  (unavailable: {e})");
        }
        for sec in &s.sections {
            println!("  {:<6} {:<8} {}", sec.key, sec.kind, sec.title);
        }
    }
    if out.iter().all(|s| s.error.is_some()) && !out.is_empty() {
        bail!("no server could be reached");
    }
    Ok(())
}

fn matches_server(s: &Source, wanted: &str) -> bool {
    s.name.eq_ignore_ascii_case(wanted) || s.id == wanted || s.machine_id() == wanted
}

async fn items(
    m: &AuthManager,
    section: &str,
    server: Option<String>,
    offset: usize,
    limit: Option<usize>,
    json: bool,
) -> Result<()> {
    let sources = all_sources(m, false).await?;
    let candidates: Vec<&Source> =
        sources.iter().filter(|s| server.as_deref().is_none_or(|w| matches_server(s, w))).collect();
    if candidates.is_empty() {
        bail!("no server named {}", server.unwrap_or_default());
    }
    let mut last_err = None;
    for s in candidates {
        let client = m.server_client(s).await?;
        let sections = match client.sections().await {
            Ok(x) => x,
            Err(e) => {
                last_err = Some(e);
                continue;
            }
        };
        if !sections.iter().any(|x| x.key == section) {
            continue;
        }
        let items = match limit {
            Some(n) => client.items(section, offset, n).await?.items,
            None if offset == 0 => client.all_items(section, 200).await?,
            None => {
                let total = client.items(section, 0, 0).await?.total;
                client.items(section, offset, total.saturating_sub(offset)).await?.items
            }
        };
        if json {
            return print_json(&items);
        }
        for i in items {
            let year = i.year.map(|y| format!(" ({y})")).unwrap_or_default();
            println!("{:<8} {}{}{}", i.rating_key, i.title, year, if i.watched() { "  ✓" } else { "" });
        }
        return Ok(());
    }
    match last_err {
        Some(e) => Err(e.into()),
        None => bail!("no library section {section}"),
    }
}

async fn pin(m: &AuthManager, server: &str, url: Option<String>, auto: bool) -> Result<()> {
    let s = m
        .all_sources()
        .into_iter()
        .find(|s| matches_server(s, server))
        .with_context(|| format!("no server named {server}"))?;
    match (url, auto) {
        (Some(u), false) => m.pin_connection(&s.id, Some(&u)).await?,
        (None, true) => m.pin_connection(&s.id, None).await?,
        _ => bail!("give a URL to pin, or --auto"),
    }
    let updated = m.reselect(&s.id).await?;
    println!("{} now uses {}", updated.name, updated.connection_info.primary_url.as_deref().unwrap_or("no address"));
    Ok(())
}
