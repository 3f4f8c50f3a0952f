#!/usr/bin/env bash
# Set up (if needed, with the test tools) and run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
# -n auto: one pytest worker per core (pytest-xdist); the tests share no files or ports.
# Pass -n 0 to run in one process (e.g. with --pdb).
exec .venv/bin/python -m pytest -n auto "$@"
