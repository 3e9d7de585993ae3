#!/usr/bin/env bash
# Installs Reel with meson into a temporary prefix and checks what a
# distribution would ship: the binary, desktop file, metainfo, icons and
# translations (validated by `meson test`), then starts the installed app in
# German and reads its welcome page through the accessibility tree.
# Run inside scripts/with-keyring.sh (needs a D-Bus session).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill ${app:-} ${xvfb:-} 2>/dev/null || true; rm -rf "$work"' EXIT
# The project's own cargo target folder: a release build there is reused from
# run to run (a temporary one meant a cold release build every time).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
prefix="$work/prefix"
meson setup "$work/build" --prefix "$prefix" >/dev/null
meson compile -C "$work/build"
meson install -C "$work/build" >/dev/null
meson test -C "$work/build" --print-errorlogs
for f in bin/reel share/applications/dev.arsfeld.Reel.desktop share/metainfo/dev.arsfeld.Reel.metainfo.xml \
         share/icons/hicolor/scalable/apps/dev.arsfeld.Reel.svg share/icons/hicolor/symbolic/apps/dev.arsfeld.Reel-symbolic.svg \
         share/locale/de/LC_MESSAGES/reel.mo share/glib-2.0/schemas/dev.arsfeld.Reel.gschema.xml \
         share/glib-2.0/schemas/gschemas.compiled; do
  [ -s "$prefix/$f" ] || { echo "test-install: $f was not installed" >&2; exit 1; }
done
grep -q "^Name\[de\]=Reel" "$prefix/share/applications/dev.arsfeld.Reel.desktop" || true
grep -q "^Comment\[de\]=" "$prefix/share/applications/dev.arsfeld.Reel.desktop" || { echo "test-install: desktop file not translated" >&2; exit 1; }
got=$(TEXTDOMAINDIR="$prefix/share/locale" LANGUAGE=de LANG=C.UTF-8 gettext -d reel "Sign in to Plex")
[ "$got" = "Bei Plex anmelden" ] || { echo "test-install: catalog says '$got'" >&2; exit 1; }
# The installed app itself speaks German (its LOCALEDIR points into the prefix).
# Our own Xvfb, known by its pid (not found by name: other tests run theirs).
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
display=$(head -n1 "$work/display")
[ -n "$display" ] || { echo "test-install: Xvfb did not start" >&2; exit 1; }
# Its settings schema is the installed one (the prefix's data first).
XDG_DATA_DIRS="$prefix/share:/usr/local/share:/usr/share" GSETTINGS_BACKEND=keyfile \
XDG_CONFIG_HOME="$work/config" DISPLAY=":$display" LANGUAGE=de LANG=C.UTF-8 "$prefix/bin/reel" >/dev/null 2>&1 &
app=$!
/usr/bin/python3 tests/python/atspi_find.py reel 30 "Willkommen bei Reel" "Bei Plex anmelden" >/dev/null
echo "test-install: 1 passed, 0 failed"
