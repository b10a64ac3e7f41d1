"""Team-wide settings kept in the database: the SMTP server for SLA e-mail, report governance.

Passwords are never stored: the SMTP password comes from the environment
variable ``INTAKE_SMTP_PASSWORD`` of the machine that sends.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any, Literal

from intake_app.core.errors import ValidationError
from intake_app.core.lead_values import clean_text
from intake_app.db.models import AppSetting
from intake_app.services import access, audit
from intake_app.services.context import AppContext

PASSWORD_VARIABLE = "INTAKE_SMTP_PASSWORD"
Security = Literal["none", "starttls", "ssl"]


@dataclass(frozen=True)
class SmtpSettings:
    enabled: bool = False
    host: str = ""
    port: int = 587
    security: Security = "starttls"
    username: str = ""
    sender: str = ""

    @property
    def password(self) -> str | None:
        return os.environ.get(PASSWORD_VARIABLE) or None

    @property
    def ready(self) -> bool:
        return self.enabled and bool(self.host) and bool(self.sender)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SmtpSettings:
        known = {key: data[key] for key in asdict(cls()) if key in data}
        return cls(**known)


class SettingsStore:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def get(self, key: str) -> dict[str, Any]:
        """The setting ``key`` (a mapping), empty if never set."""
        with self.ctx.db.read() as session:
            row = session.get(AppSetting, key)
            return dict(row.value) if row else {}

    def put(self, key: str, value: dict[str, Any], reason: str | None = None) -> None:
        """Replace the setting ``key``; the change is audited (with ``reason``, else the key)."""
        access.require_admin(self.ctx, "change the shared settings")
        with self.ctx.db.write() as session:
            row = session.get(AppSetting, key)
            before = dict(row.value) if row else {}
            if row is None:
                row = AppSetting(key=key, value=value, updated_by=self.ctx.user)
                session.add(row)
            else:
                row.value = value
                row.updated_by = self.ctx.user
            changes = audit.diff(before, value)
            if changes:
                audit.record(
                    session,
                    user=self.ctx.user,
                    action="update",
                    entity="setting",
                    entity_id=None,
                    changes=changes,
                    reason=reason or key,
                )

    def smtp(self) -> SmtpSettings:
        return SmtpSettings.from_json(self.get("smtp"))

    def save_smtp(self, settings: SmtpSettings) -> SmtpSettings:
        host = clean_text(settings.host)
        sender = clean_text(settings.sender)
        if settings.enabled and (not host or not sender):
            raise ValidationError(
                "To send SLA e-mail, give the SMTP server and the sender address."
            )
        if not 0 < settings.port < 65536:
            raise ValidationError(f"{settings.port} is not a port number.", "port")
        if settings.security not in ("none", "starttls", "ssl"):
            raise ValidationError(f"{settings.security!r} is not an SMTP security mode.")
        clean = SmtpSettings(
            enabled=settings.enabled,
            host=host,
            port=settings.port,
            security=settings.security,
            username=clean_text(settings.username),
            sender=sender,
        )
        self.put("smtp", asdict(clean))
        return clean
