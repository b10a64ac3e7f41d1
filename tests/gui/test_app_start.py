from __future__ import annotations

import sqlite3
import sys
import threading

import pytest

from intake_app.db.session import open_database
from intake_app.gui import app as gui_app
from intake_app.gui.errors import ErrorHandler
from intake_app.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_a_newer_database_is_refused_with_a_message_and_left_untouched(
    qtbot, tmp_path, monkeypatch
):
    path = tmp_path / "newer.db"
    open_database(f"sqlite:///{path.as_posix()}").dispose()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    connection.close()
    before = path.read_bytes()

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        gui_app.QMessageBox, "critical", lambda _parent, title, text: shown.append((title, text))
    )
    assert gui_app.run_gui(f"sqlite:///{path.as_posix()}") == 1

    [(title, text)] = shown
    assert "cannot start" in title
    assert "newer version" in text
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("*.bak"))


def test_a_broken_company_schema_is_refused_before_the_database_is_touched(
    qtbot, tmp_path, monkeypatch
):
    schema = tmp_path / "company"
    schema.mkdir()
    (schema / "event_types.yaml").write_text("event_types: [oops\n", encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(gui_app.QMessageBox, "critical", lambda _p, _t, text: shown.append(text))

    db = tmp_path / "never.db"
    assert gui_app.run_gui(f"sqlite:///{db.as_posix()}", schema) == 1
    assert "event_types.yaml" in shown[0]
    assert not db.exists()


def test_the_window_runs_with_the_crash_hooks_installed_and_hands_them_back(
    qtbot, tmp_path, monkeypatch
):
    seen = {}

    def event_loop(_app):  # instead of app.exec(): look at what run_gui set up, then close
        handler = sys.excepthook.__self__
        seen.update(handler=handler, window=handler.window, thread_hook=threading.excepthook)
        handler.window.close()
        return 0

    monkeypatch.setattr(gui_app.QApplication, "exec", event_loop)
    before = (sys.excepthook, threading.excepthook)

    assert gui_app.run_gui(f"sqlite:///{(tmp_path / 'app.db').as_posix()}") == 0

    assert isinstance(seen["handler"], ErrorHandler)
    assert isinstance(seen["window"], MainWindow)
    assert seen["thread_hook"] == seen["handler"].thread_excepthook
    assert seen["handler"].backend() == "sqlite"
    assert (sys.excepthook, threading.excepthook) == before
