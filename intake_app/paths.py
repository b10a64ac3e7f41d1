"""Where the app keeps its files, in a source checkout, an installed package or a frozen build.

Environment overrides (for tests, portable use and development):

* ``INTAKE_DATA_DIR``: the folder for the default database and its backups.
* ``INTAKE_CONFIG_DIR``: the folder for settings and window state.
* ``INTAKE_LOG_DIR``: the folder for the log file (``intake.log`` and its rotations).
* ``INTAKE_DATABASE_URL``: the database, before the one chosen in Settings.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import platformdirs

from intake_app import APP_ID

_PACKAGE_DIR = Path(__file__).resolve().parent


def _bundle_root() -> Path:
    """The folder that holds ``resources/`` and the packages.

    A PyInstaller build unpacks its data files below ``sys._MEIPASS``; a source
    checkout or an editable install has them beside the package.
    """
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return _PACKAGE_DIR.parent


def resources_dir() -> Path:
    return _bundle_root() / "resources"


def resource(*parts: str) -> Path:
    """Path of a file below ``resources/`` (icons, styles, sample files)."""
    return resources_dir().joinpath(*parts)


def migrations_dir() -> Path:
    return _PACKAGE_DIR / "db" / "migrations"


def user_data_dir() -> Path:
    """The data folder; made readable by its owner only (0700) when it is created here.

    It holds the database and its backups, which carry personal data. An existing
    folder keeps its permissions: someone chose them.
    """
    override = os.environ.get("INTAKE_DATA_DIR")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_ID, appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def user_config_dir() -> Path:
    override = os.environ.get("INTAKE_CONFIG_DIR")
    path = (
        Path(override) if override else Path(platformdirs.user_config_dir(APP_ID, appauthor=False))
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def user_log_dir() -> Path:
    r"""The folder of the log file (platformdirs' user log folder).

    ``~/.local/state/EventLeadIntake/log`` on Linux, ``%LOCALAPPDATA%\EventLeadIntake\Logs``
    on Windows, ``~/Library/Logs/EventLeadIntake`` on macOS.
    """
    override = os.environ.get("INTAKE_LOG_DIR")
    path = Path(override) if override else Path(platformdirs.user_log_dir(APP_ID, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def readme_file() -> Path | None:
    """The project's README beside the packages (a source checkout), if it is there."""
    path = _bundle_root() / "README.md"
    return path if path.is_file() else None


def default_database_path() -> Path:
    return user_data_dir() / "intake.db"


def default_database_url() -> str:
    """The embedded default: a SQLite file in the user's data folder."""
    return f"sqlite:///{default_database_path().as_posix()}"


DATABASE_CHOICE_FILE = "database.json"


def saved_database_url() -> str | None:
    """The team database chosen in Settings → Database, if one was (no password in it)."""
    path = user_config_dir() / DATABASE_CHOICE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    url = data.get("url") if isinstance(data, dict) else None
    return url if isinstance(url, str) and url.strip() else None


def resolve_database_url(option: str | None) -> str:
    """The database to open.

    ``--db``, else ``INTAKE_DATABASE_URL``, else the database chosen in Settings,
    else the SQLite file in the data folder.
    """
    return (
        option
        or os.environ.get("INTAKE_DATABASE_URL")
        or saved_database_url()
        or default_database_url()
    )


COMPANY_SCHEMA_FOLDER = "company-schema"


def personal_schema_dir() -> Path:
    """Where the app keeps the company schema edits made in Settings, if no folder is set."""
    return user_config_dir() / COMPANY_SCHEMA_FOLDER


def resolve_schema_dir(option: str | None) -> str | None:
    """The company schema folder in force.

    ``--schema``, else ``INTAKE_SCHEMA_DIR``, else the personal folder the schema
    editor writes to, if it exists; else None (the default schema alone).
    """
    chosen = option or os.environ.get("INTAKE_SCHEMA_DIR")
    if chosen:
        return chosen
    personal = personal_schema_dir()
    return str(personal) if personal.is_dir() else None
