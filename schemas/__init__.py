"""The corporate schema: event types, SLA policies, picklists and canonical fields as data.

The default schema lives in ``schemas/default/*.yaml``. A company overrides or
extends it with a folder of its own holding any of the same files: entries of a
keyed list (event types and SLA policies by ``code``, fields by ``name``) replace
the default entry with that key or are added after the defaults; a picklist named
in the company file replaces the default list of that name. Everything is
validated when loaded, and a problem is reported with its file and entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SCHEMA_FORMAT_VERSION = 1
DEFAULT_DIR = Path(__file__).resolve().parent / "default"
SCHEMA_FILES = (
    "event_types.yaml",
    "sla_policies.yaml",
    "picklists.yaml",
    "fields.yaml",
    "import_targets.yaml",
    "header_aliases.yaml",
    "import_limits.yaml",
    "picklist_synonyms.yaml",
    "title_rules.yaml",
    "engagement_rules.yaml",
    "dedupe_rules.yaml",
    "regions.yaml",
    "scoring_rules.yaml",
    "program_statuses.yaml",
    "export_profiles.yaml",
)

_CODE = r"^[a-z0-9][a-z0-9_-]*$"


class SchemaError(ValueError):
    """A schema file is missing, unreadable or breaks a rule; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class EventType(_Strict):
    code: str = Field(pattern=_CODE, max_length=40)
    label: str = Field(min_length=1)
    channel: Literal["in_person", "online", "third_party"]
    lead_source: str
    sla_policy: str


class SlaStage(_Strict):
    name: Literal["hand_over", "enter"]
    amount: float = Field(gt=0)
    unit: Literal["business_days", "hours"]


class SlaPolicy(_Strict):
    code: str = Field(pattern=_CODE, max_length=40)
    label: str = Field(min_length=1)
    stages: tuple[SlaStage, ...] = Field(min_length=1, max_length=2)
    # Whose public holidays are skipped: the event's country, a fixed ISO 3166
    # country code (a team that works from one country), or none (weekends only).
    holiday_calendar: str = Field(
        default="event_country", pattern=r"^(event_country|none|[A-Z]{2})$"
    )
    # The reminder comes when this share of a stage's time is left.
    reminder_when_left: float = Field(default=0.25, gt=0, lt=1)
    # After the deadline: escalate to the owner's manager, then suggest reassigning.
    escalate_after_business_days: float = Field(default=1, gt=0)
    reassign_after_business_days: float = Field(default=2, gt=0)

    @model_validator(mode="after")
    def _stages_in_order(self) -> SlaPolicy:
        names = [stage.name for stage in self.stages]
        if names not in (["enter"], ["hand_over", "enter"]):
            raise ValueError("stages must be [enter] or [hand_over, enter]")
        if self.reassign_after_business_days <= self.escalate_after_business_days:
            raise ValueError("reassignment must come after escalation")
        return self

    @property
    def two_stage(self) -> bool:
        return len(self.stages) == 2


FieldKind = Literal[
    "text",
    "name",
    "email",
    "phone",
    "picklist",
    "country",
    "state",
    "domain",
    "postal_code",
    "datetime",
]


