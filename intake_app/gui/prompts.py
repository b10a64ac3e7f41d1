"""Questions and messages to the user, behind one seam that tests can replace.

Widgets never call ``QMessageBox`` directly; they ask their :class:`Prompts`,
and a test swaps in a scripted one instead of clicking a modal box.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


class Prompts:
    def confirm(self, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        """Ask a yes/no question whose yes button is labelled ``action``."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        yes = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is yes

    def error(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.critical(parent, title, text)

    def info(self, parent: QWidget | None, title: str, text: str) -> None:
        QMessageBox.information(parent, title, text)
