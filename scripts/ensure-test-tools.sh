#!/usr/bin/env bash
# Installs, only when missing, what the tests need beyond the build tools:
# Debian chromium + chromium-driver (headless browser tests) and the npm
# packages pinned in package-lock.json (playwright-core for the end-to-end test).
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
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  # Machines of this kind ship Node 20 with npm; Debian's own nodejs is the fallback.
  echo "==> apt-get install nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
if [ ! -d node_modules/playwright-core ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi
