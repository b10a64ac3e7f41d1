"""Erasing a person everywhere (GDPR Art. 17), and noticing when an import brings them back.

:meth:`PrivacyService.preview` finds who an erasure would touch, without
writing: every stored person whose e-mail key is the address (normalised as the
import does), everyone merged into or from them, their leads at every event, and
what each table holds about them. :meth:`PrivacyService.erase_person` then
removes it all in one write transaction.

**Blanked, not deleted**: a lead becomes status ``erased`` with every personal
column empty (names, e-mail, phones, company, title, job level and function,
industry, address, website, engagement detail, consent wording and time, notes,
extra and raw values, issues, scores, grade, treatment); only its event, its
(blank) person and the moment it was stored remain, so an event's lead count and
its SLA history (which belong to the event) do not change, and reports that
weigh events by their leads still add up. Its file rows keep their place in the
batch but lose the values and row numbers; the person keeps its id with every
column and key empty and ``erased_at`` set. Merge decisions keep who decided and
when but lose their snapshots and reasons (such a merge can no longer be undone).

**Deleted**: review pairs involving the leads (``duplicate_candidates``) and the
record of which exports carried them (``exported_leads``; the export's own
counts and file hashes stay). Audit entries about the leads keep their action,
user and time; their values and reasons are scrubbed, and so is the person's
address, phone or name wherever another entry mentions it.

**The tombstone** is an audit entry ``erase``: when, who, how many rows of each
table, which events and import batches. It never holds the address. By default
it holds a keyed hash of it (HMAC-SHA256 with a random key kept in this
database's settings and nowhere else), so that an import can flag the address if
it comes back; without the key the hash is useless elsewhere and cannot be
reversed with a list of addresses, but anyone holding the database can test an
address they already know. ``reimport_check=False`` keeps nothing that points to
the person at all.

**Free space**: SQLite runs with ``secure_delete`` (session.py), so the bytes are
overwritten; after the erasure the WAL is checkpointed and truncated, and the
database file is searched for the person's address and phones. Anything left
(free pages written before ``secure_delete`` was on) triggers a ``VACUUM``.
"""

from __future__ import annotations

import hmac
import json
import logging
import mmap
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.lead_values import clean_text, email_key
from intake_app.core.normalise.contact import normalise_email
from intake_app.db.base import utcnow
from intake_app.db.models import (
    AppSetting,
    AuditEntry,
    DuplicateCandidate,
    Event,
    ExportedLead,
    ExportRun,
    ImportBatch,
    Lead,
    MergeDecision,
    Person,
    SourceRow,
)
from intake_app.db.session import (
    checkpoint_wal,
    dirty_free_pages,
    sqlite_backups,
    sqlite_file,
    sqlite_files,
    vacuum_sqlite,
)
from intake_app.services import access, audit
from intake_app.services.context import AppContext
from intake_app.services.leads import CANONICAL_COLUMNS

log = logging.getLogger(__name__)

ERASED = "erased"
SETTING_KEY = "privacy"  # app_settings row with the key of the re-import check
ERASED_VALUE = "[erased]"
_CHUNK = 500

# Every lead column that says something about the person, and what it becomes.
_BLANK_LEAD: dict[str, Any] = {
    **{name: None for name in CANONICAL_COLUMNS},
    "engagement_level": "Unknown",  # NOT NULL: the "not known" value
    "consent": "unknown",
    "extra_fields": {},
    "raw_fields": {},
    "issues": [],
    "issue_count": 0,
    "program_status": None,
    "fit_score": None,
    "engagement_score": None,
    "lead_score": None,
    "grade": None,
    "treatment": None,
    "exported_at": None,
    "status": ERASED,
}
_BLANK_PERSON: dict[str, Any] = {
    "first_name": None,
    "last_name": None,
    "email": None,
    "company": None,
    "email_key": None,
    "phone_key": None,
    "name_key": None,
    "company_key": None,
}


