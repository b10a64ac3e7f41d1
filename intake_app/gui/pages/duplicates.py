"""The Duplicates page: the review queue, a side-by-side comparison, merge and unmerge.

On the left, the pairs waiting for a decision, best first, with their score and
why they look like one person. On the right, the two leads field by field: the
differing fields are highlighted and each offers a choice of which value
survives. *Merge* (Ctrl+M) keeps the first lead with the chosen values and both
leads' file rows; *Not the same person* (Ctrl+K) remembers the decision; *Skip*
moves on. Merges made here are listed below and can be undone (*Unmerge*).
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.errors import IntakeError
from intake_app.gui.item_models.leads_model import LABELS
from intake_app.gui.prompts import Prompts
from intake_app.services.context import AppContext
from intake_app.services.duplicates import COMPARED, CandidateView, DuplicateService

_DIFFERENT = QColor(255, 243, 205)


class DuplicatesPage(QWidget):
    """The Duplicates page.

    Signals:
        leads_changed(): a merge or unmerge changed stored leads.
        status_message(str): one line for the status bar.
    """

    leads_changed = Signal()
    status_message = Signal(str)

    def __init__(self, ctx: AppContext, prompts: Prompts, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.prompts = prompts
        self.service = DuplicateService(ctx)
        self.pairs: list[CandidateView] = []
        self.current: CandidateView | None = None
        self.choices: dict[str, QButtonGroup] = {}
        self._stale = True

        title = QLabel("Duplicates")
        title.setObjectName("pageTitle")
        self.summary = QLabel()
        self.queue = QListWidget()
        self.queue.setObjectName("duplicateQueue")
        self.queue.setAccessibleName("Pairs to review")
        self.queue.setMinimumWidth(300)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.RichText)
        self.compare = QTableWidget(0, 3)
        self.compare.setObjectName("duplicateCompare")
        self.compare.setHorizontalHeaderLabels(["Field", "First lead", "Second lead"])
        self.compare.verticalHeader().hide()
        self.compare.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.compare.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.compare.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.only_different = QCheckBox("Only the fields that &differ")
        self.only_different.setChecked(False)
        self.merge_button = QPushButton("&Merge")
        self.merge_button.setShortcut(QKeySequence("Ctrl+M"))
        self.merge_button.setToolTip("One person: keep the chosen values and both rows (Ctrl+M)")
        self.apart_button = QPushButton("&Not the same person")
        self.apart_button.setShortcut(QKeySequence("Ctrl+K"))
        self.apart_button.setToolTip("Remember that these are two people (Ctrl+K)")
        self.skip_button = QPushButton("S&kip")
        self.merges = QListWidget()
        self.merges.setObjectName("recentMerges")
        self.merges.setMaximumHeight(120)
        self.unmerge_button = QPushButton("&Unmerge")
        self.unmerge_button.setToolTip("Put the selected merge back: both leads as they were")

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.reasons)
        right_layout.addWidget(self.compare, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.only_different)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.apart_button)
        buttons.addWidget(self.merge_button)
        right_layout.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("duplicatesSplitter")
        splitter.addWidget(self.queue)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 3)
        merges_row = QHBoxLayout()
        merges_row.addWidget(self.merges, 1)
        merges_row.addWidget(self.unmerge_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)
        layout.addWidget(QLabel("Merged here (select one to undo it)"))
        layout.addLayout(merges_row)

        self.queue.currentRowChanged.connect(self._show)
        self.only_different.toggled.connect(lambda _on: self._show(self.queue.currentRow()))
        self.merge_button.clicked.connect(self.merge)
        self.apart_button.clicked.connect(self.keep_apart)
        self.skip_button.clicked.connect(self.skip)
        self.unmerge_button.clicked.connect(self.unmerge)
        self.refresh()

    # ------------------------------------------------------------ loading

    SHOWN = 500  # pairs listed at once; the rest follow as these are decided

    def mark_stale(self) -> None:
        """New pairs may have been queued (an import): reload when the page is shown."""
        self._stale = True
        if self.isVisible():
            self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self, keep_row: int = 0) -> None:
        self._stale = False
        self.pairs = self.service.pending(limit=self.SHOWN)
        waiting = self.service.count_pending()
        self.queue.blockSignals(True)
        self.queue.clear()
        for pair in self.pairs:
            first, second = pair.first.values, pair.second.values
            item = QListWidgetItem(
                f"{pair.score:.0%}  {_name(first)} · {_name(second)}\n{'; '.join(pair.reasons)}"
            )
            item.setToolTip(f"{pair.first.event_name} / {pair.second.event_name}")
            self.queue.addItem(item)
        self.queue.blockSignals(False)
        count = len(self.pairs)
        more = f" (the {count} most alike shown)" if waiting > count else ""
        self.summary.setText(
            f"{waiting} pair(s) to review{more}."
            if count
            else "No pairs to review: nothing looks doubled."
        )
        for button in (self.merge_button, self.apart_button, self.skip_button):
            button.setEnabled(bool(count))
        if count:
            self.queue.setCurrentRow(min(keep_row, count - 1))
        self._show(self.queue.currentRow() if count else -1)
        self.merges.clear()
        for merge in self.service.merges():
            item = QListWidgetItem(
                f"{merge.at:%Y-%m-%d %H:%M}  {merge.names[0]} + {merge.names[1]}  ({merge.by})"
            )
            item.setData(Qt.ItemDataRole.UserRole, merge.id)
            self.merges.addItem(item)
        self.unmerge_button.setEnabled(self.merges.count() > 0)

    def _show(self, row: int) -> None:
        self.choices.clear()
        if row < 0 or row >= len(self.pairs):
            self.current = None
            self.compare.setRowCount(0)
            self.reasons.setText("")
            return
        pair = self.pairs[row]
        self.current = pair
        differing = set(pair.differing())
        where = (
            escape(pair.first.event_name)
            if pair.first.event_id == pair.second.event_id
            else f"{escape(pair.first.event_name)} and {escape(pair.second.event_name)}"
        )
        self.reasons.setText(
            f"<b>{pair.score:.0%} alike</b> ({escape('; '.join(pair.reasons))}) · {where}"
        )
        fields = [f for f in COMPARED if not self.only_different.isChecked() or f in differing]
        fields = [
            f for f in fields if pair.first.values.get(f) or pair.second.values.get(f)
        ] or fields
        self.compare.setRowCount(0)  # drops the previous pair's radio buttons too
        self.compare.setRowCount(len(fields) + 1)
        for number, field in enumerate(fields):
            label = QTableWidgetItem(LABELS.get(field, field))
            self.compare.setItem(number, 0, label)
            first = pair.first.values.get(field)
            second = pair.second.values.get(field)
            if field in differing and first and second:
                group = QButtonGroup(self)
                for column, value in ((1, first), (2, second)):
                    button = QRadioButton(str(value))
                    button.setAccessibleName(f"{label.text()}: {value}")
                    group.addButton(button, column)
                    self.compare.setCellWidget(number, column, button)
                group.button(1).setChecked(True)
                self.choices[field] = group
            else:
                for column, value in ((1, first), (2, second)):
                    item = QTableWidgetItem("" if value is None else str(value))
                    if field in differing:
                        item.setBackground(QBrush(_DIFFERENT))
                    self.compare.setItem(number, column, item)
        rows = len(fields)
        self.compare.setItem(rows, 0, QTableWidgetItem("File rows"))
        for column, side in ((1, pair.first), (2, pair.second)):
            self.compare.setItem(
                rows, column, QTableWidgetItem(", ".join(map(str, side.source_rows)))
            )

    def choose(self, field: str, second: bool) -> None:
        """Pick which lead's value of ``field`` survives (the radio buttons, for tests too)."""
        group = self.choices[field]
        group.button(2 if second else 1).setChecked(True)

    # ------------------------------------------------------------ decisions

    def merge(self) -> None:
        pair = self.current
        if pair is None:
            return
        take_second = {field for field, group in self.choices.items() if group.checkedId() == 2}
        row = self.queue.currentRow()
        try:
            self.service.merge(pair.id, take_second)
        except IntakeError as exc:
            self.prompts.error(self, "Merge", str(exc))
            return
        self.status_message.emit(f"Merged {_name(pair.first.values)}; Unmerge puts them back.")
        self.leads_changed.emit()
        self.refresh(keep_row=row)

    def keep_apart(self) -> None:
        pair = self.current
        if pair is None:
            return
        row = self.queue.currentRow()
        try:
            self.service.keep_apart(pair.id)
        except IntakeError as exc:
            self.prompts.error(self, "Not the same person", str(exc))
            return
        self.status_message.emit("Kept apart; this pair will not be proposed again.")
        self.refresh(keep_row=row)

    def skip(self) -> None:
        if self.queue.count():
            self.queue.setCurrentRow((self.queue.currentRow() + 1) % self.queue.count())

    def unmerge(self) -> None:
        item = self.merges.currentItem() or (self.merges.item(0) if self.merges.count() else None)
        if item is None:
            return
        try:
            self.service.unmerge(int(item.data(Qt.ItemDataRole.UserRole)))
        except IntakeError as exc:
            self.prompts.error(self, "Unmerge", str(exc))
            return
        self.status_message.emit("Unmerged: both leads are back as they were.")
        self.leads_changed.emit()
        self.refresh()


def _name(values: dict[str, object]) -> str:
    name = " ".join(str(values.get(k) or "") for k in ("first_name", "last_name")).strip()
    return name or str(values.get("email") or "(no name)")
