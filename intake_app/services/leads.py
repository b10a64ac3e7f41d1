"""The leads of an event: reading them as stored, paging them for the grid, editing them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.orm import Session

from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.lead_values import clean_text
from intake_app.core.normalise.contact import (
    normalise_country,
    normalise_email,
    normalise_phone,
    normalise_website,
)
from intake_app.core.normalise.people import fold
from intake_app.core.normalise.picklists import match_picklist
from intake_app.db.models import AuditEntry, Event, ImportBatch, Lead, SourceRow
from intake_app.services import access, audit, consent
from intake_app.services.context import AppContext

CANONICAL_COLUMNS = (
    "first_name", "last_name", "email", "phone", "phone_ext", "mobile_phone", "company",
    "job_title", "job_level", "job_function", "industry", "country", "state", "city",
    "postal_code", "street", "website", "lead_source", "engagement_level", "engagement_detail",
    "consent", "consent_at", "consent_text", "notes",
)  # fmt: skip
# Leads kept only for the record: folded into another lead, or erased (no personal data left).
HIDDEN_STATUSES = ("merged", "erased")


@dataclass(frozen=True)
class LeadRecord:
    id: int
    event_id: int
    person_id: int
    values: dict[str, Any]
    issues: list[dict[str, Any]]
    extra: dict[str, Any]
    source_file: str | None
    source_rows: list[int]
    status: str
    # Where the consent came from (services.consent), when asked for.
    consent_provenance: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        values = {
            key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in self.values.items()
        }
        data = {
            "id": self.id,
            "event_id": self.event_id,
            "person_id": self.person_id,
            **values,
            "status": self.status,
            "issues": self.issues,
            "extra": self.extra,
            "source_file": self.source_file,
            "source_rows": self.source_rows,
        }
        if self.consent_provenance is not None:
            data["consent_provenance"] = self.consent_provenance
        return data


def json_texts(texts: Sequence[str | None]) -> list[Any]:
    """JSON column texts as read with ``cast(column, Text)``, decoded in one call.

    One ``json.loads`` over all of them instead of one per cell: an export reads
    three JSON cells for each of 100,000 leads. SQL NULL decodes as None.
    """
    if not texts:
        return []
    decoded = json.loads("[" + ",".join("null" if t is None else t for t in texts) + "]")
    if not isinstance(decoded, list) or len(decoded) != len(texts):
        raise ValueError("A stored JSON value is not one JSON document.")
    return decoded


def source_rows(session: Session, event_id: int) -> tuple[dict[int, list[int]], dict[int, str]]:
    """Each lead's file row numbers (unsorted) and its first source file, for one event."""
    rows: dict[int, list[int]] = {}
    files: dict[int, str] = {}
    found = session.execute(
        select(SourceRow.lead_id, cast(SourceRow.row_numbers, Text), ImportBatch.file_name)
        .join(ImportBatch, ImportBatch.id == SourceRow.batch_id)
        .where(ImportBatch.event_id == event_id, SourceRow.lead_id.is_not(None))
    ).all()
    numbers_of = json_texts([numbers for _lead, numbers, _file in found])
    for (lead_id, _text, file_name), numbers in zip(found, numbers_of, strict=True):
        if lead_id is None:  # the query leaves these out; for the type checker
            continue
        rows.setdefault(lead_id, []).extend(int(n) for n in numbers or ())
        files.setdefault(lead_id, file_name)
    return rows, files


class LeadService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def for_event(self, event_id: int, *, with_consent: bool = False) -> list[LeadRecord]:
        """The event's leads in the order they were stored, with their file rows.

        Merged and erased leads are left out. ``with_consent`` adds where each
        lead's consent came from (file, rows, column, raw value, time of import).
        """
        with self.ctx.db.read() as session:
            if session.get(Event, event_id) is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            # Columns, not ORM objects: an export reads every lead of a 100,000-lead event.
            columns = [getattr(Lead, name) for name in CANONICAL_COLUMNS]
            leads = session.execute(
                select(
                    Lead.id,
                    Lead.event_id,
                    Lead.person_id,
                    Lead.issues,
                    Lead.extra_fields,
                    Lead.status,
                    *columns,
                )
                .where(Lead.event_id == event_id, Lead.status.not_in(HIDDEN_STATUSES))
                .order_by(Lead.id)
            ).all()
            rows, files = source_rows(session, event_id)
            provenance = consent.for_event(session, event_id) if with_consent else {}
            return [
                LeadRecord(
                    id=lead_id,
                    event_id=lead_event,
                    person_id=person_id,
                    values=dict(zip(CANONICAL_COLUMNS, values, strict=True)),
                    issues=list(issues or []),
                    extra=dict(extra or {}),
                    source_file=files.get(lead_id),
                    source_rows=sorted(rows.get(lead_id, [])),
                    status=status,
                    consent_provenance=(
                        provenance.get(lead_id, {"sources": [], "changes": []})
                        if with_consent
                        else None
                    ),
                )
                for lead_id, lead_event, person_id, issues, extra, status, *values in leads
            ]


