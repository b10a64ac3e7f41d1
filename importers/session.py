"""Facts about the session a webinar report states in its preamble (start, duration ...).

Reports write these facts three ways, and all three are read:

* a label and its value side by side: ``Start time<TAB>3/20/25, 3:58:02 PM`` (Teams);
* a label row with the values in the row below: ``Topic,Webinar ID,Actual Start Time``
  then ``Zero Trust,847 5984 1045,"Mar 12, 2025 10:00 AM"`` (Zoom);
* ``Label: value`` in one cell of a title block: ``Event Title: Data Residency`` (ON24).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from importers.headings import alternatives, heading_variants, minutes_value, normalise_heading
from importers.profiles import SessionFact
from importers.scan import Row


def _value_below(rows: list[Row], start: int, column: int, skip: set[int]) -> str:
    for index in range(start + 1, len(rows)):
        row = rows[index]
        if row.blank:
            continue
        if index in skip:
            return ""
        return row.cells[column] if column < len(row.cells) else ""
    return ""


def _find(rows: list[Row], skip: set[int], spellings: tuple[str, ...]) -> str:
    for index, row in enumerate(rows):
        if row.blank or index in skip:
            continue
        if row.filled == 1 and ":" in row.first:
            label, _, value = row.first.partition(":")
            if normalise_heading(label) in spellings and value.strip():
                return value.strip()
        for column, cell in enumerate(row.cells):
            if not cell or not any(v in spellings for v in heading_variants(cell)):
                continue
            if row.filled == 2:
                value = row.cells[column + 1] if column + 1 < len(row.cells) else ""
                if value:
                    return value
                continue
            if row.filled > 2:
                found = _value_below(rows, index, column, skip)
                if found:
                    return found
    return ""


def extract_session(
    rows: list[Row], skip: Iterable[int], facts: Iterable[SessionFact]
) -> dict[str, Any]:
    """Read each fact from the rows outside the lead table.

    Args:
        rows: the sheet's rows.
        skip: indexes of the rows that belong to the lead table (never read for facts).
        facts: what to look for, from the profile.

    Returns:
        Fact key -> value (text, or minutes as a number for ``kind: minutes``); facts
        the file does not state are left out.
    """
    skipped = set(skip)
    session: dict[str, Any] = {}
    for fact in facts:
        value = _find(rows, skipped, alternatives(fact.labels))
        if value:
            session[fact.key] = minutes_value(value) if fact.kind == "minutes" else value
    return session
