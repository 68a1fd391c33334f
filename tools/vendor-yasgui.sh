#!/usr/bin/env bash
# Vendor YASGUI (the SPARQL editor of `aiworkforce serve`) into the package: fetch the npm package @zazuko/yasgui
# (YASGUI's maintained fork) in a temporary folder with npm and copy its built, self-contained JS and CSS into
# src/aiworkforce/server/web/vendor/ (gitignored). The page then works offline: no CDN.
# Without npm (or the registry) this says so and exits 0: the page falls back to a plain text box.
# Called by the Makefile before install and test. Set YASGUI_VERSION to pick another release.
set -euo pipefail
version="${YASGUI_VERSION:-4.6.2}"
here="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$here/src/aiworkforce/server/web/vendor"
stamp="$vendor/VERSION"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "@zazuko/yasgui@$version" ] \
   && [ -s "$vendor/yasgui.min.js" ] && [ -s "$vendor/yasgui.min.css" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing npm to vendor YASGUI" >&2
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null
  else
    echo "npm is missing: the server's query page will use a plain text box (sudo apt-get install npm)" >&2
    exit 0
  fi
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if ! (cd "$work" && npm pack --silent "@zazuko/yasgui@$version" >/dev/null 2>"$work/npm.log"); then
  echo "could not fetch @zazuko/yasgui@$version with npm; the query page will use a plain text box" >&2
  cat "$work/npm.log" >&2
  exit 0
fi
tar -xzf "$work"/zazuko-yasgui-*.tgz -C "$work"
mkdir -p "$vendor"
cp "$work/package/build/yasgui.min.js" "$work/package/build/yasgui.min.css" "$vendor/"
printf '%s\n' "@zazuko/yasgui $version (https://github.com/zazuko/Yasgui): MIT licence, as its package.json states." \
  > "$vendor/LICENSE"
echo "@zazuko/yasgui@$version" > "$stamp"
echo "vendored @zazuko/yasgui@$version into $vendor" >&2
