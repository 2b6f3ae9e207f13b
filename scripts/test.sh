#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 / Ubuntu machine with Rust and
# Node: installs what is missing, then formatting, lints, unit and integration
# tests, the Rust/TypeScript contract drift check, and the end-to-end tests in
# a real app window under Xvfb. Screenshots land in target/e2e/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
started=$(date +%s)
step() { printf '\n==> [%4ss] %s\n' "$(( $(date +%s) - started ))" "$*"; }

step "Setup: system packages, tauri-driver, UI packages (only what is missing)"
bash scripts/setup.sh

step "UI: type-check, lint, unit tests, build"
(cd ui && npm run --silent check && npm run --silent lint && npm test --silent && npm run --silent build)

step "Rust: format"
cargo fmt --all -- --check

step "Rust: clippy (-D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust: build (app with the UI embedded, ghl-sandbox, citadesk-cli, benches)"
cargo build --workspace --bins --locked

step "Contract: generated TypeScript bindings match the Rust types"
bash scripts/check-contract.sh

step "Rust: unit, integration and end-to-end tests (real SQLite, ghl-sandbox on loopback, Secret Service keychain, PostgreSQL for the relay, the app in a real window)"
# The relay's PostgreSQL tests start their own throwaway servers (one per
# test, on free loopback ports) from the server programs setup.sh installed;
# here a missing PostgreSQL fails them instead of skipping them.
# The keychain tests need a Secret Service: a headless gnome-keyring inside
# its own D-Bus session, unlocked with a throwaway password, keeping its files
# in a temporary folder (never the developer's own login keyring).
KEYRING_DIR="$(mktemp -d)"
export KEYRING_DIR
dbus-run-session -- bash -euo pipefail -c '
  echo -n citadesk-test | XDG_DATA_HOME="$KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # One cargo invocation for everything, so dependencies are built once.
  # The end-to-end tests run inside it (CITADESK_E2E=1), one at a time.
  CITADESK_REQUIRE_KEYCHAIN=1 CITADESK_REQUIRE_POSTGRES=1 CITADESK_E2E=1 xvfb-run -a -s "-screen 0 1280x800x24" \
    cargo test --workspace --locked
'
rm -rf "$KEYRING_DIR"

echo
echo "all checks passed in $(( $(date +%s) - started )) s"
