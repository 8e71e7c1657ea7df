#!/usr/bin/env bash
# Installs, only when missing, what the tests need beyond the build tools (which include
# the npm packages, playwright-core among them): Debian chromium + chromium-driver for the
# headless browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-build-tools.sh
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "==> apt-get install chromium chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq chromium chromium-driver >/dev/null
fi
