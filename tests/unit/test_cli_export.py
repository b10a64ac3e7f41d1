"""``intake export`` through the command line contract."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.unit.test_cli import add_event, assert_refused, run

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def db_arg(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{(tmp_path / 'x.db').as_posix()}"]


def test_export_generic_with_errors_file_and_the_contract_columns(db_arg, tmp_path):
    event = add_event(db_arg)
    eid = str(event["id"])
    assert (
        run(*db_arg, "import", str(DATA / "imports" / "badge_scan.csv"), "--event", eid).code == 0
    )
    out, errors = tmp_path / "leads.csv", tmp_path / "errors.csv"
    result = run(*db_arg, "export", "--event", eid, "--format", "generic", "--out", str(out),
                 "--errors", str(errors), "--json")  # fmt: skip
    assert result.code == 0, result.err
    data = result.json()
    assert data["rows"] == 4 and data["errors"] == 2 and data["sla_stamp"] == "handed_over"
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = list(rows[0])
    assert header[:2] == ["first_name", "last_name"]
    assert header[-12:] == [
        "event_id", "event_name", "program_status", "person_id", "fit_score",
        "engagement_score", "lead_score", "grade", "treatment", "issues", "source_file",
        "source_rows",
    ]  # fmt: skip
    ada = next(row for row in rows if row["last_name"] == "Lovelace")
    assert ada["source_rows"] == "5;8"
    assert ada["event_name"] == "RSA 2025"
    with errors.open(encoding="utf-8", newline="") as handle:
        reasons = [row["reason"] for row in csv.DictReader(handle)]
    assert "VOID scan" in reasons


def test_dry_run_writes_nothing_and_bad_profiles_are_refused(db_arg, tmp_path):
    event = add_event(db_arg)
    eid = str(event["id"])
    run(*db_arg, "import", str(DATA / "imports" / "badge_scan.csv"), "--event", eid)
    out = tmp_path / "m.csv"
    dry = run(*db_arg, "export", "--event", eid, "--format", "marketo", "--out", str(out),
              "--dry-run", "--json")  # fmt: skip
    assert dry.code == 0, dry.err
    assert dry.json()["dry_run"] is True
    assert dry.json()["by_status"] == {"Engaged": 2, "Visited Booth": 1}
    assert not list(tmp_path.glob("m*.csv"))
    assert_refused(
        run(*db_arg, "export", "--event", eid, "--format", "mailchimp", "--out", str(out)),
        "no export profile 'mailchimp'",
    )
    assert run(*db_arg, "export", "--event", eid, "--out", str(out)).code == 2


def test_bom_option_and_xlsx(db_arg, tmp_path):
    event = add_event(db_arg)
    eid = str(event["id"])
    run(*db_arg, "import", str(DATA / "imports" / "badge_scan.csv"), "--event", eid)
    out = tmp_path / "sf.csv"
    assert run(*db_arg, "export", "--event", eid, "--format", "salesforce", "--out", str(out),
               "--bom").code == 0  # fmt: skip
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    book = tmp_path / "hs.xlsx"
    assert (
        run(*db_arg, "export", "--event", eid, "--format", "hubspot", "--out", str(book)).code == 0
    )
    assert book.read_bytes()[:2] == b"PK"