class FieldSpec(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    label: str = Field(min_length=1)
    kind: FieldKind
    picklist: str | None = None

    @model_validator(mode="after")
    def _picklist_named(self) -> FieldSpec:
        if self.kind == "picklist" and not self.picklist:
            raise ValueError(f"field {self.name!r} is a picklist but names no picklist")
        return self


class ImportTarget(_Strict):
    """A value an import can map a column to that is not a canonical lead field."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=60)
    label: str = Field(min_length=1)


class ImportLimits(_Strict):
    """Bounds on what a lead file may hold before it is refused (hostile or broken files)."""

    max_file_mb: float = Field(default=512, gt=0)
    max_rows: int = Field(default=2_000_000, gt=0)
    max_columns: int = Field(default=1_000, gt=0)
    max_cells: int = Field(default=10_000_000, gt=0)
    max_cell_chars: int = Field(default=32_768, gt=0)
    max_unpacked_mb: float = Field(default=2048, gt=0)
    max_compression_ratio: float = Field(default=200, gt=1)


class LevelRule(_Strict):
    level: str
    words: tuple[str, ...] = Field(min_length=1)


class FunctionRule(_Strict):
    function: str
    words: tuple[str, ...] = Field(min_length=1)


class TitleRules(_Strict):
    """Job level and function from a title: words per level and function, first match wins."""

    not_an_executive: tuple[str, ...] = ()
    chief_functions: Mapping[str, str] = Field(default_factory=dict)
    levels: tuple[LevelRule, ...] = ()
    default_level: str = "Individual Contributor"
    acronym_functions: Mapping[str, str] = Field(default_factory=dict)
    functions: tuple[FunctionRule, ...] = ()
    default_function: str = "Other"


class WebcastRules(_Strict):
    high_ratio: float = Field(default=0.6, gt=0, le=1)
    high_ratio_with_signal: float = Field(default=0.3, gt=0, le=1)
    medium_ratio: float = Field(default=0.2, gt=0, le=1)
    score_signal_share: float = Field(default=0.667, gt=0, le=1)


class CrmScoreRules(_Strict):
    high: float = 70
    medium: float = 30


class CheckInRules(_Strict):
    contact_words: tuple[str, ...] = ()
    several_sessions: int = Field(default=2, ge=2)


class EngagementRules(_Strict):
    """The DESIGN §4 engagement policy as numbers and words."""

    webcast: WebcastRules = WebcastRules()
    ratings: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    keywords: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    crm_score: CrmScoreRules = CrmScoreRules()
    check_in: CheckInRules = CheckInRules()


class DedupeWeights(_Strict):
    """Points (log-odds) each piece of evidence adds to a pair; the score is their logistic."""

    prior: float = -5.5
    same_email: float = 9.0
    same_phone: float = 6.5
    work_email_differs: float = -1.5  # both work addresses on one domain, not the same
    personal_email_differs: float = -0.5  # both free-mail addresses, not the same
    similar_email: float = 2.5  # other addresses, the same letters before the @
    phone_differs: float = -0.75
    same_name: float = 5.0
    nickname: float = 4.8
    swapped_name: float = 4.8
    typo_last_name: float = 4.5
    typo_first_name: float = 4.2
    typo_both_names: float = 2.5
    same_last_name_only: float = 1.0  # first name missing or an initial that fits
    first_name_differs: float = -3.0
    last_name_differs: float = -3.0
    names_differ: float = -6.0
    same_company: float = 3.5
    company_differs: float = -4.0
    company_domain_differs: float = -2.0  # one's company against the other's e-mail domain
    same_city: float = 0.3
    country_differs: float = -1.5


class DedupeRules(_Strict):
    """When two rows are one person: thresholds, block limits, nicknames, mail domains."""

    auto_merge_threshold: float = Field(default=0.9, gt=0, le=1)
    review_threshold: float = Field(default=0.7, gt=0, le=1)
    max_cluster: int = Field(default=10, ge=2)
    # Blocks of candidates larger than this are skipped; the other keys still find pairs.
    max_block: int = Field(default=60, ge=2)
    # A phone or e-mail seen with more distinct names than this is a switchboard/shared one.
    shared_after_names: int = Field(default=3, ge=1)
    # Name similarity (Jaro-Winkler, 0..1) from which two spellings count as a typo.
    typo_similarity: float = Field(default=0.88, gt=0, le=1)
    nicknames: tuple[tuple[str, ...], ...] = ()
    free_mail_domains: tuple[str, ...] = ()
    shared_mailboxes: tuple[str, ...] = ()  # local parts, added to the built-in role list
    weights: DedupeWeights = DedupeWeights()

    @model_validator(mode="after")
    def _sensible(self) -> DedupeRules:
        if self.review_threshold > self.auto_merge_threshold:
            raise ValueError("review_threshold must not exceed auto_merge_threshold")
        for group in self.nicknames:
            if len(group) < 2 or any(not name.strip() for name in group):
                raise ValueError(f"nickname group {list(group)!r} needs two or more names")
        return self


class Regions(_Strict):
    """Sales regions for the Dashboard and reports: region -> ISO country codes."""

    countries: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    # The region of a country no list names; events without a country are "Unassigned".
    default: str = "EMEA"

    @model_validator(mode="after")
    def _each_country_once(self) -> Regions:
        seen: dict[str, str] = {}
        for region, codes in self.countries.items():
            for code in codes:
                if code in seen:
                    raise ValueError(f"country {code} is in both {seen[code]} and {region}")
                seen[code] = region
        return self

    @cached_property
    def _by_country(self) -> dict[str, str]:
        return {code: region for region, codes in self.countries.items() for code in codes}

    def region_of(self, country: str | None) -> str:
        if not country:
            return "Unassigned"
        return self._by_country.get(country.upper(), self.default)

    def names(self) -> list[str]:
        names = list(self.countries)
        if self.default not in names:
            names.append(self.default)
        return names


class SizeBand(_Strict):
    at_least: int = Field(ge=0)
    points: float


class FitRules(_Strict):
    job_level: Mapping[str, float] = Field(default_factory=dict)
    job_function: Mapping[str, float] = Field(default_factory=dict)
    industry: Mapping[str, float] = Field(default_factory=dict)
    countries: tuple[str, ...] = ()
    country_points: float = 0
    company_size: tuple[SizeBand, ...] = ()
    letters: Mapping[str, float] = Field(default_factory=lambda: {"A": 70, "B": 50, "C": 30})


class ActivityRule(_Strict):
    points: float
    cap: float


class EngagementScoreRules(_Strict):
    level: Mapping[str, float] = Field(default_factory=dict)
    activities: Mapping[str, ActivityRule] = Field(default_factory=dict)
    follow_up_words: tuple[str, ...] = ()
    follow_up_points: float = 0
    digits: Mapping[str, float] = Field(default_factory=lambda: {"1": 70, "2": 45, "3": 20})


class Treatment(_Strict):
    code: str = Field(pattern=_CODE, max_length=40)
    label: str = Field(min_length=1, max_length=80)
    grades: tuple[str, ...]
    follow_up_hours: float | None = Field(default=None, gt=0)


GRADES = tuple(f"{letter}{digit}" for letter in "ABCD" for digit in "1234")


class ScoringRules(_Strict):
    fit: FitRules = FitRules()
    engagement: EngagementScoreRules = EngagementScoreRules()
    fit_weight: float = Field(default=0.5, ge=0, le=1)
    treatments: tuple[Treatment, ...] = ()

    @model_validator(mode="after")
    def _every_grade_treated(self) -> ScoringRules:
        if set(self.fit.letters) != {"A", "B", "C"}:
            raise ValueError("fit letters must give the thresholds of A, B and C")
        if set(self.engagement.digits) != {"1", "2", "3"}:
            raise ValueError("engagement digits must give the thresholds of 1, 2 and 3")
        if self.treatments:
            named = [grade for treatment in self.treatments for grade in treatment.grades]
            unknown = sorted(set(named) - set(GRADES))
            if unknown:
                raise ValueError(f"treatments name unknown grade(s) {', '.join(unknown)}")
            missing = [grade for grade in GRADES if grade not in named]
            if missing:
                raise ValueError(f"no treatment for grade(s) {', '.join(missing)}")
        return self

    def treatment_for(self, grade: str) -> Treatment | None:
        return next((t for t in self.treatments if grade in t.grades), None)


class StatusRule(_Strict):
    status: str = Field(min_length=1, max_length=80)
    attended: bool | None = None
    engagement: tuple[str, ...] = ()


ExportValue = Literal[
    "first_name", "last_name", "email", "phone", "phone_ext", "mobile_phone", "company",
    "job_title", "job_level", "job_function", "industry", "country", "state", "city",
    "postal_code", "street", "website", "lead_source", "engagement_level", "engagement_detail",
    "consent", "consent_at", "consent_text", "notes", "program_status", "fit_score",
    "engagement_score", "lead_score", "grade", "treatment", "treatment_code", "follow_up_due",
    "event_name", "campaign_id", "person_id", "opted_out", "consent_basis", "description",
    "company_size",
]  # fmt: skip


class ExportColumn(_Strict):
    header: str = Field(min_length=1)
    value: ExportValue | None = None
    constant: str | None = None
    format: Literal["country_name", "state_code", "state_name", "bool", "lower"] | None = None
    map: str | None = None
    protected: bool = False

    @model_validator(mode="after")
    def _one_source(self) -> ExportColumn:
        if (self.value is None) == (self.constant is None):
            raise ValueError(f"column {self.header!r} needs a value or a constant, not both")
        return self


class ExportProfile(_Strict):
    code: str = Field(pattern=_CODE, max_length=40)
    label: str = Field(min_length=1)
    generic: bool = False
    split_by_status: bool = False
    opted_out: Literal["exclude", "flag"] = "exclude"
    required: tuple[str, ...] = ()
    states_for: tuple[str, ...] | None = None
    columns: tuple[ExportColumn, ...] = ()
    value_maps: Mapping[str, Mapping[str, str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _columns_make_sense(self) -> ExportProfile:
        if not self.generic and not self.columns:
            raise ValueError(f"export profile {self.code!r} has no columns")
        headers = [column.header for column in self.columns]
        if len(set(headers)) != len(headers):
            raise ValueError(f"export profile {self.code!r} repeats a column header")
        for column in self.columns:
            if column.map and column.map not in self.value_maps:
                raise ValueError(
                    f"export profile {self.code!r}: column {column.header!r} names unknown"
                    f" value map {column.map!r}"
                )
        return self


class CorporateSchema(_Strict):
    """The validated schema in force: defaults merged with a company folder."""

    event_types: tuple[EventType, ...]
    sla_policies: tuple[SlaPolicy, ...]
    picklists: Mapping[str, tuple[str, ...]]
    fields: tuple[FieldSpec, ...]
    import_targets: tuple[ImportTarget, ...] = ()
    # Mapping target -> column headings that mean it (any language).
    header_aliases: Mapping[str, tuple[str, ...]] = Field(default_factory=dict)
    import_limits: ImportLimits = ImportLimits()
    # Picklist -> value -> spellings that mean it.
    picklist_synonyms: Mapping[str, Mapping[str, tuple[str, ...]]] = Field(default_factory=dict)
    title_rules: TitleRules = TitleRules()
    engagement_rules: EngagementRules = EngagementRules()
    dedupe_rules: DedupeRules = DedupeRules()
    regions: Regions = Regions()
    scoring_rules: ScoringRules = ScoringRules()
    # Event channel (in_person, online, third_party) -> the rules, first match wins.
    program_statuses: Mapping[str, tuple[StatusRule, ...]] = Field(default_factory=dict)
    export_profiles: tuple[ExportProfile, ...] = ()
    source_dirs: tuple[Path, ...] = ()

    @model_validator(mode="after")
    def _cross_references(self) -> CorporateSchema:
        policies = {policy.code for policy in self.sla_policies}
        sources = set(self.picklists.get("lead_source", ()))
        for event_type in self.event_types:
            if event_type.sla_policy not in policies:
                raise ValueError(
                    f"event type {event_type.code!r} names SLA policy {event_type.sla_policy!r},"
                    " which is not defined"
                )
            if event_type.lead_source not in sources:
                raise ValueError(
                    f"event type {event_type.code!r} has lead source {event_type.lead_source!r},"
                    " which is not in the lead_source picklist"
                )
        for spec in self.fields:
            if spec.picklist and spec.picklist not in self.picklists:
                raise ValueError(f"field {spec.name!r} names unknown picklist {spec.picklist!r}")
        for name, values in self.picklists.items():
            if len(set(values)) != len(values):
                raise ValueError(f"picklist {name!r} repeats a value")
        targets = set(self.target_names())
        if len(targets) != len(self.fields) + len(self.import_targets):
            raise ValueError("an import target has the name of a lead field")
        for target in self.header_aliases:
            if target not in targets:
                raise ValueError(f"header aliases name unknown target {target!r}")
        for picklist, synonyms in self.picklist_synonyms.items():
            if picklist not in self.picklists:
                raise ValueError(f"picklist synonyms name unknown picklist {picklist!r}")
            for value in synonyms:
                if value not in self.picklists[picklist]:
                    raise ValueError(
                        f"picklist synonyms give {value!r}, which is not in picklist {picklist!r}"
                    )
        levels = set(self.picklists.get("job_level", ()))
        functions = set(self.picklists.get("job_function", ()))
        rules = self.title_rules
        named_levels = [rule.level for rule in rules.levels] + [rules.default_level]
        named_functions = [rule.function for rule in rules.functions] + [
            rules.default_function,
            *rules.chief_functions.values(),
            *rules.acronym_functions.values(),
        ]
        for level in named_levels:
            if level not in levels:
                raise ValueError(f"title rules name job level {level!r}, not in the picklist")
        for function in named_functions:
            if function not in functions:
                raise ValueError(f"title rules name job function {function!r}, not in the picklist")
        channels = {event_type.channel for event_type in self.event_types}
        for channel in channels:
            if self.program_statuses and not self.program_statuses.get(channel):
                raise ValueError(f"program statuses give no rules for channel {channel!r}")
        engagement = set(self.picklists.get("engagement_level", ()))
        for table in (self.engagement_rules.ratings, self.engagement_rules.keywords):
            for level in table:
                if level not in engagement:
                    raise ValueError(f"engagement rules name level {level!r}, not in the picklist")
        return self

    @cached_property
    def _types_by_code(self) -> dict[str, EventType]:
        return {event_type.code: event_type for event_type in self.event_types}

    def event_type_codes(self) -> list[str]:
        return [event_type.code for event_type in self.event_types]

    def event_type(self, code: str) -> EventType | None:
        return self._types_by_code.get(code)

    def export_profile(self, code: str) -> ExportProfile | None:
        return next((profile for profile in self.export_profiles if profile.code == code), None)

    def sla_policy(self, code: str) -> SlaPolicy | None:
        return next((policy for policy in self.sla_policies if policy.code == code), None)

    def field_names(self) -> list[str]:
        return [spec.name for spec in self.fields]

    def target_names(self) -> list[str]:
        """Everything a column can be mapped to: lead fields, then import targets."""
        return self.field_names() + [target.name for target in self.import_targets]

    def target_label(self, name: str) -> str:
        for spec in self.fields:
            if spec.name == name:
                return spec.label
        for target in self.import_targets:
            if target.name == name:
                return target.label
        return name


# libyaml's safe loader where PyYAML was built with it: the same data, parsed several times
# faster (every start of the app and of `intake` reads the schema).
YAML_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=YAML_LOADER)
    except OSError as exc:
        raise SchemaError(f"Cannot read schema file {path}: {exc.strerror}.") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SchemaError(f"Schema file {path} is not valid YAML{where}.") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SchemaError(f"Schema file {path} must hold a mapping at its top level.")
    version = data.get("schema_version", SCHEMA_FORMAT_VERSION)
    if not isinstance(version, int) or version > SCHEMA_FORMAT_VERSION:
        raise SchemaError(
            f"Schema file {path} has schema_version {version!r}; this version of the app reads"
            f" schema_version {SCHEMA_FORMAT_VERSION} and older."
        )
    return data


def _merge_keyed(
    base: list[dict[str, Any]], extra: Iterable[Any], key: str, path: Path
) -> list[dict[str, Any]]:
    merged = {entry[key]: entry for entry in base}
    for position, entry in enumerate(extra):
        if not isinstance(entry, dict) or key not in entry:
            raise SchemaError(f"Schema file {path}: entry {position + 1} has no {key!r}.")
        merged[entry[key]] = entry
    return list(merged.values())


_KEYED = {
    "event_types": "code", "sla_policies": "code", "export_profiles": "code", "fields": "name",
    "import_targets": "name",
}  # fmt: skip


def _format_validation(exc: ValidationError, files: list[Path]) -> str:
    first = exc.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    names = ", ".join(str(path) for path in files)
    location = f" at {where}" if where else ""
    return f"Schema ({names}) is invalid{location}: {first['msg']}."


def load_schema(company_dir: Path | str | None = None) -> CorporateSchema:
    """Load the default schema, merged with ``company_dir`` when given.

    Raises:
        SchemaError: a file cannot be read or the merged schema breaks a rule.
    """
    dirs = [DEFAULT_DIR]
    if company_dir is not None:
        company = Path(company_dir)
        if not company.is_dir():
            raise SchemaError(f"Company schema folder {company} does not exist.")
        dirs.append(company)

    combined: dict[str, Any] = {
        "event_types": [],
        "sla_policies": [],
        "fields": [],
        "import_targets": [],
        "picklists": {},
        "header_aliases": {},
        "import_limits": {},
        "picklist_synonyms": {},
        "title_rules": {},
        "engagement_rules": {},
        "dedupe_rules": {},
        "regions": {},
        "scoring_rules": {},
        "program_statuses": {},
        "export_profiles": [],
    }
    read_files: list[Path] = []
    for folder in dirs:
        for name in SCHEMA_FILES:
            path = folder / name
            if not path.exists():
                if folder == DEFAULT_DIR:
                    raise SchemaError(f"Default schema file {path} is missing.")
                continue
            read_files.append(path)
            data = _read_yaml(path)
            for section, value in data.items():
                if section == "schema_version":
                    continue
                if section in _KEYED:
                    if not isinstance(value, list):
                        raise SchemaError(f"Schema file {path}: {section} must be a list.")
                    combined[section] = _merge_keyed(
                        combined[section], value, _KEYED[section], path
                    )
                elif section in ("title_rules", "engagement_rules"):
                    if not isinstance(value, dict):
                        raise SchemaError(f"Schema file {path}: {section} must be a mapping.")
                    # A company file replaces the sections it names.
                    combined[section] = {**combined[section], **value}
                elif section == "dedupe_rules":
                    if not isinstance(value, dict):
                        raise SchemaError(f"Schema file {path}: dedupe_rules must be a mapping.")
                    # A company file replaces the keys it names; its nicknames add to ours.
                    known_groups = combined["dedupe_rules"].get("nicknames", [])
                    merged_rules = {**combined["dedupe_rules"], **value}
                    if "nicknames" in value:
                        if not isinstance(value["nicknames"], list):
                            raise SchemaError(
                                f"Schema file {path}: dedupe_rules.nicknames must be a list."
                            )
                        merged_rules["nicknames"] = [*known_groups, *value["nicknames"]]
                    combined["dedupe_rules"] = merged_rules
                elif section == "picklist_synonyms":
                    if not isinstance(value, dict) or not all(
                        isinstance(v, dict) for v in value.values()
                    ):
                        raise SchemaError(
                            f"Schema file {path}: picklist_synonyms must map each picklist to"
                            " its values and their synonyms."
                        )
                    for picklist, values in value.items():
                        known = combined["picklist_synonyms"].setdefault(picklist, {})
                        for option, words in values.items():
                            if not isinstance(words, list):
                                raise SchemaError(
                                    f"Schema file {path}: picklist_synonyms.{picklist}.{option}"
                                    " must be a list."
                                )
                            merged = known.setdefault(option, [])
                            merged.extend(str(w) for w in words if str(w) not in merged)
                elif section in ("scoring_rules", "program_statuses"):
                    if not isinstance(value, dict):
                        raise SchemaError(f"Schema file {path}: {section} must be a mapping.")
                    # A company file replaces the sections (or channels) it names.
                    combined[section] = {**combined[section], **value}
                elif section == "regions":
                    if not isinstance(value, dict):
                        raise SchemaError(f"Schema file {path}: regions must be a mapping.")
                    # A company file replaces the region lists as a whole.
                    combined["regions"] = {**combined["regions"], **value}
                elif section == "import_limits":
                    if not isinstance(value, dict):
                        raise SchemaError(f"Schema file {path}: import_limits must be a mapping.")
                    combined["import_limits"] = {**combined["import_limits"], **value}
                elif section == "picklists":
                    if not isinstance(value, dict):
                        raise SchemaError(f"Schema file {path}: picklists must be a mapping.")
                    combined["picklists"].update(value)
                elif section == "header_aliases":
                    if not isinstance(value, dict):
                        raise SchemaError(f"Schema file {path}: header_aliases must be a mapping.")
                    for target, aliases in value.items():
                        if not isinstance(aliases, list):
                            raise SchemaError(
                                f"Schema file {path}: header_aliases.{target} must be a list."
                            )
                        # A company adds headings to the defaults rather than replacing them.
                        known = combined["header_aliases"].setdefault(target, [])
                        known.extend(str(alias) for alias in aliases if alias not in known)
                else:
                    raise SchemaError(f"Schema file {path}: unknown section {section!r}.")
    try:
        return CorporateSchema(**combined, source_dirs=tuple(dirs))
    except ValidationError as exc:
        raise SchemaError(_format_validation(exc, read_files)) from exc
