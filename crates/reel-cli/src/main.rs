//! reel-cli: Reel's core from a terminal. The same facade, config.toml,
//! keyring and library cache as the app, so what one does the other sees,
//! and signing out or pinning means the same in both.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use reel_core::connections::LinkStats;
use reel_core::connections::{describe, describe_reason};
use reel_core::models::{ProbeRecord, Source};
use reel_core::{AccountDownloads, Core, CoreOptions, Error, Origin, Token};
use std::path::PathBuf;

mod browse;
mod downloads;
mod search;

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
        /// A plex.tv account token, or the server's with --server. Given here it is
        /// visible to every user of this computer (in `ps`): prefer REEL_TOKEN or
        /// --token-stdin.
        #[arg(long, env = "REEL_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Read the token from standard input (its first line).
        #[arg(long)]
        token_stdin: bool,
        /// One server's address (like http://192.168.1.10:32400), without plex.tv; needs --token.
        #[arg(long)]
        server: Option<String>,
    },
    /// Sign out: removes the account, its servers, their tokens and what Reel saved of them.
    Logout {
        /// Account id (default: the only account).
        account: Option<String>,
        /// Keep the account's downloads on disk (by default they are deleted with it).
        #[arg(long)]
        keep_downloads: bool,
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
        /// Ordered by one of the library's sorts (titleSort, year, addedAt,
        /// lastViewedAt, duration…), `:desc` for newest or longest first.
        #[arg(long)]
        sort: Option<String>,
        /// Narrowed by a filter: `unwatched`, `inProgress`, or a filter and
        /// its value, like `genre=Comedy` or `decade=1990`. May be given again.
        #[arg(long = "filter")]
        filters: Vec<String>,
        /// A music library's `albums` or `tracks` instead of its artists.
        #[arg(long, value_parser = parse_listing)]
        list: Option<reel_core::models::Listing>,
    },
    /// Download an item to play with no network (a movie, an episode, a
    /// track; a show, season, artist or album: all it holds), and wait until
    /// it is here.
    Download {
        /// The item's rating key, as `items` prints it.
        key: String,
        /// Server name or id (default: the first server that has the item).
        #[arg(long)]
        server: Option<String>,
        /// Queue it and return at once (`downloads` shows how it goes).
        #[arg(long)]
        no_wait: bool,
        /// Stop and forget the download of KEY, deleting its file.
        #[arg(long, conflicts_with_all = ["pause", "resume"])]
        cancel: bool,
        /// Pause the download of KEY, keeping what came (wherever it runs).
        #[arg(long, conflicts_with = "resume")]
        pause: bool,
        /// Go on with a paused or failed download of KEY from where it stopped.
        #[arg(long)]
        resume: bool,
        /// Films and episodes at: original, 1080p, 720p or 480p (converted
        /// by the server; music is always the original). Default: the
        /// quality chosen in Preferences.
        #[arg(long, value_parser = parse_quality)]
        quality: Option<reel_core::models::DownloadQuality>,
    },
    /// Every download: its state, progress, size and file.
    Downloads,
    /// Keep a show's next COUNT unwatched episodes downloaded: watched ones
    /// are deleted, the next fetched (whenever downloads run while the
    /// server answers); --off stops it, keeping the files.
    Keep {
        /// The show's rating key, as `items` prints it.
        key: String,
        /// How many unwatched episodes to keep.
        #[arg(required_unless_present = "off")]
        count: Option<u32>,
        #[arg(long, conflicts_with = "count")]
        off: bool,
        /// Server name or id (default: the first server).
        #[arg(long)]
        server: Option<String>,
        /// Queue them and return at once.
        #[arg(long)]
        no_wait: bool,
    },
    /// Search every server (and what was saved of them) for QUERY: results
    /// by server and kind, with their rating keys; a server that does not
    /// answer is said so, with what was saved of it.
    Search { query: String },
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
    reel_words::i18n::init(LOCALEDIR);
    let cli = Cli::parse();
    if let Err(e) = run(cli).await {
        eprintln!("reel-cli: {}", in_words(&e));
        std::process::exit(1);
    }
}

/// Where the translations are (meson sets it at build time).
const LOCALEDIR: &str = match option_env!("REEL_LOCALEDIR") {
    Some(v) => v,
    None => "/usr/share/locale",
};

