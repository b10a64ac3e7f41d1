"""The Export page: the platform picker, the dry-run preview, writing, remembered choices."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from intake_app.gui.pages.export_page import ExportPage, RowColumn
from intake_app.services.imports import ImportService
from intake_app.services.sla import SlaService

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parents[1] / "data"


def imported(ctx, make_event) -> int:
    event = make_event(name="Security Expo", ops_owner="Priya Raman")
    service = ImportService(ctx)
    service.run(service.preview(DATA / "exports" / "booth_leads.csv"), event.id)
    return event.id


def wait_preview(qtbot, page: ExportPage) -> None:
    qtbot.waitUntil(lambda: not page.busy() and page.preview is not None, timeout=15_000)


def test_preview_then_export_marketo_and_the_sla_moves(qtbot, window, ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    window.events_page.events_changed.emit()
    window.show_page("export")
    page = window.export_page
    page.select_event(event_id)
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("marketo"))
    wait_preview(qtbot, page)

    summary = page.summary_label.text()
    assert "for Marketo" in summary and "5 new" in summary
    assert "One file per program status" in summary
    assert "Left out: 1" in summary and "no email, which Marketo needs" in summary
    assert page.tabs.tabText(0) == "Rows (5)" and page.tabs.tabText(1) == "Left out (1)"
    model = page.rows_model
    grades = {
        model.index(r, RowColumn.NAME).data(): model.index(r, RowColumn.GRADE).data()
        for r in range(model.rowCount())
    }
    assert grades["Maya Chen"] == "A1"
    how = page.rows_model.index(0, RowColumn.HOW).data()
    assert "+" in how  # the points behind the grade

    result = page.export(tmp_path / "expo.csv")
    assert result is not None
    names = sorted(f.path.name for f in result.files)
    assert names == ["expo-engaged.csv", "expo-visited-booth.csv"]
    assert (tmp_path / "expo-errors.csv").is_file()
    assert "Exported expo-engaged.csv" in window.statusBar().currentMessage()
    assert "SLA: handed over" in window.statusBar().currentMessage()
    assert SlaService(ctx).status(event_id).state.stamps.handed_over is not None
    board = window.dashboard_page  # the Dashboard shows the handover at once
    row = next(r for r in board.model.rows if r.event.id == event_id)
    assert row.state.stamps.handed_over is not None
    assert row.state.current.stage == "enter"
    wait_preview(qtbot, page)
    assert "0 new, 5 exported before" in page.summary_label.text()

    # The choices are remembered for next time.
    again = ExportPage(ctx, window.prompts)
    qtbot.addWidget(again)
    assert again.profile_combo.currentData() == "marketo"
    assert again.event_combo.currentData() == event_id
    again.shutdown()


def test_options_change_the_preview_and_the_file(qtbot, window, ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    page = window.export_page
    page.reload_events(select_id=event_id)
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("hubspot"))
    wait_preview(qtbot, page)
    assert "opted out: left out of marketing files" in page.summary_label.text()
    page.protected.setChecked(True)
    wait_preview(qtbot, page)
    page.bom.setChecked(True)
    page.errors_check.setChecked(False)
    result = page.export(tmp_path / "hs.csv")
    assert result is not None and result.errors_file is None
    raw = (tmp_path / "hs.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with (tmp_path / "hs.csv").open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert "lifecyclestage" in header  # protected, asked for


def test_without_events_the_page_says_what_to_do(qtbot, window):
    page = window.export_page
    page.reload_events()
    assert "Create an event" in page.summary_label.text()
    assert not page.export_button.isEnabled()


def test_the_export_button_asks_where_and_writes(
    qtbot, window, ctx, make_event, tmp_path, monkeypatch
):
    event_id = imported(ctx, make_event)
    window.events_page.events_changed.emit()
    window.show_page("export")
    page = window.export_page
    page.select_event(event_id)
    wait_preview(qtbot, page)
    asked = []

    def save_as(_parent, title, suggested, kinds):
        asked.append((title, Path(suggested).name, kinds))
        return str(tmp_path / "chosen"), kinds

    monkeypatch.setattr("intake_app.gui.pages.export_page.QFileDialog.getSaveFileName", save_as)
    qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)  # as a person does
    assert asked and asked[0][0] == "Export leads"
    assert (tmp_path / "chosen.csv").is_file()  # the suffix added to a bare name
    assert page.last_result is not None
