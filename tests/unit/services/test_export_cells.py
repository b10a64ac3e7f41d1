"""Rows as written: the quick path for plain rows gives what the per-cell rule gives."""

from __future__ import annotations

import pytest

from intake_app.services.exports import export_cell, export_rows_safe
from intake_app.services.leads import json_texts

HEADERS = ("first_name", "phone", "notes", "mobile_phone")
ROWS = [
    ("Ada", "+14155550123", "fine", ""),
    ("=HYPERLINK(1)", "+14155550123", "", ""),
    ("Grace", "+1 415 555", "multi\n=line", "@home"),
    ("-5", "", "+call me", "+442071234567"),
    ("", "", "", ""),
    ("\tTab", "", "a\r=b", ""),
]


def per_cell(row: tuple[str, ...]) -> list[str]:
    return [export_cell(cell, header) for cell, header in zip(row, HEADERS, strict=True)]


def test_rows_are_written_as_the_per_cell_rule_says() -> None:
    written = [list(row) for row in export_rows_safe(HEADERS, ROWS)]
    assert written == [per_cell(row) for row in ROWS]
    assert written[1][0] == "'=HYPERLINK(1)"
    assert written[2][1] == "'+1 415 555"  # not E.164: defused
    assert written[3][3] == "+442071234567"  # E.164 in a phone column: as it is


def test_a_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError):
        list(export_rows_safe(HEADERS, [("Ada", "+14155550123")]))


def test_json_texts_decodes_each_text_and_null() -> None:
    assert json_texts(['{"a": [1, 2]}', None, "[]", '"x"']) == [{"a": [1, 2]}, None, [], "x"]
    assert json_texts([]) == []
    with pytest.raises(ValueError):
        json_texts(["1, 2"])  # two documents in one cell


@pytest.mark.parametrize("grouped_at_least", [1, 10_000])  # every set grouped; none grouped
def test_each_exported_lead_stores_its_row_score(
    ctx, make_event, tmp_path, monkeypatch, grouped_at_least
) -> None:
    from pathlib import Path

    from sqlalchemy import select

    from intake_app.db.models import ExportRun, Lead
    from intake_app.services import exports
    from intake_app.services.imports import ImportService

    monkeypatch.setattr(exports, "_GROUPED_AT_LEAST", grouped_at_least)
    event = make_event()
    booth = Path(__file__).resolve().parents[2] / "data" / "exports" / "booth_leads.csv"
    importer = ImportService(ctx)
    importer.run(importer.preview(booth), event.id)
    service = exports.ExportService(ctx)
    preview = service.preview(event.id, "generic")
    service.write(preview, tmp_path / "generic.csv")
    with ctx.db.read() as session:
        at = session.scalar(select(ExportRun.exported_at))
        stored = {
            lead_id: rest
            for lead_id, *rest in session.execute(
                select(
                    Lead.id, Lead.program_status, Lead.fit_score, Lead.engagement_score,
                    Lead.lead_score, Lead.grade, Lead.treatment, Lead.exported_at,
                ).where(Lead.event_id == event.id)
            )
        }  # fmt: skip
    assert len(preview.plan.rows) > 1
    for row in preview.plan.rows:
        score = row.score
        assert stored[row.lead.lead_id] == [
            row.status or None, score.fit, score.engagement, score.total, score.grade,
            score.treatment or None, at,
        ]  # fmt: skip
