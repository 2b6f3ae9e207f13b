#!/usr/bin/env bash
# Builds Citadesk's Linux packages with Tauri's bundler (tauri-cli from ui/'s
# npm packages): a .deb and an .rpm, in release (the workspace's profile: fat
# LTO, one codegen unit, stripped), in target/release/bundle/{deb,rpm}/.
#
# Signed updates: with TAURI_SIGNING_PRIVATE_KEY (the key, or its file) and
# TAURI_SIGNING_PRIVATE_KEY_PASSWORD in the environment, each package gets
# its updater signature beside it (.deb.sig, .rpm.sig). The private key lives
# only in the release build's environment, never in the repository. Without
# it the packages are built unsigned (no updater artifacts), and it says so.
# CITADESK_UPDATE_FEED (e.g. https://relay.clinica.pe/updates/latest.json) is
# the feed built into the app (its settings may name another).
# With CITADESK_UPDATES_BASE_URL too (where the relay serves /updates/, e.g.
# https://relay.clinica.pe/updates), the feed folder is written to
# target/release/bundle/updates/: copy it to the relay's updates_dir.
#
#   scripts/package.sh           release packages (what is shipped)
#   scripts/package.sh --smoke   CI's package check, not for release: the same
#                                app and bundle from the debug build that
#                                scripts/test.sh has already compiled, in
#                                target/debug/bundle/ (about a minute)
#   scripts/package.sh --deb     only the .deb (either mode)
#
# No AppImage: its bundler downloads tools at build time.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CARGO_INCREMENTAL=0

bundles="deb,rpm"
profile=release
for arg in "$@"; do
  case "$arg" in
    --smoke) profile=debug ;;
    --deb) bundles="deb" ;;
    *) echo "unknown option: $arg (use --smoke, --deb)" >&2; exit 2 ;;
  esac
done

bash scripts/setup.sh

# Build-time settings merged (JSON merge patch) over tauri.conf.json.
parts=()
if [ -z "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  echo "==> TAURI_SIGNING_PRIVATE_KEY is not set: packages without updater signatures (not for release)"
  parts+=('"bundle":{"createUpdaterArtifacts":false}')
fi
if [ -n "${CITADESK_UPDATE_FEED:-}" ]; then
  if [[ "$CITADESK_UPDATE_FEED" != https://* || "$CITADESK_UPDATE_FEED" == *[\"\\]* ]]; then
    echo "CITADESK_UPDATE_FEED must be an https:// URL" >&2; exit 2
  fi
  # The feed the app asks unless its settings name another.
  parts+=("\"plugins\":{\"updater\":{\"endpoints\":[\"$CITADESK_UPDATE_FEED\"]}}")
else
  echo "==> CITADESK_UPDATE_FEED is not set: the app checks for updates once a feed is set in Acerca de"
fi
overrides="{$(IFS=,; echo "${parts[*]}")}"
config=(--config "$overrides")
build_args=()
if [ "$profile" = debug ]; then build_args=(--debug); fi

started=$(date +%s)
ui/node_modules/.bin/tauri build --ci "${build_args[@]}" --bundles "$bundles" "${config[@]}"
echo "==> packages built in $(( $(date +%s) - started )) s ($profile)"

out="target/$profile/bundle"
ls -l "target/$profile/citadesk" "$out"/deb/*.deb "$out"/rpm/*.rpm 2>/dev/null || true

version="$(sed -n 's/^ *"version": "\(.*\)",$/\1/p' src-tauri/tauri.conf.json | head -n1)"
if [ -n "${CITADESK_UPDATES_BASE_URL:-}" ] && [ -n "${TAURI_SIGNING_PRIVATE_KEY:-}" ]; then
  artifacts=()
  for f in "$out"/deb/*"_${version}_"*.deb "$out"/rpm/*"-${version}-"*.rpm; do
    [ -f "$f" ] && artifacts+=(--artifact "$f")
  done
  CITADESK_RELAY_UPDATES_DIR="$out/updates" cargo run --locked -q -p citadesk-relay -- \
    publish-update --version "$version" --notes "${CITADESK_RELEASE_NOTES:-}" \
    --base-url "$CITADESK_UPDATES_BASE_URL" "${artifacts[@]}"
  echo "==> update feed for $version: $out/updates/ (copy it to the relay's updates_dir)"
fi
