"""Reading and importing speed, as ratios against polars on the same file in the same run.

Usage::

    python benchmarks/bench_import.py [--rows 100000] [--repeat 3] [--keep]

It writes a deterministic lead file (CSV and XLSX, with messy values and known
duplicates) under ``benchmarks/.cache/``, then, several times and interleaved so
machine noise hits both sides alike, times in fresh subprocesses:

* baseline ``polars.read_csv`` / ``polars.read_excel(engine="calamine")``;
* our reader (``importers.readers.read_file``);
* the whole import (read, find table, map, plan, write to a fresh SQLite file).

It prints the median seconds, the ratio to the baseline and each run's peak RSS.
Goals (issue 3): CSV read <= 2x polars, XLSX read <= 1.5x polars-with-calamine,
peak RSS well under 1 GB for 100,000 rows. Needs the ``bench`` extra (polars, fastexcel).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "benchmarks" / ".cache"

FIRST = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Margaret",
    "Hedy",
    "Mary",
    "Dorothy",
    "Linus",
    "Guido",
    "Barbara",
    "Frances",
    "José",
    "Zoë",
    "Søren",
    "Ünal",
    "Chloé",
    "Björn",
]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Hamilton",
    "Lamarr",
    "Jackson",
    "Vaughan",
    "Torvalds",
    "van Rossum",
    "Liskov",
    "Allen",
    "García Simón",
    "O'Brien",
    "McDonald",
]
COMPANIES = [
    "Acme Corp",
    "ACME Corporation",
    "Initech GmbH",
    "Globex S.A.",
    "Umbrella Ltd",
    "Stark Industries",
    "Wayne Enterprises Inc.",
    "Cyberdyne Systems",
]
COUNTRIES = [
    "United States",
    "USA",
    "US",
    "Germany",
    "Deutschland",
    "DE",
    "United Kingdom",
    "UK",
    "France",
    "España",
    "Japan",
    "Brasil",
]
TITLES = [
    "CTO",
    "VP Marketing",
    "Director of IT",
    "Head of Sales",
    "Marketing Manager",
    "Software Engineer",
    "Chief Financial Officer",
    "Geschäftsführer",
    "Analyst",
]
HEADERS = ["First Name", "Last Name", "Email", "Company", "Job Title", "Country", "State",
           "City", "Zip", "Phone", "Mobile", "Website", "Industry", "Rating", "Notes",
           "Badge ID", "Scan Date", "Scanned By", "Product Interest", "Timeframe"]  # fmt: skip


def make_rows(count: int, seed: int = 7) -> list[list[str]]:
    """Deterministic messy leads; about 5 % repeat an earlier person (the known truth)."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    for n in range(count):
        if rows and rng.random() < 0.05:
            repeat = list(rng.choice(rows))
            repeat[2] = repeat[2].upper()  # same person, e-mail in another case
            rows.append(repeat)
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST)
        domain = f"example{n % 500}.com"
        rows.append([
            first if rng.random() > 0.1 else first.upper(),
            last,
            f"{first.lower()}.{last.lower().replace(' ', '')}{n}@{domain}",
            rng.choice(COMPANIES),
            rng.choice(TITLES),
            rng.choice(COUNTRIES),
            rng.choice(["CA", "NY", "Bavaria", "", "TX"]),
            rng.choice(["Berlin", "San Francisco", "London", "Paris", ""]),
            f"{rng.randint(0, 99999):05d}",
            f"+1 415 555 {rng.randint(100, 199):04d}",
            "",
            rng.choice(["acme.com", "https://www.initech.de/", ""]),
            rng.choice(["Banking", "Technology", "software", ""]),
            rng.choice(["Hot", "Warm", "Cold", "A", "B", ""]),
            rng.choice(["wants pricing", "demo given", "", "send info, call back next week"]),
            f"B{100000 + n}",
            f"2025-04-{rng.randint(28, 30)} {rng.randint(9, 17):02d}:{rng.randint(0, 59):02d}",
            rng.choice(["Dana", "Marcus", "Scanner 3"]),
            rng.choice(["SIEM", "XDR", "Cloud", ""]),
            rng.choice(["Within a month", "1-3 months", "No timeframe", ""]),
        ])  # fmt: skip
    return rows


def write_files(rows: int) -> tuple[Path, Path]:
    import csv

    CACHE.mkdir(parents=True, exist_ok=True)
    csv_path = CACHE / f"leads_{rows}.csv"
    xlsx_path = CACHE / f"leads_{rows}.xlsx"
    if csv_path.exists() and xlsx_path.exists():
        return csv_path, xlsx_path
    data = make_rows(rows)
    with csv_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(data)
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Leads")
    sheet.append(HEADERS)
    for row in data:
        sheet.append(row)
    workbook.save(xlsx_path)
    return csv_path, xlsx_path


