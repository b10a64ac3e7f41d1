"""``intake db check|backup|restore``: look after the database itself.

These commands get the database URL, not an opened context: a damaged, locked or
newer database must still be checked or restored, and none of them migrates it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from intake_app.cli.output import EXIT_OK, print_json
from intake_app.core.errors import DatabaseError, ValidationError
from intake_app.services.maintenance import (
    CheckReport,
    backup_database,
    check_backup,
    check_database,
    database_name,
    restore_database,
)


def _print_check(report: CheckReport, out: TextIO) -> None:
    version = f" {report.server_version}" if report.server_version else ""
    out.write(f"Database      {report.database} ({report.backend}{version})\n")
    if report.revision is not None:
        state = "up to date" if report.revision == report.head else f"the app's is {report.head}"
        out.write(f"Schema        revision {report.revision} ({state})\n")
    if report.backend == "sqlite":
        out.write(f"Integrity     {report.integrity}\n")
        out.write(f"Foreign keys  {report.foreign_keys}\n")
    else:
        out.write(f"Connection    {report.connection}\n")
    for note in report.notes:
        out.write(f"Note: {note}\n")
    for problem in report.problems:
        out.write(f"Problem: {problem}\n")
    if report.ok:
        out.write("ok\n")


def cmd_db_check(url: str, args: argparse.Namespace, out: TextIO) -> int:
    report = check_database(url)
    if args.json:
        print_json(report.to_json(), out)
    else:
        _print_check(report, out)
    if report.ok:
        return EXIT_OK
    count = len(report.problems)
    hint = (
        ": it is damaged, restore a backup with `intake db restore BACKUP`"
        if report.integrity == "failed"
        else " (listed above)"
    )
    raise DatabaseError(
        f"The database {report.database} has {count} problem{'s' if count != 1 else ''}{hint}."
    )


def cmd_db_backup(url: str, args: argparse.Namespace, out: TextIO) -> int:
    result = backup_database(url, Path(args.out) if args.out else None)
    if args.json:
        print_json(result.to_json(), out)
    else:
        out.write(
            f"Backed up {result.database} to {result.path} ({result.size:,} bytes, checked)\n"
        )
    return EXIT_OK


def _confirmed(database: str, backup: Path) -> bool:
    """Ask on the terminal; refuse when there is none to ask on."""
    if not sys.stdin.isatty():
        raise ValidationError(
            f"Restoring replaces everything in {database} with {backup}; there is no terminal"
            " to ask on, so add --yes to confirm."
        )
    sys.stderr.write(
        f"Replace everything in {database} with {backup}? A copy of it is kept first. [y/N] "
    )
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def cmd_db_restore(url: str, args: argparse.Namespace, out: TextIO) -> int:
    backup = Path(args.file)
    if not args.yes:
        # The backup is checked before asking: a refusal should not follow a "yes".
        check_backup(backup)
        if not _confirmed(database_name(url), backup):
            raise ValidationError("Not restored; nothing was changed.")
    result = restore_database(url, backup)
    if args.json:
        print_json(result.to_json(), out)
        return EXIT_OK
    out.write(
        f"Restored {result.database} from {result.restored_from} (schema revision"
        f" {result.revision})\n"
    )
    for note in result.notes:
        out.write(f"Note: {note}\n")
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction[Any], json_flag: argparse.ArgumentParser
) -> None:
    db = commands.add_parser("db", help="check, back up or restore the database")
    db.set_defaults(handler=None, help_parser=db)
    actions = db.add_subparsers(dest="db_command", metavar="ACTION")

    check = actions.add_parser(
        "check",
        parents=[json_flag],
        help="integrity, foreign keys and schema revision (SQLite); connection (PostgreSQL)",
        description="Reads the database without changing it; exit 1 if there is a problem.",
    )
    check.set_defaults(db_handler=cmd_db_check)

    backup = actions.add_parser(
        "backup",
        parents=[json_flag],
        help="copy the SQLite database (consistent while in use) and check the copy",
        description="Default file: backups/<name>-<date>-<time>.db in the user data folder."
        " On PostgreSQL it prints the pg_dump command to run instead.",
    )
    backup.add_argument("--out", metavar="FILE", help="where to write it (must not exist)")
    backup.set_defaults(db_handler=cmd_db_backup)

    restore = actions.add_parser(
        "restore",
        parents=[json_flag],
        help="replace the database with a backup, keeping a copy of it first",
        description="The backup must be a sound database of this app, not from a newer"
        " version. Asks first, unless --yes.",
    )
    restore.add_argument("file", metavar="FILE", help="a backup made by intake db backup")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    restore.set_defaults(db_handler=cmd_db_restore)
