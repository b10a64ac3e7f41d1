"""Render the README screenshots in ``docs/`` from a throw-away demo database.

Usage: ``python scripts/screenshots.py`` (runs offscreen; needs no display), or
``python scripts/screenshots.py erase-person`` for that one picture alone.
The events are created through the same service the app uses, so the pictures
show what a person sees, with no hand-drawn data.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

DEMO_EVENTS = [
    # name, type, start, end, time zone, country, owner, ops owner
    ("RSA Conference 2025", "tradeshow", "2025-04-28", "2025-05-01", "America/Los_Angeles", "US",
     "Dana Whitfield", "Priya Raman"),
    ("Gartner Security & Risk Summit", "conference", "2025-06-09", "2025-06-11",
     "America/New_York", "US", "Marcus Lee", "Priya Raman"),
    ("Zero Trust in Practice (webinar)", "webcast", "2025-05-14T10:00", "2025-05-14T11:00",
     "Europe/London", "GB", "Aisha Khan", None),
    ("it-sa Nürnberg", "tradeshow", "2025-10-07", "2025-10-09", "Europe/Berlin", "DE",
     "Jonas Becker", "Lena Vogel"),
    ("Partner roadshow Paris", "partner", "2025-09-18", "2025-09-18", "Europe/Paris", "FR",
     "Claire Martin", None),
    ("CISO dinner Chicago", "field-event", "2025-03-12T19:00", "2025-03-12T22:00",
     "America/Chicago", "US", "Marcus Lee", None),
]  # fmt: skip


def _wait(app, page, step: int) -> None:  # type: ignore[no-untyped-def]
    import time

    deadline = time.monotonic() + 30
    while (page.busy() or page.current_step() != step) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()


def _import_wizard(app, window) -> None:  # type: ignore[no-untyped-def]
    """The import wizard's steps on a Zoom webinar attendee report (sections, rejoins)."""
    webinar = ROOT / "tests" / "data" / "layouts" / "zoom_webinar_attendee.csv"
    window.events_page.refresh()
    window.show_page("events")
    page = window.import_page
    model = window.events_page.model
    target = next(
        model.record(row)
        for row in range(model.rowCount())
        if model.record(row).event_type == "webcast"
    )
    window.events_page.refresh(select_id=target.id)
    window.import_file(webinar)
    _wait(app, page, page.STEP_MAPPING)
    window.grab().save(str(DOCS / "import-mapping.png"))
    page.show_preview()
    _wait(app, page, page.STEP_PREVIEW)
    window.grab().save(str(DOCS / "import-preview.png"))
    page.start_import()
    _wait(app, page, page.STEP_RUN)
    window.grab().save(str(DOCS / "import-summary.png"))
    page.reset()
    window.import_file(ROOT / "tests" / "data" / "hostile" / "aborts_reader.xls")
    _wait(app, page, page.STEP_FILE)
    window.grab().save(str(DOCS / "import-refused.png"))


def _leads_page(app, window, ctx) -> None:  # type: ignore[no-untyped-def]
    """The Leads page over a badge-scan list and a workbook, a flagged lead selected."""
    from intake_app.services.imports import ImportService

    data = ROOT / "tests" / "data"
    from intake_app.services.events import EventService

    rsa = next(event for event in EventService(ctx).list() if event.name.startswith("RSA"))
    service = ImportService(ctx)
    for path in (data / "messy" / "badge_scan_caps.csv", data / "workbooks" / "badge_scan.xlsx"):
        service.run(service.preview(path), rsa.id)
    page = window.leads_page
    page.reload_events(select_id=rsa.id)
    window.show_page("leads")
    window.resize(1400, 700)
    page.splitter.setSizes([1000, 400])
    model = page.model
    flagged = next(n for n in range(model.rowCount()) if model.row(n).issues)
    page.table.selectRow(flagged)
    window.statusBar().clearMessage()
    app.processEvents()
    window.grab().save(str(DOCS / "leads-page.png"))
    window.resize(1180, 640)

    settings = window.settings_page
    window.show_page("settings")
    settings.picklist_combo.setCurrentIndex(settings.picklist_combo.findData("industry"))
    settings.values_table.selectRow(settings.picklist_combo.count() and 27)
    window.statusBar().clearMessage()
    app.processEvents()
    window.grab().save(str(DOCS / "settings-page.png"))


