"""``intake import`` and ``intake leads`` (DESIGN §6): counts, profile, refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import hostile
import pytest

from tests.unit.helpers import run_cli as run

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"]


def new_event(db: list[str], event_type: str = "tradeshow") -> int:
    code, out, err = run(
        *db, "event", "add", "--name", "Expo", "--type", event_type, "--start", "2025-03-12",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    return int(json.loads(out)["id"])


def import_json(db: list[str], path: Path, event: int, *extra: str) -> dict[str, Any]:
    code, out, err = run(*db, "import", str(path), "--event", str(event), "--json", *extra)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def refused(db: list[str], *argv: str) -> str:
    code, out, err = run(*db, *argv)
    assert (code, out) == (1, ""), err
    assert err.startswith("intake: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def lead_count(db: list[str], event: int) -> int:
    code, out, _ = run(*db, "leads", "--event", str(event), "--json")
    assert code == 0
    return len(json.loads(out))


def test_import_prints_the_contract_counts_with_profile_and_confidence(db):
    event = new_event(db)
    result = import_json(db, DATA / "imports" / "badge_scan.csv", event)
    assert {k: result[k] for k in (
        "rows", "imported", "flagged", "rejected", "duplicates_in_file", "matched_existing"
    )} == {
        "rows": 7, "imported": 4, "flagged": 1, "rejected": 2, "duplicates_in_file": 1,
        "matched_existing": 0,
    }  # fmt: skip
    assert result["rejected_reasons"] == {
        "VOID scan": 1, "neither a usable e-mail nor a usable phone": 1
    }  # fmt: skip
    assert result["skipped"] == 3  # two title rows and the RECORD COUNT footer


def test_a_webinar_report_imports_attendees_only(db):
    event = new_event(db, "webcast")
    result = import_json(db, DATA / "layouts" / "zoom_webinar_attendee.csv", event)
    assert result["profile"] == "zoom_webinar_attendee"
    assert result["confidence"] >= 0.9
    assert (result["rows"], result["imported"], result["rejected"]) == (3, 3, 0)
    _code, out, _ = run(*db, "leads", "--event", str(event), "--json")
    leads = json.loads(out)
    assert {lead["email"] for lead in leads} == {
        "ada.lovelace@example.com", "grace.hopper@example.net", "alan.turing@example.org"
    }  # fmt: skip
    ada = next(lead for lead in leads if lead["last_name"] == "Lovelace")
    assert ada["source_rows"] == [13, 14]
    assert ada["extra"]["minutes_attended"] == "57"


def test_the_text_output_names_the_profile(db):
    event = new_event(db, "webcast")
    code, out, err = run(
        *db, "import", str(DATA / "layouts" / "teams_attendance.tsv"), "--event", str(event)
    )
    assert code == 0, err
    assert "Profile: Microsoft Teams - attendance report (teams_attendance), confidence 1.00" in out
    assert "rows 3  imported 3" in out


def test_the_same_file_twice_is_refused_then_forced(db):
    event = new_event(db)
    path = DATA / "imports" / "badge_scan.csv"
    import_json(db, path, event)
    err = refused(db, "import", str(path), "--event", str(event))
    assert "badge_scan.csv was already imported into event" in err
    again = import_json(db, path, event, "--force")
    assert again["matched_existing"] == 4
    assert lead_count(db, event) == 4


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "broken.csv: the file is empty."),
        (b"\x89PNG\r\n\x1a\n" + bytes(50), "broken.csv: this is a PNG image, not a lead list."),
        (
            b'Email,Note\na@example.com,"open\n',
            "broken.csv, row 2, column 2: the quoted cell that starts here is never closed.",
        ),
    ],
)
def test_a_refused_file_writes_nothing(db, tmp_path, content, fragment):
    event = new_event(db)
    path = tmp_path / "broken.csv"
    path.write_bytes(content)
    err = refused(db, "import", str(path), "--event", str(event))
    assert fragment in err
    assert lead_count(db, event) == 0
    _code, out, _ = run(*db, "event", "show", str(event), "--json")
    assert json.loads(out)["lead_count"] == 0


def test_an_unknown_profile_or_event_is_refused(db):
    event = new_event(db)
    path = str(DATA / "imports" / "badge_scan.csv")
    assert "no profile called 'nope'" in refused(
        db, "import", path, "--event", str(event), "--profile", "nope"
    )
    assert "999" in refused(db, "import", path, "--event", "999")


def test_a_mapping_file_overrides_the_automatic_mapping(db, tmp_path):
    event = new_event(db)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("Notes: null\nRating: null\n", encoding="utf-8")
    import_json(db, DATA / "imports" / "badge_scan.csv", event, "--mapping", str(mapping))
    _code, out, _ = run(*db, "leads", "--event", str(event), "--json")
    leads = json.loads(out)
    assert all(lead["notes"] is None for lead in leads)
    ada = next(lead for lead in leads if lead["last_name"] == "Lovelace")
    assert ada["extra"]["unmapped_columns"]["Notes"] == "wants pricing"


def test_a_broken_mapping_file_is_refused(db, tmp_path):
    event = new_event(db)
    mapping = tmp_path / "mapping.json"
    mapping.write_text('["Email"]', encoding="utf-8")
    err = refused(
        db, "import", str(DATA / "imports" / "badge_scan.csv"), "--event", str(event),
        "--mapping", str(mapping),
    )  # fmt: skip
    assert "must map each source heading" in err


def test_a_workbook_imports_from_its_lead_sheet(db):
    event = new_event(db)
    result = import_json(db, DATA / "workbooks" / "badge_scan.xlsx", event)
    assert (result["rows"], result["imported"]) == (5, 5)
    assert "Sheet 'Summary' was not read." in result["notes"]


def test_rejected_rows_are_listed_and_saved_formula_safe(db, tmp_path):
    event = new_event(db)
    import_json(db, DATA / "imports" / "badge_scan.csv", event)
    code, out, err = run(*db, "rejects", "--event", str(event), "--json")
    assert code == 0, err
    rows = json.loads(out)
    assert [(r["source_rows"], r["reason"]) for r in rows] == [
        ([9], "VOID scan"), ([10], "neither a usable e-mail nor a usable phone")
    ]  # fmt: skip
    hostile = tmp_path / "hostile.csv"
    hostile.write_text('Email,Notes\n,=HYPERLINK("http://x")\n', encoding="utf-8")
    import_json(db, hostile, event)
    target = tmp_path / "rejects.csv"
    code, out, err = run(*db, "rejects", "--event", str(event), "--out", str(target))
    assert code == 0, err
    assert "Wrote 3 rejected row(s)" in out
    text = target.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("source_file,source_rows,reason,")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text


def test_sql_looking_text_is_stored_literally_and_read_back_identically(db, tmp_path):
    event = new_event(db)
    path = hostile.sql_csv(tmp_path / "sql.csv")
    result = import_json(db, path, event)
    assert (result["imported"], result["rejected"]) == (2, 0)
    code, out, err = run(*db, "leads", "--event", str(event), "--json")
    assert code == 0, err
    leads = {lead["email"]: lead for lead in json.loads(out)}
    robert, always = hostile.SQL_TEXT
    assert {k: leads["bobby.tables@example.com"][k] for k in (
        "first_name", "company", "job_title", "city", "notes"
    )} == {
        "first_name": robert, "company": always, "job_title": robert, "city": always,
        "notes": f"{robert} {always}",
    }  # fmt: skip
    other = leads["o'reilly'--@example.com"]
    assert (other["company"], other["job_title"], other["city"], other["notes"]) == (
        robert, always, robert, always
    )  # fmt: skip
    # The tables are all still there: the event, its leads and a second import.
    assert lead_count(db, event) == 2
    again = import_json(db, hostile.sql_csv(tmp_path / "sql-again.csv"), new_event(db))
    assert again["matched_existing"] == 2
