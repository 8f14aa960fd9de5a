#!/usr/bin/env bash
# nginx for the reverse-proxy test (tests/cluster/test_reverse_proxy.py, `make test-cluster`),
# which runs deploy/nginx.conf in front of two local gateways.
#
#   deploy/nginx.sh install   # make sure an nginx binary is installed; print its path
#   deploy/nginx.sh path      # print the path of the nginx binary (exit 1 when there is none)
#
# It comes from Debian's 'nginx' package (the core server: upstream zones, keepalive, map and
# the proxy module are all nginx.conf uses). The package's own service is never started here
# (the test starts its own process on a free port with a private prefix, and stops it).
set -euo pipefail

log() { printf '[nginx] %s\n' "$*" >&2; }

binary() {
  local candidate
  for candidate in "$(command -v nginx 2>/dev/null || true)" /usr/sbin/nginx; do
    if [ -n "$candidate" ] && [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

install_package() {
  if binary >/dev/null; then return; fi
  if [ "$(id -u)" != 0 ]; then
    log "nginx is not installed and we are not root: install Debian's 'nginx' package"; exit 1
  fi
  log "installing nginx from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # policy-rc.d of container images keeps the package's service from starting; elsewhere stop
  # it again if the package started it (this script never runs nginx on port 80).
  apt-get install -y -qq --no-install-recommends nginx >/dev/null
  if command -v service >/dev/null && service nginx status >/dev/null 2>&1; then
    service nginx stop >/dev/null 2>&1 || true
  fi
}

case "${1:-}" in
  install) install_package; binary ;;
  path) binary || { log "no nginx binary: run 'deploy/nginx.sh install'"; exit 1; } ;;
  *) echo "usage: $0 install|path" >&2; exit 2 ;;
esac
