"""Helpers the headless tests share: a SQLite URL, the CLI in-process or in a child, imports."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from intake_app.cli import main
from intake_app.services.context import AppContext
from intake_app.services.imports import ImportService, ImportSummary

ROOT = Path(__file__).resolve().parents[2]  # the checkout: a child process imports this code


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.as_posix()}"


def child_env(home: Path) -> dict[str, str]:
    """An ``intake`` child process's environment: this checkout, its folders below ``home``."""
    env = dict(os.environ)  # already isolated by the autouse fixture
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["INTAKE_DATA_DIR"] = str(home / "data")
    env["INTAKE_CONFIG_DIR"] = str(home / "config")
    return env


def import_text(
    ctx: AppContext, event_id: int, folder: Path, name: str, text: str, **options: Any
) -> ImportSummary:
    """Write ``text`` as the lead file ``name`` in ``folder`` and import it into the event."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    service = ImportService(ctx)
    return service.run(service.preview(path), event_id, **options)


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
