"""Does the window stay responsive while a large file is read and imported?

Usage::

    python benchmarks/bench_gui_import.py [--rows 100000] [--format csv|xlsx]

Runs the real import wizard offscreen on the benchmark's generated lead file:
drops it on the main window, waits for the mapping, opens the preview and
imports. A 20 ms timer on the GUI thread records when it actually fires; the
longest gap between two firings is how long the window was frozen. It also
counts how many distinct values the progress bars showed (a live bar moves),
then runs the import once more and presses Cancel half-way, and checks that
nothing was stored. Prints one line per phase.

It also opens the Leads grid over the stored leads (time to the first rows) and
scrolls it down twenty pages.

Goals: no freeze longer than 250 ms, a moving progress bar, Cancel leaves no
batch, lead, person or source row behind (issue 3); the grid shows its first
rows in under a second (issue 4).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_import import write_files

TICK_MS = 20


class Watch:
    """Records the GUI thread's timer firings and the progress bars' values."""

    def __init__(self, app, page) -> None:  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QTimer

        self.page = page
        self.ticks: list[float] = []
        self.values: set[tuple[str, int]] = set()
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(TICK_MS)
        self.app = app

    def _tick(self) -> None:
        self.ticks.append(time.perf_counter())
        for name in ("read_progress", "run_progress"):
            bar = getattr(self.page, name)
            if bar.isVisible() and bar.maximum() > 0:
                self.values.add((name, bar.value()))

    def reset(self) -> None:
        self.ticks.clear()
        self.values.clear()

    def longest_gap_ms(self) -> float:
        gaps = [b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)]
        return max(gaps, default=0.0) * 1000

    def wait(self, done, timeout: float = 900.0) -> float:  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        while not done():
            self.app.processEvents()
            time.sleep(0.002)
            if time.perf_counter() - started > timeout:
                raise SystemExit("timed out")
        return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    args = parser.parse_args()
    csv_path, xlsx_path = write_files(args.rows)
    path = csv_path if args.format == "csv" else xlsx_path

    work = Path(tempfile.mkdtemp(prefix="intake-gui-bench-"))
    os.environ["INTAKE_DATA_DIR"] = str(work)
    os.environ["INTAKE_CONFIG_DIR"] = str(work)
    from sqlalchemy import func, select

    from intake_app.core.events import EventInput, parse_when
    from intake_app.db.models import ImportBatch, Lead, Person, SourceRow
    from intake_app.gui.app import create_application
    from intake_app.gui.main_window import MainWindow
    from intake_app.gui.tasks import MainThreadGarbageCollector
    from intake_app.services.context import open_context
    from intake_app.services.events import EventService

    app = create_application()
    collector = MainThreadGarbageCollector(app)
    ctx = open_context(f"sqlite:///{(work / 'bench.db').as_posix()}")
    event = EventService(ctx).create(
        EventInput(name="Bench", event_type="tradeshow", start=parse_when("2025-04-28", "Start"))
    )
    window = MainWindow(ctx)
    window.show()
    window.events_page.refresh(select_id=event.id)
    page = window.import_page
    watch = Watch(app, page)

    def count(model) -> int:  # type: ignore[no-untyped-def]
        with ctx.db.read() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)

    print(f"{args.rows:,} rows, {args.format.upper()}")  # noqa: T201
    report = []
    # 1. read the file and propose the mapping
    window.import_file(path)
    seconds = watch.wait(lambda: page.current_step() == page.STEP_MAPPING and not page.busy())
    report.append(("read + map", seconds, watch.longest_gap_ms(), len(watch.values)))
    # 2. the preview (built on the GUI thread, first rows only)
    watch.reset()
    started = time.perf_counter()
    page.show_preview()
    app.processEvents()
    report.append(("preview", time.perf_counter() - started, watch.longest_gap_ms(), 0))
    # 3. the import
    watch.reset()
    page.start_import()
    seconds = watch.wait(lambda: page.summary is not None and not page.busy())
    report.append(("import", seconds, watch.longest_gap_ms(), len(watch.values)))
    stored = count(Lead)
    # 3b. the Leads grid over the stored leads: first paint, then scrolling to the end
    watch.reset()
    started = time.perf_counter()
    leads = window.leads_page
    window.show_page("leads")
    leads.reload_events(select_id=event.id)
    app.processEvents()
    leads.table.viewport().grab()
    report.append(("grid first", time.perf_counter() - started, watch.longest_gap_ms(), 0))
    watch.reset()
    started = time.perf_counter()
    for _ in range(20):  # 20 pages down, as a person dragging the scroll bar would
        leads.table.scrollToBottom()
        app.processEvents()
    rows_loaded = leads.model.rowCount()
    report.append(("grid scroll", time.perf_counter() - started, watch.longest_gap_ms(), 0))
    window.show_page("import")
    # 4. cancel half-way through a second import of the same file
    with ctx.db.write() as session:  # start from an empty database again
        for model in (SourceRow, Lead, Person, ImportBatch):
            session.query(model).delete()
    page.show_preview()
    watch.reset()
    page.start_import()
    watch.wait(lambda: page.run_progress.maximum() > 0 and page.run_progress.value() > 0)
    page.cancel()
    seconds = watch.wait(lambda: not page.busy())
    left = {m.__name__: count(m) for m in (ImportBatch, Lead, Person, SourceRow)}
    report.append(("cancel", seconds, watch.longest_gap_ms(), len(watch.values)))

    print(f"{'phase':12} {'seconds':>8} {'longest freeze ms':>18} {'progress steps':>15}")  # noqa: T201
    for phase, seconds, gap, steps in report:
        print(f"{phase:12} {seconds:8.2f} {gap:18.0f} {steps:15d}")  # noqa: T201
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"leads stored: {stored:,}; grid rows loaded after scrolling: {rows_loaded:,}")  # noqa: T201
    print(f"after cancel: {left}; peak RSS {peak:.0f} MiB")  # noqa: T201
    window.import_page.shutdown()
    window.close()
    collector.stop()
    ctx.close()
    ok = all(value == 0 for value in left.values())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
