"""The Reports page: intake timeliness and SLA compliance, and data quality, for ops.

Filters for the period, owner, program type and region; charts (QtCharts) and
the table of the chosen grouping; double-click a row to see its events; export
to CSV, XLSX, HTML or PDF; each report's owner, review cadence and "Mark
reviewed".
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime
from pathlib import Path

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QDate, QMargins, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.core.periods import period_range
from intake_app.core.reports import GROUPS, Chart, Report, Table, cell_text
from intake_app.gui.prompts import Prompts
from intake_app.services.context import AppContext
from intake_app.services.events import EventService
from intake_app.services.report_files import write_report
from intake_app.services.reports import REPORTS, ReportFilter, ReportService

PALETTE = ("#0f8a94", "#e07b39", "#5b6b79", "#8a5cc2", "#3d9b48")
PERIODS = (
    ("Last 12 months", "12m"),
    ("This quarter", "quarter"),
    ("Last quarter", "last_quarter"),
    ("This year", "year"),
    ("All time", "all"),
    ("Custom", "custom"),
)
FILE_FILTERS = "PDF (*.pdf);;Excel workbook (*.xlsx);;Web page (*.html);;CSV (*.csv)"


def period_dates(code: str, today: date) -> tuple[date | None, date | None]:
    return period_range(code, today, up_to_today=True)


def chart_view(chart: Chart) -> QChartView:
    """A QtCharts view of a report chart: bars or lines over categories, 0-100 % or counts."""
    qchart = QChart()
    qchart.setTitle(chart.title)
    qchart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    qchart.setMargins(QMargins(4, 4, 4, 4))
    qchart.legend().setVisible(len(chart.series) > 1)
    qchart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
    axis_x = QBarCategoryAxis()
    axis_x.append(list(chart.categories) or ["(no data)"])
    axis_y = QValueAxis()
    values = [v for _name, series in chart.series for v in series if v is not None]
    if chart.unit == "%":
        axis_y.setRange(0, 100)
        axis_y.setLabelFormat("%d%%")
        axis_y.setTickCount(5 if len(chart.series) > 1 else 6)
    else:
        # Counts: whole numbers on the axis, at most about six ticks.
        top = max(1, math.ceil(max(values, default=1.0)))
        step = max(1, math.ceil(top / 5))
        axis_y.setRange(0, step * math.ceil(top / step))
        axis_y.setTickCount(int(step * math.ceil(top / step) / step) + 1)
        axis_y.setLabelFormat("%d")
    qchart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    qchart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    if chart.kind == "bar":
        bars = QBarSeries()
        for index, (name, series) in enumerate(chart.series):
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(PALETTE[index % len(PALETTE)]))
            bar_set.append([0.0 if v is None else float(v) for v in series])
            bars.append(bar_set)
        qchart.addSeries(bars)
        bars.attachAxis(axis_x)
        bars.attachAxis(axis_y)
    else:
        for index, (name, series) in enumerate(chart.series):
            line = QLineSeries()
            line.setName(name)
            pen = QPen(QColor(PALETTE[index % len(PALETTE)]))
            pen.setWidth(2)
            line.setPen(pen)
            line.setPointsVisible(True)
            for position, value in enumerate(series):
                if value is not None:
                    line.append(float(position), float(value))
            qchart.addSeries(line)
            line.attachAxis(axis_x)
            line.attachAxis(axis_y)
    view = QChartView(qchart)
    view.setRenderHint(QPainter.RenderHint.Antialiasing)
    view.setMinimumHeight(190)
    view.setMinimumWidth(260)
    return view


def fill_table(widget: QTableWidget, table: Table, rows: list[int] | None = None) -> None:
    chosen = list(range(len(table.rows))) if rows is None else rows
    widget.clear()
    widget.setColumnCount(len(table.headers))
    widget.setHorizontalHeaderLabels(list(table.headers))
    widget.setRowCount(len(chosen))
    for out_row, index in enumerate(chosen):
        for column, (value, header) in enumerate(
            zip(table.rows[index], table.headers, strict=True)
        ):
            item = QTableWidgetItem(cell_text(value, header))
            if isinstance(value, int | float):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                item.setData(Qt.ItemDataRole.UserRole, float(value))
            item.setData(Qt.ItemDataRole.UserRole + 1, index)
            widget.setItem(out_row, column, item)


def _table_widget(name: str) -> QTableWidget:
    widget = QTableWidget()
    widget.setObjectName(name)
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    widget.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    widget.setAlternatingRowColors(True)
    widget.verticalHeader().hide()
    widget.setWordWrap(False)
    widget.setSortingEnabled(False)
    header = widget.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return widget


class ReportView(QWidget):
    """One report: its summary, charts, grouped table and the drill-down to events."""

    def __init__(self, code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.report: Report | None = None
        self.summary_label = QLabel()
        self.summary_label.setObjectName("reportSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.RichText)
        self.charts = QWidget()
        self.charts_layout = QGridLayout(self.charts)
        self.charts_layout.setContentsMargins(0, 0, 0, 0)
        self.table_combo = QComboBox()
        self.table_combo.setAccessibleName("Table shown")
        self.table_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.table = _table_widget(f"{code}Table")
        self.drill_label = QLabel("Double-click a row to see its events.")
        self.drill_label.setObjectName("countLabel")
        self.drill = _table_widget(f"{code}Drill")
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Table"))
        pick.addWidget(self.table_combo)
        pick.addStretch(1)
        lower_layout.addLayout(pick)
        lower_layout.addWidget(self.table, 2)
        lower_layout.addWidget(self.drill_label)
        lower_layout.addWidget(self.drill, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName(f"{code}ReportSplitter")
        self.splitter.addWidget(self.charts)
        self.splitter.addWidget(lower)
        self.splitter.setSizes([420, 360])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.splitter, 1)
        self.table.cellDoubleClicked.connect(lambda row, _column: self.drill_down(row))
        self.table_combo.currentIndexChanged.connect(lambda _i: self._show_table())

    def show_report(self, report: Report) -> None:
        self.report = report
        parts = [f"<b>{label}</b>: {value}" for label, value in report.summary]
        self.summary_label.setText(" &nbsp;·&nbsp; ".join(parts))
        while self.charts_layout.count():
            item = self.charts_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setParent(None)  # out of the page now; Qt frees it later
                widget.deleteLater()
        for index, chart in enumerate(report.charts):
            self.charts_layout.addWidget(chart_view(chart), index // 2, index % 2)
        shown = self.table_combo.currentText()
        self.table_combo.blockSignals(True)
        self.table_combo.clear()
        self.table_combo.addItems([table.title for table in report.tables])
        self.table_combo.setCurrentIndex(max(self.table_combo.findText(shown), 0))
        self.table_combo.blockSignals(False)
        self._show_table()

    def shown_table(self) -> Table | None:
        if self.report is None or not self.report.tables:
            return None
        return self.report.tables[max(self.table_combo.currentIndex(), 0)]

    def _show_table(self) -> None:
        table = self.shown_table()
        if table is None:
            return
        fill_table(self.table, table)
        detail = self.detail_table()
        can_drill = bool(table.event_ids) and detail is not None and detail is not table
        self.drill.clear()
        self.drill.setRowCount(0)
        self.drill.setVisible(can_drill)
        self.drill_label.setVisible(can_drill)
        self.drill_label.setText("Double-click a row to see its events.")

    def drill_down(self, row: int) -> None:
        report = self.report
        if report is None or row < 0:
            return
        top = self.shown_table()
        if top is None:
            return
        item = self.table.item(row, 0)
        index = int(item.data(Qt.ItemDataRole.UserRole + 1)) if item else row
        wanted = set(top.event_ids[index]) if index < len(top.event_ids) else set()
        detail = self.detail_table()
        if detail is None or detail is top:
            return
        rows = [i for i, ids in enumerate(detail.event_ids) if set(ids) & wanted]
        fill_table(self.drill, detail, rows)
        self.drill_label.setText(f"{top.rows[index][0]}: {len(rows)} event(s)")

    def detail_table(self) -> Table | None:
        """The per-event table the drill-down shows rows of."""
        report = self.report
        if report is None:
            return None
        if report.code == "timeliness":
            return next((t for t in report.tables if t.title == "Events"), report.tables[0])
        return next((t for t in report.tables if t.title == "By event"), None)


class ReportsPage(QWidget):
    """Both reports with their filters, charts, export and review.

    Signals:
        reviewed(): a report was marked reviewed (the Dashboard's reminder may go).
        status_message(str): one line for the status bar.
    """

    reviewed = Signal()
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.service = ReportService(ctx)
        self.today = lambda: datetime.now(UTC).date()

        title = QLabel("Reports")
        title.setObjectName("pageTitle")
        self.period_combo = QComboBox()
        self.period_combo.setAccessibleName("Period")
        for label, code in PERIODS:
            self.period_combo.addItem(label, code)
        self.from_edit = QDateEdit()
        self.from_edit.setCalendarPopup(True)
        self.from_edit.setDisplayFormat("yyyy-MM-dd")
        self.from_edit.setAccessibleName("From")
        self.to_edit = QDateEdit()
        self.to_edit.setCalendarPopup(True)
        self.to_edit.setDisplayFormat("yyyy-MM-dd")
        self.to_edit.setAccessibleName("To")
        self.owner_combo = QComboBox()
        self.owner_combo.setAccessibleName("Owner")
        self.type_combo = QComboBox()
        self.type_combo.setAccessibleName("Program type")
        self.type_combo.addItem("All types", None)
        for event_type in ctx.schema.event_types:
            self.type_combo.addItem(event_type.label, event_type.code)
        self.region_combo = QComboBox()
        self.region_combo.setAccessibleName("Region")
        self.region_combo.addItem("All regions", None)
        for region in [*ctx.schema.regions.names(), "Unassigned"]:
            self.region_combo.addItem(region, region)
        self.group_combo = QComboBox()
        self.group_combo.setAccessibleName("Group by")
        for code, label in GROUPS.items():
            self.group_combo.addItem(label, code)
        self.group_combo.setCurrentIndex(self.group_combo.findData("owner"))
        self.export_button = QPushButton("E&xport…")
        self.export_button.setToolTip("Save the report shown as PDF, XLSX, HTML or CSV")

        period = QHBoxLayout()
        narrow = QHBoxLayout()
        self.captions: dict[QWidget, QLabel] = {}
        for row, caption, widget in (
            (period, "Period", self.period_combo),
            (period, "From", self.from_edit),
            (period, "To", self.to_edit),
            (period, "Group by", self.group_combo),
            (narrow, "Owner", self.owner_combo),
            (narrow, "Type", self.type_combo),
            (narrow, "Region", self.region_combo),
        ):
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            self.captions[widget] = caption_label
            row.addWidget(caption_label)
            row.addWidget(widget)
        period.addStretch(1)
        period.addWidget(self.export_button)
        narrow.addStretch(1)
        filters = QVBoxLayout()
        filters.addLayout(period)
        filters.addLayout(narrow)

        self.views = {code: ReportView(code) for code in REPORTS}
        self.tabs = QTabWidget()
        self.tabs.addTab(self.views["timeliness"], "&Timeliness and SLA")
        self.tabs.addTab(self.views["quality"], "Data &quality")
        self.governance_label = QLabel()
        self.governance_label.setObjectName("governance")
        self.governance_label.setWordWrap(True)
        self.review_button = QPushButton("Mark &reviewed")
        governance = QHBoxLayout()
        governance.addWidget(self.governance_label, 1)
        governance.addWidget(self.review_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addLayout(filters)
        layout.addLayout(governance)
        layout.addWidget(self.tabs, 1)

        self._stale = True
        self._set_period("12m", refresh=False)
        self.period_combo.currentIndexChanged.connect(
            lambda _i: self._set_period(str(self.period_combo.currentData()))
        )
        for widget in (self.owner_combo, self.type_combo, self.region_combo, self.group_combo):
            widget.currentIndexChanged.connect(lambda _i: self.refresh())
        self.from_edit.dateChanged.connect(lambda _d: self._custom_dates())
        self.to_edit.dateChanged.connect(lambda _d: self._custom_dates())
        self.tabs.currentChanged.connect(lambda _i: self._show_governance())
        self.export_button.clicked.connect(lambda: self.export())
        self.review_button.clicked.connect(self.mark_reviewed)
        # Nothing is computed until the page is first shown: the window opens fast.
        self._stale = True

    def mark_stale(self) -> None:
        """Data changed elsewhere: recompute when the page is next shown (or now if shown)."""
        self._stale = True
        if self.isVisible():
            self.reload_owners()
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.reload_owners()
            self.refresh()
        super().showEvent(event)

    # ------------------------------------------------------------ filters

    def reload_owners(self) -> None:
        current = self.owner_combo.currentData()
        owners = sorted({e.owner for e in EventService(self.ctx).list() if e.owner})
        self.owner_combo.blockSignals(True)
        self.owner_combo.clear()
        self.owner_combo.addItem("All owners", None)
        for owner in owners:
            self.owner_combo.addItem(owner, owner)
        self.owner_combo.setCurrentIndex(max(self.owner_combo.findData(current), 0))
        self.owner_combo.blockSignals(False)

    def _set_period(self, code: str, refresh: bool = True) -> None:
        start, end = period_dates(code, self.today())
        custom = code == "custom"
        self.from_edit.setEnabled(custom)
        self.to_edit.setEnabled(custom)
        if not custom:
            for edit, day in ((self.from_edit, start), (self.to_edit, end)):
                edit.blockSignals(True)
                if day is not None:
                    edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
            self._show_date(self.from_edit, start is not None)
            self._show_date(self.to_edit, end is not None)
        else:
            self._show_date(self.from_edit, True)
            self._show_date(self.to_edit, True)
        if refresh:
            self.refresh()

    def _show_date(self, edit: QDateEdit, shown: bool) -> None:
        edit.setVisible(shown)
        self.captions[edit].setVisible(shown)

    def _custom_dates(self) -> None:
        if self.period_combo.currentData() == "custom":
            self.refresh()

    def filters(self) -> ReportFilter:
        code = str(self.period_combo.currentData())
        if code == "custom":
            start = self.from_edit.date().toPython()
            end = self.to_edit.date().toPython()
        else:
            start, end = period_dates(code, self.today())
        return ReportFilter(
            ended_from=start,  # type: ignore[arg-type]
            ended_to=end,  # type: ignore[arg-type]
            owner=self.owner_combo.currentData(),
            event_type=self.type_combo.currentData(),
            region=self.region_combo.currentData(),
        )

    # ------------------------------------------------------------ the reports

    def current_code(self) -> str:
        view = self.tabs.currentWidget()
        return view.code if isinstance(view, ReportView) else "timeliness"

    def refresh(self) -> None:
        chosen = self.filters()
        if chosen.ended_from and chosen.ended_to and chosen.ended_from > chosen.ended_to:
            self.status_message.emit("The period starts after it ends.")
            return
        try:
            timeliness = self.service.timeliness(chosen, str(self.group_combo.currentData()))
            quality = self.service.quality(chosen)
        except IntakeError as exc:
            self.prompts.error(self, "Reports", str(exc))
            return
        self.views["timeliness"].show_report(timeliness)
        self.views["quality"].show_report(quality)
        self._stale = False
        self._show_governance()

    def _show_governance(self) -> None:
        governance = self.service.governance(self.current_code())
        now = datetime.now(UTC)
        text = governance.describe(now)
        overdue = governance.overdue(now)
        self.governance_label.setText(("⚠ Review due. " if overdue else "") + text)
        self.governance_label.setStyleSheet("color: #842029;" if overdue else "")

    def mark_reviewed(self) -> None:
        code = self.current_code()
        try:
            governance = self.service.mark_reviewed(code)
        except IntakeError as exc:
            self.prompts.error(self, "Reports", str(exc))
            return
        self._show_governance()
        self.reviewed.emit()
        self.status_message.emit(f"Marked “{governance.title}” reviewed.")

    def export(self, path: Path | None = None) -> Path | None:
        view = self.views[self.current_code()]
        report = view.report
        if report is None:
            return None
        if path is None:
            suggested = Path.home() / f"{report.code}-report-{self.today():%Y-%m-%d}.pdf"
            chosen, selected = QFileDialog.getSaveFileName(
                self, "Export the report", str(suggested), FILE_FILTERS
            )
            if not chosen:
                return None
            path = Path(chosen)
            if not path.suffix:
                path = path.with_suffix("." + selected.split("*.")[-1].rstrip(")"))
        try:
            written = write_report(report, path)
        except IntakeError as exc:
            self.prompts.error(self, "Export the report", str(exc))
            return None
        self.status_message.emit(f"Saved “{report.title}” as {written.upper()}: {path.name}")
        return path
