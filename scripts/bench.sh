#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail), written to target/bench/*.json:
#  - startup.json: Citadesk opening its week from a 50,000-cita cache vs a
#    Tauri hello world built alike (debug builds, Xvfb), time to interactive
#    and idle PSS of the process tree;
#  - week_query.json: the week view's SQLite query, optimised build;
#  - booking.json: week view on the large seed, GHL calls per booking,
#    "Guardar" to confirmed; reconciliation.json: a 31-day run's GHL calls,
#    wall and diff time (both against ghl-sandbox's large seed).
#  - ghl_client.json: the GHL client against ghl-sandbox, optimised build:
#    calls per second within GHL's default limit and with limits lifted,
#    and the client's own overhead per call vs bare reqwest.
# Expects the debug binaries from scripts/test.sh (builds them if missing).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
[ -x target/debug/citadesk ] && [ -x target/debug/bench-hello ] && [ -x target/debug/citadesk-bench ] \
  || { (cd ui && npm run --silent build); cargo build --workspace --bins --locked; }
mkdir -p target/bench

echo "==> week-view query (optimised build)"
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench week-query

echo "==> booking desk and reconciliation against ghl-sandbox's large seed (optimised build)"
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench booking
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench reconciliation
echo "==> GHL client: throughput within the limit and raw, overhead per call (optimised build)"
cargo run --locked -q --profile bench-opt -p citadesk-ghl --example client_bench -- --out target/bench
test -s target/bench/ghl_client.json

echo "==> start-up and idle memory vs a Tauri hello world"
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  ./target/debug/citadesk-bench --out target/bench startup --runs "${BENCH_RUNS:-3}" 2>&1 \
  | grep -vE "dbus-daemon|a11y|atspi" || true
test -s target/bench/startup.json

echo "==> relay: sustained ingest (signed, verified, durable)"
cargo run --locked -q --profile bench-opt -p citadesk-relay --example ingest_bench
test -s target/bench/relay_ingest.json

echo "==> relay: GHL change → app replica latency (p50/p99)"
cargo run --locked -q --profile bench-opt -p citadesk-relay --example live_latency -- 1000 50 2>/dev/null
test -s target/bench/relay_latency.json
