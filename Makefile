# The two commands of the README:
#   make serve   install what is missing, build the page with Trunk, serve it on 127.0.0.1
#   make test    install the test tools, then everything CI runs (fails on any failure)
# Tool versions and traps: scripts/ensure-build-tools.sh, scripts/ensure-test-tools.sh.

SHELL := /bin/bash
# node_modules/.bin: wasm-opt from npm binaryen (package-lock), which Trunk runs.
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
PORT ?= 8080
# Headless browser tests: wasm-bindgen-test-runner drives Debian's chromium through this.
CHROMEDRIVER ?= /usr/bin/chromedriver
# Seconds a wasm test file may take in the browser (cold CI machines are slow).
export WASM_BINDGEN_TEST_TIMEOUT ?= 300

.NOTPARALLEL:
.PHONY: serve build test tools test-tools fmt clippy test-native test-wasm e2e

serve: tools
	@echo "==> building, then serving the page at http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	trunk serve --release --address 127.0.0.1 --port $(PORT)

build: tools
	trunk build --release

tools:
	bash scripts/ensure-build-tools.sh

test-tools:
	bash scripts/ensure-test-tools.sh

test: test-tools fmt clippy test-native test-wasm e2e
	@echo "==> make test: all passed"

fmt:
	cargo fmt --check

clippy:
	cargo clippy --all-targets -- -D warnings
	cargo clippy --target wasm32-unknown-unknown --all-targets -- -D warnings
	# The page's own build (index.html): without the bundled digits.
	cargo clippy --target wasm32-unknown-unknown --no-default-features --bin hsgd-web -- -D warnings

test-native:
	cargo test

# run_in_browser tests in headless Chromium (the runner is set in .cargo/config.toml;
# `wasm-pack test --headless --chrome` runs the same tests).
test-wasm:
	CHROMEDRIVER=$(CHROMEDRIVER) cargo test --target wasm32-unknown-unknown --tests

# Builds with `trunk build --release`, serves dist/ on loopback, drives headless Chromium
# with playwright-core (the soak test among them); then, on the same build, the Firefox
# smoke test (firefox-esr with puppeteer-core over WebDriver BiDi) and the Lighthouse gate
# (median of 3 runs, mobile and desktop). Screenshots in target/e2e/, Lighthouse reports
# in target/lighthouse/.
e2e:
	node tests/e2e/default.mjs
	E2E_SKIP_BUILD=1 node tests/e2e/firefox.mjs
	E2E_SKIP_BUILD=1 node tests/e2e/lighthouse.mjs