def _erase_person(app, window, ctx) -> None:  # type: ignore[no-untyped-def]
    """The erasure confirmation over the Leads page, for a lead that was exported."""
    from PySide6.QtGui import QColor, QPainter

    from intake_app.services.events import EventService
    from intake_app.services.exports import ExportService
    from intake_app.services.imports import ImportService

    event = next(e for e in EventService(ctx).list() if e.name.startswith("Gartner"))
    service = ImportService(ctx)
    service.run(service.preview(ROOT / "tests" / "data" / "imports" / "badge_scan.csv"), event.id)
    exports = ExportService(ctx)
    exports.write(exports.preview(event.id, "generic"), Path("gartner-leads.csv"))
    page = window.leads_page
    page.reload_events(select_id=event.id)
    window.show_page("leads")
    window.resize(1180, 640)
    page.splitter.setSizes([800, 380])
    model = page.model
    row = next(n for n in range(model.rowCount()) if model.row(n).values["last_name"] == "Lovelace")
    page.table.selectRow(row)
    window.statusBar().clearMessage()
    dialog = page.open_erase()
    app.processEvents()
    # The dialog is a window of its own: draw it over the dimmed page, as a person sees it.
    picture = window.grab()
    shot = dialog.grab()
    painter = QPainter(picture)
    painter.fillRect(picture.rect(), QColor(0, 0, 0, 70))
    painter.drawPixmap(
        (picture.width() - shot.width()) // 2, (picture.height() - shot.height()) // 3, shot
    )
    painter.end()
    picture.save(str(DOCS / "erase-person.png"))
    dialog.reject()


PAIRS_CSV = """First Name,Last Name,Email,Company,Job Title,Phone,City
Margaret,Hamilton,mh@apollo.example,Apollo Software,Director of Engineering,+1 617 555 0199,Boston
Peggy,Hamilton,peggy.h@gmail.com,Apollo,,+1 617 555 0111,Boston
Liu,Wei,wei.liu@globex.example,Globex,Security Architect,+1 212 555 0100,New York
Wei,Liu,liu.wei@gmail.com,Globex Corp,,+1 212 555 0177,
Robert,Smith,robert.smith@acme.com,Acme,VP Sales,+1 415 555 0101,San Francisco
Bob,Smith,bob.smith@gmail.com,Acme Inc,Sales,+1 415 555 0188,San Francisco
Ada,Lovelace,ada@engines.example,Analytical Engines,CTO,+44 20 7946 0018,London
"""


def _duplicates_page(app, window, ctx) -> None:  # type: ignore[no-untyped-def]
    """The Duplicates page with a queue from a list that repeats people differently."""
    from intake_app.services.events import EventService
    from intake_app.services.imports import ImportService

    itsa = next(event for event in EventService(ctx).list() if event.name.startswith("it-sa"))
    path = Path("it-sa-scans.csv")
    path.write_text(PAIRS_CSV, encoding="utf-8")
    service = ImportService(ctx)
    service.run(service.preview(path), itsa.id)
    page = window.duplicates_page
    page.refresh()
    window.show_page("duplicates")
    window.resize(1280, 700)
    page.queue.setCurrentRow(0)
    window.statusBar().clearMessage()
    app.processEvents()
    window.grab().save(str(DOCS / "duplicates-page.png"))
    window.resize(1180, 640)


