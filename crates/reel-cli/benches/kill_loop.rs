//! The kill -9 loop at full length: `scripts/with-keyring.sh cargo bench -p
//! reel-cli --bench kill_loop` (REEL_KILL_ROUNDS, default 1 000 rounds of
//! reel-cli; REEL_KILL_APP_ROUNDS, default 100 of the app when its binary
//! is built next to this one and Xvfb is there). Prints the tally; fails on
//! any damaged file, lost account or token, or panic.

#[path = "../tests/kill_common/mod.rs"]
mod kill_common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

fn rounds(var: &str, default: usize) -> usize {
    std::env::var(var).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    // Benches run from target/<profile>/deps; the binaries are one folder up.
    let bins = std::env::current_exe().ok().and_then(|p| Some(p.parent()?.parent()?.to_path_buf()));
    let cli = bins.as_ref().map(|b| b.join("reel-cli")).filter(|p| p.exists());
    let Some(cli) = cli else {
        eprintln!("reel-cli is not built next to this benchmark; run `cargo build --release -p reel-cli` first");
        std::process::exit(1);
    };
    let app = bins.as_ref().map(|b| b.join("reel")).filter(|p| p.exists());
    let xvfb = app.as_ref().and_then(|_| {
        let mut x = Command::new("Xvfb")
            .args(["-displayfd", "1", "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut line = String::new();
        BufReader::new(x.stdout.take()?).read_line(&mut line).ok()?;
        Some((x, format!(":{}", line.trim())))
    });
    let h = kill_common::Harness::start(cli);
    let started = std::time::Instant::now();
    let app_rounds = rounds("REEL_KILL_APP_ROUNDS", 100);
    let app_args = match (&app, &xvfb) {
        (Some(bin), Some((_, display))) => Some((bin.as_path(), display.as_str(), app_rounds)),
        _ => {
            eprintln!("(the app is not built next to this benchmark, or no Xvfb: reel-cli only)");
            None
        }
    };
    let t = h.run(rounds("REEL_KILL_ROUNDS", 1000), app_args);
    println!("kill -9 loop: {t:?} in {:.0} s", started.elapsed().as_secs_f64());
    println!(
        "rounds survived: {} of reel-cli, {} of the app ({} killed mid-run); corrupt settings {}, lost accounts {}, lost tokens {}, corrupt caches {}, panics {}",
        t.rounds, t.app_rounds, t.killed, t.corrupt_settings, t.lost_accounts, t.lost_tokens, t.corrupt_caches, t.panics
    );
    if let Some((mut x, _)) = xvfb {
        let _ = x.kill();
    }
    let bad = t.corrupt_settings + t.lost_accounts + t.lost_tokens + t.corrupt_caches + t.panics;
    std::process::exit(if bad == 0 { 0 } else { 1 });
}
