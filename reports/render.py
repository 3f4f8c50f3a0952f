"""View model → HTML → PDF, for one EBR or a batch on a pool of long-lived worker processes.

Each process keeps one :class:`Renderer`: WeasyPrint imported, fonts registered and the
stylesheet parsed once, then reused for every document. Batches run on a
``ProcessPoolExecutor`` whose initializer builds that renderer and scores the portfolio once;
a task is just an account ID, and a failing document is reported without stopping the batch.
Output is reproducible: metadata dates come from ``as_of`` and no random PDF identifier is
written, so the same workbook, account and date give byte-identical PDFs, whatever the clock
or time zone of the machine. Fonts are subset by HarfBuzz (which keeps each font's own
``head`` table) or, where libharfbuzz-subset is missing, by fontTools, which stamps
``head.modified`` with the current time unless ``SOURCE_DATE_EPOCH`` is set: while a PDF is
written that variable is set to midnight UTC of ``as_of`` (see :func:`fixed_clock`).
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import threading
import multiprocessing
import multiprocessing.util
import os
import re
import shutil
import signal
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

from cs_workbook.config import DEFAULT, Config
from cs_workbook.data import CSData
from cs_workbook.files import write_bytes_atomic

from . import assets
from .brand import DEFAULT_BRAND, Brand
from .viewmodel import build_view

__all__ = [
    "PDF_OPTIONS",
    "DocResult",
    "Renderer",
    "render_batch",
    "render_document",
    "render_ebr",
    "render_html",
    "safe_filename",
    "write_atomic",
]

#: WeasyPrint options of every EBR (no ``pdf_identifier``: with none, no random /ID is written)
PDF_OPTIONS = {"pdf_version": "1.7", "optimize_images": False, "uncompressed_pdf": False}


class Renderer:
    """One process's WeasyPrint set-up: fetcher, font configuration, parsed stylesheet."""

    def __init__(self):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from . import svg_text, ua_sheet
        from .fetcher import PackageFetcher

        svg_text.install()  # chart labels as one run each, not letter by letter
        self.fetcher = PackageFetcher()
        self.pid = os.getpid()  # a forked pool worker may inherit this renderer
        self.font_config = FontConfiguration()
        # runs at exit in the main process and in pool workers (which skip atexit handlers)
        multiprocessing.util.Finalize(None, _remove_font_folder, args=(self.font_config,),
                                      exitpriority=10)
        self.css = CSS(string=assets.stylesheet_text(), base_url=assets.TEMPLATES_URL,
                       url_fetcher=self.fetcher, font_config=self.font_config)
        self.template = assets.environment().get_template(assets.TEMPLATE)
        self.ua_sheets = [ua_sheet.trimmed()]  # see .ua_sheet: ~60 % of the cascade gone

    def html(self, view: dict) -> str:
        return self.template.render(**view)

    def document(self, view: dict):
        """The laid-out :class:`weasyprint.Document` (pages, anchors, metadata).

        A one-page section whose text runs onto a second page is laid out once more in its
        compact style (:mod:`.fit`); that costs a second layout for those few documents only.
        """
        from .fit import spilled

        doc = self._layout(view)
        dense = spilled(doc)
        if dense:
            doc = self._layout({**view, "dense": dense})
        return doc

    def _layout(self, view: dict):
        from weasyprint import HTML

        html = HTML(string=self.html(view), base_url=assets.TEMPLATES_URL,
                    url_fetcher=self.fetcher)
        html._ua_stylesheets = lambda forms=False: self.ua_sheets  # WeasyPrint 70's hook
        return html.render(font_config=self.font_config, stylesheets=[self.css], **PDF_OPTIONS)

    def pdf(self, view: dict) -> bytes:
        with fixed_clock(view["meta"]["epoch"]):
            return self.document(view).write_pdf(**PDF_OPTIONS)


_CLOCK_LOCK = threading.Lock()


class fixed_clock:  # noqa: N801  (used as a context manager)
    """Set ``SOURCE_DATE_EPOCH`` to ``epoch`` (seconds) for the block, then restore it.

    fontTools reads it when it saves a subset font (``head.modified``); nothing else in a
    render reads the clock. A lock keeps threads of one process from mixing their dates.
    """

    def __init__(self, epoch: int):
        self.epoch = str(int(epoch))

    def __enter__(self):
        _CLOCK_LOCK.acquire()
        self.saved = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = self.epoch
        return self

    def __exit__(self, *exc):
        if self.saved is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = self.saved
        _CLOCK_LOCK.release()
        return False


