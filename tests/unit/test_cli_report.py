"""``intake report`` through the command line contract."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from tests.unit.test_cli import add_event, assert_refused, run

DATA = Path(__file__).resolve().parents[1] / "data" / "imports"


@pytest.fixture
def db_arg(tmp_path: Path) -> list[str]:
    return ["--db", f"sqlite:///{(tmp_path / 'x.db').as_posix()}"]


def test_report_files_in_every_format(db_arg, tmp_path):
    event = add_event(db_arg, "--owner", "Ana")
    run(*db_arg, "import", str(DATA / "badge_scan.csv"), "--event", str(event["id"]))
    for fmt in ("csv", "xlsx", "html", "pdf"):
        out = tmp_path / f"t.{fmt}"
        result = run(*db_arg, "report", "timeliness", "--from", "2025-01-01", "--to",
                     "2025-12-31", "--out", str(out), "--json")  # fmt: skip
        assert result.code == 0, result.err
        assert result.json()["format"] == fmt and out.stat().st_size > 0
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    assert "By owner" in book.sheetnames
    quality = run(*db_arg, "report", "quality", "--out", str(tmp_path / "q.txt"), "--format", "csv")
    assert quality.code == 0 and "Rows read" in (tmp_path / "q.txt").read_text("utf-8-sig")


def test_report_printed_as_json_and_review(db_arg):
    add_event(db_arg, "--owner", "Ana")
    printed = run(*db_arg, "report", "timeliness", "--group", "type", "--json")
    assert printed.code == 0, printed.err
    data = printed.json()
    assert data["summary"]["Events"] == "1"
    assert data["tables"][0]["headers"][0] == "Program type"
    assert run(*db_arg, "report", "review", "quality", "--note", "monthly look").code == 0
    listed = run(*db_arg, "report", "review", "--json").json()
    assert {r["report"]: r["last_reviewed_by"] for r in listed}["quality"] == "tester"


def test_bad_report_input_is_refused(db_arg, tmp_path):
    assert_refused(run(*db_arg, "report", "timeliness", "--from", "2025-13-01"), "not a date")
    assert_refused(
        run(*db_arg, "report", "timeliness", "--from", "2025-06-01", "--to", "2025-01-01"),
        "--from is after --to",
    )
    assert_refused(
        run(*db_arg, "report", "quality", "--out", str(tmp_path / "q.doc")), "Cannot write a report"
    )
    assert run(*db_arg, "report", "weekly").code == 2
