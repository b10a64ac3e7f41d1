"""The shapes a lead file passes through on its way in, and the importers' own error.

The pipeline inside this package, each step a plain function with no Qt and no SQL::

    read_file(path)          -> FileFacts + [Grid]         (readers: bytes to cells)
    find_lead_table(grids)   -> LeadTable                  (layout: header, sections, footers)
    detect_profile(table)    -> [ProfileMatch]             (profiles: which platform wrote it)
    auto_map(table, profile) -> [ColumnMapping]            (mapping: source column -> field)
    map_record(record, ...)  -> MappedRecord               (values per canonical field)

Row numbers follow DESIGN §6: the number a spreadsheet program shows for the row.
Every record of a text file counts (preamble, section titles, headers and blank
lines included; a quoted multi-line cell is one row); in a workbook, the sheet's
own row number.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ------------------------------------------------------------------ progress and cancel

ProgressFn = Callable[[int, int], None]
"""Called as ``progress(done, total)``; ``total`` 0 means unknown. Never touches Qt."""


def no_progress(_done: int, _total: int) -> None:
    """The default progress callback: report nothing."""


class Cancelled(Exception):  # noqa: N818 - a signal to stop, not an error
    """Raised at the next checkpoint after :meth:`CancelToken.cancel`; nothing is kept."""


class CancelToken:
    """Set from any thread (the GUI's Cancel button); checked by the worker."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        """Raise :class:`Cancelled` if cancel was asked for."""
        if self._event.is_set():
            raise Cancelled


# ------------------------------------------------------------------ errors


class ReadError(ValueError):
    """A file that cannot be read as a lead list; nothing is imported from it.

    The message is one sentence naming the file and, where known, the row and
    column, e.g. ``leads.csv, row 12, column 3: the quoted cell is never closed.``
    """

    def __init__(
        self,
        problem: str,
        *,
        file: Path | str,
        row: int | None = None,
        column: int | str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.problem = problem.rstrip(".")
        self.file = Path(file)
        self.row = row
        self.column = column
        self.sheet = sheet
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        where = [self.file.name]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.problem}."


# ------------------------------------------------------------------ limits


@dataclass(frozen=True)
class ReadLimits:
    """Bounds that keep a hostile or broken file from exhausting the machine."""

    max_file_bytes: int = 512 * 1024 * 1024
    max_field_chars: int = 32_768
    max_rows: int = 2_000_000
    max_columns: int = 1_000
    # A sheet is held as one rectangle from A1 to its farthest value: rows x columns.
    max_cells: int = 10_000_000
    # Workbooks are zip archives: refuse a declared or actual expansion above these.
    max_uncompressed_bytes: int = 2 * 1024 * 1024 * 1024
    max_compression_ratio: float = 200.0


# ------------------------------------------------------------------ reading


@dataclass(frozen=True)
class FileFacts:
    """What the reader found out about the file itself."""

    path: Path
    format: str  # csv, xlsx, xlsm, xls, ods
    size: int
    sha256: str
    encoding: str | None = None  # text files only
    delimiter: str | None = None  # text files only
    sheets: tuple[str, ...] = ()  # workbooks only, in workbook order


@dataclass(frozen=True)
class Grid:
    """One sheet (or the whole text file): every non-dropped row with its row number.

    ``rows`` holds ``(row_number, cells)``; cells are text exactly as the file
    shows them (numbers as the spreadsheet displays them, dates as ISO text).
    Blank rows may be present as an empty list.
    """

    name: str | None
    rows: list[tuple[int, list[str]]]


# ------------------------------------------------------------------ layout


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One lead candidate as read: header -> cell text, with the rows it came from.

    A record built from several file rows (a webinar attendee who rejoined)
    lists every row number it merges.
    """

    row_numbers: tuple[int, ...]
    values: dict[str, str]
    section: str | None = None


@dataclass(frozen=True)
class SkippedRow:
    """A file row that is not a lead (host, panelist, title, footer, ...), with the reason."""

    row_numbers: tuple[int, ...]
    reason: str


@dataclass
class LeadTable:
    """The part of a file that holds the leads, found under any title block or sections."""

    sheet: str | None
    headers: list[str]
    header_row: int
    records: list[RawRecord]
    skipped: list[SkippedRow] = field(default_factory=list)
    # Facts about the session a webinar report carries (actual start, duration ...).
    session: dict[str, Any] = field(default_factory=dict)
    # One line each, for the person importing: "Sheet 'Summary' was not read." ...
    notes: list[str] = field(default_factory=list)


# ------------------------------------------------------------------ profiles and mapping


@dataclass(frozen=True)
class ProfileMatch:
    name: str
    label: str
    confidence: float  # 0..1


@dataclass(frozen=True)
class ColumnMapping:
    """Where one source column goes. ``target`` None keeps it as an extra field."""

    source: str
    target: str | None
    confidence: float  # 0..1; 1.0 for a profile's own or a saved mapping
    samples: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MappedRecord:
    """A record's values per canonical field, plus the columns no field took."""

    row_numbers: tuple[int, ...]
    fields: dict[str, str]
    extra: dict[str, str]
    section: str | None = None
