"""The events table: a small model with native sort values and a filter proxy."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from intake_app.services.events import EventRecord

AnyIndex = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    SORT = Qt.ItemDataRole.UserRole + 1
    RECORD = Qt.ItemDataRole.UserRole + 2


class Column(IntEnum):
    NAME = 0
    TYPE = 1
    START = 2
    END = 3
    TIMEZONE = 4
    COUNTRY = 5
    OWNER = 6
    OPS_OWNER = 7
    LEADS = 8


# Shown until the user picks columns from the header's context menu.
HIDDEN_BY_DEFAULT = (Column.TIMEZONE, Column.OPS_OWNER)

HEADERS = {
    Column.NAME: "Name",
    Column.TYPE: "Type",
    Column.START: "Start",
    Column.END: "End",
    Column.TIMEZONE: "Time zone",
    Column.COUNTRY: "Country",
    Column.OWNER: "Owner",
    Column.OPS_OWNER: "Ops owner",
    Column.LEADS: "Leads",
}


def _display(record: EventRecord, column: Column) -> str:
    match column:
        case Column.NAME:
            return record.name
        case Column.TYPE:
            return record.event_type_label
        case Column.START:
            return record.start.isoformat().replace("T", " ")
        case Column.END:
            return record.end.isoformat().replace("T", " ")
        case Column.TIMEZONE:
            return record.timezone
        case Column.COUNTRY:
            return record.country or ""
        case Column.OWNER:
            return record.owner or ""
        case Column.OPS_OWNER:
            return record.ops_owner or ""
        case Column.LEADS:
            return f"{record.lead_count:,}"


def _sort_value(record: EventRecord, column: Column) -> Any:
    # Plain strings and ints: Qt compares them natively (converted datetimes it does not).
    match column:
        case Column.START:
            return record.start.value.isoformat()
        case Column.END:
            return record.end.value.isoformat()
        case Column.LEADS:
            return record.lead_count
        case _:
            return _display(record, column).casefold()


class EventsTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[EventRecord] = []

    def set_rows(self, rows: list[EventRecord]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> EventRecord:
        return self._rows[row]

    def row_of(self, event_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == event_id), None)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(Column)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(record, column)
        if role == Role.SORT:
            return _sort_value(record, column)
        if role == Role.RECORD:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.LEADS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.NAME and record.description:
                return record.description
            if column == Column.COUNTRY and record.country:
                return record.country_label
            if column in (Column.START, Column.END):
                return record.timezone
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None


class EventsFilterProxy(QSortFilterProxyModel):
    """Sorts by native values; filters by free text (any column) and by event type."""

    def __init__(self) -> None:
        super().__init__()
        self.setSortRole(Role.SORT)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setFilterKeyColumn(-1)
        self._event_type: str | None = None

    def set_event_type(self, code: str | None) -> None:
        # Qt 6.10 replaced invalidateFilter() with a begin/end pair.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            self._event_type = code or None
            self.endFilterChange()
        else:  # pragma: no cover - older Qt
            self._event_type = code or None
            self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        model = self.sourceModel()
        if self._event_type is not None:
            record = model.data(model.index(source_row, 0, source_parent), Role.RECORD)
            if record is None or record.event_type != self._event_type:
                return False
        return super().filterAcceptsRow(source_row, source_parent)
