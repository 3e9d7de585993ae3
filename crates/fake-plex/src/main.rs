use clap::Parser;
use fake_plex::topology::Topology;
use fake_plex::{FakePlex, Options};
use std::path::PathBuf;

/// A fake plex.tv and Plex Media Servers on loopback, for Reel's tests and demo.
/// Prints one JSON line (URLs, the account token, every connection) once listening.
#[derive(Parser)]
#[command(version)]
struct Args {
    /// Topology file (TOML, or JSON by extension). Without one, the demo account.
    #[arg(long)]
    topology: Option<PathBuf>,
    /// Size of the demo library (about this many items; mostly movies).
    #[arg(long)]
    items: Option<usize>,
    /// Listen on consecutive ports from this one instead of ephemeral ports.
    #[arg(long)]
    port_base: Option<u16>,
    /// Write the https CA certificate here (PEM).
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// Make a playable clip in this folder (with gst-launch-1.0, once) and
    /// let every movie and episode play it.
    #[arg(long)]
    media_dir: Option<PathBuf>,
    /// The clip's length in seconds.
    #[arg(long, default_value_t = 60)]
    media_seconds: u32,
    /// Once listening, write `NAME=value` lines (the plex.tv and sign-in
    /// URLs) here, whole or not at all: a launcher waits for this file
    /// instead of guessing how long making the clip takes.
    #[arg(long)]
    env_file: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut topology = match &args.topology {
        Some(p) => Topology::load(p).map_err(|e| anyhow::anyhow!("cannot read topology {}: {e}", p.display()))?,
        None => Topology::demo(args.items),
    };
    if let (Some(n), Some(_)) = (args.items, &args.topology) {
        for s in &mut topology.servers {
            s.library = fake_plex::topology::LibrarySpec::sized(n);
        }
    }
    if let Some(dir) = &args.media_dir {
        std::fs::create_dir_all(dir)?;
        let clip = fake_plex::media::make_clip(dir, args.media_seconds, &["eng", "deu"])?;
        // An album's worth of tones: what every track plays, in turn.
        let music = fake_plex::music::make_album(dir, &[20, 15, 25, 18])?;
        for s in &mut topology.servers {
            s.library.media = Some(clip.clone());
            s.library.music = music.clone();
        }
    }
    let fp = FakePlex::start_with(topology, Options { port_base: args.port_base, ca_file: args.ca_file }).await?;
    println!("{}", serde_json::to_string(fp.info())?);
    if let Some(path) = &args.env_file {
        write_env_file(path, fp.info())?;
    }
    tokio::signal::ctrl_c().await?;
    fp.shutdown();
    Ok(())
}

/// The URLs a launcher hands to Reel, written to a temporary file first and
/// renamed into place, so a reader never sees half of it.
fn write_env_file(path: &std::path::Path, info: &fake_plex::Info) -> anyhow::Result<()> {
    let text = format!("REEL_PLEX_TV_URL={}\nREEL_PLEX_AUTH_URL={}\n", info.plex_tv_url, info.auth_url);
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
