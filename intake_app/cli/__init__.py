"""The ``intake`` command line: a thin shell over the same services as the GUI.

Exit codes: 0 success, 1 a refused input or failed operation (nothing
written), 2 bad usage. Errors are one sentence on stderr, never a traceback;
unexpected failures are logged in full to ``intake.log`` in the user log folder
(:mod:`intake_app.logs`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TextIO

import yaml

from importers.base import Cancelled, ProgressFn, ReadError, no_progress
from importers.profiles import ProfileError
from intake_app import APP_NAME, __version__
from intake_app.cli import db as db_commands
from intake_app.cli import export as export_commands
from intake_app.cli import person as person_commands
from intake_app.cli import report as report_commands
from intake_app.cli import samples as sample_commands
from intake_app.cli import sla as sla_commands
from intake_app.cli.output import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from intake_app.cli.output import print_json as _print_json
from intake_app.cli.output import table as _table
from intake_app.core.errors import IntakeError, ValidationError
from intake_app.core.events import EventInput, When, parse_when
from intake_app.logs import configure as configure_logging
from intake_app.logs import exception_summary, write_exception
from intake_app.paths import resolve_database_url, resolve_schema_dir
from intake_app.services.context import AppContext, open_context
from intake_app.services.duplicates import DuplicateService
from intake_app.services.events import EventRecord, EventService
from intake_app.services.imports import ImportService
from intake_app.services.leads import LeadService
from intake_app.services.rejects import RejectService
from schemas import SchemaError

log = logging.getLogger("intake_app.cli")


class _Parser(argparse.ArgumentParser):
    """argparse with the contract's exit code for bad usage and a one-line message."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: {message}\n")


# ----------------------------------------------------------------- printing


def _print_event(record: EventRecord, out: TextIO) -> None:
    fields = [
        ("ID", str(record.id)),
        ("Name", record.name),
        ("Type", f"{record.event_type_label} ({record.event_type})"),
        ("Start", record.start.isoformat()),
        ("End", record.end.isoformat()),
        ("Time zone", record.timezone),
        ("Country", record.country_label),
        ("Owner", record.owner or ""),
        ("Ops owner", record.ops_owner or ""),
        ("Campaign ID", record.campaign_id or ""),
        ("SLA policy", record.sla_policy),
        ("Leads", str(record.lead_count)),
        ("Imports", str(record.batch_count)),
        ("Description", record.description or ""),
    ]
    width = max(len(label) for label, _ in fields)
    for label, value in fields:
        out.write(f"{label.ljust(width)}  {value}\n".rstrip() + "\n")


# ----------------------------------------------------------------- commands


def _when(text: str | None, label: str) -> When | None:
    return None if text is None else parse_when(text, label)


