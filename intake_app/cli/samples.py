"""``intake sample add|remove``: the fictional sample events, to try the app safely."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from intake_app.cli.output import EXIT_OK, print_json
from intake_app.services.context import AppContext
from intake_app.services.samples import SampleService


def cmd_sample(ctx: AppContext, args: argparse.Namespace, out: TextIO) -> int:
    service = SampleService(ctx)
    if args.action == "remove":
        removal = service.remove()
        if args.json:
            print_json(
                {"events": removal.events, "leads": removal.leads, "persons": removal.persons},
                out,
            )
        else:
            out.write(removal.describe() + "\n")
        return EXIT_OK
    made = service.create(import_all=True)
    if args.json:
        print_json(made.to_json(), out)
        return EXIT_OK
    for event, summary in zip(made.events, made.imports, strict=True):
        out.write(f"Event {event.id}: {event.name}, {summary.imported} leads from {summary.file}\n")
    out.write("Remove it all with: intake sample remove\n")
    return EXIT_OK


def add_commands(
    commands: argparse._SubParsersAction[Any], json_flag: argparse.ArgumentParser
) -> None:
    """Add ``sample`` to the ``intake`` parser."""
    sample = commands.add_parser(
        "sample",
        parents=[json_flag],
        help="load or remove the fictional sample events and their leads",
        description="Load two fictional events with realistic lead files (a trade-show badge"
        " scan and a webinar attendee report), or remove them with everything made from them.",
    )
    sample.add_argument("action", choices=["add", "remove"])
    sample.set_defaults(handler=cmd_sample)
