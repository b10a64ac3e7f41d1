"""Fold the rows of one person into one record (webinar reports with a row per join).

Zoom repeats an attendee once per join; only the first row carries the registration
details. The folded record keeps the first non-empty value of every column, sums the
minutes, keeps the earliest join and the latest leave, and lists every row number.
"""

from __future__ import annotations

from datetime import datetime

from importers.base import RawRecord
from importers.headings import format_minutes, parse_minutes
from importers.profiles import Aggregate

# Date-times as webinar platforms write them (export-formats.md 1.1-1.4, 7). Within one
# file every row uses one format, so the first format that reads all of a person's
# values orders them; day-first and month-first only differ across days, rarely
# within one session.
_TIME_FORMATS = (
    "%b %d, %Y %H:%M:%S",
    "%b %d, %Y %I:%M:%S %p",
    "%b %d, %Y %I:%M %p",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%m/%d/%y, %I:%M:%S %p",
    "%d/%m/%y, %H:%M:%S",
    "%m/%d/%Y, %I:%M:%S %p",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
)


def _parse_all(values: list[str]) -> list[datetime] | None:
    for pattern in _TIME_FORMATS:
        try:
            return [datetime.strptime(value, pattern) for value in values]
        except ValueError:
            continue
    return None


def _pick_time(values: list[str], *, latest: bool) -> str:
    """The earliest (latest) of ``values``; the first (last) in file order if unreadable."""
    present = [value for value in values if value]
    if not present:
        return ""
    parsed = _parse_all(present)
    if parsed is None:
        return present[-1] if latest else present[0]
    return present[parsed.index(max(parsed) if latest else min(parsed))]


def _sum_minutes(values: list[str]) -> str:
    present = [value for value in values if value]
    amounts = [parse_minutes(value) for value in present]
    known = [amount for amount in amounts if amount is not None]
    if not known:
        return present[0] if present else ""
    return format_minutes(sum(known), like=present[0])


def _key(record: RawRecord, groups: list[list[str]]) -> tuple[str, ...] | None:
    for position, headers in enumerate(groups):
        values = [record.values.get(header, "").strip().casefold() for header in headers]
        if headers and all(values):
            return (record.section or "", str(position), *values)
    return None


def merge_rejoins(
    records: list[RawRecord], rule: Aggregate, headers_by_target: dict[str, str]
) -> list[RawRecord]:
    """Fold records that share a key into one, in the order people first appear.

    Args:
        records: the lead rows, one per file row.
        rule: the profile's aggregate rule (targets).
        headers_by_target: which column holds each target in this table.

    Returns:
        One record per person (records without a usable key are kept as they are).
    """
    groups = [
        [headers_by_target[target] for target in group if target in headers_by_target]
        for group in rule.keys
    ]
    # A key group counts only when the table has every one of its columns.
    groups = [
        group for group, names in zip(groups, rule.keys, strict=True) if len(group) == len(names)
    ]
    buckets: dict[tuple[str, ...], list[RawRecord]] = {}
    order: list[tuple[str, ...] | RawRecord] = []
    for record in records:
        key = _key(record, groups)
        if key is None:
            order.append(record)
        elif key in buckets:
            buckets[key].append(record)
        else:
            buckets[key] = [record]
            order.append(key)
    merged: list[RawRecord] = []
    for item in order:
        if isinstance(item, RawRecord):
            merged.append(item)
        else:
            merged.append(_fold(buckets[item], rule, headers_by_target))
    return merged


def _fold(rows: list[RawRecord], rule: Aggregate, headers_by_target: dict[str, str]) -> RawRecord:
    if len(rows) == 1:
        return rows[0]
    values = dict(rows[0].values)
    for later in rows[1:]:
        for header, value in later.values.items():
            if value and not values.get(header):
                values[header] = value
    column = headers_by_target

    def each(target: str) -> list[str]:
        return [row.values.get(column[target], "") for row in rows]

    for target in rule.sum:
        if target in column:
            values[column[target]] = _sum_minutes(each(target))
    for target in rule.earliest:
        if target in column:
            values[column[target]] = _pick_time(each(target), latest=False)
    for target in rule.latest:
        if target in column:
            values[column[target]] = _pick_time(each(target), latest=True)
    numbers = tuple(sorted({number for row in rows for number in row.row_numbers}))
    return RawRecord(row_numbers=numbers, values=values, section=rows[0].section)
