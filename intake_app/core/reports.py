"""Ops reports as pure functions: intake timeliness and SLA compliance, and data quality.

Inputs are plain records (one per event, one per import batch); outputs are
tables (header + rows, each aggregate row keeping the ids of its events for the
drill-down) and chart specifications that the GUI draws with QtCharts and the
file writers draw into HTML and PDF.

Definitions, used the same everywhere:

* A stage is *decided* once it is met, met late, or overdue (its deadline has
  passed). Upcoming, on-track, due-soon and waiting stages are not counted yet.
  An *event* is decided once all its stages are done or one is overdue, and is
  within SLA when every stage was met on time.
* *Within SLA* = met on time ÷ decided. *Leads within SLA* weighs each event by
  its number of leads.
* *Lateness* of a decided stage is the business days it was (or is) late, 0 when
  on time; an event's lateness is the sum over its stages. The median and the
  90th percentile (nearest rank) are over decided events.
* *Never arrived*: stage 1 is overdue and no list was ever imported.
* *Days to received / handed over / entered* are calendar days from the event's
  end; the average is over the events that have that stamp.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median
from typing import Any

from intake_app.core.sla import DAY, EventSla, StageStatus, Status

DECIDED = (Status.MET, Status.MET_LATE, Status.OVERDUE)
GROUPS = {
    "event": "Event",
    "owner": "Owner",
    "type": "Program type",
    "region": "Region",
    "month": "Month",
    "quarter": "Quarter",
}
LATENESS_BUCKETS = (
    ("on time", 0.0, 0.0),
    ("under 1 bd", 0.0, 1.0),
    ("1-2 bd", 1.0, 2.0),
    ("2-5 bd", 2.0, 5.0),
    ("over 5 bd", 5.0, math.inf),
)


# ------------------------------------------------------------------ inputs


@dataclass(frozen=True)
class EventFact:
    """One event as the timeliness report sees it."""

    event_id: int
    name: str
    event_type: str  # the type's label
    owner: str
    region: str
    leads: int
    state: EventSla  # at the report's moment
    escalated: bool  # any stage passed its escalation moment before it was done

    @property
    def ended(self) -> datetime:
        return self.state.event_end

    def month(self) -> str:
        local = self.ended.astimezone(self.state.calendar.zone)
        return f"{local:%Y-%m}"

    def quarter(self) -> str:
        local = self.ended.astimezone(self.state.calendar.zone)
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"

    def key(self, group: str) -> str:
        match group:
            case "event":
                return f"{self.name} (#{self.event_id})"
            case "owner":
                return self.owner or "(no owner)"
            case "type":
                return self.event_type
            case "region":
                return self.region
            case "month":
                return self.month()
            case "quarter":
                return self.quarter()
        raise ValueError(f"unknown group {group!r}")


@dataclass(frozen=True)
class BatchFact:
    """One import batch as the quality report sees it, with its leads' values."""

    event_id: int
    event_name: str
    platform: str  # the detected profile's label, or "(not recognised)"
    rows: int
    rejected: int
    rejected_reasons: Mapping[str, int]
    duplicates_in_file: int
    matched_existing: int
    leads: Sequence[Mapping[str, Any]]  # canonical values of the batch's active leads
    flagged: int  # leads with at least one issue


# ------------------------------------------------------------------ outputs


@dataclass(frozen=True)
class Table:
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...]
    # Per row, the ids of the events behind it (the drill-down).
    event_ids: tuple[tuple[int, ...], ...] = ()


@dataclass(frozen=True)
class Chart:
    title: str
    kind: str  # bar or line
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str  # "%", "events", "bd"


