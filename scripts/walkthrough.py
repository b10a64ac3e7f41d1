"""Walk through the app as a newcomer, from the first start to a MAP file, with screenshots.

Usage: ``python scripts/walkthrough.py`` (offscreen, no display needed). It starts
the real window on an empty database in a temporary folder, takes the welcome's
"Try it with sample data", imports the sample badge scan through the wizard,
looks at the leads and the duplicate pair, exports the event for Marketo and
checks the file, then removes the sample data. Each step is saved as
``docs/walkthrough-NN-*.png``; ``docs/walkthrough.md`` tells the story.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
sys.path.insert(0, str(ROOT))


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="intake-walkthrough-"))
    # The pictures name the database below the home folder ("~/data/intake.db"), not a
    # temporary path of the machine that took them.
    os.environ["HOME"] = str(home)
    os.environ["INTAKE_DATA_DIR"] = str(home / "data")
    os.environ["INTAKE_CONFIG_DIR"] = str(home / "config")
    os.environ["INTAKE_USER"] = "dana"

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest

    from intake_app.gui.app import create_application
    from intake_app.gui.main_window import MainWindow
    from intake_app.gui.pages.import_page import ImportPage
    from intake_app.gui.prompts import Prompts
    from intake_app.paths import default_database_url
    from intake_app.services.context import open_context

    class Yes(Prompts):
        def confirm(self, parent, title, text, action):  # type: ignore[no-untyped-def]
            return True

    app = create_application()
    ctx = open_context(default_database_url())
    window = MainWindow(ctx, Yes())
    window.resize(1280, 800)
    window.show()
    shots: list[str] = []

    def settle(seconds: float = 0.3) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            app.processEvents()
            time.sleep(0.02)

    def until(condition, what: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + seconds
        while not condition():
            if time.monotonic() > end:
                raise SystemExit(f"walkthrough: timed out waiting for {what}")
            app.processEvents()
            time.sleep(0.02)

    def shot(name: str, widget=None) -> None:  # type: ignore[no-untyped-def]
        settle()
        path = DOCS / f"walkthrough-{len(shots) + 1:02d}-{name}.png"
        (widget or window).grab().save(str(path))
        shots.append(path.name)

    # 1. The first start: the welcome.
    def on_welcome() -> None:
        dialog = getattr(window, "welcome_dialog", None)
        if dialog is None or not dialog.isVisible():
            QTimer.singleShot(50, on_welcome)
            return
        shot("welcome", dialog)
        QTest.mouseClick(dialog.samples_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, on_welcome)
    window.maybe_welcome()

    # 2. The samples are loaded; the wizard has read the badge scan.
    page = window.import_page
    until(lambda: page.current_step() == ImportPage.STEP_MAPPING, "the mapping step")
    shot("mapping")
    QTest.mouseClick(page.to_preview_button, Qt.MouseButton.LeftButton)
    shot("preview")
    QTest.mouseClick(page.import_button, Qt.MouseButton.LeftButton)
    until(lambda: page.summary is not None, "the import")
    shot("imported")
    summary = page.summary
    assert summary is not None

    # 3. Review: the leads, then the duplicate pair.
    window.show_page("leads")
    window.leads_page.select_event(summary.event_id)
    settle(0.8)
    view = window.leads_page.table
    view.selectRow(0)
    shot("leads")
    window.show_page("duplicates")
    settle(0.8)
    shot("duplicates")

    # 4. Export for Marketo.
    window.show_page("export")
    export = window.export_page
    export.select_event(summary.event_id)
    export.profile_combo.setCurrentIndex(export.profile_combo.findData("marketo"))
    settle(1.0)
    shot("export-preview")
    out = home / "cloud-summit-marketo.csv"
    export.default_path = lambda: out  # type: ignore[method-assign]
    from intake_app.gui.pages import export_page as export_module

    export_module.QFileDialog.getSaveFileName = staticmethod(  # type: ignore[method-assign]
        lambda *_args, **_kwargs: (str(out), "CSV files (*.csv)")
    )
    QTest.mouseClick(export.export_button, Qt.MouseButton.LeftButton)
    until(lambda: any(home.glob("cloud-summit-marketo*.csv")), "the exported file")
    settle(0.5)
    shot("exported")
    files = sorted(p for p in home.glob("cloud-summit-marketo*.csv") if "-errors" not in p.name)
    rows = 0
    for path in files:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows += sum(1 for _ in csv.DictReader(handle))
    window.show_page("dashboard")
    settle(0.8)
    shot("dashboard")

    # 5. Done trying: the sample data goes in one click.
    QTest.mouseClick(window.remove_samples_button, Qt.MouseButton.LeftButton)
    settle(0.5)
    window.show_page("events")
    shot("samples-removed")

    window.shutdown_pages()
    ctx.close()
    print(  # noqa: T201
        f"walkthrough: {len(shots)} screenshots in docs/; exported {rows} rows in"
        f" {len(files)} file(s): {', '.join(p.name for p in files)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
