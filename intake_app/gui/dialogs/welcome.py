"""The welcome shown at the first start: the flow in four steps, and sample data to try it."""

from __future__ import annotations

from enum import Enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from intake_app import APP_NAME

STEPS = (
    (
        "Create the event",
        "Events → New (Ctrl+N): what it was, when it ended, who owns it. The intake SLA"
        " clock starts when it ends.",
    ),
    (
        "Import the lead file",
        "Drop the badge scan or webinar report anywhere on the window (or Ctrl+O). The app"
        " recognises the platform, maps the columns and cleans every value.",
    ),
    (
        "Review",
        "Leads shows what needs a look (tinted cells say why); Duplicates asks about people"
        " who may be one person.",
    ),
    (
        "Hand over and export",
        "Export (Ctrl+E) writes the file for Marketo, HubSpot, Salesforce and others, with"
        " scoring hints; the Dashboard keeps the SLA deadlines in view.",
    ),
)


class WelcomeChoice(Enum):
    SAMPLES = "samples"
    OWN_EVENT = "own_event"
    CLOSE = "close"


class WelcomeDialog(QDialog):
    """Four steps and three ways on; ``choice`` says which the user took."""

    def __init__(
        self, *, samples_loaded: bool, show_at_start: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle(f"Welcome to {APP_NAME}")
        self.choice = WelcomeChoice.CLOSE
        title = QLabel(f"Welcome to {APP_NAME}")
        title.setObjectName("pageTitle")
        intro = QLabel(
            "Get the leads from a show or a webinar into marketing automation the morning"
            " after: clean, without duplicates, and within the SLA."
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        for number, (head, text) in enumerate(STEPS, start=1):
            row = QHBoxLayout()
            badge = QLabel(str(number))
            badge.setObjectName("stepNumber")
            badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
            badge.setFixedSize(28, 28)
            row.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
            words = QLabel(f"<b>{head}</b><br>{text}")
            words.setWordWrap(True)
            words.setTextFormat(Qt.TextFormat.RichText)
            row.addWidget(words, 1)
            layout.addLayout(row)

        self.samples_button = QPushButton("Try it with &sample data")
        self.samples_button.setObjectName("samplesButton")
        self.samples_button.setToolTip(
            "Two fictional events: a webinar already imported, and a trade-show badge scan"
            " for you to import. Remove them in one click afterwards (Help menu)."
        )
        self.samples_button.setDefault(True)
        self.own_button = QPushButton("Start with &my own event")
        self.own_button.setToolTip("Open the form for a new event")
        self.close_button = QPushButton("&Close")
        if samples_loaded:
            self.samples_button.setText("Sample data is &loaded")
            self.samples_button.setEnabled(False)
            self.own_button.setDefault(True)
        sample_note = QLabel(
            "The sample people are fictional (example.com addresses); the sample events are"
            " marked “(sample)” and go away with Help → Remove sample data."
        )
        sample_note.setObjectName("hintLabel")
        sample_note.setWordWrap(True)
        self.show_check = QCheckBox("Show at start")
        self.show_check.setChecked(show_at_start)
        self.show_check.setToolTip(
            "Show this when the app starts with no events; Help → Welcome… shows it at any time"
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_check)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.own_button)
        buttons.addWidget(self.samples_button)
        layout.addSpacing(6)
        layout.addWidget(sample_note)
        layout.addLayout(buttons)
        self.samples_button.clicked.connect(lambda: self._done(WelcomeChoice.SAMPLES))
        self.own_button.clicked.connect(lambda: self._done(WelcomeChoice.OWN_EVENT))
        self.close_button.clicked.connect(lambda: self._done(WelcomeChoice.CLOSE))
        # A fixed width lets the wrapped texts ask for the height they need.
        self.setFixedWidth(720)
        self.adjustSize()

    def _done(self, choice: WelcomeChoice) -> None:
        self.choice = choice
        self.accept()
