"""Sending one e-mail through the team's SMTP server (standard library only)."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from intake_app.services.settings_store import SmtpSettings

TIMEOUT_S = 15


class MailError(Exception):
    """The message could not be sent; the text says why, for the notification list."""


def send_mail(
    settings: SmtpSettings, to: list[str], subject: str, body: str, cc: list[str] | None = None
) -> None:
    """Send a plain-text message. Raises MailError with a readable reason."""
    if not settings.ready:
        raise MailError("no SMTP server is set up")
    if not to:
        raise MailError("nobody to send it to has an e-mail address")
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(body)
    try:
        if settings.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.host,
                settings.port,
                timeout=TIMEOUT_S,
                context=ssl.create_default_context(),
            )
        else:
            client = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_S)
        with client:
            if settings.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.username and settings.password:
                client.login(settings.username, settings.password)
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"{settings.host}:{settings.port} said: {exc}") from exc
