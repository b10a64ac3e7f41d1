"""Bad and hostile files are refused in one sentence naming file, row and column."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import hostile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.base import ReadError, ReadLimits
from importers.pipeline import prepare
from importers.readers import check_archive, read_file

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


def refused_unread(path: Path) -> str:
    """Refused by the archive checks alone: the spreadsheet library never opens the file.

    For files that would abort the test run if the library read them.
    """
    with pytest.raises(ReadError) as caught:
        check_archive(path, ReadLimits())
    message = str(caught.value)
    assert message.startswith(path.name + ",") and message.endswith("."), message
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


def test_a_gigantic_cell_is_refused_with_its_row_and_column(tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("Email,Note\na@example.com,ok\nb@example.com," + "x" * 500 + "\n")
    message = refused(path, ReadLimits(max_field_chars=100))
    assert message == (
        "huge.csv, row 3, column 2: the cell holds 500 characters, more than the limit of 100."
    )


def test_a_quote_never_closed_that_swallows_the_file_is_named_as_such(tmp_path):
    path = tmp_path / "open.csv"
    path.write_text('Email,Note\na@example.com,"never closed\n' + "b@example.com,x\n" * 20)
    message = refused(path, ReadLimits(max_field_chars=100))
    assert message.startswith("open.csv, row 2, column 2: the cell holds 3")
    assert "a quote that is never closed" in message


def test_a_200000_character_field_is_refused_at_the_default_limit(tmp_path):
    message = refused(hostile.long_field_csv(tmp_path / "long.csv"))
    assert message == (
        "long.csv, row 2, column 5: the cell holds 200,000 characters, more than the limit of"
        " 32,768."
    )


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
    assert "row 1, column 21: the row has 50 columns" in refused(path, ReadLimits(max_columns=20))


def test_2000_columns_are_over_the_default_limit_of_1000(tmp_path):
    message = refused(hostile.wide_csv(2000)(tmp_path / "wide.csv"))
    assert message == (
        "wide.csv, row 1, column 1001: the row has 2,000 columns, more than the limit of 1,000."
    )


@pytest.mark.parametrize("columns", [1000, 2000])
def test_a_file_as_wide_as_the_limit_keeps_every_column(tmp_path, schema, columns):
    path = hostile.wide_csv(columns)(tmp_path / "wide.csv")
    _facts, grids = read_file(path, ReadLimits(max_columns=max(columns, 1000)))
    prepared = prepare(grids, schema, file_name=path.name)
    assert len(prepared.table.headers) == columns
    assert len(prepared.mappings) == columns
    record = prepared.table.records[1]
    assert record.values["Email"] == "grace@example.com"
    assert record.values[f"Extra {columns - 4}"] == str(columns - 4)


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


# ------------------------------------------------------------------ NUL bytes


def test_a_nul_byte_in_a_cell_names_its_row_and_column(tmp_path):
    assert refused(hostile.nul_cell_csv(tmp_path / "nul.csv")) == (
        "nul.csv, row 2, column 2: the cell holds a NUL character (a zero byte), which no lead"
        " list has; the file is damaged or was not saved as text."
    )


def test_a_run_of_nul_bytes_in_the_middle_of_a_file_names_its_row(tmp_path):
    message = refused(hostile.nul_run_csv(tmp_path / "damaged.csv"))
    assert message.startswith("damaged.csv, row 3002, column 1: the cell holds a NUL character")


def test_a_nul_byte_in_a_workbook_cell_names_its_cell(tmp_path):
    sheet = hostile.sheet_xml([hostile.SHORT_HEADERS, ["Ada", "Love\x00lace", "a@b.com", "AE"]])
    message = refused(hostile.write_xlsx(tmp_path / "nul.xlsx", sheet))
    assert message.startswith("nul.xlsx, sheet 'Leads', row 2, column B: the cell holds a NUL")


def test_a_text_file_made_mostly_of_zero_bytes_is_binary(tmp_path):
    path = tmp_path / "zeros.csv"
    path.write_bytes(b"Email\na@example.com\n" + bytes(5000))
    assert "binary data" in refused(path)


# ------------------------------------------------------------------ XML bombs in OpenDocument


@pytest.mark.parametrize("build", [hostile.billion_laughs_ods, hostile.external_entity_ods])
def test_xml_entities_in_an_opendocument_spreadsheet_are_refused(tmp_path, build):
    message = refused(build(tmp_path / "entities.ods"))
    assert message == (
        "entities.ods: part content.xml declares XML entities (a DTD), which a workbook never"
        " needs; the file was refused as unsafe."
    )


# ------------------------------------------------------------------ sheets that lie about size


def test_a_dimension_claiming_the_whole_sheet_is_ignored(tmp_path, load):
    prepared = load(hostile.whole_sheet_dimension_xlsx(tmp_path / "claims.xlsx"))
    assert len(prepared.table.headers) == 4
    assert [r.values["Email"] for r in prepared.table.records] == [
        "ada@example.com", "grace@example.com"
    ]  # fmt: skip


def test_a_dimension_claiming_less_than_the_data_reads_all_the_data(tmp_path, load):
    prepared = load(hostile.small_dimension_xlsx(tmp_path / "small.xlsx"))
    assert len(prepared.table.records) == 50
    assert prepared.table.records[-1].values["Email"] == "ada50@example.com"


def test_a_value_in_the_last_cell_of_the_sheet_is_refused_before_the_reader_sees_it(tmp_path):
    # The spreadsheet library would ask for 17 billion cells and abort the process.
    assert refused_unread(hostile.far_cell_xlsx(tmp_path / "far.xlsx")) == (
        "far.xlsx, sheet 'Leads', row 1048576, column XFD: a value here stretches the sheet to"
        " 16,384 columns, more than the limit of 1,000; if it is a stray entry, clear it and"
        " save the workbook again."
    )


def test_a_far_value_in_cells_without_references_is_found(tmp_path):
    # Cells and rows without r="..." are numbered by position, as the library numbers them.
    more = "<row>" + "<c/>" * 1500 + '<c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = hostile.sheet_xml([hostile.SHORT_HEADERS, *hostile.TWO_LEADS], more=more)
    message = refused_unread(hostile.write_xlsx(tmp_path / "positional.xlsx", sheet))
    assert "sheet 'Leads', row 4, column BES: a value here stretches the sheet to 1,501" in message


def test_a_worksheet_stored_under_another_name_is_measured_too(tmp_path):
    sheet = hostile.far_cell_xlsx(tmp_path / "any.xlsx")
    with zipfile.ZipFile(sheet) as book:
        data = book.read("xl/worksheets/sheet1.xml")
    path = hostile.write_xlsx(tmp_path / "hidden.xlsx", data, sheet_part="xl/media/image1.png")
    assert "row 1048576, column XFD: a value here stretches" in refused_unread(path)


@pytest.mark.parametrize(
    "cell",
    [
        '<c r="D3" r="XFD1048576" t="inlineStr">',  # a second r: the library takes it
        '<c r="D3"r="XFD1048576" t="inlineStr">',  # no space before it
        '<c t="inlineStr" r="XFD1048576">',  # r not first
        "<c r='XFD1048576' t=\"inlineStr\">",  # single quotes
        '<c r = "XFD1048576" t="inlineStr">',  # spaces around "="
        '<c\nr="XFD1048576" t="inlineStr">',  # a line break before r
        '<c r="D3" s=">" r="XFD1048576" t="inlineStr">',  # a ">" inside a value
        '<x:c xmlns:x="urn:x" r="XFD1048576" t="inlineStr">',  # a prefix
        '<c r="xfd1048576" t="inlineStr">',  # lower case
    ],
)
@pytest.mark.parametrize("dimension", ["A1:D3", None])
def test_a_far_cell_written_unusually_is_still_found(tmp_path, cell, dimension):
    # A <dimension> that claims a small sheet (or none, as openpyxl's write-only mode
    # writes), and a far cell the library still reads.
    closing = "</x:c>" if cell.startswith("<x:") else "</c>"
    more = f'<row r="1048576">{cell}<is><t>x</t></is>{closing}</row>'
    sheet = hostile.sheet_xml([hostile.SHORT_HEADERS], dimension=dimension, more=more)
    message = refused_unread(hostile.write_xlsx(tmp_path / "odd.xlsx", sheet))
    assert "row 1048576, column XFD: a value here stretches the sheet" in message


def test_a_plain_sheet_within_its_dimension_passes_the_fast_check(tmp_path):
    sheet = hostile.sheet_xml([hostile.SHORT_HEADERS, *hostile.TWO_LEADS], dimension="A1:D3")
    assert check_archive(hostile.write_xlsx(tmp_path / "plain.xlsx", sheet), ReadLimits()) == (
        "xlsx"
    )


def test_a_plain_sheet_without_a_dimension_is_measured_without_reading_it_twice(
    tmp_path, monkeypatch
):
    import importers.readers as readers

    def exact_pass(*_args, **_kwargs):
        raise AssertionError("the exact pass ran")

    rows = [hostile.SHORT_HEADERS, *hostile.TWO_LEADS * 200]
    plain = hostile.write_xlsx(tmp_path / "plain.xlsx", hostile.sheet_xml(rows))
    monkeypatch.setattr(readers, "xlsx_reach", exact_pass)
    assert check_archive(plain, ReadLimits()) == "xlsx"
    # The same sheet with a row out of order far below: the bound is in doubt, read exactly.
    far = '<row r="900000"><c r="A900000" t="inlineStr"><is><t>x</t></is></c></row>'
    tail = hostile.sheet_xml(rows, more=far + '<row r="402"><c r="A402"/></row>')
    with pytest.raises(AssertionError, match="the exact pass ran"):
        check_archive(hostile.write_xlsx(tmp_path / "far.xlsx", tail), ReadLimits())


def test_rows_below_the_first_piece_widen_the_bound_and_stay_fast(tmp_path, monkeypatch):
    import importers.readers as readers

    monkeypatch.setattr(readers, "xlsx_reach", lambda *_a, **_k: pytest.fail("exact pass"))
    rows = [hostile.SHORT_HEADERS, *hostile.TWO_LEADS * 30_000]  # several pieces
    path = hostile.write_xlsx(tmp_path / "long.xlsx", hostile.sheet_xml(rows))
    assert check_archive(path, ReadLimits(max_rows=60_001)) == "xlsx"
    with pytest.raises(ReadError, match="60,001 rows, more than the limit of 60,000"):
        monkeypatch.undo()
        read_file(path, ReadLimits(max_rows=60_000))


def test_a_sheet_too_large_as_a_rectangle_names_its_far_cells(tmp_path):
    more = (
        '<row r="500"><c r="ALL500" t="inlineStr"><is><t>x</t></is></c></row>'
        '<row r="20001"><c r="A20001" t="inlineStr"><is><t>y</t></is></c></row>'
    )
    sheet = hostile.sheet_xml([hostile.SHORT_HEADERS, *hostile.TWO_LEADS], more=more)
    assert refused_unread(hostile.write_xlsx(tmp_path / "rect.xlsx", sheet)) == (
        "rect.xlsx, sheet 'Leads': its values reach row 20,001 (cell A20001) and column ALL"
        " (cell ALL500), 20,001,000 cells from A1, more than the limit of 10,000,000; clear"
        " any stray entries far from the leads and save the workbook again."
    )


def test_formatting_far_away_is_not_a_value(tmp_path, load):
    more = '<row r="1048576" ht="20" customHeight="1"><c r="XFD1048576" s="1"/></row>'
    sheet = hostile.sheet_xml([hostile.SHORT_HEADERS, *hostile.TWO_LEADS], more=more)
    prepared = load(hostile.write_xlsx(tmp_path / "styled.xlsx", sheet))
    assert len(prepared.table.records) == 2


def test_a_value_a_million_rows_down_is_read_without_a_million_blank_rows(tmp_path, load):
    path = hostile.far_row_xlsx(tmp_path / "deep.xlsx")
    _facts, grids = read_file(path)
    assert len(grids[0].rows) < 10  # the blank rows between read as one
    assert grids[0].rows[-1] == (1048576, ["x", "", "", ""])
    assert len(load(path).table.records) == 3


def test_a_value_repeated_to_the_edge_of_an_opendocument_sheet_is_refused_unread(tmp_path):
    assert refused_unread(hostile.far_cell_ods(tmp_path / "far.ods")) == (
        "far.ods, sheet 'Leads', row 1048576, column XFD: a value here stretches the sheet to"
        " 16,384 columns, more than the limit of 1,000; if it is a stray entry, clear it and"
        " save the workbook again."
    )


def test_a_wide_opendocument_row_is_counted_cell_by_cell(tmp_path):
    wide = "<table:table-row>" + hostile.ods_rows([["x"] * 1500])[len("<table:table-row>") :]
    table = hostile.ods_rows([hostile.SHORT_HEADERS, *hostile.TWO_LEADS]) + wide
    message = refused_unread(hostile.write_ods(tmp_path / "wide.ods", table))
    assert "sheet 'Leads', row 4, column BER: a value here stretches the sheet to 1,500" in message


def test_opendocument_rows_under_another_prefix_are_counted_too(tmp_path):
    # The library reads <x:table-row> as a row whatever the prefix stands for.
    rows = '<x:table-row xmlns:x="urn:x"/>' * 5000
    far = (
        '<x:table-row xmlns:x="urn:x">'
        + '<x:table-cell office:value-type="string"><text:p>x</text:p></x:table-cell>' * 1001
        + "</x:table-row>"
    )
    table = hostile.ods_rows([hostile.SHORT_HEADERS]) + rows + far
    message = refused_unread(hostile.write_ods(tmp_path / "prefixed.ods", table))
    assert "row 5002, column ALM: a value here stretches the sheet to 1,001 columns" in message


def test_the_empty_cells_libreoffice_repeats_to_the_edge_are_not_values(tmp_path, load):
    edge = (
        '<table:table-row table:number-rows-repeated="1048573">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    table = hostile.ods_rows([hostile.SHORT_HEADERS, *hostile.TWO_LEADS]) + edge
    prepared = load(hostile.write_ods(tmp_path / "lo.ods", table))
    assert [r.values["Email"] for r in prepared.table.records] == [
        "ada@example.com", "grace@example.com"
    ]  # fmt: skip


# ------------------------------------------------------------------ each within 30 s and 500 MB

GUARD_SECONDS = 30
GUARD_BYTES = 500 * 1024 * 1024
ROOT = Path(__file__).resolve().parents[3]


def _bounded() -> None:
    """In the child, before it starts: no more than 500 MB of address space."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (GUARD_BYTES, GUARD_BYTES))


