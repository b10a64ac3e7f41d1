"""Printing for the command line: JSON and plain aligned tables, and the exit codes."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TextIO

# The contract (DESIGN §6): success, a refused input or failed operation, bad usage.
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def print_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], out: TextIO) -> None:
    widths = [len(header) for header in headers]
    for row in rows:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    line = "  ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True))
    out.write(line.rstrip() + "\n")
    for row in rows:
        cells = zip(row, widths, strict=True)
        out.write("  ".join(cell.ljust(width) for cell, width in cells).rstrip() + "\n")
