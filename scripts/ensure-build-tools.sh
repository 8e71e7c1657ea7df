#!/usr/bin/env bash
# Installs, only when missing, what building the page needs: the wasm32 target,
# wasm-bindgen-cli at exactly the version Cargo.toml pins, and Trunk.
# Versions and traps: ../shared/TOOLCHAIN.md (no wasm-opt: Debian's binaryen breaks the page).
set -euo pipefail
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
