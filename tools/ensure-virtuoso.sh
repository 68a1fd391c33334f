#!/usr/bin/env bash
# tests/query/test_virtuoso.py pushes the reasoned graph to a second SPARQL store, Virtuoso Open Source 7, and runs
# every stored query there: it starts `virtuoso-t` itself, on free ports with a database in a temporary folder.
# Install it when missing: as root through apt-get (as CI runs), otherwise say what to run.
#
# Only Debian's virtuoso-opensource-7-bin is needed (the server binary and isql; about 4 MB to fetch, 16 MB
# installed). The virtuoso-opensource package around it adds an init script that starts a system-wide server on
# ports 1111 and 8890 during the install, and a debconf question for the dba password; the tests use neither, so
# nothing is started, disabled or pre-seeded here.
set -euo pipefail
command -v virtuoso-t >/dev/null 2>&1 && exit 0
package=virtuoso-opensource-7-bin
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing $package for the Virtuoso tests" >&2
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$package" >/dev/null
else
  echo "the Virtuoso tests need virtuoso-t (Virtuoso Open Source 7)" >&2
  echo "install it with: sudo apt-get install -y --no-install-recommends $package" >&2
  exit 1
fi
