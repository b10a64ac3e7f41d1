"""Editing the company schema: picklist values, synonyms and SLA policies, saved as YAML.

The company folder holds only what the company changes; the defaults stay in
``schemas/default``. A picklist named in the company's ``picklists.yaml`` replaces
the default list, so adding a value writes the whole list; synonyms in
``picklist_synonyms.yaml`` add to the defaults. Every change is validated by
loading the schema again before it is kept: a change that breaks the schema is
undone on disk and refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError as PydanticError

from intake_app.core.errors import ValidationError
from intake_app.core.lead_values import clean_text
from intake_app.core.normalise.people import fold
from intake_app.paths import personal_schema_dir
from intake_app.services import access, audit
from intake_app.services.context import AppContext
from intake_app.services.files import replace_atomically
from schemas import SCHEMA_FORMAT_VERSION, SchemaError, SlaPolicy, load_schema


class SchemaEditService:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    @property
    def company_dir(self) -> Path | None:
        """The company folder in force, if any (the schema's last source folder)."""
        dirs = self.ctx.schema.source_dirs
        return dirs[-1] if len(dirs) > 1 else None

    def target_dir(self) -> Path:
        """Where edits go: the company folder in force, else the personal one (made now)."""
        folder = self.company_dir or personal_schema_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    # ------------------------------------------------------------ reading

    def picklists(self) -> dict[str, tuple[str, ...]]:
        return dict(self.ctx.schema.picklists)

    def synonyms(self, picklist: str) -> dict[str, tuple[str, ...]]:
        return {k: tuple(v) for k, v in self.ctx.schema.picklist_synonyms.get(picklist, {}).items()}

    # ------------------------------------------------------------ changes

    def add_value(self, picklist: str, value: str) -> None:
        """Add ``value`` to ``picklist`` (saved in the company's picklists.yaml)."""
        access.require_admin(self.ctx, "change the company schema")
        clean = clean_text(value)
        values = self._picklist(picklist)
        if not clean:
            raise ValidationError("A picklist value cannot be empty.")
        if any(fold(existing) == fold(clean) for existing in values):
            raise ValidationError(f"{picklist} already has the value {clean!r}.")
        folder = self.target_dir()
        data = _read(folder / "picklists.yaml")
        section = data.setdefault("picklists", {})
        section[picklist] = [*values, clean]
        self._save(folder / "picklists.yaml", data, {"value": [None, f"{picklist}: {clean}"]})

    def add_synonym(self, picklist: str, value: str, synonym: str) -> None:
        """Teach that ``synonym`` means ``value`` of ``picklist`` (picklist_synonyms.yaml)."""
        access.require_admin(self.ctx, "change the company schema")
        values = self._picklist(picklist)
        if value not in values:
            raise ValidationError(f"{value!r} is not a value of {picklist}.")
        clean = clean_text(synonym)
        if not clean:
            raise ValidationError("A synonym cannot be empty.")
        for other, words in self.synonyms(picklist).items():
            if any(fold(word) == fold(clean) for word in words):
                if other == value:
                    return  # known already
                raise ValidationError(f"{clean!r} already means {other!r} in {picklist}.")
        if any(fold(existing) == fold(clean) for existing in values):
            raise ValidationError(f"{clean!r} is a value of {picklist} itself.")
        folder = self.target_dir()
        data = _read(folder / "picklist_synonyms.yaml")
        words = data.setdefault("picklist_synonyms", {}).setdefault(picklist, {})
        words.setdefault(value, [])
        words[value].append(clean)
        self._save(
            folder / "picklist_synonyms.yaml",
            data,
            {"synonym": [None, f"{picklist}: {clean} = {value}"]},
        )

    def save_sla_policy(self, policy: SlaPolicy) -> None:
        """Save ``policy`` in the company's sla_policies.yaml (it replaces the one of its code)."""
        access.require_admin(self.ctx, "change the SLA policies")
        try:
            checked = SlaPolicy.model_validate(policy.model_dump())
        except PydanticError as exc:
            first = exc.errors()[0]
            raise ValidationError(f"The policy is not valid: {first['msg']}.") from exc
        before = self.ctx.schema.sla_policy(checked.code)
        folder = self.target_dir()
        data = _read(folder / "sla_policies.yaml")
        entries = [
            entry
            for entry in data.get("sla_policies", [])
            if not (isinstance(entry, dict) and entry.get("code") == checked.code)
        ]
        entries.append(checked.model_dump(mode="json"))
        data["sla_policies"] = entries
        self._save(
            folder / "sla_policies.yaml",
            data,
            {
                f"sla_policy {checked.code}": [
                    before.model_dump(mode="json") if before else None,
                    checked.model_dump(mode="json"),
                ]
            },
        )

    def _picklist(self, picklist: str) -> tuple[str, ...]:
        if picklist not in self.ctx.schema.picklists:
            raise ValidationError(f"There is no picklist called {picklist!r}.")
        return tuple(self.ctx.schema.picklists[picklist])

    def _save(self, path: Path, data: dict[str, Any], changes: dict[str, list[Any]]) -> None:
        data["schema_version"] = SCHEMA_FORMAT_VERSION
        before = path.read_text(encoding="utf-8") if path.exists() else None
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        with replace_atomically(path) as handle:
            handle.write(text)
        try:
            schema = load_schema(path.parent)
        except SchemaError as exc:
            if before is None:
                path.unlink()
            else:
                with replace_atomically(path) as handle:
                    handle.write(before)
            raise ValidationError(f"The change was not saved: {exc}") from exc
        self.ctx.schema = schema
        with self.ctx.db.write() as session:
            audit.record(
                session,
                user=self.ctx.user,
                action="edit",
                entity="schema",
                entity_id=None,
                changes=changes,
                reason=str(path.name),
            )


def _read(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValidationError(f"{path} does not hold a schema section; fix or remove it first.")
    return data
