"""Where a served function runs: inline on the event loop (small calls), in a worker thread
(range calls), or with the whole request on a loop of its own (very big calls, see
:mod:`.gate`)."""

from __future__ import annotations

import contextvars
import functools
import types

__all__ = ["IN_THREAD", "INLINE_CELLS", "OWN_LOOP_CELLS", "off_the_loop", "threaded_module"]

#: Set by the gate for calls of more than :data:`INLINE_CELLS` cells: the function then
#: runs in a worker thread. A 1×1 call runs inline: its function takes microseconds, less
#: than the hop to a thread and back (measured by bench/server_load.py).
IN_THREAD = contextvars.ContextVar("cs_workbook_in_thread", default=True)
INLINE_CELLS = 1000
#: Calls through xlwings Server's route (those :mod:`.fast` leaves to it) of more cells than
#: this are handled whole — JSON parsing, argument and result conversion, our function, the
#: JSON answer — on an event loop of their own in a worker thread: for a 1,048,576-row call
#: those steps around the function take seconds, which would otherwise hold up every other
#: request on the server's loop. The fast path does the same above :data:`INLINE_CELLS`.
OWN_LOOP_CELLS = 20_000


def off_the_loop(fn):
    """``fn`` as a coroutine function that runs it in a worker thread (inline for small calls).

    xlwings' ``custom_functions_call`` awaits coroutine functions and calls plain ones
    inline, i.e. on the event loop, where a 1,048,576-row call held up every other request
    for seconds. Context variables (the caller's date order) follow into the thread.
    """
    import anyio.to_thread

    @functools.wraps(fn)
    async def call(*args):
        if not IN_THREAD.get():
            return fn(*args)
        return await anyio.to_thread.run_sync(functools.partial(fn, *args))

    return call


def threaded_module(module: types.ModuleType) -> types.ModuleType:
    """``module``'s Excel functions, each wrapped by :func:`off_the_loop`."""
    threaded = types.ModuleType(module.__name__, module.__doc__)
    for name, fn in vars(module).items():
        if hasattr(fn, "__xlfunc__"):
            setattr(threaded, name, off_the_loop(fn))
    return threaded
