#!/usr/bin/env bash
# Starts Citadesk on the built-in demo clinic (ghl-sandbox, in process): no
# GHL account needed. Installs whatever is missing first. On a machine with
# no display it runs under Xvfb and saves a screenshot to target/demo.png.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
(cd ui && npm run --silent build)
cargo build --locked -p citadesk
app="$ROOT/target/debug/citadesk"
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec "$app" --demo
fi
echo "No display found: running the demo under Xvfb; a screenshot will be saved to target/demo.png (Ctrl-C to stop)."
exec dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  "'"$app"'" --demo & pid=$!
  sleep "${CITADESK_DEMO_SHOT_AFTER:-8}"
  import -window root "'"$ROOT"'/target/demo.png" && echo "screenshot: '"$ROOT"'/target/demo.png"
  wait $pid
'