def address_key(text: str) -> str:
    """The e-mail key of an address as typed: normalised as the import does, then folded."""
    clean = clean_text(text or "")
    normalised = normalise_email(clean).value if clean else None
    key = email_key(normalised or clean)
    if not key:
        raise ValidationError("Give the e-mail address of the person to erase.", "email")
    return key


def address_mark(secret: str, key: str) -> str:
    """The keyed hash an erasure keeps of an address key (HMAC-SHA256, hex)."""
    return hmac.new(bytes.fromhex(secret), key.encode("utf-8"), "sha256").hexdigest()


@dataclass(frozen=True)
class ExportTrace:
    """An export that carried an erased lead: its files are outside the database."""

    export_id: int
    event_id: int
    profile: str
    files: list[str]
    exported_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "event_id": self.event_id,
            "profile": self.profile,
            "files": self.files,
            "exported_at": audit.plain(self.exported_at),
        }


@dataclass
class _Found:
    persons: list[Person] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    lead_rows: list[int] = field(default_factory=list)  # source rows of the leads
    other_rows: list[int] = field(default_factory=list)  # rejected rows with the address
    rows_per_batch: dict[int, int] = field(default_factory=dict)
    candidates: list[int] = field(default_factory=list)
    decisions: list[int] = field(default_factory=list)
    exported: int = 0
    exports: list[ExportTrace] = field(default_factory=list)
    audit_whole: list[int] = field(default_factory=list)  # entries about the leads
    audit_mentions: dict[int, tuple[dict[str, Any], str | None]] = field(default_factory=dict)
    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def counts(self) -> dict[str, int]:
        return {
            "persons": len(self.persons),
            "leads": len(self.leads),
            "source_rows": len(self.lead_rows) + len(self.other_rows),
            "duplicate_candidates": len(self.candidates),
            "merge_decisions": len(self.decisions),
            "audit_log": len(self.audit_whole) + len(self.audit_mentions),
            "exported_leads": self.exported,
        }


@dataclass(frozen=True)
class ErasurePlan:
    """What an erasure would remove, for the confirmation; nothing is written."""

    address: str
    person_ids: list[int]
    lead_ids: list[int]
    names: list[str]  # the people's names as stored, to say who is meant
    events: list[tuple[int, str]]
    counts: dict[str, int]
    exports: list[ExportTrace]
    backups: list[Path]  # SQLite copies in the database's folder, made before upgrades

    def to_json(self) -> dict[str, Any]:
        return {
            "email": self.address,
            "persons": self.person_ids,
            "leads": self.lead_ids,
            "names": self.names,
            "events": [{"id": event_id, "name": name} for event_id, name in self.events],
            "counts": self.counts,
            "exports": [trace.to_json() for trace in self.exports],
            "backups": [str(path) for path in self.backups],
        }


@dataclass(frozen=True)
class ErasureResult:
    plan: ErasurePlan
    counts: dict[str, int]
    tombstone_id: int
    reimport_check: bool
    wal_truncated: bool | None  # None: not a SQLite file
    vacuumed: bool
    remnants: list[str]  # database files that still hold the address or a phone

    def to_json(self) -> dict[str, Any]:
        return {
            "erased": True,
            "email": self.plan.address,
            "persons": self.plan.person_ids,
            "events": [event_id for event_id, _name in self.plan.events],
            "removed": self.counts,
            "tombstone_audit_id": self.tombstone_id,
            "reimport_check": self.reimport_check,
            "wal_truncated": self.wal_truncated,
            "vacuumed": self.vacuumed,
            "remnants": self.remnants,
            "still_outside_the_database": {
                "exports": [trace.to_json() for trace in self.plan.exports],
                "backups": [str(path) for path in self.plan.backups],
            },
        }


# ------------------------------------------------------------------ finding


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


