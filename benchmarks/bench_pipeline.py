"""The whole intake pipeline, stage by stage, as ratios against bare baselines (issue 10).

Usage::

    python benchmarks/bench_pipeline.py [--rows 100000] [--stored 1000000] [--repeat 3]
                                        [--no-gui]

It writes a deterministic lead file (``bench_import.make_rows``: messy values,
about 5 % repeats of known truth) and, once, a database of ``--stored`` people
(10 % of the file's people among them, one person each, with the keys the
matcher stores), both cached under ``benchmarks/.cache/``. Then, ``--repeat``
times and interleaved with the baselines so that machine noise hits both
sides, each in a fresh interpreter (so its peak RSS is its own):

* baseline: ``polars.read_csv`` of the file (and, for reference, the standard
  ``csv`` module reading it into lists: the floor of any reader written in Python);
* the XLSX of ``make_rows`` (same columns and size) read by ``polars.read_excel``
  through calamine, then by our reader;
* stages: read, map, normalise, dedupe within the list, match against the
  stored people, store (persons, leads, source rows) — each timed on its own;
* baseline: a raw ``sqlite3.executemany`` of the same rows the store wrote;
* the whole import end to end (``ImportService``) into a copy of the stored
  database: read → normalise → dedupe → check against the stored people → store;
* export of the event (generic) against ``csv.writer`` writing the same tuples;
* the Leads grid: time to the first rows over the imported event (offscreen).

It prints medians, the ratio to each stage's baseline and the goals, and peak
memory. Goals (issue 10): read CSV <= 2x polars; read XLSX <= 1.5x polars with
calamine; end to end <= 120x the polars read; store <= 2.5x executemany; export
<= 2x csv.writer; peak <= 600 MB for 100k rows end to end; grid first rows < 1 s.
Needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_import import HEADERS, make_rows, write_files  # noqa: E402


def realistic_rows(count: int, seed: int) -> list[list[str]]:
    """``make_rows``' messy columns with people from ``bench_dedupe``'s generator.

    Its first and last names follow long-tailed (Zipf-like) distributions over large
    pools and its companies have their own domains, as real lists do; ``make_rows``
    alone has 396 distinct names, which fills every name block of a large database.
    """
    from bench_dedupe import Generator

    rows = make_rows(count, seed)
    people = Generator(count, seed)
    originals: dict[str, list[str]] = {}
    for row in rows:
        key = row[15]  # the badge id: a repeat copies its person's row, badge included
        if key in originals:
            row[:4] = originals[key][:4]
            row[2] = row[2].upper() if row[2] else row[2]
            continue
        person = people.person()
        row[0], row[1] = person["first"], person["last"]
        row[2] = person["email"] or ""
        row[3] = f"{person['company_name']} {person['legal'][0]}".strip()
        row[9] = person["phone"] or ""
        originals[key] = list(row)
    return rows


def realistic_file(count: int) -> Path:
    import csv

    path = CACHE / f"leads_realistic_{count}.csv"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS)
            writer.writerows(realistic_rows(count, 7))
    return path


def stored_database(people: int, rows: int, realistic: bool = False) -> Path:
    """A migrated SQLite file holding ``people`` persons with their matching keys."""
    path = CACHE / f"stored_{'realistic_' if realistic else ''}{people}_{rows}.db"
    if path.exists():
        return path
    from intake_app.core.batch import person_record
    from intake_app.core.dedupe import person_keys
    from intake_app.db.base import utcnow
    from intake_app.db.session import open_database
    from schemas import load_schema

    CACHE.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    open_database(f"sqlite:///{partial.as_posix()}").dispose()
    rules = load_schema().dedupe_rules
    rng = random.Random(11)
    generate = realistic_rows if realistic else make_rows
    file_people = generate(rows, 7)
    known = rng.sample(file_people, k=min(len(file_people), rows // 10))
    others = generate(people - len(known), 99)
    now = utcnow().replace(tzinfo=None).isoformat(sep=" ")
    batch: list[tuple[Any, ...]] = []
    connection = sqlite3.connect(partial)
    try:
        for number, row in enumerate([*known, *others]):
            email = row[2] if number < len(known) else row[2].replace("@", f".s{number}@")
            columns = {"first_name": row[0], "last_name": row[1], "email": email.lower(),
                       "company": row[3], "phone": None, "country": None}  # fmt: skip
            keys = person_keys(person_record(number, columns), rules)
            batch.append(
                (row[0], row[1], email.lower(), row[3], keys["email_key"], keys["phone_key"],
                 keys["name_key"], keys["company_key"], now, now)
            )  # fmt: skip
            if len(batch) == 50_000:
                _insert_people(connection, batch)
                batch = []
        _insert_people(connection, batch)
        connection.commit()
    finally:
        connection.close()
    os.replace(partial, path)
    return path


def _insert_people(connection: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
    connection.executemany(
        "INSERT INTO persons (first_name, last_name, email, company, email_key, phone_key,"
        " name_key, company_key, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        rows,
    )


_COMMON = """
import json, resource, shutil, sys, tempfile, time
from pathlib import Path
FILE, STORED, WORK = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
OUT = {}
def peak():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

