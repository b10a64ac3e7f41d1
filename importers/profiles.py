"""Platform profiles: which tool wrote a lead file, and how its layout is read.

A profile is a data file in ``importers/profiles/*.yaml`` (one per platform layout),
validated on load. It says which headings identify the layout (``signature``),
which sections of a multi-part report hold leads (``sections``), where each
column goes (``columns``), how one-row-per-join reports fold into one row per
person (``aggregate``), which rows are hosts or presenters (``skip_rows``) and
which facts about the session the preamble carries (``session``).

Headings in a profile may list spellings separated by ``|``; they are compared
after :func:`importers.headings.normalise_heading`, so case, accents, punctuation
and spacing never matter.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from importers.base import Grid, ProfileMatch
from importers.headings import HeadingSet, alternatives, heading_variants, normalise_heading
from importers.scan import header_candidates, rows_of, title_texts
from schemas import YAML_LOADER

AUTO_PROFILE_MIN = 0.6
"""A detected profile is applied automatically only at this confidence or above."""

PROFILE_DIR = Path(__file__).resolve().parent / "profiles"

_NAME = r"^[a-z][a-z0-9_]*$"
_SECTION_NUMBER = re.compile(r"^\d+ ")

ProfileKind = Literal["webcast", "in_person", "registration", "crm", "business_card", "form"]
Evidence = Literal["verified", "documented", "reconstructed"]


class ProfileError(ValueError):
    """An unknown profile name or a broken profile file; the message is one sentence."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signature(_Strict):
    """Headings (each ``"A|B"`` for alternative spellings) that identify the layout."""

    required: tuple[str, ...] = Field(min_length=1)
    optional: tuple[str, ...] = ()
    # A heading that belongs to a look-alike layout: its presence rules this one out.
    absent: tuple[str, ...] = ()
    # Preamble or section texts ("Attendee Report", "1. Summary") that confirm the layout.
    markers: tuple[str, ...] = ()


class SectionRule(_Strict):
    """Which sections hold leads: matched by title (prefix) and/or by headings present."""

    titles: tuple[str, ...] = ()
    header_has: tuple[str, ...] = ()
    leads: bool
    reason: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> SectionRule:
        if not self.titles and not self.header_has:
            raise ValueError("a section rule needs titles or header_has")
        if not self.leads and not self.reason:
            raise ValueError("a section rule that skips rows needs a reason")
        return self


class Sections(_Strict):
    """Section rules, first match wins.

    When a rule marks some section as leads, sections no rule names are skipped;
    when none does (a report cut down to its lead table), the best-looking table
    is read instead, so a profile never turns a plain list into zero leads.
    """

    rules: tuple[SectionRule, ...] = ()


class RowRule(_Strict):
    """Rows that are not leads (hosts, presenters), found by one column's value.

    A row is skipped when its value for ``target`` is one of ``values`` (compared
    normalised), or equals the session fact ``session_key`` (a Zoom meeting's host
    e-mail from the summary row).
    """

    target: str
    values: tuple[str, ...] = ()
    session_key: str | None = None
    reason: str = Field(min_length=1)

    @model_validator(mode="after")
    def _has_test(self) -> RowRule:
        if not self.values and not self.session_key:
            raise ValueError("a skip_rows rule needs values or a session_key")
        return self


class Aggregate(_Strict):
    """Fold rows of one person (a rejoin per row) into one record.

    ``keys`` are groups of targets tried in order: the first group whose values are all
    present identifies the person (e.g. ``[[email], [full_name]]``).
    """

    keys: tuple[tuple[str, ...], ...] = Field(min_length=1)
    sum: tuple[str, ...] = ()
    earliest: tuple[str, ...] = ()
    latest: tuple[str, ...] = ()


class SessionFact(_Strict):
    """A fact about the session read from the preamble, stored under ``key``."""

    key: str = Field(pattern=_NAME)
    labels: str = Field(min_length=1)
    kind: Literal["text", "minutes"] = "text"


