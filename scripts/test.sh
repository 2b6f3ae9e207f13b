#!/usr/bin/env bash
# The whole test suite, from a fresh Debian 12 / Ubuntu machine with Rust and
# Node: installs what is missing, then formatting, lints, unit and integration
# tests, the Rust/TypeScript contract drift check, and the end-to-end tests in
# a real app window under Xvfb. Screenshots land in target/e2e/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }
started=$(date +%s)

step "UI: type-check, lint, unit tests, build"
(cd ui && npm run --silent check && npm run --silent lint && npm test --silent && npm run --silent build)

step "Rust: format"
cargo fmt --all -- --check

step "Rust: clippy (-D warnings)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Contract: generated TypeScript bindings match the Rust types"
bash scripts/check-contract.sh

step "Rust: unit and integration tests (real SQLite, ghl-sandbox on loopback, Secret Service keychain)"
cargo build --locked --bins
# The keychain tests need a Secret Service: a headless gnome-keyring inside
# its own D-Bus session, unlocked with a throwaway password, keeping its files
# in a temporary folder (never the developer's own login keyring).
KEYRING_DIR="$(mktemp -d)"
export KEYRING_DIR
dbus-run-session -- bash -euo pipefail -c '
  echo -n citadesk-test | XDG_DATA_HOME="$KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  CITADESK_REQUIRE_KEYCHAIN=1 cargo test --workspace --locked
  printf "\n==> %s\n" "End-to-end: the real app window (tauri-driver + WebKitWebDriver, Xvfb)"
  CITADESK_E2E=1 xvfb-run -a -s "-screen 0 1280x800x24" \
    cargo test --locked -p citadesk-e2e -- --test-threads=1 --nocapture
'
rm -rf "$KEYRING_DIR"

echo
echo "all checks passed in $(( $(date +%s) - started )) s"
