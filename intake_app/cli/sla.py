"""``intake sla`` and ``intake team``: the SLA clock for scripts and schedulers."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from intake_app.cli.output import EXIT_OK, print_json, table
from intake_app.core import sla
from intake_app.core.errors import ValidationError
from intake_app.core.geo import local_timezone_name
from intake_app.services.context import AppContext
from intake_app.services.notifications import NotificationService
from intake_app.services.sla import KINDS, BoardFilter, BoardRow, SlaService
from intake_app.services.team import ROLES, TeamService

_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$")


def parse_moment(text: str, label: str = "--at") -> datetime:
    """An instant: ISO date-time with an offset (or Z); without one, this computer's time.

    A date alone means the start of that day.
    """
    value = text.strip()
    if not _MOMENT.match(value):
        raise ValidationError(
            f"{label} {text!r} is not a date-time like 2025-05-02T09:00 or 2025-05-02T09:00+02:00."
        )
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationError(f"{label} {text!r} is not a real date or time.") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(local_timezone_name()))
    return moment


def _deadline(row: BoardRow, stage: sla.StageStatus) -> str:
    if stage.deadline is None:
        return "after the handover"
    return sla.wall_clock_text(stage.deadline, row.state.calendar.zone, with_year=True)


def _status_text(row: BoardRow) -> str:
    if row.flag == "reassigned" and row.reassigned:
        return f"{row.status.label}, reassigned to {row.reassigned[0]}"
    return f"{row.status.label}, {row.flag}" if row.flag else row.status.label


def cmd_sla(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = SlaService(ctx)
    now = parse_moment(args.at) if args.at else datetime.now(UTC)
    if args.event is not None:
        rows = [service.status(args.event, now)]
    else:
        rows = service.board(
            now,
            BoardFilter(owner=args.owner, event_type=args.type, region=args.region),
        )
    if args.json:
        data: Any = [row.to_json() for row in rows]
        print_json(data[0] if args.event is not None else data, out)
        return EXIT_OK
    if args.event is not None:
        row = rows[0]
        state = row.state
        out.write(f"Event {row.event.id}: {row.event.name} ({row.event.event_type_label})\n")
        out.write(f"Policy: {state.policy.label}\n")
        zone = state.calendar.zone
        out.write(f"Ended: {state.event_end.astimezone(zone):%Y-%m-%d %H:%M %Z}\n")
        out.write(f"Status: {_status_text(row)}\n")
        for stage in state.stages:
            done = ""
            if stage.done_at is not None:
                done = f", done {stage.done_at.astimezone(zone):%Y-%m-%d %H:%M %Z}"
            out.write(
                f"  {stage.label}: {stage.status.label}, due {_deadline(row, stage)}"
                f"{done}{'; ' + stage.left_text() if stage.left_text() else ''}\n"
            )
        return EXIT_OK
    if not rows:
        out.write("No events.\n")
        return EXIT_OK
    table(
        ["ID", "Event", "Owner", "Status", "Stage", "Deadline", "Left"],
        [
            [
                str(row.event.id),
                row.event.name,
                row.event.owner or "",
                _status_text(row),
                row.state.current.label,
                _deadline(row, row.state.current),
                row.state.left_text(),
            ]
            for row in rows
        ],
        out,
    )
    return EXIT_OK


def _print_row(row: BoardRow, args: argparse.Namespace, out: TextIO, done: str) -> int:
    if args.json:
        print_json(row.to_json(), out)
    else:
        out.write(f"{done} Event {row.event.id} is now: {_status_text(row)}.\n")
    return EXIT_OK


def cmd_handover(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    row = SlaService(ctx).hand_over(args.event, args.to, args.note)
    return _print_row(row, args, out, f"Handed over to {row.event.ops_owner}.")


def cmd_uploaded(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    row = SlaService(ctx).mark_uploaded(args.event, args.note)
    return _print_row(row, args, out, "Marked as entered in the MAP.")


def cmd_correct(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    row = SlaService(ctx).correct(args.event, args.stamp, parse_moment(args.at), args.reason)
    return _print_row(row, args, out, f"Corrected the {args.stamp} stamp.")


def cmd_withdraw(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    row = SlaService(ctx).withdraw(args.event, args.stamp, args.reason)
    return _print_row(row, args, out, f"Withdrew the {args.stamp} stamp.")


def cmd_reassign(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    row = SlaService(ctx).reassign(args.event, args.to, args.reason)
    return _print_row(row, args, out, f"Reassigned to {row.event.ops_owner}.")


def cmd_history(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    stamps = SlaService(ctx).history(args.event)
    if args.json:
        print_json(
            [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "at": s.at.isoformat(timespec="seconds"),
                    "by": s.by_user,
                    "source": s.source,
                    "reason": s.reason,
                    "handed_to": s.handed_to,
                    "note": s.note,
                    "replaces": s.replaces_id,
                    "in_force": s.effective,
                }
                for s in stamps
            ],
            out,
        )
        return EXIT_OK
    if not stamps:
        out.write("No stamps yet.\n")
        return EXIT_OK
    table(
        ["ID", "Stamp", "At (UTC)", "By", "How", "In force", "Note"],
        [
            [
                str(s.id),
                s.kind,
                f"{s.at:%Y-%m-%d %H:%M}",
                s.by_user,
                s.source + (f" of {s.replaces_id}" if s.replaces_id else ""),
                "yes" if s.effective else "",
                "; ".join(part for part in (s.note, s.handed_to, s.reason) if part),
            ]
            for s in stamps
        ],
        out,
    )
    return EXIT_OK


def cmd_notify(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    now = parse_moment(args.at) if args.at else None
    raised = NotificationService(ctx).check(now, send_email=not args.no_email)
    if args.json:
        print_json([note.to_json() for note in raised], out)
        return EXIT_OK
    if not raised:
        out.write("No new SLA alerts.\n")
    for note in raised:
        sent = f" (e-mailed to {note.emailed_to})" if note.emailed_to else ""
        failed = f" (not e-mailed: {note.email_error})" if note.email_error else ""
        out.write(f"{note.kind.label}: {note.message}{sent}{failed}\n")
    return EXIT_OK


def cmd_team_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    members = TeamService(ctx).list()
    if args.json:
        print_json([member.to_json() for member in members], out)
        return EXIT_OK
    if not members:
        out.write("Nobody in the team yet; add people with 'intake team add'.\n")
        return EXIT_OK
    table(
        ["ID", "Name", "Login", "Role", "E-mail", "Manager"],
        [
            [str(m.id), m.name, m.login or "", m.role_label, m.email or "", m.manager or ""]
            for m in members
        ],
        out,
    )
    return EXIT_OK


def cmd_team_add(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    member = TeamService(ctx).save(
        args.name, role=args.role, email=args.email, manager=args.manager, login=args.login
    )
    if args.json:
        print_json(member.to_json(), out)
    else:
        out.write(f"Added {member.name} ({member.role_label}) as team member {member.id}.\n")
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction[Any], json_flag: argparse.ArgumentParser
) -> None:
    """Add ``sla`` and ``team`` to the ``intake`` parser."""
    clock = commands.add_parser(
        "sla",
        parents=[json_flag],
        help="SLA status, deadlines and time left per stage; stamps and alerts",
        description="Without an action: every event's SLA status (or one event's, with"
        " --event) at --at, default now.",
    )
    clock.add_argument("--event", type=int, metavar="ID", help="only this event, in detail")
    clock.add_argument("--at", metavar="DATETIME", help="the moment to ask about (default: now)")
    clock.add_argument("--owner", metavar="NAME", help="only this owner's events")
    clock.add_argument("--type", metavar="TYPE", help="only events of this type")
    clock.add_argument("--region", metavar="REGION", help="only events in this region")
    clock.set_defaults(handler=cmd_sla)
    actions = clock.add_subparsers(dest="sla_command", metavar="ACTION")

    def action(name: str, help_text: str, handler: Any) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = actions.add_parser(
            name, parents=[json_flag], help=help_text
        )
        parser.add_argument("--event", type=int, required=True, metavar="ID")
        parser.set_defaults(handler=handler)
        return parser

    handover = action("handover", "hand the event's leads over to ops", cmd_handover)
    handover.add_argument("--to", required=True, metavar="NAME", help="the ops owner")
    handover.add_argument("--note", metavar="TEXT")
    uploaded = action("uploaded", "mark the event's leads as entered in the MAP", cmd_uploaded)
    uploaded.add_argument("--note", metavar="TEXT")
    correct = action("correct", "put a stamp at another time, with a reason", cmd_correct)
    correct.add_argument("--stamp", required=True, choices=KINDS)
    correct.add_argument("--at", required=True, metavar="DATETIME")
    correct.add_argument("--reason", required=True, metavar="TEXT")
    withdraw = action("withdraw", "take back a stamp, with a reason", cmd_withdraw)
    withdraw.add_argument("--stamp", required=True, choices=KINDS)
    withdraw.add_argument("--reason", required=True, metavar="TEXT")
    reassign = action("reassign", "give the event to another ops owner", cmd_reassign)
    reassign.add_argument("--to", required=True, metavar="NAME")
    reassign.add_argument("--reason", required=True, metavar="TEXT")
    action("history", "every stamp of the event, corrections included", cmd_history)
    notify = actions.add_parser(
        "notify",
        parents=[json_flag],
        help="raise the SLA alerts now due and e-mail them (for a scheduler)",
    )
    notify.add_argument("--at", metavar="DATETIME", help="the moment to check (default: now)")
    notify.add_argument("--no-email", action="store_true", help="record alerts only")
    notify.set_defaults(handler=cmd_notify)

    team = commands.add_parser("team", help="the people the SLA names")
    team.set_defaults(handler=None, help_parser=team)
    team_actions = team.add_subparsers(dest="team_command", metavar="ACTION")
    listing = team_actions.add_parser("list", parents=[json_flag], help="list the team")
    listing.set_defaults(handler=cmd_team_list)
    add = team_actions.add_parser("add", parents=[json_flag], help="add a team member")
    add.add_argument("--name", required=True)
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--email", metavar="ADDRESS")
    add.add_argument("--manager", metavar="NAME", help="who escalations go to")
    add.add_argument(
        "--login",
        metavar="LOGIN",
        help="their login (INTAKE_USER, the OS login or the PostgreSQL login): their role"
        " then decides what they may change",
    )
    add.set_defaults(handler=cmd_team_add)
