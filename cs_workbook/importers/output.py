"""Write imported data as an xlsx CS workbook or a folder of CSV tables, checked by reading back.

The output is written next to its target and read back with the workbook readers
(:func:`cs_workbook.workbook.tables.read_data`) before it replaces the target, so what
``import`` writes is always something ``score`` and ``ebr`` accept; a problem the mapping did
not catch (a negative user count, a Usage row of an unknown account) is an error, and the
target is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ..data import CSData
from ..errors import WorkbookError
from ..files import atomic_path
from ..schema import SHEETS
from ..workbook.tables import read_data, table_files
from ..workbook.writer import write_workbook

__all__ = ["csv_frame", "write_folder", "write_output"]


def write_output(data: CSData, out, *, folder: bool, as_of=None) -> Path:
    """Write ``data`` at ``out`` (an ``.xlsx`` file, or a folder when ``folder``) and return it.

    ``as_of`` is the workbook Scorecard's date (default today). Into an existing folder only
    ``<Sheet>.csv`` files are written; a table file there that the import would not replace
    (an old ``Usage.parquet``, a ``Support.csv`` this mapping has no sheet for) is refused, as
    ``score`` would read it with the new data.

    Raises
    ------
    WorkbookError
        The written data does not read back as a valid CS workbook (the message names the
        sheet, row and column), or the folder holds other table files; ``out`` is then
        unchanged.
    """
    out = Path(out)
    if folder:
        _check_no_stale(data, out)
        return _write_folder_checked(data, out)
    with atomic_path(out) as tmp:
        tmp_xlsx = Path(tmp).with_suffix(".xlsx")
        try:
            write_workbook(data, tmp_xlsx, scorecard=True, as_of=as_of)
            _check(tmp_xlsx, out)
            os.replace(tmp_xlsx, tmp)
        finally:
            tmp_xlsx.unlink(missing_ok=True)
    return out


def _sheets_written(data: CSData) -> list[str]:
    return [name for name, df in data.sheets().items() if len(df) or name == "Accounts"]


def _check_no_stale(data: CSData, out: Path) -> None:
    if not out.is_dir():
        return
    written = {f"{name}.csv" for name in _sheets_written(data)}
    for name, path in table_files(out).items():
        if path.name not in written:
            raise WorkbookError(f"holds {path.name}, which this import does not write and "
                                f"score would read as sheet {name!r}; remove it or write to "
                                "a new folder", file=str(out))


def _write_folder_checked(data: CSData, out: Path) -> Path:
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        write_folder(data, tmp)
        _check(tmp, out)
        out.mkdir(exist_ok=True)
        for f in sorted(tmp.iterdir()):
            os.replace(f, out / f.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


def _check(written: Path, out: Path) -> None:
    try:
        read_data(written)
    except WorkbookError as exc:
        msg = str(exc).replace(str(written), str(out))
        raise WorkbookError(f"the imported data is not a valid CS workbook: {msg}") from None


def write_folder(data: CSData, folder) -> Path:
    """Write one ``<Sheet>.csv`` per non-empty sheet of ``data`` (Accounts always) in
    ``folder``: UTF-8, ISO dates, months as ``YYYY-MM``, whole numbers without ``.0``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = _sheets_written(data)
    for schema in SHEETS:
        if schema.name not in written:
            continue
        df = data.sheets()[schema.name]
        with atomic_path(folder / f"{schema.name}.csv") as tmp:
            csv_frame(schema, df).to_csv(tmp, index=False, encoding="utf-8")
    return folder


def csv_frame(schema, df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with each column as the folder reader expects it written for its kind."""
    out = {}
    for col in schema.columns:
        s = df[col.name]
        if col.kind == "date":
            out[col.name] = s.dt.strftime("%Y-%m-%d").fillna("")
        elif col.kind == "month":
            out[col.name] = s.dt.strftime("%Y-%m").fillna("")
        elif col.kind in ("int", "number", "money"):
            out[col.name] = _numbers(s)
        elif col.kind == "bool":
            out[col.name] = s.map({True: "TRUE", False: "FALSE"}).astype(object).fillna("")
        else:
            out[col.name] = s.astype(object).where(s.notna(), "")
    return pd.DataFrame(out, columns=schema.headers)


def _numbers(s: pd.Series) -> pd.Series:
    """Whole numbers as integers (``12``, not ``12.0``), blanks empty, others as floats."""
    arr = s.to_numpy(dtype="float64")
    known = arr[~np.isnan(arr)]
    if np.all(np.mod(known, 1) == 0) and np.all(np.abs(known) < 2**53):
        return pd.Series(arr, index=s.index).astype("Int64")
    return s
