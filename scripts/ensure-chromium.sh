#!/usr/bin/env bash
# Installs Debian's chromium for the storefront's browser test when it is
# missing (a fresh CI machine). playwright-core drives it and never downloads
# a browser of its own; Debian's packages are the only source.
# Idempotent; npm test runs it before jest.
set -eu

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "ensure-chromium.sh: $CHROMIUM is missing; install Debian's chromium (apt-get install chromium) as root" >&2
  exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
"$CHROMIUM" --version
