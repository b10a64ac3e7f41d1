"""A first pass over a grid's rows: trimmed cells, header-looking rows, title texts.

Both profile detection and the layout finder need to know which rows look like a
header. Scoring every row of a 100k-row file would be slow, so only rows where a
header can sit are scored: the top of the sheet, and the row after a title or a
blank line (where multi-section reports start their next table).
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass

from importers.base import Grid
from importers.headings import heading_variants, normalise_heading

# Rows at the top of a sheet scored for a header: title blocks are rarely longer.
HEAD_ROWS = 60
MIN_HEADER_HITS = 2


@dataclass(frozen=True, slots=True)
class Row:
    """One grid row with cells trimmed and trailing empty padding cut off."""

    number: int
    cells: tuple[str, ...]
    filled: int

    @property
    def blank(self) -> bool:
        return self.filled == 0

    @property
    def first(self) -> str:
        """The first non-empty cell (the title of a title row)."""
        return next((cell for cell in self.cells if cell), "")


def make_row(number: int, cells: Iterable[str]) -> Row:
    """Trim every cell and drop the empty cells at the end (Zoom pads rows with commas)."""
    trimmed = [cell.strip() for cell in cells]
    while trimmed and not trimmed[-1]:
        trimmed.pop()
    return Row(number, tuple(trimmed), sum(1 for cell in trimmed if cell))


def rows_of(grid: Grid) -> list[Row]:
    """The grid's rows, trimmed, in file order.

    Profile detection and the layout finder both scan the same grids; the last
    few results are kept so a large file is trimmed once.
    """
    cached = _ROWS.get(id(grid))
    if cached is not None and cached[0] is grid:
        return cached[1]
    rows = [make_row(number, cells) for number, cells in grid.rows]
    while len(_ROWS) >= _ROWS_KEPT:
        _ROWS.pop(next(iter(_ROWS)))
    _ROWS[id(grid)] = (grid, rows)
    return rows


_ROWS_KEPT = 4
_ROWS: dict[int, tuple[Grid, list[Row]]] = {}


def header_hits(row: Row, vocabulary: Set[str]) -> int:
    """How many cells of ``row`` are known headings."""
    return sum(
        1
        for cell in row.cells
        if cell and any(variant in vocabulary for variant in heading_variants(cell))
    )


def looks_like_header(row: Row, vocabulary: Set[str]) -> bool:
    """A row of known headings: at least two, a fair share of the row, and no data in it."""
    if row.filled < MIN_HEADER_HITS or any("@" in cell for cell in row.cells):
        return False
    hits = header_hits(row, vocabulary)
    return hits >= MIN_HEADER_HITS and hits * 10 >= row.filled * 3


def header_candidates(rows: list[Row], vocabulary: Set[str]) -> list[int]:
    """Indexes (into ``rows``) of the rows that look like a header.

    Scored are the first :data:`HEAD_ROWS` non-blank rows and every row that follows a
    one-cell row or a blank row, where the sections of a multi-part report begin.
    """
    found: list[int] = []
    seen_non_blank = 0
    previous: Row | None = None
    for index, row in enumerate(rows):
        if row.blank:
            previous = row
            continue
        seen_non_blank += 1
        after_break = previous is None or previous.blank or previous.filled == 1
        if (seen_non_blank <= HEAD_ROWS or after_break) and looks_like_header(row, vocabulary):
            found.append(index)
        previous = row
    return found


def title_texts(rows: list[Row]) -> list[str]:
    """Normalised first cells of the short rows: titles, preamble labels, section names."""
    return [normalise_heading(row.first) for row in rows if 0 < row.filled <= 2]
