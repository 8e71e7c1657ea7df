#!/usr/bin/env bash
# Installs, only when missing, what the tests need beyond the build tools (which include
# the npm packages, playwright-core and puppeteer-core among them): Debian chromium +
# chromium-driver for the headless browser tests, and firefox-esr for the Firefox smoke
# test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-build-tools.sh
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v firefox-esr >/dev/null || missing+=(firefox-esr)
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