_OPEN_EVENT = """
from intake_app.core.events import EventInput, parse_when
from intake_app.services.context import open_context
from intake_app.services.events import EventService
db = WORK / 'pipeline.db'
shutil.copyfile(STORED, db)
ctx = open_context(f'sqlite:///{db.as_posix()}')
event = EventService(ctx).create(EventInput(name='Bench show', event_type='tradeshow',
    start=parse_when('2025-04-28', 'Start'), country='US'))
"""

SNIPPETS = {
    "polars": "import polars as pl\n_s = time.perf_counter()\n"
    "pl.read_csv(FILE, infer_schema=False)\nOUT['seconds'] = time.perf_counter() - _s\n"
    # The floor of any reader in Python: the standard csv module over the same file.
    "import csv, gc\ngc.disable()\n_s = time.perf_counter()\n"
    "with open(FILE, newline='', encoding='utf-8') as _f: list(csv.reader(_f))\n"
    "OUT['csv_module'] = time.perf_counter() - _s\ngc.enable()\n",
    # A workbook of the same shape: calamine through polars (bare), then our reader.
    "xlsx": """
import polars as pl
from importers.readers import read_file
from intake_app.core.collector import collector_paused
_s = time.perf_counter(); pl.read_excel(FILE, engine='calamine', infer_schema_length=0)
OUT['polars'] = time.perf_counter() - _s
with collector_paused():
    _s = time.perf_counter(); read_file(FILE); OUT['seconds'] = time.perf_counter() - _s
""",
    # Each stage on its own, in the order the import runs them.
    "stages": _OPEN_EVENT
    + """
import intake_app.core.batch as batch_module
import intake_app.services.imports as imports_module
from importers.base import no_progress
from importers.mapping import map_record
from importers.pipeline import prepare
from importers.readers import read_file
from intake_app.core.engagement import ListContext
from intake_app.core.lead_values import RecordContext
from intake_app.services.imports import ImportService
from intake_app.core.collector import collector_paused
schema = ctx.schema
# The import service runs all of this with the cycle collector paused; so do the stages.
_paused = collector_paused(); _paused.__enter__()
_s = time.perf_counter(); facts, grids = read_file(FILE); OUT['read'] = time.perf_counter() - _s
_s = time.perf_counter()
prepared = prepare(grids, schema)
mapped = [map_record(r, prepared.mappings) for r in prepared.table.records]
OUT['map'] = time.perf_counter() - _s
fold = batch_module.fold_duplicates
batch_module.fold_duplicates = lambda plan, schema: []
_s = time.perf_counter()
plan = batch_module.plan_batch(mapped, schema, lead_source='Tradeshow',
    context=RecordContext('US', ListContext('in_person')))
OUT['normalise'] = time.perf_counter() - _s
_s = time.perf_counter(); plan.review = fold(plan, schema)
OUT['dedupe'] = time.perf_counter() - _s
batch_module.fold_duplicates = fold
spent = [0.0]
known = imports_module._known_persons
def timed(*args, **kwargs):
    started = time.perf_counter()
    try:
        return known(*args, **kwargs)
    finally:
        spent[0] += time.perf_counter() - started
imports_module._known_persons = timed
service = ImportService(ctx)
preview = service.preview(FILE)
_s = time.perf_counter()
with ctx.db.write() as session:
    summary = service._write(session, preview, event.id, plan, no_progress, None,
                             preview.record_count)
total = time.perf_counter() - _s
OUT['match'] = spent[0]
OUT['store'] = total - spent[0]
_paused.__exit__(None, None, None)
OUT['imported'] = summary.imported
OUT['matched_existing'] = summary.matched_existing
OUT['batch_id'] = summary.batch_id
ctx.close()
""",
    # The same rows the store wrote, put into a fresh copy of the stored database raw.
    "executemany": """
import sqlite3
source = sqlite3.connect(WORK / 'pipeline.db')
batch = source.execute('SELECT max(id) FROM import_batches').fetchone()[0]
tables = {}
for table, where in (
    ('persons', 'id IN (SELECT person_id FROM leads WHERE batch_id = ?) AND id > ?'),
    ('leads', 'batch_id = ?'),
    ('source_rows', 'batch_id = ?'),
):
    names = [r[1] for r in source.execute(f'PRAGMA table_info({table})') if r[1] != 'id']
    stored_max = int(sys.argv[4])
    params = (batch, stored_max) if table == 'persons' else (batch,)
    query = f"SELECT {', '.join(names)} FROM {table} WHERE {where}"
    rows = source.execute(query, params).fetchall()
    tables[table] = (names, rows)
source.close()
target = WORK / 'raw.db'
shutil.copyfile(STORED, target)
raw = sqlite3.connect(target)
raw.execute('PRAGMA journal_mode = WAL'); raw.execute('PRAGMA synchronous = NORMAL')
_s = time.perf_counter()
for table, (names, rows) in tables.items():
    marks = ', '.join('?' for _ in names)
    raw.executemany(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})", rows)
raw.commit()
OUT['seconds'] = time.perf_counter() - _s
OUT['rows'] = sum(len(rows) for _n, rows in tables.values())
raw.close()
""",
    "end_to_end": _OPEN_EVENT
    + """
from intake_app.services.imports import ImportService
service = ImportService(ctx)
_s = time.perf_counter()
summary = service.run(service.preview(FILE), event.id)
OUT['seconds'] = time.perf_counter() - _s
OUT['imported'] = summary.imported
ctx.close()
""",
    "export": """
import csv
from intake_app.services.context import open_context
from intake_app.services.exports import ExportService
ctx = open_context(f"sqlite:///{(WORK / 'pipeline.db').as_posix()}")
event_id = ctx.db.engine.connect().exec_driver_sql('SELECT max(id) FROM events').scalar()
service = ExportService(ctx)
_s = time.perf_counter()
preview = service.preview(event_id, 'generic')
service.write(preview, WORK / 'export.csv')
OUT['seconds'] = time.perf_counter() - _s
OUT['rows'] = len(preview.plan.rows)
tuples = [row.cells for row in preview.plan.rows]
_s = time.perf_counter()
with open(WORK / 'baseline.csv', 'w', newline='', encoding='utf-8') as handle:
    writer = csv.writer(handle)
    writer.writerow(preview.plan.headers)
    writer.writerows(tuples)
OUT['baseline'] = time.perf_counter() - _s
ctx.close()
""",
    "grid": """
import os
os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')
from PySide6.QtWidgets import QApplication
from intake_app.gui.pages.leads import LeadsPage
from intake_app.gui.prompts import Prompts
from intake_app.services.context import open_context
app = QApplication([])
ctx = open_context(f"sqlite:///{(WORK / 'pipeline.db').as_posix()}")
event_id = ctx.db.engine.connect().exec_driver_sql('SELECT max(id) FROM events').scalar()
page = LeadsPage(ctx, Prompts())
page.resize(1200, 700); page.show(); app.processEvents()
_s = time.perf_counter()
page.reload_events(select_id=event_id)
deadline = time.perf_counter() + 30
model = page.table.model()
while time.perf_counter() < deadline:
    app.processEvents()
    if model.rowCount() and model.index(0, 0).data():
        break
OUT['seconds'] = time.perf_counter() - _s
OUT['rows'] = model.rowCount()
ctx.close()
""",
}


