#!/usr/bin/env bash
# The docs site and its tests need: Graphviz `dot` (the site's diagrams, rendered to SVG at build time), Apache httpd
# (tests/publish/site/test_htaccess.py serves a release with its .htaccess rules) and axe-core (the accessibility
# check, run in headless Chromium by tests/publish/site/test_site.py) and Java (the Nu HTML validator). Debian packages are installed through apt-get when
# run as root (as CI runs); axe-core comes from the npm registry into a cache folder outside the repository
# ($AIW_AXE_DIR, default ~/.cache/aiworkforce/axe), never committed.
set -euo pipefail
missing=()
for pair in dot:graphviz apache2:apache2 java:default-jre-headless; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${pair%%:*}" ] || missing+=("${pair##*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} for the docs site and its tests" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    # the test starts its own httpd on a free port; the Debian service is not needed
    if command -v systemctl >/dev/null 2>&1; then systemctl disable --now apache2 >/dev/null 2>&1 || true; fi
    service apache2 stop >/dev/null 2>&1 || true
  else
    echo "the docs site and its tests need: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
AXE_DIR="${AIW_AXE_DIR:-$HOME/.cache/aiworkforce/axe}"
AXE_VERSION="4.10.2"
if [ ! -f "$AXE_DIR/node_modules/axe-core/axe.min.js" ]; then
  command -v npm >/dev/null 2>&1 || { echo "the accessibility test needs npm (sudo apt-get install -y npm)" >&2; exit 1; }
  mkdir -p "$AXE_DIR"
  echo "installing axe-core $AXE_VERSION into $AXE_DIR" >&2
  npm install --silent --no-audit --no-fund --prefix "$AXE_DIR" "axe-core@$AXE_VERSION" >/dev/null
fi
