"""Named periods of event-end dates, for the Dashboard's and the reports' filters."""

from __future__ import annotations

from datetime import date, timedelta


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def period_range(
    code: str, today: date, *, up_to_today: bool = False
) -> tuple[date | None, date | None]:
    """The first and last event-end date a period admits (None: no bound).

    Codes: ``30d`` and ``12m`` (up to today), ``quarter`` and ``year`` (to date),
    ``last_quarter``; anything else is all time. ``up_to_today`` ends "this
    quarter" and "this year" today, leaving out events that have not ended yet.
    """
    if code == "30d":
        return today - timedelta(days=30), today
    if code == "12m":
        return today - timedelta(days=365), today
    if code == "quarter":
        return quarter_start(today), today if up_to_today else None
    if code == "last_quarter":
        end = quarter_start(today) - timedelta(days=1)
        return quarter_start(end), end
    if code == "year":
        return date(today.year, 1, 1), today if up_to_today else None
    return None, None