def run(kind: str, file: Path, stored: Path, work: Path, extra: str = "0") -> dict[str, Any]:
    code = _COMMON + SNIPPETS[kind] + "\nOUT['peak_mib'] = peak()\nprint(json.dumps(OUT))\n"
    env = {
        "INTAKE_DATA_DIR": str(work / "home"),
        "INTAKE_CONFIG_DIR": str(work / "home"),
        "PATH": os.environ.get("PATH", ""),
        "QT_QPA_PLATFORM": "offscreen",
    }
    done = subprocess.run(
        [sys.executable, "-c", code, str(file), str(stored), str(work), extra],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise SystemExit(f"{kind} failed:\n{done.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-gui", action="store_true", help="skip the grid measurement")
    parser.add_argument(
        "--names",
        choices=("realistic", "simple"),
        default="realistic",
        help="people from bench_dedupe's long-tailed generator (default), or make_rows' 396 names",
    )
    args = parser.parse_args()
    realistic = args.names == "realistic"
    # Built in a child process: Linux keeps a process's peak RSS across fork and exec, so
    # building a million people here would show up in every measurement's peak.
    code = (
        "import sys; sys.path.insert(0, 'benchmarks'); import bench_pipeline as b;"
        f" b.write_files({args.rows}); b.realistic_file({args.rows}) if {realistic} else None;"
        f" b.stored_database({args.stored}, {args.rows}, {realistic})"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    csv_path = realistic_file(args.rows) if realistic else write_files(args.rows)[0]
    stored = stored_database(args.stored, args.rows, realistic)
    with sqlite3.connect(stored) as connection:
        stored_max = str(connection.execute("SELECT max(id) FROM persons").fetchone()[0] or 0)
    xlsx_path = write_files(args.rows)[1]  # make_rows' workbook: the same columns and size
    kinds = ("polars", "xlsx", "stages", "executemany", "end_to_end", "export", "grid")
    runs: dict[str, list[dict[str, Any]]] = {kind: [] for kind in kinds}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="intake-bench-") as folder:
            work = Path(folder)
            runs["polars"].append(run("polars", csv_path, stored, work))
            runs["xlsx"].append(run("xlsx", xlsx_path, stored, work))
            runs["stages"].append(run("stages", csv_path, stored, work))
            runs["executemany"].append(run("executemany", csv_path, stored, work, stored_max))
            runs["export"].append(run("export", csv_path, stored, work))
            if not args.no_gui:
                runs["grid"].append(run("grid", csv_path, stored, work))
            (work / "pipeline.db").unlink()
            runs["polars"].append(run("polars", csv_path, stored, work))
            runs["end_to_end"].append(run("end_to_end", csv_path, stored, work))

    def med(kind: str, key: str = "seconds") -> float:
        return statistics.median(r[key] for r in runs[kind])

    def peak(kind: str) -> float:
        return max((r["peak_mib"] for r in runs[kind]), default=0.0)

    polars = med("polars")
    store_base = med("executemany")
    export_base = med("export", "baseline")
    stages = runs["stages"][-1]
    lines = [
        ("read CSV", med("stages", "read"), polars, "polars read", "<= 2x"),
        ("read CSV", med("stages", "read"), med("polars", "csv_module"), "csv module", ""),
        ("read XLSX", med("xlsx"), med("xlsx", "polars"), "polars xlsx", "<= 1.5x"),
        ("map columns", med("stages", "map"), polars, "polars read", ""),
        ("normalise", med("stages", "normalise"), polars, "polars read", ""),
        ("dedupe within the list", med("stages", "dedupe"), polars, "polars read", ""),
        (
            f"match against {args.stored:,} stored",
            med("stages", "match"),
            polars,
            "polars read",
            "",
        ),
        (
            "store persons, leads, rows",
            med("stages", "store"),
            store_base,
            "executemany",
            "<= 2.5x",
        ),
        ("end to end", med("end_to_end"), polars, "polars read", "<= 120x"),
        ("export (generic)", med("export"), export_base, "csv.writer", "<= 2x"),
    ]
    if runs["grid"]:
        lines.append(("grid first rows", med("grid"), 1.0, "1 second", "< 1"))
    say = sys.stdout.write
    say(
        f"{args.names} names: "
        f"{args.rows:,} rows against {args.stored:,} stored people; median of {args.repeat};"
        f" {stages['imported']:,} leads, {stages['matched_existing']:,} matched stored people\n"
    )
    say(
        f"baselines: polars read {polars:.2f} s"
        f" (the csv module {med('polars', 'csv_module'):.2f} s);"
        f" executemany {store_base:.2f} s"
        f" ({runs['executemany'][-1]['rows']:,} rows); csv.writer {export_base:.2f} s\n"
    )
    say(f"{'stage':34} {'seconds':>8} {'ratio':>8}  {'against':12} {'goal':8}\n")
    for name, seconds, base, against, goal in lines:
        ratio = seconds / base if base else float("nan")
        say(f"{name:34} {seconds:8.2f} {ratio:8.1f}  {against:12} {goal:8}\n")
    say(
        f"peak RSS: stages {peak('stages'):.0f} MiB, end to end {peak('end_to_end'):.0f} MiB,"
        f" export {peak('export'):.0f} MiB, polars {peak('polars'):.0f} MiB\n"
    )
    shutil.rmtree(CACHE / "tmp", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
