"""The reports' figures against a hand computation over a year of events.

Every event is in New York (US holidays); the report is asked at Wed 2025-12-17
12:00 EST. Stamps are set as corrections, as a person fixing the record would.
Deadlines of date-only ends are at 24:00.

E1 Jan webcast, Ana, 4 leads: entered Wed 01-15 10:00, due 01-15 24:00: met, 0 bd.
E2 Feb webcast, Ana, 4 leads: entered Thu 02-13 12:00, due 02-12 24:00: met late, 0.5 bd.
E3 Mar show, Ben, 2 leads: handed over Tue 03-11 12:00 (due 03-11 24:00), entered
   03-12 09:00 (due 03-12 12:00): met, 0 bd.
E4 Apr show, Ben, 4 leads: handed over Wed 04-16 12:00 (due Mon 04-14 24:00, escalated
   after Tue 24:00), entered 04-17 09:00 (on time): met late, 1.5 bd.
E5 Jul webcast, Cy, 4 leads: entered Fri 07-18 06:00, due 07-16 24:00 (escalated after
   Thu 24:00): met late, 1.25 bd.
E6 Dec sponsorship, Cy, no list: due Fri 12-12 24:00, now Wed 12:00: overdue by 2.5 bd,
   never arrived, escalated.
E7 Dec show, Dee: ends Sat 12-20: upcoming.
E8 Dec show two, Dee, 4 leads: received 12-17 09:00, due Thu 12-18 24:00: on track.

Decided: E1-E6. Events within SLA 2/6; lateness [0, 0, 0.5, 1.25, 1.5, 2.5]: median
0.875, P90 (nearest rank 6 of 6) 2.5. Handover within SLA 1/2 (E3 yes, E4 no). Entry
stage within SLA 3/6 (E1, E3, E4's ops stage). Leads within SLA (4 + 2) / (4 + 4 + 2 +
4 + 4 + 0) = 6/18. Never arrived 1; escalated 3 (E4, E5, E6).
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from intake_app.core import reports
from intake_app.core.errors import ValidationError
from intake_app.services.imports import ImportService
from intake_app.services.report_files import write_report
from intake_app.services.reports import ReportFilter, ReportService
from intake_app.services.sla import SlaService

DATA = Path(__file__).resolve().parents[2] / "data" / "imports"
NY = ZoneInfo("America/New_York")
NOW = datetime(2025, 12, 17, 12, 0, tzinfo=NY).astimezone(UTC)


def ny(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=NY).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture
def year(ctx, make_event) -> dict[str, int]:
    sla = SlaService(ctx)
    imports = ImportService(ctx)
    ids: dict[str, int] = {}

    def event(key, name, kind, owner, end, file=None, **stamps):
        record = make_event(name=name, event_type=kind, owner=owner, start=end, end=end,
                            timezone="America/New_York", country="US")  # fmt: skip
        ids[key] = record.id
        if file:
            imports.run(imports.preview(DATA / file), record.id)
        for stamp, moment in stamps.items():
            sla.correct(record.id, stamp, moment, "set for the test year")

    event(
        "E1",
        "Jan webcast",
        "webcast",
        "Ana",
        "2025-01-14",
        "badge_scan.csv",
        received=ny(2025, 1, 15, 9),
        entered=ny(2025, 1, 15, 10),
    )
    event(
        "E2",
        "Feb webcast",
        "webcast",
        "Ana",
        "2025-02-11",
        "badge_scan.csv",
        received=ny(2025, 2, 12, 9),
        entered=ny(2025, 2, 13, 12),
    )
    event(
        "E3",
        "Mar show",
        "tradeshow",
        "Ben",
        "2025-03-07",
        "second_show.csv",
        received=ny(2025, 3, 10, 9),
        handed_over=ny(2025, 3, 11, 12),
        entered=ny(2025, 3, 12, 9),
    )
    event(
        "E4",
        "Apr show",
        "tradeshow",
        "Ben",
        "2025-04-10",
        "badge_scan.csv",
        received=ny(2025, 4, 11, 9),
        handed_over=ny(2025, 4, 16, 12),
        entered=ny(2025, 4, 17, 9),
    )
    event(
        "E5",
        "Jul webcast",
        "webcast",
        "Cy",
        "2025-07-15",
        "badge_scan.csv",
        received=ny(2025, 7, 16, 9),
        entered=ny(2025, 7, 18, 6),
    )
    event("E6", "Dec sponsorship", "sponsorship", "Cy", "2025-12-05")
    event("E7", "Dec show", "tradeshow", "Dee", "2025-12-20")
    event("E8", "Dec show two", "tradeshow", "Dee", "2025-12-16", "badge_scan.csv",
          received=ny(2025, 12, 17, 9))  # fmt: skip
    return ids


def row(table: reports.Table, key: str) -> dict[str, object]:
    found = next(r for r in table.rows if r[0] == key)
    return dict(zip(table.headers, found, strict=True))


def test_timeliness_figures_match_the_hand_computation(ctx, year):
    report = ReportService(ctx).timeliness(group="owner", now=NOW)
    summary = dict(report.summary)
    assert summary["Events"] == "8"
    assert summary["Events within SLA"] == "33%"
    assert summary["Leads within SLA"] == "33%"  # 6 of 18
    assert summary["Handover within SLA (two-stage)"] == "50%"
    assert summary["Entry stage within SLA"] == "50%"
    assert summary["Median / P90 lateness (bd)"] == "0.9 / 2.5"
    assert summary["Never arrived"] == "1"
    assert summary["Escalated"] == "3"

    facts = ReportService(ctx).event_facts(now=NOW)
    whole = reports.event_figures(facts)
    assert (whole.decided, whole.met) == (6, 2)
    assert sorted(whole.lateness) == pytest.approx([0, 0, 0.5, 1.25, 1.5, 2.5], abs=1e-4)
    assert whole.median_late == pytest.approx(0.875, abs=1e-4)
    assert (whole.leads_met, whole.leads_decided) == (6, 18)

    owners = report.tables[0]
    ana, ben, cy, dee = (row(owners, name) for name in ("Ana", "Ben", "Cy", "Dee"))
    assert ana["Events within SLA"] == 0.5 and ben["Events within SLA"] == 0.5
    assert cy["Events within SLA"] == 0.0 and dee["Events within SLA"] is None
    assert ana["Avg days to received"] == pytest.approx(9 / 24, abs=1e-3)  # from 23:59:59
    assert cy["Never arrived"] == 1 and cy["Escalated"] == 2
    assert ben["Handover within SLA"] == 0.5
    assert ben["P90 lateness (bd)"] == pytest.approx(1.5, abs=1e-4)
    # The drill-down: the ids of an aggregate's events.
    drill = owners.event_ids[owners.rows.index(next(r for r in owners.rows if r[0] == "Cy"))]
    assert set(drill) == {year["E5"], year["E6"]}


def test_grouping_by_month_type_and_filters(ctx, year):
    service = ReportService(ctx)
    months = service.timeliness(group="month", now=NOW).tables[0]
    assert [r[0] for r in months.rows] == [
        "2025-01", "2025-02", "2025-03", "2025-04", "2025-07", "2025-12",
    ]  # fmt: skip
    assert row(months, "2025-12")["Events"] == 3
    types = service.timeliness(group="type", now=NOW).tables[0]
    assert row(types, "Webcast / webinar")["Events within SLA"] == pytest.approx(1 / 3)
    spring = service.timeliness(
        ReportFilter(ended_from=datetime(2025, 3, 1).date(), ended_to=datetime(2025, 4, 30).date()),
        group="event",
        now=NOW,
    )
    assert dict(spring.summary)["Events"] == "2"
    assert (
        dict(ReportService(ctx).timeliness(ReportFilter(owner="Cy"), now=NOW).summary)[
            "Never arrived"
        ]
        == "1"
    )
    with pytest.raises(ValidationError, match="Cannot group by"):
        service.timeliness(group="colour")


def test_charts_carry_the_same_figures(ctx, year):
    charts = {c.title: c for c in ReportService(ctx).timeliness(now=NOW).charts}
    lateness = charts["Lateness of the intake (decided events)"]
    assert lateness.categories == ("on time", "under 1 bd", "1-2 bd", "2-5 bd", "over 5 bd")
    assert lateness.series[0][1] == (2.0, 1.0, 2.0, 1.0, 0.0)
    by_owner = charts["On-time share by owner"]
    assert dict(zip(by_owner.categories, by_owner.series[0][1], strict=True))["Ana"] == 50.0


def test_quality_figures(ctx, year):
    report = ReportService(ctx).quality(ReportFilter(owner="Ana"))
    summary = dict(report.summary)
    # Two imports of badge_scan.csv: 7 rows each, 4 leads, 1 flagged, 2 rejected, 1 repeat.
    assert summary["Imports"] == "2"
    assert summary["Rows read"] == "14"
    assert summary["Leads"] == "8"
    assert summary["Flagged"] == "25%"
    assert summary["Rejected"] == "29%"  # 4 of 14
    assert summary["Duplicates in file / matched existing"].startswith("2 / ")
    by_event, completeness, platforms, _platform_fields, reasons = report.tables
    first = dict(zip(by_event.headers, by_event.rows[0], strict=True))
    filled = dict(zip(completeness.headers, completeness.rows[0], strict=True))
    assert filled["Email filled"] == 0.75  # Turing scanned without an e-mail
    assert filled["Company filled"] == 1.0
    # A badge list imported into a webcast reads as registrants who did not attend.
    assert first["High"] == 0.0 and first["Low"] == 1.0
    assert {r[0] for r in reasons.rows} == {
        "VOID scan",
        "neither a usable e-mail nor a usable phone",
    }
    assert platforms.rows[0][0] == "(not recognised)"


def test_governance_review_and_overdue(ctx):
    service = ReportService(ctx)
    assert {g.code for g in service.overdue_reviews()} == {"timeliness", "quality"}
    service.set_governance("timeliness", "Priya Raman", 7)
    reviewed = service.mark_reviewed("timeliness", "looked at the Q4 misses")
    assert reviewed.last_reviewed_by == "tester" and reviewed.owner == "Priya Raman"
    assert [g.code for g in service.overdue_reviews()] == ["quality"]
    later = reviewed.last_reviewed_at + reports_timedelta(8)  # type: ignore[operator]
    assert "timeliness" in {g.code for g in service.overdue_reviews(later)}
    with pytest.raises(ValidationError, match="cadence"):
        service.set_governance("quality", None, 0)


def reports_timedelta(days: int):
    from datetime import timedelta

    return timedelta(days=days)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "pdf"])
def test_every_format_is_written_and_opens(ctx, year, tmp_path, fmt):
    report = ReportService(ctx).timeliness(group="owner", now=NOW)
    out = tmp_path / f"timeliness.{fmt}"
    write_report(report, out, fmt)
    data = out.read_bytes()
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert "Events within SLA" in text and "Ana" in text
    elif fmt == "xlsx":
        book = openpyxl.load_workbook(out)
        assert book.sheetnames[0] == "Summary"
        assert any(cell.value == "Ana" for row in book["By owner"].iter_rows() for cell in row)
        assert zipfile.is_zipfile(out)
    elif fmt == "html":
        text = data.decode("utf-8")
        assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "Ana" in text
    else:
        assert data.startswith(b"%PDF")
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "50", str(out), str(tmp_path / "page")],
                           check=True, timeout=60)  # fmt: skip
            assert list(tmp_path.glob("page*.png"))


def test_charts_with_gaps_one_category_or_no_data_still_render():
    from intake_app.services.report_files import render_html, render_pdf

    charts = (
        reports.Chart("gaps", "line", ("a", "b", "c"), (("x", (None, 50.0, 20.0)),), "%"),
        reports.Chart("one", "line", ("a",), (("x", (50.0,)),), "%"),
        reports.Chart("line", "line", ("a", "b"), (("x", (10.0, 50.0)),), "%"),
        reports.Chart("none", "bar", (), (), "events"),
    )
    report = reports.Report("timeliness", "T", "s", (("a", "b"),), (), charts)
    assert render_pdf(report).startswith(b"%PDF")
    assert render_html(report).count("<svg") == 4


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_opens_the_xlsx_report(ctx, year, tmp_path):
    out = tmp_path / "timeliness.xlsx"
    write_report(ReportService(ctx).timeliness(group="owner", now=NOW), out)
    completed = subprocess.run(
        ["soffice", "--headless", "--convert-to", "csv", "--outdir", str(tmp_path / "lo"),
         str(out)],
        capture_output=True, timeout=180, check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    text = (tmp_path / "lo" / "timeliness.csv").read_text(encoding="utf-8", errors="replace")
    assert "Intake timeliness and SLA compliance" in text  # the first sheet: the summary
