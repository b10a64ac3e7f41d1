"""Acceptance: normalisation accuracy on messy multi-platform lead files.

"On a messy multi-platform file (hundreds of rows, the quirks of export-formats.md),
>= 99% of fields come out right, and every value the app could not be sure of is
flagged rather than guessed."

The files and their truth are written by ``tests/data/messy/make_messy.py``. Each file
goes through what an import does before anything is stored: read_file -> prepare ->
map_record -> first_pass, with the record context the import service builds (the
profile's kind of list, else the event's channel; the report's session length, else
the event's). Every canonical field the truth names is compared with the lead's
normalised column; a "flagged" expectation needs an empty column and an issue on
that field; a canonical column the truth does not name was invented.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from importers.mapping import map_record
from importers.pipeline import Prepared, prepare
from importers.profiles import get_profile
from importers.readers import read_file
from intake_app.core.engagement import ListContext
from intake_app.core.lead_values import FirstPass, RecordContext, first_pass, screen
from schemas import CorporateSchema, load_schema

MESSY = Path(__file__).resolve().parents[1] / "data" / "messy"
TRUTH = MESSY / "truth.json"
REQUIRED_ACCURACY = 0.99
CANONICAL = (
    "first_name", "last_name", "email", "phone", "mobile_phone", "company", "job_title",
    "job_level", "job_function", "industry", "country", "state", "city", "postal_code",
    "website", "consent", "engagement_level",
)  # fmt: skip


@dataclass
class Mismatch:
    file: str
    row: str
    field: str
    expected: str
    got: str
    raw: str


@dataclass
class FileResult:
    name: str
    prepared: Prepared
    leads: dict[str, tuple[tuple[int, ...], FirstPass]]
    checked: int = 0
    right: int = 0
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.checked if self.checked else 0.0


def _truth() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(TRUTH.read_text(encoding="utf-8"))
    return data


def _records(entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The truth's records of one file, decoded from its table form."""
    fields: list[str] = entry["fields"]
    decoded: dict[str, dict[str, Any]] = {}
    for row, item in entry["records"].items():
        rows, values, *rest = item
        expect = {name: value for name, value in zip(fields, values, strict=True)
                  if value is not None}  # fmt: skip
        decoded[row] = {"rows": rows, "expect": expect, "rejected": rest[0] if rest else None}
    return decoded


def _context(entry: dict[str, Any], prepared: Prepared) -> RecordContext:
    """What imports.ImportService builds: _list_kind and _session_minutes, from the facts."""
    if prepared.match is not None:
        kind: str | None = get_profile(prepared.match.name).kind
    else:
        kind = "webcast" if entry["event_channel"] == "online" else "in_person"
    stated = prepared.table.session.get("duration_minutes")
    minutes = float(stated) if isinstance(stated, int | float) and stated > 0 else None
    if minutes is None and entry.get("event_minutes"):
        minutes = float(entry["event_minutes"])
    return RecordContext(default_country=entry["default_country"], list=ListContext(kind, minutes))


def _run(name: str, entry: dict[str, Any], schema: CorporateSchema) -> FileResult:
    _facts, grids = read_file(MESSY / name)
    prepared = prepare(grids, schema, "auto", file_name=name)
    context = _context(entry, prepared)
    leads: dict[str, tuple[tuple[int, ...], FirstPass]] = {}
    for record in prepared.table.records:
        mapped = map_record(record, prepared.mappings)
        leads[str(min(record.row_numbers))] = (
            tuple(sorted(record.row_numbers)),
            first_pass(mapped.fields, schema, context),
        )
    return FileResult(name, prepared, leads)


def _score(result: FileResult, records: dict[str, dict[str, Any]], flag: str) -> None:
    for row, truth in records.items():
        found = result.leads.get(row)
        if found is None:
            continue  # counted by the record test
        _rows, values = found
        expect: dict[str, str] = truth["expect"]
        for name, wanted in expect.items():
            got = values.columns.get(name, "")
            result.checked += 1
            if wanted == flag:
                ok = not got and any(issue.field == name for issue in values.issues)
                shown = got or "(empty, no issue)"
            else:
                ok = got == wanted
                shown = got
            if ok:
                result.right += 1
            else:
                result.mismatches.append(
                    Mismatch(result.name, row, name, wanted, shown, values.raw.get(name, ""))
                )
        for name in CANONICAL:
            got = values.columns.get(name, "")
            if got and name not in expect:
                result.checked += 1
                result.mismatches.append(
                    Mismatch(result.name, row, name, "(nothing)", got, values.raw.get(name, ""))
                )
        reason = screen(values.columns, values.raw)
        if reason != truth["rejected"]:
            result.checked += 1
            result.mismatches.append(
                Mismatch(result.name, row, "(screen)", str(truth["rejected"]), str(reason), "")
            )


