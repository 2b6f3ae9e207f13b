#!/usr/bin/env bash
# CI's package check: installs the .deb that scripts/package.sh built with
# `dpkg -i` (sudo only when not root) and starts the installed app on the
# demo clinic under Xvfb, in a throwaway home, until its first paint (the
# app writes CITADESK_BENCH_READY_FILE when its week is on screen).
# A screenshot lands in target/package-check.png.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

deb="${1:-$(ls -t target/*/bundle/deb/*.deb 2>/dev/null | head -n1 || true)}"
[ -f "$deb" ] || { echo "no .deb found: run scripts/package.sh first" >&2; exit 1; }
echo "==> dpkg -i $deb ($(du -h "$deb" | cut -f1))"
$SUDO dpkg -i "$deb"
bin="$(dpkg -L citadesk | grep -m1 '^/usr/bin/')"

home="$(mktemp -d)"
# WebKit's helpers may still be closing their caches: best effort.
trap 'rm -rf "$home" 2>/dev/null || true' EXIT
mkdir -p "$home/share" "$home/config" "$home/cache"
export HOME="$home" XDG_DATA_HOME="$home/share" XDG_CONFIG_HOME="$home/config" XDG_CACHE_HOME="$home/cache"
export CITADESK_BENCH_READY_FILE="$home/ready" APP="$bin" SHOT="$ROOT/target/package-check.png"
started=$(date +%s%3N)
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -euo pipefail -c '
  echo -n check | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  "$APP" --demo >/dev/null 2>&1 & pid=$!
  for _ in $(seq 600); do [ -s "$CITADESK_BENCH_READY_FILE" ] && break; sleep 0.1; done
  import -window root "$SHOT" 2>/dev/null || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
'
if [ ! -s "$CITADESK_BENCH_READY_FILE" ]; then
  echo "the installed app did not reach its first paint within 60 s" >&2
  exit 1
fi
# The probe writes {"phases":{...},"ready":<epoch ms>}; only "ready" is needed here.
ready=$(grep -o '"ready":[0-9]*' "$CITADESK_BENCH_READY_FILE" | cut -d: -f2)
[ -n "$ready" ] || { echo "the app's ready file has no \"ready\" time: $(cat "$CITADESK_BENCH_READY_FILE")" >&2; exit 1; }
echo "installed app ($bin): first paint after $(( ready - started )) ms"
