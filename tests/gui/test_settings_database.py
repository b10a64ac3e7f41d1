"""Settings → Database: what is open, trying a team database, remembering the choice."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from intake_app.paths import resolve_database_url, saved_database_url
from intake_app.services.team import TeamService


def open_tab(window):
    settings = window.settings_page
    window.show_page("settings")
    settings.tabs.setCurrentWidget(settings.database_tab)
    return settings.database_tab


def test_the_tab_names_the_file_the_server_and_the_user(window, ctx):
    tab = open_tab(window)
    assert tab.name_label.text() == ctx.db.display_name
    assert tab.server_label.text().startswith("SQLite 3.")
    assert tab.user_label.text() == "tester (Administrator)"
    assert "anyone who can open the file" in tab.note_label.text()


def test_the_user_line_follows_the_team(qtbot, window, ctx):
    tab = open_tab(window)
    team = window.settings_page.team_tab
    window.settings_page.tabs.setCurrentWidget(team)
    qtbot.keyClicks(team.name_edit, "Olivia Ops")
    qtbot.keyClicks(team.login_edit, "tester")
    team.role_combo.setCurrentIndex(team.role_combo.findData("ops"))
    qtbot.mouseClick(team.save_button, Qt.MouseButton.LeftButton)
    assert TeamService(ctx).find("Olivia Ops").login == "tester"
    assert tab.user_label.text() == "Olivia Ops (Marketing ops)"


def test_a_server_that_does_not_answer_is_said_so_without_freezing(qtbot, window, prompts):
    tab = open_tab(window)
    port = _closed_port()
    qtbot.keyClicks(tab.url_edit, f"postgresql://nobody@127.0.0.1:{port}/intake")
    qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
    assert tab.result_label.text() == "Connecting…"
    qtbot.waitUntil(lambda: tab.result_label.text().startswith("Not connected"), timeout=15_000)
    assert f"127.0.0.1:{port}" in tab.result_label.text()
    assert saved_database_url() is None  # trying changes nothing


@pytest.mark.postgresql
def test_a_team_database_is_tested_and_used_from_the_next_start(qtbot, window, prompts, pg_server):
    url = pg_server.new_database(migrated=False)
    try:
        tab = open_tab(window)
        qtbot.keyClicks(tab.url_edit, url.replace("+psycopg", ""))
        qtbot.keyClicks(tab.password_edit, "not stored")
        qtbot.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: tab.result_label.text().startswith("Connected"), timeout=15_000)
        assert "PostgreSQL 1" in tab.result_label.text()
        assert "empty: the app creates its tables" in tab.result_label.text()

        qtbot.mouseClick(tab.use_button, Qt.MouseButton.LeftButton)
        assert prompts.infos and "next start" in prompts.infos[-1]
        assert saved_database_url() == url.replace("+psycopg", "")
        assert resolve_database_url(None) == saved_database_url()
        assert "not stored" not in (saved_database_url() or "")

        qtbot.mouseClick(tab.local_button, Qt.MouseButton.LeftButton)
        assert saved_database_url() is None
    finally:
        pg_server.drop_database(url)


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_check_back_up_and_restore_from_the_tab(
    qtbot, window, ctx, prompts, make_event, tmp_path, monkeypatch
):
    import os
    import stat

    from intake_app.services.events import EventService

    make_event(name="Before the backup")
    tab = open_tab(window)
    qtbot.mouseClick(tab.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: tab.care_label.text().startswith("The database is sound"), timeout=15_000
    )
    assert "integrity ok" in tab.care_label.text()

    target = tmp_path / "monday.db"
    monkeypatch.setattr(
        "intake_app.gui.pages.settings_database.QFileDialog.getSaveFileName",
        lambda *_a, **_k: (str(target), ""),
    )
    qtbot.mouseClick(tab.backup_button, Qt.MouseButton.LeftButton)
    assert target.is_file() and "Backed up to" in tab.care_label.text()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600

    make_event(name="After the backup")
    monkeypatch.setattr(
        "intake_app.gui.pages.settings_database.QFileDialog.getOpenFileName",
        lambda *_a, **_k: (str(target), ""),
    )
    prompts.answers.append(True)
    qtbot.mouseClick(tab.restore_button, Qt.MouseButton.LeftButton)
    assert "Restored monday.db" in tab.care_label.text(), tab.care_label.text()
    assert [e.name for e in EventService(ctx).list()] == ["Before the backup"]