def _remove_font_folder(font_config) -> None:
    """Delete WeasyPrint's temporary font folder while the interpreter is still whole.

    WeasyPrint removes it in ``FontConfiguration.__del__``, which at interpreter exit runs after
    module globals are cleared, fails ("'NoneType' object is not callable") and leaves a
    ``/tmp/weasyprint-*`` folder behind for every process.
    """
    folder = getattr(font_config, "_folder", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        font_config._folder = None


_RENDERER: Renderer | None = None


def renderer() -> Renderer:
    """This process's shared renderer (created on first use)."""
    global _RENDERER
    if _RENDERER is None:
        _RENDERER = Renderer()
    return _RENDERER


def render_html(data: CSData, account_id: str, as_of, config: Config = DEFAULT, *,
                brand: Brand | None = None) -> str:
    """The EBR's HTML (for debugging templates; the PDF is made from exactly this)."""
    return renderer().html(build_view(data, account_id, as_of, config, brand=brand))


def render_document(data: CSData, account_id: str, as_of, config: Config = DEFAULT, *,
                    brand: Brand | None = None):
    """The laid-out WeasyPrint document (``.pages``, ``page.anchors``) of one EBR."""
    return renderer().document(build_view(data, account_id, as_of, config, brand=brand))


def render_ebr(data: CSData, account_id: str, as_of, config: Config = DEFAULT, *,
               brand: Brand | None = None, scores=None) -> bytes:
    """The EBR of ``account_id`` as of ``as_of`` as PDF bytes.

    ``scores`` is ``score_accounts(data, as_of, config)`` when the caller already has it.
    Raises :class:`~cs_workbook.errors.InvalidInput` when the account is not in ``data``.
    The same arguments always give the same bytes.
    """
    return renderer().pdf(build_view(data, account_id, as_of, config, brand=brand,
                                     scores=scores))


@dataclass(frozen=True)
class DocResult:
    """Outcome of one document of a batch: ``path`` when written, else ``error``."""

    account_id: str
    path: Path | None
    error: str | None = None
    detail: str | None = None
    seconds: float = 0.0
    #: the rendering process's peak resident memory (MB) after this document, 0 if unknown
    peak_mb: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


def safe_filename(account_id, taken: set | None = None) -> str:
    """A file name for an account's EBR that cannot escape its folder: ``ACC-001.pdf``.

    >>> safe_filename("ACC-001"), safe_filename("../../etc/passwd")
    ('ACC-001.pdf', 'etc_passwd.pdf')
    """
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", str(account_id)).strip("._")[:80] or "account"
    name, k = f"{stem}.pdf", 2
    while taken is not None and name.lower() in taken:
        name, k = f"{stem}-{k}.pdf", k + 1
    if taken is not None:
        taken.add(name.lower())
    return name


def write_atomic(path: Path, body: bytes):
    write_bytes_atomic(path, body)


# -- batch workers ----------------------------------------------------------------------------

_WORKER: dict = {}


def _init_worker(data: CSData, as_of, config: Config, brand: Brand):
    """Pool initializer: import WeasyPrint, parse the stylesheet and score the portfolio once."""
    from cs_workbook.portfolio import score_accounts

    from .viewmodel import previous_as_of

    renderer()
    _WORKER.update(data=data, as_of=as_of, config=config, brand=brand,
                   scores=score_accounts(data, as_of, config),
                   previous=score_accounts(data, previous_as_of(as_of), config))


def _init_pool_worker(data: CSData, as_of, config: Config, brand: Brand):
    """Initializer of a pool worker: signals first, then :func:`_init_worker`.

    Ctrl-C and SIGHUP reach every process of the terminal's group; a worker ignores them and
    lets the main process stop the batch (:func:`_stop_workers`). SIGTERM, which the main
    process then sends its workers, interrupts the document being rendered (``SystemExit``, so
    the ``finally`` of :func:`~cs_workbook.files.atomic_path` removes its temporary file), then
    the worker removes its WeasyPrint font folder and exits (:func:`_exit_worker`). An idle
    worker exits at its next document, or normally (finalizers run) when the pool shuts down;
    SIGTERM never interrupts the pool's queues.
    """
    global _POOL_WORKER
    _POOL_WORKER = True
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _worker_terminated)
    _init_worker(data, as_of, config, brand)


_POOL_WORKER = False  # this process is a pool worker (set by its initializer)
_STOPPING = False  # this worker was sent SIGTERM
_RENDERING = False  # this worker is inside _render_one: only then does SIGTERM raise


def _worker_terminated(signum, _frame):
    global _STOPPING
    _STOPPING = True
    if _RENDERING:
        raise SystemExit(128 + signum)


