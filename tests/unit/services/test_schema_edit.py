from __future__ import annotations

import pytest
import yaml

from intake_app.core.errors import ValidationError
from intake_app.core.normalise.picklists import match_picklist
from intake_app.paths import personal_schema_dir, resolve_schema_dir
from intake_app.services.context import open_context
from intake_app.services.schema_edit import SchemaEditService


def test_a_synonym_is_saved_in_the_personal_folder_and_used_at_once(ctx):
    editor = SchemaEditService(ctx)
    assert match_picklist(ctx.schema, "industry", "Cyber Defence").value is None
    editor.add_synonym("industry", "Technology", "Cyber Defence")
    assert match_picklist(ctx.schema, "industry", "cyber defence").value == "Technology"
    saved = yaml.safe_load((personal_schema_dir() / "picklist_synonyms.yaml").read_text())
    assert saved["picklist_synonyms"]["industry"]["Technology"] == ["Cyber Defence"]
    # The folder is the company schema from now on, for the window and the command line.
    assert resolve_schema_dir(None) == str(personal_schema_dir())


def test_a_value_is_added_to_the_whole_list(ctx, tmp_path):
    editor = SchemaEditService(ctx)
    editor.add_value("industry", "Space")
    assert ctx.schema.picklists["industry"][-1] == "Space"
    assert "Banking" in ctx.schema.picklists["industry"]
    reopened = open_context(
        f"sqlite:///{(tmp_path / 'again.db').as_posix()}", personal_schema_dir()
    )
    try:
        assert "Space" in reopened.schema.picklists["industry"]
    finally:
        reopened.close()


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda e: e.add_value("industry", "banking"), "already has the value"),
        (lambda e: e.add_value("nope", "x"), "no picklist called"),
        (lambda e: e.add_synonym("industry", "Nonsense", "x"), "is not a value of"),
        (lambda e: e.add_synonym("industry", "Finance", "Software"), "already means 'Technology'"),
        (lambda e: e.add_synonym("industry", "Finance", " "), "cannot be empty"),
    ],
)
def test_bad_edits_are_refused_and_nothing_is_written(ctx, call, fragment):
    with pytest.raises(ValidationError, match=fragment):
        call(SchemaEditService(ctx))
    assert not (personal_schema_dir() / "picklist_synonyms.yaml").exists()
    assert not (personal_schema_dir() / "picklists.yaml").exists()


def test_a_change_that_breaks_the_schema_is_undone(ctx):
    # A hand-edited file in the folder names a value the picklist does not have: saving
    # anything there would load a broken schema, so the save is put back and refused.
    editor = SchemaEditService(ctx)
    folder = editor.target_dir()
    broken = "picklist_synonyms:\n  industry:\n    Spacefaring: [rockets]\n"
    (folder / "picklist_synonyms.yaml").write_text(broken, "utf-8")
    with pytest.raises(ValidationError, match="not saved"):
        editor.add_value("industry", "Space")
    assert not (folder / "picklists.yaml").exists()
    assert (folder / "picklist_synonyms.yaml").read_text("utf-8") == broken
    assert "Space" not in ctx.schema.picklists["industry"]


def test_a_save_leaves_only_the_schema_file_behind(ctx):
    editor = SchemaEditService(ctx)
    editor.add_synonym("industry", "Technology", "Cyber Defence")
    folder = personal_schema_dir()
    assert sorted(p.name for p in folder.iterdir()) == ["picklist_synonyms.yaml"]