def _case(build, name: str, expected: int | str, *, columns: int | None = None, slow=False):
    marks = [pytest.mark.slow] if slow else []
    return pytest.param(build, name, expected, columns, id=name, marks=marks)


# The file, and either how many leads it imports or the words of its refusal. ``columns``
# raises the company's column limit for that import. The whole set takes about 30 s on
# two idle cores (2 s a child, mostly start-up); the two marked slow read a sheet of a
# million rows or of ten million cells (3-5 s, 220 and 400 MB).
GUARD_CASES = [
    _case(hostile.formula_csv, "formula-payloads.csv", 80),
    _case(hostile.formula_xlsx, "formula-payloads.xlsx", 80),
    _case(hostile.sql_csv, "sql-text.csv", 2),
    _case(hostile.zero_width_csv, "zero-width.csv", 2),
    _case(hostile.homoglyph_csv, "homoglyphs.csv", 3),
    _case(hostile.wide_csv(1000), "1000-columns.csv", 2),
    _case(hostile.wide_csv(2000), "2000-columns.csv", "2,000 columns, more than the limit of"),
    _case(hostile.wide_csv(2000), "2000-columns-allowed.csv", 2, columns=2000),
    _case(hostile.long_field_csv, "200000-characters.csv", "holds 200,000 characters"),
    _case(hostile.nul_cell_csv, "nul-in-a-cell.csv", "row 2, column 2: the cell holds a NUL"),
    _case(hostile.nul_run_csv, "nul-run.csv", "row 3002, column 1: the cell holds a NUL"),
    _case(hostile.billion_laughs_xlsx, "billion-laughs.xlsx", "declares XML entities"),
    _case(hostile.external_entity_xlsx, "external-entity.xlsx", "declares XML entities"),
    _case(hostile.billion_laughs_ods, "billion-laughs.ods", "declares XML entities"),
    _case(hostile.external_entity_ods, "external-entity.ods", "declares XML entities"),
    _case(hostile.zip_bomb_xlsx, "zip-bomb.xlsx", "this looks like a zip bomb"),
    _case(hostile.whole_sheet_dimension_xlsx, "dimension-A1-XFD1048576.xlsx", 2),
    _case(hostile.small_dimension_xlsx, "dimension-A1-B2.xlsx", 50),
    _case(hostile.far_cell_xlsx, "value-in-XFD1048576.xlsx", "row 1048576, column XFD"),
    _case(hostile.far_cell_second_r_xlsx, "second-r-in-XFD1048576.xlsx", "row 1048576, column XFD"),
    _case(hostile.far_cell_ods, "value-repeated-to-the-edge.ods", "row 1048576, column XFD"),
    _case(hostile.far_row_xlsx, "value-in-A1048576.xlsx", 2, slow=True),
    # The largest rectangle the limits let through, from a 2 KB file: the bound holds there too.
    _case(hostile.sheet_at_the_cells_limit_xlsx, "value-in-ALL10000.xlsx", 2, slow=True),
]


