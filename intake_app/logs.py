"""The app's log file, shared by the window and the command line (no Qt here).

One rotating, UTF-8 file, ``intake.log`` in the user log folder
(:func:`intake_app.paths.user_log_dir`, ``INTAKE_LOG_DIR`` to move it): at most
about 1 MB, then it is renamed ``intake.log.1`` and so on, five old files kept.
Each line has the time, the level, the logger and the message.

Warnings and errors of any logger go there once :func:`configure` has run;
:func:`write_exception` writes an unexpected error with its traceback there and
nowhere else (never on the terminal, which gets one sentence). Nothing else is
written: no settings, no lead data, only what the exception itself carries.
"""

from __future__ import annotations

import logging
import os
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TextIO

from intake_app.paths import user_log_dir

LOG_FILE_NAME = "intake.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
LINE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
CRASH_LOGGER = "intake_app.crash"

_crash_log = logging.getLogger(CRASH_LOGGER)
# The traceback goes to the file only: the terminal gets one sentence, never a traceback.
_crash_log.propagate = False
_crash_log.setLevel(logging.ERROR)


def log_file() -> Path:
    """Where the log is written now (the folder is created if missing)."""
    return user_log_dir() / LOG_FILE_NAME


class LogFileHandler(RotatingFileHandler):
    """The rotating log file, quiet when it cannot be written.

    A log that cannot be written (a full disk, a folder taken away) must not stop the
    app nor print a traceback of its own; :attr:`failed` says it happened.
    """

    def __init__(self, path: Path) -> None:
        # delay: the file is created by the first line written, not by starting the app.
        super().__init__(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
        )
        self.setFormatter(logging.Formatter(LINE_FORMAT))
        self.failed = False

    def doRollover(self) -> None:  # noqa: N802 - logging's name
        try:
            super().doRollover()
        except OSError:
            # On Windows a file another process holds open (the window, while the command
            # line runs) cannot be renamed: keep appending to it and rotate another time.
            if self.stream is None:
                self.stream = self._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failed = True


_lock = threading.Lock()
_handler: LogFileHandler | None = None


def file_handler() -> LogFileHandler | None:
    """This process's handler for the log file where it is now; None if no folder can be made.

    Made on first use. When the log folder moves (``INTAKE_LOG_DIR`` changed, as between
    tests), the old handler is closed and replaced, here and on the root logger.
    """
    global _handler
    with _lock:
        try:
            path = log_file()
        except OSError:
            return None
        if _handler is not None and _handler.baseFilename == os.path.abspath(path):
            return _handler
        old, _handler = _handler, LogFileHandler(path)
        root = logging.getLogger()
        if old is not None:
            _crash_log.removeHandler(old)
            if old in root.handlers:
                root.removeHandler(old)
                root.addHandler(_handler)
            old.close()
        _crash_log.addHandler(_handler)
        return _handler


def close() -> None:
    """Detach and close the log file's handler (tests, between folders); made again on use."""
    global _handler
    with _lock:
        old, _handler = _handler, None
        if old is not None:
            _crash_log.removeHandler(old)
            logging.getLogger().removeHandler(old)
            old.close()


def configure(level: int = logging.WARNING, stream: TextIO | None = None) -> None:
    """Logging for the window or the command line: messages on ``stream``, warnings in the file.

    ``stream`` (default: stderr) shows messages of ``level`` and above as before, as
    ``logging.basicConfig`` does when nothing is set up yet; the log file takes warnings
    and errors from every logger.
    """
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=stream)
    handler = file_handler()
    if handler is None:
        return
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    if handler not in root.handlers:
        root.addHandler(handler)


def exception_summary(exc: BaseException) -> str:
    """One line naming the error: ``RuntimeError: disk on fire``.

    Only the first line of the message: some carry more (SQLAlchemy appends the SQL).
    """
    first = next(iter(str(exc).splitlines()), "").strip()
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def write_exception(exc: BaseException, message: str = "Unexpected error") -> Path | None:
    """Write ``exc`` with its traceback to the log file only; return the file, None if unwritten."""
    handler = file_handler()
    if handler is None:
        return None
    handler.failed = False
    _crash_log.error("%s: %s", message, exception_summary(exc), exc_info=exc)
    handler.flush()
    return None if handler.failed else Path(handler.baseFilename)
