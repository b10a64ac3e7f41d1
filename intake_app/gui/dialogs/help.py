"""In-app help: a page per screen (F1), and the keyboard shortcuts cheat sheet.

The help pages are Markdown files in ``resources/help/``; the Dashboard's page
ends with the SLA rules of the company schema in force, told in words.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from intake_app.core.sla import describe_policy
from intake_app.paths import resource
from schemas import CorporateSchema

TOPICS = {
    "dashboard": "Dashboard",
    "events": "Events",
    "import": "Import",
    "leads": "Leads",
    "duplicates": "Duplicates",
    "reports": "Reports",
    "export": "Export",
    "settings": "Settings",
}

# Keys that are not menu actions or buttons: gestures and keys of tables and forms.
GESTURES = (
    ("Drop a file on the window", "Import it into the selected event", "Anywhere"),
    ("Enter, double-click", "Edit the selected event", "Events"),
    ("F2, double-click", "Edit the selected cell", "Leads"),
    ("Esc", "Close a dialog without saving", "Dialogs"),
)


def sla_rules(schema: CorporateSchema) -> str:
    """The SLA policies in force, per program type, as Markdown."""
    lines = []
    for policy in schema.sla_policies:
        types = [t.label for t in schema.event_types if t.sla_policy == policy.code]
        who = ", ".join(types) if types else "no program type yet"
        lines.append(f"- **{policy.label}** ({who}): {describe_policy(policy)}")
    return "\n".join(lines)


def help_text(topic: str, schema: CorporateSchema) -> str:
    path = resource("help", f"{topic}.md")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return f"# {TOPICS.get(topic, topic)}\n\nThe help page {path.name} is missing."
    return text.replace("{sla_rules}", sla_rules(schema))


class HelpDialog(QDialog):
    """The help pages, one per screen; opens on the screen the user is on."""

    def __init__(self, schema: CorporateSchema, topic: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("helpDialog")
        self.setWindowTitle("Help")
        self.schema = schema
        self.topics = QListWidget()
        self.topics.setAccessibleName("Help topics")
        self.topics.setFixedWidth(150)
        for key, title in TOPICS.items():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.topics.addItem(item)
        self.browser = QTextBrowser()
        self.browser.setObjectName("helpText")
        self.browser.setAccessibleName("Help text")
        self.browser.setOpenExternalLinks(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        body = QHBoxLayout()
        body.addWidget(self.topics)
        body.addWidget(self.browser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(buttons)
        self.topics.currentRowChanged.connect(self._show_row)
        self.show_topic(topic)
        self.resize(820, 560)

    def show_topic(self, topic: str) -> None:
        keys = list(TOPICS)
        self.topics.setCurrentRow(keys.index(topic) if topic in keys else 0)

    def current_topic(self) -> str:
        return list(TOPICS)[max(self.topics.currentRow(), 0)]

    def _show_row(self, row: int) -> None:
        topic = list(TOPICS)[max(row, 0)]
        self.browser.setMarkdown(help_text(topic, self.schema))
        self.setWindowTitle(f"Help: {TOPICS[topic]}")


def shortcut_rows(window: QWidget, pages: dict[str, QWidget]) -> list[tuple[str, str, str]]:
    """Every key bound in the window: (keys, what it does, where), from the live widgets."""
    rows: list[tuple[str, str, str]] = []
    seen: set[tuple[str, str]] = set()

    def where(widget: QWidget | None) -> str:
        for key, page in pages.items():
            if widget is not None and (widget is page or page.isAncestorOf(widget)):
                return TOPICS.get(key, key)
        return "Anywhere"

    def add(keys: str, text: str, place: str) -> None:
        label = text.replace("&", "").rstrip("…").strip()
        if keys and (keys, label) not in seen:
            seen.add((keys, label))
            rows.append((keys, label, place))

    actions: Iterable[QAction] = window.findChildren(QAction)
    for action in actions:
        keys = action.shortcut().toString(action.shortcut().SequenceFormat.NativeText)
        parent = action.parent()
        add(keys, action.text(), where(parent if isinstance(parent, QWidget) else None))
    for button in window.findChildren(QAbstractButton):
        if button.window() is not window:
            continue  # a dialog's buttons are not the window's shortcuts
        keys = button.shortcut().toString(button.shortcut().SequenceFormat.NativeText)
        if keys.startswith("Alt+"):
            continue  # a mnemonic: the underlined letter of the button says it already
        add(keys, button.text() or button.toolTip(), where(button))
    rows.extend(GESTURES)
    order = {name: at for at, name in enumerate(["Anywhere", *TOPICS.values(), "Dialogs"])}
    rows.sort(key=lambda row: (order.get(row[2], 99), row[0]))
    return rows


class ShortcutsDialog(QDialog):
    """The cheat sheet: every shortcut, what it does and where it works."""

    def __init__(self, rows: list[tuple[str, str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.setHorizontalHeaderLabels(["Keys", "What it does", "Where"])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        for row, cells in enumerate(rows):
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(640, 620)
