#!/usr/bin/env bash
# The one test command: sets up a Debian 12 machine (what is missing) and runs
# every test. Keyring tests talk to a real gnome-keyring on a private D-Bus
# session; the app's tests drive a real window under Xvfb; tests that run
# Python use the suite's own venv (scripts/test-env.sh says where).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup.sh test
source scripts/test-env.sh
# Lint first: formatting and clippy's warnings fail the run as a test would.
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The app and reel-cli built as they ship: reel-core without the `internals`
# its own tests use, so reaching past its facade does not compile.
cargo clippy -p reel -p reel-cli --locked -- -D warnings
cargo build --workspace --all-targets --locked
# What the run command builds (reel-core without the features tests give
# it): built here, the run command's scenario does not compile it on a
# machine it keeps busy on purpose.
cargo build --locked --bin reel --bin fake-plex --bin reel-cli
# The benchmarks build too (they need the measurement hook's feature).
cargo check -p reel --benches --features bench --locked
# The tests as the two runs below build them (each its own features of
# reel-core): built here, no compiler takes the cores from the window's
# scenarios while they run.
cargo test -p reel --locked --no-run
cargo test --workspace --exclude reel --locked --no-run
built=$(date +%s)
echo "test.sh: built in $(( built - start ))s" >&2
# Tests run side by side; those that share the real keyring (or one AT-SPI
# bus) take turns inside their test binary. The app's own tests (its window's
# scenarios, mostly waiting on real clocks) run beside everything else, whose
# output is kept in a file and shown after.
others_log=$(mktemp)
scripts/with-keyring.sh cargo test --workspace --exclude reel --locked > "$others_log" 2>&1 &
others=$!
app_status=0
# Three of the window's scenarios at once: each waits on real clocks most
# of its time (tests/app_e2e/session.rs).
RUST_TEST_THREADS=3 scripts/with-keyring.sh cargo test -p reel --locked || app_status=$?
others_status=0
wait "$others" || others_status=$?
cat "$others_log"
rm -f "$others_log"
if [ "$app_status" != 0 ] || [ "$others_status" != 0 ]; then
  echo "test.sh: tests failed (the app's: exit $app_status; the rest: exit $others_status)" >&2
  exit 1
fi
tests_done=$(date +%s)
# What a distribution ships: meson install into a temp prefix, validated, translated.
scripts/with-keyring.sh scripts/test-install.sh
echo "test.sh: tests $(( tests_done - start ))s (the test phase $(( tests_done - built ))s), install test $(( $(date +%s) - tests_done ))s; all passed in $(( $(date +%s) - start ))s" >&2
