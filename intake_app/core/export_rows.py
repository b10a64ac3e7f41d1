"""What a MAP or CRM import file holds: rows per export profile, and who is left out why.

Pure: leads in, an :class:`ExportPlan` out. The service reads the leads and
writes the files; this module decides the columns, the values as the platform
wants them, the program status, the files (Marketo: one per status) and the
exclusions (required fields missing, opted out, blocking issues).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any

import pycountry

from intake_app.core.engagement import attended
from intake_app.core.geo import country_name
from intake_app.core.scoring import Score, Scorer
from schemas import CorporateSchema, ExportColumn, ExportProfile

# The generic export's tail after the canonical fields (DESIGN §6).
GENERIC_TAIL = (
    "event_id", "event_name", "program_status", "person_id", "fit_score", "engagement_score",
    "lead_score", "grade", "treatment", "issues", "source_file", "source_rows",
)  # fmt: skip
ERROR_HEAD = ("reason", "source_file", "source_rows")


@dataclass(frozen=True)
class ExportLead:
    """One stored lead as the export sees it."""

    lead_id: int
    person_id: int
    values: Mapping[str, Any]  # canonical fields
    extra: Mapping[str, Any]  # import targets (company_size, questions, ...)
    issues: Sequence[Mapping[str, Any]]
    source_file: str
    source_rows: Sequence[int]
    exported_before: bool = False  # this lead went out with this profile before
    person_known: bool = False  # this person went out with this profile (any event) before


@dataclass(frozen=True)
class EventFacts:
    id: int
    name: str
    channel: str
    campaign_id: str | None


@dataclass(frozen=True)
class Excluded:
    lead: ExportLead
    reason: str
    fixable: bool  # goes to the errors file (an opt-out does not: there is nothing to fix)


@dataclass(frozen=True)
class ExportRow:
    lead: ExportLead
    status: str
    score: Score
    cells: tuple[str, ...]


@dataclass
class ExportPlan:
    profile: ExportProfile
    headers: tuple[str, ...]
    rows: list[ExportRow] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)

    def files(self) -> dict[str | None, list[ExportRow]]:
        """Rows per file: per program status when the profile splits, else one file (None)."""
        if not self.profile.split_by_status:
            return {None: self.rows}
        split: dict[str | None, list[ExportRow]] = {}
        for row in self.rows:
            split.setdefault(row.status, []).append(row)
        return split

    def counts(self) -> dict[str, Any]:
        return {
            "rows": len(self.rows),
            "new": sum(1 for row in self.rows if not row.lead.exported_before),
            "exported_before": sum(1 for row in self.rows if row.lead.exported_before),
            "new_people": sum(1 for row in self.rows if not row.lead.person_known),
            "known_people": sum(1 for row in self.rows if row.lead.person_known),
            "excluded": len(self.excluded),
            "by_status": dict(Counter(row.status for row in self.rows)),
            "by_treatment": dict(Counter(row.score.treatment for row in self.rows)),
            "excluded_reasons": dict(Counter(item.reason for item in self.excluded)),
        }


def program_status(schema: CorporateSchema, channel: str, lead: ExportLead) -> str:
    """The first status rule of the event's channel that the lead meets."""
    rules = schema.program_statuses.get(channel, ())
    came = attended(lead.extra)
    level = lead.values.get("engagement_level")
    for rule in rules:
        if rule.attended is not None and came is not rule.attended:
            continue
        if rule.engagement and level not in rule.engagement:
            continue
        return rule.status
    return ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@lru_cache(maxsize=4096)
def _state_name(code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=code)  # type: ignore[no-untyped-call]
    return str(subdivision.name) if subdivision else code


def consent_basis(consent: object) -> str:
    return "opted_in" if consent == "opted_in" else "unknown"


def _description(lead: ExportLead, row_score: Score, event: EventFacts) -> str:
    parts = [f"Event: {event.name}"]
    detail = lead.values.get("engagement_detail")
    if detail:
        parts.append(f"Engagement: {lead.values.get('engagement_level')} ({detail})")
    parts.append(f"Grade {row_score.grade}, {row_score.treatment}")
    if lead.values.get("notes"):
        parts.append(f"Notes: {lead.values['notes']}")
    return "; ".join(parts)


@dataclass(frozen=True)
class _Context:
    lead: ExportLead
    event: EventFacts
    status: str
    score: Score
    scored_at: datetime
    computed: dict[str, Any] = field(default_factory=dict)


def _context(
    lead: ExportLead, event: EventFacts, status: str, row_score: Score, scored_at: datetime
) -> _Context:
    """A row's values beyond its fields, worked out once for all of its columns."""
    values = lead.values
    consent = values.get("consent")
    computed: dict[str, Any] = {
        "program_status": status,
        "fit_score": row_score.fit,
        "engagement_score": row_score.engagement,
        "lead_score": row_score.total,
        "grade": row_score.grade,
        "treatment": row_score.treatment,
        "treatment_code": row_score.treatment_code,
        "event_name": event.name,
        "campaign_id": event.campaign_id,
        "person_id": lead.person_id,
        "opted_out": consent == "opted_out",
        "consent_basis": consent_basis(consent),
        "company_size": lead.extra.get("company_size"),
    }
    return _Context(lead, event, status, row_score, scored_at, computed)


