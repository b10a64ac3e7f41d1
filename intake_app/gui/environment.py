"""What the app runs on, in words: versions, operating system, folders (for About and crashes)."""

from __future__ import annotations

import platform
from pathlib import Path

import PySide6
import sqlalchemy
from PySide6.QtCore import qVersion

from intake_app import APP_NAME, __version__

BACKEND_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def backend_label(backend: str) -> str:
    """``sqlite`` → ``SQLite``; an unknown backend keeps its SQLAlchemy name."""
    return BACKEND_LABELS.get(backend, backend)


def versions() -> list[tuple[str, str]]:
    """The app's version and those of the parts a bug report needs."""
    return [
        (APP_NAME, __version__),
        ("Python", platform.python_version()),
        ("Qt", f"{qVersion()} (PySide6 {PySide6.__version__})"),
        ("SQLAlchemy", sqlalchemy.__version__),
    ]


def versions_line() -> str:
    """``Python 3.11.7 · Qt 6.8.1 (PySide6 6.8.1) · SQLAlchemy 2.0.36``."""
    return " · ".join(f"{name} {version}" for name, version in versions()[1:])


def operating_system() -> str:
    """The system, its release and the machine, e.g. ``Linux-6.8.0-x86_64-with-glibc2.39``.

    Names no person or computer (no host name, no user).
    """
    return platform.platform(aliased=True)


def display_path(path: Path) -> str:
    """A folder as a person reads it: below the home folder as ``~/…``, so no login shows."""
    try:
        return str(Path("~") / path.resolve().relative_to(Path.home().resolve()))
    except (ValueError, OSError, RuntimeError):  # not below home, or no home at all
        return str(path)
