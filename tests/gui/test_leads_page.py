from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from sqlalchemy import select

from intake_app.db.models import AuditEntry, Lead
from intake_app.gui.main_window import MainWindow
from intake_app.services.imports import ImportService

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture
def window(qtbot, ctx, prompts, make_event):
    event = make_event(name="Security Expo 2025")
    service = ImportService(ctx)
    service.run(service.preview(DATA / "badge_scan.csv"), event.id)
    win = MainWindow(ctx, prompts)
    qtbot.addWidget(win)
    win.show()
    win.show_page("leads")
    win.leads_page.reload_events(select_id=event.id)
    yield win
    win.import_page.shutdown()


def column(page, field: str) -> int:
    return page.model.column_of(field)


def cell(page, row: int, field: str) -> str:
    return page.model.index(row, column(page, field)).data()


def row_of(page, last_name: str) -> int:
    return next(n for n in range(page.model.rowCount()) if cell(page, n, "last_name") == last_name)


def test_the_grid_shows_the_leads_with_their_flagged_values(window):
    page = window.leads_page
    assert page.model.rowCount() == 4
    assert "4 lead(s)" in page.count_label.text()
    johnson = row_of(page, "Johnson")
    index = page.model.index(johnson, column(page, "country"))
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None  # tinted
    assert "Atlantis" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert cell(page, row_of(page, "Lovelace"), "engagement_level") == "High"
    assert cell(page, row_of(page, "Lovelace"), "job_level") == "C-Level"  # from "CTO"


def test_filtering_and_sorting_run_in_sql(qtbot, window):
    page = window.leads_page
    page.only_issues.setChecked(True)
    assert {cell(page, n, "last_name") for n in range(page.model.rowCount())} >= {"Johnson"}
    assert page.model.rowCount() < 4
    page.only_issues.setChecked(False)
    qtbot.keyClicks(page.search, "compilers")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert cell(page, 0, "last_name") == "Hopper"
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=3000)
    page.table.sortByColumn(column(page, "last_name"), Qt.SortOrder.DescendingOrder)
    assert [cell(page, n, "last_name") for n in range(4)] == [
        "Turing", "Lovelace", "Johnson", "Hopper"
    ]  # fmt: skip


def test_an_edit_in_the_grid_is_stored_audited_and_undone(qtbot, window, ctx):
    page = window.leads_page
    johnson = row_of(page, "Johnson")
    index = page.model.index(johnson, column(page, "country"))
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    editor = page.table.focusWidget()
    editor.setText("United States")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Qt commits on the next turn of the loop
    qtbot.waitUntil(lambda: cell(page, johnson, "country") == "US", timeout=3000)
    assert index.data(Qt.ItemDataRole.BackgroundRole) is None  # no longer flagged
    assert "country None → 'US'" in page.details.toPlainText()
    with ctx.db.read() as session:
        assert session.scalar(select(Lead.country).where(Lead.last_name == "Johnson")) == "US"

    window.undo_action.trigger()
    assert cell(page, johnson, "country") == ""
    with ctx.db.read() as session:
        assert session.scalar(select(Lead.country).where(Lead.last_name == "Johnson")) is None
        actions = list(
            session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "lead"))
        )
    assert actions == ["edit", "undo"]
    window.redo_action.trigger()
    assert cell(page, johnson, "country") == "US"


def test_a_picklist_cell_offers_its_values_and_a_bad_value_is_refused(qtbot, window, prompts):
    page = window.leads_page
    turing = row_of(page, "Turing")
    index = page.model.index(turing, column(page, "job_level"))
    page.table.setCurrentIndex(index)
    page.table.edit(index)
    combo = page.table.focusWidget()
    assert isinstance(combo, QComboBox)
    assert combo.findText("Director") >= 0
    combo.setCurrentIndex(combo.findText("Director"))
    qtbot.keyClick(combo, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: cell(page, turing, "job_level") == "Director", timeout=3000)

    email = page.model.index(turing, column(page, "email"))
    assert not page.model.setData(email, "no at sign")
    assert "cannot be stored as email" in prompts.errors[-1]


def test_bulk_engagement_for_the_selected_rows(window, ctx):
    page = window.leads_page
    page.table.selectAll()
    page.set_engagement("Medium")
    assert {cell(page, n, "engagement_level") for n in range(4)} == {"Medium"}
    with ctx.db.read() as session:
        assert set(session.scalars(select(Lead.engagement_level))) == {"Medium"}
    window.undo_action.trigger()
    with ctx.db.read() as session:
        assert "High" in set(session.scalars(select(Lead.engagement_level)))


def test_replace_a_value_and_teach_it_as_a_synonym(qtbot, window, ctx, make_event, tmp_path):
    from intake_app.core.normalise.picklists import match_picklist

    event = make_event(name="Cyber Week")
    leads = tmp_path / "cyber.csv"
    leads.write_text(
        "Email,First Name,Industry\n"
        "a@example.com,Ann,Cyber Defence\n"
        "b@example.com,Bob,cyber defence\n"
        "c@example.com,Cy,Retail\n",
        encoding="utf-8",
    )
    service = ImportService(ctx)
    service.run(service.preview(leads), event.id)
    page = window.leads_page
    page.reload_events(select_id=event.id)
    index = page.model.index(0, column(page, "industry"))
    assert index.data(Qt.ItemDataRole.BackgroundRole) is not None  # not an industry yet
    page.table.setCurrentIndex(index)
    dialog = page.open_replace()
    assert dialog.field() == "industry"
    assert dialog.find_edit.text() == "Cyber Defence"  # as read from the file
    dialog.replace_combo.setCurrentText("Technology")
    dialog.teach_check.setChecked(True)
    dialog.accept()

    values = [cell(page, n, "industry") for n in range(page.model.rowCount())]
    assert sorted(values) == ["Retail", "Technology", "Technology"]
    assert match_picklist(ctx.schema, "industry", "CYBER DEFENCE").value == "Technology"
    window.undo_action.trigger()  # the replacement is one step
    assert sorted(cell(page, n, "industry") for n in range(3)) == ["", "", "Retail"]


def test_settings_add_a_value_and_a_synonym(qtbot, window, ctx, prompts):
    settings = window.settings_page
    window.show_page("settings")
    settings.picklist_combo.setCurrentIndex(settings.picklist_combo.findData("industry"))
    qtbot.keyClicks(settings.new_value, "Aerospace")
    qtbot.mouseClick(settings.add_value_button, Qt.MouseButton.LeftButton)
    values = [
        settings.values_table.item(r, 0).text() for r in range(settings.values_table.rowCount())
    ]
    assert "Aerospace" in values
    assert "Aerospace" in ctx.schema.picklists["industry"]
    assert settings.selected_value() == "Aerospace"
    qtbot.keyClicks(settings.new_synonym, "Space industry")
    qtbot.keyClick(settings.new_synonym, Qt.Key.Key_Return)
    row = values.index("Aerospace")
    assert settings.values_table.item(row, 1).text() == "Space industry"
    assert "company-schema" in settings.folder_label.text()
    # The Leads page offers the new value at once.
    assert "Aerospace" in window.leads_page.delegate.picklists["industry"]
    qtbot.keyClicks(settings.new_value, "aerospace")
    qtbot.mouseClick(settings.add_value_button, Qt.MouseButton.LeftButton)
    assert "already has the value" in prompts.errors[-1]