# Each measurement runs in its own interpreter so peak RSS belongs to that work alone.
_SNIPPETS = {
    "stages": "",  # filled below
    "polars_csv": "import polars as pl; pl.read_csv(PATH, infer_schema=False)",
    "polars_xlsx": "import polars as pl; pl.read_excel(PATH, engine='calamine')",
    "read": "from importers.readers import read_file; read_file(Path(PATH))",
    "import": (
        "from intake_app.services.context import open_context\n"
        "from intake_app.services.events import EventService\n"
        "from intake_app.services.imports import ImportService\n"
        "from intake_app.core.events import EventInput, parse_when\n"
        "import tempfile\n"
        "db = Path(tempfile.mkdtemp()) / 'bench.db'\n"
        "ctx = open_context(f'sqlite:///{db.as_posix()}')\n"
        "event = EventService(ctx).create(EventInput(name='Bench', event_type='tradeshow',"
        " start=parse_when('2025-04-28', 'Start')))\n"
        "service = ImportService(ctx)\n"
        "service.run(service.preview(Path(PATH)), event.id)\n"
        "ctx.close()\n"
    ),
}

# One run through the stages in order, each timed on its own (issue 4: normalising all
# fields <= 60x the polars read). The store stage writes to a fresh SQLite file.
_STAGES = (
    "import time as _t\n"
    "from importers.readers import read_file\n"
    "from importers.pipeline import prepare\n"
    "from importers.mapping import map_record\n"
    "from intake_app.core.batch import plan_batch\n"
    "from intake_app.core.engagement import ListContext\n"
    "from intake_app.core.lead_values import RecordContext\n"
    "from schemas import load_schema\n"
    "schema = load_schema()\n"
    "_s = _t.perf_counter(); facts, grids = read_file(Path(PATH))\n"
    "STAGES['read'] = _t.perf_counter() - _s\n"
    "_s = _t.perf_counter(); prepared = prepare(grids, schema)\n"
    "mapped = [map_record(r, prepared.mappings) for r in prepared.table.records]\n"
    "STAGES['map'] = _t.perf_counter() - _s\n"
    "_s = _t.perf_counter()\n"
    "plan = plan_batch(mapped, schema, lead_source='Tradeshow',"
    " context=RecordContext('US', ListContext('in_person')))\n"
    "STAGES['normalise'] = _t.perf_counter() - _s\n"
)

_RUNNER = """
import json, resource, sys, time
from pathlib import Path
PATH = sys.argv[1]
STAGES = {}
started = time.perf_counter()
exec(compile(sys.argv[2], "<bench>", "exec"))
elapsed = time.perf_counter() - started
peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_mib": peak_kib / 1024, "stages": STAGES}))
"""


_SNIPPETS["stages"] = _STAGES


def measure(kind: str, path: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as home:
        env = {"INTAKE_DATA_DIR": home, "INTAKE_CONFIG_DIR": home, "PATH": ""}
        done = subprocess.run(
            [sys.executable, "-c", _RUNNER, str(path), _SNIPPETS[kind]],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            check=False,
        )
    if done.returncode != 0:
        raise SystemExit(f"{kind} on {path.name} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    csv_path, xlsx_path = write_files(args.rows)
    plan = [
        ("CSV", csv_path, "polars_csv", ["read", "import"]),
        ("XLSX", xlsx_path, "polars_xlsx", ["read", "import"]),
    ]
    report = []
    for label, path, baseline, ours in plan:
        times: dict[str, list[float]] = {baseline: [], **{kind: [] for kind in ours}}
        peaks: dict[str, float] = dict.fromkeys(times, 0.0)
        for _ in range(args.repeat):
            for kind in times:  # interleaved: baseline, ours, baseline, ours ...
                result = measure(kind, path)
                times[kind].append(result["seconds"])
                peaks[kind] = max(peaks[kind], result["peak_mib"])
        base = statistics.median(times[baseline])
        for kind, values in times.items():
            median = statistics.median(values)
            report.append((label, kind, median, median / base, peaks[kind]))
        if label == "CSV":
            stage_runs = [measure("stages", path)["stages"] for _ in range(args.repeat)]
            for stage in ("read", "map", "normalise"):
                median = statistics.median(run[stage] for run in stage_runs)  # type: ignore[index]
                report.append((label, f"  {stage}", median, median / base, 0.0))
    print(f"{args.rows:,} rows, median of {args.repeat} runs")  # noqa: T201
    print(f"{'file':5} {'what':12} {'seconds':>8} {'x baseline':>11} {'peak MiB':>9}")  # noqa: T201
    for label, kind, median, ratio, peak in report:
        print(f"{label:5} {kind:12} {median:8.2f} {ratio:11.2f} {peak:9.0f}")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
