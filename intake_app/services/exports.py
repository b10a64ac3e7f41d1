"""Exporting an event's leads for a MAP or CRM: preview, files, errors file, log, SLA stamp.

``preview`` is the dry run: the plan of every file with its rows, who is left
out and why, new people versus people exported before. ``write`` writes the
files (all of them or none: each is written beside its target and moved into
place only when every one is complete), the errors file, then in one
transaction logs the export, stores the scores on the leads and stamps the
SLA. Exporting the same content again writes the same bytes and logs nothing
new.

Safe cells: no cell starts ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return (they are written with a leading apostrophe), except a validated E.164
phone number (``+14155550123``) in a phone column, which MAP imports need as is
and which spreadsheets read as a number, never as a formula.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, Literal, cast

from sqlalchemy import Table, Text, bindparam, insert, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from intake_app.core import export_rows
from intake_app.core.collector import collector_paused
from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.export_rows import EventFacts, ExportLead, ExportPlan, ExportRow
from intake_app.core.safe_csv import safe_cell
from intake_app.db.base import utcnow
from intake_app.db.models import Event, ExportedLead, ExportRun, ImportBatch, Lead, SlaStamp
from intake_app.services import access, audit
from intake_app.services.context import AppContext
from intake_app.services.files import write_files_atomically
from intake_app.services.leads import CANONICAL_COLUMNS, json_texts, source_rows
from intake_app.services.rejects import RejectService
from intake_app.services.sla import effective_stamps, record_stamp

Encoding = Literal["utf-8", "utf-8-sig"]
_E164 = re.compile(r"^\+[1-9]\d{6,14}$")
PHONE_HEADERS = frozenset(
    {"phone", "mobile_phone", "Phone", "Phone Number", "Mobile Phone Number", "Mobile",
     "Business Phone", "Mobile Phone", "mobilephone"}
)  # fmt: skip


def export_cell(value: str, header: str) -> str:
    """A cell as written: formula-safe, a validated E.164 phone number as it is."""
    if header in PHONE_HEADERS and _E164.match(value):
        return value
    return safe_cell(value)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "status"


def file_names(plan: ExportPlan, out: Path) -> dict[str | None, Path]:
    """Where each file of the plan goes: ``out``, or ``out``'s stem plus the status per file."""
    files = plan.files()
    if not plan.profile.split_by_status:
        return {None: out}
    return {
        status: out.with_name(f"{out.stem}-{_slug(status or '')}{out.suffix}") for status in files
    }


@dataclass(frozen=True)
class ExportPreview:
    event: EventFacts
    plan: ExportPlan
    rejected_rows: int  # rows the imports set aside as not a lead (they go to the errors file)
    options: dict[str, Any]
    scored_at: datetime

    def counts(self) -> dict[str, Any]:
        return {**self.plan.counts(), "rejected_rows": self.rejected_rows}


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    rows: int
    sha256: str
    status: str | None


@dataclass
class ExportResult:
    preview: ExportPreview
    files: list[WrittenFile] = field(default_factory=list)
    errors_file: Path | None = None
    errors_written: int = 0
    export_id: int | None = None
    repeated: bool = False  # the same content was exported before; nothing new was logged
    stamp: str | None = None  # the SLA stamp this export recorded, if any

    def to_json(self) -> dict[str, Any]:
        return {
            "export_id": self.export_id,
            "event_id": self.preview.event.id,
            "profile": self.preview.plan.profile.code,
            "files": [
                {"path": str(f.path), "rows": f.rows, "sha256": f.sha256, "status": f.status}
                for f in self.files
            ],
            "errors_file": str(self.errors_file) if self.errors_file else None,
            "errors": self.errors_written,
            "repeated": self.repeated,
            "sla_stamp": self.stamp,
            **self.preview.counts(),
        }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # as safe_csv: a cell it may change
# In a row joined by newlines: a cell (not the first) that starts like a formula.
_STARTS_LATER = re.compile(r"\n[=+\-@\t\r]")


def export_rows_safe(
    headers: Sequence[str], rows: Iterable[Sequence[str]]
) -> Iterator[Sequence[str]]:
    """Each row as written (see :func:`export_cell`); a row with no cell to change as it is.

    One search over the row's other cells joined by newlines finds every cell
    that starts like a formula (and some that do not, which are then checked
    cell by cell); the phone cells are checked on their own, since a valid
    E.164 number starts with ``+`` and stays. Most rows skip the per-cell work.
    """
    width = len(headers)
    search = _STARTS_LATER.search
    phones = [(i, h) for i, h in enumerate(headers) if h in PHONE_HEADERS]
    rest = [i for i, h in enumerate(headers) if h not in PHONE_HEADERS]
    # itemgetter of two or more indices gives a tuple; of one, the cell itself.
    others = itemgetter(*rest) if len(rest) > 1 else (lambda row: [row[i] for i in rest])
    for row in rows:
        try:
            plain = len(row) == width
            if plain:
                joined = "\n".join(others(row))
                plain = not (joined.startswith(_FORMULA_START) or search(joined))
            for i, header in phones if plain else ():
                cell = row[i]
                if cell.startswith(_FORMULA_START) and export_cell(cell, header) != cell:
                    plain = False
                    break
        except (TypeError, AttributeError):  # a cell that is not text yet
            plain = False
        if plain:
            yield row
        else:
            yield [export_cell(cell, header) for cell, header in zip(row, headers, strict=True)]


def _render_csv(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    writer.writerows(export_rows_safe(headers, rows))
    return buffer.getvalue()


def _render_xlsx(headers: Sequence[str], rows: Iterable[Sequence[str]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Leads")

    def typed(text: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # always a string: never a formula, never a number
        return cell

    sheet.append([typed(safe_cell(h)) for h in headers])
    for row in export_rows_safe(headers, rows):
        sheet.append([typed(cell) for cell in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class ExportService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def profiles(self) -> list[tuple[str, str]]:
        return [(profile.code, profile.label) for profile in self.ctx.schema.export_profiles]

    # ------------------------------------------------------------ the dry run

    @collector_paused()
    def preview(
        self,
        event_id: int,
        profile_code: str,
        *,
        only_new: bool = False,
        include_protected: bool = False,
        now: datetime | None = None,
    ) -> ExportPreview:
        profile = self.ctx.schema.export_profile(profile_code)
        if profile is None:
            known = ", ".join(code for code, _label in self.profiles())
            raise ValidationError(
                f"There is no export profile {profile_code!r}; use one of {known}.", "format"
            )
        with self.ctx.db.read() as session:
            event = session.get(Event, event_id)
            if event is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            event_type = self.ctx.schema.event_type(event.event_type)
            facts = EventFacts(
                id=event.id,
                name=event.name,
                channel=event_type.channel if event_type else "third_party",
                campaign_id=event.campaign_id,
            )
            stamps = effective_stamps(
                session.scalars(select(SlaStamp).where(SlaStamp.event_id == event_id))
            )
            before = set(
                session.scalars(
                    select(ExportedLead.lead_id)
                    .join(ExportRun, ExportRun.id == ExportedLead.export_id)
                    .where(ExportRun.event_id == event_id, ExportRun.profile == profile.code)
                )
            )
            sent_people = set(
                session.scalars(
                    select(Lead.person_id)
                    .join(ExportedLead, ExportedLead.lead_id == Lead.id)
                    .join(ExportRun, ExportRun.id == ExportedLead.export_id)
                    .where(ExportRun.profile == profile.code)
                )
            )
            leads = _active_leads(session, event_id, before, sent_people)
        # Follow-up deadlines run from when the leads went in (or over): the same on
        # every later export, so exporting again writes the same file.
        first = stamps.get("entered") or stamps.get("handed_over")
        scored_at = now or (first.at if first else utcnow())
        plan = export_rows.build_plan(
            self.ctx.schema,
            profile,
            facts,
            leads,
            scored_at=scored_at,
            only_new=only_new,
            include_protected=include_protected,
        )
        rejected = len(RejectService(self.ctx).for_event(event_id))
        options = {"only_new": only_new, "include_protected": include_protected}
        return ExportPreview(facts, plan, rejected, options, scored_at)

    # ------------------------------------------------------------ writing

    @collector_paused()
    def write(
        self,
        preview: ExportPreview,
        out: Path,
        *,
        errors: Path | None = None,
        encoding: Encoding = "utf-8",
    ) -> ExportResult:
        """Write the preview's files (CSV, or XLSX by ``out``'s suffix) and record the export."""
        access.require_event(self.ctx, preview.event.id, "export")
        plan = preview.plan
        if not plan.rows and not plan.excluded:
            raise ValidationError(
                f"Event {preview.event.id} ({preview.event.name}) has no leads to export."
            )
        self._check_not_erased(preview)
        xlsx = out.suffix.lower() == ".xlsx"
        targets = file_names(plan, out)
        contents: dict[Path, tuple[bytes, str | None, int]] = {}
        for status, rows in plan.files().items():
            cells = [row.cells for row in rows]
            if xlsx:
                data = _render_xlsx(plan.headers, cells, status or preview.event.name)
            else:
                data = _render_csv(plan.headers, cells).encode(encoding)
            contents[targets[status]] = (data, status, len(rows))
        error_rows = self._error_rows(preview) if errors is not None else []
        if errors is not None:
            text = _render_csv(export_rows.error_headers(self.ctx.schema), error_rows)
            contents[errors] = (text.encode(encoding), "errors", len(error_rows))
        _write_all(contents)

        written = [
            WrittenFile(path, count, hashlib.sha256(data).hexdigest(), status)
            for path, (data, status, count) in contents.items()
            if path != errors
        ]
        result = ExportResult(
            preview, written, errors, len(error_rows) if errors is not None else 0
        )
        self._record(result)
        return result

    def _check_not_erased(self, preview: ExportPreview) -> None:
        """Refuse a preview made before one of its people was erased: it holds their values."""
        plan = preview.plan
        ids = sorted(
            {row.lead.lead_id for row in plan.rows} | {item.lead.lead_id for item in plan.excluded}
        )
        erased = 0
        with self.ctx.db.read() as session:
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                erased += len(
                    session.scalars(
                        select(Lead.id).where(Lead.id.in_(part), Lead.status == "erased")
                    ).all()
                )
        if erased:
            raise ValidationError(
                f"{erased} lead(s) of this preview were erased since it was made; make the"
                " preview again. Nothing was written."
            )

    def _error_rows(self, preview: ExportPreview) -> list[list[str]]:
        schema = self.ctx.schema
        rows = [
            export_rows.error_row(
                schema, item.reason, item.lead.source_file, item.lead.source_rows, item.lead.values
            )
            for item in preview.plan.excluded
            if item.fixable
        ]
        with self.ctx.db.read() as session:
            mappings = {
                batch_id: dict(mapping or {})
                for batch_id, mapping in session.execute(
                    select(ImportBatch.id, ImportBatch.mapping).where(
                        ImportBatch.event_id == preview.event.id
                    )
                )
            }
        for rejected in RejectService(self.ctx).for_event(preview.event.id):
            values = _canonical_from_raw(
                rejected.raw, schema.field_names(), mappings.get(rejected.batch_id, {})
            )
            rows.append(
                export_rows.error_row(
                    schema, rejected.reason, rejected.source_file, rejected.source_rows, values
                )
            )
        return rows

    def _record(self, result: ExportResult) -> None:
        preview = result.preview
        plan = preview.plan
        content = hashlib.sha256(
            "".join(sorted(f.sha256 for f in result.files)).encode()
        ).hexdigest()
        with self.ctx.db.write() as session:
            event = session.get(Event, preview.event.id)
            if event is None:
                raise NotFoundError(f"There is no event with id {preview.event.id}.")
            previous = session.scalar(
                select(ExportRun.id).where(
                    ExportRun.event_id == event.id,
                    ExportRun.profile == plan.profile.code,
                    ExportRun.content_sha256 == content,
                )
            )
            if previous is not None:
                result.export_id = previous
                result.repeated = True
                return
            run = ExportRun(
                event_id=event.id,
                profile=plan.profile.code,
                files=[
                    {"name": f.path.name, "sha256": f.sha256, "rows": f.rows, "status": f.status}
                    for f in result.files
                ],
                options=preview.options,
                counts=preview.counts(),
                content_sha256=content,
                exported_by=self.ctx.user,
                exported_at=utcnow(),
            )
            session.add(run)
            session.flush()
            # Core executemany, not the ORM's unit of work: one statement for all the rows.
            if plan.rows:
                session.execute(
                    insert(cast(Table, ExportedLead.__table__)),
                    [{"export_id": run.id, "lead_id": row.lead.lead_id} for row in plan.rows],
                )
                _store_scores(session, plan.rows, run.exported_at)
            result.export_id = run.id
            result.stamp = self._stamp(session, event, plan.profile.code, preview.scored_at)
            audit.record(
                session,
                user=self.ctx.user,
                action="export",
                entity="export",
                entity_id=run.id,
                event_id=event.id,
                changes={"files": [None, [f.path.name for f in result.files]]},
                reason=plan.profile.code,
            )

    def _stamp(self, session: Any, event: Event, profile: str, at: datetime) -> str | None:
        """The SLA stamp of an export: the handover in a two-stage policy, else entered."""
        policy = self.ctx.schema.sla_policy(event.sla_policy)
        found = effective_stamps(
            session.scalars(select(SlaStamp).where(SlaStamp.event_id == event.id))
        )
        note = f"export {profile}"
        if "handed_over" in found or "entered" in found:
            at = utcnow()  # a later stage: now (the scoring moment stays the first stamp's)
        if (
            policy is not None
            and policy.two_stage
            and "handed_over" not in found
            and "entered" not in found
        ):
            record_stamp(
                session, event.id, "handed_over", user=self.ctx.user, note=note,
                handed_to=event.ops_owner, at=at,
            )  # fmt: skip
            return "handed_over"
        if "entered" not in found:
            record_stamp(session, event.id, "entered", user=self.ctx.user, note=note, at=at)
            return "entered"
        return None

    def history(self, event_id: int) -> list[ExportRun]:
        with self.ctx.db.read() as session:
            runs = list(
                session.scalars(
                    select(ExportRun)
                    .where(ExportRun.event_id == event_id)
                    .order_by(ExportRun.exported_at.desc(), ExportRun.id.desc())
                )
            )
            for run in runs:
                session.expunge(run)
            return runs


_GROUPED_AT_LEAST = 8  # leads sharing values: one UPDATE ... WHERE id IN (...) for them
_IDS_PER_UPDATE = 500


def _store_scores(session: Session, rows: Sequence[ExportRow], at: datetime) -> None:
    """Store each exported lead's program status, score, grade, treatment and export time.

    Leads alike share a score (``scoring.Scorer``), so an event's leads carry few
    distinct sets of these values (131 for the 18,731 leads of the benchmark
    event): one ``UPDATE ... WHERE id IN`` per set and up to 500 leads, instead
    of one parameter set per lead. Sets shared by only a few leads go in one
    Core executemany as before.
    """
    groups: dict[tuple[Any, ...], list[int]] = {}
    for row in rows:
        key = (
            row.status or None,
            row.score.fit,
            row.score.engagement,
            row.score.total,
            row.score.grade,
            row.score.treatment[:80] or None,
        )
        groups.setdefault(key, []).append(row.lead.lead_id)
    leads = cast(Table, Lead.__table__)
    names = ("program_status", "fit_score", "engagement_score", "lead_score", "grade", "treatment")
    few: list[dict[str, Any]] = []
    for key, ids in groups.items():
        values = dict(zip(names, key, strict=True))
        if len(ids) < _GROUPED_AT_LEAST:
            params = {f"b_{name}": value for name, value in values.items()}
            few.extend({"b_id": lead_id, "b_at": at, **params} for lead_id in ids)
            continue
        for start in range(0, len(ids), _IDS_PER_UPDATE):
            part = ids[start : start + _IDS_PER_UPDATE]
            session.execute(
                update(leads).where(leads.c.id.in_(part)).values(**values, exported_at=at)
            )
    if few:
        session.execute(
            update(leads)
            .where(leads.c.id == bindparam("b_id"))
            .values(
                **{name: bindparam(f"b_{name}") for name in names},
                exported_at=bindparam("b_at"),
            ),
            few,
        )


def _active_leads(
    session: Session, event_id: int, before: set[int], sent_people: set[int]
) -> list[ExportLead]:
    """The event's active leads in the order they were stored, as the export reads them.

    Columns and not ORM objects (Core ``select``, one round of JSON decoding per
    column): an export reads every lead of a 100,000-lead event.
    """
    found = session.execute(
        select(
            Lead.id,
            Lead.person_id,
            sql_cast(Lead.issues, Text),
            sql_cast(Lead.extra_fields, Text),
            *(getattr(Lead, name) for name in CANONICAL_COLUMNS),
        )
        .where(Lead.event_id == event_id, Lead.status == "active")
        .order_by(Lead.id)
    ).all()
    issues_of = json_texts([row[2] for row in found])
    extra_of = json_texts([row[3] for row in found])
    rows, files = source_rows(session, event_id)
    names = CANONICAL_COLUMNS
    return [
        ExportLead(
            lead_id=lead_id,
            person_id=person_id,
            values=dict(zip(names, values, strict=True)),
            # Freshly decoded: no copy needed unless it is not the expected kind.
            extra=extra if extra.__class__ is dict else dict(extra or {}),
            issues=issues if issues.__class__ is list else list(issues or []),
            source_file=files.get(lead_id) or "",
            source_rows=sorted(rows.get(lead_id, ())),
            exported_before=lead_id in before,
            person_known=person_id in sent_people,
        )
        for (lead_id, person_id, _issues, _extra, *values), issues, extra in zip(
            found, issues_of, extra_of, strict=True
        )
    ]


def _canonical_from_raw(
    raw: dict[str, Any], names: Sequence[str], mapping: dict[str, Any]
) -> dict[str, Any]:
    """A rejected row's values under canonical names: by the import's mapping, else heading."""
    values: dict[str, Any] = {
        str(target): raw[heading]
        for heading, target in mapping.items()
        if target in names and heading in raw
    }
    folded = {re.sub(r"[^a-z0-9]", "", str(key).casefold()): value for key, value in raw.items()}
    for name in names:
        if name in values:
            continue
        key = name.replace("_", "")
        for candidate in (key, {"email": "emailaddress", "company": "companyname"}.get(name, "")):
            if candidate and candidate in folded:
                values[name] = folded[candidate]
                break
    return values


def _write_all(contents: dict[Path, tuple[bytes, str | None, int]]) -> None:
    """All the files of an export, or none of them."""
    try:
        write_files_atomically({path: data for path, (data, _s, _c) in contents.items()})
    except OSError as exc:
        target = exc.filename or next(iter(contents), "")
        raise ValidationError(f"Cannot write {target}: {exc.strerror or exc}.") from exc
