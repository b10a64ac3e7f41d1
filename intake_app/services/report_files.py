"""Writing a report to CSV, XLSX, HTML or PDF (with its charts), without a window system.

Charts are drawn with ReportLab's graphics: into the PDF directly and into the
HTML as inline SVG, so the files look the same on any machine and need no Qt.
Every file is written beside its target and moved into place when complete.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from intake_app.core.errors import ValidationError
from intake_app.core.reports import Chart, Report, Table, cell_text
from intake_app.core.safe_csv import safe_cell
from intake_app.services.files import replace_atomically, write_files_atomically

FORMATS = ("csv", "xlsx", "html", "pdf")
PALETTE = ("#0f8a94", "#e07b39", "#5b6b79", "#8a5cc2", "#3d9b48")


def format_for(path: Path, fmt: str | None) -> str:
    chosen = (fmt or path.suffix.lstrip(".")).lower()
    if chosen not in FORMATS:
        raise ValidationError(
            f"Cannot write a report as {chosen or 'a file without a suffix'!r};"
            f" use one of {', '.join(FORMATS)}.",
            "format",
        )
    return chosen


def write_report(report: Report, path: Path, fmt: str | None = None) -> str:
    """Write ``report`` to ``path`` as ``fmt`` (default: by the suffix); returns the format."""
    chosen = format_for(path, fmt)
    try:
        if chosen == "csv":
            with replace_atomically(path, encoding="utf-8-sig") as handle:
                handle.write(render_csv(report))
        elif chosen == "html":
            with replace_atomically(path) as handle:
                handle.write(render_html(report))
        else:
            data = render_xlsx(report) if chosen == "xlsx" else render_pdf(report)
            write_files_atomically({path: data})
    except OSError as exc:
        raise ValidationError(f"Cannot write {path}: {exc.strerror or exc}.") from exc
    return chosen


def _cells(table: Table) -> list[list[str]]:
    return [
        [cell_text(value, header) for value, header in zip(row, table.headers, strict=True)]
        for row in table.rows
    ]


# ------------------------------------------------------------------ CSV and XLSX


def render_csv(report: Report) -> str:
    """Sections one after another: a title row, the header, the rows, a blank line."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(report.title)])
    writer.writerow([safe_cell(report.subtitle)])
    writer.writerow([])
    for label, value in report.summary:
        writer.writerow([safe_cell(label), safe_cell(value)])
    for table in report.tables:
        writer.writerow([])
        writer.writerow([safe_cell(table.title)])
        writer.writerow([safe_cell(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([safe_cell(_plain(value)) for value in row])
    return buffer.getvalue()


def _plain(value: Any) -> str:
    """Numbers as numbers (shares as fractions) for spreadsheets; None empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") or "0"
    return str(value)


def render_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "Summary"
    summary.append([report.title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([report.subtitle])
    summary.append([])
    for label, value in report.summary:
        summary.append([label, value])
    summary.column_dimensions["A"].width = 38
    summary.column_dimensions["B"].width = 24
    for table in report.tables:
        sheet = book.create_sheet(title=table.title[:31])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_xlsx_value(value) for value in row])
        for index, header in enumerate(table.headers, start=1):
            column = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[column].width = max(10, min(40, len(header) + 2))
            if _is_share_column(table, index - 1):
                for cells in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    for cell in cells:
                        cell.number_format = "0%"
        sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, str):
        return safe_cell(value)  # never a formula
    return value


def _is_share_column(table: Table, column: int) -> bool:
    header = table.headers[column]
    return cell_text(0.5, header).endswith("%")


# ------------------------------------------------------------------ charts


def chart_drawing(chart: Chart, width: float = 360, height: float = 210) -> Any:
    """A ReportLab drawing of ``chart`` (bar or line), with axis labels and a legend."""
    from reportlab.graphics.charts.barcharts import VerticalBarChart
    from reportlab.graphics.charts.legends import Legend
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    drawing = Drawing(width, height)
    drawing.add(String(8, height - 14, chart.title, fontName="Helvetica-Bold", fontSize=10))
    if not chart.categories:
        drawing.add(String(8, height / 2, "No data for this period.", fontSize=9))
        return drawing
    # A line needs two points and no gaps (ReportLab draws no broken lines): else bars.
    whole = all(v is not None for _name, series in chart.series for v in series)
    kind = chart.kind if len(chart.categories) > 1 and whole else "bar"
    plot: Any = VerticalBarChart() if kind == "bar" else HorizontalLineChart()
    plot.x, plot.y = 40, 42
    plot.width, plot.height = width - 60, height - 90
    values = [
        [0 if v is None else v for v in series] if kind == "bar" else list(series)
        for _name, series in chart.series
    ]
    plot.data = values
    plot.categoryAxis.categoryNames = [_short(c) for c in chart.categories]
    plot.categoryAxis.labels.fontSize = 7
    plot.categoryAxis.labels.angle = 30 if len(chart.categories) > 5 else 0
    plot.categoryAxis.labels.boxAnchor = "ne" if len(chart.categories) > 5 else "n"
    plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.valueMin = 0
    top = max([v for series in values for v in series if v is not None] or [1])
    if chart.unit == "%":
        plot.valueAxis.valueMax, plot.valueAxis.valueStep = 100, 20
        plot.valueAxis.labelTextFormat = "%d%%"
    else:
        step = max(1, math.ceil(top / 5))
        plot.valueAxis.valueMax = step * math.ceil(top / step + 0.2)
        plot.valueAxis.valueStep = step
        plot.valueAxis.labelTextFormat = "%d"
    for index in range(len(values)):
        colour = colors.HexColor(PALETTE[index % len(PALETTE)])
        if kind == "bar":
            plot.bars[index].fillColor = colour
            plot.bars[index].strokeColor = None
        else:
            plot.lines[index].strokeColor = colour
            plot.lines[index].strokeWidth = 2
    drawing.add(plot)
    if len(chart.series) > 1:
        legend = Legend()
        legend.x, legend.y = width - 150, height - 24
        legend.fontSize = 7
        legend.alignment = "right"
        legend.columnMaximum = 1
        legend.colorNamePairs = [
            (colors.HexColor(PALETTE[i % len(PALETTE)]), name)
            for i, (name, _s) in enumerate(chart.series)
        ]
        drawing.add(legend)
    return drawing


def _short(text: str, limit: int = 18) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def chart_svg(chart: Chart) -> str:
    from reportlab.graphics import renderSVG

    svg: str = renderSVG.drawToString(chart_drawing(chart))
    return svg[svg.index("<svg") :]  # drop the XML declaration and doctype


# ------------------------------------------------------------------ HTML and PDF


_CSS = """
body { font-family: system-ui, sans-serif; color: #1f2d3a; margin: 24px; }
h1 { font-size: 22px; margin-bottom: 2px; } h2 { font-size: 16px; margin-top: 28px; }
.subtitle { color: #5b6b79; margin-top: 0; }
table { border-collapse: collapse; font-size: 12px; margin: 8px 0; }
th, td { border-bottom: 1px solid #dde3e8; padding: 4px 8px; text-align: left; }
th { background: #f3f6f8; } td.n { text-align: right; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
@media print { body { margin: 0; } .charts { break-inside: avoid; } }
"""


def render_html(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(report.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(report.title)}</h1>",
        f'<p class="subtitle">{escape(report.subtitle)}</p>',
        "<table>",
        *(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in report.summary),
        "</table>",
        '<div class="charts">',
        *(chart_svg(chart) for chart in report.charts),
        "</div>",
    ]
    for table in report.tables:
        parts.append(f"<h2>{escape(table.title)}</h2><table><tr>")
        parts.extend(f"<th>{escape(h)}</th>" for h in table.headers)
        parts.append("</tr>")
        for row, cells in zip(table.rows, _cells(table), strict=True):
            parts.append(
                "<tr>"
                + "".join(
                    f'<td class="{"n" if isinstance(v, int | float) else ""}">{escape(c)}</td>'
                    for v, c in zip(row, cells, strict=True)
                )
                + "</tr>"
            )
        parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render_pdf(report: Report) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        CondPageBreak,
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        TableStyle,
    )
    from reportlab.platypus import (
        Table as PdfTable,
    )

    buffer = io.BytesIO()
    page = landscape(A4)
    document = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=report.title,
        author="Event Lead Intake",
    )
    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=7, leading=8.5)
    head = styles["BodyText"].clone("head", fontSize=7, leading=8.5, fontName="Helvetica-Bold")
    story: list[Any] = [
        Paragraph(escape(report.title), styles["Title"]),
        Paragraph(escape(report.subtitle), styles["BodyText"]),
        Spacer(1, 4 * mm),
    ]
    summary = PdfTable(
        [[k, v] for k, v in report.summary], colWidths=[70 * mm, 50 * mm], hAlign="LEFT"
    )
    summary.setStyle(
        TableStyle([
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dde3e8")),
        ])
    )  # fmt: skip
    story += [summary, Spacer(1, 5 * mm)]
    usable = page[0] - 24 * mm
    drawings = [chart_drawing(chart, width=usable / 2 - 6, height=200) for chart in report.charts]
    for pair in _pairs(drawings):
        row = PdfTable([pair], colWidths=[usable / 2] * len(pair), hAlign="LEFT")
        story.append(KeepTogether([row, Spacer(1, 3 * mm)]))
    for table in report.tables:
        data = [[Paragraph(escape(h), head) for h in table.headers]]
        data += [[Paragraph(escape(c), small) for c in cells] for cells in _cells(table)]
        widths = _widths(table, usable)
        pdf_table = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        pdf_table.setStyle(
            TableStyle([
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f6f8")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#dde3e8")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#fafbfc")]),
            ])
        )  # fmt: skip
        story += [
            Spacer(1, 4 * mm),
            CondPageBreak(45 * mm),  # never a heading alone at the foot of a page
            Paragraph(escape(table.title), styles["Heading2"]),
            pdf_table,
        ]
    document.build(story, onFirstPage=_footer(report), onLaterPages=_footer(report))
    return buffer.getvalue()


def _pairs(items: Sequence[Any]) -> list[list[Any]]:
    return [list(items[i : i + 2]) for i in range(0, len(items), 2)]


def _widths(table: Table, usable: float) -> list[float]:
    """Column widths in proportion to what the columns hold, so words are not broken.

    A column's weight is the longest word of its header or its longest cell (up to 28).
    """
    cells = _cells(table)
    weights = []
    for index, header in enumerate(table.headers):
        longest_word = max((len(word) for word in header.split()), default=4)
        longest_cell = max((min(28, len(row[index])) for row in cells), default=0)
        # Header words are bold: a little wider than the cells' characters.
        weights.append(max(longest_word * 1.3, longest_cell, 4) + 3)
    total = sum(weights)
    return [usable * weight / total for weight in weights]


def _footer(report: Report) -> Any:
    def draw(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillGray(0.4)
        canvas.drawString(document.leftMargin, 6 * 2.8346, f"{report.title} · {report.subtitle}")
        canvas.drawRightString(
            document.pagesize[0] - document.rightMargin, 6 * 2.8346, f"Page {document.page}"
        )
        canvas.restoreState()

    return draw
