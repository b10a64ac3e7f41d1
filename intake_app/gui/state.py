"""Where the window keeps what it remembers between runs (sizes, columns, last choices)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from intake_app.paths import user_config_dir


def window_settings() -> QSettings:
    """Window and table layout state, kept in the user's config folder."""
    return QSettings(str(user_config_dir() / "window.ini"), QSettings.Format.IniFormat)