@cache
def _results() -> tuple[FileResult, ...]:
    truth = _truth()
    schema = load_schema()
    results: list[FileResult] = []
    for name, entry in truth["files"].items():
        result = _run(name, entry, schema)
        _score(result, _records(entry), truth["flagged"])
        results.append(result)
    return tuple(results)


def _table(mismatches: list[Mismatch], limit: int = 80) -> str:
    lines = [f"{'file':<28} {'row':>4} {'field':<16} {'expected':<26} {'got':<26} raw"]
    for item in mismatches[:limit]:
        lines.append(
            f"{item.file:<28} {item.row:>4} {item.field:<16} {item.expected[:26]:<26}"
            f" {item.got[:26]:<26} {item.raw[:40]!r}"
        )
    if len(mismatches) > limit:
        lines.append(f"... and {len(mismatches) - limit} more")
    return "\n".join(lines)


def _summary(results: tuple[FileResult, ...]) -> str:
    lines = [f"{r.name:<28} {r.right:>5}/{r.checked:<5} {r.accuracy:.2%}" for r in results]
    right = sum(r.right for r in results)
    checked = sum(r.checked for r in results)
    lines.append(f"{'overall':<28} {right:>5}/{checked:<5} {right / checked:.2%}")
    return "\n".join(lines)


FILES = sorted(_truth()["files"])


def test_the_messy_files_are_big_enough_and_small() -> None:
    truth = _truth()
    total = sum(len(entry["records"]) for entry in truth["files"].values())
    assert 300 <= total <= 600
    assert len(truth["files"]) >= 4
    size = sum(path.stat().st_size for path in MESSY.iterdir() if path.suffix in {".csv", ".json"})
    assert size < 200 * 1024


@pytest.mark.parametrize("name", FILES)
def test_every_lead_record_and_only_those(name: str) -> None:
    """No host, panelist, section title or footer becomes a lead; rejoins are one record."""
    entry = _truth()["files"][name]
    result = next(r for r in _results() if r.name == name)
    expected_profile = entry["profile"]
    got_profile = result.prepared.match.name if result.prepared.match else None
    assert got_profile == expected_profile
    records = _records(entry)
    assert len(result.leads) == len(records)
    assert set(result.leads) == set(records)
    for row, truth in records.items():
        assert list(result.leads[row][0]) == truth["rows"], f"{name} row {row}"


def test_normalisation_accuracy() -> None:
    results = _results()
    mismatches = [m for r in results for m in r.mismatches]
    right = sum(r.right for r in results)
    checked = sum(r.checked for r in results)
    accuracy = right / checked
    report = f"\n{_summary(results)}\n\n{_table(mismatches)}"
    assert accuracy >= REQUIRED_ACCURACY, report


def test_what_cannot_be_known_is_flagged_not_guessed() -> None:
    """Every "flagged" expectation: the column is empty and the field has an issue."""
    truth = _truth()
    flag = truth["flagged"]
    failures: list[Mismatch] = []
    flagged = 0
    for result in _results():
        records = _records(truth["files"][result.name])
        for row, record in records.items():
            for name, wanted in record["expect"].items():
                if wanted != flag:
                    continue
                flagged += 1
                failures.extend(m for m in result.mismatches if m.row == row and m.field == name)
    assert flagged >= 30
    assert not failures, "\n" + _table(failures)


def test_nothing_is_invented() -> None:
    """No canonical column holds a value where the file gave none."""
    invented = [m for r in _results() for m in r.mismatches if m.expected == "(nothing)"]
    assert not invented, "\n" + _table(invented)


def test_rejections() -> None:
    """VOID and test scans, guests without any contact: rejected; real leads are not."""
    wrong = [m for r in _results() for m in r.mismatches if m.field == "(screen)"]
    assert not wrong, "\n" + _table(wrong)
