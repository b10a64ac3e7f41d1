"""Confirm a GDPR erasure: who, exactly what is removed, what is kept, what lies elsewhere."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from intake_app.services.privacy import ErasurePlan

# What each table loses, as a person reads it; the counts come from the plan.
REMOVED = (
    (
        "leads",
        "lead(s)",
        "name, e-mail, phones, company, title and job, address, website, engagement detail,"
        " consent wording, notes, the values as read and the scores; each row stays, marked"
        " erased and empty, so the event's lead count and SLA history do not change",
    ),
    ("source_rows", "file row(s)", "the values as read and their row numbers"),
    ("persons", "person record(s)", "name, e-mail, company and the keys used to match people"),
    ("duplicate_candidates", "review pair(s)", "deleted from the Duplicates queue"),
    ("merge_decisions", "merge record(s)", "the values kept to undo the merge, and its reasons"),
    ("audit_log", "history entr(y/ies)", "the old and new values; who did what and when stays"),
    ("exported_leads", "export record(s)", "which exports carried the lead"),
)


def _plural(count: int, label: str) -> str:
    if "(y/ies)" in label:
        return label.replace("(y/ies)", "y" if count == 1 else "ies")
    return label.replace("(s)", "" if count == 1 else "s")


class ErasePersonDialog(QDialog):
    """Says what :meth:`PrivacyService.erase_person` will do, and asks to go ahead.

    Open it with ``open()``; ``accepted`` means erase, with ``reimport_check``'s choice.
    """

    def __init__(self, plan: ErasurePlan, user: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Erase person")
        self.setMinimumWidth(640)
        who = "; ".join(plan.names) or plan.address or "this person"
        events = ", ".join(name for _id, name in plan.events)
        self.heading = QLabel(
            f"<h3 style='margin:0'>Erase {escape(who)}?</h3>"
            f"<p>Everything stored about this person{' at ' + escape(events) if events else ''}"
            " is removed in one step. <b>This cannot be undone.</b></p>"
        )
        self.heading.setWordWrap(True)
        rows = [
            f"<li><b>{plan.counts[name]:,} {_plural(plan.counts[name], label)}</b>:"
            f" {escape(what)}</li>"
            for name, label, what in REMOVED
            if plan.counts.get(name)
        ]
        self.removed = QLabel(
            "<p style='margin-bottom:0'><b>Removed</b></p>"
            f"<ul style='margin-top:2px; margin-left:-20px'>{''.join(rows)}</ul>"
        )
        self.removed.setObjectName("erasureRemoved")
        self.removed.setWordWrap(True)
        self.kept = QLabel(
            "<p><b>Kept</b>: one history entry <i>erase</i> saying when, by whom"
            f" ({escape(user)}) and how many rows of each kind were erased. It never holds"
            " the address.</p>"
        )
        self.kept.setWordWrap(True)
        self.reimport_check = QCheckBox(
            "&Flag this address if a later import brings it back\n"
            "(keeps a keyed hash of the address, which only this database can check)"
        )
        self.reimport_check.setChecked(bool(plan.address))
        self.reimport_check.setEnabled(bool(plan.address))
        outside = [
            f"<li>Exported in {escape(', '.join(trace.files))} ({escape(trace.profile)},"
            f" {trace.exported_at:%Y-%m-%d}): delete or replace the file and erase the"
            " person in that platform too.</li>"
            for trace in plan.exports
        ] + [
            f"<li>A backup made before an upgrade: {escape(path.name)}.</li>"
            for path in plan.backups
        ]
        self.outside = QLabel(
            "<p style='margin-bottom:0'><b>Not in the database, so not erased here</b></p>"
            f"<ul style='margin-top:2px; margin-left:-20px'>{''.join(outside)}</ul>"
        )
        self.outside.setObjectName("erasureOutside")
        self.outside.setWordWrap(True)
        self.outside.setVisible(bool(outside))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.erase_button = QPushButton("&Erase person")
        self.erase_button.setObjectName("destructiveButton")
        self.erase_button.setAutoDefault(False)
        self.buttons.addButton(self.erase_button, QDialogButtonBox.ButtonRole.DestructiveRole)
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setDefault(True)  # Enter does not erase
        self.erase_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        icon = QLabel()
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40)
        )
        # The warning sign on the left, everything it says in one column beside it.
        column = QVBoxLayout()
        for widget in (self.heading, self.removed, self.kept, self.reimport_check, self.outside):
            column.addWidget(widget)
        body = QHBoxLayout()
        body.setSpacing(14)
        body.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        body.addLayout(column, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body)
        layout.addWidget(self.buttons)
        # As tall as the wrapped text needs at this width, no gaps between the parts.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)

    def text(self) -> str:
        """Everything the dialog says, as plain text (for tests and screen readers)."""
        labels = [self.heading, self.removed, self.kept]
        if self.plan.exports or self.plan.backups:
            labels.append(self.outside)
        return "\n".join([*(_plain(label.text()) for label in labels), self.reimport_check.text()])


def _plain(html: str) -> str:
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()
