//! Replays what the fuzzers found (fuzz/, scripts/fuzz.sh), once fixed,
//! and the recorded answers they start from: none may panic.

use std::path::Path;

fn each(dir: &Path, f: impl Fn(&[u8])) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if let Ok(bytes) = std::fs::read(e.path()) {
            f(&bytes);
            n += 1;
        }
    }
    n
}

#[test]
fn what_the_fuzzers_found_and_started_from_parses_without_a_panic() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = here.join("../..");
    let json = each(&here.join("tests/fuzz_regressions/plex_json"), reel_core::fuzz_entry::plex_json)
        + each(&root.join("tests/fixtures/plex-api-spec"), reel_core::fuzz_entry::plex_json);
    let settings = each(&here.join("tests/fuzz_regressions/settings"), reel_core::fuzz_entry::settings)
        + each(&root.join("fuzz/seeds/settings"), reel_core::fuzz_entry::settings);
    assert!(json > 30 && settings >= 2, "{json} JSON and {settings} settings inputs");
}
