"""Rows as written: the quick path for plain rows gives what the per-cell rule gives."""

from __future__ import annotations

import pytest

from intake_app.services.exports import export_cell, export_rows_safe
from intake_app.services.leads import json_texts

HEADERS = ("first_name", "phone", "notes", "mobile_phone")
ROWS = [
    ("Ada", "+14155550123", "fine", ""),
    ("=HYPERLINK(1)", "+14155550123", "", ""),
    ("Grace", "+1 415 555", "multi\n=line", "@home"),
    ("-5", "", "+call me", "+442071234567"),
    ("", "", "", ""),
    ("\tTab", "", "a\r=b", ""),
]


def per_cell(row: tuple[str, ...]) -> list[str]:
    return [export_cell(cell, header) for cell, header in zip(row, HEADERS, strict=True)]


def test_rows_are_written_as_the_per_cell_rule_says() -> None:
    written = [list(row) for row in export_rows_safe(HEADERS, ROWS)]
    assert written == [per_cell(row) for row in ROWS]
    assert written[1][0] == "'=HYPERLINK(1)"
    assert written[2][1] == "'+1 415 555"  # not E.164: defused
    assert written[3][3] == "+442071234567"  # E.164 in a phone column: as it is


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError):
        list(export_rows_safe(HEADERS, [("Ada", "+14155550123")]))


def test_json_texts_decodes_each_text_and_null() -> None:
    assert json_texts(['{"a": [1, 2]}', None, "[]", '"x"']) == [{"a": [1, 2]}, None, [], "x"]
    assert json_texts([]) == []
    with pytest.raises(ValueError):
        json_texts(["1, 2"])  # two documents in one cell
