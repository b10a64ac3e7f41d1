"""The data model for the whole intake pipeline.

* ``Event``: a program (tradeshow, webcast, ...) with its SLA policy.
* ``ImportBatch``: one file imported into one event; commits whole or not at all.
* ``SourceRow``: the verbatim file row(s) behind a lead or a rejection.
* ``Person``: the dedupe identity across events.
* ``Lead``: one person's membership in one event, with the canonical fields.
* ``DuplicateCandidate`` / ``MergeDecision``: the review queue and reversible merges.
* ``AuditEntry``: who changed what, when, old -> new.
* ``SlaStamp``: list received, handed over, entered; corrections keep the original.
* ``TeamMember``: field marketers, ops owners and managers, for handovers and escalations.
* ``SlaNotification``: each SLA alert raised once (due soon, overdue, escalation, reassign).
* ``AppSetting``: team-wide settings kept in the database (SMTP server, ...).
* ``ExportRun`` / ``ExportedLead``: each MAP export, its files and the leads it carried.

The schema is created and changed only by the Alembic migrations in
``intake_app/db/migrations``; a test checks that they match these models.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from intake_app.db.base import Base, UTCDateTime, utcnow

SHORT = 40
MEDIUM = 255


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MEDIUM))
    event_type: Mapped[str] = mapped_column(String(SHORT), index=True)
    # Local wall-clock times in `timezone`; *_has_time is False for a date-only value.
    # A date-only start is stored at 00:00 and a date-only end at 23:59:59 of its day.
    start_at: Mapped[datetime] = mapped_column(DateTime())
    start_has_time: Mapped[bool] = mapped_column(default=False)
    end_at: Mapped[datetime] = mapped_column(DateTime())
    end_has_time: Mapped[bool] = mapped_column(default=False)
    timezone: Mapped[str] = mapped_column(String(64))
    country: Mapped[str | None] = mapped_column(String(2))
    owner: Mapped[str | None] = mapped_column(String(MEDIUM), index=True)
    ops_owner: Mapped[str | None] = mapped_column(String(MEDIUM))
    campaign_id: Mapped[str | None] = mapped_column(String(MEDIUM))
    sla_policy: Mapped[str] = mapped_column(String(SHORT))
    description: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(MEDIUM))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    batches: Mapped[list[ImportBatch]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )
    leads: Mapped[list[Lead]] = relationship(back_populates="event", passive_deletes="all")
    stamps: Mapped[list[SlaStamp]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (CheckConstraint("end_at >= start_at", name="end_after_start"),)


class ImportBatch(Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(1024))
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    file_size: Mapped[int] = mapped_column(Integer)
    detected_profile: Mapped[str | None] = mapped_column(String(SHORT))
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    read_options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rows_total: Mapped[int] = mapped_column(default=0)
    imported: Mapped[int] = mapped_column(default=0)
    flagged: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    duplicates_in_file: Mapped[int] = mapped_column(default=0)
    matched_existing: Mapped[int] = mapped_column(default=0)
    # committed, or rolled_back when the batch was undone as a whole.
    status: Mapped[str] = mapped_column(String(SHORT), default="committed")
    imported_by: Mapped[str] = mapped_column(String(MEDIUM))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship(back_populates="batches")
    source_rows: Mapped[list[SourceRow]] = relationship(
        back_populates="batch", cascade="all, delete-orphan", passive_deletes=True
    )


class Person(Base):
    """The dedupe identity: the same human at two events is one Person."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    first_name: Mapped[str | None] = mapped_column(String(MEDIUM))
    last_name: Mapped[str | None] = mapped_column(String(MEDIUM))
    email: Mapped[str | None] = mapped_column(String(MEDIUM))
    company: Mapped[str | None] = mapped_column(String(MEDIUM))
    # Blocking keys for matching (normalised email, E.164 phone, folded name, company).
    email_key: Mapped[str | None] = mapped_column(String(MEDIUM), index=True)
    phone_key: Mapped[str | None] = mapped_column(String(SHORT), index=True)
    name_key: Mapped[str | None] = mapped_column(String(MEDIUM), index=True)
    company_key: Mapped[str | None] = mapped_column(String(MEDIUM), index=True)
    # Set when this identity was merged into another one (reversible).
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL"), index=True
    )
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    leads: Mapped[list[Lead]] = relationship(back_populates="person")


