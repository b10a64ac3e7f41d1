"""Cells that are safe to open in a spreadsheet: no cell starts a formula (DESIGN §7).

A cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run
as a formula by Excel, LibreOffice and Google Sheets (CSV injection). Such a cell
is written with a leading apostrophe, which spreadsheets show as text and hide.
A plain negative number ("-5") stays as it is.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")


def safe_cell(value: object) -> str:
    """The cell's text, defused if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text
