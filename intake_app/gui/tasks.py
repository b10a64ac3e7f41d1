"""The one bridge between plain work functions and the Qt event loop.

A work function takes ``(progress, cancel)`` and never touches Qt. :class:`Task`
runs it on a ``QThreadPool`` thread and reports back through signals, which Qt
delivers on the GUI thread. Cancel only sets the token; the function stops at
its next checkpoint by raising ``Cancelled``.
"""

from __future__ import annotations

import gc
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from importers.base import CancelToken, ProgressFn
from intake_app.core.errors import IntakeError

WorkFn = Callable[[ProgressFn, CancelToken], Any]

_PROGRESS_INTERVAL_S = 0.05  # at most 20 progress signals a second
_KEEP_DONE = 3  # finished tasks kept referenced until the pool is surely done with them


def _spent(_progress: ProgressFn, _cancel: CancelToken) -> Any:
    raise RuntimeError("a task runs once")


class TaskSignals(QObject):
    """What a task reports; Qt delivers it on the GUI thread.

    Signals:
        progress(int, int): done and total (total 0: unknown).
        finished(object): the work function's result.
        failed(object): the exception it raised (``Cancelled`` when cancelled).
    """

    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)


class Task(QRunnable):
    def __init__(self, work: WorkFn) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the owner keeps it until its signals are handled
        self.work = work
        self.signals = TaskSignals()
        self.cancel_token = CancelToken()
        self._last_emit = 0.0
        self.done = False
        self.error_details = ""

    def cancel(self) -> None:
        self.cancel_token.cancel()

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last_emit >= _PROGRESS_INTERVAL_S or (total and done >= total):
            self._last_emit = now
            self.signals.progress.emit(done, total)

    def run(self) -> None:
        work, self.work = self.work, _spent
        _RUNNING.acquire_slot()
        try:
            result = work(self._progress, self.cancel_token)
        except BaseException as exc:  # every failure is reported to the GUI, never lost
            self.error_details = "".join(traceback.format_exception(exc))
            # A traceback holds the frames, which hold this task: a reference cycle that
            # the garbage collector may break on a worker thread, deleting Qt objects of
            # the GUI thread there. The text above keeps what the traceback said.
            exc.__traceback__ = None
            self.done = True
            self.signals.failed.emit(exc)
            del exc
        else:
            self.done = True
            self.signals.finished.emit(result)
            del result
        finally:
            _RUNNING.release_slot()


class _RunningTasks:
    """How many tasks are running right now (read by the garbage collector's timer)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.count = 0

    def acquire_slot(self) -> None:
        with self._lock:
            self.count += 1

    def release_slot(self) -> None:
        with self._lock:
            self.count -= 1


_RUNNING = _RunningTasks()


class TaskRunner:
    """Runs tasks one at a time (database writes must not overlap) and tracks them."""

    def __init__(self) -> None:
        self.pool = QThreadPool()
        self.pool.setMaxThreadCount(1)
        self.tasks: list[Task] = []

    def start(self, task: Task) -> Task:
        # The pool reads a runnable once more after run() returns, so a finished task
        # is released only when newer tasks have run after it (one thread: in order).
        done = [t for t in self.tasks if t.done]
        self.tasks = done[-_KEEP_DONE:] + [t for t in self.tasks if not t.done]
        self.tasks.append(task)
        self.pool.start(task)
        return task

    def cancel_all(self) -> None:
        for task in self.tasks:
            task.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until every task has ended (used when the window closes and in tests)."""
        return self.pool.waitForDone(msecs)


class MainThreadGarbageCollector(QObject):
    """Run Python's cycle collector on the GUI thread only.

    Automatic collection runs on whichever thread happens to allocate, so a worker
    thread could end up deleting widgets or signal objects that belong to the GUI
    thread, which crashes Qt. This turns automatic collection off and collects from
    a timer on the GUI thread instead, as soon as the usual thresholds are passed.
    """

    def __init__(self, parent: QObject | None = None, interval_ms: int = 500) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._last_full = time.monotonic()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(interval_ms)

    # A full collection walks every live object (a 100k-row import holds millions), which
    # freezes the window for a few hundred milliseconds; the young generations are cheap.
    FULL_EVERY_S = 30.0

    def check(self) -> None:
        first, second, third = gc.get_count()
        now = time.monotonic()
        # While a task runs (an import allocating millions of objects), a full pass would
        # freeze the window for long: it waits until the work is done.
        idle = _RUNNING.count == 0
        if third > self._thresholds[2] and idle and now - self._last_full >= self.FULL_EVERY_S:
            gc.collect(2)
            self._last_full = now
        elif second > self._thresholds[1]:
            gc.collect(1)
        elif first > self._thresholds[0]:
            gc.collect(0)

    def stop(self) -> None:
        self.timer.stop()
        gc.collect()
        gc.enable()


def failure_text(error: object, expected: type[BaseException] = IntakeError) -> str:
    """What a failed task says to a person: the sentence of an expected error, else its kind."""
    if isinstance(error, expected):
        return str(error)
    return f"{type(error).__name__}: {error}"
