#!/usr/bin/env bash
# Prepare a fresh Debian machine: system libraries, a virtualenv in .venv, the package.
# Usage: scripts/setup.sh [--test]   (--test adds the test tools: LibreOffice, poppler, Node, pytest…)
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

apt_pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1)
if [ "$want_test" = 1 ]; then
  # faketime: tests/reports/test_reproducible.py renders under another clock
  apt_pkgs+=(poppler-utils unzip libreoffice-calc-nogui faketime fonts-dejavu-core)
  # Node runs the served Office.js code in tests/udfs/test_officejs_node.py
  command -v node >/dev/null 2>&1 || apt_pkgs+=(nodejs)
fi
missing=()
for p in "${apt_pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
# The core package holds only what the Excel functions need (numpy, pandas, xlwings); the
# command line needs the extras: "all" (workbook, calc, pdf), plus "server" for the tests.
if [ "$want_test" = 1 ]; then
  .venv/bin/python -m pip install -q -e ".[all,test,server]"
else
  .venv/bin/python -m pip install -q -e ".[all]"
fi
