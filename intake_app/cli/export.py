"""``intake export``: MAP-ready files with scoring hints, a dry run, and the errors file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from intake_app.cli.output import EXIT_OK, print_json, table
from intake_app.services.context import AppContext
from intake_app.services.exports import ExportPreview, ExportService, file_names


def _summary(preview: ExportPreview, out: TextIO) -> None:
    counts = preview.counts()
    plan = preview.plan
    out.write(
        f"{plan.profile.label}: {counts['rows']} row(s) for event {preview.event.id}"
        f" ({preview.event.name}); {counts['new']} new, {counts['exported_before']} exported"
        f" before; {counts['new_people']} people new to the platform, {counts['known_people']}"
        " sent to it before.\n"
    )
    if counts["by_status"]:
        table(
            ["Program status", "Rows"],
            [[status or "(none)", str(n)] for status, n in counts["by_status"].items()],
            out,
        )
    if counts["by_treatment"]:
        table(
            ["Treatment", "Rows"],
            [[treatment, str(n)] for treatment, n in counts["by_treatment"].items()],
            out,
        )
    if counts["excluded"]:
        out.write(f"Left out: {counts['excluded']}\n")
        for reason, n in counts["excluded_reasons"].items():
            out.write(f"  {n} {reason}\n")
    if counts["rejected_rows"]:
        out.write(f"Rows the imports set aside (not a lead): {counts['rejected_rows']}\n")


def cmd_export(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = ExportService(ctx)
    preview = service.preview(
        args.event,
        args.format,
        only_new=args.only_new,
        include_protected=args.include_protected,
    )
    target = Path(args.out)
    if args.dry_run:
        if args.json:
            data: dict[str, Any] = {
                "event_id": preview.event.id,
                "profile": preview.plan.profile.code,
                "dry_run": True,
                "files": [str(path) for path in file_names(preview.plan, target).values()],
                **preview.counts(),
                "excluded_rows": [
                    {
                        "source_file": item.lead.source_file,
                        "source_rows": list(item.lead.source_rows),
                        "reason": item.reason,
                    }
                    for item in preview.plan.excluded
                ],
            }
            print_json(data, out)
        else:
            out.write("Dry run: nothing written.\n")
            _summary(preview, out)
        return EXIT_OK
    result = service.write(
        preview,
        target,
        errors=Path(args.errors) if args.errors else None,
        encoding="utf-8-sig" if args.bom else "utf-8",
    )
    if args.json:
        print_json(result.to_json(), out)
        return EXIT_OK
    _summary(preview, out)
    for written in result.files:
        out.write(f"Wrote {written.rows} row(s) to {written.path}\n")
    if result.errors_file is not None:
        out.write(f"Wrote {result.errors_written} row(s) to fix to {result.errors_file}\n")
    if result.repeated:
        out.write("The same file was exported before; nothing new was recorded.\n")
    elif result.stamp:
        out.write(f"SLA: stamped {result.stamp.replace('_', ' ')}.\n")
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction[Any], json_flag: argparse.ArgumentParser
) -> None:
    export = commands.add_parser(
        "export",
        parents=[json_flag],
        help="write an event's leads for a MAP or CRM, with scoring hints",
        description="CSV by default; an --out ending in .xlsx writes a workbook. Marketo"
        " gets one file per program status (FILE's name plus the status).",
    )
    export.add_argument("--event", type=int, required=True, metavar="ID")
    export.add_argument(
        "--format",
        required=True,
        metavar="PROFILE",
        help="generic, marketo, hubspot, salesforce, pardot, eloqua, or a company profile",
    )
    export.add_argument("--out", required=True, metavar="FILE")
    export.add_argument(
        "--errors", metavar="FILE", help="rows left out, with the reason, to fix and re-import"
    )
    export.add_argument("--dry-run", action="store_true", help="show what would be written")
    export.add_argument(
        "--only-new", action="store_true", help="only people not exported before (this profile)"
    )
    export.add_argument(
        "--include-protected",
        action="store_true",
        help="also write the profile's protected fields (e.g. Lead Source, lifecycle)",
    )
    export.add_argument("--bom", action="store_true", help="UTF-8 with BOM, for Excel")
    export.set_defaults(handler=cmd_export)
