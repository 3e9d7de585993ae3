#!/usr/bin/env bash
# Installs what Reel needs on Debian 12 that is not there yet: the GTK 4 /
# libadwaita build stack, GStreamer (build and playback; gst-launch-1.0 makes
# the demo's and the tests' clips), and for tests Xvfb, D-Bus, gnome-keyring,
# AT-SPI, gst-discoverer-1.0 (the tracks a downloaded file holds) and
# python-plexapi. Safe to run again; installs only what is missing.
# Usage: scripts/setup.sh [app|test]
set -euo pipefail
what=${1:-test}
packages=(pkg-config libgtk-4-dev libadwaita-1-dev gettext desktop-file-utils
          libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
          gstreamer1.0-plugins-bad gstreamer1.0-gl gstreamer1.0-libav gstreamer1.0-tools gstreamer1.0-x
          libglib2.0-bin dconf-gsettings-backend)
if [ "$what" = test ]; then
  packages+=(xvfb xauth xdotool dbus dbus-x11 gnome-keyring at-spi2-core python3-pyatspi imagemagick
             meson ninja-build appstream python3-venv playerctl gstreamer1.0-plugins-base-apps)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: Rust (cargo) is needed; install it with rustup (https://rustup.rs) and run this again." >&2
  exit 1
fi
if [ "$what" = test ]; then
  # The tests' own Python (python-plexapi, the independent check of fake-plex):
  # a venv of Debian's python3 in a cache folder, so neither the python3 on PATH
  # (maybe pyenv's) nor the HOME the tests run under (a throwaway one) matters.
  # scripts/test-env.sh tells the tests where it is.
  venv="$(bash "$(dirname "$0")/test-env.sh" venv)"
  if ! "$venv/bin/python" -c "import plexapi" 2>/dev/null; then
    echo "setup: making the tests' Python environment in $venv" >&2
    rm -rf "$venv"
    mkdir -p "$(dirname "$venv")"
    /usr/bin/python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "plexapi==4.18.3"
  fi
fi