def _export_page(window, ctx) -> None:  # type: ignore[no-untyped-def]
    """The Export page's dry run for a show with a varied booth list."""
    import time

    from PySide6.QtWidgets import QApplication

    from intake_app.services.imports import ImportService

    page = window.export_page
    rows = window.dashboard_page.model.rows
    target = next(r for r in rows if r.event.name == "SecureWorld Boston")
    service = ImportService(ctx)
    service.run(service.preview(ROOT / "tests" / "data" / "exports" / "booth_leads.csv"),
                target.event.id, force=True)  # fmt: skip
    window.show_page("export")
    page.reload_events(select_id=target.event.id)
    page.profile_combo.setCurrentIndex(page.profile_combo.findData("marketo"))
    deadline = time.monotonic() + 30
    while (page.busy() or page.preview is None) and time.monotonic() < deadline:
        QApplication.processEvents()
        time.sleep(0.02)
    QApplication.processEvents()
    window.grab().save(str(DOCS / "export-preview.png"))
    page.tabs.setCurrentIndex(1)
    QApplication.processEvents()
    window.grab().save(str(DOCS / "export-left-out.png"))
    page.tabs.setCurrentIndex(0)


def _reports_page(window) -> None:  # type: ignore[no-untyped-def]
    """The Reports page over the demo year: charts, the owners, one owner's events."""
    from PySide6.QtWidgets import QApplication

    page = window.reports_page
    window.resize(1400, 940)
    window.show_page("reports")
    page.period_combo.setCurrentIndex(page.period_combo.findData("all"))
    QApplication.processEvents()
    view = page.views["timeliness"]
    owners = [view.table.item(r, 0).text() for r in range(view.table.rowCount())]
    view.drill_down(owners.index("Jonas Becker"))
    QApplication.processEvents()
    window.grab().save(str(DOCS / "reports-timeliness.png"))
    page.tabs.setCurrentWidget(page.views["quality"])
    quality = page.views["quality"]
    quality.table_combo.setCurrentIndex(quality.table_combo.findText("By source platform"))
    quality.drill_down(0)
    QApplication.processEvents()
    window.grab().save(str(DOCS / "reports-quality.png"))
    page.tabs.setCurrentWidget(view)
    window.resize(1400, 720)
    _report_pdf(page)


def _report_pdf(page) -> None:  # type: ignore[no-untyped-def]
    """The timeliness report as PDF, its pages rendered to PNG (needs poppler's pdftoppm)."""
    import shutil
    import subprocess

    pdf = Path("timeliness.pdf")
    page.export(pdf)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is not installed: the PDF page pictures are not made")  # noqa: T201
        return
    for number in (1, 2):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", str(number), "-l", str(number),
             "-singlefile", str(pdf), str(DOCS / f"report-pdf-page{number}")],
            check=True, timeout=60,
        )  # fmt: skip