/// A failure as the app would say it: the core's errors in the user's
/// language, with what reel-cli was doing before them.
fn in_words(e: &anyhow::Error) -> String {
    let said: Vec<String> = e
        .chain()
        .map(|cause| match cause.downcast_ref::<Error>() {
            Some(core) => reel_words::error(core),
            None => cause.to_string(),
        })
        .collect();
    said.join(": ")
}

async fn run(cli: Cli) -> Result<()> {
    let mut options = match cli.config.clone() {
        Some(path) => CoreOptions::with_config(path),
        None => CoreOptions::standard(),
    };
    // One command, then gone: no background upkeep of connections.
    options.background = false;
    let core = Core::open(options)?;
    for n in core.notices() {
        eprintln!("reel-cli: {}", reel_words::notice(n));
    }
    if let Some(n) = core.verify_library().await {
        eprintln!("reel-cli: {}", reel_words::notice(&n));
    }
    if core.legacy_pending() {
        match core.migrate_legacy().await {
            Ok(report) => {
                for (b, why) in report.deferred.iter().chain(&report.dropped) {
                    eprintln!("reel-cli: could not bring over old account {b}: {}", reel_words::error(why));
                }
            }
            // Older accounts come over once the keyring is there; what was
            // saved needs no secret and is still listed.
            Err(e) if e.is_missing_secret() => {
                eprintln!(
                    "reel-cli: older accounts are brought over once the keyring can be used: {}",
                    reel_words::error(&e)
                )
            }
            Err(e) => return Err(e.into()),
        }
    }
    match cli.command {
        Command::Login { token, token_stdin, server } => {
            let token = if token_stdin { Some(token_from_stdin()?) } else { token };
            if std::env::args().any(|a| a == "--token" || a.starts_with("--token=")) {
                eprintln!("Note: a token on the command line can be seen by other users (ps); use REEL_TOKEN or --token-stdin.");
            }
            login(&core, token, server, cli.json).await
        }
        Command::Logout { account, keep_downloads } => logout(&core, account, keep_downloads).await,
        Command::Accounts => accounts(&core, cli.json),
        Command::Servers { refresh } => servers(&core, refresh, cli.json).await,
        Command::Libraries => libraries(&core, cli.json).await,
        Command::Items { section, server, sort, filters, list, .. }
            if sort.is_some() || !filters.is_empty() || list.is_some() =>
        {
            let view = browse::Asked { sort: sort.as_deref(), filters: &filters, listing: list };
            browsed(&core, &section.as_str().into(), server, view, cli.json).await
        }
        Command::Items { section, server, offset, limit, .. } => {
            items(&core, &section.as_str().into(), server, offset, limit, cli.json).await
        }
        Command::Pin { server, url, auto } => pin(&core, &server, url, auto).await,
        Command::Search { query } => search::search(&core, &query, cli.json).await,
        Command::Download { key, server, cancel: true, .. } => {
            downloads::change(&core, &key, server, downloads::Change::Cancel).await
        }
        Command::Download { key, server, pause: true, .. } => {
            downloads::change(&core, &key, server, downloads::Change::Pause).await
        }
        Command::Download { key, server, resume: true, no_wait, quality, .. } => {
            downloads::change(&core, &key, server.clone(), downloads::Change::Resume).await?;
            downloads::download(&core, &key, server, quality, no_wait, cli.json).await
        }
        Command::Download { key, server, no_wait, quality, .. } => {
            downloads::download(&core, &key, server, quality, no_wait, cli.json).await
        }
        Command::Downloads => downloads::list(&core, cli.json).await,
        Command::Keep { key, count, server, no_wait, .. } => downloads::keep(&core, &key, count, server, no_wait).await,
    }
}

/// The first line of standard input, trimmed (a token piped in or typed).
fn token_from_stdin() -> Result<String> {
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    let token = line.trim().to_string();
    if token.is_empty() {
        bail!("--token-stdin: no token on standard input");
    }
    Ok(token)
}

