#!/usr/bin/env bash
# Runs every test of Klaring: formatting, lints, unit and integration tests over the real
# list files. This is what CI runs (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
