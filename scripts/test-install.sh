#!/usr/bin/env bash
# Installs Reel with meson into a temporary prefix and checks what a
# distribution would ship: the binary, desktop file, metainfo, icons and
# translations (validated by `meson test`), then starts the installed app in
# German and reads its welcome page through the accessibility tree.
# Run inside scripts/with-keyring.sh (needs a D-Bus session).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'kill ${activated:-} ${app:-} ${bus:-} ${xvfb:-} 2>/dev/null || true; rm -rf "$work"' EXIT
fail() { echo "test-install: $*" >&2; exit 1; }
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
         share/glib-2.0/schemas/gschemas.compiled share/dbus-1/services/dev.arsfeld.Reel.service; do
  [ -s "$prefix/$f" ] || { echo "test-install: $f was not installed" >&2; exit 1; }
done
# The store's page: every screenshot the metainfo names is in data/screenshots/
# at the size it says (taken by the GUI tests: scripts/screenshots.sh).
metainfo="$prefix/share/metainfo/dev.arsfeld.Reel.metainfo.xml"
shots=$(grep -o 'data/screenshots/[a-z-]*\.png' "$metainfo")
[ -n "$shots" ] || fail "the metainfo shows no screenshots"
for shot in $shots; do
  [ "$(identify -format '%w %h' "$shot" 2>/dev/null)" = "1280 800" ] || fail "$shot is missing or not 1280×800"
done
for tag in '<content_rating type="oars-1.1"' '<branding>' '<launchable type="desktop-id">' '<developer id=' '<release version="'; do
  grep -q "$tag" "$metainfo" || fail "the metainfo has no $tag"
done
grep -q "<release version=\"$(grep -o "version: '[0-9.]*'" meson.build | tr -dc '0-9.')\"" "$metainfo" \
  || fail "the metainfo has no release entry for this version"
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
XDG_CONFIG_HOME="$work/config" DISPLAY=":$display" LANGUAGE=de LANG=C.UTF-8 "$prefix/bin/reel" >/dev/null 2>"$work/first.log" &
app=$!
/usr/bin/python3 tests/python/atspi_find.py reel 30 "Willkommen bei Reel" "Bei Plex anmelden" >/dev/null

# One Reel per session: launched again, it hands over to the one running
# (which presents its window) and leaves at once.
desktop="$prefix/share/applications/dev.arsfeld.Reel.desktop"
grep -qx "DBusActivatable=true" "$desktop" || fail "the desktop file is not D-Bus activatable"
service="$prefix/share/dbus-1/services/dev.arsfeld.Reel.service"
grep -qx "Name=dev.arsfeld.Reel" "$service" || fail "the service file names another application"
grep -qx "Exec=$prefix/bin/reel --gapplication-service" "$service" || fail "the service file starts: $(grep ^Exec "$service")"
presented() { grep -c "activated: the window is presented" "$work/first.log" || true; }
before=$(presented)
XDG_DATA_DIRS="$prefix/share:/usr/local/share:/usr/share" GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" \
  DISPLAY=":$display" timeout 30 "$prefix/bin/reel" >/dev/null 2>&1 || fail "a second launch did not hand over and leave"
for _ in $(seq 100); do [ "$(presented)" -gt "$before" ] && break; sleep 0.1; done
[ "$(presented)" -gt "$before" ] || fail "the running Reel did not present its window for the second launch"
kill -0 "$app" || fail "the first Reel is gone"
kill "$app"; wait "$app" 2>/dev/null || true; app=

# D-Bus activation as the desktop does it: a bus that knows the installed
# service file starts Reel when its name is called.
address="unix:path=$work/bus"
printf '%s\n' '<busconfig>' '  <type>session</type>' "  <listen>$address</listen>" \
  "  <servicedir>$prefix/share/dbus-1/services</servicedir>" '  <auth>EXTERNAL</auth>' \
  '  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>' \
  '</busconfig>' >"$work/bus.conf"
# What the bus starts inherits its environment: this bus, this display.
bus=$(DBUS_SESSION_BUS_ADDRESS="$address" XDG_DATA_DIRS="$prefix/share:/usr/local/share:/usr/share" \
  GSETTINGS_BACKEND=keyfile XDG_CONFIG_HOME="$work/config" DISPLAY=":$display" NO_AT_BRIDGE=1 \
  dbus-daemon --config-file="$work/bus.conf" --fork --print-pid=1)
timeout 60 gdbus call --address "$address" --dest dev.arsfeld.Reel --object-path /dev/arsfeld/Reel \
  --method org.freedesktop.Application.Activate '{}' >/dev/null || fail "D-Bus activation did not start Reel"
activated=$(gdbus call --address "$address" --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
  --method org.freedesktop.DBus.GetConnectionUnixProcessID dev.arsfeld.Reel | sed 's/.*uint32 \([0-9]*\).*/\1/')
tr '\0' ' ' <"/proc/$activated/cmdline" | grep -q -- "--gapplication-service" || fail "the activated Reel is not the service"
DISPLAY=":$display" timeout 30 xdotool search --sync --onlyvisible --name "Reel" >/dev/null \
  || fail "the activated Reel shows no window"
echo "test-install: 4 passed, 0 failed"
