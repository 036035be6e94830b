#!/usr/bin/env bash
# Installs what is needed, builds Klaring, and screens a name against the bundled lists
# (imported on first use). Any arguments are passed to `klaring`; without any, a demo screening.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo build --release --locked --bin klaring
if [ $# -eq 0 ]; then
  set -- screen "Omar Patek"
fi
exec target/release/klaring "$@"
