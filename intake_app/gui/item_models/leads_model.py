"""The Leads grid's model: an event's leads fetched in pages, sorted and filtered in SQL.

Qt asks ``canFetchMore``/``fetchMore`` as the view scrolls, so a 100,000-lead event
shows its first rows at once and loads the rest only as far as the person scrolls.
Sorting and filtering re-run the query (no proxy model over everything). A flagged
cell is tinted and its tooltip says what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from intake_app.services.leads import (
    EDITABLE,
    GRID_COLUMNS,
    GridRow,
    LeadGridService,
    LeadQuery,
)

AnyIndex = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 500
LABELS = {
    "first_name": "First name", "last_name": "Last name", "email": "Email",
    "company": "Company", "job_title": "Job title", "job_level": "Job level",
    "job_function": "Job function", "industry": "Industry", "country": "Country",
    "state": "State", "city": "City", "postal_code": "Postal code", "phone": "Phone",
    "mobile_phone": "Mobile", "website": "Website", "lead_source": "Lead source",
    "engagement_level": "Engagement", "engagement_detail": "Engagement detail",
    "consent": "Consent", "notes": "Notes",
}  # fmt: skip
_SEVERITY_COLOURS = {"error": QColor(253, 224, 224), "warning": QColor(255, 243, 205)}
_ROW_ISSUES = QColor(176, 0, 32)

Editor = Callable[[list[int], str, str | None], bool]


class LeadsTableModel(QAbstractTableModel):
    """Columns: the row's issue count, then :data:`GRID_COLUMNS`."""

    ISSUES_COLUMN = 0

    def __init__(self, service: LeadGridService, editor: Editor | None = None) -> None:
        super().__init__()
        self.service = service
        self.editor = editor
        self.query: LeadQuery | None = None
        self.total = 0
        self.rows: list[GridRow] = []
        self.columns: tuple[str, ...] = ("issue_count", *GRID_COLUMNS)

    # ------------------------------------------------------------ loading

    def set_query(self, query: LeadQuery | None) -> None:
        self.beginResetModel()
        self.query = query
        self.rows = []
        self.total = self.service.count(query) if query is not None else 0
        if query is not None:
            self.rows = self.service.page(query, 0, PAGE_SIZE)
        self.endResetModel()

    def reload(self) -> None:
        """Run the query again, keeping as many rows loaded as before."""
        if self.query is None:
            return
        keep = max(len(self.rows), PAGE_SIZE)
        self.beginResetModel()
        self.total = self.service.count(self.query)
        self.rows = self.service.page(self.query, 0, keep)
        self.endResetModel()

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008, N802
        if parent.isValid() or self.query is None:
            return
        more = self.service.page(self.query, len(self.rows), PAGE_SIZE)
        if not more:
            self.total = len(self.rows)
            return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
        self.rows.extend(more)
        self.endInsertRows()

    # ------------------------------------------------------------ shape

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def field(self, column: int) -> str:
        return self.columns[column]

    def column_of(self, field: str) -> int:
        return self.columns.index(field)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == Qt.ItemDataRole.DisplayRole else None
        name = self.columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return "Issues" if name == "issue_count" else LABELS.get(name, name)
        if role == Qt.ItemDataRole.ToolTipRole and name == "issue_count":
            return "How many values of the lead need a look"
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and self.columns[index.column()] in EDITABLE and self.editor:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    # ------------------------------------------------------------ data

    def row(self, number: int) -> GridRow:
        return self.rows[number]

    def _issues(self, row: GridRow, field: str) -> list[dict[str, Any]]:
        return [issue for issue in row.issues if issue.get("field") == field]

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        field = self.columns[index.column()]
        if field == "issue_count":
            count = len(row.issues)
            if role == Qt.ItemDataRole.DisplayRole:
                return str(count) if count else ""
            if role == Qt.ItemDataRole.ForegroundRole and count:
                return QBrush(_ROW_ISSUES)
            if role == Qt.ItemDataRole.ToolTipRole and count:
                return "\n".join(f"{i.get('field')}: {i.get('message')}" for i in row.issues)
            if role == Qt.ItemDataRole.UserRole:
                return count
            return None
        value = row.values.get(field)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return "" if value is None else str(value)
        issues = self._issues(row, field)
        if role == Qt.ItemDataRole.BackgroundRole and issues:
            worst = "error" if any(i.get("severity") == "error" for i in issues) else "warning"
            if any(i.get("severity") in ("error", "warning") for i in issues):
                return QBrush(_SEVERITY_COLOURS[worst])
        if role == Qt.ItemDataRole.ToolTipRole and issues:
            return "\n".join(str(issue.get("message")) for issue in issues)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid() or self.editor is None:
            return False
        field = self.columns[index.column()]
        row = self.rows[index.row()]
        text = None if value is None else str(value)
        if (row.values.get(field) or "") == (text or ""):
            return False
        return self.editor([row.id], field, text)

    def apply(self, lead_id: int, field: str, value: Any, issues: list[dict[str, Any]]) -> None:
        """Show a stored change without re-running the query."""
        for number, row in enumerate(self.rows):
            if row.id == lead_id:
                row.values[field] = value
                row.issues[:] = issues
                self.dataChanged.emit(
                    self.index(number, 0), self.index(number, len(self.columns) - 1)
                )
                return

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if self.query is None:
            return
        field = self.columns[column]
        descending = order == Qt.SortOrder.DescendingOrder
        query = self.query
        self.set_query(LeadQuery(query.event_id, query.text, query.only_issues, field, descending))
