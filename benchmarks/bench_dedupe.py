"""Dedupe speed and accuracy against a generated ground truth.

Usage::

    python benchmarks/bench_dedupe.py [--sizes 10k,100k,1m] [--against 100k:1m] [--seed 7]

A deterministic generator makes people with ground truth: each person has 1-4
rows (nicknames, typos, e-mail case, personal instead of work e-mail, swapped
names, company legal-suffix variants, transliterations, dropped values), and
among them namesakes (same name, another company and other contact details),
colleagues behind one role mailbox (info@, sales@ ...) and colleagues behind one
switchboard phone, none of whom may merge.

Each size runs in a fresh subprocess: ``find_matches`` over all rows, then
``auto_clusters``; it reports the time, the peak RSS, the pairwise precision,
recall and F1 of the automatic clusters against the truth and the largest
cluster. ``--against I:S`` stores S people (one row each, keys from
``person_keys`` as the database would hold them), fetches candidates for I
incoming rows by ``blocking_keys`` from those keys, as the import does, and
matches the rows against them. Goals: precision >= 0.99 and recall >= 0.95 at
100k rows, F1 >= 0.95 at 1M, no automatic cluster over ``max_cluster``. The
exit status is 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import bisect
import gc
import json
import random
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from intake_app.core.dedupe import (  # noqa: E402
    PersonRecord,
    auto_clusters,
    blocking_keys,
    find_matches,
    person_keys,
)
from schemas import load_schema  # noqa: E402


def _words(text: str) -> list[str]:
    return text.split()


NICKS = {
    "Robert": ["Bob", "Rob", "Bobby"], "Katherine": ["Kate", "Kathy", "Katie"],
    "William": ["Bill", "Will"], "James": ["Jim", "Jimmy"], "Michael": ["Mike"],
    "Elizabeth": ["Liz", "Beth"], "Margaret": ["Peggy", "Maggie"], "Richard": ["Rick", "Dick"],
    "Anthony": ["Tony"], "Alexander": ["Alex"], "Christopher": ["Chris"], "Jonathan": ["Jon"],
    "David": ["Dave"], "Daniel": ["Dan"], "Thomas": ["Tom"], "Jennifer": ["Jenny", "Jen"],
    "Samuel": ["Sam"], "Andrew": ["Andy"], "Steven": ["Steve"], "Joseph": ["Joe", "Josef", "Sepp"],
    "Nicholas": ["Nick"], "Matthew": ["Matt"], "Patrick": ["Pat"], "Susan": ["Sue"],
    "Benjamin": ["Ben"], "Edward": ["Ed", "Ted"], "Johannes": ["Hans"],
    "Patricia": ["Pat"], "Samantha": ["Sam"], "Timothy": ["Tim"], "Peter": ["Pete"],
}  # fmt: skip
PLAIN_FIRST = _words(
    "Mary Linda Barbara Sarah Karen Nancy Lisa Betty Sandra Ashley Donna Emily Michelle Laura "
    "Amanda Melissa Stephanie Rebecca Sharon Cynthia Kathleen Amy Angela Anna Brenda Pamela "
    "Nicole Emma Helen Olivia Rachel Carol Ruth Julie Heather Gloria Kelly Christina Lauren "
    "Kevin Brian George Ronald Jason Gary Ryan Jacob Eric Larry Scott Frank Justin Brandon "
    "Raymond Gregory Jack Dennis Jerry Tyler Aaron Henry Adam Douglas Nathan Zachary Kyle "
    "Walter Harold Jeremy Ethan Carl Keith Roger Gerald Christian Terry Sean Arthur Austin "
    "Noah Lawrence Jesse Dylan Bryan Joe Jordan Billy Bruce Albert Willie Gabriel Logan "
    "Alan Juan Wayne Roy Ralph Randy Eugene Vincent Russell Louis Philip Bobby Johnny "
    "Lukas Leon Finn Felix Maximilian Paul Jonas Elias Lena Hannah Mia Lea Marie Laura "
    "Sophie Klara Wolfgang Dieter Uwe Sabine Petra Ursula Monika Thorsten Birgit Heike "
    "Priya Rahul Amit Anjali Wei Li Ming Yuki Hiroshi Kenji Olga Ivan Sergei Natalia Pierre "
    "Camille Antoine Luca Giulia Marco Francesca Alessandro Sofia Pablo Lucia Javier Carmen"
)
ACCENTED_FIRST = [
    "José",
    "Zoë",
    "Jürgen",
    "Søren",
    "Björn",
    "Chloé",
    "François",
    "Ünal",
    "Jörg",
    "Renée",
    "Agnès",
    "Ígor",
    "Małgorzata",
    "Åsa",
    "Jesús",
    "Noémie",
]
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez "
    "Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White "
    "Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres "
    "Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts "
    "Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Koch Richter Klein "
    "Wolf Neumann Schwarz Zimmermann Braun Hofmann Hartmann Lange Werner Krause Lehmann "
    "Rossi Russo Ferrari Esposito Bianchi Romano Colombo Ricci Martin Bernard Dubois Thomas "
    "Robert Richard Petit Durand Leroy Moreau Simon Laurent Kumar Singh Patel Shah Wang Zhang "
    "Liu Chen Yang Huang Zhao Wu Zhou Tanaka Suzuki Takahashi Watanabe Ivanov Smirnov Kuznetsov"
)
UMLAUT_LAST = [
    "Müller",
    "Schäfer",
    "Köhler",
    "Weiß",
    "Jäger",
    "Krüger",
    "Groß",
    "Schröder",
    "Bäcker",
    "Günther",
    "Fuß",
    "Böhm",
    "Sørensen",
    "Núñez",
    "García",
    "López",
    "Pérez",
    "Gómez",
    "Łukasiewicz",
    "Strauß",
    "Dvořák",
    "Hübner",
    "Förster",
]
SYLLABLES = _words(
    "ka ri mo ta ne lo vi sa be da ru pe gi no fa te mi ro zu ha ki la so ve "
    "dor mar ten sel win berg hol stein mann son ford ley ton wick"
)
SECTORS = [
    "Systems",
    "Solutions",
    "Labs",
    "Group",
    "Software",
    "Industries",
    "Analytics",
    "Logistics",
    "Networks",
    "Partners",
    "Dynamics",
    "Health",
    "Energy",
    "Media",
]
LEGAL = [["Inc", "Inc.", "Incorporated", ", Inc."], ["Corp", "Corporation", "Corp."],
         ["GmbH", "GmbH"], ["Ltd", "Limited", "Ltd."], ["LLC", "L.L.C."], ["AG"],
         ["S.A.", "SA"], ["B.V.", "BV"], [""]]  # fmt: skip
CITIES = [("New York", "US"), ("Chicago", "US"), ("Austin", "US"), ("Berlin", "DE"),
          ("München", "DE"), ("London", "GB"), ("Paris", "FR"), ("Madrid", "ES"),
          ("Milano", "IT"), ("Amsterdam", "NL"), ("Zürich", "CH"), ("Toronto", "CA")]  # fmt: skip
ROLE_BOXES = ["info", "sales", "contact", "marketing", "events", "office"]
TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe",
                          "Ü": "Ue"})  # fmt: skip
ASCII = str.maketrans("éèëïíóúñçåøłěřšžáàâêîôûÁÉÍÓÚŁŠŽ", "eeeiiouncaolerszaaaeiouAEIOULSZ")


def _ascii(text: str) -> str:
    return text.translate(TRANSLIT).translate(ASCII)


def _mail(text: str) -> str:
    return "".join(ch for ch in _ascii(text).lower() if ch.isalnum())


class Generator:
    """Deterministic people with ground truth; each row is (record, person id)."""

    def __init__(self, rows: int, seed: int) -> None:
        self.rng = random.Random(seed)
        rng = self.rng
        self.first_pool = [*NICKS, *PLAIN_FIRST, *ACCENTED_FIRST]
        surnames = list(LAST) + UMLAUT_LAST
        made: set[str] = set(surnames)
        while len(surnames) < max(2000, rows // 15):
            word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()
            if word not in made:
                made.add(word)
                surnames.append(word)
        self.last_pool = surnames
        self.last_cum = _cumulative(len(surnames), 0.9)
        self.first_cum = _cumulative(len(self.first_pool), 0.7)
        companies = max(50, rows // 25)
        self.companies: list[tuple[str, str, list[str], str]] = []
        names: set[str] = set()
        while len(self.companies) < companies:
            stem = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
            name = f"{stem} {rng.choice(SECTORS)}"
            if name in names:
                continue
            names.add(name)
            domain = f"{_mail(stem)}{'-' + _mail(name.split()[1]) if rng.random() < 0.3 else ''}"
            domain += rng.choice([".com", ".com", ".de", ".co.uk", ".io"])
            switchboard = f"+1800{len(self.companies):07d}"
            self.companies.append((name, domain, rng.choice(LEGAL), switchboard))
        self.company_cum = _cumulative(companies, 1.0)
        self.next_person = 0
        self.taken: set[tuple[str, str, int]] = set()
        self.addresses: set[str] = set()

    def _pick(self, cum: list[float]) -> int:
        return bisect.bisect_left(cum, self.rng.random() * cum[-1])

    def person(self, namesake_of: dict[str, Any] | None = None) -> dict[str, Any]:
        rng = self.rng
        pid = self.next_person
        self.next_person += 1
        if namesake_of is not None:
            first, last = namesake_of["first"], namesake_of["last"]
            company = (namesake_of["company"] + 1 + self._pick(self.company_cum)) % len(
                self.companies
            )
        else:
            first = self.first_pool[self._pick(self.first_cum)]
            last = self.last_pool[self._pick(self.last_cum)]
            company = self._pick(self.company_cum)
        while (first, last, company) in self.taken:  # a namesake works elsewhere
            last = self.last_pool[self._pick(self.last_cum)]
            company = self._pick(self.company_cum)
        self.taken.add((first, last, company))
        name, domain, legal, switchboard = self.companies[company]
        style = company % 3
        local = (
            f"{_mail(first)}.{_mail(last)}"
            if style == 0
            else f"{_mail(first)[0]}{_mail(last)}"
            if style == 1
            else f"{_mail(first)}_{_mail(last)}"
        )
        work = f"{local}@{domain}"
        number = 1
        while work in self.addresses:  # a mail server gives each address to one person
            number += 1
            work = f"{local}{number}@{domain}"
        self.addresses.add(work)
        personal = f"{_mail(first)}.{_mail(last)}{pid % 97}@" + rng.choice(
            ["gmail.com", "yahoo.com", "outlook.com", "gmx.de", "web.de"]
        )
        roll = rng.random()
        email: str | None = work if roll < 0.85 else personal
        if roll > 0.98:
            email = f"{rng.choice(ROLE_BOXES)}@{domain}"  # a role mailbox for this person
        phone: str | None = f"+1{2000000000 + (pid * 7919) % 7999999999}"
        if rng.random() < 0.05:
            phone = switchboard
        elif rng.random() < 0.4:
            phone = None
        mobile = f"+447{(pid * 104729) % 999999999:09d}" if rng.random() < 0.25 else None
        if email is None and phone is None:
            phone = f"+1{2000000000 + (pid * 7919) % 7999999999}"
        city, country = rng.choice(CITIES)
        return {
            "pid": pid, "first": first, "last": last, "company": company, "email": email,
            "work": work, "personal": personal, "phone": phone, "mobile": mobile,
            "city": city, "country": country, "company_name": name, "legal": legal,
        }  # fmt: skip

    def base_row(self, person: dict[str, Any], key: int) -> PersonRecord:
        return PersonRecord(
            key=key,
            first_name=person["first"],
            last_name=person["last"],
            email=person["email"],
            phone=person["phone"],
            mobile_phone=person["mobile"],
            company=self._company(person),
            city=person["city"],
            country=person["country"],
        )

    def _company(self, person: dict[str, Any]) -> str | None:
        rng = self.rng
        if rng.random() < 0.08:
            return None
        name = person["company_name"]
        suffix = rng.choice(person["legal"])
        text = f"{name}{suffix}" if suffix.startswith(",") else f"{name} {suffix}".strip()
        return text.upper() if rng.random() < 0.1 else text

    def variant(self, person: dict[str, Any], key: int) -> PersonRecord:
        rng = self.rng
        row = replace(self.base_row(person, key))
        changes = rng.sample(
            ["nick", "typo", "case", "personal", "noemail", "swap", "translit", "nophone",
             "mobile", "nick", "translit", "personal"],
            rng.choice([1, 1, 2, 2, 3]),
        )  # fmt: skip
        for change in changes:
            if change == "nick" and row.first_name in NICKS:
                row = replace(row, first_name=rng.choice(NICKS[row.first_name]))
            elif change == "typo":
                if rng.random() < 0.6:
                    row = replace(row, last_name=_typo(row.last_name or "", rng))
                else:
                    row = replace(row, first_name=_typo(row.first_name or "", rng))
            elif change == "case":
                row = replace(
                    row,
                    first_name=(row.first_name or "").upper(),
                    last_name=(row.last_name or "").upper(),
                    email=row.email.upper() if row.email else None,
                )
            elif change == "personal":
                row = replace(row, email=person["personal"])
            elif change == "noemail" and (row.phone or row.mobile_phone):
                row = replace(row, email=None)
            elif change == "swap":
                row = replace(row, first_name=row.last_name, last_name=row.first_name)
            elif change == "translit":
                plain = _ascii if rng.random() < 0.5 else _strip_marks
                row = replace(
                    row,
                    first_name=plain(row.first_name or ""),
                    last_name=plain(row.last_name or ""),
                )
            elif change == "nophone" and row.email:
                row = replace(row, phone=None, mobile_phone=None)
            elif change == "mobile":
                row = replace(row, mobile_phone=f"+447{(person['pid'] * 104729) % 999999999:09d}")
        return row


def _strip_marks(text: str) -> str:
    return text.translate(ASCII).replace("ä", "a").replace("ö", "o").replace("ü", "u")


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 4:
        return text
    at = rng.randint(1, len(text) - 2)
    kind = rng.randint(0, 3)
    if kind == 0:
        return text[:at] + text[at + 1] + text[at] + text[at + 2 :]  # swap two letters
    if kind == 1:
        return text[:at] + text[at + 1 :]  # drop one
    if kind == 2:
        return text[:at] + text[at] + text[at:]  # double one
    return text[:at] + rng.choice("aeinorst") + text[at + 1 :]  # replace one


def _cumulative(size: int, exponent: float) -> list[float]:
    total = 0.0
    out = []
    for rank in range(size):
        total += 1.0 / (rank + 1) ** exponent
        out.append(total)
    return out


SIZES = [1] * 55 + [2] * 25 + [3] * 13 + [4] * 7


def next_person(generator: Generator, recent: list[dict[str, Any]]) -> dict[str, Any]:
    """A new person: a namesake of an earlier one 4% of the time."""
    rng = generator.rng
    if recent and rng.random() < 0.04:
        person = generator.person(namesake_of=rng.choice(recent))
    else:
        person = generator.person()
    recent.append(person)
    if len(recent) > 5000:
        del recent[: len(recent) // 2]
    return person


def dataset(rows: int, seed: int) -> tuple[list[PersonRecord], list[int]]:
    """``rows`` rows of people in clusters of 1-4, with each row's person id."""
    generator = Generator(rows, seed)
    rng = generator.rng
    records: list[PersonRecord] = []
    truth: list[int] = []
    recent: list[dict[str, Any]] = []
    while len(records) < rows:
        person = next_person(generator, recent)
        for copy in range(min(rng.choice(SIZES), rows - len(records))):
            key = len(records)
            row = generator.base_row(person, key) if copy == 0 else generator.variant(person, key)
            records.append(row)
            truth.append(person["pid"])
    order = list(range(rows))
    rng.shuffle(order)  # a file is not sorted by person
    shuffled = [replace(records[i], key=new) for new, i in enumerate(order)]
    return shuffled, [truth[i] for i in order]


