"""Per-field findings about a lead: what is wrong or doubtful, where, and how bad."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning", "info"]


@dataclass(frozen=True, slots=True)
class Issue:
    field: str
    code: str
    severity: Severity
    message: str

    def to_dict(self) -> dict[str, Any]:
        # Spelled out: dataclasses.asdict deep-copies, and imports call this per issue.
        return {
            "field": self.field,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Issue:
        return cls(
            field=str(data["field"]),
            code=str(data["code"]),
            severity=data["severity"],
            message=str(data["message"]),
        )
