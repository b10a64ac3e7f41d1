"""``intake person erase``: a person's personal data removed everywhere (GDPR Art. 17)."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from intake_app.cli.output import EXIT_OK, print_json, table
from intake_app.core.errors import ValidationError
from intake_app.services.context import AppContext
from intake_app.services.privacy import ErasurePlan, ErasureResult, PrivacyService

TABLE_LABELS = {
    "persons": "people (identity kept, every value emptied)",
    "leads": "leads (kept as 'erased' for the counts, every value emptied)",
    "source_rows": "file rows (values and row numbers emptied)",
    "duplicate_candidates": "review pairs (deleted)",
    "merge_decisions": "merge records (snapshot and reasons emptied)",
    "audit_log": "audit entries (values scrubbed, action and time kept)",
    "exported_leads": "export memberships (deleted)",
}


def _describe(plan: ErasurePlan, out: TextIO) -> None:
    who = "; ".join(plan.names) or plan.address
    events = ", ".join(f"{event_id} ({name})" for event_id, name in plan.events) or "none"
    out.write(f"Person: {who}\nEvents: {events}\n")


def _outside(plan: ErasurePlan, out: TextIO) -> None:
    """What the database cannot erase: files already written, copies, the MAP."""
    for trace in plan.exports:
        files = ", ".join(trace.files)
        out.write(
            f"Exported before in export {trace.export_id} ({trace.profile},"
            f" {trace.exported_at:%Y-%m-%d}): {files}: delete or replace those files, and"
            " erase the person in the platform they went to.\n"
        )
    for backup in plan.backups:
        out.write(f"A backup made before an upgrade still holds the old data: {backup}\n")


def _confirm(plan: ErasurePlan, out: TextIO) -> bool:
    if not sys.stdin.isatty():
        raise ValidationError(
            "Erasing cannot be undone and standard input is not a terminal to ask on:"
            " run it again with --yes to confirm; nothing was erased."
        )
    _describe(plan, out)
    table(
        ["Table", "Rows", "What happens"],
        [[name, str(n), TABLE_LABELS[name]] for name, n in plan.counts.items()],
        out,
    )
    out.write("This cannot be undone. Type 'erase' to erase this person: ")
    out.flush()
    return sys.stdin.readline().strip().casefold() == "erase"


def _print_result(result: ErasureResult, out: TextIO) -> None:
    _describe(result.plan, out)
    out.write("Erased:\n")
    table(
        ["Table", "Rows", "What happened"],
        [[name, str(n), TABLE_LABELS[name]] for name, n in result.counts.items()],
        out,
    )
    if result.reimport_check:
        out.write(
            "Kept: an audit entry of the erasure (who, when, these counts) with a keyed"
            " hash of the address, so that an import flags the person if they come back.\n"
        )
    else:
        out.write("Kept: an audit entry of the erasure (who, when, these counts), no address.\n")
    if result.vacuumed:
        out.write("The database file was rebuilt (VACUUM) to drop old free pages.\n")
    if result.remnants:
        out.write(
            f"Warning: {', '.join(result.remnants)} still hold(s) the address or a phone"
            " (another record mentions it, or another program kept the file open).\n"
        )
    elif result.wal_truncated is False:
        out.write(
            "Warning: another program is reading the database, so its write-ahead log"
            " still holds old pages until it closes.\n"
        )
    _outside(result.plan, out)


def cmd_person_erase(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = PrivacyService(ctx)
    plan = service.preview(args.email)  # nobody with the address: exit 1, nothing written
    if not args.yes and not _confirm(plan, out):
        raise ValidationError("Nothing was erased.")
    result = service.erase_person(args.email, reimport_check=not args.no_reimport_check)
    if args.json:
        print_json(result.to_json(), out)
    else:
        _print_result(result, out)
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction[Any], json_flag: argparse.ArgumentParser
) -> None:
    person = commands.add_parser("person", help="a person's personal data (GDPR)")
    person.set_defaults(handler=None, help_parser=person)
    actions = person.add_subparsers(dest="person_command", metavar="ACTION")
    erase = actions.add_parser(
        "erase",
        parents=[json_flag],
        help="erase a person's personal data everywhere (GDPR erasure)",
        description="Finds every person stored with the address (and those merged with them)"
        " and removes their personal data from every table in one transaction. Lead rows"
        " stay, marked erased and empty, so event counts and SLA history do not change.",
    )
    erase.add_argument("--email", required=True, metavar="ADDRESS")
    erase.add_argument(
        "--yes", action="store_true", help="do not ask (needed when not run from a terminal)"
    )
    erase.add_argument(
        "--no-reimport-check",
        action="store_true",
        help="keep no keyed hash of the address: a later import cannot flag the person",
    )
    erase.set_defaults(handler=cmd_person_erase)
