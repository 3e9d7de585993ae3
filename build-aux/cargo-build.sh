#!/bin/sh
# meson → cargo: builds the app in release mode and copies the binary where meson wants it.
# Usage: cargo-build.sh SOURCE_ROOT CARGO_TARGET_DIR OUTPUT
set -eu
cargo build --release --locked --bin reel --manifest-path "$1/Cargo.toml" --target-dir "$2"
cp "$2/release/reel" "$3"
