"""The Reports page: filters, charts, the drill-down, export, review and the Dashboard."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCharts import QChartView
from PySide6.QtCore import QDate

from intake_app.services.imports import ImportService
from intake_app.services.reports import ReportService
from intake_app.services.sla import SlaService

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture
def events(ctx, make_event):
    imports = ImportService(ctx)
    on_time = make_event(name="On time", event_type="webcast", owner="Ana",
                         start="2025-03-04", end="2025-03-04")  # fmt: skip
    late = make_event(name="Late", event_type="webcast", owner="Ben",
                      start="2025-03-11", end="2025-03-11")  # fmt: skip
    for event in (on_time, late):
        imports.run(imports.preview(DATA / "badge_scan.csv"), event.id)
    sla = SlaService(ctx)
    sla.correct(on_time.id, "entered", datetime(2025, 3, 5, 12, tzinfo=UTC), "test")
    sla.correct(late.id, "entered", datetime(2025, 3, 14, 12, tzinfo=UTC), "test")
    return on_time, late


def custom_period(page, start: str, end: str) -> None:
    page.period_combo.setCurrentIndex(page.period_combo.findData("custom"))
    page.from_edit.setDate(QDate.fromString(start, "yyyy-MM-dd"))
    page.to_edit.setDate(QDate.fromString(end, "yyyy-MM-dd"))


def test_filters_charts_drill_down_and_export(qtbot, window, events, tmp_path):
    window.events_page.events_changed.emit()
    window.show_page("reports")
    page = window.reports_page
    custom_period(page, "2025-01-01", "2025-12-31")
    view = page.views["timeliness"]
    assert "Events within SLA</b>: 50%" in view.summary_label.text()
    assert len(view.findChildren(QChartView)) == 4
    table = view.table
    owners = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert owners == ["Ana", "Ben"]
    view.drill_down(1)  # Ben: his events
    assert view.drill.rowCount() == 1 and view.drill.item(0, 0).text() == "Late"
    assert "Ben: 1 event(s)" in view.drill_label.text()

    page.owner_combo.setCurrentIndex(page.owner_combo.findData("Ana"))
    assert "Events within SLA</b>: 100%" in view.summary_label.text()
    page.owner_combo.setCurrentIndex(0)
    page.group_combo.setCurrentIndex(page.group_combo.findData("month"))
    assert view.table.item(0, 0).text() == "2025-03"

    for suffix in ("pdf", "xlsx", "html", "csv"):
        written = page.export(tmp_path / f"report.{suffix}")
        assert written is not None and written.stat().st_size > 0
    assert (
        "Saved “Intake timeliness and SLA compliance” as CSV" in window.statusBar().currentMessage()
    )

    page.tabs.setCurrentWidget(page.views["quality"])
    quality = page.views["quality"]
    assert "Rows read</b>: 14" in quality.summary_label.text()
    assert len(quality.findChildren(QChartView)) == 2


def test_review_governance_shows_on_the_dashboard(qtbot, window, ctx, events):
    settings = window.settings_page
    tab = settings.reports_tab
    tab.owner_combos["timeliness"].setCurrentText("Priya Raman")
    tab.cadence_spins["timeliness"].setValue(7)
    tab.save("timeliness")
    dashboard = window.dashboard_page
    dashboard.refresh()
    assert not dashboard.review_label.isHidden()
    assert "Intake timeliness" in dashboard.review_label.text()

    window.show_page("reports")
    page = window.reports_page
    assert "Review due" in page.governance_label.text()
    page.review_button.click()
    assert "last reviewed" in page.governance_label.text()
    assert dashboard.review_label.isHidden()
    assert ReportService(ctx).governance("timeliness").last_reviewed_by == "tester"


def test_quality_tables_and_the_drill_down_to_events(qtbot, window, events):
    page = window.reports_page
    custom_period(page, "2025-01-01", "2025-12-31")
    quality = page.views["quality"]
    titles = [quality.table_combo.itemText(i) for i in range(quality.table_combo.count())]
    assert titles[:4] == ["By event", "Completeness by event", "By source platform",
                          "Completeness by source platform"]  # fmt: skip
    assert quality.drill.isHidden()  # the events themselves: nothing to drill into
    quality.table_combo.setCurrentIndex(titles.index("By source platform"))
    quality.drill_down(0)
    assert quality.drill.rowCount() == 2  # both events imported the same kind of file
