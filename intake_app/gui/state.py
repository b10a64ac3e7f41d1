"""Where the window keeps what it remembers between runs (sizes, columns, last choices)."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QSplitter, QTableView, QWidget

from intake_app.paths import user_config_dir


def window_settings() -> QSettings:
    """Window and table layout state, kept in the user's config folder."""
    return QSettings(str(user_config_dir() / "window.ini"), QSettings.Format.IniFormat)


def _layouts(root: QWidget) -> list[tuple[str, QSplitter | QTableView]]:
    """Every named splitter and table below ``root``, with the key it is kept under."""
    found: list[tuple[str, QSplitter | QTableView]] = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QSplitter) and widget.objectName():
            found.append((f"layout/{widget.objectName()}/splitter", widget))
        elif isinstance(widget, QTableView) and widget.objectName():
            found.append((f"layout/{widget.objectName()}/header", widget))
    return found


def save_layouts(root: QWidget, settings: QSettings) -> None:
    """Remember the sizes of splitters and the columns (order, widths, sort) of tables."""
    for key, widget in _layouts(root):
        state = (
            widget.saveState()
            if isinstance(widget, QSplitter)
            else (widget.horizontalHeader().saveState())
        )
        settings.setValue(key, state)


def restore_layouts(root: QWidget, settings: QSettings) -> None:
    """Put back what :func:`save_layouts` kept; a table whose columns changed is left as it is."""
    for key, widget in _layouts(root):
        state = settings.value(key)
        if state is None:
            continue
        if isinstance(widget, QSplitter):
            widget.restoreState(state)
        else:
            widget.horizontalHeader().restoreState(state)
