#!/bin/sh
# Fuzzes what Reel parses (Plex JSON from servers and plex.tv; the settings
# file and what a damaged one still names) for a fixed budget per target,
# seeded from the recorded Plex answers in tests/fixtures/plex-api-spec/ and
# fuzz/seeds/. Not part of CI (it runs for minutes): a benchmark-style command.
#   scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 300)
# Prints each target's executions and findings; a finding's input is kept
# in fuzz/artifacts/<target>/ — copy it to
# crates/reel-core/tests/fuzz_regressions/<target>/ once fixed, where the
# regression test replays it.
set -eu
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-300}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/tmp/reel-fuzz-target}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz needs nightly flags: the nightly toolchain when there is one,
# else the stable one told to accept them.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then FUZZ="cargo +nightly fuzz"; else
  export RUSTC_BOOTSTRAP=1; FUZZ="cargo fuzz"; fi
mkdir -p fuzz/corpus/plex_json fuzz/corpus/settings
cp tests/fixtures/plex-api-spec/*.json crates/reel-core/tests/fixtures/*.json fuzz/corpus/plex_json/ 2>/dev/null || true
cp fuzz/seeds/settings/* fuzz/corpus/settings/
for t in plex_json settings; do
  log="fuzz/$t.log"
 $FUZZ run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=4096 -max_len=1048576 -print_final_stats=1 >"$log" 2>&1 || true
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  found=$(ls "fuzz/artifacts/$t" 2>/dev/null | wc -l)
  echo "$t: $runs executions in ${SECONDS_PER_TARGET} s, $found findings (log: $log)"
done
