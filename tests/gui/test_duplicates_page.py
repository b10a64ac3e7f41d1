from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from intake_app.gui.main_window import MainWindow
from intake_app.services.duplicates import DuplicateService
from intake_app.services.imports import ImportService
from intake_app.services.leads import LeadService

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, ctx, prompts, make_event, tmp_path):
    event = make_event(name="Expo")
    path = tmp_path / "scans.csv"
    path.write_text(
        "First Name,Last Name,Email,Company,Phone,Rating\n"
        "Robert,Smith,robert.smith@acme.com,Acme,,Warm\n"
        "Alice,Jones,alice@globex.example,Globex,+1 415 555 0101,Hot\n",
        encoding="utf-8",
    )
    service = ImportService(ctx)
    service.run(service.preview(path), event.id)
    ids = {lead.values["first_name"]: lead.id for lead in LeadService(ctx).for_event(event.id)}
    with ctx.db.write() as session:
        DuplicateService.propose(
            session, ids["Robert"], ids["Alice"], 0.84, ["Bob = Robert", "same company"], event.id
        )
    win = MainWindow(ctx, prompts)
    qtbot.addWidget(win)
    win.show()
    win.show_page("duplicates")
    win.event_id = event.id
    yield win
    win.import_page.shutdown()


def test_the_queue_compares_side_by_side_and_merges_with_the_chosen_value(qtbot, window, ctx):
    page = window.duplicates_page
    assert page.queue.count() == 1
    assert "Bob = Robert" in page.queue.item(0).text()
    assert "84% alike" in page.reasons.text()
    assert "email" in page.choices  # both have an e-mail: a choice to make
    page.choose("email", second=True)
    qtbot.mouseClick(page.merge_button, Qt.MouseButton.LeftButton)
    assert page.queue.count() == 0
    assert "No pairs to review" in page.summary.text()
    [lead] = LeadService(ctx).for_event(window.event_id)
    assert lead.values["email"] == "alice@globex.example"
    assert lead.source_rows == [2, 3]
    # The Leads page follows.
    assert window.leads_page.model.rowCount() in (0, 1)

    assert page.merges.count() == 1
    page.merges.setCurrentRow(0)
    qtbot.mouseClick(page.unmerge_button, Qt.MouseButton.LeftButton)
    assert len(LeadService(ctx).for_event(window.event_id)) == 2
    assert page.queue.count() == 1  # back in the queue


def test_not_the_same_person_leaves_the_queue_for_good(qtbot, window, ctx):
    page = window.duplicates_page
    qtbot.mouseClick(page.apart_button, Qt.MouseButton.LeftButton)
    assert page.queue.count() == 0
    assert len(LeadService(ctx).for_event(window.event_id)) == 2
    page.refresh()
    assert page.queue.count() == 0
