"""Bad and hostile files are refused in one sentence naming file, row and column."""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.base import ReadError, ReadLimits
from importers.pipeline import prepare
from importers.readers import read_file

WORKBOOKS = Path(__file__).resolve().parents[2] / "data" / "workbooks"
XLSX = WORKBOOKS / "badge_scan.xlsx"


def refused(path: Path, limits: ReadLimits | None = None, schema=None) -> str:
    with pytest.raises(ReadError) as caught:
        _facts, grids = read_file(path, limits)
        if schema is not None:
            prepare(grids, schema, file_name=path.name)
    message = str(caught.value)
    assert message.startswith((path.name + ":", path.name + ",")), message
    assert message.endswith(".") and "\n" not in message
    return message


def rewrite_xlsx(source: Path, target: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, replace.get(info.filename, old.read(info.filename)))
        for name, data in replace.items():
            if name not in old.namelist():
                new.writestr(name, data)


def test_an_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert "empty" in refused(path)


def test_a_file_of_blank_lines_has_no_table(tmp_path, schema):
    path = tmp_path / "blank.csv"
    path.write_text("\n \n,,,\n", encoding="utf-8")
    assert "no table of leads" in refused(path, schema=schema)


def test_a_header_without_rows(tmp_path, schema):
    path = tmp_path / "header.csv"
    path.write_text("First Name,Last Name,Email\n", encoding="utf-8")
    assert refused(path, schema=schema) == (
        "header.csv, row 1: the table under the header holds no rows of leads."
    )


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
        (b"%PDF-1.7\n" + bytes(100), "PDF document"),
        (bytes(range(256)) * 8, "binary data"),
        (b"<html><body><table><tr><td>Email</td></tr></table></body></html>", "web page"),
    ],
)
def test_binary_and_foreign_formats(tmp_path, data, fragment):
    path = tmp_path / "leads.xls"
    path.write_bytes(data)
    assert fragment in refused(path)


def test_a_truncated_workbook(tmp_path):
    path = tmp_path / "cut.xlsx"
    data = XLSX.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "damaged or truncated" in refused(path)


def test_a_corrupt_legacy_workbook(tmp_path):
    path = tmp_path / "old.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 100)
    assert "Excel 97-2003" in refused(path)


def test_a_zip_bomb_is_refused_by_its_compression_ratio(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (30 * 1024 * 1024))
    assert path.stat().st_size < 200_000
    assert "zip bomb" in refused(path)


def test_a_workbook_declaring_more_than_the_limit(tmp_path):
    message = refused(XLSX, ReadLimits(max_uncompressed_bytes=10_000))
    assert "declares" in message and "limit" in message


def test_an_xml_entity_bomb_is_refused(tmp_path):
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b"<worksheet><sheetData><row><c t='inlineStr'><is><t>&lol2;</t></is></c></row>"
        b"</sheetData></worksheet>"
    )
    path = tmp_path / "entities.xlsx"
    rewrite_xlsx(XLSX, path, {"xl/worksheets/sheet2.xml": bomb})
    assert "XML entities" in refused(path)


def test_an_external_entity_is_refused(tmp_path):
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<sst><si><t>&x;</t></si></sst>"
    )
    path = tmp_path / "xxe.xlsx"
    rewrite_xlsx(XLSX, path, {"xl/sharedStrings.xml": xxe})
    assert "XML entities" in refused(path)


def test_a_quote_that_is_never_closed_names_row_and_column(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text('Email,Note\na@example.com,ok\nb@example.com,"never closed\nc@x.com,x\n')
    assert refused(path) == (
        "quote.csv, row 3, column 2: the quoted cell that starts here is never closed."
    )


def test_a_gigantic_cell_is_refused_with_its_row(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("Email,Note\na@example.com,ok\nb@example.com," + "x" * 500 + "\n")
    message = refused(path, ReadLimits(max_field_chars=100))
    assert message.startswith("huge.csv, row 3: a cell is longer than 100 characters, the limit")


def test_a_gigantic_workbook_cell_names_its_cell(tmp_path):
    message = refused(WORKBOOKS / "badge_scan.xlsx", ReadLimits(max_field_chars=20))
    assert "sheet 'Summary', row 1, column A:" in message  # the note above the leads


def test_a_file_over_the_size_limit(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("Email\n" + "a@example.com\n" * 100)
    assert "more than the limit" in refused(path, ReadLimits(max_file_bytes=1000))


def test_too_many_columns(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{n}" for n in range(50)) + "\n")
    assert "row 1: the row has 50 columns" in refused(path, ReadLimits(max_columns=20))


def test_too_many_rows(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("Email\n" + "a@example.com\n" * 30)
    assert "more than the limit of 10 rows" in refused(path, ReadLimits(max_rows=10))


def test_a_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "leads.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("leads.csv", "Email\na@example.com\n")
    assert "unzip it" in refused(path)


# ------------------------------------------------------------------ any bytes at all

_LIMITS = ReadLimits(max_field_chars=2000, max_rows=5000, max_columns=200)


def _read_any(data: bytes, suffix: str, schema) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            _facts, grids = read_file(path, _LIMITS)
            prepare(grids, schema, file_name=path.name)
        except ReadError as exc:
            assert str(exc).startswith((path.name + ":", path.name + ","))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".xls", ".txt"]))
def test_arbitrary_bytes_import_or_raise_a_read_error(schema, data, suffix):
    _read_any(data, suffix, schema)


_CELL = st.text(alphabet=st.sampled_from(list('ab@., ;\t|"\r\n=-xyzÄ\u200b')), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(st.lists(_CELL, max_size=6), max_size=15),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252", "utf-8-sig"]),
)
def test_arbitrary_text_tables_import_or_raise_a_read_error(schema, rows, delimiter, encoding):
    header = delimiter.join(["First Name", "Email", "Company"])
    body = "\n".join(delimiter.join(row) for row in rows)
    data = (header + "\n" + body).encode(encoding, errors="replace")
    _read_any(data, ".csv", schema)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=1, max_value=6000), flip=st.integers(min_value=0, max_value=255))
def test_damaged_workbooks_raise_a_read_error(schema, cut, flip):
    data = bytearray(XLSX.read_bytes())
    position = cut % len(data)
    data[position] = (data[position] + flip) % 256
    _read_any(bytes(data[: max(cut, 30)] if cut < len(data) // 2 else data), ".xlsx", schema)


def test_a_legacy_workbook_that_crashes_the_reader_is_refused_not_fatal():
    # Found by fuzzing: calamine aborts the whole process on this damaged .xls.
    path = Path(__file__).resolve().parents[2] / "data" / "hostile" / "aborts_reader.xls"
    assert "the spreadsheet reader stopped on it" in refused(path)
