#!/usr/bin/env bash
# Where the test suite's own things live, whatever HOME the tests later run
# under. `test-env.sh venv` prints the tests' Python venv (made by
# scripts/setup.sh test); sourced, it exports REEL_TEST_PYTHON for the tests.
# The folder: $REEL_TEST_CACHE, else $XDG_CACHE_HOME/reel-tests, else ~/.cache/reel-tests.
cache="${REEL_TEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/reel-tests}"
venv="$cache/venv"
if [ "${1:-}" = venv ]; then
  echo "$venv"
else
  export REEL_TEST_PYTHON="$venv/bin/python"
fi
