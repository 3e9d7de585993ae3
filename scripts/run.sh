#!/usr/bin/env bash
# The one run command: sets up a Debian 12 machine (what is missing), builds
# and launches Reel. With no Plex account configured it runs against the
# bundled demo server (fake-plex on loopback), with settings kept apart from
# your real ones; sign in through the dialog (the demo's sign-in page opens in
# your browser). REEL_DEMO=0 forces real plex.tv, REEL_DEMO=1 forces the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh app
cargo build --locked --bin reel --bin fake-plex --bin reel-cli
config="${XDG_CONFIG_HOME:-$HOME/.config}/reel/config.toml"
demo=${REEL_DEMO:-}
if [ -z "$demo" ]; then
  if grep -q 'type = "Plex' "$config" 2>/dev/null; then demo=0; else demo=1; fi
fi
target=${CARGO_TARGET_DIR:-target}
if [ "$demo" = 0 ]; then
  exec "$target/debug/reel" "$@"
fi
demo_home="${XDG_DATA_HOME:-$HOME/.local/share}/reel-demo"
mkdir -p "$demo_home"
ready="$demo_home/fake-plex.env"
log="$demo_home/fake-plex.log"
rm -f "$ready"
# Fixed ports, so the demo's cached server addresses stay valid from run to run.
# Movies and episodes play a clip made here once with GStreamer. fake-plex
# writes $ready (whole, by a rename) once it listens; making the clip on a
# first run takes seconds on a busy machine, so the wait is for that file,
# not for a guessed time.
"$target/debug/fake-plex" --port-base "${REEL_DEMO_PORT:-32500}" --ca-file "$demo_home/ca.pem" \
  --media-dir "$demo_home/media" --env-file "$ready" > "$demo_home/fake-plex.json" 2> "$log" &
fp=$!
trap 'kill $fp 2>/dev/null || true' EXIT
waited=0
told=
until [ -s "$ready" ]; do
  if ! kill -0 "$fp" 2>/dev/null; then
    why=$(grep -v '^\s*$' "$log" | tail -n 1)
    echo "run.sh: the demo server could not start: ${why:-it exited without saying why} (log: $log)" >&2
    exit 1
  fi
  if [ -z "$told" ] && [ "$waited" -ge 20 ]; then
    echo "run.sh: starting the demo server (the first run makes its video clip; this can take a minute)…" >&2
    told=1
  fi
  if [ "$waited" -ge 3000 ]; then
    echo "run.sh: the demo server did not start within 5 minutes (log: $log)" >&2
    exit 1
  fi
  sleep 0.1
  waited=$((waited + 1))
done
while IFS='=' read -r name value; do
  case "$name" in
    REEL_PLEX_TV_URL) plex_tv_url=$value ;;
    REEL_PLEX_AUTH_URL) auth_url=$value ;;
  esac
done < "$ready"
if [ -z "${plex_tv_url:-}" ] || [ -z "${auth_url:-}" ]; then
  echo "run.sh: the demo server's $ready names no plex.tv URL; not starting Reel with empty settings" >&2
  exit 1
fi
export REEL_PLEX_TV_URL="$plex_tv_url" REEL_PLEX_AUTH_URL="$auth_url" REEL_EXTRA_CA_FILE="$demo_home/ca.pem"
export XDG_CONFIG_HOME="$demo_home/config" XDG_DATA_HOME="$demo_home/data" XDG_CACHE_HOME="$demo_home/cache"
echo "run.sh: demo server at $REEL_PLEX_TV_URL — sign in with the demo account from the app." >&2
"$target/debug/reel" "$@"