# ------------------------------------------------------------------ the Leads page

GRID_COLUMNS = (
    "first_name", "last_name", "email", "company", "country", "state", "job_title", "job_level",
    "job_function", "industry", "engagement_level", "engagement_detail", "phone", "mobile_phone",
    "city", "postal_code", "website", "lead_source", "consent", "notes",
)  # fmt: skip
EDITABLE = frozenset(GRID_COLUMNS) | {"street", "phone_ext", "consent_text"}
PICKLIST_FIELDS = {
    "job_level": "job_level",
    "job_function": "job_function",
    "industry": "industry",
    "lead_source": "lead_source",
    "engagement_level": "engagement_level",
    "consent": "consent",
}
SEARCHED = ("first_name", "last_name", "email", "company", "job_title")


@dataclass(frozen=True)
class LeadQuery:
    """Which of an event's leads a grid shows, in which order."""

    event_id: int
    text: str = ""
    only_issues: bool = False
    sort: str | None = None  # a GRID_COLUMNS name, or "issue_count"; None: as stored
    descending: bool = False


@dataclass(frozen=True)
class GridRow:
    id: int
    values: dict[str, Any]
    issues: list[dict[str, Any]]


@dataclass(frozen=True)
class Edit:
    """One change to one lead's field, with what it replaced (for undo)."""

    lead_id: int
    field: str
    old: Any
    new: Any
    old_issues: list[dict[str, Any]]
    old_detail: str | None = None


def _filtered(query: LeadQuery) -> Select[Any]:
    statement = select(Lead).where(
        Lead.event_id == query.event_id, Lead.status.not_in(HIDDEN_STATUSES)
    )
    words = query.text.split()
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        statement = statement.where(
            or_(*(getattr(Lead, name).ilike(pattern, escape="\\") for name in SEARCHED))
        )
    if query.only_issues:
        statement = statement.where(Lead.issue_count > 0)
    return statement