def _seed_persons(session: Session, key: str | None, person_id: int | None) -> set[int]:
    found: set[int] = set()
    if key is not None:
        found.update(
            session.scalars(
                select(Person.id).where(
                    or_(Person.email_key == key, Person.email == key),
                    Person.erased_at.is_(None),
                )
            )
        )
        # A role mailbox has no e-mail key, and a lead may carry an address its person lacks.
        found.update(
            session.scalars(select(Lead.person_id).where(Lead.email == key, Lead.status != ERASED))
        )
    if person_id is not None and session.get(Person, person_id) is not None:
        found.add(person_id)
    return found


def _merged_closure(session: Session, seeds: set[int]) -> set[int]:
    """The people merged into or from ``seeds``, and so on: one human by decision."""
    found = set(seeds)
    frontier = set(seeds)
    while frontier:
        more: set[int] = set()
        for part in _chunks(frontier):
            more.update(session.scalars(select(Person.id).where(Person.merged_into_id.in_(part))))
            more.update(
                target
                for target in session.scalars(
                    select(Person.merged_into_id).where(Person.id.in_(part))
                )
                if target is not None
            )
        frontier = more - found
        found |= frontier
    return found


def _text_values(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _text_values(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _text_values(value)


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


class _Needles:
    """The person's identifying strings, to find them in free text and JSON."""

    def __init__(self, emails: set[str], phones: set[str], names: set[str]) -> None:
        self.emails = {e.casefold() for e in emails if len(e) >= 5}
        self.names = {n.casefold() for n in names if len(n) >= 5}
        self.phones = {p for p in phones if len(_digits(p)) >= 7}
        self.phone_digits = {_digits(p) for p in self.phones}
        parts = sorted(self.emails | self.names | self.phones, key=len, reverse=True)
        self.pattern = (
            re.compile("|".join(re.escape(part) for part in parts), re.IGNORECASE)
            if parts
            else None
        )

    def in_text(self, text: str) -> bool:
        return self.pattern is not None and self.pattern.search(text) is not None

    def in_row(self, raw: dict[str, Any]) -> bool:
        """A rejected file row of this person: the same address, or the same phone."""
        for name, value in (raw or {}).items():
            if not isinstance(value, str):
                continue
            if name == "email" and email_key(value) in self.emails:
                return True
            if name in ("phone", "mobile_phone") and _digits(value) in self.phone_digits:
                return True
        return False

    def scrub(self, data: Any) -> Any:
        if self.pattern is None:
            return data
        if isinstance(data, str):
            return self.pattern.sub(ERASED_VALUE, data)
        if isinstance(data, dict):
            return {key: self.scrub(value) for key, value in data.items()}
        if isinstance(data, list | tuple):
            return [self.scrub(value) for value in data]
        return data


def _needles(session: Session, found: _Found, key: str | None, earlier: set[str]) -> _Needles:
    emails: set[str] = {key} if key else set()
    emails.update(email_key(value) or value for value in earlier if "@" in value)
    groups: list[set[str]] = [{value} for value in earlier if "@" not in value]
    names: set[str] = set()
    for person in found.persons:
        if person.email:
            emails.add(person.email)
        first, last = person.first_name, person.last_name
        if first and last:
            names.update({f"{first} {last}", f"{last}, {first}"})
    for lead in found.leads:
        raw = dict(lead.raw_fields or {})
        for value in (lead.email, raw.get("email")):
            if isinstance(value, str) and value.strip():
                emails.add(email_key(value) or value)
        for name in ("phone", "mobile_phone"):
            group = {
                value.strip()
                for value in (getattr(lead, name), raw.get(name))
                if isinstance(value, str) and value.strip()
            }
            if group:
                groups.append(group)
        first, last = lead.first_name, lead.last_name
        if first and last:
            names.update({f"{first} {last}", f"{last}, {first}"})
        full = raw.get("full_name")
        if isinstance(full, str) and len(full.split()) > 1:
            names.add(" ".join(full.split()))
    # A phone other people still have (a switchboard) is not theirs to scrub or look for.
    stored = sorted({phone for group in groups for phone in group})
    mine = [person.id for person in found.persons]
    shared: set[str] = set()
    for start in range(0, len(stored), _CHUNK):
        part = stored[start : start + _CHUNK]
        for column in (Lead.phone, Lead.mobile_phone):
            shared.update(
                str(phone)
                for phone in session.scalars(
                    select(column).where(
                        column.in_(part), Lead.person_id.not_in(mine), Lead.status != ERASED
                    )
                )
            )
    phones = {phone for group in groups if not group & shared for phone in group}
    found.emails, found.phones, found.names = emails, phones, names
    return _Needles(emails, phones, names)


def _find(session: Session, key: str | None, person_id: int | None) -> _Found:
    found = _Found()
    ids = _merged_closure(session, _seed_persons(session, key, person_id))
    if not ids:
        return found
    for part in _chunks(ids):
        found.persons.extend(
            session.scalars(select(Person).where(Person.id.in_(part), Person.erased_at.is_(None)))
        )
        found.leads.extend(
            session.scalars(select(Lead).where(Lead.person_id.in_(part), Lead.status != ERASED))
        )
    found.persons.sort(key=lambda person: person.id)
    found.leads.sort(key=lambda lead: lead.id)
    lead_ids = [lead.id for lead in found.leads]
    person_ids = [person.id for person in found.persons]

    runs: set[int] = set()
    for part in _chunks(lead_ids):
        for row_id, batch_id in session.execute(
            select(SourceRow.id, SourceRow.batch_id).where(SourceRow.lead_id.in_(part))
        ):
            found.lead_rows.append(row_id)
            found.rows_per_batch[batch_id] = found.rows_per_batch.get(batch_id, 0) + 1
        found.candidates.extend(
            session.scalars(
                select(DuplicateCandidate.id).where(
                    or_(
                        DuplicateCandidate.lead_id.in_(part),
                        DuplicateCandidate.other_lead_id.in_(part),
                    )
                )
            )
        )
        carried = list(
            session.scalars(select(ExportedLead.export_id).where(ExportedLead.lead_id.in_(part)))
        )
        found.exported += len(carried)
        runs.update(carried)
    for part in _chunks(runs):
        for run in session.scalars(select(ExportRun).where(ExportRun.id.in_(part))):
            found.exports.append(
                ExportTrace(
                    export_id=run.id,
                    event_id=run.event_id,
                    profile=run.profile,
                    files=[str(item.get("name")) for item in run.files or []],
                    exported_at=run.exported_at,
                )
            )
    for part in _chunks(person_ids):
        found.decisions.extend(
            session.scalars(
                select(MergeDecision.id).where(
                    or_(
                        MergeDecision.surviving_person_id.in_(part),
                        MergeDecision.merged_person_id.in_(part),
                    )
                )
            )
        )
    found.decisions = sorted(set(found.decisions))
    found.candidates = sorted(set(found.candidates))
    found.exports.sort(key=lambda trace: trace.export_id)

    whole: set[int] = set()
    for part in _chunks(lead_ids):
        whole.update(
            session.scalars(
                select(AuditEntry.id).where(
                    AuditEntry.entity == "lead", AuditEntry.entity_id.in_(part)
                )
            )
        )
    for part in _chunks(found.candidates):
        whole.update(
            session.scalars(
                select(AuditEntry.id).where(
                    AuditEntry.entity == "duplicate_candidate", AuditEntry.entity_id.in_(part)
                )
            )
        )
    found.audit_whole = sorted(whole)
    # Values the leads had before an edit: gone from the leads, maybe not from free space.
    earlier: set[str] = set()
    for part in _chunks(found.audit_whole):
        for changes in session.scalars(select(AuditEntry.changes).where(AuditEntry.id.in_(part))):
            for name in ("email", "phone", "mobile_phone"):
                earlier.update(
                    value for value in _text_values((changes or {}).get(name)) if value.strip()
                )
    needles = _needles(session, found, key, earlier)
    # Rows an import set aside (a VOID scan, a test registration) may carry the address too.
    for row_id, batch_id, raw in session.execute(
        select(SourceRow.id, SourceRow.batch_id, SourceRow.raw)
        .where(SourceRow.outcome == "rejected")
        .execution_options(yield_per=2000)
    ):
        if needles.in_row(raw):
            found.other_rows.append(row_id)
            found.rows_per_batch[batch_id] = found.rows_per_batch.get(batch_id, 0) + 1
    # Any other entry that names them (a reason typed by hand, a setting, ...).
    for entry_id, changes, reason in session.execute(
        select(AuditEntry.id, AuditEntry.changes, AuditEntry.reason).execution_options(
            yield_per=2000
        )
    ):
        if entry_id in whole:
            continue
        texts = [*list(_text_values(changes or {})), reason or ""]
        if any(needles.in_text(text) for text in texts):
            found.audit_mentions[entry_id] = (
                needles.scrub(changes or {}),
                needles.scrub(reason) if reason else reason,
            )
    return found


def _file_needles(found: _Found) -> list[bytes]:
    """Byte patterns of the address and phones as SQLite stores them (text and JSON)."""
    patterns: set[bytes] = set()
    for text in found.emails | found.phones:
        if len(_digits(text)) < 7 and "@" not in text:
            continue
        for form in (text, json.dumps(text)[1:-1]):
            patterns.add(re.escape(form.encode("utf-8")))
    return sorted(patterns)


def search_files(paths: Iterable[Path], patterns: list[bytes]) -> list[str]:
    """The files (of a SQLite database) whose bytes hold any pattern, ignoring ASCII case."""
    if not patterns:
        return []
    regex = re.compile(b"|".join(patterns), re.IGNORECASE)
    hits = []
    for path in paths:
        if not path.exists() or path.stat().st_size == 0:
            continue
        with (
            path.open("rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as view,
        ):
            if regex.search(view) is not None:
                hits.append(path.name)
    return hits


# ------------------------------------------------------------------ the service


class PrivacyService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def _plan(self, session: Session, found: _Found, key: str | None) -> ErasurePlan:
        event_ids = sorted({lead.event_id for lead in found.leads})
        names = {
            int(event_id): str(name)
            for event_id, name in session.execute(
                select(Event.id, Event.name).where(Event.id.in_(event_ids))
            )
        }
        people = []
        for person in found.persons:
            lead = next((x for x in found.leads if x.person_id == person.id), None)
            first = person.first_name or (lead.first_name if lead else None)
            last = person.last_name or (lead.last_name if lead else None)
            shown = " ".join(part for part in (first, last) if part)
            email = person.email or (lead.email if lead else None)
            if shown or email:
                people.append(f"{shown} <{email}>" if shown and email else shown or str(email))
        path = sqlite_file(self.ctx.db.url)
        return ErasurePlan(
            address=key or "",
            person_ids=[person.id for person in found.persons],
            lead_ids=[lead.id for lead in found.leads],
            names=list(dict.fromkeys(people)),
            events=[(event_id, str(names.get(event_id, ""))) for event_id in event_ids],
            counts=found.counts(),
            exports=found.exports,
            backups=sqlite_backups(path) if path is not None else [],
        )

    @staticmethod
    def _missing(key: str | None, person_id: int | None) -> NotFoundError:
        if key is not None:
            return NotFoundError(
                f"No person is stored with the e-mail address {key}; nothing was erased."
            )
        return NotFoundError(f"There is no person with id {person_id}; nothing was erased.")

    def preview(self, email: str | None = None, *, person_id: int | None = None) -> ErasurePlan:
        """Who and what :meth:`erase_person` would erase; nothing is written.

        Raises:
            ValidationError: neither an address nor a person was given.
            NotFoundError: nobody matches.
        """
        key = address_key(email) if email is not None else None
        if key is None and person_id is None:
            raise ValidationError("Give the e-mail address of the person to erase.", "email")
        with self.ctx.db.read() as session:
            found = _find(session, key, person_id)
            if not found.persons:
                raise self._missing(key, person_id)
            return self._plan(session, found, key)

    def erase_person(
        self,
        email: str | None = None,
        *,
        person_id: int | None = None,
        reimport_check: bool = True,
    ) -> ErasureResult:
        """Erase everything stored about the person with ``email`` (or ``person_id``).

        One write transaction; then, on a SQLite file, the WAL is checkpointed and
        the file searched for what was erased (``VACUUM`` if a trace is left).

        Args:
            email: the address, as typed (normalised as the import does).
            person_id: a person to erase with (or instead of) the address.
            reimport_check: keep a keyed hash of the address so that an import
                flags it if it comes back; False keeps nothing that points to them.

        Raises:
            ValidationError: neither an address nor a person was given.
            NotFoundError: nobody matches; nothing is written.
            PermissionDeniedError: only marketing ops and managers erase people.
        """
        key = address_key(email) if email is not None else None
        if key is None and person_id is None:
            raise ValidationError("Give the e-mail address of the person to erase.", "email")
        access.require_admin(self.ctx, "erase a person")
        with self.ctx.db.write(exclusive=True) as session:
            found = _find(session, key, person_id)
            if not found.persons:
                raise self._missing(key, person_id)
            plan = self._plan(session, found, key)
            counts = found.counts()
            tombstone = self._erase(session, found, key, counts, reimport_check)
        patterns = _file_needles(found)
        return self._settle(plan, counts, tombstone, reimport_check and key is not None, patterns)

    def _erase(
        self,
        session: Session,
        found: _Found,
        key: str | None,
        counts: dict[str, int],
        reimport_check: bool,
    ) -> int:
        now = utcnow()
        lead_ids = [lead.id for lead in found.leads]
        person_ids = [person.id for person in found.persons]
        session.flush()
        # Set-based statements at SQL level, and no ORM object keeps an old value in memory.
        session.expunge_all()
        for part in _chunks(lead_ids):
            session.execute(delete(ExportedLead).where(ExportedLead.lead_id.in_(part)))
        for part in _chunks(found.candidates):
            session.execute(delete(DuplicateCandidate).where(DuplicateCandidate.id.in_(part)))
        for part in _chunks(lead_ids):
            session.execute(
                update(Lead).where(Lead.id.in_(part)).values(**_BLANK_LEAD, updated_at=now)
            )
        for part in _chunks(found.lead_rows + found.other_rows):
            session.execute(
                update(SourceRow)
                .where(SourceRow.id.in_(part))
                .values(raw={}, row_numbers=[], outcome=ERASED)
            )
        for part in _chunks(person_ids):
            session.execute(
                update(Person)
                .where(Person.id.in_(part))
                .values(**_BLANK_PERSON, erased_at=now, updated_at=now)
            )
        for part in _chunks(found.decisions):
            session.execute(
                update(MergeDecision)
                .where(MergeDecision.id.in_(part))
                .values(snapshot={ERASED: True}, reasons=[])
            )
        for part in _chunks(found.audit_whole):
            for entry in session.scalars(select(AuditEntry).where(AuditEntry.id.in_(part))):
                entry.changes = {name: [None, None] for name in entry.changes or {}}
                entry.reason = None
        for entry_id, (changes, reason) in found.audit_mentions.items():
            session.execute(
                update(AuditEntry)
                .where(AuditEntry.id == entry_id)
                .values(changes=changes, reason=reason)
            )
        mark = None
        if reimport_check and key is not None:
            mark = address_mark(self._secret(session), key)
        tombstone = AuditEntry(
            user=self.ctx.user,
            action="erase",
            entity="person",
            entity_id=person_ids[0],
            event_id=None,
            changes={
                "removed": [None, counts],
                "persons": [None, person_ids],
                "events": [None, sorted({lead.event_id for lead in found.leads})],
                # Batch id -> file rows erased: a later import of the same file says so.
                "batches": [None, {str(b): n for b, n in sorted(found.rows_per_batch.items())}],
                "address_mark": [None, mark],
            },
            reason="erasure of a person's personal data (GDPR Art. 17)",
        )
        session.add(tombstone)
        session.flush()
        return tombstone.id

    @staticmethod
    def _secret(session: Session) -> str:
        """The database's key for address marks, made at the first erasure (never audited)."""
        row = session.get(AppSetting, SETTING_KEY)
        value = dict(row.value) if row is not None else {}
        secret = value.get("erasure_key")
        if isinstance(secret, str) and secret:
            return secret
        secret = secrets.token_hex(32)
        if row is None:
            session.add(
                AppSetting(key=SETTING_KEY, value={"erasure_key": secret}, updated_by="intake")
            )
        else:
            row.value = {**value, "erasure_key": secret}
        return secret

    def _settle(
        self,
        plan: ErasurePlan,
        counts: dict[str, int],
        tombstone: int,
        reimport_check: bool,
        patterns: list[bytes],
    ) -> ErasureResult:
        """After the commit: empty the WAL, look for traces in the file, VACUUM if any."""
        engine = self.ctx.db.engine
        path = sqlite_file(engine.url)
        if path is None:
            return ErasureResult(plan, counts, tombstone, reimport_check, None, False, [])
        truncated = checkpoint_wal(engine)
        remnants = search_files(sqlite_files(path), patterns)
        vacuumed = False
        if remnants or (truncated and dirty_free_pages(path)):
            # Free pages or free space written before secure_delete was on: rebuild.
            try:
                vacuum_sqlite(engine)
                vacuumed = True
            except sqlite3.Error as exc:  # another program holds the database
                log.warning("Could not VACUUM %s after an erasure: %s", path, exc)
            truncated = checkpoint_wal(engine)
            remnants = search_files(sqlite_files(path), patterns)
        return ErasureResult(plan, counts, tombstone, reimport_check, truncated, vacuumed, remnants)


# ------------------------------------------------------------------ imports


@dataclass(frozen=True)
class ErasureMarks:
    """What the erasures left to recognise a returning address or file (read by imports)."""

    secret: str | None
    marks: dict[str, datetime]  # address mark -> when it was erased
    batches: dict[int, int]  # import batch id -> file rows erased from it

    def erased_at(self, email: str | None) -> datetime | None:
        key = email_key(email)
        if not key or self.secret is None or not self.marks:
            return None
        return self.marks.get(address_mark(self.secret, key))


def erasure_marks(session: Session) -> ErasureMarks:
    row = session.get(AppSetting, SETTING_KEY)
    secret = (row.value or {}).get("erasure_key") if row is not None else None
    marks: dict[str, datetime] = {}
    batches: dict[int, int] = {}
    for at, changes in session.execute(
        select(AuditEntry.at, AuditEntry.changes).where(
            AuditEntry.action == "erase", AuditEntry.entity == "person"
        )
    ):
        mark = ((changes or {}).get("address_mark") or [None, None])[1]
        if isinstance(mark, str):
            marks.setdefault(mark, at)
        for batch, count in (((changes or {}).get("batches") or [None, {}])[1] or {}).items():
            batches[int(batch)] = batches.get(int(batch), 0) + int(count)
    return ErasureMarks(secret if isinstance(secret, str) else None, marks, batches)


def erased_from_file(session: Session, marks: ErasureMarks, sha256: str) -> int:
    """How many file rows were erased from earlier imports of the file with ``sha256``."""
    if not marks.batches:
        return 0
    earlier = session.scalars(select(ImportBatch.id).where(ImportBatch.file_sha256 == sha256))
    return sum(marks.batches.get(batch_id, 0) for batch_id in earlier)
