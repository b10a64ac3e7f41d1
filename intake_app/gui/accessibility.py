"""Accessible names for every control, from what a sighted user reads next to it.

A screen reader announces a control by its accessible name. Most of the app's
controls sit beside a label (a form row, or "Owner" before a filter box); this
module gives each unnamed control the text of that label, makes the label its
buddy (so the label's mnemonic focuses it), and falls back on a placeholder or
on the control's object name ("leadsTable" → "Leads table"). Controls named by
hand keep their names.
"""

from __future__ import annotations

import re
from itertools import pairwise

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QTextEdit,
    QWidget,
)

CONTROLS = (QAbstractButton, QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QTextEdit)


def _clean(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.strip().rstrip(":").strip()


def _words(name: str) -> str:
    spaced = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).replace("_", " ").strip()
    return spaced[:1].upper() + spaced[1:].lower()


def is_internal(widget: QWidget) -> bool:
    """Qt's own parts of a control (a header, a combo's popup list, a scroll button)."""
    if isinstance(widget, QHeaderView) or widget.objectName().startswith("qt_"):
        return True
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QComboBox | QAbstractSpinBox | QLineEdit):
            return True
        if type(parent).__name__ == "QComboBoxPrivateContainer":
            return True
        parent = parent.parentWidget()
    return False


def needs_name(widget: QWidget) -> bool:
    if not isinstance(widget, CONTROLS) or is_internal(widget) or widget.accessibleName():
        return False
    return not (isinstance(widget, QAbstractButton) and _clean(widget.text()))


def _label_pairs(layout: QLayout) -> list[tuple[QLabel, QWidget]]:
    """(label, control) side by side: form rows, and a label followed by its control."""
    pairs: list[tuple[QLabel, QWidget]] = []
    if isinstance(layout, QFormLayout):
        for row in range(layout.rowCount()):
            label = layout.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field = layout.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label is None or field is None:
                continue
            label_widget, field_widget = label.widget(), field.widget()
            if isinstance(label_widget, QLabel) and field_widget is not None:
                pairs.append((label_widget, field_widget))
    items = [item for i in range(layout.count()) if (item := layout.itemAt(i)) is not None]
    for before, after in pairwise(items):
        beside, control = before.widget(), after.widget()
        if isinstance(beside, QLabel) and isinstance(control, CONTROLS):
            pairs.append((beside, control))
    for item in items:
        child = item.layout()
        if child is not None:
            pairs.extend(_label_pairs(child))
    return pairs


def name_controls(root: QWidget) -> int:
    """Give every unnamed control below ``root`` an accessible name; returns how many."""
    named = 0
    layouts = [root.layout()] + [w.layout() for w in root.findChildren(QWidget)]
    for layout in layouts:
        if layout is None:
            continue
        for label, control in _label_pairs(layout):
            text = _clean(label.text())
            if text and needs_name(control):
                control.setAccessibleName(text)
                if label.buddy() is None:
                    label.setBuddy(control)
                named += 1
    for widget in root.findChildren(QWidget):
        if not needs_name(widget):
            continue
        if isinstance(widget, QLineEdit) and widget.placeholderText():
            widget.setAccessibleName(_clean(widget.placeholderText()).rstrip("…."))
        elif widget.toolTip():
            widget.setAccessibleName(_clean(widget.toolTip()))
        elif widget.objectName():
            widget.setAccessibleName(_words(widget.objectName()))
        else:
            continue
        named += 1
    return named
