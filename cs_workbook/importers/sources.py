"""Read the SOURCE files of ``cs-workbook import``: CSV, Parquet or the first sheet of an xlsx.

CSV cells are read as text (``007`` keeps its zeros; only an empty field is blank), xlsx cells
as the typed values they hold (text stays text), and both are converted
by :mod:`.apply` per target column; Parquet and xlsx keep their types. A folder among the
sources stands for the CSV, Parquet and xlsx files directly inside it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import CSError
from .apply import matching
from .mapping import Mapping

__all__ = ["SUFFIXES", "read_source", "read_sources", "source_files"]

SUFFIXES = (".csv", ".parquet", ".xlsx")


def source_files(paths) -> list[Path]:
    """The files named by ``paths`` (folders expanded to their table files, sorted).

    Raises
    ------
    CSError
        A path is missing, has another suffix, or two files share a name.
    """
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.iterdir()
                            if f.is_file() and f.suffix.lower() in SUFFIXES)
        elif not p.exists():
            raise CSError(f"{p}: source file not found")
        elif p.suffix.lower() not in SUFFIXES:
            raise CSError(f"{p}: not a source table (use .csv, .parquet or .xlsx)")
        else:
            files.append(p)
    seen: dict[str, Path] = {}
    for f in files:
        if f.name in seen and not os.path.samefile(seen[f.name], f):
            raise CSError(f"{f}: two sources are named {f.name!r} ({seen[f.name]}); rename one")
        seen[f.name] = f
    return list(seen.values())


def read_sources(mapping: Mapping, files) -> dict[str, pd.DataFrame]:
    """``{file name: DataFrame}`` of the ``files`` some sheet of ``mapping`` reads."""
    names = [f.name for f in files]
    wanted = {n for sm in mapping.sheets for n in matching(sm.source, names)}
    return {f.name: read_source(f) for f in files if f.name in wanted}


def read_source(path: Path) -> pd.DataFrame:
    """One source file as a DataFrame (see the module doc); unreadable files are one line."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pd.read_parquet(path)
        if suffix == ".xlsx":
            return pd.read_excel(path, sheet_name=0, engine="calamine", dtype=object)
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig",
                           skip_blank_lines=True)
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise CSError(f"{path}: not a readable {suffix[1:]} file ({why})") from None
