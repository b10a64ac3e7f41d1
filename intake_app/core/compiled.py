"""Rules compiled once per schema object: regexes and look-up tables built from its data.

The schema is immutable and lives as long as the app has it loaded, so what is
built from one of its sections is kept beside it, found again by identity.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

Built = TypeVar("Built")

_BUILT: dict[tuple[int, Callable[..., Any]], tuple[object, Any]] = {}


def compiled(rules: object, build: Callable[[Any], Built]) -> Built:
    """``build(rules)``, made once for this rules object and reused after."""
    key = (id(rules), build)
    cached = _BUILT.get(key)
    if cached is not None and cached[0] is rules:
        result: Built = cached[1]
        return result
    result = build(rules)
    _BUILT[key] = (rules, result)
    return result
