#!/usr/bin/env bash
# The one test command: sets up a Debian 12 machine (what is missing) and runs
# every test. Keyring tests talk to a real gnome-keyring on a private D-Bus
# session; the app's tests drive a real window under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup.sh test
cargo build --workspace --all-targets --locked
echo "test.sh: built in $(( $(date +%s) - start ))s" >&2
# One thread: the keyring tests share one Secret Service.
scripts/with-keyring.sh cargo test --workspace --locked -- --test-threads=1
# What a distribution ships: meson install into a temp prefix, validated, translated.
scripts/with-keyring.sh scripts/test-install.sh
echo "test.sh: all tests passed in $(( $(date +%s) - start ))s" >&2