def _dashboard() -> None:
    """The Dashboard over a demo team with events in every SLA state (a database of its own)."""
    from datetime import UTC, datetime

    from intake_app.gui.main_window import MainWindow
    from intake_app.services.context import open_context

    sys.path.insert(0, str(ROOT / "scripts"))
    from sla_demo import seed

    now = datetime.now(UTC)
    ctx = open_context("sqlite:///sla-demo.db")
    seed(ctx, now)
    window = MainWindow(ctx)
    window.resize(1400, 720)
    window.show()
    window.show_page("dashboard")
    page = window.dashboard_page
    page.refresh()
    page.load_notifications()
    escalated = next(row for row in page.model.rows if row.state.escalated)
    page.select_event(escalated.event.id)
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    window.grab().save(str(DOCS / "dashboard.png"))
    waiting = next(
        row for row in page.model.rows
        if row.state.policy.two_stage and row.state.list_received
        and row.state.stamps.handed_over is None
    )  # fmt: skip
    page.select_event(waiting.event.id)
    page.hand_over()
    QApplication.processEvents()
    assert page.dialog is not None
    page.dialog.grab().save(str(DOCS / "dashboard-handover.png"))
    page.dialog.reject()
    page.correct_stamp()
    QApplication.processEvents()
    page.dialog.grab().save(str(DOCS / "dashboard-correct-stamp.png"))
    page.dialog.reject()
    page.reassign()
    QApplication.processEvents()
    page.dialog.grab().save(str(DOCS / "dashboard-reassign.png"))
    page.dialog.reject()
    _export_page(window, ctx)
    _reports_page(window)
    window.show_page("settings")
    settings = window.settings_page
    settings.tabs.setCurrentWidget(settings.policies_tab)
    settings.policies_tab.refresh(select="in-person")
    QApplication.processEvents()
    window.grab().save(str(DOCS / "settings-sla-policies.png"))
    settings.tabs.setCurrentWidget(settings.team_tab)
    settings.team_tab.table.selectRow(1)
    QApplication.processEvents()
    window.grab().save(str(DOCS / "settings-team.png"))
    email = settings.email_tab
    email.enabled_check.setChecked(True)
    email.host_edit.setText("smtp.example.com")
    email.sender_edit.setText("marketing-ops@example.com")
    email.username_edit.setText("intake-bot")
    settings.tabs.setCurrentWidget(email)
    QApplication.processEvents()
    window.grab().save(str(DOCS / "settings-email.png"))
    reports_tab = settings.reports_tab
    reports_tab.owner_combos["timeliness"].setCurrentText("Maria Alvarez")
    reports_tab.save("timeliness")
    settings.tabs.setCurrentWidget(reports_tab)
    QApplication.processEvents()
    window.grab().save(str(DOCS / "settings-reports.png"))
    database = settings.database_tab
    database.url_edit.setText("postgresql://dana@db.example.com/intake")
    database.check_database()
    for _ in range(100):
        QApplication.processEvents()
        if database.care_label.text() not in ("", "Checking…"):
            break
        time.sleep(0.05)
    settings.tabs.setCurrentWidget(database)
    QApplication.processEvents()
    window.grab().save(str(DOCS / "settings-database.png"))
    _help_and_shortcuts(window)
    window.show_page("dashboard")
    page.refresh()
    QApplication.processEvents()
    window.grab().save(str(DOCS / "dashboard-review-due.png"))
    window.close()
    ctx.close()


def _help_and_shortcuts(window) -> None:  # type: ignore[no-untyped-def]
    """F1 on the Dashboard (with the SLA rules in force), and the shortcuts sheet."""
    from PySide6.QtWidgets import QApplication

    from intake_app.gui.dialogs.help import HelpDialog, ShortcutsDialog, shortcut_rows

    window.show_page("dashboard")
    help_dialog = HelpDialog(window.ctx.schema, "dashboard", window)
    help_dialog.show()
    help_dialog.browser.verticalScrollBar().setValue(
        help_dialog.browser.verticalScrollBar().maximum()
    )
    QApplication.processEvents()
    help_dialog.grab().save(str(DOCS / "help-dashboard.png"))
    help_dialog.close()
    sheet = ShortcutsDialog(shortcut_rows(window, window.pages), window)
    sheet.show()
    QApplication.processEvents()
    sheet.grab().save(str(DOCS / "shortcuts.png"))
    sheet.close()


# A made-up error for the crash dialog's picture: raised and caught inside this snippet, so
# the traceback names no file of this machine.
DEMO_ERROR = """
SYNONYMS = {"trade show": "tradeshow", "conf": "conference"}


def canonical_event_type(value):
    return SYNONYMS[value.strip().casefold()]


def apply_synonyms(row):
    row["event_type"] = canonical_event_type(row["event_type"])


try:
    apply_synonyms({"event_type": "Roadshow "})
except KeyError as exc:
    error = exc
"""


