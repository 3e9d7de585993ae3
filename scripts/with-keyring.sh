#!/usr/bin/env bash
# Runs a command with a real, unlocked Secret Service (gnome-keyring) on a
# private D-Bus session and a throwaway HOME, so tests never touch a real keyring.
# Usage: scripts/with-keyring.sh COMMAND...   (starts its own dbus-run-session)
set -euo pipefail
if [ -z "${REEL_IN_KEYRING_SESSION:-}" ]; then
  export REEL_IN_KEYRING_SESSION=1
  exec dbus-run-session -- "$0" "$@"
fi
# The toolchain and the tests' Python venv stay where they are, whatever HOME becomes.
export RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
[ -n "${REEL_TEST_PYTHON:-}" ] || source "$(dirname "$0")/test-env.sh"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/home/.local/share" XDG_CONFIG_HOME="$scratch/home/.config" XDG_CACHE_HOME="$scratch/home/.cache"
export XDG_RUNTIME_DIR="$scratch/run"
mkdir -p "$HOME" "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
# Services the bus starts later (the AT-SPI bus launcher, among others) must use
# this private HOME and runtime dir too, or two sessions share one socket.
dbus-update-activation-environment HOME XDG_RUNTIME_DIR XDG_DATA_HOME XDG_CONFIG_HOME XDG_CACHE_HOME
# The password only unlocks this throwaway login keyring.
eval "$(printf 'throwaway' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
"$@"
