#!/usr/bin/env bash
# Runs every test of Klaring: formatting, lints, unit and integration tests over the real
# list files, and the desktop app's commands on Tauri's mock runtime. This is what CI runs
# (.ci/run). The front end is built first: the app embeds ui/dist at compile time.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
npm --prefix ui ci
npm --prefix ui run check
npm --prefix ui run build
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
