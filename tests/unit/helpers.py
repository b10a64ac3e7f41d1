"""Small helpers the headless tests share: a SQLite URL for a file, the CLI run in-process."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from intake_app.cli import main


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def run_cli(*argv: str) -> tuple[int, str, str]:
    """``intake ARGV`` in this process: the exit code, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


# Another program in the middle of a write transaction on a SQLite file, until told to stop.
_WRITER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("UPDATE events SET name = 'uncommitted'")
print("holding", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
"""


def start_writer(path: Path) -> subprocess.Popen[str]:
    """Start a program that holds a write transaction on ``path``; returns once it holds it.

    Send it a line on stdin (``process.communicate("\\n")``) to roll back and end.
    """
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdout.readline() == "holding\n"
    return process
