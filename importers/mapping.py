"""Column mapping: which source column feeds which canonical field or import target.

Three sources of a mapping, strongest first:

1. the platform profile's own columns (confidence 1.0);
2. the schema's header aliases, in several languages, compared after
   :func:`~importers.headings.normalise_heading` (0.95, or 0.9 when only the
   heading without its parenthesised part matches);
3. a fuzzy match (rapidfuzz) against every alias and field name, for headings
   such as "Emial Adress" or "Company name (legal)"; its confidence is the
   similarity scaled below 0.85, so the wizard asks for a look.

A target takes one column: when two columns claim it, the more certain one
wins and the other stays an extra field. Columns no target takes are kept as
extra fields, never dropped. A single full-name column is split into first and
last name (nameparser), "Last, First" included.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from nameparser import HumanName
from rapidfuzz import fuzz, process

from importers.base import ColumnMapping, LeadTable, MappedRecord, RawRecord
from importers.headings import heading_variants, normalise_heading
from importers.profiles import Profile
from schemas import CorporateSchema

PROFILE_CONFIDENCE = 1.0
ALIAS_CONFIDENCE = 0.95
BARE_ALIAS_CONFIDENCE = 0.9
FUZZY_CEILING = 0.85
FUZZY_MIN_SCORE = 86.0
FUZZY_MIN_LENGTH = 5
SAMPLE_COUNT = 3
_SAMPLE_SCAN = 500


# ------------------------------------------------------------------ the alias index


def alias_index(schema: CorporateSchema) -> dict[str, str]:
    """Normalised heading -> target, from field names, labels and header aliases."""
    cached = _INDEXES.get(id(schema))
    if cached is not None and cached[0] is schema:
        return cached[1]
    index = _build_index(schema)
    if len(_INDEXES) > 16:
        _INDEXES.clear()
    _INDEXES[id(schema)] = (schema, index)
    return index


# Schemas are immutable; each keeps its index while it is in use.
_INDEXES: dict[int, tuple[CorporateSchema, dict[str, str]]] = {}


def _build_index(schema: CorporateSchema) -> dict[str, str]:
    index: dict[str, str] = {}
    for target, aliases in schema.header_aliases.items():
        for alias in aliases:
            key = normalise_heading(alias)
            if key:
                index.setdefault(key, target)
    for target in schema.target_names():
        for text in (target.replace("_", " "), schema.target_label(target)):
            key = normalise_heading(text)
            if key:
                index.setdefault(key, target)
    return index


def _guess(heading: str, index: dict[str, str]) -> tuple[str | None, float]:
    variants = heading_variants(heading)
    for position, variant in enumerate(variants):
        if variant in index:
            return index[variant], ALIAS_CONFIDENCE if position == 0 else BARE_ALIAS_CONFIDENCE
    best: tuple[str | None, float] = (None, 0.0)
    for variant in variants:
        if len(variant) < FUZZY_MIN_LENGTH:
            continue
        found = process.extractOne(
            variant,
            index.keys(),
            scorer=_similarity,
            score_cutoff=FUZZY_MIN_SCORE,
        )
        if found is not None and found[1] / 100 * FUZZY_CEILING > best[1]:
            best = (index[found[0]], round(found[1] / 100 * FUZZY_CEILING, 3))
    return best


def _similarity(first: str, second: str, **_: object) -> float:
    """Edit similarity, also with the words sorted ("name first" = "first name")."""
    if abs(len(first) - len(second)) > max(len(first), len(second)) // 3:
        return 0.0
    return max(fuzz.ratio(first, second), fuzz.token_sort_ratio(first, second))


# ------------------------------------------------------------------ auto mapping


def _samples(records: list[RawRecord], header: str) -> tuple[str, ...]:
    found: list[str] = []
    for record in records[:_SAMPLE_SCAN]:
        value = record.values.get(header, "")
        if value and value not in found:
            found.append(value if len(value) <= 80 else value[:77] + "...")
            if len(found) == SAMPLE_COUNT:
                break
    return tuple(found)


def auto_map(
    table: LeadTable, profile: Profile | None, schema: CorporateSchema
) -> list[ColumnMapping]:
    """Propose a target for every column of the lead table, with a confidence.

    Args:
        table: the lead table (its headers and records, for sample values).
        profile: the platform profile in force, or None.
        schema: the schema whose fields, import targets and aliases are the targets.

    Returns:
        One mapping per header, in column order; ``target`` None keeps the column
        as an extra field.
    """
    targets = set(schema.target_names())
    index = alias_index(schema)
    proposals: list[tuple[str, str | None, float]] = []
    for header in table.headers:
        target: str | None = None
        confidence = 0.0
        if profile is not None:
            target = profile.target_for(header)
            confidence = PROFILE_CONFIDENCE if target else 0.0
        if target is None or target not in targets:
            target, confidence = _guess(header, index)
        proposals.append((header, target, confidence))

    winner: dict[str, int] = {}
    for position, (_, target, confidence) in enumerate(proposals):
        if target is None:
            continue
        held = winner.get(target)
        if held is None or confidence > proposals[held][2]:
            winner[target] = position
    mappings: list[ColumnMapping] = []
    for position, (header, target, confidence) in enumerate(proposals):
        kept = target is not None and winner.get(target) == position
        mappings.append(
            ColumnMapping(
                source=header,
                target=target if kept else None,
                confidence=confidence if kept else 0.0,
                samples=_samples(table.records, header),
            )
        )
    return mappings


# ------------------------------------------------------------------ applying a mapping


@lru_cache(maxsize=65536)
def split_full_name(text: str) -> tuple[str, str]:
    """First and last name from one name cell: "Ada Lovelace", "Lovelace, Ada", "Dr. Ada King".

    The middle name goes with the first name; titles and suffixes are dropped
    (the raw value is kept beside the lead).
    """
    clean = " ".join(text.split())
    if not clean:
        return "", ""
    parts = clean.split(" ")
    if "," not in clean and len(parts) == 2 and all(part.isalpha() for part in parts):
        return parts[0], parts[1]  # the common case, without the parser's cost
    name = HumanName(clean)
    first = " ".join(part for part in (name.first, name.middle) if part)
    last = name.last
    if not first and not last:
        return clean, ""
    return first, last


_DEFUSED = frozenset("=+-@\t\r")


def map_record(record: RawRecord, mappings: list[ColumnMapping]) -> MappedRecord:
    """A record's values per target; unmapped columns kept under their headings.

    A full-name column fills first and last name when the file has neither.
    """
    fields: dict[str, str] = {}
    extra: dict[str, str] = {}
    values = record.values
    for mapping in mappings:
        value = values.get(mapping.source, "")
        if value[:1] == "'" and value[1:2] in _DEFUSED:
            # A cell a spreadsheet-safe export defused ("'=..."): the apostrophe is not data.
            value = value[1:]
        if mapping.target is None:
            extra[mapping.source] = value
        else:
            fields[mapping.target] = value
    full = fields.get("full_name", "")
    if full and not fields.get("first_name") and not fields.get("last_name"):
        first, last = split_full_name(full)
        if first:
            fields["first_name"] = first
        if last:
            fields["last_name"] = last
    return MappedRecord(record.row_numbers, fields, extra, record.section)


# ------------------------------------------------------------------ saved mappings


def header_signature(headers: list[str]) -> str:
    """A stable key for a set of headings: the same columns in any order give the same key."""
    normalised = sorted({normalise_heading(header) for header in headers} - {""})
    return hashlib.sha256("\x1f".join(normalised).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class HeaderDrift:
    """How a file's columns differ from a saved mapping's."""

    missing: tuple[str, ...]  # in the saved mapping, not in the file
    added: tuple[str, ...]  # in the file, not in the saved mapping

    @property
    def drifted(self) -> bool:
        return bool(self.missing or self.added)


def compare_headers(saved: list[str], current: list[str]) -> HeaderDrift:
    """The columns a saved mapping expects but the file lacks, and the file's new ones."""
    saved_keys = {normalise_heading(header) for header in saved}
    current_keys = {normalise_heading(header) for header in current}
    return HeaderDrift(
        missing=tuple(h for h in saved if normalise_heading(h) not in current_keys),
        added=tuple(h for h in current if normalise_heading(h) not in saved_keys),
    )