@dataclass(frozen=True)
class Report:
    code: str  # timeliness or quality
    title: str
    subtitle: str
    summary: tuple[tuple[str, str], ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = field(default=())


# ------------------------------------------------------------------ helpers


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (0 < share <= 1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def lateness_days(stage: StageStatus) -> float | None:
    """Business days (or, for an hours stage, 24-hour days) late; 0 on time; None undecided."""
    if stage.status not in DECIDED or stage.left_seconds is None:
        return None
    return max(0.0, -stage.left_seconds / DAY)


def _share(part: float, whole: float) -> float | None:
    return None if whole == 0 else part / whole


def _days_between(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / DAY


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


# ------------------------------------------------------------------ timeliness


@dataclass(frozen=True)
class StageFigures:
    decided: int
    met: int
    leads_decided: int
    leads_met: int
    lateness: tuple[float, ...]

    @property
    def within(self) -> float | None:
        return _share(self.met, self.decided)

    @property
    def leads_within(self) -> float | None:
        return _share(self.leads_met, self.leads_decided)

    @property
    def median_late(self) -> float | None:
        return median(self.lateness) if self.lateness else None

    @property
    def p90_late(self) -> float | None:
        return percentile(self.lateness, 0.9)


def stage_figures(facts: Sequence[EventFact], stage: str) -> StageFigures:
    """Figures of one stage (``hand_over`` or ``enter``) over the events that have it."""
    decided = met = leads_decided = leads_met = 0
    lateness: list[float] = []
    for fact in facts:
        found = next((s for s in fact.state.stages if s.stage == stage), None)
        if found is None:
            continue
        late = lateness_days(found)
        if late is None:
            continue
        decided += 1
        leads_decided += fact.leads
        lateness.append(late)
        if found.status is Status.MET:
            met += 1
            leads_met += fact.leads
    return StageFigures(decided, met, leads_decided, leads_met, tuple(lateness))


def event_lateness(fact: EventFact) -> float | None:
    """Business days the event's intake was late (summed over stages); None if undecided."""
    state = fact.state
    done = all(stage.done for stage in state.stages)
    overdue = any(stage.status is Status.OVERDUE for stage in state.stages)
    if not done and not overdue:
        return None
    return sum(lateness_days(stage) or 0.0 for stage in state.stages)


def event_figures(facts: Sequence[EventFact]) -> StageFigures:
    """The whole intake per event: within SLA when every stage was met on time."""
    decided = met = leads_decided = leads_met = 0
    lateness: list[float] = []
    for fact in facts:
        late = event_lateness(fact)
        if late is None:
            continue
        decided += 1
        leads_decided += fact.leads
        lateness.append(late)
        if fact.state.status is Status.MET:
            met += 1
            leads_met += fact.leads
    return StageFigures(decided, met, leads_decided, leads_met, tuple(lateness))


def entry_stage(fact: EventFact) -> StageStatus:
    """The stage that gets the leads into the MAP: the last one."""
    return fact.state.stages[-1]


def never_arrived(fact: EventFact) -> bool:
    first = fact.state.stages[0]
    return fact.state.stamps.received is None and first.status is Status.OVERDUE


def _group_row(key: str, facts: Sequence[EventFact]) -> tuple[Any, ...]:
    handover = stage_figures(facts, "hand_over")
    enter = stage_figures(facts, "enter")
    whole = event_figures(facts)
    return (
        key,
        len(facts),
        sum(f.leads for f in facts),
        _mean(_days_between(f.ended, f.state.stamps.received) for f in facts),
        _mean(_days_between(f.ended, f.state.stamps.handed_over) for f in facts),
        _mean(_days_between(f.ended, f.state.stamps.entered) for f in facts),
        whole.within,
        handover.within,
        enter.within,
        whole.leads_within,
        whole.median_late,
        whole.p90_late,
        sum(1 for f in facts if never_arrived(f)),
        sum(1 for f in facts if f.escalated),
    )


TIMELINESS_HEADERS = (
    "Group", "Events", "Leads", "Avg days to received", "Avg days to handed over",
    "Avg days to entered", "Events within SLA", "Handover within SLA", "Entry within SLA",
    "Leads within SLA", "Median lateness (bd)", "P90 lateness (bd)", "Never arrived",
    "Escalated",
)  # fmt: skip
COL_EVENTS_WITHIN, COL_HANDOVER_WITHIN = 6, 7
EVENT_HEADERS = (
    "Event", "Type", "Owner", "Region", "Ended", "Leads", "Days to received",
    "Days to handed over", "Days to entered", "Status", "Handover", "Entry", "Lateness (bd)",
    "Never arrived", "Escalated",
)  # fmt: skip


def grouped(
    facts: Sequence[EventFact], group: str, order: Callable[[str], Any] | None = None
) -> Table:
    buckets: dict[str, list[EventFact]] = {}
    for fact in facts:
        buckets.setdefault(fact.key(group), []).append(fact)
    keys = sorted(buckets, key=order or (lambda k: k.casefold()))
    return Table(
        f"By {GROUPS[group].lower()}",
        (GROUPS[group], *TIMELINESS_HEADERS[1:]),
        tuple(_group_row(key, buckets[key]) for key in keys),
        tuple(tuple(f.event_id for f in buckets[key]) for key in keys),
    )


def event_table(facts: Sequence[EventFact]) -> Table:
    ordered = sorted(facts, key=lambda f: (f.ended, f.event_id))
    rows = []
    for fact in ordered:
        stamps = fact.state.stamps
        stages = {stage.stage: stage for stage in fact.state.stages}
        handover = stages.get("hand_over")
        rows.append(
            (
                fact.name,
                fact.event_type,
                fact.owner,
                fact.region,
                f"{fact.ended.astimezone(fact.state.calendar.zone):%Y-%m-%d}",
                fact.leads,
                _days_between(fact.ended, stamps.received),
                _days_between(fact.ended, stamps.handed_over),
                _days_between(fact.ended, stamps.entered),
                fact.state.status.label,
                handover.status.label if handover else "—",
                entry_stage(fact).status.label,
                event_lateness(fact),
                "yes" if never_arrived(fact) else "",
                "yes" if fact.escalated else "",
            )
        )
    return Table("Events", EVENT_HEADERS, tuple(rows), tuple((f.event_id,) for f in ordered))


def timeliness_charts(facts: Sequence[EventFact]) -> tuple[Chart, ...]:
    months = grouped(facts, "month", order=lambda k: k)
    owners = grouped(facts, "owner")
    types = grouped(facts, "type")
    lateness = [late for fact in facts if (late := event_lateness(fact)) is not None]
    buckets = []
    for _label, low, high in LATENESS_BUCKETS:
        if high == 0.0:
            buckets.append(float(sum(1 for v in lateness if v == 0.0)))
        else:
            buckets.append(float(sum(1 for v in lateness if low < v <= high)))

    def percent(table: Table, column: int) -> tuple[float | None, ...]:
        return tuple(None if row[column] is None else row[column] * 100 for row in table.rows)

    return (
        Chart(
            "On-time share by month",
            "line",
            tuple(str(row[0]) for row in months.rows),
            (
                ("Events within SLA", percent(months, COL_EVENTS_WITHIN)),
                ("Handover within SLA", percent(months, COL_HANDOVER_WITHIN)),
            ),
            "%",
        ),
        Chart(
            "Lateness of the intake (decided events)",
            "bar",
            tuple(label for label, _low, _high in LATENESS_BUCKETS),
            (("Events", tuple(buckets)),),
            "events",
        ),
        Chart(
            "On-time share by owner",
            "bar",
            tuple(str(row[0]) for row in owners.rows),
            (("Events within SLA", percent(owners, COL_EVENTS_WITHIN)),),
            "%",
        ),
        Chart(
            "On-time share by program type",
            "bar",
            tuple(str(row[0]) for row in types.rows),
            (("Events within SLA", percent(types, COL_EVENTS_WITHIN)),),
            "%",
        ),
    )


def _fmt_share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _fmt_days(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def timeliness_report(
    facts: Sequence[EventFact], group: str, subtitle: str, now: datetime
) -> Report:
    whole = event_figures(facts)
    handover = stage_figures(facts, "hand_over")
    enter = stage_figures(facts, "enter")
    late = f"{_fmt_days(whole.median_late)} / {_fmt_days(whole.p90_late)}"
    summary = (
        ("Events", str(len(facts))),
        ("Leads", f"{sum(f.leads for f in facts):,}"),
        ("Events within SLA", _fmt_share(whole.within)),
        ("Leads within SLA", _fmt_share(whole.leads_within)),
        ("Handover within SLA (two-stage)", _fmt_share(handover.within)),
        ("Entry stage within SLA", _fmt_share(enter.within)),
        ("Median / P90 lateness (bd)", late),
        ("Never arrived", str(sum(1 for f in facts if never_arrived(f)))),
        ("Escalated", str(sum(1 for f in facts if f.escalated))),
        ("As of", f"{now:%Y-%m-%d %H:%M} UTC"),
    )
    order = (lambda k: k) if group in ("month", "quarter") else None
    tables = [grouped(facts, group, order=order)]
    if group != "event":
        tables.append(event_table(facts))
    return Report(
        "timeliness",
        "Intake timeliness and SLA compliance",
        subtitle,
        summary,
        tuple(tables),
        timeliness_charts(facts),
    )


# ------------------------------------------------------------------ data quality


QUALITY_FIELDS = (
    "email", "phone", "company", "job_title", "job_level", "job_function", "industry",
    "country", "state", "city",
)  # fmt: skip
UNKNOWN = {"job_level": "Unknown", "job_function": "Unknown", "engagement_level": "Unknown"}


def _filled(values: Mapping[str, Any], name: str) -> bool:
    value = values.get(name)
    return bool(value) and value != UNKNOWN.get(name)


def _quality_row(key: str, batches: Sequence[BatchFact]) -> tuple[Any, ...]:
    leads = [lead for batch in batches for lead in batch.leads]
    rows = sum(b.rows for b in batches)
    mix = Counter(str(lead.get("engagement_level") or "Unknown") for lead in leads)
    consent = sum(1 for lead in leads if lead.get("consent") not in (None, "", "unknown"))
    return (
        key,
        len({b.event_id for b in batches}),
        rows,
        len(leads),
        _share(sum(b.flagged for b in batches), len(leads)),
        _share(sum(b.rejected for b in batches), rows),
        sum(b.duplicates_in_file for b in batches),
        sum(b.matched_existing for b in batches),
        *(_share(sum(1 for lead in leads if _filled(lead, n)), len(leads)) for n in QUALITY_FIELDS),
        _share(mix["High"], len(leads)),
        _share(mix["Medium"], len(leads)),
        _share(mix["Low"], len(leads)),
        _share(consent, len(leads)),
    )


QUALITY_HEADERS = (
    "Group", "Events", "Rows read", "Leads", "Flagged", "Rejected", "Duplicates in file",
    "Matched existing",
    *(f"{name.replace('_', ' ').capitalize()} filled" for name in QUALITY_FIELDS),
    "High", "Medium", "Low", "Consent known",
)  # fmt: skip


FIELD_COLUMNS = 8  # where the completeness columns start in a quality row
VOLUME_COLUMNS = (*range(FIELD_COLUMNS), *range(FIELD_COLUMNS + len(QUALITY_FIELDS), 100))


def quality_table(batches: Sequence[BatchFact], by: str) -> tuple[Table, Table]:
    """Volumes, flags, engagement and consent; and the completeness of each field."""
    buckets: dict[str, list[BatchFact]] = {}
    for batch in batches:
        key = f"{batch.event_name} (#{batch.event_id})" if by == "event" else batch.platform
        buckets.setdefault(key, []).append(batch)
    keys = sorted(buckets, key=str.casefold)
    label = "event" if by == "event" else "source platform"
    headers = (label.capitalize(), *QUALITY_HEADERS[1:])
    rows = [_quality_row(key, buckets[key]) for key in keys]
    ids = tuple(tuple(sorted({b.event_id for b in buckets[key]})) for key in keys)
    volume = [i for i in VOLUME_COLUMNS if i < len(headers)]
    fields = [0, *range(FIELD_COLUMNS, FIELD_COLUMNS + len(QUALITY_FIELDS))]
    return (
        Table(
            f"By {label}",
            tuple(headers[i] for i in volume),
            tuple(tuple(row[i] for i in volume) for row in rows),
            ids,
        ),
        Table(
            f"Completeness by {label}",
            tuple(headers[i] for i in fields),
            tuple(tuple(row[i] for i in fields) for row in rows),
            ids,
        ),
    )


def rejection_table(batches: Sequence[BatchFact]) -> Table:
    reasons: Counter[str] = Counter()
    for batch in batches:
        reasons.update(batch.rejected_reasons)
    total = sum(b.rows for b in batches)
    rows = tuple((reason, n, _share(n, total)) for reason, n in reasons.most_common())
    return Table("Rejected rows by reason", ("Reason", "Rows", "Share of rows read"), rows)


def quality_report(batches: Sequence[BatchFact], subtitle: str) -> Report:
    overall = _quality_row("All", batches)
    by_event, event_fields = quality_table(batches, "event")
    platforms, platform_fields = quality_table(batches, "platform")
    completeness = tuple(
        (value * 100 if value is not None else None)
        for value in overall[8 : 8 + len(QUALITY_FIELDS)]
    )
    summary = (
        ("Imports", str(len(batches))),
        ("Rows read", f"{overall[2]:,}"),
        ("Leads", f"{overall[3]:,}"),
        ("Flagged", _fmt_share(overall[4])),
        ("Rejected", _fmt_share(overall[5])),
        ("Duplicates in file / matched existing", f"{overall[6]:,} / {overall[7]:,}"),
        ("Consent known", _fmt_share(overall[-1])),
    )
    charts = (
        Chart(
            "Completeness of the fields (all leads)",
            "bar",
            tuple(name.replace("_", " ") for name in QUALITY_FIELDS),
            (("Filled", completeness),),
            "%",
        ),
        Chart(
            "Flagged and rejected by source platform",
            "bar",
            tuple(str(row[0]) for row in platforms.rows),
            (
                ("Flagged", tuple(None if r[4] is None else r[4] * 100 for r in platforms.rows)),
                ("Rejected", tuple(None if r[5] is None else r[5] * 100 for r in platforms.rows)),
            ),
            "%",
        ),
    )
    return Report(
        "quality",
        "Lead data quality",
        subtitle,
        summary,
        (by_event, event_fields, platforms, platform_fields, rejection_table(batches)),
        charts,
    )


def cell_text(value: Any, header: str) -> str:
    """A table cell for people: shares as %, days with one decimal, None as a dash."""
    if value is None:
        return "—"
    if isinstance(value, float):
        if _is_share(header):
            return f"{value:.0%}"
        return f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _is_share(header: str) -> bool:
    return any(
        word in header
        for word in ("within SLA", "filled", "Flagged", "Rejected", "Share", "High", "Medium",
                     "Low", "Consent")
    ) and "Rows" not in header  # fmt: skip
