"""Readers: encodings, delimiters, row numbers and workbooks, on small real files."""

from __future__ import annotations

import codecs
import hashlib
from pathlib import Path

import pytest

from importers.base import ReadError
from importers.readers import cell_text, detect_delimiter, read_file

DATA = Path(__file__).resolve().parents[2] / "data"
LAYOUTS, WORKBOOKS, IMPORTS = DATA / "layouts", DATA / "workbooks", DATA / "imports"


def rows_of(path: Path) -> list[tuple[int, list[str]]]:
    _facts, [grid] = read_file(path)
    return grid.rows


def test_utf8_with_bom_loses_the_bom_and_says_so(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"Email,Name\nada@example.com,Ada\n")
    facts, [grid] = read_file(path)
    assert facts.encoding == "UTF-8 with BOM"
    assert grid.rows[0] == (1, ["Email", "Name"])


@pytest.mark.parametrize(
    ("codec", "bom", "label"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16 LE"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 BE"),
    ],
)
def test_a_teams_report_in_utf16_tsv_named_csv_is_read(tmp_path, load, codec, bom, label):
    text = (LAYOUTS / "teams_attendance.tsv").read_text(encoding="utf-8")
    path = tmp_path / "Attendance report.csv"
    path.write_bytes(bom + text.encode(codec))
    facts, _ = read_file(path)
    assert (facts.encoding, facts.delimiter, facts.format) == (label, "\t", "csv")
    prepared = load(path)
    assert prepared.match is not None and prepared.match.name == "teams_attendance"
    assert len(prepared.table.records) == 3


def test_utf16_without_a_bom_is_recognised(tmp_path):
    path = tmp_path / "nobom.csv"
    path.write_bytes("Email\tName\nada@example.com\tAda\n".encode("utf-16-le"))
    facts, [grid] = read_file(path)
    assert facts.encoding == "UTF-16 LE"
    assert grid.rows[1] == (2, ["ada@example.com", "Ada"])


def test_a_cp1252_file_is_decoded_with_its_umlauts(tmp_path, load):
    text = (LAYOUTS / "unknown_german.csv").read_text(encoding="utf-8")
    path = tmp_path / "messe.csv"
    path.write_bytes(text.encode("cp1252"))
    facts, _ = read_file(path)
    assert facts.encoding in {"cp1252", "iso8859-1", "cp1250", "iso8859-15"}
    prepared = load(path)
    first = prepared.table.records[0].values
    assert first["Nachname"] == "Müller"
    assert first["Straße"] == "Hauptstraße 1"
    assert facts.delimiter == ";"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["a,b,c", "1,2,3"], ","),
        (["a;b;c", "1;2,5;3"], ";"),
        (["a\tb\tc", "1\t2, 3\t4"], "\t"),
        (["a|b|c", "x|y|z"], "|"),
        (['"Name, full";Email', '"Lovelace, Ada";ada@example.com'], ";"),
        (["just one column", "another"], ","),
    ],
)
def test_delimiter_detection(lines, expected):
    assert detect_delimiter(lines) == expected


def test_row_numbers_count_every_record_like_a_spreadsheet(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(
        b'Title\r\n\r\nEmail,Note\r\na@example.com,"two\r\nlines"\r\nb@example.com,x\r\n'
    )
    rows = rows_of(path)
    assert [number for number, _ in rows] == [1, 2, 3, 4, 5]
    assert rows[3] == (4, ["a@example.com", "two\r\nlines"])
    assert rows[4] == (5, ["b@example.com", "x"])


def test_old_mac_line_endings_are_rows(tmp_path):
    path = tmp_path / "mac.csv"
    path.write_bytes(b"Email,Name\ra@example.com,A\rb@example.com,B\r")
    assert [cells for _, cells in rows_of(path)] == [
        ["Email", "Name"], ["a@example.com", "A"], ["b@example.com", "B"]
    ]  # fmt: skip


def test_badge_scan_rows_match_the_spreadsheet_view(load):
    prepared = load(IMPORTS / "badge_scan.csv")
    table = prepared.table
    assert table.header_row == 4
    assert [r.row_numbers for r in table.records] == [(5,), (6,), (7,), (8,), (9,), (10,), (11,)]
    assert {s.row_numbers: s.reason for s in table.skipped} == {
        (1,): "title", (2,): "title", (12,): "footer"
    }  # fmt: skip


def test_excel_mangled_numbers_and_leading_zeros_are_kept_as_written(tmp_path, load):
    path = tmp_path / "mangled.csv"
    path.write_text(
        'Email,Phone,Zip\nada@example.com,4.15555E+09,01067\ngrace@example.org,="0049301234",02134\n',
        encoding="utf-8",
    )
    records = load(path).table.records
    assert records[0].values == {"Email": "ada@example.com", "Phone": "4.15555E+09", "Zip": "01067"}
    assert records[1].values["Phone"] == '="0049301234"'
    assert records[1].values["Zip"] == "02134"


@pytest.mark.parametrize("name", ["badge_scan.xlsx", "badge_scan.xls", "badge_scan.ods"])
def test_workbooks_choose_the_lead_sheet_and_keep_sheet_row_numbers(load, name):
    facts, _grids = read_file(WORKBOOKS / name)
    assert facts.sheets == ("Summary", "Leads")
    assert facts.format == name.rsplit(".", 1)[1]
    prepared = load(WORKBOOKS / name)
    table = prepared.table
    assert table.sheet == "Leads"
    assert "Sheet 'Summary' was not read." in table.notes
    assert table.header_row == 4
    assert [r.row_numbers[0] for r in table.records] == [5, 6, 7, 8, 9]
    first, _, grace, *_ = (r.values for r in table.records)
    # Numbers as the sheet shows them, dates as ISO text, text zip codes keep their zeros.
    assert first["Phone"] == "4930901820"
    assert first["Zip"] == "01067"
    assert first["Scan Date"] == "2025-03-31"
    assert first["Last Name"] == "Müller"
    assert grace["Zip"] == "94105"
    assert [s.reason for s in table.skipped if s.row_numbers == (11,)] == ["footer"]


def test_a_workbook_without_extension_is_recognised_by_content(tmp_path):
    path = tmp_path / "export"
    path.write_bytes((WORKBOOKS / "badge_scan.xlsx").read_bytes())
    facts, _ = read_file(path)
    assert facts.format == "xlsx"


def test_a_tab_separated_file_named_xls_is_read_as_text(tmp_path):
    path = tmp_path / "registrants.xls"
    path.write_text("Email\tFirst Name\nada@example.com\tAda\n", encoding="utf-8")
    facts, [grid] = read_file(path)
    assert (facts.format, facts.delimiter) == ("csv", "\t")
    assert grid.rows[1] == (2, ["ada@example.com", "Ada"])


def test_facts_carry_size_and_hash(tmp_path):
    path = tmp_path / "a.csv"
    data = b"Email\na@example.com\n"
    path.write_bytes(data)
    facts, _ = read_file(path)
    assert facts.size == len(data)
    assert facts.sha256 == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (12345.0, "12345"),
        (0.1 + 0.2, "0.3"),
        (4155550123.0, "4155550123"),
        (True, "TRUE"),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_cell_text_shows_values_as_a_spreadsheet_does(value, text):
    assert cell_text(value) == text


def test_a_missing_file_is_a_read_error(tmp_path):
    with pytest.raises(ReadError, match=r"^nope\.csv: the file does not exist\.$"):
        read_file(tmp_path / "nope.csv")