@pytest.fixture(scope="module")
def guard_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with event 1, copied for every case (creating one costs more than a copy)."""
    from intake_app.core.events import EventInput, parse_when
    from intake_app.services.context import open_context
    from intake_app.services.events import EventService

    path = tmp_path_factory.mktemp("guard") / "events.db"
    ctx = open_context(f"sqlite:///{path.as_posix()}")
    try:
        EventService(ctx).create(
            EventInput(name="Hostile Expo", event_type="tradeshow",
                       start=parse_when("2025-04-28", "Start"))
        )  # fmt: skip
    finally:
        ctx.close()
    return path


@dataclass(frozen=True)
class GuardRun:
    completed: subprocess.CompletedProcess[str] | None  # None: still running after 30 s
    seconds: float


def _guard_import(folder: Path, database: Path, build, name: str, columns: int | None) -> GuardRun:
    """``intake import`` of one hostile file in a child with 500 MB of address space."""
    path = build(folder / name)
    copy = folder / "intake.db"
    shutil.copy(database, copy)
    argv = [sys.executable, "-m", "intake_app", "--db", f"sqlite:///{copy.as_posix()}"]
    if columns is not None:
        company = folder / "company"
        company.mkdir()
        (company / "import_limits.yaml").write_text(
            f"schema_version: 1\nimport_limits:\n  max_columns: {columns}\n", encoding="utf-8"
        )
        argv += ["--schema", str(company)]
    argv += ["import", str(path), "--event", "1", "--json"]
    paths = [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}  # the code under test
    started = time.monotonic()
    try:
        completed = subprocess.run(
            argv, capture_output=True, text=True, timeout=GUARD_SECONDS, preexec_fn=_bounded,
            env=env, cwd=folder, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        completed = None
    return GuardRun(completed, time.monotonic() - started)


@pytest.fixture(scope="module")
def guard_runs(request, tmp_path_factory, guard_database) -> dict[str, GuardRun]:
    """The imports of every selected case, two children at a time (one per core)."""
    cases = [
        item.callspec.params
        for item in request.session.items
        if getattr(item, "originalname", None) == _GUARD_TEST and hasattr(item, "callspec")
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = {}
        for case in cases:
            folder = tmp_path_factory.mktemp("case")
            args = (folder, guard_database, case["build"], case["name"], case["columns"])
            runs[case["name"]] = pool.submit(_guard_import, *args)
        return {name: run.result() for name, run in runs.items()}


_GUARD_TEST = "test_each_hostile_file_is_handled_within_30_s_and_500_mb"


@pytest.mark.skipif(sys.platform == "win32", reason="the memory bound uses POSIX rlimits")
@pytest.mark.parametrize(("build", "name", "expected", "columns"), GUARD_CASES)
def test_each_hostile_file_is_handled_within_30_s_and_500_mb(
    guard_runs, build, name, expected, columns
):
    """Imported (exit 0) or refused in one sentence naming the file (exit 1), in time.

    A guard, not a benchmark: the children run two at a time, each with its own clock.
    """
    run = guard_runs[name]
    assert run.completed is not None, f"{name}: still running after {GUARD_SECONDS} s"
    completed = run.completed
    if isinstance(expected, int):
        assert completed.returncode == 0, completed.stderr
        assert json.loads(completed.stdout)["imported"] == expected
    else:
        assert (completed.returncode, completed.stdout) == (1, ""), completed.stderr
        message = completed.stderr
        assert message.startswith(f"intake: {name}") and message.endswith(".\n"), message
        assert message.count("\n") == 1 and expected in message, message
