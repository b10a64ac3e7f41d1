"""Help → About: the version, the database in use, the folders, the versions, the licence."""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QPixmap, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from intake_app import APP_NAME, __version__
from intake_app.gui.environment import backend_label, display_path, versions
from intake_app.paths import readme_file, resource, user_data_dir, user_log_dir
from intake_app.services.context import AppContext

LICENCE = "MIT"  # as pyproject.toml declares (tests/gui/test_about_dialog.py checks)
TAGLINE = "Gets event leads into the lead-management process fast and clean."


def _folder_link(path: Path) -> str:
    return f'<a href="{QUrl.fromLocalFile(str(path)).toString()}">{escape(display_path(path))}</a>'


class AboutDialog(QDialog):
    """What this copy of the app is and what it works on.

    The database is named as the status bar names it (``ctx.db.display_name``: a file
    path, or database, server and login), never with a password.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(f"About {APP_NAME}")

        icon = QLabel()
        icon.setAccessibleName(f"{APP_NAME} icon")
        pixmap = QPixmap(str(resource("icons", "app.png")))
        if not pixmap.isNull():
            icon.setPixmap(
                pixmap.scaled(
                    64,
                    64,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)

        self.title_label = QLabel(
            f"<b style='font-size: 15pt'>{escape(APP_NAME)}</b><br>Version {escape(__version__)}"
            f"<br>{escape(TAGLINE)}"
        )
        self.title_label.setAccessibleName("Name and version")

        self.database_label = self._value(
            f"{ctx.db.display_name} ({backend_label(ctx.db.backend)})", "Database in use"
        )
        self.data_label = self._link(
            _folder_link(user_data_dir()),
            "Data folder",
            "The folder of the default database and its backups; click to open it",
        )
        self.log_label = self._link(
            _folder_link(user_log_dir()),
            "Log folder",
            "The folder of intake.log, where unexpected errors are written; click to open it",
        )
        self.versions_label = self._value(
            "<br>".join(f"{escape(name)} {escape(version)}" for name, version in versions()[1:]),
            "Versions",
            rich=True,
        )
        self.licence_label = self._value(f"{LICENCE} licence", "Licence")
        readme = readme_file()
        if readme is not None:
            self.readme_label = self._link(
                f'<a href="{QUrl.fromLocalFile(str(readme)).toString()}">README.md</a>',
                "README",
                "Open the project's README: set-up, the screens, the command line, the changelog",
            )
        else:
            self.readme_label = self._value(
                "The README comes with the project's source code.", "README"
            )

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.addRow("Database:", self.database_label)
        form.addRow("Data folder:", self.data_label)
        form.addRow("Log folder:", self.log_label)
        form.addRow("Runs on:", self.versions_label)
        form.addRow("Licence:", self.licence_label)
        form.addRow("Documentation:", self.readme_label)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setToolTip("Close this box")
        close.setAccessibleName("Close")
        self.buttons.rejected.connect(self.reject)

        text = QVBoxLayout()
        text.addWidget(self.title_label)
        text.addSpacing(8)
        text.addLayout(form)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addSpacing(8)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.buttons)

    @staticmethod
    def _value(text: str, name: str, *, rich: bool = False) -> QLabel:
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setAccessibleName(name)
        label.setToolTip(f"{name}; select the text to copy it")
        return label

    @staticmethod
    def _link(html: str, name: str, tip: str) -> QLabel:
        label = QLabel(html)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        label.setOpenExternalLinks(True)
        label.setAccessibleName(name)
        label.setToolTip(tip)
        return label

    def plain_text(self) -> str:
        """Everything the box says, as plain text (what the tests read)."""
        labels = [
            self.title_label, self.database_label, self.data_label, self.log_label,
            self.versions_label, self.licence_label, self.readme_label,
        ]  # fmt: skip
        parts = []
        for label in labels:
            if label.textFormat() == Qt.TextFormat.PlainText:
                parts.append(label.text())
            else:
                document = QTextDocument()
                document.setHtml(label.text())
                parts.append(document.toPlainText())
        return "\n".join(parts)
