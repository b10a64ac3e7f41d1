from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from sqlalchemy import select

from intake_app.db.models import AuditEntry, Lead, Person
from intake_app.db.session import sqlite_files
from intake_app.gui.main_window import MainWindow
from intake_app.services.exports import ExportService
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
    win.shutdown_pages()  # the import page, and the export preview an erasure refreshes


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


def test_the_details_say_where_the_consent_came_from(window):
    page = window.leads_page
    page.table.setCurrentIndex(page.model.index(row_of(page, "Hopper"), 1))
    text = page.details.toPlainText()
    assert "Consent: unknown" in text
    assert "badge_scan.csv, row 6: no consent column; imported" in text


def test_erase_person_from_the_grid_removes_her_everywhere(qtbot, window, ctx, tmp_path):
    page = window.leads_page
    event_id = page.model.query.event_id
    ExportService(ctx).write(ExportService(ctx).preview(event_id, "generic"), tmp_path / "out.csv")
    page.reload_events(select_id=event_id)
    lovelace = row_of(page, "Lovelace")
    page.table.selectRow(lovelace)
    page.table.setCurrentIndex(page.model.index(lovelace, column(page, "email")))

    # Right-click and the Edit menu offer the same action.
    assert page.erase_action in page.context_menu().actions()
    edit_menu = next(
        action.menu() for action in window.menuBar().actions() if action.text() == "&Edit"
    )
    assert page.erase_action in edit_menu.actions()
    page.erase_action.trigger()
    dialog = page.erase_dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.text()
    assert "Erase Ada Lovelace <ada.lovelace@example.com>?" in text
    assert "at Security Expo 2025" in text and "This cannot be undone." in text
    assert "1 lead: name, e-mail, phones" in text
    assert "2 file rows: the values as read and their row numbers" in text
    assert "1 person record: name, e-mail, company" in text
    assert "1 export record: which exports carried the lead" in text
    assert "review pair" not in text  # nothing of that kind to remove: not listed
    assert "Exported in out.csv (generic" in text
    assert "(tester)" in text and dialog.reimport_check.isChecked()
    assert dialog.buttons.button(dialog.buttons.StandardButton.Cancel).isDefault()
    dialog.grab().save(str(tmp_path / "erase-dialog.png"))

    with qtbot.waitSignal(page.person_erased) as erased:
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    result = erased.args[0]
    assert result.counts["leads"] == 1 and result.remnants == []

    # The grid no longer shows her; the others stay; the event still counts four leads.
    names = {cell(page, n, "last_name") for n in range(page.model.rowCount())}
    assert names == {"Hopper", "Turing", "Johnson"}
    assert "3 lead(s)" in page.count_label.text()
    assert "4 leads" in page.event_combo.currentText()  # the erased row still counts
    assert "Erased Ada Lovelace" in window.statusBar().currentMessage()
    assert not window.undo_action.isEnabled()  # nothing to undo into an erased lead
    window.grab().save(str(tmp_path / "erase-page.png"))
    with ctx.db.read() as session:
        lead = session.scalars(select(Lead).where(Lead.status == "erased")).one()
        assert lead.email is None and lead.first_name is None and lead.raw_fields == {}
        assert session.get(Person, lead.person_id).erased_at is not None
        tombstone = session.scalars(select(AuditEntry).where(AuditEntry.action == "erase")).one()
        assert tombstone.user == "tester"
    # Her address, name and phone are in none of the database's files any more.
    for path in sqlite_files(Path(str(ctx.db.engine.url.database))):
        data = path.read_bytes().lower()
        assert b"lovelace" not in data and b"7946 0018" not in data, path.name


def test_cancelling_the_erasure_keeps_everything(qtbot, window, ctx):
    page = window.leads_page
    page.table.setCurrentIndex(page.model.index(row_of(page, "Turing"), 1))
    dialog = page.open_erase()
    assert dialog is not None
    dialog.reject()
    assert page.model.rowCount() == 4
    with ctx.db.read() as session:
        assert session.scalar(select(Lead.id).where(Lead.status == "erased")) is None


def test_erase_without_a_selected_lead_says_what_to_do(window, prompts):
    page = window.leads_page
    page.table.setCurrentIndex(page.model.index(-1, -1))
    window.show_page("events")
    page.erase_action.trigger()
    assert prompts.infos[-1] == "Select a lead on the Leads page first."
    assert window.current_page_key() == "leads"
