"""How far each sheet of a workbook reaches, measured in its XML before the spreadsheet library.

The spreadsheet library (calamine) holds a sheet as one dense rectangle up to
its farthest cell with a value. A single stray value in XFD1048576 asks it for
17 billion cells, and it aborts the whole process (the window too), which no
exception handler can catch. So the readers measure each sheet part while it is
unpacked for the zip-bomb checks, and refuse a sheet that would not fit the
limits before the library sees it.

Ordinary workbooks stay fast: spreadsheet programs write the used range as
``<dimension ref="A1:O5000"/>`` and every cell as ``<c r="B12" ...>``, so the
first pass only checks, with one regular-expression search per piece, that no
reference lies beyond that range and that nothing is written another way. Only
a part that fails this (no dimension, a range over the limits, a reference
beyond it, cells without references) is read again tag by tag, the way the
library reads it, for the exact reach and the cell to name. OpenDocument tables have no
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


def _at_most(limit: str, alphabet: str) -> str:
    """A regular expression for the strings of ``alphabet`` that sort at most ``limit``.

    Shorter strings first, then those of the same length (``A``..``Z`` and
    ``0``..``9`` sort as their values do): ``_at_most("O", "A-Z")`` is
    ``(?:O|[A-N])``; a leading zero makes a number look larger, which only costs
    the exact pass.
    """
    first = alphabet.split("-")[0]
    choices = [re.escape(limit)]
    for index, char in enumerate(limit):
        if char != first:
            lower = chr(ord(char) - 1)
            rest = len(limit) - index - 1
            tail = f"[{alphabet}]{{{rest}}}" if rest else ""
            choices.append(f"{re.escape(limit[:index])}[{first}-{lower}]{tail}")
    if len(limit) > 1:
        choices.append(f"[{alphabet}]{{1,{len(limit) - 1}}}")
    return "(?:" + "|".join(choices) + ")"


# A plain cell's column letters, and the row of a plain cell or row tag.
_CELL_LETTERS = re.compile(rb'<c r="([A-Z]{1,3})[0-9]{1,7}"')
_LAST_ROW = re.compile(rb'<(?:c r="[A-Z]{1,3}|row r=")([0-9]{1,7})"')


def _order(letters: bytes) -> tuple[int, bytes]:
    return len(letters), letters


_DIMENSION = re.compile(rb'<dimension ref="(?:[A-Z]{1,3}[0-9]{1,7}:)?([A-Z]{1,3})([0-9]{1,7})"')
_SHEET_DATA = b"<sheetData"
# A cell or row under a namespace prefix (the library reads <x:c> as a cell).
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
# The attributes after r="...": single spaces, double quotes, no "<", ">" or quote in a
# value, and no second r (the library would take the last one).
_PLAIN_ATTRIBUTES = rb'(?: (?!r[\s=])[A-Za-z_][\w:.-]*="[^"<>]*")* ?/?>'


def _not_plain(cells: str, rows: str) -> re.Pattern[bytes]:
    """A ``<c`` or ``<row`` tag not written plainly, or whose reference is beyond the range."""
    return re.compile(
        rb'<(?:c(?=[\s/>])(?! r="' + cells.encode() + rb'"' + _PLAIN_ATTRIBUTES + rb")"
        rb'|row(?=[\s/>])(?! r="' + rows.encode() + rb'"' + _PLAIN_ATTRIBUTES + rb"))"
    )


@dataclass
class XlsxCheck:
    """The fast pass over a worksheet part: does every cell lie within its ``<dimension>``?

    Spreadsheet programs write the used range as ``<dimension ref="A1:O5000"/>`` and
    every cell as ``<c r="B12" t="s">``. When the range is within the limits and one
    search per piece finds no ``<c`` or ``<row`` tag written any other way (``r`` not
    first, other quotes or spacing, a ``>`` in a value, a second ``r``, a prefix) and
    no reference beyond the range, the library cannot read the sheet as any larger.
    Otherwise :attr:`doubt` is set and the exact pass decides.
    """

    doubt: bool = False
    rows: int = 0  # the dimension's last row and column, once read (or the running bound)
    columns: int = 0
    _odd: re.Pattern[bytes] | None = None
    # Without a <dimension> (openpyxl's write-only mode, many report generators): the
    # bound is the widest column of the first piece and, piece by piece, the row of the
    # piece's last cell; a cell or row beyond it, or written otherwise, is a doubt.
    _running: bool = False
    _letters: str = ""
    _last_row: int = 0

    def feed(self, window: bytes, limits: tuple[int, int, int]) -> None:
        """Look at the next piece of the part; ``limits`` is (rows, columns, cells)."""
        if self.doubt:
            return
        if self._odd is None and not self._running:
            data = window.find(_SHEET_DATA)
            found = _DIMENSION.search(window, 0, data if data >= 0 else len(window))
            if found is None:
                if data < 0:
                    self.doubt = len(window) > MAX_TAG_BYTES
                    return
                self._running = True
                self._letters = max(
                    _CELL_LETTERS.findall(window, data), default=b"A", key=_order
                ).decode()
            else:
                self._expect(found.group(1).decode(), found.group(2).decode(), limits)
                if self._odd is None:
                    return
        if self._running and not self._widen(window, limits):
            return
        assert self._odd is not None
        self.doubt = _PREFIXED.search(window) is not None or self._odd.search(window) is not None

    def _widen(self, window: bytes, limits: tuple[int, int, int]) -> bool:
        """Raise the running bound to this piece's last row; False once in doubt."""
        last = self._last_row
        for tag in (b'<c r="', b'<row r="'):
            found = _LAST_ROW.match(window, max(window.rfind(tag), 0))
            if found:
                last = max(last, _number(found.group(1)))
        if last != self._last_row or self._odd is None:
            self._last_row = last
            self._expect(self._letters, str(last), limits)
        return not self.doubt

    def _expect(self, letters: str, digits: str, limits: tuple[int, int, int]) -> None:
        self.rows, self.columns = int(digits), column_number(letters)
        max_rows, max_columns, max_cells = limits
        if self.rows > max_rows or self.columns > max_columns or self.cells > max_cells:
            self.doubt = True  # the exact pass finds the cell to name (or that it fits)
            return
        rows = _at_most(digits, "0-9")
        self._odd = _not_plain(_at_most(letters, "A-Z") + rows, rows)

    @property
    def cells(self) -> int:
        return self.rows * self.columns


