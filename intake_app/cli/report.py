"""``intake report``: the timeliness and data-quality reports as CSV, XLSX, HTML or PDF."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from intake_app.cli.output import EXIT_OK, print_json, table
from intake_app.core.errors import ValidationError
from intake_app.core.reports import GROUPS, cell_text
from intake_app.db.base import utcnow
from intake_app.services.context import AppContext
from intake_app.services.report_files import FORMATS, write_report
from intake_app.services.reports import REPORTS, ReportFilter, ReportService


def _day(text: str | None, label: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValidationError(f"{label} {text!r} is not a date (YYYY-MM-DD).", label) from exc


def cmd_report(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = ReportService(ctx)
    if args.name == "review":
        return _review(service, args, out)
    filters = ReportFilter(
        ended_from=_day(args.from_, "--from"),
        ended_to=_day(args.to, "--to"),
        owner=args.owner,
        event_type=args.type,
        region=args.region,
    )
    if filters.ended_from and filters.ended_to and filters.ended_from > filters.ended_to:
        raise ValidationError("--from is after --to.", "--from")
    report = service.build(args.name, filters, group=args.group)
    if args.out is None:
        if args.json:
            print_json(
                {
                    "report": report.code,
                    "title": report.title,
                    "filters": report.subtitle,
                    "summary": dict(report.summary),
                    "tables": [
                        {
                            "title": t.title,
                            "headers": list(t.headers),
                            "rows": [list(row) for row in t.rows],
                            "event_ids": [list(ids) for ids in t.event_ids],
                        }
                        for t in report.tables
                    ],
                },
                out,
            )
            return EXIT_OK
        out.write(f"{report.title} ({report.subtitle})\n")
        table(["Figure", "Value"], [list(pair) for pair in report.summary], out)
        first = report.tables[0]
        out.write(f"\n{first.title}\n")
        table(
            list(first.headers),
            [
                [cell_text(v, h) for v, h in zip(row, first.headers, strict=True)]
                for row in first.rows
            ],
            out,
        )
        return EXIT_OK
    path = Path(args.out)
    written = write_report(report, path, args.format)
    if args.json:
        print_json({"report": report.code, "out": str(path), "format": written}, out)
    else:
        out.write(f"Wrote the report “{report.title}” to {path} ({written}).\n")
    return EXIT_OK


def _review(service: ReportService, args: argparse.Namespace, out: TextIO) -> int:
    code = args.review_of
    if code is None:
        rows = [service.governance(name) for name in REPORTS]
        if args.json:
            print_json(
                [
                    {
                        "report": g.code,
                        "owner": g.owner,
                        "cadence_days": g.cadence_days,
                        "last_reviewed_at": g.last_reviewed_at.isoformat(timespec="seconds")
                        if g.last_reviewed_at
                        else None,
                        "last_reviewed_by": g.last_reviewed_by,
                        "overdue": g.overdue(utcnow()),
                    }
                    for g in rows
                ],
                out,
            )
        else:
            for g in rows:
                out.write(f"{g.title}: {g.describe(utcnow())}\n")
        return EXIT_OK
    governance = service.mark_reviewed(code, args.note)
    out.write(f"Marked the report “{governance.title}” reviewed.\n")
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction[Any], json_flag: argparse.ArgumentParser
) -> None:
    report = commands.add_parser(
        "report",
        parents=[json_flag],
        help="the timeliness or data-quality report (print it, or --out a file)",
        description="intake report timeliness|quality [--from D] [--to D] --out FILE"
        " [--format csv|xlsx|html|pdf]; intake report review [timeliness|quality] lists the"
        " reviews or marks one reviewed.",
    )
    report.add_argument("name", choices=[*REPORTS, "review"], metavar="timeliness|quality|review")
    report.add_argument("review_of", nargs="?", choices=list(REPORTS), metavar="REPORT",
                        help="with review: the report to mark reviewed")  # fmt: skip
    report.add_argument("--from", dest="from_", metavar="DATE", help="events that ended from")
    report.add_argument("--to", metavar="DATE", help="events that ended up to and including")
    report.add_argument("--owner", metavar="NAME")
    report.add_argument("--type", metavar="TYPE")
    report.add_argument("--region", metavar="REGION")
    report.add_argument(
        "--group", default="owner", choices=list(GROUPS), help="timeliness rows (default: owner)"
    )
    report.add_argument("--out", metavar="FILE")
    report.add_argument("--format", choices=FORMATS, help="default: by the file's suffix")
    report.add_argument("--note", metavar="TEXT", help="with review: what was looked at")
    report.set_defaults(handler=cmd_report)