def pair_scores(clusters: Iterable[list[int]], truth: dict[int, int]) -> dict[str, Any]:
    true_pairs = sum(n * (n - 1) // 2 for n in Counter(truth.values()).values())
    predicted = correct = largest = 0
    for group in clusters:
        largest = max(largest, len(group))
        predicted += len(group) * (len(group) - 1) // 2
        counts = Counter(truth[key] for key in group)
        correct += sum(n * (n - 1) // 2 for n in counts.values())
    precision = correct / predicted if predicted else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "largest": largest,
        "true_pairs": true_pairs,
        "predicted_pairs": predicted,
    }


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker_within(rows: int, seed: int) -> dict[str, Any]:
    rules = load_schema().dedupe_rules
    records, truth = dataset(rows, seed)
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    matches = find_matches(records, rules=rules)
    clusters = auto_clusters((record.key for record in records), matches, rules)
    seconds = time.perf_counter() - start
    result = pair_scores(clusters, dict(enumerate(truth)))
    result.update(
        case=f"{_label(rows)} rows",
        seconds=seconds,
        rss_mb=_rss_mb(),
        matches=len(matches),
        review=sum(1 for m in matches if m.score < rules.auto_merge_threshold),
    )
    return result


def worker_against(incoming: int, stored: int, seed: int) -> dict[str, Any]:
    """``stored`` people stored one row each; ``incoming`` rows, half of them known people."""
    rules = load_schema().dedupe_rules
    generator = Generator(stored + incoming, seed)
    rng = generator.rng
    people: list[dict[str, Any]] = []
    recent: list[dict[str, Any]] = []
    store: list[PersonRecord] = []
    truth: dict[int, int] = {}
    for key in range(stored):
        person = next_person(generator, recent)
        people.append(person)
        store.append(generator.base_row(person, key))
        truth[key] = person["pid"]
    rows: list[PersonRecord] = []
    key = stored
    known = rng.sample(range(stored), min(stored, incoming // 2))
    for index in known:
        rows.append(generator.variant(people[index], key))
        truth[key] = people[index]["pid"]
        key += 1
    while len(rows) < incoming:
        person = next_person(generator, recent)
        for copy in range(min(rng.choice(SIZES), incoming - len(rows))):
            row = generator.base_row(person, key) if copy == 0 else generator.variant(person, key)
            rows.append(row)
            truth[key] = person["pid"]
            key += 1
    rng.shuffle(rows)
    gc.collect()
    gc.freeze()
    start = time.perf_counter()
    columns: dict[str, defaultdict[str, list[int]]] = {
        kind: defaultdict(list) for kind in ("email", "phone", "name", "company")
    }
    for record in store:  # what the database holds in its indexed key columns
        for column, value in person_keys(record, rules).items():
            if value is not None:
                columns[column.removesuffix("_key")][value].append(record.key)
    index_seconds = time.perf_counter() - start
    start = time.perf_counter()
    fetched: set[int] = set()
    for record in rows:  # the import's look-up: WHERE column IN (keys)
        for kind, keys in blocking_keys(record, rules).items():
            for value in keys:
                hits = columns[kind].get(value, ())
                if len(hits) <= rules.max_block:
                    fetched.update(hits)
    candidates = [store[k] for k in sorted(fetched)]
    matches = find_matches(rows, candidates, rules=rules)
    every = [record.key for record in rows] + [record.key for record in candidates]
    clusters = auto_clusters(every, matches, rules)
    seconds = time.perf_counter() - start
    # The truth counts every pair with an incoming row in it, fetched or not.
    incoming_pids = Counter(truth[record.key] for record in rows)
    stored_pids = {truth[k] for k in range(stored)}
    true_pairs = sum(
        (n + (pid in stored_pids)) * (n + (pid in stored_pids) - 1) // 2
        for pid, n in incoming_pids.items()
    )
    result = pair_scores(clusters, truth)
    result["recall"] = result["recall"] * result["true_pairs"] / true_pairs
    precision, recall = result["precision"], result["recall"]
    result["f1"] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    result.update(
        true_pairs=true_pairs,
        case=f"{_label(incoming)} vs {_label(stored)} stored",
        seconds=seconds,
        index_seconds=index_seconds,
        fetched=len(candidates),
        rss_mb=_rss_mb(),
        matches=len(matches),
        review=sum(1 for m in matches if m.score < rules.auto_merge_threshold),
    )
    return result


def _label(count: int) -> str:
    if count >= 1_000_000 and count % 1_000_000 == 0:
        return f"{count // 1_000_000}M"
    if count >= 1000 and count % 1000 == 0:
        return f"{count // 1000}k"
    return str(count)


def _count(text: str) -> int:
    text = text.strip().lower()
    scale = 1_000_000 if text.endswith("m") else 1000 if text.endswith("k") else 1
    return int(float(text.rstrip("mk")) * scale)


def _run(argv: list[str]) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, __file__, *argv], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"worker {argv} failed")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _goals(result: dict[str, Any], rows: int, max_cluster: int) -> list[str]:
    missed = []
    if result["largest"] > max_cluster:
        missed.append(f"{result['case']}: a cluster of {result['largest']} rows")
    if rows <= 100_000:
        if result["precision"] < 0.99:
            missed.append(f"{result['case']}: precision {result['precision']:.4f} < 0.99")
        if result["recall"] < 0.95:
            missed.append(f"{result['case']}: recall {result['recall']:.4f} < 0.95")
    if result["f1"] < 0.95:
        missed.append(f"{result['case']}: F1 {result['f1']:.4f} < 0.95")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1m", help="row counts, comma-separated")
    parser.add_argument("--against", default="100k:1m", help="INCOMING:STORED, or 'none' to skip")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if ":" in args.worker:
            incoming, stored = (_count(part) for part in args.worker.split(":"))
            result = worker_against(incoming, stored, args.seed)
        else:
            result = worker_within(_count(args.worker), args.seed)
        print(json.dumps(result))  # noqa: T201
        return 0
    max_cluster = load_schema().dedupe_rules.max_cluster
    jobs = [part for part in args.sizes.split(",") if part.strip()]
    if args.against.lower() != "none":
        jobs.append(args.against)
    header = (
        f"{'case':<22}{'seconds':>9}{'rss MB':>9}{'precision':>11}{'recall':>9}{'F1':>8}"
        f"{'largest':>9}{'true pairs':>12}{'review':>9}"
    )
    print(header)  # noqa: T201
    missed: list[str] = []
    for job in jobs:
        result = _run(["--worker", job, "--seed", str(args.seed)])
        print(  # noqa: T201
            f"{result['case']:<22}{result['seconds']:>9.2f}{result['rss_mb']:>9.0f}"
            f"{result['precision']:>11.4f}{result['recall']:>9.4f}{result['f1']:>8.4f}"
            f"{result['largest']:>9}{result['true_pairs']:>12}{result['review']:>9}",
            flush=True,
        )
        rows = _count(job.split(":")[0])
        missed.extend(_goals(result, rows, max_cluster))
    for line in missed:
        print(f"goal missed: {line}", file=sys.stderr)  # noqa: T201
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
