"""The Dashboard's table: one event per row, its SLA status in colour, a countdown."""

from __future__ import annotations

from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from intake_app.core.sla import StageStatus, Status, wall_clock_text
from intake_app.gui.item_models.rows_model import AnyIndex, RowsTableModel
from intake_app.services.sla import BoardRow

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    STATUS = 0
    EVENT = 1
    DEADLINE = 2
    LEFT = 3
    STAGE = 4
    OWNER = 5
    OPS_OWNER = 6
    TYPE = 7
    REGION = 8
    ENDED = 9
    RECEIVED = 10
    LEADS = 11


HEADERS = {
    Column.STATUS: "Status",
    Column.EVENT: "Event",
    Column.TYPE: "Type",
    Column.OWNER: "Owner",
    Column.OPS_OWNER: "Ops owner",
    Column.REGION: "Region",
    Column.ENDED: "Ended",
    Column.STAGE: "Stage",
    Column.DEADLINE: "Deadline (event time)",
    Column.LEFT: "Time left",
    Column.RECEIVED: "List received",
    Column.LEADS: "Leads",
}

# Background and text colours per status: red needs action now, amber soon.
STATUS_COLOURS = {
    Status.OVERDUE: ("#f8d7da", "#842029"),
    Status.DUE_SOON: ("#fff3cd", "#7a5a00"),
    Status.ON_TRACK: ("#d1ecf1", "#0c5460"),
    Status.WAITING: ("#d1ecf1", "#0c5460"),
    Status.UPCOMING: ("#eceff1", "#455a64"),
    Status.MET: ("#d4edda", "#155724"),
    Status.MET_LATE: ("#e2e3e5", "#6b3d12"),
}
ESCALATED_COLOURS = ("#dc3545", "#ffffff")


def status_text(row: BoardRow) -> str:
    return f"{row.status.label} · {row.flag}" if row.flag else row.status.label


def colours(row: BoardRow) -> tuple[str, str]:
    if row.state.escalated or row.state.reassign:
        return ESCALATED_COLOURS
    return STATUS_COLOURS[row.status]


def deadline_text(row: BoardRow, stage: StageStatus) -> str:
    if stage.deadline is None:
        return "after the handover"
    return wall_clock_text(stage.deadline, row.state.calendar.zone)


def _local(row: BoardRow, moment: datetime | None) -> str:
    if moment is None:
        return ""
    return f"{moment.astimezone(row.state.calendar.zone):%Y-%m-%d %H:%M}"


class BoardModel(RowsTableModel[BoardRow]):
    def __init__(self) -> None:
        super().__init__([HEADERS[column] for column in Column])

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == ROW_ROLE:
            return row
        if role == SORT_ROLE:
            return self._sort_value(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and column in (Column.STATUS, Column.LEFT):
            return QBrush(QColor(colours(row)[0]))
        if role == Qt.ItemDataRole.ForegroundRole and column in (Column.STATUS, Column.LEFT):
            return QBrush(QColor(colours(row)[1]))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.LEADS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(row: BoardRow, column: Column) -> str:
        state = row.state
        stage = state.current
        match column:
            case Column.STATUS:
                return status_text(row)
            case Column.EVENT:
                return row.event.name
            case Column.TYPE:
                return row.event.event_type_label
            case Column.OWNER:
                return row.event.owner or ""
            case Column.OPS_OWNER:
                return row.event.ops_owner or ""
            case Column.REGION:
                return row.region
            case Column.ENDED:
                return _local(row, state.event_end)
            case Column.STAGE:
                if state.status in (Status.MET, Status.MET_LATE):
                    return "Done"
                return f"{state.stages.index(stage) + 1}/{len(state.stages)} {stage.label}"
            case Column.DEADLINE:
                return deadline_text(row, stage)
            case Column.LEFT:
                return state.left_text()
            case Column.RECEIVED:
                return _local(row, state.stamps.received) or "not yet"
            case Column.LEADS:
                return f"{row.event.lead_count:,}"

    @classmethod
    def _sort_value(cls, row: BoardRow, column: Column) -> Any:
        # Plain numbers and strings, which Qt compares natively.
        state = row.state
        match column:
            case Column.STATUS:
                return state.attention
            case Column.DEADLINE:
                deadline = state.current.deadline
                return deadline.timestamp() if deadline else float("inf")
            case Column.LEFT:
                left = state.current.left_seconds
                return float("inf") if left is None else left
            case Column.ENDED:
                return state.event_end.timestamp()
            case Column.RECEIVED:
                received = state.stamps.received
                return received.timestamp() if received else float("inf")
            case Column.LEADS:
                return row.event.lead_count
            case _:
                return cls._display(row, column).casefold()

    @staticmethod
    def _tooltip(row: BoardRow) -> str:
        lines = [f"{row.event.name}: {row.state.policy.label}"]
        for stage in row.state.stages:
            lines.append(
                f"{stage.label}: {stage.status.label}, due {deadline_text(row, stage)}"
                f" {stage.left_text()}".rstrip()
            )
        calendar = row.state.calendar
        if calendar.country:
            lines.append(f"Business days skip weekends and {calendar.country} public holidays.")
        else:
            lines.append("Business days skip weekends (no holiday calendar).")
        return "\n".join(lines)
