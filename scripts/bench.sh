#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail), written to target/bench/*.json:
#  - startup.json: Citadesk opening its week from a 50,000-cita cache vs a
#    Tauri hello world built alike (both `bench-opt`: optimised like release
#    without its slow LTO link; the built UI embedded as in a release; Xvfb),
#    time to interactive and idle PSS of the process tree;
#  - week_query.json: the week view's SQLite query, optimised build;
#  - booking.json: week view on the large seed, GHL calls per booking,
#    "Guardar" to confirmed; reconciliation.json: a 31-day run's GHL calls,
#    wall and diff time (both against ghl-sandbox's large seed).
#  - ghl_client.json: the GHL client against ghl-sandbox, optimised build:
#    calls per second within GHL's default limit and with limits lifted,
#    and the client's own overhead per call vs bare reqwest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
TARGET="${CARGO_TARGET_DIR:-target}"
mkdir -p target/bench

echo "==> week-view query (optimised build)"
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench week-query

echo "==> booking desk and reconciliation against ghl-sandbox's large seed (optimised build)"
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench booking
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench reconciliation
echo "==> the manager's Panel: 90 days x 20 calendars on the large seed (optimised build)"
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench dashboard
echo "==> GHL client: throughput within the limit and raw, overhead per call (optimised build)"
cargo run --locked -q --profile bench-opt -p citadesk-ghl --example client_bench -- --out target/bench
test -s target/bench/ghl_client.json

echo "==> start-up and idle memory vs a Tauri hello world (both built with bench-opt)"
# The UI first: the app embeds ui/dist at compile time, as a release does.
(cd ui && npm run --silent build)
cargo build --locked --profile bench-opt -p citadesk -p bench-hello -p citadesk-bench
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  "$TARGET/bench-opt/citadesk-bench" --out target/bench startup \
  --bin-dir "$TARGET/bench-opt" --runs "${BENCH_RUNS:-3}" 2>&1 \
  | grep -vE "dbus-daemon|a11y|atspi" || true
test -s target/bench/startup.json

echo "==> relay: sustained ingest (signed, verified, durable)"
cargo run --locked -q --profile bench-opt -p citadesk-relay --example ingest_bench
test -s target/bench/relay_ingest.json
echo "==> relay: sustained ingest on the PostgreSQL store (a server started for the run)"
cargo run --locked -q --profile bench-opt -p citadesk-relay --example ingest_bench -- 20000 64 --postgres
test -s target/bench/relay_ingest_postgres.json

echo "==> relay: GHL change → app replica latency (p50/p99)"
cargo run --locked -q --profile bench-opt -p citadesk-relay --example live_latency -- 1000 50 2>/dev/null
test -s target/bench/relay_latency.json
