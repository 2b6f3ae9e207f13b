#!/usr/bin/env bash
# Fails when ui/src/bindings/ (committed) differs from what the Rust side
# generates now: the types (ts-rs, crates/core) and commands.ts (the commands
# declared in src-tauri/src/commands.rs). Fix: `cargo test --workspace
# export_bindings` and commit.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
fresh="$(mktemp -d)"
trap 'rm -rf "$fresh"' EXIT
# --workspace keeps feature unification (and so the build cache) identical to the main test run.
TS_RS_EXPORT_DIR="$fresh" cargo test --workspace --locked -q export_bindings >/dev/null
if ! diff -ru ui/src/bindings "$fresh"; then
  echo "contract drift: run 'cargo test --workspace export_bindings' and commit ui/src/bindings" >&2
  exit 1
fi
echo "contract: $(ls "$fresh" | wc -l) files (types and commands.ts), no drift"
