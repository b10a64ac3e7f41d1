"""Write the workbook fixtures in ``tests/data/workbooks/`` (XLSX, XLS, ODS of one lead list).

Run once when the fixtures change; the files are committed. Needs openpyxl (a
dependency) and, for the legacy formats, xlwt and odfpy (the ``dev`` extra)::

    python scripts/make_workbook_fixtures.py

Each workbook holds a "Summary" sheet (a short note, not leads) and a "Leads"
sheet with a two-row title block, a blank row, the header in row 4, five leads
with values typed the way spreadsheets store them (numbers, dates), a blank
row and a "Total" footer.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "workbooks"

SUMMARY: list[list[Any]] = [
    ["Hannover Messe 2025 - booth B12"],
    ["Scans", 5],
    ["Exported by", "Dana Field"],
]
TITLE: list[list[Any]] = [["Lead Retrieval Export"], ["Show: Hannover Messe 2025"], []]
HEADER = [
    "First Name",
    "Last Name",
    "Email",
    "Company",
    "Title",
    "Zip",
    "Country",
    "Phone",
    "Scan Date",
    "Rating",
]
LEADS: list[list[Any]] = [
    [
        "Jürgen",
        "Müller",
        "juergen.mueller@example.org",
        "Müller Maschinenbau GmbH",
        "Geschäftsführer",
        "01067",
        "Germany",
        4930901820,
        dt.date(2025, 3, 31),
        "Hot",
    ],
    [
        "Ada",
        "Lovelace",
        "ada@example.com",
        "Analytical Engines Ltd",
        "CTO",
        "EC1A 1BB",
        "United Kingdom",
        "+44 20 7946 0018",
        dt.date(2025, 3, 31),
        "Warm",
    ],
    [
        "Grace",
        "Hopper",
        "grace@example.org",
        "Compilers Inc",
        "VP Engineering",
        94105,
        "USA",
        4155550142,
        dt.date(2025, 4, 1),
        "Cold",
    ],
    [
        "Søren",
        "Kierkegaard",
        "soren@example.dk",
        "Enten-Eller ApS",
        "Philosopher",
        "1050",
        "Denmark",
        "",
        dt.date(2025, 4, 1),
        "",
    ],
    [
        "Zoë",
        "Achterberg",
        "zoe@example.nl",
        "Dijkstra & Zn.",
        "Inkoper",
        "1012 AB",
        "Nederland",
        "+31 20 555 0101",
        dt.date(2025, 4, 2),
        "B",
    ],
]
FOOTER: list[list[Any]] = [[], ["Total", 5]]
LEADS_SHEET = [*TITLE, HEADER, *LEADS, *FOOTER]


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    summary = workbook.active
    summary.title = "Summary"
    for row in SUMMARY:
        summary.append(row)
    leads = workbook.create_sheet("Leads")
    for row in LEADS_SHEET:
        leads.append(row)
    for cell in leads["I"][4:9]:
        cell.number_format = "yyyy-mm-dd"
    workbook.save(path)


def write_xls(path: Path) -> None:
    import xlwt  # type: ignore[import-untyped]

    workbook = xlwt.Workbook(encoding="utf-8")
    dates = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in (("Summary", SUMMARY), ("Leads", LEADS_SHEET)):
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, dt.date):
                    sheet.write(r, c, value, dates)
                elif value != "":
                    sheet.write(r, c, value)
    workbook.save(str(path))


def write_ods(path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet  # type: ignore[import-untyped]
    from odf.table import Table, TableCell, TableRow  # type: ignore[import-untyped]
    from odf.text import P  # type: ignore[import-untyped]

    document = OpenDocumentSpreadsheet()
    for name, rows in (("Summary", SUMMARY), ("Leads", LEADS_SHEET)):
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                if isinstance(value, dt.date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                elif isinstance(value, int | float):
                    cell = TableCell(valuetype="float", value=value)
                else:
                    cell = TableCell(valuetype="string")
                if value != "":
                    cell.addElement(P(text=str(value)))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_xlsx(OUT / "badge_scan.xlsx")
    write_xls(OUT / "badge_scan.xls")
    write_ods(OUT / "badge_scan.ods")
    print(f"wrote {OUT}")  # noqa: T201


if __name__ == "__main__":
    main()
