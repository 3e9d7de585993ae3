#!/bin/sh
# meson → cargo: builds the app in release mode and copies the binary where meson wants it.
# Usage: cargo-build.sh SOURCE_ROOT CARGO_TARGET_DIR OUTPUT  (an exported CARGO_TARGET_DIR wins, to share builds)
set -eu
target="${CARGO_TARGET_DIR:-$2}"
cargo build --release --locked --bin reel --manifest-path "$1/Cargo.toml" --target-dir "$target"
cp "$target/release/reel" "$3"
