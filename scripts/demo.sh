#!/usr/bin/env bash
# Set up (if needed) and run the demo on the built-in sample portfolio.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/cs-workbook demo "$@"
