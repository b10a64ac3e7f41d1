"""The rows an import set aside (not a lead, with the reason), to review or fix and re-import."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from intake_app.core.errors import NotFoundError, ValidationError
from intake_app.core.safe_csv import safe_cell
from intake_app.db.models import Event, ImportBatch, SourceRow
from intake_app.services.context import AppContext
from intake_app.services.files import replace_atomically


@dataclass(frozen=True)
class RejectedRow:
    batch_id: int
    source_file: str
    source_rows: list[int]
    reason: str
    raw: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {
            "batch_id": self.batch_id,
            "source_file": self.source_file,
            "source_rows": self.source_rows,
            "reason": self.reason,
            "values": self.raw,
        }


class RejectService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def for_event(self, event_id: int, batch_id: int | None = None) -> list[RejectedRow]:
        """The event's rejected rows (of one batch if given), in file order."""
        with self.ctx.db.read() as session:
            if session.get(Event, event_id) is None:
                raise NotFoundError(f"There is no event with id {event_id}.")
            statement = (
                select(SourceRow, ImportBatch.file_name)
                .join(ImportBatch, ImportBatch.id == SourceRow.batch_id)
                .where(ImportBatch.event_id == event_id, SourceRow.outcome == "rejected")
                .order_by(SourceRow.batch_id, SourceRow.id)
            )
            if batch_id is not None:
                statement = statement.where(SourceRow.batch_id == batch_id)
            return [
                RejectedRow(
                    batch_id=row.batch_id,
                    source_file=file_name,
                    source_rows=[int(n) for n in row.row_numbers],
                    reason=row.reject_reason or "",
                    raw=dict(row.raw or {}),
                )
                for row, file_name in session.execute(statement)
            ]

    def write_csv(self, event_id: int, path: Path, batch_id: int | None = None) -> int:
        """Write the rejected rows as CSV (UTF-8 with BOM, formula-safe); return how many.

        Columns: ``source_file``, ``source_rows`` (``;``-separated), ``reason``, then
        every value the rows carried, under the field or heading it was read as.
        """
        rows = self.for_event(event_id, batch_id)
        headings: list[str] = []
        for row in rows:
            headings.extend(key for key in row.raw if key not in headings)
        try:
            with replace_atomically(path, encoding="utf-8-sig") as handle:
                writer = csv.writer(handle)
                writer.writerow(["source_file", "source_rows", "reason", *headings])
                for row in rows:
                    writer.writerow(
                        [
                            safe_cell(row.source_file),
                            ";".join(map(str, row.source_rows)),
                            safe_cell(row.reason),
                            *(safe_cell(row.raw.get(key, "")) for key in headings),
                        ]
                    )
        except OSError as exc:
            raise ValidationError(f"Cannot write {path}: {exc.strerror}.") from exc
        return len(rows)
