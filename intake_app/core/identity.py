"""Who is using the app, for stamps and the audit log."""

from __future__ import annotations

import getpass
import os


def current_user() -> str:
    """``INTAKE_USER`` if set, else the operating-system login name."""
    override = os.environ.get("INTAKE_USER", "").strip()
    if override:
        return override
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name, e.g. in some containers
        return "unknown"
