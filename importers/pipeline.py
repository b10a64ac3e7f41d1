"""From grids to a lead table with a profile and a mapping: the steps after reading.

``prepare`` is what both the wizard and ``intake import`` call once the file is
read: detect the platform, find the lead table under any title block or
sections, and propose a mapping. It writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from importers.base import ColumnMapping, Grid, LeadTable, ProfileMatch, ReadError
from importers.layout import find_lead_table
from importers.mapping import auto_map
from importers.profiles import AUTO_PROFILE_MIN, Profile, detect_profile, get_profile
from schemas import CorporateSchema

NO_PROFILE = ("none", "generic")


@dataclass
class Prepared:
    """A file's lead table, the profile applied (if any), every match and a mapping."""

    table: LeadTable
    match: ProfileMatch | None
    matches: list[ProfileMatch] = field(default_factory=list)
    mappings: list[ColumnMapping] = field(default_factory=list)
    profile: Profile | None = None


def choose_profile(
    matches: list[ProfileMatch], requested: str | None
) -> tuple[Profile | None, ProfileMatch | None]:
    """The profile to apply: the one asked for, or the best detected one if sure enough.

    Raises:
        ProfileError: ``requested`` names no profile.
    """
    if requested is None or requested.casefold() in NO_PROFILE:
        return None, None
    if requested.casefold() == "auto":
        if matches and matches[0].confidence >= AUTO_PROFILE_MIN:
            return get_profile(matches[0].name), matches[0]
        return None, None
    profile = get_profile(requested)
    detected = next((m for m in matches if m.name == profile.name), None)
    return profile, detected or ProfileMatch(profile.name, profile.label, 0.0)


def prepare(
    grids: list[Grid],
    schema: CorporateSchema,
    profile: str | None = "auto",
    *,
    file_name: str = "the file",
) -> Prepared:
    """Detect the platform, find the lead table and map its columns.

    Args:
        grids: what the reader found, one grid per sheet.
        schema: the schema in force (targets and header aliases).
        profile: a profile name, "auto" to detect one, or None / "none" for none.
        file_name: the file's name, for the messages.

    Raises:
        ReadError: the file holds no table of leads.
        ProfileError: ``profile`` names no profile.
    """
    matches = detect_profile(grids)
    chosen, match = choose_profile(matches, profile)
    table = find_lead_table(grids, chosen, schema=schema)
    if not table.headers:
        raise ReadError("no table of leads was found: no row looks like a header", file=file_name)
    if not table.records:
        raise ReadError(
            "the table under the header holds no rows of leads",
            file=file_name,
            row=table.header_row or None,
        )
    mappings = auto_map(table, chosen, schema)
    return Prepared(table=table, match=match, matches=matches, mappings=mappings, profile=chosen)
