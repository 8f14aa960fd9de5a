#!/usr/bin/env bash
# Install the CJK font the PDF evaluation reports embed (server/report_pdf.py): Debian's
# fonts-wqy-microhei (文泉驿微米黑, /usr/share/fonts/truetype/wqy/wqy-microhei.ttc).
# `make install` runs this, so `make demo` and `make test` have it on a fresh machine.
# Without root and without the font it fails and says what to install.
set -euo pipefail

FONT=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc

log() { printf '[report-fonts] %s\n' "$*" >&2; }

if [ -n "${ANZEXIAN_REPORT_FONT:-}" ]; then
  if [ -f "$ANZEXIAN_REPORT_FONT" ]; then exit 0; fi
  log "ANZEXIAN_REPORT_FONT=$ANZEXIAN_REPORT_FONT is not a file"; exit 1
fi
if [ -f "$FONT" ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  log "the PDF reports need a CJK font and we are not root: install Debian's 'fonts-wqy-microhei' package (or set ANZEXIAN_REPORT_FONT)"
  exit 1
fi
log "installing fonts-wqy-microhei from Debian's packages"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq fonts-wqy-microhei >/dev/null
if [ ! -f "$FONT" ]; then log "fonts-wqy-microhei installed but $FONT is missing"; exit 1; fi
