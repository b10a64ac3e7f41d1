"""MAP exports read back: each platform's headers and values, safe cells, the log, the SLA."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import hostile
import openpyxl
import pytest
from sqlalchemy import func, select

from intake_app.core.sla import Status
from intake_app.db.models import ExportRun
from intake_app.services.context import AppContext, open_context
from intake_app.services.events import EventService
from intake_app.services.exports import ExportService
from intake_app.services.imports import ImportService
from intake_app.services.leads import LeadService
from intake_app.services.sla import SlaService

DATA = Path(__file__).resolve().parents[2] / "data"
BOOTH = DATA / "exports" / "booth_leads.csv"
WEBINAR = DATA / "layouts" / "zoom_webinar_attendee.csv"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def imported(ctx: AppContext, make_event, path: Path = BOOTH, **event) -> int:
    record = make_event(**event)
    service = ImportService(ctx)
    service.run(service.preview(path), record.id)
    return record.id


def export(ctx: AppContext, event_id: int, profile: str, out: Path, **options):
    service = ExportService(ctx)
    return service.write(
        service.preview(event_id, profile, **options),
        out,
        errors=out.with_name(f"{out.stem}-errors.csv"),
    )


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def by_email(rows: list[dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    return {row[key]: row for row in rows}


def test_marketo_writes_one_file_per_program_status(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event, WEBINAR, event_type="webcast", name="Zero Trust")
    result = export(ctx, event_id, "marketo", tmp_path / "marketo.csv")
    files = {written.status: written.path for written in result.files}
    assert set(files) == {"Attended", "No Show"}
    assert files["No Show"].name == "marketo-no-show.csv"
    attended = read(files["Attended"])
    no_show = read(files["No Show"])
    assert {row["Email Address"] for row in no_show} == {"alan.turing@example.org"}
    assert "alan.turing@example.org" not in {row["Email Address"] for row in attended}
    assert list(attended[0])[:4] == ["Email Address", "First Name", "Last Name", "Company Name"]
    assert "Lead Source" not in attended[0]  # protected unless asked
    assert "Unsubscribed" in attended[0]


def test_marketo_protected_fields_only_when_asked(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    result = export(ctx, event_id, "marketo", tmp_path / "m.csv", include_protected=True)
    rows = [row for written in result.files for row in read(written.path)]
    assert {row["Lead Source"] for row in rows} == {"Tradeshow"}


def test_salesforce_uses_iso_codes_and_states_only_where_configured(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    result = export(ctx, event_id, "salesforce", tmp_path / "sf.csv")
    rows = by_email(read(result.files[0].path), "Email")
    assert rows["maya.chen@example.com"]["Country"] == "US"
    assert rows["maya.chen@example.com"]["State/Province"] == "CA"
    assert rows["sofia.rossi@example.it"]["State/Province"] == ""  # regions are not SF's codes
    by_name = by_email(read(result.files[0].path), "Last Name")
    assert by_name["Nair"]["State/Province"] == "KA"  # India: the ISO code is SF's code
    assert by_name["Nair"]["Email"] == ""  # Salesforce needs a last name and company only
    assert rows["lukas.weber@example.de"]["Country"] == "DE"
    assert rows["lukas.weber@example.de"]["State/Province"] == ""  # no German states in SF
    assert rows["maya.chen@example.com"]["Rating"] == "Hot"
    assert rows["maya.chen@example.com"]["Lead Status"] == "Open - Not Contacted"
    assert rows["maya.chen@example.com"]["Lead Source"] == "Other"
    assert rows["tom.baker@example.co.uk"]["Email Opt Out"] == "true"  # sent, flagged
    assert rows["maya.chen@example.com"]["No. of Employees"] == "12000"
    assert "Grade A1" in rows["maya.chen@example.com"]["Description"]


def test_hubspot_uses_internal_names_values_and_leaves_out_opt_outs(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    result = export(ctx, event_id, "hubspot", tmp_path / "hs.csv")
    rows = by_email(read(result.files[0].path), "email")
    assert list(next(iter(rows.values())))[:3] == ["email", "firstname", "lastname"]
    maya = rows["maya.chen@example.com"]
    assert maya["industry"] == "BANKING"
    assert maya["country"] == "United States"
    assert maya["state"] == "California"
    assert maya["hs_legal_basis"] == "Legitimate interest – prospect/lead"  # noqa: RUF001
    assert "lifecyclestage" not in maya  # protected
    assert "tom.baker@example.co.uk" not in rows  # opted out: not in a marketing file
    reasons = result.preview.counts()["excluded_reasons"]
    assert reasons["opted out: left out of marketing files"] == 1
    assert reasons["no email, which HubSpot needs"] == 1


def test_pardot_and_eloqua_files(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    pardot = by_email(
        read(export(ctx, event_id, "pardot", tmp_path / "p.csv").files[0].path), "Email"
    )
    assert pardot["tom.baker@example.co.uk"]["Opted Out"] == "true"
    eloqua = read(export(ctx, event_id, "eloqua", tmp_path / "e.csv").files[0].path)
    assert "tom.baker@example.co.uk" not in {row["Email Address"] for row in eloqua}
    assert {row["Lead Rating - Event"][0] for row in eloqua} <= set("ABCD")


def test_scores_grades_and_treatments_are_stored_and_explained(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    preview = ExportService(ctx).preview(event_id, "generic")
    maya = next(row for row in preview.plan.rows if row.lead.values["last_name"] == "Chen")
    assert maya.score.grade == "A1"
    assert maya.score.treatment.startswith("MQL")
    assert "C-Level +30" in maya.score.explain()
    assert "12,000 employees +15" in maya.score.explain()
    ExportService(ctx).write(preview, tmp_path / "g.csv")
    leads = {lead.values["last_name"]: lead for lead in LeadService(ctx).for_event(event_id)}
    assert leads["Chen"].id
    with ctx.db.read() as session:
        from intake_app.db.models import Lead

        stored = session.scalar(select(Lead).where(Lead.last_name == "Chen"))
        assert stored is not None and stored.grade == "A1" and stored.exported_at is not None


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(lambda _folder: BOOTH, id="booth-leads-with-one-payload-row"),
        # A payload in every column of every kind, from a file whose name is one too.
        pytest.param(lambda folder: hostile.formula_csv(folder / "=1+1 leads.csv"), id="csv"),
        pytest.param(lambda folder: hostile.formula_xlsx(folder / "@SUM(1) leads.xlsx"), id="xlsx"),
    ],
)
def test_no_cell_starts_a_formula_in_csv_or_xlsx(ctx, make_event, tmp_path, source):
    event_id = imported(ctx, make_event, source(tmp_path))
    defused = set()
    for profile in ("generic", "marketo", "hubspot", "salesforce", "pardot", "eloqua"):
        for suffix in (".csv", ".xlsx"):
            result = export(ctx, event_id, profile, tmp_path / f"{profile}{suffix}")
            paths = [written.path for written in result.files]
            for path in [*paths, *([result.errors_file] if result.errors_file else [])]:
                for cell in _cells(path):
                    if cell.startswith(FORMULA_START):
                        assert cell.startswith("+") and cell[1:].isdigit(), (profile, cell)
                    defused.add(cell)
    assert "'=cmd|' /C calc'!A0" in defused  # the payloads are there, as text


def _cells(path: Path) -> list[str]:
    if not path.exists():
        return []
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        cells = []
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", cell.value
                    cells.append("" if cell.value is None else str(cell.value))
        return cells
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


@pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_reads_no_formula_from_the_csv(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    result = export(ctx, event_id, "generic", tmp_path / "generic.csv")
    converted = tmp_path / "lo"
    completed = subprocess.run(
        ["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(converted),
         str(result.files[0].path)],
        capture_output=True, timeout=180, check=False,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    book = openpyxl.load_workbook(converted / "generic.xlsx")
    sheet = book.active
    assert sheet is not None
    formulas = [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    assert formulas == []
    payload = [
        c.value for row in sheet.iter_rows() for c in row if c.value == "payload@example.com"
    ]
    assert payload  # the hostile row is there, defused


def test_the_generic_export_round_trips(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    result = export(ctx, event_id, "generic", tmp_path / "generic.csv")
    fresh = open_context(f"sqlite:///{(tmp_path / 'fresh.db').as_posix()}")
    try:
        original = EventService(ctx).get(event_id)
        copy = EventService(fresh).create(original.to_input())
        service = ImportService(fresh)
        preview = service.preview(result.files[0].path)
        assert preview.match is not None and preview.match.name == "intake_generic"
        service.run(preview, copy.id)
        before = {lead.values["email"] or lead.values["last_name"]: lead.values
                  for lead in LeadService(ctx).for_event(event_id)}  # fmt: skip
        after = {lead.values["email"] or lead.values["last_name"]: lead.values
                 for lead in LeadService(fresh).for_event(copy.id)}  # fmt: skip
        assert after == before
    finally:
        fresh.close()


def test_exporting_again_is_idempotent_and_only_new_leaves_out_exported(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    first = export(ctx, event_id, "salesforce", tmp_path / "a.csv")
    second = export(ctx, event_id, "salesforce", tmp_path / "b.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert second.repeated and second.export_id == first.export_id
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ExportRun)) == 1
    preview = ExportService(ctx).preview(event_id, "salesforce")
    assert preview.counts()["new"] == 0
    assert preview.counts()["exported_before"] == len(preview.plan.rows)
    assert ExportService(ctx).preview(event_id, "salesforce", only_new=True).plan.rows == []


def test_an_export_stamps_the_sla_handover_then_entry(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event, ops_owner="Priya Raman")  # tradeshow: two stages
    first = export(ctx, event_id, "generic", tmp_path / "g.csv")
    assert first.stamp == "handed_over"
    state = SlaService(ctx).status(event_id).state
    assert state.stamps.handed_over is not None and state.stamps.entered is None
    second = export(ctx, event_id, "marketo", tmp_path / "m.csv")
    assert second.stamp == "entered"
    assert SlaService(ctx).status(event_id).state.stages[1].status in (Status.MET, Status.MET_LATE)

    webcast = imported(ctx, make_event, WEBINAR, event_type="webcast", name="W")
    assert export(ctx, webcast, "hubspot", tmp_path / "h.csv").stamp == "entered"


def test_the_errors_file_lists_left_out_and_rejected_rows_to_fix(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event, DATA / "imports" / "badge_scan.csv")
    result = export(ctx, event_id, "marketo", tmp_path / "m.csv")
    rows = read(result.errors_file)  # type: ignore[arg-type]
    reasons = {row["reason"]: row for row in rows}
    assert reasons["no email, which Marketo needs"]["last_name"] == "Turing"
    assert reasons["no email, which Marketo needs"]["source_rows"] == "7"
    assert reasons["VOID scan"]["source_file"] == "badge_scan.csv"
    assert reasons["VOID scan"]["email"] == "void@example.com"
    assert list(rows[0])[:3] == ["reason", "source_file", "source_rows"]


def test_a_failed_write_leaves_no_file(ctx, make_event, tmp_path):
    event_id = imported(ctx, make_event)
    from intake_app.core.errors import ValidationError

    with pytest.raises(ValidationError, match="Cannot write"):
        export(ctx, event_id, "marketo", tmp_path / "missing" / "m.csv")
    assert not any(tmp_path.rglob("*.csv"))
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(ExportRun)) == 0


def test_people_sent_to_the_platform_from_another_event_count_as_known(ctx, make_event, tmp_path):
    first = imported(ctx, make_event, name="Show one")
    export(ctx, first, "hubspot", tmp_path / "one.csv")
    second = imported(ctx, make_event, name="Show two")
    counts = ExportService(ctx).preview(second, "hubspot").counts()
    assert counts["new"] == counts["rows"]  # nothing of this event went out yet
    assert counts["known_people"] == counts["rows"]  # but every person did, from show one
    assert ExportService(ctx).preview(second, "marketo").counts()["known_people"] == 0
