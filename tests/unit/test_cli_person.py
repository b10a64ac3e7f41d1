"""``intake person erase`` (DESIGN §6) and the consent provenance in ``intake leads --json``."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from tests.unit.helpers import run_cli as run

DATA = Path(__file__).resolve().parents[1] / "data"
ADA = "ada.lovelace@example.com"


class Terminal(io.StringIO):
    """Standard input that is a terminal, with the person's answer typed in."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def db(tmp_path: Path) -> list[str]:
    db = ["--db", f"sqlite:///{(tmp_path / 'cli.db').as_posix()}"]
    code, _out, err = run(
        *db, "event", "add", "--name", "Expo", "--type", "tradeshow", "--start", "2025-03-12",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    code, _out, err = run(*db, "import", str(DATA / "imports" / "badge_scan.csv"), "--event", "1")
    assert code == 0, err
    return db


def emails(db: list[str]) -> list[str]:
    code, out, _err = run(*db, "leads", "--event", "1", "--json")
    assert code == 0
    return [lead["email"] for lead in json.loads(out)]


def test_erase_with_yes_prints_what_was_removed_per_table(db):
    code, out, err = run(*db, "person", "erase", "--email", "Ada.Lovelace@Example.com", "--yes")
    assert (code, err) == (0, "")
    assert "Person: Ada Lovelace <ada.lovelace@example.com>" in out
    assert "leads                 1" in out and "source_rows           2" in out
    assert "keyed hash of the address" in out
    assert ADA not in emails(db)
    # Once erased, the address is no one's any more.
    code, out, err = run(*db, "person", "erase", "--email", ADA, "--yes")
    assert (code, out) == (1, "")
    assert "No person is stored with the e-mail address" in err


def test_erase_json_gives_the_counts_and_the_tombstone(db):
    code, out, err = run(
        *db, "person", "erase", "--email", ADA, "--yes", "--json", "--no-reimport-check"
    )
    assert code == 0, err
    result = json.loads(out)
    assert result["erased"] is True and result["reimport_check"] is False
    assert result["removed"] == {
        "persons": 1, "leads": 1, "source_rows": 2, "duplicate_candidates": 0,
        "merge_decisions": 0, "audit_log": 0, "exported_leads": 0,
    }  # fmt: skip
    assert result["remnants"] == [] and result["wal_truncated"] is True
    assert isinstance(result["tombstone_audit_id"], int)


def test_without_yes_and_no_terminal_it_refuses_and_writes_nothing(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("erase\n"))  # a pipe, not a person
    code, out, err = run(*db, "person", "erase", "--email", ADA)
    assert (code, out) == (1, "")
    assert "--yes" in err and "nothing was erased" in err and err.count("\n") == 1
    assert ADA in emails(db)


def test_on_a_terminal_it_asks_and_takes_only_erase_for_an_answer(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal("no\n"))
    code, out, err = run(*db, "person", "erase", "--email", ADA)
    assert code == 1 and "Nothing was erased." in err
    assert "leads" in out and "This cannot be undone" in out
    assert ADA in emails(db)

    monkeypatch.setattr(sys, "stdin", Terminal("erase\n"))
    code, out, err = run(*db, "person", "erase", "--email", ADA)
    assert code == 0, err
    assert ADA not in emails(db)


def test_nobody_matches_exit_1_before_asking(db, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(*db, "person", "erase", "--email", "nobody@example.com")
    assert (code, out) == (1, "")
    assert err == (
        "intake: No person is stored with the e-mail address nobody@example.com;"
        " nothing was erased.\n"
    )


def test_bad_usage_is_exit_2(db, capsys):
    code, _out, _err = run(*db, "person", "erase")
    assert code == 2 and "--email" in capsys.readouterr().err  # argparse writes to stderr
    code, _out, _err = run(*db, "person")
    assert code == 2


def test_leads_json_includes_consent_provenance(db):
    code, out, err = run(*db, "leads", "--event", "1", "--json")
    assert code == 0, err
    ada = next(lead for lead in json.loads(out) if lead["email"] == ADA)
    sources = ada["consent_provenance"]["sources"]
    assert [(s["file"], s["rows"]) for s in sources] == [
        ("badge_scan.csv", [5]), ("badge_scan.csv", [8]),
    ]  # fmt: skip
    assert sources[0]["values"] == []  # the badge scan has no consent column
    assert sources[0]["imported_by"] == "tester" and sources[0]["imported_at"]
