#!/usr/bin/env bash
# Build the cs-workbook wheel (pure Python: cs_workbook-<version>-py3-none-any.whl) into dist/.
# Usage: scripts/build-wheel.sh [OUTDIR]     (default dist/; PYTHON=… picks the interpreter)
#
# Offline once the build requirements are installed: it builds without isolation, with the
# setuptools and wheel of .venv (the "test" extra has them; otherwise they are installed from
# the package index once). The sources are copied to a temporary folder first, so no stale
# build/ folder can leak removed files into the wheel and the work tree stays clean.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
PY=${PYTHON:-}
if [ -z "$PY" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY=python3; fi
fi

if ! "$PY" - <<'PYCHECK' 2>/dev/null; then
import importlib.metadata as md
major = int(md.version("setuptools").split(".")[0])
md.version("wheel")
raise SystemExit(0 if major >= 77 else 1)
PYCHECK
  echo "installing the build requirements (setuptools>=77, wheel)"
  "$PY" -m pip install -q "setuptools>=77" wheel
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
cp -r pyproject.toml README.md LICENSE cs_workbook udfs reports templates "$work/src/"
find "$work/src" -name __pycache__ -prune -exec rm -rf {} +

"$PY" -m pip wheel -q --no-deps --no-build-isolation --no-index -w "$work/dist" "$work/src"
wheels=("$work"/dist/*.whl)
[ "${#wheels[@]}" -eq 1 ] || { echo "expected one wheel, got: ${wheels[*]}" >&2; exit 1; }
wheel=$(basename "${wheels[0]}")
case "$wheel" in
  *-py3-none-any.whl) ;;
  *) echo "$wheel is not a pure-Python (py3-none-any) wheel" >&2; exit 1 ;;
esac
cp "${wheels[0]}" "$out/$wheel"
echo "${out#"$root"/}/$wheel"
