"""Countries and time zones: look-ups that the event form and later the normaliser share."""

from __future__ import annotations

import zoneinfo
from functools import lru_cache

import pycountry
import tzlocal

# Everyday names that ISO 3166 does not list under that spelling.
_COUNTRY_VARIANTS = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states of america": "US",
    "america": "US",
    "uk": "GB",
    "u.k.": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "south korea": "KR",
    "korea": "KR",
    "russia": "RU",
    "vietnam": "VN",
    "czech republic": "CZ",
    "deutschland": "DE",
    "the netherlands": "NL",
    "holland": "NL",
    "hong kong, china": "HK",
    "taiwan": "TW",
    "uae": "AE",
}


@lru_cache(maxsize=8192)
def lookup_country(text: str) -> str | None:
    """ISO 3166-1 alpha-2 code for a country name or code, or None if unknown.

    Cached: a lead list repeats a handful of spellings thousands of times, and
    pycountry's fuzzy search takes tens of milliseconds a call.
    """
    key = " ".join(text.split()).strip()
    if not key:
        return None
    variant = _COUNTRY_VARIANTS.get(key.casefold())
    if variant:
        return variant
    try:
        country = pycountry.countries.lookup(key)
    except LookupError:
        try:
            matches = pycountry.countries.search_fuzzy(key) if len(key) > 3 else []
        except LookupError:  # search_fuzzy raises, rather than returns [], on no match
            matches = []
        # Only a single unambiguous fuzzy hit is trusted; anything else is unknown.
        return str(matches[0].alpha_2) if len(matches) == 1 else None
    return str(country.alpha_2)


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country else code


@lru_cache(maxsize=1)
def country_choices() -> list[tuple[str, str]]:
    """(alpha-2 code, English name) for every country, sorted by name."""
    return sorted(
        ((str(c.alpha_2), str(c.name)) for c in pycountry.countries), key=lambda pair: pair[1]
    )


@lru_cache(maxsize=1)
def timezone_names() -> list[str]:
    """Every IANA time zone name this machine knows, sorted."""
    regional = (
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return [*sorted(regional), "UTC"]


def is_timezone(name: str) -> bool:
    if not name or name != name.strip():
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return True


def local_timezone_name() -> str:
    """The computer's IANA time zone, or UTC when it cannot be told."""
    try:
        name = str(tzlocal.get_localzone_name())
    except Exception:
        return "UTC"
    if name in ("Etc/UTC", "Etc/GMT", "GMT", "Universal", "Zulu"):
        return "UTC"
    return name if is_timezone(name) else "UTC"
