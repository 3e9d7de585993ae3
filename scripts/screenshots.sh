#!/usr/bin/env bash
# Takes the metainfo's screenshots (data/screenshots/, 1280×800) the way the
# GUI tests see Reel: runs the tests that take them, then copies what they
# took. Commit the result when the pages changed.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -f test-artifacts/store-*.png
scripts/with-keyring.sh cargo test --test app_e2e -- \
  browsing::sign_in_through_the_dialog_then_home_and_an_episode_marked_watched \
  music::an_album_plays_on_by_itself_from_the_bar_while_browsing
for f in test-artifacts/store-*.png; do
  name=$(basename "$f" .png)
  cp "$f" "data/screenshots/${name#store-}.png"
done
ls -l data/screenshots/
