"""How far each sheet of a workbook reaches, measured in its XML before the spreadsheet library.

The spreadsheet library (calamine) holds a sheet as one dense rectangle up to
its farthest cell with a value. A single stray value in XFD1048576 asks it for
17 billion cells, and it aborts the whole process (the window too), which no
exception handler can catch. So the readers measure each sheet part while it is
unpacked for the zip-bomb checks, and refuse a sheet that would not fit the
limits before the library sees it.

Ordinary workbooks stay fast: the first pass takes every ``r="B12"`` reference
with one regular expression, an upper bound (it also counts cells that only
carry formatting). Only a part whose bound is over a limit, or that has cells
without a reference, is read again tag by tag, the way the library reads it,
for the exact reach and the cell to name. OpenDocument tables have no
references (their rows and cells carry repeat counts instead), so they are
always read tag by tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html import unescape

# A tag is never this long in a workbook a spreadsheet program wrote; a part that
# holds more than this without starting a tag is refused (see TagTooLongError).
MAX_TAG_BYTES = 4 * 1024 * 1024
# Row or column numbers with more digits than this are beyond any limit (and int()).
_HUGE = 10**9


class TagTooLongError(ValueError):
    """The XML holds a stretch of more than :data:`MAX_TAG_BYTES` without a ``<``."""


@dataclass
class Reach:
    """The rectangle from A1 to a sheet's farthest values, and the cells at its far edges.

    ``row_cell`` and ``column_cell`` are ``(row, column)``, 1-based, of a value on
    the last row and of one in the last column; ``(0, 0)`` when the sheet is empty
    or the reach is only a bound from the first pass.
    """

    rows: int = 0
    columns: int = 0
    row_cell: tuple[int, int] = (0, 0)
    column_cell: tuple[int, int] = (0, 0)

    @property
    def cells(self) -> int:
        return self.rows * self.columns

    def add(self, row: int, column: int) -> None:
        if row > self.rows:
            self.rows, self.row_cell = row, (row, column)
        if column > self.columns:
            self.columns, self.column_cell = column, (row, column)


def column_number(letters: str | bytes) -> int:
    """A column's letters as its 1-based number: A -> 1, AA -> 27; ``_HUGE`` when absurd."""
    text = letters.decode("ascii") if isinstance(letters, bytes) else letters
    if len(text) > 4:
        return _HUGE
    number = 0
    for char in text.upper():
        number = number * 26 + ord(char) - 64
    return number


def _number(digits: bytes) -> int:
    return int(digits) if len(digits) < 10 else _HUGE


def windows(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The XML in pieces that each end just before a ``<``, so no tag is split between two.

    Raises:
        TagTooLongError: more than :data:`MAX_TAG_BYTES` pass without a ``<``.
    """
    tail = b""
    for chunk in chunks:
        window = tail + chunk
        cut = window.rfind(b"<")
        if cut <= 0:
            if len(window) > MAX_TAG_BYTES:
                raise TagTooLongError
            tail = window
            continue
        yield window[:cut]
        tail = window[cut:]
        if len(tail) > MAX_TAG_BYTES:
            raise TagTooLongError
    if tail:
        yield tail


# ------------------------------------------------------------------ XLSX worksheets

# Every reference: r="B12" on a cell, r="12" on a row (any quote, spaces around "=").
_REF = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]+)["']""")
_CELL_TAGS = (b"<c ", b"<c>", b"<c/", b":c ", b":c>", b":c/")
_ROW_TAGS = (b"<row ", b"<row>", b"<row/", b":row ", b":row>", b":row/")


