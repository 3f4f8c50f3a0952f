"""Writing output files: atomically, never over an input, into a folder when given one.

Every file cs-workbook writes (workbooks, scores, PDFs) goes through :func:`atomic_path`, so a
crash or a full disk never leaves a half-written file where a good one was. A run stopped by
SIGTERM or Ctrl-C removes its temporary file too (the CLI turns both into exceptions, so the
``finally`` below runs); only SIGKILL, which no program can handle, may leave a
``.NAME.*.tmp`` file beside the target, safe to delete.

Every command checks its output with :func:`check_not_input` (the output is not, and does not
link to, any file it reads) and resolves ``-o`` with :func:`output_path` (a folder gets a
default file name).
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import tempfile

from .errors import WorkbookError

__all__ = ["atomic_path", "write_bytes_atomic", "check_not_input", "same_file",
           "output_path", "is_folder_arg"]


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


def same_file(a, b) -> bool:
    """True when ``a`` and ``b`` are one file: the same path, a symlink to it or a hard link
    (same device and inode, :func:`os.stat` following links). False if either is missing."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_not_input(output, *inputs) -> None:
    """Refuse to write ``output`` when it is, or links to, one of ``inputs`` (``None`` skipped).

    Inputs are every file a command reads: the workbook, a ``--config`` TOML, a ``--logo``.
    Raises :class:`WorkbookError` naming both files; the CLI prints it on one line, exit 2.

    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); book = os.path.join(d, "book.xlsx")
    >>> _ = open(book, "w").write("x"); os.link(book, os.path.join(d, "copy.xlsx"))
    >>> check_not_input(os.path.join(d, "copy.xlsx"), None, book)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    cs_workbook.errors.WorkbookError: .../copy.xlsx: output must differ from the input .../book.xlsx (it is the same file through a link); inputs are never changed
    """
    for source in inputs:
        if source is None or not same_file(output, source):
            continue
        if os.path.abspath(output) == os.path.abspath(source):
            raise WorkbookError("output must differ from the input (inputs are never changed)",
                                file=str(output))
        raise WorkbookError(f"output must differ from the input {source} (it is the same file "
                            "through a link); inputs are never changed", file=str(output))


def is_folder_arg(output) -> bool:
    """True when an ``-o`` value names a folder: it ends with a slash or is an existing folder."""
    text = os.fspath(output)
    return text.endswith(("/", os.sep)) or os.path.isdir(text)


def output_path(output, default_name: str) -> pathlib.Path:
    """The file an ``-o`` value names: ``default_name`` when there is none, ``output /
    default_name`` when it names a folder (:func:`is_folder_arg`; :func:`atomic_path` creates a
    missing one), else ``output`` itself.

    >>> output_path(None, "scores.xlsx"), output_path("out/", "scores.xlsx")
    (PosixPath('scores.xlsx'), PosixPath('out/scores.xlsx'))
    >>> output_path("out/s.csv", "scores.xlsx")
    PosixPath('out/s.csv')
    """
    if output is None or os.fspath(output) == "":
        return pathlib.Path(default_name)
    if is_folder_arg(output):
        return pathlib.Path(output) / default_name
    return pathlib.Path(output)
