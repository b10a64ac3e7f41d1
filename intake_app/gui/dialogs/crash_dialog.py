"""The box shown after an unexpected error: what happened, the details, continue or quit.

Layout only: :class:`intake_app.gui.errors.ErrorHandler` fills it, wires its buttons
and decides what Continue and Quit do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from intake_app import APP_NAME

INTRO = (
    f"<b>Something went wrong in {APP_NAME}.</b><br>"
    "Your data is safe: nothing half-done was saved. Every change to the database is"
    " saved whole or not at all, and files are written whole or left as they were."
)
NEXT_STEP = (
    "You can continue where you were, or quit and start the app again. If it happens"
    " again, send the details to whoever looks after the app."
)


class CrashDialog(QDialog):
    """One box for every unexpected error while it is open.

    Attributes for the handler and the tests: ``summary_label`` (the error in one line),
    ``count_label`` (shown from the second error on), ``details_button`` (shows or hides
    ``details_edit``, the full text), ``log_label``, ``copy_button``, ``open_log_button``,
    ``quit_button`` and ``continue_button``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crashDialog")
        self.setWindowTitle(f"{APP_NAME}: unexpected error")
        # Blocks the windows until answered, as the error may have left one half-updated,
        # but the event loop runs on, so work in the background goes on too.
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setSizeGripEnabled(True)
        self.setMinimumWidth(620)

        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        icon.setAccessibleName("Error")

        intro = QLabel(INTRO)
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        intro.setAccessibleName("What happened")

        self.summary_label = QLabel()
        self.summary_label.setObjectName("crashSummary")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary_label.setAccessibleName("The error")
        self.summary_label.setToolTip("The error in one line; Details has the whole story")
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)

        self.count_label = QLabel()
        self.count_label.setWordWrap(True)
        self.count_label.setAccessibleName("How many errors")
        self.count_label.hide()

        next_step = QLabel(NEXT_STEP)
        next_step.setWordWrap(True)
        next_step.setAccessibleName("What you can do")

        self.log_label = QLabel()
        self.log_label.setObjectName("crashLog")
        self.log_label.setWordWrap(True)
        self.log_label.setTextFormat(Qt.TextFormat.PlainText)
        self.log_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.log_label.setAccessibleName("Log file")

        self.details_button = QToolButton()
        self.details_button.setText("Details")
        self.details_button.setCheckable(True)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setAutoRaise(True)
        self.details_button.setToolTip(
            "Show or hide the traceback and the versions, as the log has them"
        )
        self.details_button.setAccessibleName("Details")
        self.details_button.toggled.connect(self.show_details)

        self.details_edit = QPlainTextEdit()
        self.details_edit.setObjectName("crashDetails")
        self.details_edit.setReadOnly(True)
        self.details_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details_edit.setMinimumHeight(320)
        self.details_edit.setAccessibleName("Error details")
        self.details_edit.setToolTip("The traceback, the app's version and what it runs on")
        self.details_edit.hide()

        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setToolTip("Copy the details to the clipboard, to paste into a message")
        self.copy_button.setAccessibleName("Copy details")
        self.copy_button.setAutoDefault(False)
        self.open_log_button = QPushButton("Open &log folder")
        self.open_log_button.setToolTip("Show the folder of the log file in the file manager")
        self.open_log_button.setAccessibleName("Open log folder")
        self.open_log_button.setAutoDefault(False)
        self.quit_button = QPushButton("&Quit")
        self.quit_button.setToolTip(f"Close {APP_NAME}; work in the background is cancelled")
        self.quit_button.setAccessibleName("Quit")
        self.quit_button.setAutoDefault(False)
        self.continue_button = QPushButton("C&ontinue")
        self.continue_button.setToolTip("Close this box and go on working")
        self.continue_button.setAccessibleName("Continue")
        self.continue_button.setDefault(True)
        self.continue_button.clicked.connect(self.accept)

        text = QVBoxLayout()
        text.setSpacing(10)
        text.addWidget(intro)
        text.addWidget(self.summary_label)
        text.addWidget(self.count_label)
        text.addWidget(next_step)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addSpacing(6)
        top.addLayout(text, 1)

        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.open_log_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)
        buttons.addWidget(self.continue_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details_edit, 1)
        layout.addWidget(self.log_label)
        layout.addLayout(buttons)
        self.continue_button.setFocus()

    def set_summary(self, summary: str, count: int, kept: int) -> None:
        """The first error in one line and, from the second on, how many there were."""
        self.summary_label.setText(summary)
        if count > 1:
            listed = "Details lists each" if kept >= count else f"Details lists the first {kept}"
            self.count_label.setText(
                f"{count} errors happened since this box opened; {listed}, the log has them all."
            )
        self.count_label.setVisible(count > 1)

    def set_details(self, text: str) -> None:
        self.details_edit.setPlainText(text)

    def details_text(self) -> str:
        return self.details_edit.toPlainText()

    def set_log_file(self, where: str | None) -> None:
        if where is None:
            self.log_label.setText(
                "The log file could not be written: use Copy details to keep them."
            )
        else:
            self.log_label.setText(f"Written to the log: {where}")
        self.log_label.setToolTip(self.log_label.text())

    def show_details(self, shown: bool) -> None:
        self.details_button.setArrowType(
            Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        )
        self.details_button.setChecked(shown)
        self.details_edit.setVisible(shown)
        self.fit()

    def fit(self) -> None:
        """The height the wrapped text needs at the box's width: no gap, nothing cut off."""
        self.adjustSize()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            self.resize(self.width(), layout.totalHeightForWidth(self.width()))

    def copy_details(self) -> None:
        """Put the whole details text on the clipboard."""
        QApplication.clipboard().setText(self.details_text())
        self.copy_button.setText("&Copied")
