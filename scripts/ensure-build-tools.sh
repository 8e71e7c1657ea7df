#!/usr/bin/env bash
# Installs, only when missing, what building the page needs: the wasm32 target,
# wasm-bindgen-cli at exactly the version Cargo.toml pins, Trunk, and the npm packages
# pinned in package-lock.json (binaryen's wasm-opt 132 for the release build; Debian's
# binaryen 108 builds a page that never starts). Versions and traps: ../shared/TOOLCHAIN.md.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=0.2.130
TRUNK_VERSION=0.21.14
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  echo "==> rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WASM_BINDGEN_VERSION"; then
  echo "==> installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes)"
  # Not --locked: its lockfile names a crate version the registry here lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi
if ! trunk --version 2>/dev/null | grep -q " $TRUNK_VERSION"; then
  echo "==> installing trunk $TRUNK_VERSION (about 13 minutes)"
  cargo install --locked trunk --version "$TRUNK_VERSION" --force
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  # Machines of this kind ship Node 20 with npm; Debian's own nodejs is the fallback.
  echo "==> apt-get install nodejs npm"
  export DEBIAN_FRONTEND=noninteractive
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
# Every package of package.json present at its pinned version, else `npm ci`.
if ! node -e '
  const dev = require("./package.json").devDependencies;
  for (const [name, version] of Object.entries(dev)) {
    if (require(`./node_modules/${name}/package.json`).version !== version) process.exit(1);
  }' 2>/dev/null; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi
