"""Where each lead's consent came from: the file, the rows, the column and value, the time.

Nothing extra is stored for this: every piece is kept already and is put
together when asked.

* the file and the time of import: the lead's source rows belong to an
  :class:`ImportBatch` (``file_name``, ``imported_at``, ``imported_by``);
* the row numbers: ``SourceRow.row_numbers`` (as a spreadsheet shows them);
* the raw value: ``SourceRow.raw``, the record as read, by target field;
* the column: the batch's ``mapping`` (source heading -> target) names the
  heading that fed ``consent``, ``opt_out``, ``consent_at`` or ``consent_text``;
* changes made later by hand (or undone): the audit log.

Source rows follow their lead when leads are merged and go back on unmerge,
so the evidence always describes the lead as it stands. A second file for the
same event adds its rows to the lead, hence one source per file row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from intake_app.db.models import AuditEntry, ImportBatch, SourceRow
from intake_app.services import audit

# The import targets that decide a lead's consent (``opt_out``: "Unsubscribed" columns).
CONSENT_TARGETS = ("consent", "opt_out", "consent_at", "consent_text")
CONSENT_FIELDS = frozenset({"consent", "consent_at", "consent_text"})
_CHUNK = 500


@dataclass(frozen=True)
class _Batch:
    file_name: str
    headings: dict[str, str]  # consent target -> the source heading mapped to it
    imported_at: Any
    imported_by: str


def _batches(session: Session, ids: Iterable[int]) -> dict[int, _Batch]:
    """Each batch's file, time and consent columns, read once (not once per row)."""
    found: dict[int, _Batch] = {}
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), _CHUNK):
        part = ordered[start : start + _CHUNK]
        for batch_id, file_name, mapping, at, by in session.execute(
            select(
                ImportBatch.id,
                ImportBatch.file_name,
                ImportBatch.mapping,
                ImportBatch.imported_at,
                ImportBatch.imported_by,
            ).where(ImportBatch.id.in_(part))
        ):
            headings = {
                str(target): str(heading)
                for heading, target in (mapping or {}).items()
                if target in CONSENT_TARGETS
            }
            found[batch_id] = _Batch(file_name, headings, at, by)
    return found


def _source(
    numbers: list[Any], raw: dict[str, Any], sheet: str | None, batch_id: int, batch: _Batch
) -> dict[str, Any]:
    values = [
        {"field": target, "column": batch.headings[target], "raw": (raw or {}).get(target)}
        for target in CONSENT_TARGETS
        if target in batch.headings
    ]
    return {
        "file": batch.file_name,
        "batch_id": batch_id,
        "sheet": sheet,
        "rows": sorted(int(n) for n in numbers or []),
        "imported_at": audit.plain(batch.imported_at),
        "imported_by": batch.imported_by,
        # Empty: the file had no consent column, so the import left consent unknown.
        "values": values,
    }


def _rows_query() -> Select[Any]:
    return (
        select(
            SourceRow.lead_id,
            SourceRow.row_numbers,
            SourceRow.raw,
            SourceRow.sheet,
            SourceRow.batch_id,
        )
        .join(ImportBatch, ImportBatch.id == SourceRow.batch_id)
        .order_by(ImportBatch.imported_at, ImportBatch.id, SourceRow.id)
    )


def _changes_query() -> Select[Any]:
    return (
        select(
            AuditEntry.entity_id,
            AuditEntry.at,
            AuditEntry.user,
            AuditEntry.action,
            AuditEntry.changes,
            AuditEntry.reason,
        )
        .where(AuditEntry.entity == "lead")
        .order_by(AuditEntry.id)
    )


def _collect(
    session: Session, rows: Sequence[Any], changes: Iterable[Any], wanted: set[int] | None
) -> dict[int, dict[str, Any]]:
    found: dict[int, dict[str, Any]] = {}

    def entry(lead_id: int) -> dict[str, Any]:
        return found.setdefault(lead_id, {"sources": [], "changes": []})

    batches = _batches(session, {row[4] for row in rows})
    for lead_id, numbers, raw, sheet, batch_id in rows:
        if lead_id is None or (wanted is not None and lead_id not in wanted):
            continue
        entry(lead_id)["sources"].append(_source(numbers, raw, sheet, batch_id, batches[batch_id]))
    for lead_id, at, user, action, diff, reason in changes:
        if lead_id is None or (wanted is not None and lead_id not in wanted):
            continue
        for name in sorted(CONSENT_FIELDS & set(diff or {})):
            old, new = [*diff[name], None, None][:2]
            entry(lead_id)["changes"].append(
                {
                    "at": audit.plain(at),
                    "user": user,
                    "action": action,
                    "field": name,
                    "from": old,
                    "to": new,
                    "reason": reason,
                }
            )
    return found


def for_event(session: Session, event_id: int) -> dict[int, dict[str, Any]]:
    """``{lead id: {"sources": [...], "changes": [...]}}`` for an event's leads."""
    rows = session.execute(
        _rows_query().where(ImportBatch.event_id == event_id, SourceRow.lead_id.is_not(None))
    ).all()
    changes = session.execute(_changes_query().where(AuditEntry.event_id == event_id)).all()
    return _collect(session, rows, changes, None)


def for_leads(session: Session, lead_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """The same for some leads, by id."""
    ids = sorted(set(lead_ids))
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        rows = session.execute(_rows_query().where(SourceRow.lead_id.in_(part))).all()
        changes = session.execute(_changes_query().where(AuditEntry.entity_id.in_(part))).all()
        found.update(_collect(session, rows, changes, set(part)))
    return found


def describe(provenance: dict[str, Any]) -> list[str]:
    """One line per source and per later change, for people to read."""
    lines = []
    for source in provenance.get("sources", []):
        rows = ", ".join(map(str, source["rows"])) or "?"
        where = f"{source['file']}, {'rows' if len(source['rows']) > 1 else 'row'} {rows}"
        if source.get("sheet"):
            where += f" (sheet {source['sheet']})"
        when = str(source.get("imported_at") or "")[:16].replace("T", " ")
        values = "; ".join(
            f"column “{value['column']}” = “{value['raw'] or ''}”"
            + ("" if value["field"] == "consent" else f" ({value['field']})")
            for value in source["values"]
        )
        lines.append(
            f"{where}: {values or 'no consent column'}; imported {when} UTC by"
            f" {source.get('imported_by') or '?'}"
        )
    for change in provenance.get("changes", []):
        when = str(change.get("at") or "")[:16].replace("T", " ")
        lines.append(
            f"{when} UTC {change['user']}: {change['action']} {change['field']}"
            f" {change['from']!r} → {change['to']!r}"
        )
    return lines
