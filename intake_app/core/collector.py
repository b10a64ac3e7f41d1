"""Python's cycle collector paused around bulk work.

A 100,000-row import builds millions of small dicts, lists and strings that live
until it ends. Each full pass of the cycle collector walks every one of them, and
the collector starts such passes again and again while they are being made: on
the benchmark that was about a third of reading and a fifth of normalising. The
import's data holds no reference cycles, so reference counting frees all of it
anyway; only the collector's passes are skipped.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_holders = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cycle collection while the block runs; the collector is back as it was after.

    Nested and concurrent uses (an import in a worker thread while the window reads)
    are counted: the collector comes back when the last of them ends, and only if
    it was on before the first began.
    """
    global _holders, _was_enabled
    with _lock:
        if _holders == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0 and _was_enabled:
                gc.enable()