# A tag as the XML parser reads it: a ">" inside a quoted value does not end it.
_ATTRIBUTES = rb"""((?:[^>"']+|"[^"]*"|'[^']*')*)>"""
_XLSX_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])" + _ATTRIBUTES)
# Every r attribute (the parser takes one after a quote with no space, too).
_R_ATTR = re.compile(rb"""(?<![^\s"'])r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")


def _last_reference(attributes: bytes) -> tuple[bytes, bytes] | None:
    """The tag's last r as (letters, digits); None without one or when it is no reference."""
    found = _R_ATTR.findall(attributes)
    if not found:
        return None
    double, single = found[-1]  # the library takes the last r of a tag
    ref = _REFERENCE.fullmatch(double or single)
    return (ref.group(1), ref.group(2)) if ref else None


def _over(reach: Reach, limits: tuple[int, int, int] | None) -> bool:
    if limits is None:
        return False
    max_rows, max_columns, max_cells = limits
    return reach.rows > max_rows or reach.columns > max_columns or reach.cells > max_cells


def xlsx_reach(windows_: Iterable[bytes], limits: tuple[int, int, int] | None = None) -> Reach:
    """The exact reach of a worksheet part, read tag by tag as the library reads it.

    A row without ``r`` follows the previous row; a cell without ``r`` follows the
    previous cell of its row. Only cells with content count: ``<c r="Z9" s="1"/>``
    (formatting only) does not. With ``limits`` (rows, columns, cells) the reading
    stops at the first cell past one of them (a large sheet is refused without
    reading all of it).
    """
    reach = Reach()
    row = column = 0
    for window in windows_:
        for match in _XLSX_TAG.finditer(window):
            name, attributes = match.group(1), match.group(2)
            ref = _last_reference(attributes)
            if name == b"row":
                row = _number(ref[1]) if ref else row + 1
                column = 0
                continue
            if ref and ref[0]:
                column, cell_row = column_number(ref[0]), _number(ref[1])
            else:
                column, cell_row = column + 1, row
            if not attributes.rstrip().endswith(b"/"):
                row_, column_ = max(cell_row, 1), column
                if row_ > reach.rows or column_ > reach.columns:
                    reach.add(row_, column_)
                    if _over(reach, limits):
                        return reach
    return reach


# ------------------------------------------------------------------ ODS content

# Opening tags of tables, rows and cells, and closing tags of rows (cells' are not needed).
_ODS_TAG = re.compile(
    rb"<(?:(/)(?:[\w.-]+:)?(table-row)"
    rb"|(?:[\w.-]+:)?(table-row|table-cell|covered-table-cell|table))(?=[\s/>])" + _ATTRIBUTES
)
# The same under the usual "table:" prefix, which the search finds much faster.
_ODS_TABLE_TAG = re.compile(
    rb"<(?:(/)table:(table-row)"
    rb"|table:(table-row|table-cell|covered-table-cell|table))(?=[\s/>])" + _ATTRIBUTES
)


def _ods_tags(window: bytes) -> re.Pattern[bytes]:
    """The fast search when every row and cell tag of ``window`` has the "table:" prefix."""
    cells = window.count(b"<table:table-cell") + window.count(b"<table:covered-table-cell")
    cells += window.count(b"</table:table-cell") + window.count(b"</table:covered-table-cell")
    rows = window.count(b"<table:table-row") + window.count(b"</table:table-row")
    usual = window.count(b"table-cell") == cells and window.count(b"table-row") == rows
    return _ODS_TABLE_TAG if usual else _ODS_TAG


_NAME_ATTR = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?name\s*=\s*["']([^"']*)["']""")
_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["']([0-9]+)["']""")
_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["']([0-9]+)["']""")


@dataclass
class _OdsScan:
    """The state of a scan of ``content.xml``: the tables so far and the open row."""

    tables: list[tuple[str, Reach]] = field(default_factory=list)
    approximate: bool = False  # some pieces were only bounded (see quick)
    limits: tuple[int, int, int] | None = None  # stop once a table is past one of them
    over: bool = False
    row: int = 0  # the last row used so far in the current table
    column: int = 0  # the last column used so far in the open row
    first: int = 0  # the open row's first row number
    repeat: int = 1  # how many times the open row repeats

    def _add(self, row: int, column: int) -> None:
        if self.tables:
            reach = self.tables[-1][1]
            if row > reach.rows or column > reach.columns:
                reach.add(row, column)
                self.over = self.over or _over(reach, self.limits)

    def exact(self, window: bytes) -> None:
        """Every tag in turn, repeats included."""
        for closing, _row, name, attributes in _ods_tags(window).findall(window):
            if closing:  # </table-row>
                self.row = self.first + self.repeat - 1
            elif name == b"table-cell" or name == b"covered-table-cell":
                span = 1
                if b"repeated" in attributes:
                    found = _COLUMNS_REPEATED.search(attributes)
                    span = max(_number(found.group(1)), 1) if found else 1
                self.column += span
                if b"value-type" in attributes or not attributes.rstrip().endswith(b"/"):
                    self._add(self.first + self.repeat - 1, self.column)
            elif name == b"table-row":
                self.repeat = 1
                if b"repeated" in attributes:
                    found = _ROWS_REPEATED.search(attributes)
                    self.repeat = max(_number(found.group(1)), 1) if found else 1
                self.first, self.column = self.row + 1, 0
                if attributes.rstrip().endswith(b"/"):
                    self.row = self.first + self.repeat - 1
            else:  # a table
                found = _NAME_ATTR.search(attributes)
                label = unescape(found.group(1).decode("utf-8", "replace")) if found else ""
                self.tables.append((label or f"Sheet{len(self.tables) + 1}", Reach()))
                self.row = self.column = self.first = 0
                self.repeat = 1

    def quick(self, window: bytes) -> bool:
        """Rows by their cell counts, for a piece without repeats or tables; False if not one.

        Every cell counts as a value here, so the reach is a bound, never less.
        """
        if b"repeated" in window or b"<table:table " in window or b"<table:table>" in window:
            return False
        # Rows are told apart by their tags, so every row tag must be a plain one.
        rows = window.count(b"<table:table-row") + window.count(b"</table:table-row")
        if window.count(b"table-row") != rows:
            return False
        self.approximate = True
        segments = window.split(b"<table:table-row")
        self._cells(segments[0])
        for segment in segments[1:]:
            if segment[:1] not in b" \t\r\n/>":  # <table:table-rows>, <table:table-row-group>
                self._cells(segment)
                continue
            self.first, self.repeat, self.column = self.row + 1, 1, 0
            if segment[: segment.find(b">")].rstrip().endswith(b"/"):
                self.row = self.first
            self._cells(segment)
        return True

    def _cells(self, segment: bytes) -> None:
        # Every tag with "table-cell" in its name, under any prefix, but the usual closing ones.
        cells = segment.count(b"table-cell") - segment.count(b"</table:table-cell")
        cells -= segment.count(b"</table:covered-table-cell")
        if cells:
            self.column += cells
            self._add(self.first + self.repeat - 1, self.column)
        if b"</table:table-row" in segment:
            self.row = self.first + self.repeat - 1


def ods_reach(
    windows_: Iterable[bytes],
    *,
    exact: bool = False,
    limits: tuple[int, int, int] | None = None,
) -> tuple[list[tuple[str, Reach]], bool]:
    """Each table of an OpenDocument ``content.xml`` with its reach, and whether it is a bound.

    Rows and cells repeat by their ``number-rows-repeated`` and
    ``number-columns-repeated``; a cell counts when it has a value type or content
    (the empty cells LibreOffice repeats to the sheet's edge do not). Pieces with
    no repeats are only counted (fast, and a bound: their empty cells count too)
    unless ``exact``; the second value says whether any piece was. With ``limits``
    (rows, columns, cells) an exact reading stops at the first table past one.
    """
    scan = _OdsScan(limits=limits if exact else None)
    for window in windows_:
        if exact or not scan.quick(window):
            scan.exact(window)
        if scan.over:
            break
    return scan.tables, scan.approximate
