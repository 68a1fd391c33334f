#!/usr/bin/env bash
# The browser test drives Debian's headless Chromium through chromium-driver (and the server tests use curl).
# Install them when missing: as root through apt-get (as CI runs), otherwise say what to run.
set -euo pipefail
missing=()
for pair in chromium:chromium chromedriver:chromium-driver curl:curl; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} for the browser and server tests" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "the browser and server tests need: ${missing[*]}" >&2
  echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
