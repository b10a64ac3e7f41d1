"""The audit log: every change leaves who, when, what and old -> new."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from intake_app.db.models import AuditEntry


def plain(value: Any) -> Any:
    """A value as the audit log stores it (dates as ISO text)."""
    return _plain(value)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for every field whose value differs."""
    return {
        key: [_plain(before.get(key)), _plain(after.get(key))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    session: Session,
    *,
    user: str,
    action: str,
    entity: str,
    entity_id: int | None,
    event_id: int | None = None,
    changes: dict[str, list[Any]] | None = None,
    reason: str | None = None,
) -> None:
    """Add an audit entry to the session's transaction (it commits with the change)."""
    session.add(
        AuditEntry(
            user=user,
            action=action,
            entity=entity,
            entity_id=entity_id,
            event_id=event_id,
            changes=changes or {},
            reason=reason,
        )
    )