fn print_json(v: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

async fn login(core: &Core, token: Option<String>, server: Option<String>, json: bool) -> Result<()> {
    let provider = match (server, token) {
        (Some(url), Some(t)) => {
            let provider = core.sign_in_to_server(&url, Token::new(t.trim())).await?;
            if !json {
                println!("Added {} ({}) at {url}", provider.display_name(), provider.id());
                return Ok(());
            }
            provider
        }
        (Some(_), None) => bail!("--server needs --token (or REEL_TOKEN)"),
        (None, Some(t)) => core.sign_in_with_token(Token::new(t.trim())).await?,
        (None, None) => {
            core.sign_in_with_pin(|pin| {
                eprintln!("Open this page and sign in to Plex:\n  {}\n(code {})\nWaiting…", pin.auth_url, pin.code)
            })
            .await?
        }
    };
    if json {
        print_json(&provider)
    } else {
        println!("Signed in as {} ({})", provider.display_name(), provider.id());
        Ok(())
    }
}

/// `--quality`: a quality by its name.
fn parse_listing(s: &str) -> std::result::Result<reel_core::models::Listing, String> {
    use reel_core::models::Listing;
    match s {
        "albums" => Ok(Listing::Albums),
        "tracks" => Ok(Listing::Tracks),
        _ => Err(format!("{s:?}: albums or tracks")),
    }
}

fn parse_quality(s: &str) -> std::result::Result<reel_core::models::DownloadQuality, String> {
    reel_core::models::DownloadQuality::from_name(s).ok_or_else(|| format!("{s:?}: one of original, 1080p, 720p, 480p"))
}

async fn logout(core: &Core, account: Option<String>, keep_downloads: bool) -> Result<()> {
    let providers = core.accounts();
    let id = match account {
        Some(a) => a,
        None => match providers.as_slice() {
            [only] => only.id().to_string(),
            [] => bail!("not signed in"),
            _ => {
                bail!(
                    "several accounts; name one: {}",
                    providers.iter().map(|p| p.id().as_str()).collect::<Vec<_>>().join(", ")
                )
            }
        },
    };
    let id: reel_core::ProviderId = id.as_str().into();
    let (n, bytes) = core.account_downloads(&id).await?;
    let downloads = if keep_downloads { AccountDownloads::Keep } else { AccountDownloads::Delete };
    core.sign_out(&id, downloads).await?;
    println!("Signed out {id}");
    if n > 0 {
        let kept = if keep_downloads { "kept" } else { "deleted" };
        println!("{n} downloads ({}) {kept}", reel_words::size(bytes));
    }
    Ok(())
}

fn accounts(core: &Core, json: bool) -> Result<()> {
    let providers = core.accounts();
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
async fn all_sources(core: &Core, refresh: bool) -> Result<Vec<Source>> {
    let found = core.discover_all(refresh).await;
    if found.is_empty() {
        bail!("not signed in; run `reel-cli login` first");
    }
    let mut out = Vec::new();
    for (p, d) in found {
        let d = d.with_context(|| format!("servers of {}", p.display_name()))?;
        if let Origin::StaleCache { error } = &d.origin {
            let fix = match error {
                Error::NoToken(_) => " Sign in again: reel-cli login",
                e if e.is_missing_secret() => " Start or unlock the keyring (a Secret Service, such as gnome-keyring).",
                _ => "",
            };
            let error = reel_words::error(error);
            eprintln!("reel-cli: showing the saved servers of {}; {error}.{fix}", p.display_name());
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

async fn servers(core: &Core, refresh: bool, json: bool) -> Result<()> {
    let sources = all_sources(core, refresh).await?;
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
            println!("  why: {}", describe_reason(r, &ci.probes));
        }
        let history = core.connection_history(&s.id);
        for r in &ci.probes {
            println!("{}", line(r, history.get(&r.uri)));
        }
    }
    Ok(())
}

#[derive(serde::Serialize)]
struct ServerSections {
    server: String,
    source_id: reel_core::SourceId,
    sections: Vec<reel_core::models::Section>,
    /// Why the server could not be asked; the sections are then what Reel saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// A server's libraries from the server, else (it cannot be reached) as saved.
async fn sections_of(core: &Core, s: &Source) -> ServerSections {
    let (sections, error) = match core.fetch_sections(&s.id).await {
        Ok(sections) => (sections, None),
        Err(e) => (core.saved_sections(&s.id).await.unwrap_or_default(), Some(reel_words::error(&e))),
    };
    ServerSections { server: s.name.clone(), source_id: s.id.clone(), sections, error }
}

async fn libraries(core: &Core, json: bool) -> Result<()> {
    let mut out = Vec::new();
    // All servers at once, listed in their order: a hung one costs its
    // timeout once, not once per server before it.
    let sources = all_sources(core, false).await?;
    out.extend(futures::future::join_all(sources.iter().map(|s| sections_of(core, s))).await);
    if json {
        return print_json(&out);
    }
    for s in &out {
        println!("{}", s.server);
        if let Some(e) = &s.error {
            let saved = if s.sections.is_empty() { "" } else { "; showing what Reel saved" };
            println!("  (unavailable: {e}{saved})");
        }
        for sec in &s.sections {
            println!("  {:<6} {:<8} {}", sec.key, sec.kind, sec.title);
        }
    }
    if out.iter().all(|s| s.error.is_some() && s.sections.is_empty()) && !out.is_empty() {
        bail!("no server could be reached");
    }
    Ok(())
}

fn matches_server(s: &Source, wanted: &str) -> bool {
    s.name.eq_ignore_ascii_case(wanted) || s.id == wanted || s.machine_id() == wanted
}

/// A library sorted and filtered (`items --sort … --filter …`).
async fn browsed(
    core: &Core,
    section: &reel_core::SectionKey,
    server: Option<String>,
    asked: browse::Asked<'_>,
    json: bool,
) -> Result<()> {
    let sources = all_sources(core, false).await?;
    for s in sources.iter().filter(|s| server.as_deref().is_none_or(|w| matches_server(s, w))) {
        let found = sections_of(core, s).await;
        if !found.sections.iter().any(|x| x.key == *section) {
            continue;
        }
        let view = browse::view(core, &s.id, section, &asked).await?;
        let shown = core.browse(&s.id, section, &view).await?;
        if shown.from_saved_data {
            eprintln!("reel-cli: {} does not answer; showing what Reel saved", s.name);
        }
        return print_items(shown.items, json);
    }
    bail!("no library section {section}")
}

async fn items(
    core: &Core,
    section: &reel_core::SectionKey,
    server: Option<String>,
    offset: usize,
    limit: Option<usize>,
    json: bool,
) -> Result<()> {
    let sources = all_sources(core, false).await?;
    let candidates: Vec<&Source> =
        sources.iter().filter(|s| server.as_deref().is_none_or(|w| matches_server(s, w))).collect();
    if candidates.is_empty() {
        bail!("no server named {}", server.unwrap_or_default());
    }
    let mut last_err = None;
    for s in candidates {
        let found = sections_of(core, s).await;
        if !found.sections.iter().any(|x| x.key == *section) {
            if let Some(e) = found.error {
                last_err = Some(e);
            }
            continue;
        }
        let saved = |e: String| {
            eprintln!("reel-cli: {e}; showing what Reel saved");
            core.saved_items(&s.id, section, offset, limit.unwrap_or(usize::MAX))
        };
        // A whole library is kept as the app keeps it (up to date from the
        // server's version), so that it is there without a network later.
        let whole = found.sections.iter().find(|x| x.key == *section).filter(|_| offset == 0 && limit.is_none());
        if let (None, Some(sec)) = (&found.error, whole) {
            let items = match core.sync_section(&s.id, sec, false, |_, _| {}).await {
                Ok(_) => core.saved_items(&s.id, section, 0, usize::MAX).await?.items,
                Err(e) if e.is_offline() => saved(reel_words::error(&e)).await?.items,
                Err(e) => return Err(e.into()),
            };
            return print_items(items, json);
        }
        let items = match (found.error, core.fetch_items(&s.id, section, offset, limit).await) {
            (None, Ok(items)) => items,
            // Offline: what Reel saved of it.
            (_, Err(e)) if e.is_offline() => saved(reel_words::error(&e)).await?.items,
            (Some(e), _) => saved(e).await?.items,
            (None, Err(e)) => return Err(e.into()),
        };
        return print_items(items, json);
    }
    match last_err {
        Some(e) => bail!(e),
        None => bail!("no library section {section}"),
    }
}

fn print_items(items: Vec<reel_core::models::MediaItem>, json: bool) -> Result<()> {
    if json {
        return print_json(&items);
    }
    for i in items {
        let year = i.year.map(|y| format!(" ({y})")).unwrap_or_default();
        println!("{:<8} {}{}{}", i.rating_key, i.title, year, if i.watched() { "  ✓" } else { "" });
    }
    Ok(())
}

async fn pin(core: &Core, server: &str, url: Option<String>, auto: bool) -> Result<()> {
    let s = core
        .servers()
        .into_iter()
        .find(|s| matches_server(s, server))
        .with_context(|| format!("no server named {server}"))?;
    let updated = match (url, auto) {
        (Some(u), false) => core.pin(&s.id, Some(&u)).await?,
        (None, true) => core.pin(&s.id, None).await?,
        _ => bail!("give a URL to pin, or --auto"),
    };
    println!("{} now uses {}", updated.name, updated.connection_info.primary_url.as_deref().unwrap_or("no address"));
    Ok(())
}