def _exit_worker() -> None:
    """End a terminated pool worker: remove its font folder, exit with 143 (128 + SIGTERM).

    ``os._exit`` skips the rest of the pool's loop, so a terminated worker takes no more
    documents (the main process reports those as failed)."""
    if _RENDERER is not None and _RENDERER.pid == os.getpid():  # not one inherited by fork
        _remove_font_folder(_RENDERER.font_config)
    os._exit(128 + signal.SIGTERM)


def _render_one(account_id: str, path: str) -> DocResult:
    global _RENDERING
    if _STOPPING:
        _exit_worker()
    _RENDERING = True
    try:
        return _render(account_id, path)
    except SystemExit:
        if not _POOL_WORKER:
            raise
        _exit_worker()  # SIGTERM while rendering: the temporary file is already removed
    finally:
        _RENDERING = False


def _render(account_id: str, path: str) -> DocResult:
    start = time.perf_counter()
    w = _WORKER
    try:
        view = build_view(w["data"], account_id, w["as_of"], w["config"], brand=w["brand"],
                          scores=w["scores"], previous=w["previous"])
        write_atomic(Path(path), renderer().pdf(view))
    except Exception as exc:  # noqa: BLE001  (one bad document must not stop the batch)
        return DocResult(account_id, None, f"{type(exc).__name__}: {exc}",
                         traceback.format_exc(), time.perf_counter() - start, _peak_mb())
    return DocResult(account_id, Path(path), None, None, time.perf_counter() - start, _peak_mb())


def _peak_mb() -> float:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def render_batch(data: CSData, account_ids, as_of, out_dir, config: Config = DEFAULT, *,
                 brand: Brand | None = None, jobs: int | None = None, progress=None,
                 names: dict | None = None) -> list[DocResult]:
    """Render many EBRs into ``out_dir`` on ``jobs`` worker processes (default: one per core).

    ``progress(done, total, result)`` is called in this process after every document.
    ``names`` maps account IDs to file names (default :func:`safe_filename`). Results come
    back in the order of ``account_ids``; errors are captured per document.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    ids = list(account_ids)
    taken: set = set()
    names = names or {a: safe_filename(a, taken) for a in ids}
    brand = brand or DEFAULT_BRAND
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(ids) or 1))
    results: dict[str, DocResult] = {}

    def done(res: DocResult):
        results[res.account_id] = res
        if progress:
            progress(len(results), len(ids), res)

    if jobs == 1:
        _init_worker(data, as_of, config, brand)
        for a in ids:
            done(_render_one(a, str(out / names[a])))
        return [results[a] for a in ids]
    ctx = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                      else None)
    pool = cf.ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_pool_worker,
                                  initargs=(data, as_of, config, brand))
    try:
        futures = {pool.submit(_render_one, a, str(out / names[a])): a for a in ids}
        for fut in cf.as_completed(futures):
            try:
                done(fut.result())
            except Exception as exc:  # noqa: BLE001  (a worker died, e.g. out of memory)
                done(DocResult(futures[fut], None, f"{type(exc).__name__}: {exc}"))
    except BaseException:  # Ctrl-C, SIGTERM: stop the workers now, not after the batch
        _stop_workers(pool)
        raise
    pool.shutdown(wait=True)
    return [results[a] for a in ids]


def _stop_workers(pool: cf.ProcessPoolExecutor) -> None:
    """Cancel the queued documents, SIGTERM the workers and wait until they have cleaned up
    (each removes its temporary file and font folder, see :func:`_init_pool_worker`)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # CPython's pool
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            proc.terminate()
    for proc in processes:
        with contextlib.suppress(OSError, ValueError, AttributeError, AssertionError):
            proc.join(timeout=30)
    pool.shutdown(wait=True)
    _forget_pool_thread(manager)


def _forget_pool_thread(manager) -> None:
    """Take a stopped pool's thread out of ``concurrent.futures``' exit hook.

    At exit, CPython 3.11 writes to the wake-up pipe of every pool thread it still knows, and
    after a pool stopped by a signal that pipe was sometimes closed already: ``OSError: [Errno
    9] Bad file descriptor``, with a traceback, printed after our one line (about one run in
    twelve of ``ebr --all`` stopped by Ctrl-C under load). The thread has been joined: the
    hook has nothing to do for it."""
    wakeups = getattr(getattr(cf, "process", None), "_threads_wakeups", None)
    if manager is not None and wakeups is not None:
        with contextlib.suppress(TypeError, KeyError):
            wakeups.pop(manager, None)
