#!/usr/bin/env bash
# Benchmarks (figures, not pass/fail), written to target/bench/*.json:
#  - startup.json: Citadesk opening its week from a 50,000-cita cache vs a
#    Tauri hello world built alike (both `bench-opt`: optimised like release
#    without its slow LTO link; the built UI embedded as in a release; Xvfb),
#    time to interactive and idle PSS of the process tree;
#  - week_query.json: the week view's SQLite query, optimised build;
#  - booking.json: week view on the large seed, GHL calls per booking,
#    "Guardar" to confirmed; reconciliation.json: a 31-day run's GHL calls,
#    wall and diff time (both against ghl-sandbox's large seed);
#    reminders.json: 300 citas' reminders due at once: GHL calls, time, 429s.
#  - webview_fps.json, week_layouts.json, live_window.json: the real window
#    (debug build, as the e2e tests): frames per second scrolling the day of
#    20 calendars and dragging a cita with WebKit's acceleration off (the
#    app's default) and on; draw time of the candidate week layouts for 5
#    and 10 calendars; a GHL change to the drawn window, p99 over 200.
#  - calendar_views.json: the month of 20 calendars and the list of the
#    large seed's 24,800 citas in the real window (debug build), click (or
#    typed range, sort, scroll) to the drawn frame, target < 300 ms;
#    calendar_views_core.json: the same reads in the core alone (optimised);
#  - idle_pulls.json: GHL calls and bytes per desk per idle hour, relay live
#    and not, 5 desks on the large seed (simulated hours, real pulls);
#  - relay_agency*.json: 1,000 locations, 10,000 streaming installs, 3,000
#    webhooks/s: delivery p50/p99, the relay's memory and CPU;
#  - ghl_client.json: the GHL client against ghl-sandbox, optimised build:
#    calls per second within GHL's default limit and with limits lifted,
#    and the client's own overhead per call vs bare reqwest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
TARGET="${CARGO_TARGET_DIR:-target}"
mkdir -p target/bench

# CI passes CITADESK_BENCH_UNTIL (Unix seconds): past it, the remaining
# benchmarks are skipped, and say so, so CI stays within its time budget.
section() {
  if [ -n "${CITADESK_BENCH_UNTIL:-}" ] && [ "$(date +%s)" -ge "$CITADESK_BENCH_UNTIL" ]; then
    echo "==> CI's time budget reached: skipped from here on ($1, and what follows)"
    return 1
  fi
  echo "==> $1"
}

section "week-view query (optimised build)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench week-query

section "booking desk and reconciliation against ghl-sandbox's large seed (optimised build)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench booking
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench reconciliation
section "reminders: 300 citas due at once within GHL's default limits (optimised build)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench reminders
section "idle desks: GHL calls per desk per hour, relay live and not (optimised build)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench idle-pulls
section "the manager's Panel: 90 days x 20 calendars on the large seed (optimised build)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench dashboard
section "GHL client: throughput within the limit and raw, overhead per call (optimised build)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-ghl --example client_bench -- --out target/bench
test -s target/bench/ghl_client.json

section "start-up and idle memory vs a Tauri hello world (both built with bench-opt)" || exit 0
# The UI first: the app embeds ui/dist at compile time, as a release does.
(cd ui && npm run --silent build)
cargo build --locked --profile bench-opt -p citadesk -p bench-hello -p citadesk-bench
# 5 runs each (about 20 s a run): with 3, the same hello world's median
# ranged from 375 to 429 ms over 12 invocations on a 2-core machine, wider
# than the differences the 300 ms target is about.
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" \
  "$TARGET/bench-opt/citadesk-bench" --out target/bench startup \
  --bin-dir "$TARGET/bench-opt" --runs "${BENCH_RUNS:-5}" 2>&1 \
  | grep -vE "dbus-daemon|a11y|atspi" || true
test -s target/bench/startup.json

section "the window: frames per second (acceleration off/on), week layouts' draw time, GHL change to the drawn window" || exit 0
cargo build --locked -q -p citadesk -p ghl-sandbox -p citadesk-cli -p citadesk-relay
cargo build --locked -q -p citadesk-e2e --examples
(cd ui && npx vite build -c vite.bench.config.ts --logLevel warn)
KEYRING_DIR="$(mktemp -d)"
export KEYRING_DIR TARGET
dbus-run-session -- bash -uo pipefail -c '
  echo -n citadesk-bench | XDG_DATA_HOME="$KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  for bench in grid_bench layout_bench live_bench; do
    xvfb-run -a -s "-screen 0 1280x800x24" "$TARGET/debug/examples/$bench" >/dev/null
  done
' 2>&1 | grep -vE "dbus-daemon|a11y|atspi" || true
rm -rf "$KEYRING_DIR"
test -s target/bench/webview_fps.json
test -s target/bench/week_layouts.json
test -s target/bench/live_window.json
section "the month of 20 calendars and the list of 25,000 citas: the core (optimised), and the window from click to drawn (large seed)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-bench -- --out target/bench views
(cd ui && npm run --silent build)
cargo build --locked -q -p citadesk -p ghl-sandbox -p citadesk-cli
cargo build --locked -q -p citadesk-e2e --examples
KEYRING_DIR="$(mktemp -d)"
export KEYRING_DIR TARGET
dbus-run-session -- bash -uo pipefail -c '
  echo -n citadesk-bench | XDG_DATA_HOME="$KEYRING_DIR" gnome-keyring-daemon --unlock --components=secrets >/dev/null
  xvfb-run -a -s "-screen 0 1280x800x24" "$TARGET/debug/examples/views_bench" "${VIEWS_RUNS:-5}" >/dev/null
' 2>&1 | grep -vE "dbus-daemon|a11y|atspi" || true
rm -rf "$KEYRING_DIR"
test -s target/bench/calendar_views.json

section "relay: sustained ingest (signed, verified, durable)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-relay --example ingest_bench
test -s target/bench/relay_ingest.json
section "relay: sustained ingest on the PostgreSQL store (a server started for the run)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-relay --example ingest_bench -- 20000 64 --postgres
test -s target/bench/relay_ingest_postgres.json

section "relay: GHL change → app replica latency (p50/p99)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-relay --example live_latency -- 1000 50 2>/dev/null
test -s target/bench/relay_latency.json

section "relay at an agency's scale: 1,000 locations, 10,000 streams, 3,000 webhooks/s (SQLite, PostgreSQL)" || exit 0
cargo run --locked -q --profile bench-opt -p citadesk-relay --example agency_bench -- --seconds "${AGENCY_SECONDS:-10}"
test -s target/bench/relay_agency.json
cargo run --locked -q --profile bench-opt -p citadesk-relay --example agency_bench -- --seconds "${AGENCY_SECONDS:-10}" --postgres
test -s target/bench/relay_agency_postgres.json
