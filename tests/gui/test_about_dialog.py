"""Help → About: opened from the menu, it names the version, database, folders and licence."""

from __future__ import annotations

import platform
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy
from PySide6.QtCore import QUrl, qVersion
from PySide6.QtWidgets import QLabel, QPushButton

from intake_app import APP_NAME, __version__
from intake_app.db.session import describe_url, parse_url
from intake_app.gui.dialogs.about_dialog import LICENCE, AboutDialog
from intake_app.gui.environment import display_path
from intake_app.paths import user_data_dir, user_log_dir

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def help_action(window, text):
    [help_menu] = [a.menu() for a in window.menuBar().actions() if a.text() == "&Help"]
    [action] = [a for a in help_menu.actions() if a.text() == text]
    return action


def test_the_help_menu_opens_the_about_box_with_everything_a_bug_report_needs(qtbot, window, ctx):
    help_action(window, f"&About {APP_NAME}…").trigger()

    dialog = window.about_dialog
    assert dialog is not None
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == f"About {APP_NAME}"
    text = dialog.plain_text()
    assert f"{APP_NAME}\nVersion {__version__}" in text
    assert f"{ctx.db.display_name} (SQLite)" in text
    assert display_path(user_data_dir()) in text
    assert display_path(user_log_dir()) in text
    assert f"Python {platform.python_version()}" in text
    assert f"Qt {qVersion()}" in text
    assert f"SQLAlchemy {sqlalchemy.__version__}" in text
    assert "MIT licence" in text
    assert "README.md" in text
    # The folders and the README open on a click.
    assert QUrl.fromLocalFile(str(user_log_dir())).toString() in dialog.log_label.text()
    assert QUrl.fromLocalFile(str(ROOT / "README.md")).toString() in dialog.readme_label.text()
    assert dialog.log_label.openExternalLinks()

    dialog.reject()
    help_action(window, f"&About {APP_NAME}…").trigger()
    assert window.about_dialog is dialog  # one box, opened again


def test_the_licence_is_the_one_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == LICENCE


def test_a_team_database_is_named_without_its_password(qtbot):
    url = parse_url("postgresql://dana:s3cret-pw@db.example.com:5432/intake")
    ctx = SimpleNamespace(db=SimpleNamespace(display_name=describe_url(url), backend="postgresql"))

    dialog = AboutDialog(ctx)
    qtbot.addWidget(dialog)

    assert "intake on db.example.com:5432 as dana (PostgreSQL)" in dialog.plain_text()
    assert "s3cret" not in dialog.plain_text()


def test_every_control_has_a_tooltip_and_an_accessible_name(qtbot, window):
    dialog = window.show_about()

    links = [label for label in dialog.findChildren(QLabel) if label.openExternalLinks()]
    assert len(links) == 3  # data folder, log folder, README
    for control in [*links, *dialog.findChildren(QPushButton)]:
        assert control.toolTip(), control
        assert control.accessibleName(), control
    dialog.reject()