class LeadGridService:
    """Pages of an event's leads for the grid, and edits of their fields with audit."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def count(self, query: LeadQuery) -> int:
        with self.ctx.db.read() as session:
            statement = _filtered(query).with_only_columns(func.count(Lead.id))
            return int(session.scalar(statement) or 0)

    def page(self, query: LeadQuery, offset: int, limit: int) -> list[GridRow]:
        """Rows ``offset`` .. ``offset + limit`` of the query, sorted in SQL."""
        columns = [getattr(Lead, name) for name in GRID_COLUMNS]
        statement = _filtered(query).with_only_columns(Lead.id, Lead.issues, *columns)
        if query.sort in (*GRID_COLUMNS, "issue_count"):
            column = getattr(Lead, query.sort)
            statement = statement.order_by(column.desc() if query.descending else column.asc())
        statement = statement.order_by(Lead.id).offset(offset).limit(limit)
        with self.ctx.db.read() as session:
            return [
                GridRow(
                    id=row[0],
                    issues=list(row[1] or []),
                    values=dict(zip(GRID_COLUMNS, row[2:], strict=True)),
                )
                for row in session.execute(statement)
            ]

    def details(self, lead_id: int) -> tuple[LeadRecord, list[AuditView]]:
        """One lead with its raw values, and its audit history (newest first)."""
        with self.ctx.db.read() as session:
            lead = session.get(Lead, lead_id)
            if lead is None:
                raise NotFoundError(f"There is no lead with id {lead_id}.")
            rows = session.execute(
                select(SourceRow.row_numbers, ImportBatch.file_name)
                .join(ImportBatch, ImportBatch.id == SourceRow.batch_id)
                .where(SourceRow.lead_id == lead_id)
            ).all()
            record = LeadRecord(
                id=lead.id,
                event_id=lead.event_id,
                person_id=lead.person_id,
                values={name: getattr(lead, name) for name in CANONICAL_COLUMNS},
                issues=list(lead.issues or []),
                extra={**dict(lead.extra_fields or {}), "raw": dict(lead.raw_fields or {})},
                source_file=rows[0][1] if rows else None,
                source_rows=sorted(int(n) for numbers, _ in rows for n in numbers),
                status=lead.status,
                consent_provenance=consent.for_leads(session, [lead_id]).get(
                    lead_id, {"sources": [], "changes": []}
                ),
            )
            history = [
                AuditView(entry.at, entry.user, entry.action, dict(entry.changes), entry.reason)
                for entry in session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.entity == "lead", AuditEntry.entity_id == lead_id)
                    .order_by(AuditEntry.id.desc())
                )
            ]
        return record, history

    def matching(self, event_id: int, field: str, text: str) -> list[int]:
        """The event's leads whose ``field`` holds ``text``, as stored or as read.

        A value the import could not place (an unknown industry) is empty in the
        column but kept in the raw values; both count, compared folded.
        """
        if field not in EDITABLE:
            raise ValidationError(f"{field!r} cannot be edited here.", field)
        wanted = fold(text)
        if not wanted:
            return []
        column = getattr(Lead, field)
        with self.ctx.db.read() as session:
            rows = session.execute(
                select(Lead.id, column, Lead.raw_fields).where(Lead.event_id == event_id)
            )
            return [
                lead_id
                for lead_id, value, raw in rows
                if fold(str(value or "")) == wanted
                or fold(str((raw or {}).get(field, ""))) == wanted
            ]

    # ------------------------------------------------------------ edits

    def check_value(self, field: str, text: str | None) -> str | None:
        """The value to store for ``field`` when a person types ``text``.

        Raises:
            ValidationError: the field cannot be edited, or the text is not a valid value.
        """
        if field not in EDITABLE:
            raise ValidationError(f"{field!r} cannot be edited here.", field)
        clean = clean_text(text or "")
        if not clean:
            if field in ("engagement_level", "consent"):
                return "Unknown" if field == "engagement_level" else "unknown"
            return None
        schema = self.ctx.schema
        if field in PICKLIST_FIELDS:
            match = match_picklist(schema, PICKLIST_FIELDS[field], clean)
            if match.value is None or match.how == "fuzzy":
                allowed = ", ".join(schema.picklists.get(PICKLIST_FIELDS[field], ()))
                raise ValidationError(
                    f"{clean!r} is not a {field} value; choose one of {allowed}.", field
                )
            return match.value
        checks = {
            "email": lambda: normalise_email(clean),
            "phone": lambda: normalise_phone(clean, None),
            "mobile_phone": lambda: normalise_phone(clean, None),
            "country": lambda: normalise_country(clean),
            "website": lambda: normalise_website(clean),
        }
        if field in checks:
            found = checks[field]()
            if found.value is None:
                reason = found.issues[0].message if found.issues else "it is not valid"
                raise ValidationError(f"{clean!r} cannot be stored as {field}: {reason}", field)
            return found.value
        if field in ("first_name", "last_name"):
            return clean[:255]
        return clean

    def update(
        self, lead_ids: list[int], field: str, text: str | None, *, reason: str | None = None
    ) -> list[Edit]:
        """Set ``field`` on every lead in ``lead_ids`` to the checked value.

        One transaction, an audit entry per lead. The field's open issues are
        closed: a person decided the value.

        Raises:
            ValidationError: the value is not valid for the field.
            NotFoundError: a lead does not exist.
        """
        access.require_leads(self.ctx, lead_ids, "edit leads of")
        value = self.check_value(field, text)
        edits: list[Edit] = []
        with self.ctx.db.write() as session:
            for lead_id in lead_ids:
                lead = session.get(Lead, lead_id)
                if lead is None:
                    raise NotFoundError(f"There is no lead with id {lead_id}.")
                old = getattr(lead, field)
                if old == value:
                    continue
                issues = list(lead.issues or [])
                edit = Edit(lead_id, field, old, value, issues, lead.engagement_detail)
                setattr(lead, field, value)
                lead.issues = [issue for issue in issues if issue.get("field") != field]
                lead.issue_count = len(lead.issues)
                if field == "engagement_level":
                    lead.engagement_detail = f"set by hand by {self.ctx.user}"
                audit.record(
                    session,
                    user=self.ctx.user,
                    action="edit",
                    entity="lead",
                    entity_id=lead_id,
                    event_id=lead.event_id,
                    changes={field: [audit.plain(old), audit.plain(value)]},
                    reason=reason,
                )
                edits.append(edit)
        return edits

    def revert(self, edits: list[Edit]) -> None:
        """Put back what ``edits`` replaced (undo); audited as an undo."""
        access.require_leads(self.ctx, [edit.lead_id for edit in edits], "edit leads of")
        with self.ctx.db.write() as session:
            for edit in edits:
                lead = session.get(Lead, edit.lead_id)
                if lead is None:
                    continue
                current = getattr(lead, edit.field)
                setattr(lead, edit.field, edit.old)
                lead.issues = list(edit.old_issues)
                lead.issue_count = len(lead.issues)
                if edit.field == "engagement_level":
                    lead.engagement_detail = edit.old_detail
                audit.record(
                    session,
                    user=self.ctx.user,
                    action="undo",
                    entity="lead",
                    entity_id=edit.lead_id,
                    event_id=lead.event_id,
                    changes={edit.field: [audit.plain(current), audit.plain(edit.old)]},
                )


@dataclass(frozen=True)
class AuditView:
    at: Any
    user: str
    action: str
    changes: dict[str, Any]
    reason: str | None