@dataclass
class XlsxBound:
    """The first pass over a worksheet part: an upper bound on its reach."""

    rows: int = 0
    columns: int = 0
    # Cells or rows without a reference: the library numbers them by position,
    # which only the tag-by-tag pass follows.
    positional: bool = False
    _cell_refs: int = 0
    _row_refs: int = 0
    _cell_tags: int = 0
    _row_tags: int = 0

    def feed(self, window: bytes) -> None:
        found = _REF.findall(window)
        if found:
            letters, digits = zip(*found, strict=True)
            self.rows = max(self.rows, max(map(_number, digits)))
            columns = set(letters)
            columns.discard(b"")
            if columns:
                self.columns = max(self.columns, max(map(column_number, columns)))
            cell_refs = len(found) - letters.count(b"")
            self._cell_refs += cell_refs
            self._row_refs += len(found) - cell_refs
        self._cell_tags += sum(window.count(tag) for tag in _CELL_TAGS)
        self._row_tags += sum(window.count(tag) for tag in _ROW_TAGS)
        self.positional = self._cell_tags > self._cell_refs or self._row_tags > self._row_refs

    @property
    def cells(self) -> int:
        return self.rows * self.columns


_XLSX_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]+)["']""")


def xlsx_reach(windows_: Iterable[bytes]) -> Reach:
    """The exact reach of a worksheet part, read tag by tag as the library reads it.

    A row without ``r`` follows the previous row; a cell without ``r`` follows the
    previous cell of its row. Only cells with content count: ``<c r="Z9" s="1"/>``
    (formatting only) does not.
    """
    reach = Reach()
    row = column = 0
    for window in windows_:
        for match in _XLSX_TAG.finditer(window):
            name, attributes = match.group(1), match.group(2)
            ref = _R_ATTR.search(attributes)
            if name == b"row":
                row = _number(ref.group(2)) if ref else row + 1
                column = 0
                continue
            if ref and ref.group(1):
                column, cell_row = column_number(ref.group(1)), _number(ref.group(2))
            else:
                column, cell_row = column + 1, row
            if not attributes.endswith(b"/"):
                reach.add(max(cell_row, 1), column)
    return reach


# ------------------------------------------------------------------ ODS content

_ODS_TAG = re.compile(
    rb"<(/?)(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table)(?=[\s/>])([^>]*)>"
)
_NAME_ATTR = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?name\s*=\s*["']([^"']*)["']""")
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']([0-9]+)["']""")
_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']([0-9]+)["']""")


@dataclass
class _OdsTable:
    name: str
    reach: Reach = field(default_factory=Reach)


def ods_reach(windows_: Iterable[bytes]) -> list[tuple[str, Reach]]:
    """Each table of an OpenDocument ``content.xml`` with its exact reach, in order.

    Rows and cells repeat by their ``number-rows-repeated`` and
    ``number-columns-repeated``; a cell counts when it has a value type or content
    (the empty cells LibreOffice repeats to the sheet's edge do not).
    """
    tables: list[_OdsTable] = []
    row = column = 0  # the last row and column used so far in the current table
    repeat = 1  # how many times the open row repeats
    first = 0  # the open row's first row number
    for window in windows_:
        for match in _ODS_TAG.finditer(window):
            closing, name, attributes = match.groups()
            if name == b"table":
                if not closing:
                    found = _NAME_ATTR.search(attributes)
                    label = unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                    tables.append(_OdsTable(label or f"Sheet{len(tables) + 1}"))
                    row = column = 0
                continue
            if not tables:
                continue
            if name == b"table-row":
                if closing:
                    row = first + repeat - 1
                    continue
                found = _ROWS_REPEATED.search(attributes)
                repeat = max(_number(found.group(1)), 1) if found else 1
                first, column = row + 1, 0
                if attributes.endswith(b"/"):
                    row = first + repeat - 1
                continue
            if closing:
                continue
            found = _COLUMNS_REPEATED.search(attributes)
            span = max(_number(found.group(1)), 1) if found else 1
            column += span
            if b"value-type" in attributes or not attributes.endswith(b"/"):
                tables[-1].reach.add(first + repeat - 1, column)
    return [(table.name, table.reach) for table in tables]
