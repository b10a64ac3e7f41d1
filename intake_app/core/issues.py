"""Per-field findings about a lead: what is wrong or doubtful, where, and how bad."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Issue:
    field: str
    code: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(
            field=str(data["field"]),
            code=str(data["code"]),
            severity=data["severity"],
            message=str(data["message"]),
        )
