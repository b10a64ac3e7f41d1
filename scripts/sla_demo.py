"""A demo team with events in every SLA state, relative to a given moment.

Used by ``scripts/screenshots.py`` for the Dashboard pictures. Events are made
and imported through the app's services; the stamps' moments are then set
directly in the demo database, since the app itself only ever stamps "now".
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update

from intake_app.core.events import EventInput, When
from intake_app.db.models import SlaStamp
from intake_app.services.context import AppContext
from intake_app.services.events import EventService
from intake_app.services.imports import ImportService
from intake_app.services.notifications import NotificationService
from intake_app.services.sla import SlaService
from intake_app.services.team import TeamService

ROOT = Path(__file__).resolve().parents[1]
FILES = [
    ROOT / "tests" / "data" / "imports" / name for name in ("badge_scan.csv", "second_show.csv")
]

TEAM = [
    ("Maria Alvarez", "manager", "maria.alvarez@example.com", None),
    ("Dana Whitfield", "field_marketer", "dana.whitfield@example.com", "Maria Alvarez"),
    ("Marcus Lee", "field_marketer", "marcus.lee@example.com", "Maria Alvarez"),
    ("Aisha Khan", "field_marketer", "aisha.khan@example.com", "Maria Alvarez"),
    ("Jonas Becker", "field_marketer", "jonas.becker@example.com", "Maria Alvarez"),
    ("Priya Raman", "ops", "priya.raman@example.com", "Maria Alvarez"),
    ("Lena Vogel", "ops", "lena.vogel@example.com", "Maria Alvarez"),
    ("Tom Okafor", "ops", "tom.okafor@example.com", "Maria Alvarez"),
]

# name, type, zone, country, owner, ops owner, hours since the end (negative: upcoming),
# then hours ago of received / handed over / entered (None: not yet).
EVENTS = [
    ("Black Hat Europe 2026", "tradeshow", "Europe/London", "GB", "Jonas Becker", None,
     200, 150, None, None),
    ("Gartner IAM Summit", "conference", "America/New_York", "US", "Marcus Lee", None,
     130, 100, None, None),
    ("it-sa 365 Nürnberg", "tradeshow", "Europe/Berlin", "DE", "Jonas Becker", "Lena Vogel",
     140, 120, 100, None),
    ("Cloud Security webinar: EMEA", "webcast", "Europe/Paris", "FR", "Aisha Khan", None,
     30, 26, None, None),
    ("Zero Trust in Practice (webinar)", "webcast", "Europe/London", "GB", "Aisha Khan", None,
     20, 18, None, None),
    ("CISO dinner Chicago", "field-event", "America/Chicago", "US", "Marcus Lee", None,
     40, 30, None, None),
    ("SecureWorld Boston", "conference", "America/New_York", "US", "Dana Whitfield",
     "Priya Raman", 30, 20, 10, None),
    ("Partner roadshow Madrid", "partner", "Europe/Madrid", "ES", "Dana Whitfield", None,
     50, 40, None, None),
    ("AppSec webinar: SBOMs", "webcast", "America/Los_Angeles", "US", "Dana Whitfield", None,
     3, 2, None, None),
    ("FutureCon Dallas", "conference", "America/Chicago", "US", "Marcus Lee", None,
     12, None, None, None),
    ("AWS re:Invent 2026", "tradeshow", "America/Los_Angeles", "US", "Dana Whitfield",
     "Tom Okafor", -150, None, None, None),
    ("Infosecurity Europe 2027 kick-off", "sponsorship", "Europe/London", "GB",
     "Jonas Becker", None, -60, None, None, None),
    ("RSA Conference 2026", "tradeshow", "America/Los_Angeles", "US", "Dana Whitfield",
     "Priya Raman", 1400, 1390, 1380, 1370),
    ("Identiverse webinar series", "webcast", "America/Denver", "US", "Aisha Khan", None,
     900, 898, None, 890),
    ("Gartner Security & Risk Summit", "conference", "America/New_York", "US", "Marcus Lee",
     "Lena Vogel", 2000, 1990, 1850, 1800),
    ("Partner roadshow Paris", "partner", "Europe/Paris", "FR", "Jonas Becker", None,
     700, 690, None, 500),
]  # fmt: skip


def seed(ctx: AppContext, now: datetime) -> None:
    team = TeamService(ctx)
    for name, role, email, manager in TEAM:
        # Their computer logins: the demo's user ("Dana Whitfield") matches none, so it
        # stays the administrator of its own file.
        login = email.split("@")[0] if email else None
        team.save(name, role=role, email=email, manager=manager, login=login)
    events = EventService(ctx)
    imports = ImportService(ctx)
    sla = SlaService(ctx)
    for number, row in enumerate(EVENTS):
        name, kind, zone, country, owner, ops, ended, received, handed, entered = row
        end = now.astimezone(ZoneInfo(zone)).replace(tzinfo=None, second=0, microsecond=0)
        end -= timedelta(hours=ended)
        start = end - timedelta(hours=1 if kind == "webcast" else 56)
        record = events.create(
            EventInput(
                name=name,
                event_type=kind,
                start=When(start, True),
                end=When(end, True),
                timezone=zone,
                country=country,
                owner=owner,
                ops_owner=ops,
            )
        )
        if received is None:
            continue
        imports.run(imports.preview(FILES[number % len(FILES)]), record.id)
        if handed is not None:
            sla.hand_over(record.id, ops or "Priya Raman")
        if entered is not None:
            sla.mark_uploaded(record.id)
        moments = {"received": received, "handed_over": handed, "entered": entered}
        with ctx.db.write() as session:
            for kind_name, hours in moments.items():
                if hours is not None:
                    session.execute(
                        update(SlaStamp)
                        .where(SlaStamp.event_id == record.id, SlaStamp.kind == kind_name)
                        .values(at=now - timedelta(hours=hours))
                    )
    notifier = NotificationService(ctx)
    notifier.check(now, send_email=False)