def _value(name: str, ctx: _Context) -> Any:
    if name in ctx.computed:
        return ctx.computed[name]
    if name == "follow_up_due":
        due = ctx.score.follow_up_due(ctx.scored_at)
        return due.isoformat(timespec="minutes") if due else ""
    if name == "description":
        return _description(ctx.lead, ctx.score, ctx.event)
    return ctx.lead.values.get(name)


def _cell(column: ExportColumn, profile: ExportProfile, ctx: _Context) -> str:
    if column.constant is not None:
        return column.constant
    assert column.value is not None
    value = _value(column.value, ctx)
    if value is None or value == "":
        return ""
    text = _text(value)
    country = str(ctx.lead.values.get("country") or "")
    match column.format:
        case "country_name":
            text = country_name(text)
        case "state_code" | "state_name":
            if profile.states_for is not None and country not in profile.states_for:
                return ""  # the platform's picklist has no states for this country
            if column.format == "state_code":
                text = text.split("-", 1)[1] if "-" in text else text
            else:
                text = _state_name(text)
        case "bool":
            text = "true" if value is True or text == "true" else "false"
        case "lower":
            text = text.lower()
        case None:
            pass
    if column.map:
        text = profile.value_maps[column.map].get(text, text)
    return text


def _blocking(lead: ExportLead, profile: ExportProfile, labels: Mapping[str, str]) -> str | None:
    for name in profile.required:
        if not lead.values.get(name):
            problem = next(
                (i for i in lead.issues if i.get("field") == name and i.get("severity") == "error"),
                None,
            )
            why = f": {problem['message']}" if problem else ""
            platform = profile.label.split(" —")[0]
            return f"no {labels.get(name, name).lower()}, which {platform} needs{why}"
    return None


def generic_headers(schema: CorporateSchema) -> tuple[str, ...]:
    return (*schema.field_names(), *GENERIC_TAIL)


def build_plan(
    schema: CorporateSchema,
    profile: ExportProfile,
    event: EventFacts,
    leads: Sequence[ExportLead],
    *,
    scored_at: datetime,
    only_new: bool = False,
    include_protected: bool = False,
) -> ExportPlan:
    """The rows of ``profile``'s file(s) for ``leads``, and every lead left out with why."""
    labels = {spec.name: spec.label for spec in schema.fields}
    columns = [c for c in profile.columns if include_protected or not c.protected]
    headers = generic_headers(schema) if profile.generic else tuple(c.header for c in columns)
    plan = ExportPlan(profile, headers)
    fields = tuple(schema.field_names())
    scorer = Scorer(schema.scoring_rules)
    for lead in leads:
        if only_new and lead.exported_before:
            continue
        if profile.opted_out == "exclude" and lead.values.get("consent") == "opted_out":
            plan.excluded.append(Excluded(lead, "opted out: left out of marketing files", False))
            continue
        blocking = _blocking(lead, profile, labels)
        if blocking:
            plan.excluded.append(Excluded(lead, blocking, True))
            continue
        row_score = scorer({**lead.extra, **lead.values})
        status = program_status(schema, event.channel, lead)
        ctx = _context(lead, event, status, row_score, scored_at)
        if profile.generic:
            cells = _generic_cells(fields, ctx)
        else:
            cells = tuple(_cell(column, profile, ctx) for column in columns)
        plan.rows.append(ExportRow(lead, status, row_score, cells))
    return plan


def _generic_cells(fields: tuple[str, ...], ctx: _Context) -> tuple[str, ...]:
    """The canonical fields as stored, then the contract's tail (DESIGN §6)."""
    lead, computed = ctx.lead, ctx.computed
    values = lead.values
    texts = [value if value.__class__ is str else _text(value) for value in map(values.get, fields)]
    texts.extend((
        str(ctx.event.id),
        ctx.event.name,
        ctx.status,
        str(lead.person_id),
        str(computed["fit_score"]),
        str(computed["engagement_score"]),
        str(computed["lead_score"]),
        computed["grade"],
        computed["treatment"],
        ";".join(str(issue.get("code", "")) for issue in lead.issues),
        lead.source_file,
        ";".join(str(n) for n in lead.source_rows),
    ))  # fmt: skip
    return tuple(texts)


def error_row(
    schema: CorporateSchema,
    reason: str,
    source_file: str,
    rows: Sequence[int],
    values: Mapping[str, Any],
) -> list[str]:
    """A row of the errors file: the reason and where, then the canonical fields to fix."""
    return [
        reason,
        source_file,
        ";".join(str(n) for n in rows),
        *(_text(values.get(name)) for name in schema.field_names()),
    ]


def error_headers(schema: CorporateSchema) -> tuple[str, ...]:
    return (*ERROR_HEAD, *schema.field_names())