def _help_screens(app, window) -> None:  # type: ignore[no-untyped-def]
    """The crash dialog (details shown) and Help → About, with the folders a user would have."""
    from intake_app.gui.dialogs.about_dialog import AboutDialog
    from intake_app.gui.errors import ErrorHandler
    from intake_app.services.context import open_context

    # The platform's own folders below a stand-in home folder, shown as ~/...
    saved = {name: os.environ.pop(name, None) for name in (
        "INTAKE_DATA_DIR", "INTAKE_LOG_DIR", "XDG_DATA_HOME", "XDG_STATE_HOME",
    )}  # fmt: skip
    saved["HOME"] = os.environ.get("HOME")
    os.environ["HOME"] = str(Path.cwd() / "home")
    try:
        from intake_app.paths import default_database_url

        ctx = open_context(default_database_url())
        about = AboutDialog(ctx, window)
        about.show()
        app.processEvents()
        about.grab().save(str(DOCS / "about.png"))
        about.close()

        namespace: dict[str, object] = {}
        exec(compile(DEMO_ERROR, "demo_error.py", "exec"), namespace)  # our own text, no input
        handler = ErrorHandler(lambda: ctx.db.backend, quit_app=lambda: None)
        handler.window = window
        error = namespace["error"]
        assert isinstance(error, BaseException)
        handler.handle(error)
        app.processEvents()
        dialog = handler.dialog
        assert dialog is not None
        dialog.show_details(True)
        app.processEvents()
        dialog.grab().save(str(DOCS / "crash-dialog.png"))
        dialog.reject()
        ctx.close()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="intake-shots-"))
    # Relative to the work folder (entered below), so no picture names a folder of this machine.
    os.environ["INTAKE_DATA_DIR"] = "data"
    os.environ["INTAKE_CONFIG_DIR"] = "config"
    os.environ["INTAKE_LOG_DIR"] = "logs"
    os.environ["INTAKE_USER"] = "Dana Whitfield"

    from PySide6.QtCore import QDate

    from intake_app.core.events import EventInput, parse_when
    from intake_app.gui.app import create_application
    from intake_app.gui.main_window import MainWindow
    from intake_app.services.context import open_context
    from intake_app.services.events import EventService

    app = create_application()
    # A relative path, so the status bar in the pictures names no folder of this machine.
    os.chdir(workdir)
    ctx = open_context("sqlite:///intake.db")
    service = EventService(ctx)
    for name, kind, start, end, zone, country, owner, ops in DEMO_EVENTS:
        service.create(
            EventInput(
                name=name,
                event_type=kind,
                start=parse_when(start, "Start"),
                end=parse_when(end, "End"),
                timezone=zone,
                country=country,
                owner=owner,
                ops_owner=ops,
            )
        )

    DOCS.mkdir(exist_ok=True)
    window = MainWindow(ctx)
    window.resize(1180, 640)
    window.show()
    app.processEvents()
    if sys.argv[1:] == ["erase-person"]:
        _erase_person(app, window, ctx)
        window.close()
        ctx.close()
        print(f"Wrote {DOCS / 'erase-person.png'}")  # noqa: T201 - a script's one line of output
        return 0
    window.grab().save(str(DOCS / "main-window.png"))

    dialog = window.events_page.new_event()
    dialog.name_edit.setText("Black Hat USA 2025")
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("conference"))
    dialog.start_edit.date_edit.setDate(QDate(2025, 8, 2))
    dialog.end_edit.date_edit.setDate(QDate(2025, 8, 7))
    dialog.timezone_combo.setCurrentText("America/Los_Angeles")
    dialog.country_combo.setCurrentIndex(dialog.country_combo.findData("US"))
    dialog.owner_edit.setText("Marcus Lee")
    app.processEvents()
    dialog.grab().save(str(DOCS / "event-dialog.png"))
    dialog.reject()

    _import_wizard(app, window)
    _leads_page(app, window, ctx)
    _duplicates_page(app, window, ctx)
    _erase_person(app, window, ctx)
    _help_screens(app, window)

    window.close()
    ctx.close()
    _dashboard()
    print(f"Wrote screenshots to {DOCS}")  # noqa: T201 - a script's one line of output
    return 0


if __name__ == "__main__":
    sys.exit(main())