def cmd_event_add(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    start = parse_when(args.start, "Start")
    record = EventService(ctx).create(
        EventInput(
            name=args.name,
            event_type=args.type,
            start=start,
            end=_when(args.end, "End"),
            timezone=args.timezone,
            country=args.country,
            owner=args.owner,
            ops_owner=args.ops_owner,
            campaign_id=args.campaign_id,
            sla_policy=args.sla_policy,
            description=args.description,
        )
    )
    if args.json:
        _print_json(record.to_json(), out)
    else:
        out.write(f"Created event {record.id}: {record.name}\n")
        _print_event(record, out)
    return EXIT_OK


def cmd_event_list(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    records = EventService(ctx).list(search=args.search, event_type=args.type)
    if args.json:
        _print_json([record.to_json() for record in records], out)
        return EXIT_OK
    if not records:
        out.write("No events yet. Create one with: intake event add --name ... --type ...\n")
        return EXIT_OK
    _table(
        ["ID", "Name", "Type", "Start", "End", "Time zone", "Country", "Owner", "Leads"],
        [
            [
                str(r.id), r.name, r.event_type, r.start.isoformat(), r.end.isoformat(),
                r.timezone, r.country or "", r.owner or "", str(r.lead_count),
            ]
            for r in records
        ],
        out,
    )  # fmt: skip
    return EXIT_OK


def cmd_event_show(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    record = EventService(ctx).get(args.id)
    if args.json:
        _print_json(record.to_json(), out)
    else:
        _print_event(record, out)
    return EXIT_OK


def cmd_event_edit(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = EventService(ctx)
    current = service.get(args.id).to_input()
    changed = {
        "name": args.name,
        "event_type": args.type,
        "start": _when(args.start, "Start"),
        "end": _when(args.end, "End"),
        "timezone": args.timezone,
        "country": args.country,
        "owner": args.owner,
        "ops_owner": args.ops_owner,
        "campaign_id": args.campaign_id,
        "sla_policy": args.sla_policy,
        "description": args.description,
    }
    values = {key: value for key, value in changed.items() if value is not None}
    record = service.update(args.id, EventInput(**{**current.__dict__, **values}))
    if args.json:
        _print_json(record.to_json(), out)
    else:
        out.write(f"Updated event {record.id}.\n")
        _print_event(record, out)
    return EXIT_OK


def cmd_event_delete(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = EventService(ctx)
    record = service.get(args.id)
    service.delete(args.id)
    if args.json:
        _print_json({"deleted": record.id}, out)
    else:
        out.write(f"Deleted event {record.id}: {record.name}\n")
    return EXIT_OK


def _load_mapping_file(path: str) -> dict[str, str | None]:
    """A mapping file: JSON or YAML, ``{"Source heading": "target" or null}``."""
    file = Path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValidationError(f"Cannot read the mapping file {file}: {exc.strerror}.") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ValidationError(f"The mapping file {file} is not valid JSON or YAML.") from exc
    if not isinstance(data, dict) or not all(
        isinstance(key, str) and (value is None or isinstance(value, str))
        for key, value in data.items()
    ):
        raise ValidationError(
            f"The mapping file {file} must map each source heading to a field name or null."
        )
    return data


def _progress_printer(err: TextIO, enabled: bool) -> ProgressFn:
    if not enabled:
        return no_progress
    last = [-1]

    def show(done: int, total: int) -> None:
        if total:
            percent = done * 100 // total
            if percent // 10 != last[0]:
                last[0] = percent // 10
                err.write(f"  {percent}%\n")

    return show


def cmd_import(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = ImportService(ctx)
    mapping = _load_mapping_file(args.mapping) if args.mapping else None
    progress = _progress_printer(sys.stderr, args.verbose)
    EventService(ctx).get(args.event)  # a missing event is refused before reading the file
    preview = service.preview(
        Path(args.file), profile=args.profile, mapping=mapping, progress=progress
    )
    summary = service.run(
        preview,
        args.event,
        force=args.force,
        save_mapping_as=args.save_mapping,
        progress=progress,
    )
    if args.json:
        _print_json(summary.to_json(), out)
        return EXIT_OK
    out.write(f"Imported {summary.file} into event {summary.event_id} (batch {summary.batch_id})\n")
    if preview.match is not None:
        out.write(
            f"Profile: {preview.match.label} ({preview.match.name}),"
            f" confidence {preview.match.confidence:.2f}\n"
        )
    else:
        out.write("Profile: none recognised; columns mapped by their headings\n")
    counts = summary.to_json()
    keys = ("rows", "imported", "flagged", "rejected", "duplicates_in_file", "matched_existing")
    out.write("  ".join(f"{key} {counts[key]}" for key in keys) + "\n")
    if summary.skipped:
        out.write(f"Skipped {summary.skipped} row(s) that are not leads (titles, hosts, footers)\n")
    if summary.rejected_reasons:
        reasons = "; ".join(f"{n} {reason}" for reason, n in summary.rejected_reasons.items())
        out.write(f"Rejected: {reasons}\n")
    for note in summary.notes:
        out.write(f"Note: {note}\n")
    return EXIT_OK


def cmd_leads(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    leads = LeadService(ctx).for_event(args.event, with_consent=bool(args.json))
    if args.json:
        _print_json([lead.to_json() for lead in leads], out)
        return EXIT_OK
    if not leads:
        out.write(f"Event {args.event} has no leads yet. Import a file with: intake import\n")
        return EXIT_OK
    _table(
        ["ID", "First", "Last", "Email", "Company", "Country", "Issues", "Rows"],
        [
            [
                str(lead.id),
                str(lead.values.get("first_name") or ""),
                str(lead.values.get("last_name") or ""),
                str(lead.values.get("email") or ""),
                str(lead.values.get("company") or ""),
                str(lead.values.get("country") or ""),
                str(len(lead.issues)),
                ";".join(map(str, lead.source_rows)),
            ]
            for lead in leads
        ],
        out,
    )
    return EXIT_OK


def cmd_rejects(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = RejectService(ctx)
    if args.out:
        count = service.write_csv(args.event, Path(args.out), args.batch)
        if args.json:
            _print_json({"rejected": count, "out": args.out}, out)
        else:
            out.write(f"Wrote {count} rejected row(s) to {args.out}\n")
        return EXIT_OK
    rows = service.for_event(args.event, args.batch)
    if args.json:
        _print_json([row.to_json() for row in rows], out)
        return EXIT_OK
    if not rows:
        out.write(f"Event {args.event} has no rejected rows.\n")
        return EXIT_OK
    _table(
        ["File", "Rows", "Reason", "Values"],
        [
            [
                row.source_file,
                ";".join(map(str, row.source_rows)),
                row.reason,
                ", ".join(f"{k}={v}" for k, v in row.raw.items() if v)[:80],
            ]
            for row in rows
        ],
        out,
    )
    return EXIT_OK


def cmd_duplicates(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    EventService(ctx).get(args.event)
    pairs = DuplicateService(ctx).pending(args.event)
    if args.json:
        _print_json([pair.to_json() for pair in pairs], out)
        return EXIT_OK
    if not pairs:
        out.write(f"Event {args.event} has no pairs waiting for review.\n")
        return EXIT_OK

    def who(values: dict[str, Any]) -> str:
        name = f"{values.get('first_name') or ''} {values.get('last_name') or ''}".strip()
        return f"{name} <{values.get('email') or ''}>"

    _table(
        ["Pair", "Score", "First", "Second", "Why"],
        [
            [
                str(pair.id),
                f"{pair.score:.2f}",
                who(pair.first.values),
                who(pair.second.values),
                "; ".join(pair.reasons),
            ]
            for pair in pairs
        ],
        out,
    )
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    # The one place the command line hands over to the window (see the
    # import-linter contract in pyproject.toml).
    from intake_app.gui.app import run_gui

    return run_gui(resolve_database_url(args.db), resolve_schema_dir(args.schema))


# ----------------------------------------------------------------- parser


def _event_fields(parser: argparse.ArgumentParser, *, required: bool) -> None:
    parser.add_argument("--name", required=required, help="event name, e.g. 'RSA 2025'")
    parser.add_argument(
        "--type",
        required=required,
        metavar="TYPE",
        help="program type from the schema: tradeshow, conference, webcast, field-event,"
        " sponsorship, partner, other, or a type the company schema adds",
    )
    parser.add_argument("--start", required=required, metavar="DATE[THH:MM]")
    parser.add_argument("--end", metavar="DATE[THH:MM]", help="default: the start")
    parser.add_argument("--timezone", metavar="TZ", help="IANA zone; default: this computer's")
    parser.add_argument("--country", metavar="CC", help="ISO code or name, e.g. US or Germany")
    parser.add_argument("--owner", metavar="NAME", help="the field marketer responsible")
    parser.add_argument("--ops-owner", metavar="NAME", help="the marketing-ops resource")
    parser.add_argument("--campaign-id", metavar="ID", help="MAP program / CRM campaign id")
    parser.add_argument("--sla-policy", metavar="CODE", help="default: the type's policy")
    parser.add_argument("--description", metavar="TEXT")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="intake",
        description=f"{APP_NAME}: import, clean and hand over event leads.",
    )
    parser.add_argument("--version", action="version", version=f"intake {__version__}")
    parser.add_argument(
        "--db",
        metavar="URL",
        help="SQLAlchemy database URL (also INTAKE_DATABASE_URL);"
        " default: a SQLite file in the user data folder",
    )
    parser.add_argument(
        "--schema", metavar="DIR", help="company schema folder (also INTAKE_SCHEMA_DIR)"
    )
    parser.add_argument("--json", action="store_true", help="print data as JSON")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    json_flag = _Parser(add_help=False)
    json_flag.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print data as JSON"
    )

    commands.add_parser("gui", help="open the desktop window")

    event = commands.add_parser("event", help="create, list, show, edit or delete events")
    event.set_defaults(handler=None, help_parser=event)
    event_commands = event.add_subparsers(dest="event_command", metavar="ACTION")

    add = event_commands.add_parser("add", parents=[json_flag], help="create an event")
    _event_fields(add, required=True)
    add.set_defaults(handler=cmd_event_add)

    listing = event_commands.add_parser("list", parents=[json_flag], help="list events")
    listing.add_argument("--type", metavar="TYPE", help="only events of this type")
    listing.add_argument("--search", metavar="TEXT", help="name, owner or campaign id contains")
    listing.set_defaults(handler=cmd_event_list)

    show = event_commands.add_parser("show", parents=[json_flag], help="show one event")
    show.add_argument("id", type=int, metavar="ID")
    show.set_defaults(handler=cmd_event_show)

    edit = event_commands.add_parser("edit", parents=[json_flag], help="change an event")
    edit.add_argument("id", type=int, metavar="ID")
    _event_fields(edit, required=False)
    edit.set_defaults(handler=cmd_event_edit)

    delete = event_commands.add_parser(
        "delete", parents=[json_flag], help="delete an event that has no leads"
    )
    delete.add_argument("id", type=int, metavar="ID")
    delete.set_defaults(handler=cmd_event_delete)

    importing = commands.add_parser(
        "import", parents=[json_flag], help="import a lead file into an event"
    )
    importing.add_argument("file", metavar="FILE", help="CSV/TSV/TXT, XLSX/XLSM, XLS or ODS")
    importing.add_argument("--event", type=int, required=True, metavar="ID")
    importing.add_argument(
        "--profile", default="auto", metavar="NAME|auto", help="platform profile (default: auto)"
    )
    importing.add_argument(
        "--mapping", metavar="FILE", help='JSON/YAML {"Source heading": "field" or null}'
    )
    importing.add_argument("--save-mapping", metavar="NAME", help="save the mapping used")
    importing.add_argument(
        "--force", action="store_true", help="import a file already imported into the event"
    )
    importing.set_defaults(handler=cmd_import)

    rejects = commands.add_parser(
        "rejects", parents=[json_flag], help="list or save the rows an import set aside"
    )
    rejects.add_argument("--event", type=int, required=True, metavar="ID")
    rejects.add_argument("--batch", type=int, metavar="ID", help="only this import batch")
    rejects.add_argument("--out", metavar="FILE", help="write them as CSV to fix and re-import")
    rejects.set_defaults(handler=cmd_rejects)

    duplicates = commands.add_parser(
        "duplicates", parents=[json_flag], help="pairs of leads that may be one person"
    )
    duplicates.add_argument("--event", type=int, required=True, metavar="ID")
    duplicates.set_defaults(handler=cmd_duplicates)

    leads = commands.add_parser("leads", parents=[json_flag], help="list an event's leads")
    leads.add_argument("--event", type=int, required=True, metavar="ID")
    leads.set_defaults(handler=cmd_leads)

    sla_commands.add_commands(commands, json_flag)
    export_commands.add_commands(commands, json_flag)
    report_commands.add_commands(commands, json_flag)
    sample_commands.add_commands(commands, json_flag)
    person_commands.add_commands(commands, json_flag)
    db_commands.add_commands(commands, json_flag)
    return parser


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    out = out or sys.stdout
    err = err or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)

    configure_logging(logging.INFO if args.verbose else logging.WARNING, stream=err)
    if args.command is None:
        parser.print_help(err)
        return EXIT_USAGE
    if args.command == "gui":
        return cmd_gui(args)
    handler: Callable[[AppContext, argparse.Namespace, TextIO], int] | None = getattr(
        args, "handler", None
    )
    db_handler: Callable[[str, argparse.Namespace, TextIO], int] | None = getattr(
        args, "db_handler", None
    )
    if handler is None and db_handler is None:
        args.help_parser.print_help(err)
        return EXIT_USAGE

    ctx: AppContext | None = None
    try:
        if db_handler is not None:
            # `intake db` works on a database that may not open (damaged, locked, newer):
            # it gets the URL, opens the file itself and never migrates it.
            return db_handler(resolve_database_url(args.db), args, out)
        assert handler is not None
        ctx = open_context(resolve_database_url(args.db), resolve_schema_dir(args.schema))
        return handler(ctx, args, out)
    except (IntakeError, SchemaError, ReadError, ProfileError) as exc:
        err.write(f"intake: {exc}\n")
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (``intake sla --json | head``): not an error of ours.
        return EXIT_OK
    except (Cancelled, KeyboardInterrupt):
        err.write("intake: cancelled; nothing was written.\n")
        return EXIT_FAILED
    except Exception as exc:
        where = write_exception(exc)  # the traceback goes to the log file, never to stderr
        detail = f"; details are in {where}" if where else ""
        err.write(f"intake: unexpected error ({exception_summary(exc)}){detail}.\n")
        return EXIT_FAILED
    finally:
        if ctx is not None:
            ctx.close()
