from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from sqlalchemy import func, select

from intake_app.db.models import ImportBatch, Lead, Person, SourceRow
from intake_app.gui.main_window import MainWindow
from intake_app.gui.pages.import_page import ImportPage
from intake_app.services.leads import LeadService

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


def drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(
        QPointF(300, 300),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)


def rows_in(ctx, model) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def wait_step(qtbot, page: ImportPage, step: int) -> None:
    qtbot.waitUntil(lambda: page.current_step() == step and not page.busy(), timeout=15_000)


def test_dropping_a_file_walks_through_mapping_preview_and_import(
    qtbot, window, ctx, make_event, tmp_path, monkeypatch
):
    event = make_event(name="Security Expo 2025")
    window.events_page.refresh(select_id=event.id)
    page = window.import_page

    drop(window, DATA / "badge_scan.csv")
    assert window.current_page_key() == "import"
    wait_step(qtbot, page, ImportPage.STEP_MAPPING)

    assert "badge_scan.csv" in page.file_summary.text()
    assert "7 lead record(s)" in page.file_summary.text()
    assert "row 4" in page.file_summary.text()
    assert page.mapping_combo("Email").currentData() == "email"
    assert page.mapping_combo("Company").currentData() == "company"
    # The user keeps the notes column out of the notes field.
    notes = page.mapping_combo("Notes")
    notes.setCurrentIndex(notes.findData(None))

    qtbot.mouseClick(page.to_preview_button, Qt.MouseButton.LeftButton)
    assert page.current_step() == ImportPage.STEP_PREVIEW
    assert page.preview_table.rowCount() == 7
    assert page.preview_table.item(0, 0).text() == "5"
    headers = [
        page.preview_table.horizontalHeaderItem(c).text()
        for c in range(page.preview_table.columnCount())
    ]
    assert "Notes" not in headers and "Email" in headers

    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    wait_step(qtbot, page, ImportPage.STEP_RUN)
    qtbot.waitUntil(lambda: page.summary is not None, timeout=15_000)
    assert "4 lead(s) stored" in page.summary_label.text()
    assert "2 rejected" in page.summary_label.text()
    # The rows set aside can be saved to fix and import again.
    target = tmp_path / "rejected.csv"
    monkeypatch.setattr(
        "intake_app.gui.pages.import_page.QFileDialog.getSaveFileName",
        lambda *_args, **_kwargs: (str(target), "CSV files (*.csv)"),
    )
    assert page.rejects_button.isVisible()
    qtbot.mouseClick(page.rejects_button, Qt.MouseButton.LeftButton)
    lines = target.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 3 and "VOID scan" in lines[1]
    leads = LeadService(ctx).for_event(event.id)
    assert len(leads) == 4
    assert all(lead.values["notes"] is None for lead in leads)
    # The Events page shows the new lead count.
    assert window.events_page.selected_record().lead_count == 4


def test_two_columns_on_one_field_are_refused_before_preview(qtbot, window, make_event):
    make_event()
    page = window.import_page
    window.events_page.refresh()
    page.reload_events()
    page.open_file(DATA / "second_show.csv")
    wait_step(qtbot, page, ImportPage.STEP_MAPPING)
    company = page.mapping_combo("Company")
    company.setCurrentIndex(company.findData("email"))
    page.show_preview()
    assert page.current_step() == ImportPage.STEP_MAPPING
    assert "same field" in page.mapping_error.text()


def test_an_unreadable_file_is_explained_on_the_first_step(qtbot, window, make_event, tmp_path):
    make_event()
    page = window.import_page
    page.reload_events()
    broken = tmp_path / "scan.xlsx"
    broken.write_bytes(b"PK\x03\x04 not a workbook at all")
    drop(window, broken)
    qtbot.waitUntil(lambda: page.file_error.isVisible(), timeout=15_000)
    assert "scan.xlsx" in page.file_error.text()
    assert page.current_step() == ImportPage.STEP_FILE
    assert rows_in(window.ctx, ImportBatch) == 0


def test_without_an_event_the_page_says_to_create_one(qtbot, window, prompts):
    page = window.import_page
    assert not page.choose_button.isEnabled()
    assert "create one" in page.event_combo.currentText()
    page.open_file(DATA / "badge_scan.csv")
    assert "Create the event first" in prompts.errors[0]


def test_cancel_leaves_nothing_behind(qtbot, window, ctx, make_event, tmp_path):
    make_event()
    page = window.import_page
    page.reload_events()
    big = tmp_path / "big.csv"
    lines = ["First Name,Last Name,Email,Company"]
    lines += [f"P{n},Person,p{n}@example.com,Company {n % 97}" for n in range(20_000)]
    big.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.open_file(big)
    wait_step(qtbot, page, ImportPage.STEP_MAPPING)
    page.show_preview()
    page.start_import()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.busy(), timeout=30_000)
    assert "cancelled" in page.run_label.text().lower()
    for model in (ImportBatch, Lead, Person, SourceRow):
        assert rows_in(ctx, model) == 0


def test_a_webinar_report_shows_its_platform_and_what_was_skipped(qtbot, window, ctx, make_event):
    event = make_event(name="Zero Trust webinar", event_type="webcast")
    window.events_page.refresh(select_id=event.id)
    page = window.import_page
    drop(window, DATA.parent / "layouts" / "zoom_webinar_attendee.csv")
    wait_step(qtbot, page, ImportPage.STEP_MAPPING)
    summary = page.file_summary.text()
    assert "Zoom webinar - attendee report" in summary
    assert "99 %" in summary
    assert "1 host, 2 panelist" in page.notes_label.text()
    assert page.mapping_combo("Time in Session (minutes)").currentData() == "minutes_attended"

    qtbot.mouseClick(page.to_preview_button, Qt.MouseButton.LeftButton)
    assert page.preview_table.rowCount() == 3
    assert page.preview_table.item(0, 0).text() == "13;14"  # Ada joined twice

    qtbot.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.summary is not None and not page.busy(), timeout=15_000)
    text = page.summary_label.text()
    assert "2 skipped, not a lead: panelist" in text
    assert "Zero Trust webinar" in page.run_label.text()
    assert len(LeadService(ctx).for_event(event.id)) == 3
