#!/usr/bin/env bash
# Installs what is needed, builds Klaring and runs it.
#   scripts/run.sh                 the desktop app (needs a display)
#   scripts/run.sh screen "NAME"   the klaring CLI: any arguments are passed to `klaring`
# The bundled lists are imported on first use, offline.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
if [ $# -gt 0 ]; then
  cargo build --release --locked --bin klaring
  exec target/release/klaring "$@"
fi
if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run.sh: no display (DISPLAY is not set). Start the app from a desktop session, or use the CLI:" >&2
  echo "  scripts/run.sh screen \"Omar Patek\"" >&2
  exit 1
fi
[ -d ui/node_modules ] || npm --prefix ui ci
npm --prefix ui run build
exec cargo run --release --locked -p klaring-app
