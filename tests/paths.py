"""Where the tests' shared data lives (importable by name: tests/ is on pytest's pythonpath)."""

from pathlib import Path

#: The checkout's root (where pyproject.toml is).
ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
#: Golden vectors, one CSV per rule family, each row with its source.
VECTORS = TESTS / "vectors"
#: Snapshots of the Excel-facing API (reviewed on change).
SNAPSHOTS = TESTS / "snapshots"
#: Workbooks saved by Excel itself (see fixtures/excel-authored/README.md).
EXCEL_AUTHORED = TESTS / "fixtures" / "excel-authored"
