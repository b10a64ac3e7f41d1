"""Bytes to cells: text files of any delimiter and encoding, and workbooks (XLSX/XLSM/XLS/ODS).

The format is decided by the file's content, not its name: a ``.csv`` that is
really UTF-16 tab-separated text (Teams), an ``.xls`` that is really a
tab-separated or HTML export, and a workbook without an extension are all
common. Every refusal is a :class:`~importers.base.ReadError` naming the file
and, where known, the row and column; nothing else escapes this module.

Hostile files are bounded before they are parsed: the file size, the number of
rows and columns and the length of a cell are capped (:class:`ReadLimits`);
workbooks, being zip archives, are checked for declared and actual
uncompressed size, compression ratio and XML entity declarations before the
spreadsheet library sees them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import html
import io
import multiprocessing
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from contextlib import closing
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import Any

import python_calamine
from charset_normalizer import from_bytes

from importers.base import (
    Cancelled,
    CancelToken,
    FileFacts,
    Grid,
    ProgressFn,
    ReadError,
    ReadLimits,
    no_progress,
)
from importers.extent import (
    MAX_TAG_BYTES,
    Reach,
    TagTooLongError,
    XlsxCheck,
    ods_reach,
    windows,
    xlsx_reach,
)

# ------------------------------------------------------------------ formats

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
    b"SQLite format 3": "an SQLite database",
    b"{\\rtf": "an RTF document",
}
_BINARY = "the file holds binary data; it is not a text file or a workbook"
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_DELIMITERS = ("\t", ",", ";", "|")
_DELIMITER_NAMES = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "pipe"}
_SNIFF_LINES = 200
_PROGRESS_EVERY = 5000
_CHUNK = 1 << 20


def _size_text(size: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,.0f} {unit}" if unit == "bytes" else f"{size:,.1f} {unit}"
        size /= 1024
    return f"{size:,.1f} GB"  # pragma: no cover - loop always returns


def _check_cancel(cancel: CancelToken | None) -> None:
    if cancel is not None:
        cancel.check()


def read_file(
    path: Path | str,
    limits: ReadLimits | None = None,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[FileFacts, list[Grid]]:
    """Read a lead file into grids of cell text, one grid per sheet.

    Args:
        path: the file.
        limits: bounds for size, rows, columns and cells (defaults when None).
        progress: called with (rows done, rows expected) while reading.
        cancel: checked between chunks of rows.

    Returns:
        The facts about the file (format, encoding, delimiter, sheets, sha256) and
        its grids: one for a text file (named None), one per worksheet otherwise.

    Raises:
        ReadError: the file is missing, empty, too large, binary, damaged or
            hostile; the message names the file and, where known, row and column.
        Cancelled: ``cancel`` was set.
    """
    file = Path(path)
    limits = limits or ReadLimits()
    try:
        size = file.stat().st_size
    except FileNotFoundError:
        raise ReadError("the file does not exist", file=file) from None
    except OSError as exc:
        raise ReadError(f"the file cannot be opened ({exc.strerror})", file=file) from None
    if file.is_dir():
        raise ReadError("this is a folder, not a file", file=file)
    if size == 0:
        raise ReadError("the file is empty", file=file)
    if size > limits.max_file_bytes:
        raise ReadError(
            f"the file is {_size_text(size)}, more than the limit of"
            f" {_size_text(limits.max_file_bytes)}",
            file=file,
        )
    try:
        with file.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ReadError(f"the file cannot be read ({exc.strerror})", file=file) from None

    if head.startswith(_ZIP):
        return _read_zip_workbook(file, size, limits, progress, cancel)
    if head.startswith(_OLE2):
        sha = _sha256(file)
        grids, sheets = read_isolated(file, "xls", limits, cancel)
        return FileFacts(file, "xls", size, sha, sheets=sheets), grids
    data = file.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    text, encoding = decode_text(data, file)
    delimiter, grid = parse_text(text, file, limits, progress, cancel)
    return FileFacts(file, "csv", size, sha, encoding=encoding, delimiter=delimiter), [grid]


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ------------------------------------------------------------------ text: encoding

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
)
# Control characters other than NUL: many of them mean binary data, not text.
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0e-\x1f\x7f]")
_STRAY_NULS = 16
_HTML = re.compile(rb"^\s*(<!doctype html|<html|<table|<\?xml)", re.IGNORECASE)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text that lost its BOM: every other byte of ASCII text is zero."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.6 and even < 0.1:
        return "utf-16-le"
    if even > 0.6 and odd < 0.1:
        return "utf-16-be"
    return None


def decode_text(data: bytes, file: Path) -> tuple[str, str]:
    """The file's text and the name of its encoding.

    A byte-order mark decides; else UTF-8 if the bytes are valid UTF-8; else
    charset-normalizer's best guess, then Windows-1252.

    Raises:
        ReadError: the bytes are a binary file or a known non-text format.
    """
    for signature, what in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise ReadError(f"this is {what}, not a lead list", file=file)
    if _HTML.match(data[:512]):
        raise ReadError(
            "this is a web page or XML document, not a lead list; open it in a spreadsheet"
            " program and save it as XLSX or CSV",
            file=file,
        )
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label
            except UnicodeDecodeError as exc:
                raise ReadError(
                    f"the file starts as {label} text but byte {exc.start + len(bom)} is not"
                    f" valid {label}; it may be damaged",
                    file=file,
                ) from None
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        try:
            return data.decode(utf16), utf16.upper().replace("-LE", " LE").replace("-BE", " BE")
        except UnicodeDecodeError:
            pass
    # Binary files are full of zero bytes; a text file may have a few where it was damaged,
    # and those are refused with their row and column once the text is split (parse_text).
    head = data[:65536]
    if head.count(0) > max(_STRAY_NULS, len(head) // 100):
        raise ReadError(_BINARY, file=file)
    try:
        text, encoding = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        text, encoding = _guess_single_byte(data)
    sample = text[:20000]
    if sample and len(_CONTROL.findall(sample)) > max(3, len(sample) // 100):
        raise ReadError(_BINARY, file=file)
    return text, encoding


# Lead files that are not UTF-8 are nearly always Excel saves on a Western-locale PC.
# When Windows-1252 reads the bytes as cleanly as charset-normalizer's favourite (ALL-CAPS
# names give it little to tell the code pages apart), Windows-1252 is taken.
_WESTERN = "cp1252"
_CHAOS_TIE = 0.001


def _guess_single_byte(data: bytes) -> tuple[str, str]:
    results = from_bytes(data[:200_000])
    best = results.best()
    tried: list[str] = []
    if best is not None and best.encoding:
        western = next((match for match in results if match.encoding == _WESTERN), None)
        if western is not None and western.chaos <= best.chaos + _CHAOS_TIE:
            tried.append(_WESTERN)
        tried.append(best.encoding)
    tried += ["cp1252", "latin-1"]
    for name in tried:
        try:
            return data.decode(name), codecs.lookup(name).name
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1"), "iso8859-1"  # pragma: no cover - latin-1 always decodes


# ------------------------------------------------------------------ text: delimiter


def _count_outside_quotes(line: str, delimiter: str) -> int:
    if '"' not in line:
        return line.count(delimiter)
    count = 0
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def detect_delimiter(lines: Iterable[str]) -> str:
    """The delimiter of a text file from its first lines, without ``csv.Sniffer``.

    A delimiter scores by how many lines split into its most common number of
    parts (the table's width) plus how many lines contain it at all; multi-section
    reports have several widths, so consistency counts, not strict equality. Tab
    wins ties over comma, comma over semicolon, semicolon over pipe.
    """
    sample = [line for line in lines if line.strip()][:_SNIFF_LINES]
    best, best_score = ",", 0.0
    for delimiter in _DELIMITERS:
        counts = [_count_outside_quotes(line, delimiter) for line in sample]
        present = [count for count in counts if count]
        if not present:
            continue
        _width, frequency = Counter(present).most_common(1)[0]
        score = 2 * frequency + len(present)
        if score > best_score:
            best, best_score = delimiter, score
    return best


# ------------------------------------------------------------------ text: parsing


def parse_text(
    text: str,
    file: Path,
    limits: ReadLimits,
    progress: ProgressFn = no_progress,
    cancel: CancelToken | None = None,
) -> tuple[str, Grid]:
    """Split decoded text into rows of cells; return the delimiter and the grid.

    Row numbers count every record (blank lines included; a quoted cell over
    several lines is one row), as a spreadsheet program numbers them.

    Raises:
        ReadError: a quoted cell is never closed, a cell or the table is too large.
    """
    head = text[:65536].splitlines()
    delimiter = detect_delimiter(head)
    expected = max(text.count("\n"), 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    rows: list[tuple[int, list[str]]] = []
    limit = limits.max_field_chars
    start_line = 1  # the physical line where the last chunk of records began
    old_limit = csv.field_size_limit()
    csv.field_size_limit(limit)
    try:
        while True:
            chunk_line = reader.line_num + 1
            first = len(rows)
            try:
                # Chunks of records through C code: enumerate numbers the rows as they come.
                rows.extend(enumerate(islice(reader, _PROGRESS_EVERY), start=first + 1))
            except csv.Error as exc:
                if "field larger than field limit" in str(exc):
                    raise _long_text_cell(text, delimiter, len(rows), limit, file) from None
                raise ReadError(f"the text cannot be split into cells ({exc})", file=file,
                                row=len(rows) + 1) from None  # fmt: skip
            if len(rows) == first:
                break
            start_line = chunk_line
            if len(rows) > limits.max_rows:
                raise ReadError(
                    f"the file has more than the limit of {limits.max_rows:,} rows",
                    file=file,
                    row=limits.max_rows + 1,
                )
            widest = max(map(len, map(itemgetter(1), rows[first:])))
            if widest > limits.max_columns:
                number, cells = next(r for r in rows[first:] if len(r[1]) == widest)
                raise ReadError(
                    f"the row has {len(cells):,} columns, more than the limit of"
                    f" {limits.max_columns:,}",
                    file=file,
                    row=number,
                    column=limits.max_columns + 1,
                )
            _check_cancel(cancel)
            progress(reader.line_num, expected)
    finally:
        csv.field_size_limit(old_limit)
    if "\x00" in text:
        number, cells = next(r for r in rows if any("\x00" in cell for cell in r[1]))
        column = next(i for i, cell in enumerate(cells, 1) if "\x00" in cell)
        raise ReadError(_NUL_CELL, file=file, row=number, column=column)
    _check_unclosed_quote(text, rows, start_line, delimiter, file)
    progress(expected, expected)
    return delimiter, Grid(None, rows)


def _long_text_cell(text: str, delimiter: str, before: int, limit: int, file: Path) -> ReadError:
    """The refusal of the record after the first ``before``: which of its cells is too long.

    The csv module stops on the long cell without saying which; the record is split
    again without the limit (this only runs when the file is being refused).
    """
    old_limit = csv.field_size_limit(max(len(text), limit) + 1)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        cells = next(islice(reader, before, None), [])
    finally:
        csv.field_size_limit(old_limit)
    column = next((i for i, cell in enumerate(cells, 1) if len(cell) > limit), None)
    if column is None:  # pragma: no cover - the csv module found a longer cell
        return ReadError(_long_cell(limit + 1, limit), file=file, row=before + 1)
    cell = cells[column - 1]
    lines = "\n" in cell or "\r" in cell
    return ReadError(
        _long_cell(len(cell), limit, lines=lines), file=file, row=before + 1, column=column
    )


def _check_unclosed_quote(
    text: str, rows: list[tuple[int, list[str]]], start_line: int, delimiter: str, file: Path
) -> None:
    """A last record that runs to the end of the file inside quotes was never closed.

    ``start_line`` is the physical line where the last chunk of records began: that
    chunk is parsed again strictly, which reports a quote open at the end of the data.
    """
    if not rows:
        return
    number, cells = rows[-1]
    if not any("\n" in cell or "\r" in cell for cell in cells):
        return
    lines = text.splitlines(keepends=True)
    tail = "".join(lines[max(start_line - 1, 0) :])
    try:
        for _ in csv.reader(io.StringIO(tail, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            column = next(i for i, cell in enumerate(cells, 1) if "\n" in cell or "\r" in cell)
            raise ReadError(
                "the quoted cell that starts here is never closed", file=file, row=number,
                column=column,
            ) from None  # fmt: skip


# ------------------------------------------------------------------ workbooks: safety

_DTD_MARKERS = (
    b"<!DOCTYPE",
    b"<!ENTITY",
    "<!DOCTYPE".encode("utf-16-le"),
    "<!ENTITY".encode("utf-16-le"),
    "<!DOCTYPE".encode("utf-16-be"),
    "<!ENTITY".encode("utf-16-be"),
)
_MAX_ENTRIES = 10_000
_RATIO_CHECK_FROM = 1 << 20  # tiny parts compress extremely well and are harmless


def _zip_format(file: Path, archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        macro = "xl/vbaProject.bin" in names or file.suffix.lower() == ".xlsm"
        if "xl/workbook.bin" in names:
            return "xlsb"
        return "xlsm" if macro else "xlsx"
    if "content.xml" in names:
        mime = archive.read("mimetype")[:100] if "mimetype" in names else _ODS_MIME
        if mime.strip() == _ODS_MIME:
            return "ods"
        raise ReadError("this is an OpenDocument file but not a spreadsheet", file=file)
    if "word/document.xml" in names:
        raise ReadError("this is a Word document, not a lead list", file=file)
    raise ReadError("this is a zip archive, not a workbook; unzip it and import the file inside",
                    file=file)  # fmt: skip


def check_archive(file: Path, limits: ReadLimits, cancel: CancelToken | None = None) -> str:
    """Check a zip-based workbook before any spreadsheet library parses it; return its format.

    Refuses archives whose entries declare, or actually expand to, more than the
    limit; entries that expand more than the allowed ratio (zip bombs); damaged
    entries; XML parts with a DTD (entity bombs, external entities); and sheets
    whose farthest value would make the library hold more rows, columns or cells
    than the limits (see :mod:`importers.extent`).

    Raises:
        ReadError: the archive is damaged or hostile.
    """
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise ReadError("the workbook is damaged or truncated", file=file) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > _MAX_ENTRIES:
            raise ReadError(f"the workbook holds {len(infos):,} parts; it is not a lead list",
                            file=file)  # fmt: skip
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_uncompressed_bytes:
            raise ReadError(
                f"the workbook declares {_size_text(declared)} when unpacked, more than the"
                f" limit of {_size_text(limits.max_uncompressed_bytes)}",
                file=file,
            )
        for info in infos:
            if info.file_size >= _RATIO_CHECK_FROM:
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > limits.max_compression_ratio:
                    raise ReadError(
                        f"part {info.filename} expands {ratio:,.0f} times (the limit is"
                        f" {limits.max_compression_ratio:,.0f}); this looks like a zip bomb",
                        file=file,
                    )
        try:
            fmt = _zip_format(file, archive)
            sheets = _worksheet_parts(archive) if fmt in ("xlsx", "xlsm") else {}
        except ReadError:
            raise
        except (zipfile.BadZipFile, zlib.error, KeyError, OSError, EOFError, NotImplementedError,
                RuntimeError, ValueError):  # fmt: skip
            raise ReadError("the workbook is damaged or truncated", file=file) from None
        unpacked = [0]
        for info in infos:
            if info.is_dir():
                continue
            _check_cancel(cancel)
            name = info.filename
            chunks = _unpack(file, archive, info, limits, unpacked, xml=name in sheets)
            try:
                # closing: a part left half read keeps the workbook's file open.
                with closing(chunks):
                    _check_part(file, archive, info, fmt, sheets, chunks, limits)
            except TagTooLongError:
                raise ReadError(
                    f"part {name} holds more than {_size_text(MAX_TAG_BYTES)} without an XML"
                    " tag; no spreadsheet program writes that, so the file was refused",
                    file=file,
                ) from None
    return fmt


def _check_part(
    file: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    fmt: str,
    sheets: dict[str, str],
    chunks: Iterator[bytes],
    limits: ReadLimits,
) -> None:
    """Unpack one part to its end, measuring it on the way if it is a sheet."""
    if info.filename in sheets:
        _check_worksheet(file, archive, info, sheets[info.filename], chunks, limits)
    elif fmt == "ods" and info.filename == "content.xml":
        _check_tables(file, archive, info, chunks, limits)
    else:
        for _chunk in chunks:
            pass


def _unpack(
    file: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    limits: ReadLimits,
    unpacked: list[int],
    *,
    xml: bool = False,
) -> Generator[bytes, None, None]:
    """Unpack one entry in chunks: count the real size (into ``unpacked[0]``), refuse a DTD.

    Every part whose name says XML is searched for a DTD, and so is ``xml`` (a
    worksheet part the workbook names, whatever its name).
    """
    xml = xml or info.filename.lower().endswith((".xml", ".rels", ".vml"))
    tail = b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                unpacked[0] += len(chunk)
                if unpacked[0] > limits.max_uncompressed_bytes:
                    raise ReadError(
                        f"the workbook unpacks to more than the limit of"
                        f" {_size_text(limits.max_uncompressed_bytes)}",
                        file=file,
                    )
                if xml:
                    window = tail + chunk
                    # "<!" (also as UTF-16) starts every DTD declaration; rare otherwise.
                    suspect = b"<!" in window or b"<\x00!" in window or b"\x00<\x00!" in window
                    if suspect and any(marker in window for marker in _DTD_MARKERS):
                        raise ReadError(
                            f"part {info.filename} declares XML entities (a DTD), which a"
                            " workbook never needs; the file was refused as unsafe",
                            file=file,
                        )
                    tail = window[-32:]
                yield chunk
    except (ReadError, TagTooLongError):
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, OSError, EOFError, ValueError,
            NotImplementedError, RuntimeError):  # fmt: skip
        raise ReadError(
            f"part {info.filename} of the workbook is damaged or encrypted", file=file
        ) from None


def _check_worksheet(
    file: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    sheet: str,
    chunks: Iterator[bytes],
    limits: ReadLimits,
) -> None:
    """Measure a worksheet part as it is unpacked; read it again exactly only if in doubt."""
    check = XlsxCheck()
    bounds = (limits.max_rows, limits.max_columns, limits.max_cells)
    for window in windows(chunks):
        check.feed(window, bounds)
    if not check.doubt:
        return
    with closing(_unpack(file, archive, info, limits, [0])) as again:
        reach = xlsx_reach(windows(again), bounds)
    _check_reach(file, sheet, reach, limits)


def _check_tables(
    file: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    chunks: Iterator[bytes],
    limits: ReadLimits,
) -> None:
    """Measure an OpenDocument ``content.xml``; count exactly only if a bound is too large."""
    tables, approximate = ods_reach(windows(chunks))
    if approximate and not all(_fits(reach, limits) for _table, reach in tables):
        bounds = (limits.max_rows, limits.max_columns, limits.max_cells)
        with closing(_unpack(file, archive, info, limits, [0])) as again:
            tables, _ = ods_reach(windows(again), exact=True, limits=bounds)
    for table, reach in tables:
        _check_reach(file, table, reach, limits)


def _fits(reach: Reach, limits: ReadLimits) -> bool:
    return (
        reach.rows <= limits.max_rows
        and reach.columns <= limits.max_columns
        and reach.cells <= limits.max_cells
    )


def _check_reach(file: Path, sheet: str, reach: Reach, limits: ReadLimits) -> None:
    """Refuse a sheet whose farthest value stretches it past the limits, naming that cell."""
    fix = "if it is a stray entry, clear it and save the workbook again"
    if reach.columns > limits.max_columns:
        row, column = reach.column_cell
        raise ReadError(
            f"a value here stretches the sheet to {reach.columns:,} columns, more than the"
            f" limit of {limits.max_columns:,}; {fix}",
            file=file, sheet=sheet, row=row, column=column_letter(column),
        )  # fmt: skip
    if reach.rows > limits.max_rows:
        row, column = reach.row_cell
        raise ReadError(
            f"a value here stretches the sheet to {reach.rows:,} rows, more than the limit of"
            f" {limits.max_rows:,}; {fix}",
            file=file, sheet=sheet, row=row, column=column_letter(column),
        )  # fmt: skip
    if reach.cells > limits.max_cells:
        last_row, last_column = reach.row_cell, reach.column_cell
        raise ReadError(
            f"its values reach row {reach.rows:,} (cell {_ref(last_row)}) and column"
            f" {column_letter(reach.columns)} (cell {_ref(last_column)}), {reach.cells:,} cells"
            f" from A1, more than the limit of {limits.max_cells:,}; clear any stray entries"
            " far from the leads and save the workbook again",
            file=file,
            sheet=sheet,
        )


def _ref(cell: tuple[int, int]) -> str:
    row, column = cell
    return f"{column_letter(column)}{row}"


_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\s([^>]*)>")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s([^>]*)>")
_ATTRIBUTE = re.compile(rb"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_SMALL_PART = 16 * 1024 * 1024


def _attributes(tag: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        found[match.group(1).decode("ascii", "replace")] = html.unescape(
            value.decode("utf-8", "replace")
        )
    return found


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError:
        return b""
    return archive.read(info) if info.file_size <= _SMALL_PART else b""


def _worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Every worksheet part of an XLSX with its sheet's name (the part's name when unknown).

    The parts under ``xl/worksheets/``, and any other part the workbook's
    relationships name as a worksheet (the library follows those). Read with
    regular expressions, not an XML parser: nothing here has been checked for a DTD yet.
    """
    names = set(archive.namelist())
    parts = {n: n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")}
    targets: dict[str, str] = {}
    for match in _RELATIONSHIP.finditer(_small_part(archive, "xl/_rels/workbook.xml.rels")):
        attributes = _attributes(match.group(1))
        target = attributes.get("Target", "")
        if attributes.get("Type", "").lower().endswith("/worksheet") and target:
            path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            targets[attributes.get("Id", "")] = posixpath.normpath(path)
    for match in _SHEET_TAG.finditer(_small_part(archive, "xl/workbook.xml")):
        attributes = _attributes(match.group(1))
        rid = next((v for k, v in attributes.items() if k.lower().endswith(":id")), "")
        part = targets.pop(rid, None)
        if part in names:
            parts[part] = attributes.get("name") or part
    parts.update((part, part) for part in targets.values() if part in names)
    return parts


# ------------------------------------------------------------------ workbooks: cells


def cell_text(value: Any) -> str:
    """A cell as the spreadsheet shows it: whole numbers without ``.0``, dates as ISO text."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, dt.datetime):
        return str(value.replace(microsecond=0).isoformat(sep=" "))
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.timedelta):
        seconds = round(value.total_seconds())
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{secs:02d}"
    return str(value)


def column_letter(number: int) -> str:
    """A 1-based column number as a spreadsheet names it: 1 -> A, 27 -> AA."""
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _read_zip_workbook(
    file: Path,
    size: int,
    limits: ReadLimits,
    progress: ProgressFn,
    cancel: CancelToken | None,
) -> tuple[FileFacts, list[Grid]]:
    fmt = check_archive(file, limits, cancel)
    if fmt == "xlsb":
        raise ReadError(
            "binary Excel workbooks (.xlsb) are not read; save it as XLSX or CSV", file=file
        )
    sha = _sha256(file)
    grids, sheets = _read_workbook(file, fmt, limits, progress, cancel)
    return FileFacts(file, fmt, size, sha, sheets=sheets), grids


def _is_library_failure(exc: BaseException) -> bool:
    """Any failure of the spreadsheet library on a damaged file, not a request to stop.

    calamine is written in Rust; on some damaged files it panics, which reaches
    Python as ``pyo3_runtime.PanicException``, a ``BaseException``.
    """
    return not isinstance(exc, KeyboardInterrupt | SystemExit | GeneratorExit | Cancelled)


def _read_workbook(
    file: Path,
    fmt: str,
    limits: ReadLimits,
    progress: ProgressFn,
    cancel: CancelToken | None,
) -> tuple[list[Grid], tuple[str, ...]]:
    kind = {"xls": "Excel 97-2003", "ods": "OpenDocument"}.get(fmt, "Excel")
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(file))
        metadata = list(workbook.sheets_metadata)
    except python_calamine.PasswordError:
        raise ReadError("the workbook is protected by a password; remove it and save again",
                        file=file) from None  # fmt: skip
    except BaseException as exc:
        if not _is_library_failure(exc):
            raise
        raise ReadError(
            f"the file cannot be read as an {kind} workbook ({_short(exc)}); it may be damaged,"
            " truncated or password-protected",
            file=file,
        ) from None
    names = tuple(meta.name for meta in metadata)
    readable = [
        meta.name
        for meta in metadata
        if str(meta.typ).endswith("WorkSheet") and str(meta.visible).endswith("Visible")
    ] or [meta.name for meta in metadata if str(meta.typ).endswith("WorkSheet")]
    if not readable:
        raise ReadError("the workbook has no worksheet", file=file)
    grids: list[Grid] = []
    try:
        for name in readable:
            _check_cancel(cancel)
            sheet = workbook.get_sheet_by_name(name)
            grids.append(_sheet_grid(file, sheet, name, limits, progress, cancel))
    except ReadError:
        raise
    except BaseException as exc:
        if not _is_library_failure(exc):
            raise
        raise ReadError(
            f"the file cannot be read as an {kind} workbook ({_short(exc)}); it may be damaged",
            file=file,
        ) from None
    finally:
        close = getattr(workbook, "close", None)
        if close is not None:
            close()
    return grids, names


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _sheet_grid(
    file: Path,
    sheet: Any,
    name: str,
    limits: ReadLimits,
    progress: ProgressFn,
    cancel: CancelToken | None,
) -> Grid:
    start = sheet.start
    height, width = (sheet.height, sheet.width) if start is not None else (0, 0)
    if start is None or height == 0:
        return Grid(name, [])
    # The grid runs from A1: rows and columns before the used range are there, empty.
    rows_from_a1, columns_from_a1 = int(start[0]) + height, int(start[1]) + width
    if rows_from_a1 > limits.max_rows:
        raise ReadError(
            f"the sheet has {rows_from_a1:,} rows, more than the limit of {limits.max_rows:,}",
            file=file,
            sheet=name,
        )
    if columns_from_a1 > limits.max_columns:
        raise ReadError(
            f"the sheet spans {columns_from_a1:,} columns, more than the limit of"
            f" {limits.max_columns:,}",
            file=file,
            sheet=name,
        )
    if rows_from_a1 * columns_from_a1 > limits.max_cells:
        raise ReadError(
            f"the sheet spans {rows_from_a1:,} rows by {columns_from_a1:,} columns, more than"
            f" the limit of {limits.max_cells:,} cells",
            file=file,
            sheet=name,
        )
    first_column = int(start[1])
    total = rows_from_a1
    rows: list[tuple[int, list[str]]] = []
    max_chars = limits.max_field_chars
    blank = False  # the last row kept was blank
    # Row by row (not to_python's one big list): the library hands the interpreter back
    # between rows, so the window stays responsive while a large sheet is read.
    # iter_rows starts at the sheet's first row; its columns start at the used range.
    for offset, raw in enumerate(sheet.iter_rows()):
        if offset % _PROGRESS_EVERY == 0 and offset:
            _check_cancel(cancel)
            progress(offset, total)
        number = offset + 1
        cells = [cell if type(cell) is str else cell_text(cell) for cell in raw]
        joined = "".join(cells)  # one C-level pass finds the rare long or NUL cell
        if not joined:
            # A run of blank rows reads as one (as a blank line between sections does):
            # a stray value far down a sheet would otherwise keep a million empty rows.
            if not blank:
                rows.append((number, []))
                blank = True
            continue
        blank = False
        if len(joined) > max_chars and max(map(len, cells)) > max_chars:
            column = next(i for i, cell in enumerate(cells) if len(cell) > max_chars)
            raise ReadError(
                _long_cell(len(cells[column]), max_chars),
                file=file,
                row=number,
                column=column_letter(first_column + column + 1),
                sheet=name,
            )
        if "\x00" in joined:
            column = next(i for i, cell in enumerate(cells) if "\x00" in cell)
            raise ReadError(
                _NUL_CELL, file=file, row=number, column=column_letter(first_column + column + 1),
                sheet=name,
            )  # fmt: skip
        if first_column:
            cells = [""] * first_column + cells
        rows.append((number, cells))
    progress(total, total)
    return Grid(name, rows)


_NUL_CELL = (
    "the cell holds a NUL character (a zero byte), which no lead list has; the file is damaged"
    " or was not saved as text"
)


def _long_cell(length: int, limit: int, *, lines: bool = False) -> str:
    text = f"the cell holds {length:,} characters, more than the limit of {limit:,}"
    if lines:
        text += " (if it should be short, a quote that is never closed swallowed what follows)"
    return text


# ------------------------------------------------------------------ workbooks: isolation

# A damaged legacy workbook can make the spreadsheet library abort the whole
# process (an impossible allocation in its OLE2 parser), which no exception
# handler can catch. Such files are therefore read in a child process with a
# memory ceiling: if it dies, the file is refused and the app carries on.
CHILD_MEMORY_BYTES = 3 * 1024 * 1024 * 1024
_POLL_S = 0.05


def _child_read(path: str, fmt: str, limits: ReadLimits, conn: Any) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY_BYTES, CHILD_MEMORY_BYTES))
    except (ImportError, ValueError, OSError):
        pass
    try:
        grids, sheets = _read_workbook(Path(path), fmt, limits, no_progress, None)
        conn.send(("ok", (grids, sheets)))
    except ReadError as exc:
        conn.send(("refused", (exc.problem, exc.row, exc.column, exc.sheet)))
    except MemoryError:
        conn.send(("refused", ("the workbook needs more memory than a lead list can", None,
                               None, None)))  # fmt: skip
    finally:
        conn.close()


def read_isolated(
    file: Path, fmt: str, limits: ReadLimits, cancel: CancelToken | None = None
) -> tuple[list[Grid], tuple[str, ...]]:
    """Read a workbook in a child process; a crash of the reader refuses the file.

    Raises:
        ReadError: the workbook is damaged (the child refused it or died).
        Cancelled: ``cancel`` was set; the child is stopped.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_read, args=(str(file), fmt, limits, sender), daemon=True)
    child.start()
    sender.close()
    answer: tuple[str, Any] | None = None
    try:
        while answer is None:
            if receiver.poll(_POLL_S):
                try:
                    answer = receiver.recv()
                except (EOFError, OSError):
                    break
            elif not child.is_alive() and not receiver.poll(0):
                break
            if cancel is not None and cancel.cancelled:
                child.kill()
                cancel.check()
    finally:
        receiver.close()
        child.join(5)
        if child.is_alive():
            child.kill()
            child.join()
    if answer is None:
        raise ReadError("the workbook is damaged: the spreadsheet reader stopped on it", file=file)
    kind, payload = answer
    if kind == "refused":
        problem, row, column, sheet = payload
        raise ReadError(problem, file=file, row=row, column=column, sheet=sheet)
    grids, sheets = payload
    return grids, sheets