class Profile(_Strict):
    """One platform layout, as loaded from its data file."""

    name: str = Field(pattern=_NAME, max_length=60)
    label: str = Field(min_length=1)
    platform: str = Field(min_length=1)
    kind: ProfileKind
    confidence: Evidence
    notes: str = ""
    signature: Signature
    sections: Sections = Sections()
    columns: Mapping[str, str] = Field(min_length=1)
    aggregate: Aggregate | None = None
    skip_rows: tuple[RowRule, ...] = ()
    session: tuple[SessionFact, ...] = ()

    @model_validator(mode="after")
    def _targets_are_columns(self) -> Profile:
        targets = set(self.columns.values())
        named: list[str] = [rule.target for rule in self.skip_rows]
        if self.aggregate is not None:
            aggregate = self.aggregate
            named += [t for group in aggregate.keys for t in group]
            named += [*aggregate.sum, *aggregate.earliest, *aggregate.latest]
        for target in named:
            if target not in targets:
                raise ValueError(f"{target!r} is used but no column maps to it")
        return self

    @cached_property
    def _column_index(self) -> dict[str, str]:
        index: dict[str, str] = {}
        for heading, target in self.columns.items():
            for spelling in alternatives(heading):
                index.setdefault(spelling, target)
        return index

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every normalised heading this profile knows (columns and signature)."""
        items = [*self.columns, *self.signature.required, *self.signature.optional]
        return frozenset(spelling for item in items for spelling in alternatives(item))

    def target_for(self, heading: str) -> str | None:
        """Where the profile sends the column ``heading``, or None if it does not know it."""
        cells = HeadingSet([heading])
        # The full spelling first: "Email (2)" is a second column, not the profile's Email.
        for variant in heading_variants(heading):
            if variant in self._column_index:
                return self._column_index[variant]
        for spellings_text, target in self.columns.items():
            if cells.has(alternatives(spellings_text)):
                return target
        return None


# ------------------------------------------------------------------ loading


def _problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where + ': ' if where else ''}{first['msg']}"


def load_profile_file(path: Path) -> Profile:
    """Read and validate one profile file.

    Raises:
        ProfileError: the file cannot be read, is not YAML or breaks a rule.
    """
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=YAML_LOADER)
    except OSError as exc:
        raise ProfileError(f"Profile file {path.name} cannot be read: {exc.strerror}.") from exc
    except yaml.YAMLError as exc:
        raise ProfileError(f"Profile file {path.name} is not valid YAML.") from exc
    if not isinstance(data, dict):
        raise ProfileError(f"Profile file {path.name} must hold a mapping at its top level.")
    try:
        profile = Profile(**data)
    except ValidationError as exc:
        raise ProfileError(f"Profile file {path.name} is invalid: {_problem(exc)}.") from exc
    if profile.name != path.stem:
        raise ProfileError(
            f"Profile file {path.name} names profile {profile.name!r}; the file must be"
            f" called {profile.name}.yaml."
        )
    return profile


def load_profiles(folder: Path = PROFILE_DIR) -> tuple[Profile, ...]:
    """Every profile in ``folder``, in file-name order.

    Raises:
        ProfileError: a file is broken (the message names it).
    """
    return tuple(load_profile_file(path) for path in sorted(folder.glob("*.yaml")))


@lru_cache(maxsize=1)
def _bundled() -> tuple[Profile, ...]:
    return load_profiles(PROFILE_DIR)


def list_profiles() -> list[Profile]:
    """The bundled platform profiles, in name order."""
    return list(_bundled())


def get_profile(name: str) -> Profile:
    """The profile called ``name``.

    Raises:
        ProfileError: no profile has that name; the message lists the known names.
    """
    for profile in _bundled():
        if profile.name == name:
            return profile
    known = ", ".join(profile.name for profile in _bundled())
    raise ProfileError(f"There is no profile called {name!r}; known profiles: {known}.")


# ------------------------------------------------------------------ detection


def _vocabulary(profiles: tuple[Profile, ...]) -> frozenset[str]:
    return frozenset(word for profile in profiles for word in profile.vocabulary)


def _has_marker(markers: tuple[str, ...], texts: list[str]) -> bool:
    wanted = [spelling for marker in markers for spelling in alternatives(marker)]
    return any(text == mark or text.startswith(mark + " ") for text in texts for mark in wanted)


def score_header(profile: Profile, header: HeadingSet, marker_found: bool) -> float:
    """Confidence (0..1) that ``header`` is this profile's lead table header.

    Every required heading present (and no ``absent`` one) puts the profile at
    :data:`AUTO_PROFILE_MIN` or above; optional headings, the share of the row the
    profile explains and a preamble marker raise it. A missing required heading
    keeps it below the threshold, however much else matches.
    """
    signature = profile.signature
    required = sum(1 for item in signature.required if header.has(alternatives(item)))
    required_share = required / len(signature.required)
    optional = sum(1 for item in signature.optional if header.has(alternatives(item)))
    optional_share = optional / len(signature.optional) if signature.optional else 0.0
    explained = header.count_known(profile.vocabulary) / max(len(header.cells), 1)
    ruled_out = any(header.has(alternatives(item)) for item in signature.absent)
    if required_share < 1 or ruled_out:
        return round(0.45 * required_share * (0.5 if ruled_out else 1) + 0.05 * explained, 3)
    score = 0.6 + 0.15 * optional_share + 0.15 * explained + (0.1 if marker_found else 0.0)
    return round(min(score, 1.0), 3)


def detect_profile(grids: list[Grid]) -> list[ProfileMatch]:
    """Which platform wrote the file: every profile with a confidence above 0, best first.

    Each header-looking row of every sheet is scored against each profile's
    signature; a profile's confidence is its best row's score. A list that shows no
    platform's distinctive columns scores below :data:`AUTO_PROFILE_MIN` everywhere.
    """
    profiles = _bundled()
    vocabulary = _vocabulary(profiles)
    headers: list[HeadingSet] = []
    texts: list[str] = []
    for grid in grids:
        rows = rows_of(grid)
        headers += [HeadingSet(rows[i].cells) for i in header_candidates(rows, vocabulary)]
        texts += title_texts(rows)
    matches: list[ProfileMatch] = []
    for profile in profiles:
        marker = _has_marker(profile.signature.markers, texts)
        best = max((score_header(profile, header, marker) for header in headers), default=0.0)
        if best > 0:
            matches.append(ProfileMatch(profile.name, profile.label, best))
    matches.sort(key=lambda match: (-match.confidence, match.name))
    return matches


def _unnumbered(text: str) -> str:
    """Drop a leading section number: Teams numbers its sections, older layouts do not."""
    return _SECTION_NUMBER.sub("", text)


def section_rule(profile: Profile, title: str | None, header: HeadingSet) -> SectionRule | None:
    """The first of the profile's section rules that names this section, if any.

    A rule's titles match the section title, or its start, ignoring a leading
    section number; its ``header_has`` headings must all be in the section's header.
    """
    normalised = _unnumbered(normalise_heading(title)) if title else ""
    for rule in profile.sections.rules:
        if rule.titles:
            spellings = [_unnumbered(s) for item in rule.titles for s in alternatives(item)]
            if not normalised or not any(
                normalised == s or normalised.startswith(s + " ") for s in spellings
            ):
                continue
        if rule.header_has and not all(header.has(alternatives(h)) for h in rule.header_has):
            continue
        return rule
    return None
