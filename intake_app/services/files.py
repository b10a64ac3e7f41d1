"""Writing a file so that a failure leaves the old file (or none), never half of one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def replace_atomically(path: Path, *, encoding: str = "utf-8") -> Iterator[IO[str]]:
    """Write to a temporary file beside ``path``; on success it takes ``path``'s place.

    On any error the temporary file is removed and ``path`` is left as it was.
    """
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below, on every path
        "w", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False,
        encoding=encoding, newline="",
    )  # fmt: skip
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def write_files_atomically(contents: dict[Path, bytes]) -> None:
    """Write every file beside its target, then move them all into place.

    A failure while writing leaves every target as it was and no temporary file
    behind. Raises the ``OSError``.
    """
    temporary: dict[Path, str] = {}
    try:
        for path, data in contents.items():
            handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed right away
                "wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp", delete=False
            )
            temporary[path] = handle.name
            with handle:
                handle.write(data)
        for path, name in temporary.items():
            os.replace(name, path)
    except BaseException:
        for name in temporary.values():
            with contextlib.suppress(OSError):
                os.unlink(name)
        raise
