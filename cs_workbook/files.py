"""Writing output files atomically: a temporary file next to the target, renamed into place.

Every file cs-workbook writes (workbooks, scores, PDFs) goes through :func:`atomic_path`, so a
crash or a full disk never leaves a half-written file where a good one was.
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import tempfile

from .errors import WorkbookError

__all__ = ["atomic_path", "write_bytes_atomic"]


@contextlib.contextmanager
def atomic_path(path):
    """Yield a temporary file name next to ``path``; rename it onto ``path`` if all went well.

    Missing parent folders are created; the new file gets the usual permissions (or those of
    the file it replaces). OS errors become a one-line :class:`WorkbookError` naming the file.
    """
    path = pathlib.Path(path)
    directory = path.parent if str(path.parent) else pathlib.Path(".")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        mode = os.stat(path).st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        os.close(fd)
    except OSError as exc:
        raise WorkbookError(f"cannot write: {exc.strerror or exc}", file=str(path)) from exc
    try:
        yield tmp
        os.chmod(tmp, mode)  # mkstemp creates 0600; give the file the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        raise WorkbookError(f"cannot write: {exc.strerror or exc}", file=str(path)) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def write_bytes_atomic(path, body: bytes) -> pathlib.Path:
    """Write ``body`` to ``path`` atomically and return the path."""
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_bytes(body)
    return pathlib.Path(path)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