class Lead(Base):
    """One person's membership in one event, normalised to the corporate schema."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="RESTRICT"), index=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL"), index=True
    )

    # Canonical fields (DESIGN §4).
    first_name: Mapped[str | None] = mapped_column(String(MEDIUM))
    last_name: Mapped[str | None] = mapped_column(String(MEDIUM))
    email: Mapped[str | None] = mapped_column(String(MEDIUM), index=True)
    phone: Mapped[str | None] = mapped_column(String(SHORT))
    phone_ext: Mapped[str | None] = mapped_column(String(SHORT))
    mobile_phone: Mapped[str | None] = mapped_column(String(SHORT))
    company: Mapped[str | None] = mapped_column(String(MEDIUM))
    job_title: Mapped[str | None] = mapped_column(String(MEDIUM))
    job_level: Mapped[str | None] = mapped_column(String(SHORT))
    job_function: Mapped[str | None] = mapped_column(String(SHORT))
    industry: Mapped[str | None] = mapped_column(String(80))
    country: Mapped[str | None] = mapped_column(String(2))
    state: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(MEDIUM))
    postal_code: Mapped[str | None] = mapped_column(String(SHORT))
    street: Mapped[str | None] = mapped_column(String(MEDIUM))
    website: Mapped[str | None] = mapped_column(String(MEDIUM))
    lead_source: Mapped[str | None] = mapped_column(String(80))
    engagement_level: Mapped[str] = mapped_column(String(SHORT), default="Unknown")
    engagement_detail: Mapped[str | None] = mapped_column(Text)
    consent: Mapped[str] = mapped_column(String(SHORT), default="unknown")
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_text: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)

    # Fields a company schema adds, by name; raw values as read, by canonical field.
    extra_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    raw_fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Per-field issues: [{"field", "code", "severity", "message"}].
    issues: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # len(issues), kept beside them so lists filter and sort on it in SQL (migration 0003).
    issue_count: Mapped[int] = mapped_column(default=0, server_default="0")

    program_status: Mapped[str | None] = mapped_column(String(80))
    # active, or rejected / merged / erased (kept for the audit trail).
    status: Mapped[str] = mapped_column(String(SHORT), default="active", index=True)
    fit_score: Mapped[int | None] = mapped_column()
    engagement_score: Mapped[int | None] = mapped_column()
    lead_score: Mapped[int | None] = mapped_column()
    grade: Mapped[str | None] = mapped_column(String(8))
    treatment: Mapped[str | None] = mapped_column(String(80))
    exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="leads")
    person: Mapped[Person] = relationship(back_populates="leads")
    source_rows: Mapped[list[SourceRow]] = relationship(back_populates="lead")

    __table_args__ = (
        UniqueConstraint("event_id", "person_id", name="one_lead_per_person"),
        Index("ix_leads_event_id_issue_count", "event_id", "issue_count"),
    )


class SourceRow(Base):
    """A file record exactly as read, with where it stood in the file."""

    __tablename__ = "source_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(
        ForeignKey("import_batches.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )
    sheet: Mapped[str | None] = mapped_column(String(MEDIUM))
    section: Mapped[str | None] = mapped_column(String(MEDIUM))
    # Row numbers as a spreadsheet program shows them (DESIGN §6).
    row_numbers: Mapped[list[Any]] = mapped_column(JSON)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    # lead, or rejected (with reject_reason), or erased (raw and row numbers emptied).
    outcome: Mapped[str] = mapped_column(String(SHORT), default="lead")
    reject_reason: Mapped[str | None] = mapped_column(Text)

    batch: Mapped[ImportBatch] = relationship(back_populates="source_rows")
    lead: Mapped[Lead | None] = relationship(back_populates="source_rows")


class DuplicateCandidate(Base):
    """A pair of leads that may be one person, waiting for a decision."""

    __tablename__ = "duplicate_candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True
    )
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    other_lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # pending, merged, kept_apart.
    status: Mapped[str] = mapped_column(String(SHORT), default="pending", index=True)
    decided_by: Mapped[str | None] = mapped_column(String(MEDIUM))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MergeDecision(Base):
    """One merge of two identities, with what is needed to undo it."""

    __tablename__ = "merge_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int | None] = mapped_column(
        ForeignKey("duplicate_candidates.id", ondelete="SET NULL")
    )
    surviving_person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    merged_person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="RESTRICT"), index=True
    )
    automatic: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # The values both sides had before the merge, so it can be reversed.
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_by: Mapped[str] = mapped_column(String(MEDIUM))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    undone_by: Mapped[str | None] = mapped_column(String(MEDIUM))
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditEntry(Base):
    """Who did what, when; ``changes`` maps a field to ``[old, new]``.

    ``event_id`` is a plain column, not a foreign key, so that the history of a
    deleted event survives it.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    user: Mapped[str] = mapped_column(String(MEDIUM))
    action: Mapped[str] = mapped_column(String(SHORT))
    entity: Mapped[str] = mapped_column(String(SHORT))
    entity_id: Mapped[int | None] = mapped_column()
    event_id: Mapped[int | None] = mapped_column(index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reason: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class SlaStamp(Base):
    """A moment in the intake SLA, recorded by the app (received, handed_over, entered).

    A manual correction adds a new stamp that ``replaces`` the earlier one, with
    a reason; the original stays for the audit trail.
    """

    __tablename__ = "sla_stamps"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(SHORT))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    by_user: Mapped[str] = mapped_column(String(MEDIUM))
    # app (recorded by an action), correction (a new time, with a reason) or
    # withdrawn (the stamp it replaces did not really happen, with a reason).
    source: Mapped[str] = mapped_column(String(SHORT), default="app")
    # The ops owner the leads were handed to (handed_over stamps).
    handed_to: Mapped[str | None] = mapped_column(String(MEDIUM))
    # What recorded it: "import 12", "export marketo", "Mark uploaded", ...
    note: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    replaces_id: Mapped[int | None] = mapped_column(
        ForeignKey("sla_stamps.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    event: Mapped[Event] = relationship(back_populates="stamps")

    __table_args__ = (
        CheckConstraint("kind IN ('received', 'handed_over', 'entered')", name="known_kind"),
    )


class MappingTemplate(Base):
    """A column mapping the user saved, applied again when the same headers return."""

    __tablename__ = "mapping_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MEDIUM), unique=True)
    # Stable hash of the normalised header set (importers.mapping.header_signature).
    header_signature: Mapped[str] = mapped_column(String(64), index=True)
    headers: Mapped[list[Any]] = mapped_column(JSON)
    # Source heading -> target name, or null to keep the column as an extra field.
    mapping: Mapped[dict[str, Any]] = mapped_column(JSON)
    profile: Mapped[str | None] = mapped_column(String(SHORT))
    created_by: Mapped[str] = mapped_column(String(MEDIUM))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    use_count: Mapped[int] = mapped_column(default=0)


class TeamMember(Base):
    """Someone the SLA names: an event owner, an ops owner, or the manager escalated to."""

    __tablename__ = "team_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(MEDIUM), unique=True)
    email: Mapped[str | None] = mapped_column(String(MEDIUM))
    # Who they are to the app: their login (``INTAKE_USER`` or the OS login; on
    # PostgreSQL the database login, which the row-level security policies use).
    login: Mapped[str | None] = mapped_column(String(MEDIUM), unique=True)
    # field_marketer, ops or manager
    role: Mapped[str] = mapped_column(String(SHORT))
    manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("team_members.id", ondelete="SET NULL")
    )
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (
        CheckConstraint("role IN ('field_marketer', 'ops', 'manager')", name="known_role"),
    )


class SlaNotification(Base):
    """An SLA alert for one stage of one event, raised once and kept for the in-app list."""

    __tablename__ = "sla_notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(SHORT))
    # due_soon, overdue, escalation, reassign
    kind: Mapped[str] = mapped_column(String(SHORT))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    message: Mapped[str] = mapped_column(Text)
    # Who was told by e-mail, or why not ("no SMTP server set", an SMTP error).
    emailed_to: Mapped[str | None] = mapped_column(Text)
    email_error: Mapped[str | None] = mapped_column(Text)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("event_id", "stage", "kind", "due_at"),)


class AppSetting(Base):
    """A team-wide setting stored with the data (never a password)."""

    __tablename__ = "app_settings"

    key: Mapped[str] = mapped_column(String(SHORT), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(MEDIUM))


class ExportRun(Base):
    """One export of an event's leads for a platform: who, when, the files and the counts."""

    __tablename__ = "exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    profile: Mapped[str] = mapped_column(String(SHORT))
    # [{"name", "sha256", "rows", "status"}], one per file written.
    files: Mapped[list[Any]] = mapped_column(JSON, default=list)
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # sha256 over the files' hashes: the same content exported again is not logged twice.
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    exported_by: Mapped[str] = mapped_column(String(MEDIUM))
    exported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ExportedLead(Base):
    """A lead carried by an export (so "only people not exported before" can be asked)."""

    __tablename__ = "exported_leads"

    export_id: Mapped[int] = mapped_column(
        ForeignKey("exports.id", ondelete="CASCADE"), primary_key=True
    )
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), primary_key=True, index=True
    )
