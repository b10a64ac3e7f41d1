"""Reading the leads of an event, as stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from intake_app.core.errors import NotFoundError
from intake_app.db.models import Event, ImportBatch, Lead, SourceRow
from intake_app.services.context import AppContext

CANONICAL_COLUMNS = (
    "first_name", "last_name", "email", "phone", "phone_ext", "mobile_phone", "company",
    "job_title", "job_level", "job_function", "industry", "country", "state", "city",
    "postal_code", "street", "website", "lead_source", "engagement_level", "engagement_detail",
    "consent", "consent_at", "consent_text", "notes",
)  # fmt: skip


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

    def to_json(self) -> dict[str, Any]:
        values = {
            key: (value.isoformat() if hasattr(value, "isoformat") else value)
            for key, value in self.values.items()
        }
        return {
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


class LeadService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def for_event(self, event_id: int) -> list[LeadRecord]:
        """The event's leads in the order they were stored, with their file rows."""
        with self.ctx.db.read() as session:
            if session.get(Event, event_id) is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            leads = list(
                session.scalars(select(Lead).where(Lead.event_id == event_id).order_by(Lead.id))
            )
            rows: dict[int, list[int]] = {}
            files: dict[int, str] = {}
            for lead_id, numbers, file_name in session.execute(
                select(SourceRow.lead_id, SourceRow.row_numbers, ImportBatch.file_name)
                .join(ImportBatch, ImportBatch.id == SourceRow.batch_id)
                .where(ImportBatch.event_id == event_id, SourceRow.lead_id.is_not(None))
            ):
                rows.setdefault(lead_id, []).extend(int(n) for n in numbers)
                files.setdefault(lead_id, file_name)
            return [
                LeadRecord(
                    id=lead.id,
                    event_id=lead.event_id,
                    person_id=lead.person_id,
                    values={name: getattr(lead, name) for name in CANONICAL_COLUMNS},
                    issues=list(lead.issues or []),
                    extra=dict(lead.extra_fields or {}),
                    source_file=files.get(lead.id),
                    source_rows=sorted(rows.get(lead.id, [])),
                    status=lead.status,
                )
                for lead in leads
            ]
