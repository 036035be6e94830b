#!/usr/bin/env bash
# Installs what building and testing Klaring needs on a fresh Debian or Ubuntu machine.
# Idempotent: packages already present are skipped by apt-get.
#   build-essential, pkg-config: the C parts (bundled SQLite).
#   libwebkit2gtk-4.1-dev: the desktop app's webview (pulls in GTK 3, libsoup 3, JavaScriptCore).
#   xvfb, webkit2gtk-driver: the desktop app's end-to-end tests (a real window, driven by WebDriver).
#   nodejs, npm: building the front end in ui/, only when no node is installed already.
#   poppler-utils: the PDF case report's tests read it back (pdftotext) and render it (pdftoppm).
#   fonts-dejavu-core, fonts-wqy-microhei: system fonts for the Arabic and Chinese names in the
#     report's tests (the fonts embedded in Klaring cover Latin, Greek and Cyrillic only).
set -euo pipefail

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

packages=(build-essential pkg-config ca-certificates libwebkit2gtk-4.1-dev xvfb webkit2gtk-driver
  poppler-utils fonts-dejavu-core fonts-wqy-microhei)
if ! command -v node >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust is not installed: install it from https://rustup.rs (rustup, stable toolchain), then run this again." >&2
  exit 1
fi
