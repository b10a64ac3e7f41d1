"""Light and dark looks: following the desktop's colour scheme, or chosen in View → Theme.

Both use Qt's Fusion style, so a dark palette looks the same on every platform;
the app's style sheet (``resources/styles/app.qss``) is written for the light
look and turned dark by swapping its colours for their dark counterparts.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from intake_app.gui.state import window_settings
from intake_app.paths import resource

THEMES = {"system": "Follow the system", "light": "Light", "dark": "Dark"}
SETTING = "appearance/theme"

# Each colour of the light style sheet and its dark counterpart.
DARK_COLOURS = {
    "#f3f6f8": "#23292e", "#f7fafb": "#262c31", "#e9eef2": "#2c343a", "#e1f0f0": "#17393c",
    "#cfe8ea": "#1d4d52", "#e6eaee": "#3a434a", "#dde3e8": "#3a434a", "#f8d7da": "#4a2327",
    "#9fb7c2": "#5d7480", "#9aa7b1": "#7d8a94", "#33414e": "#d4dde4", "#1f2d3a": "#e8eef2",
    "#10212b": "#f0f4f7", "#5b6b79": "#a3b1bc", "#4b5d6b": "#b0bcc6", "#842029": "#f1aeb5",
    "#0b5f66": "#7fd6dd", "#0f8a94": "#2fb3bd", "#fff4d6": "#3d3416", "#ecd9a0": "#5c4d1f",
    "#5c4400": "#f3dc9b",
}  # fmt: skip


def chosen_theme() -> str:
    value = window_settings().value(SETTING, "system")
    return value if isinstance(value, str) and value in THEMES else "system"


def save_theme(choice: str) -> None:
    settings = window_settings()
    settings.setValue(SETTING, choice)
    settings.sync()


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return bool(hints.colorScheme() == Qt.ColorScheme.Dark)


def dark_palette() -> QPalette:
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#1e2327",
        QPalette.ColorRole.WindowText: "#e3e9ee",
        QPalette.ColorRole.Base: "#171b1f",
        QPalette.ColorRole.AlternateBase: "#20262b",
        QPalette.ColorRole.ToolTipBase: "#2c343a",
        QPalette.ColorRole.ToolTipText: "#e3e9ee",
        QPalette.ColorRole.PlaceholderText: "#7d8a94",
        QPalette.ColorRole.Text: "#e3e9ee",
        QPalette.ColorRole.Button: "#272e34",
        QPalette.ColorRole.ButtonText: "#e3e9ee",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#5fc8d0",
        QPalette.ColorRole.Highlight: "#1d6f76",
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):  # fmt: skip
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6b767f"))
    return palette


def style_sheet(dark: bool) -> str:
    path = resource("styles", "app.qss")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""
    if dark:
        for light, shade in DARK_COLOURS.items():
            text = text.replace(light, shade)
    return text


def apply_theme(app: QApplication, choice: str | None = None) -> bool:
    """Give ``app`` the chosen look; returns whether it is dark."""
    choice = choice or chosen_theme()
    dark = choice == "dark" or (choice == "system" and system_is_dark())
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    app.setStyleSheet(style_sheet(dark))
    app.setProperty("intake_dark", dark)
    return dark


def follow_system(app: QApplication) -> None:
    """Re-apply the look when the desktop switches between light and dark."""

    def changed(_scheme: object) -> None:
        if chosen_theme() == "system":
            apply_theme(app)

    QGuiApplication.styleHints().colorSchemeChanged.connect(changed)
