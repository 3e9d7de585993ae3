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
info="$demo_home/fake-plex.json"
# Fixed ports, so the demo's cached server addresses stay valid from run to run.
# Movies and episodes play a clip made here once with GStreamer.
"$target/debug/fake-plex" --port-base "${REEL_DEMO_PORT:-32500}" --ca-file "$demo_home/ca.pem" \
  --media-dir "$demo_home/media" > "$info" &
fp=$!
trap 'kill $fp 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$info" ] && break; sleep 0.1; done
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$info" "$1"; }
export REEL_PLEX_TV_URL="$(field plex_tv_url)" REEL_PLEX_AUTH_URL="$(field auth_url)" REEL_EXTRA_CA_FILE="$demo_home/ca.pem"
export XDG_CONFIG_HOME="$demo_home/config" XDG_DATA_HOME="$demo_home/data" XDG_CACHE_HOME="$demo_home/cache"
echo "run.sh: demo server at $REEL_PLEX_TV_URL — sign in with the demo account from the app." >&2
"$target/debug/reel" "$@"
