#!/usr/bin/env bash
# The browser the page tests drive (tests/web/): Debian's chromium package, installed when
# missing. Playwright's own browser download is not used (and cannot reach its host here).
# Prints the executable's path.
set -euo pipefail

find_chromium() {
  command -v chromium || command -v chromium-browser || true
}

path="$(find_chromium)"
if [[ -z "$path" ]]; then
  if [[ "$(id -u)" != 0 ]]; then
    echo "chromium is missing; install it as root: apt-get install -y chromium" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q chromium >&2 || { apt-get update -q >&2 && apt-get install -y -q chromium >&2; }
  path="$(find_chromium)"
fi
echo "$path"
