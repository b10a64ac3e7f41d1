"""Write the messy multi-platform lead files and their truth (the normalisation acceptance test).

Run it from anywhere: ``python tests/data/messy/make_messy.py``. It is deterministic
(seeded, standard library only) and rewrites every file of this folder:

- ``badge_scan_caps.csv``: a lead-retrieval export in ALL CAPS, Windows-1252, with
  Excel-mangled phones (``4.15555E+09``), ZIPs without their leading zero, ratings,
  booth notes, VOID and test scans, a "RECORD COUNT" footer;
- ``zoom_webinar_attendees.csv``: a Zoom attendee report (UTF-8 with BOM) with
  Host / Panelist / Attendee / Other sections, trailing-comma padding, ``--``
  placeholders, rejoins and registrants upgraded to panelist;
- ``teams_attendance.csv``: a Teams attendance report, UTF-16 LE with BOM and tabs,
  with "Last, First" names, organiser and presenters, and section 3 (one row per join);
- ``messe_kontakte_de.csv``: a German semicolon list in Windows-1252 with a title
  block, Land / PLZ / Bundesland, German titles, industries and notes;
- ``business_cards.csv``: a CamCard-style business-card list with one Name column
  ("Last, First" too), OCR-damaged addresses and multi-line cells;
- ``crm_leads_salesforce.csv``: a Salesforce-shaped lead list with lead scores,
  ratings, industries written as synonyms and a marketing opt-in column.

``truth.json`` holds, per file, the context the file is imported in (default
country, the event's channel and length) and, per lead record keyed by its first
source row (DESIGN §6 numbering: every record of the file counts), the expected
normalised value of every canonical field the record has, or ``"flagged"`` when
the value cannot be known (it must be left empty and an issue raised). Records
that must be rejected as not-a-lead carry the reason.

The expected values are written down here from the rules of DESIGN §4 and what a
careful person would type, never computed by the application's own normalisers.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import random
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
FLAG = "flagged"
NBSP = "\u00a0"
ZWSP = "\u200b"

Expect = dict[str, str]
# The canonical fields the truth gives, in the order of its value lists.
FIELDS = (
    "first_name", "last_name", "email", "phone", "mobile_phone", "company", "job_title",
    "job_level", "job_function", "industry", "country", "state", "city", "postal_code",
    "website", "consent", "engagement_level",
)  # fmt: skip

# ------------------------------------------------------------------ vocabularies

FIRST_NAMES = [
    "Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Hedy", "Dennis",
    "Barbara", "Ken", "Frances", "John", "Radia", "Shafi", "Edsger", "Donald", "Sophie",
    "Juan", "Lucía", "Mateo", "Chloé", "Noah", "Emma", "Liam", "Olivia", "Hiro", "Yuki",
    "Priya", "Arjun", "Fatima", "Omar", "Zoë", "Søren", "Ingrid", "Björn", "Amélie",
    "François", "Jean-Luc", "Mary Ann", "Anne-Marie", "Kwame", "Chen", "Mei", "Rafael",
]  # fmt: skip
LAST_NAMES = [
    "Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee",
    "Lamarr", "Ritchie", "Liskov", "Thompson", "Allen", "Backus", "Perlman", "Goldwasser",
    "Dijkstra", "Knuth", "Wirth", "Wilson", "García", "Fernández", "Martin", "Dubois",
    "Smith", "Brown", "Tanaka", "Sato", "Patel", "Sharma", "Khan", "Haddad", "Nielsen",
    "Larsen", "Lefèvre", "McDonald", "O'Brien", "van der Berg", "de la Cruz", "Okafor",
    "Nakamura", "Rossi", "Kowalski", "Novak", "Ivanova",
]  # fmt: skip
GERMAN_FIRST = [
    "Jürgen", "Anke", "Klaus", "Sabine", "Stefan", "Birgit", "Uwe", "Claudia", "Jörg",
    "Petra", "Matthias", "Katrin", "Thomas", "Susanne", "Andreas", "Monika", "Günter",
    "Heike", "Lukas", "Lena", "Maximilian", "Sophie", "Florian", "Jana",
]  # fmt: skip
GERMAN_LAST = [
    "Müller", "Schröder", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
    "Becker", "Schulz", "Hoffmann", "Koch", "Bauer", "Richter", "Klein", "Wolf",
    "Schäfer", "Neumann", "Schwarz", "Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann",
    "von Weizsäcker", "Groß",
]  # fmt: skip
COMPANIES = [
    "Acme Corp.", "Globex GmbH", "Initech, Inc.", "Umbrella Ltd", "Stark Industries",
    "Wayne Enterprises", "Hooli", "Vandelay Industries", "Soylent Foods", "Cyberdyne Systems",
    "Tyrell Corporation", "Wonka Confections", "Massive Dynamic", "Pied Piper", "Aperture Labs",
    "Oscorp", "Nakatomi Trading", "Gringotts Bank", "Monarch Solutions", "Dunder Mifflin",
]  # fmt: skip
GERMAN_COMPANIES = [
    "Müller Maschinenbau GmbH", "Schröder Logistik AG", "Weber & Söhne KG", "Bauer Software GmbH",
    "Koch Versicherungen AG", "Hoffmann Chemie GmbH", "Richter Finanz AG", "Wagner Handel e.K.",
    "Alpenblick Gesundheit GmbH", "Zürcher Präzision AG",
]  # fmt: skip

# (written, job level, job function)
TITLES = [
    ("Sr. Software Engineer", "Individual Contributor", "Engineering"),
    ("Executive Assistant to the CEO", "Individual Contributor", "Other"),
    ("VP, Marketing", "VP", "Marketing"),
    ("Vice President of Sales", "VP", "Sales"),
    ("SVP Engineering", "VP", "Engineering"),
    ("Chief Technology Officer", "C-Level", "Engineering"),
    ("Chief Information Security Officer", "C-Level", "IT"),
    ("Chief Marketing Officer", "C-Level", "Marketing"),
    ("CFO", "C-Level", "Finance"),
    ("CEO & Founder", "C-Level", "Executive"),
    ("President", "C-Level", "Executive"),
    ("Owner", "C-Level", "Executive"),
    ("COO", "C-Level", "Operations"),
    ("Director of IT", "Director", "IT"),
    ("IT Director", "Director", "IT"),
    ("Head of Marketing", "Director", "Marketing"),
    ("Director, Demand Generation", "Director", "Marketing"),
    ("Marketing Manager", "Manager", "Marketing"),
    ("Senior Product Marketing Manager", "Manager", "Marketing"),
    ("Sales Manager", "Manager", "Sales"),
    ("Key Account Manager", "Manager", "Sales"),
    ("Account Manager", "Manager", "Sales"),
    ("Procurement Manager", "Manager", "Operations"),
    ("Operations Manager", "Manager", "Operations"),
    ("Account Executive", "Individual Contributor", "Sales"),
    ("Data Scientist", "Individual Contributor", "Engineering"),
    ("Software Developer", "Individual Contributor", "Engineering"),
    ("DevOps Engineer", "Individual Contributor", "Engineering"),
    ("Network Engineer", "Individual Contributor", "IT"),
    ("HR Business Partner", "Individual Contributor", "HR"),
    ("Recruiter", "Individual Contributor", "HR"),
    ("Controller", "Individual Contributor", "Finance"),
    ("Financial Analyst", "Individual Contributor", "Finance"),
    ("Student", "Individual Contributor", "Other"),
]
GERMAN_TITLES = [
    ("Geschäftsführer", "C-Level", "Executive"),
    ("Geschäftsführerin", "C-Level", "Executive"),
    ("Inhaber", "C-Level", "Executive"),
    ("Leiter Marketing", "Director", "Marketing"),
    ("Leiterin Einkauf", "Director", "Operations"),
    ("Vertriebsleiter", "Director", "Sales"),
    ("Marketingleiterin", "Director", "Marketing"),
    ("IT-Leiter", "Director", "IT"),
    ("Teamleiter Vertrieb", "Manager", "Sales"),
    ("Softwareentwickler", "Individual Contributor", "Engineering"),
    ("Einkäufer", "Individual Contributor", "Operations"),
    ("Sr. Software Engineer", "Individual Contributor", "Engineering"),
    ("VP, Marketing", "VP", "Marketing"),
    ("Head of Sales", "Director", "Sales"),
    ("CFO", "C-Level", "Finance"),
]

# (written, expected)
INDUSTRIES = [
    ("Software", "Technology"), ("Financial Services", "Finance"), ("Banking", "Banking"),
    ("Healthcare", "Healthcare"), ("Hospital & Health Care", "Healthcare"),
    ("Information Technology and Services", "Technology"), ("Telecommunications",
    "Telecommunications"), ("Telecom", "Telecommunications"), ("Manufacturing",
    "Manufacturing"), ("Automotive", "Manufacturing"), ("Retail", "Retail"),
    ("E-Commerce", "Retail"), ("Higher Education", "Education"), ("Non-Profit",
    "Not For Profit"), ("Oil & Gas", "Energy"), ("Insurance", "Insurance"),
    ("Pharmaceuticals", "Biotechnology"), ("Government", "Government"), ("SaaS", "Technology"),
    ("Computer Software", "Technology"), ("Fintech", "Finance"), ("Consulting", "Consulting"),
    ("Food & Beverages", "Food & Beverage"), ("Telecomunications", "Telecommunications"),
    ("Hi-Tech", "Technology"), ("Higher Ed", "Education"), ("Widgets", FLAG),
    ("Misc.", FLAG),
]  # fmt: skip
GERMAN_INDUSTRIES = [
    ("Maschinenbau", "Machinery"), ("Software", "Technology"), ("Finanzdienstleistungen",
    "Finance"), ("Automobilindustrie", "Manufacturing"), ("Handel", "Retail"),
    ("Versicherung", "Insurance"), ("Gesundheitswesen", "Healthcare"), ("Chemie", "Chemicals"),
    ("Logistik", "Shipping"), ("Telekommunikation", "Telecommunications"),
    ("Öffentlicher Dienst", "Government"), ("Widgets", FLAG),
]  # fmt: skip

# Phone numbers per country: fictional ranges that the numbering plans accept.
# Each style is (national format, international format).


@dataclass
class PhoneMaker:
    rng: random.Random
    used: set[str] = field(default_factory=set)

    def _fresh(self, make: object) -> tuple[str, str, str]:
        assert callable(make)
        while True:
            found: tuple[str, str, str] = make()
            if found[0] not in self.used:
                self.used.add(found[0])
                return found

    def number(self, country: str) -> tuple[str, str, str]:
        """(E.164, national digits as written at home, country calling code) for a country."""
        rng = self.rng

        def us() -> tuple[str, str, str]:
            area = rng.choice(["415", "212", "617", "206", "312", "512", "202", "773"])
            line = f"01{rng.randrange(100):02d}"
            return f"+1{area}555{line}", f"{area}555{line}", "1"

        def ca() -> tuple[str, str, str]:
            area = rng.choice(["416", "604", "514", "613"])
            line = f"01{rng.randrange(100):02d}"
            return f"+1{area}555{line}", f"{area}555{line}", "1"

        def gb() -> tuple[str, str, str]:
            line = f"0{rng.randrange(1000):03d}"
            return f"+44207946{line}", f"0207946{line}", "44"

        def de() -> tuple[str, str, str]:
            area = rng.choice(["89", "30", "40", "211", "711", "351", "221"])
            digits = f"{rng.randrange(1_000_000, 9_999_999)}"
            return f"+49{area}{digits}", f"0{area}{digits}", "49"

        def at() -> tuple[str, str, str]:
            digits = f"58800{rng.randrange(10, 99)}"
            return f"+431{digits}", f"01{digits}", "43"

        def ch() -> tuple[str, str, str]:
            digits = f"66818{rng.randrange(10, 99)}"
            return f"+4144{digits}", f"044{digits}", "41"

        makers = {"US": us, "CA": ca, "GB": gb, "DE": de, "AT": at, "CH": ch}
        return self._fresh(makers.get(country, us))


def nanp_written(national: str, rng: random.Random) -> str:
    a, b, c = national[:3], national[3:6], national[6:]
    return rng.choice(
        [
            f"({a}) {b}-{c}",
            f"{a}-{b}-{c}",
            f"{a}.{b}.{c}",
            f"+1 {a} {b} {c}",
            f"1-{a}-{b}-{c}",
            f"{a}{b}{c}",
            f"+1 ({a}) {b}-{c}",
        ]
    )


def intl_written(e164: str, code: str, national: str, rng: random.Random) -> str:
    rest = national[1:] if national.startswith("0") else national
    if code == "1":
        return f"+1 {rest[:3]} {rest[3:6]} {rest[6:]}"
    if code == "44":
        return rng.choice(
            [f"+44 20 7946 {rest[-4:]}", f"+44 (0)20 7946 {rest[-4:]}", f"0044 20 7946 {rest[-4:]}"]
        )
    split = 2 if code == "49" and rest[:2] in ("89", "30", "40") else 3 if code == "49" else 1
    if code == "41":
        split = 2
    head, tail = rest[:split], rest[split:]
    return rng.choice(
        [f"+{code} {head} {tail}", f"+{code} (0){head} {tail}", f"00{code} {head} {tail}"]
    )


def home_written(country: str, national: str, rng: random.Random) -> str:
    if country in ("US", "CA"):
        return nanp_written(national, rng)
    if country == "GB":
        return f"020 7946 {national[-4:]}"
    if country == "DE":
        area_len = 3 if national[1:3] in ("89", "30", "40") else 4
        area, rest = national[:area_len], national[area_len:]
        return rng.choice(
            [f"{area} {rest}", f"{area}/{rest}", f"{area}-{rest}", f"({area}) {rest}"]
        )
    if country == "AT":
        return f"01 {national[2:]}"
    if country == "CH":
        return f"044 {national[3:6]} {national[6:8]} {national[8:]}"
    return national


def plain(text: str) -> str:
    """ASCII form of a name for an e-mail address: accents dropped, spaces and apostrophes gone."""
    bare = unicodedata.normalize("NFKD", text.replace("ß", "ss").replace("ø", "o"))
    ascii_only = "".join(ch for ch in bare if not unicodedata.combining(ch))
    return "".join(ch for ch in ascii_only.lower() if ch.isalnum() or ch in "-")


def domain_of(company: str) -> str:
    words = [w for w in plain(company.split(",")[0].replace("&", " ")).split("-") if w]
    stem = plain(company.split(" ")[0].rstrip(",."))
    return (stem or "-".join(words) or "example") + ".example.com"


# ------------------------------------------------------------------ engagement rules (DESIGN §4)


def webcast_level(minutes: float, attended: bool, length: float) -> str:
    if not attended or minutes <= 0:
        return "Low"
    ratio = min(minutes / length, 1.0)
    if ratio >= 0.6:
        return "High"
    if ratio >= 0.2:
        return "Medium"
    return "Low"


RATING_LEVEL = {
    "hot": "High",
    "a": "High",
    "warm": "Medium",
    "b": "Medium",
    "cold": "Low",
    "c": "Low",
    "heiß": "High",
    "kalt": "Low",
}


def in_person_level(rating: str, note_level: str | None) -> str:
    if rating:
        return RATING_LEVEL[rating.lower()]
    return note_level or "Low"


def crm_level(score: float | None, rating: str) -> str:
    if score is not None:
        return "High" if score >= 70 else "Medium" if score >= 30 else "Low"
    if rating:
        return RATING_LEVEL[rating.lower()]
    return "Unknown"


# Booth notes: (written, the level they say, or None for none)
NOTES = [
    ("wants pricing for 50 seats", "High"), ("demo given", "Medium"), ("send info", "Medium"),
    ("budget approved for Q3", "High"), ("nice chat about the weather", None),
    ("asked for a quote", "High"), ("follow up next week", "Medium"),
    ("evaluating competitors", "Medium"), ("requested a proposal", "High"),
    ("picked up a t-shirt", None), ("demo given\ncall back in June", "Medium"),
    ("RFP expected in autumn", "High"), ("", None), ("", None), ("", None),
]  # fmt: skip
GERMAN_NOTES = [
    ("Angebot gewünscht", "High"), ("Preisliste senden", "High"), ("Rückruf erbeten", "Medium"),
    ("Demo gezeigt", "Medium"), ("Infos zusenden", "Medium"), ("Budget vorhanden", "High"),
    ("nettes Gespräch", None), ("Interesse an Produkt X", "Medium"), ("", None), ("", None),
]  # fmt: skip

# ------------------------------------------------------------------ writing files


@dataclass
class Sheet:
    """Rows of one file with the DESIGN §6 row numbers, and the truth of its records."""

    name: str
    delimiter: str = ","
    rows: list[list[str]] = field(default_factory=list)
    records: dict[str, dict[str, object]] = field(default_factory=dict)

    def add(self, cells: list[str]) -> int:
        self.rows.append(cells)
        return len(self.rows)

    def blank(self) -> None:
        self.rows.append([])

    def lead(self, rows: list[int], expect: Expect, rejected: str | None = None) -> None:
        entry: dict[str, object] = {"rows": sorted(rows), "expect": dict(sorted(expect.items()))}
        if rejected:
            entry["rejected"] = rejected
        self.records[str(min(rows))] = entry

    def text(self, quote_all: bool = False) -> str:
        out = io.StringIO()
        writer = csv.writer(
            out,
            delimiter=self.delimiter,
            lineterminator="\r\n",
            quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
        )
        for cells in self.rows:
            if cells:
                writer.writerow(cells)
            else:
                out.write("\r\n")
        return out.getvalue()


def clean(text: str) -> str:
    """A cell as DESIGN §4 wants it kept: invisible characters gone, spaces folded."""
    text = text.replace(ZWSP, "").replace("\ufeff", "")
    return " ".join(text.split())


class Builder:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.phones = PhoneMaker(self.rng)
        self.emails: set[str] = set()

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def person(self, german: bool = False) -> tuple[str, str]:
        rng = self.rng
        if german:
            return rng.choice(GERMAN_FIRST), rng.choice(GERMAN_LAST)
        return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)

    def email(self, first: str, last: str, domain: str) -> str:
        base = f"{plain(first)}.{plain(last)}"
        address = f"{base}@{domain}"
        count = 1
        while address in self.emails:
            count += 1
            address = f"{base}{count}@{domain}"
        self.emails.add(address)
        return address

    def email_written(
        self, address: str, first: str, last: str, *, zero_width: bool = True
    ) -> tuple[str, str]:
        """A messy rendering of a clean address, and what it must come out as."""
        roll = self.rng.random()
        if roll < 0.06:
            return f"mailto:{address}", address
        if roll < 0.12:
            return f"{first} {last} <{address}>", address
        if roll < 0.16:
            local, _, domain = address.partition("@")
            return f"{local}{ZWSP if zero_width else NBSP}@{domain}", address
        if roll < 0.20:
            return f"{address}{NBSP}", address
        if roll < 0.25:
            return address.upper(), address
        if roll < 0.27:
            local, _, domain = address.partition("@")
            return f"{local}@@{domain}", FLAG
        if roll < 0.29:
            local, _, domain = address.partition("@")
            return f"{local} at {domain}", FLAG
        return address, address

    def phone(self, country: str, *, home: bool = True, excel: bool = False) -> tuple[str, str]:
        rng = self.rng
        e164, national, code = self.phones.number(country)
        if excel and code == "1":
            roll = rng.random()
            digits = "1" + national
            if roll < 0.10:  # rounded to 6 digits: lost
                return f"{national[0]}.{national[1:6]}E+09", FLAG
            if roll < 0.16:  # every digit still there
                return f"{digits[0]}.{digits[1:]}E+10", e164
        if rng.random() < 0.03:
            return rng.choice(["TBD", "12345", "call reception"]), FLAG
        written = (
            home_written(country, national, rng)
            if home
            else intl_written(e164, code, national, rng)
        )
        if code == "1" and rng.random() < 0.06:
            written += f" x{rng.randrange(10, 999)}"
        return written, e164


US_PLACES = [
    ("Boston", "MA", "Massachusetts", "02110"), ("Cambridge", "MA", "Massachusetts", "02139"),
    ("Hartford", "CT", "Connecticut", "06103"), ("Newark", "NJ", "New Jersey", "07102"),
    ("Portland", "ME", "Maine", "04101"), ("Providence", "RI", "Rhode Island", "02903"),
    ("Burlington", "VT", "Vermont", "05401"), ("New York", "NY", "New York", "10001"),
    ("San Francisco", "CA", "California", "94105"), ("San Jose", "CA", "California", "95110"),
    ("Austin", "TX", "Texas", "78701"), ("Seattle", "WA", "Washington", "98101"),
    ("Chicago", "IL", "Illinois", "60601"),
]  # fmt: skip
CA_PLACES = [
    ("Toronto", "ON", "Ontario", "M5V 2T6"), ("Ottawa", "ON", "Ontario", "K1P 1J1"),
    ("Vancouver", "BC", "British Columbia", "V6B 1A1"), ("Montréal", "QC", "Québec", "H2Y 1C6"),
]  # fmt: skip
DE_PLACES = [
    ("München", "Bayern", "DE-BY", "80331"), ("Nürnberg", "Bavaria", "DE-BY", "90402"),
    ("Köln", "NRW", "DE-NW", "50667"), ("Düsseldorf", "Nordrhein-Westfalen", "DE-NW", "40213"),
    ("Frankfurt am Main", "Hessen", "DE-HE", "60311"), ("Berlin", "Berlin", "DE-BE", "10115"),
    ("Stuttgart", "Baden-Württemberg", "DE-BW", "70173"), ("Dresden", "Sachsen", "DE-SN", "01067"),
    ("Leipzig", "Sachsen", "DE-SN", "04109"), ("Hamburg", "Hamburg", "DE-HH", "20095"),
]  # fmt: skip


# ------------------------------------------------------------------ 1. badge scan, ALL CAPS


def badge_scan(b: Builder) -> tuple[Sheet, dict[str, object]]:
    rng = b.rng
    sheet = Sheet("badge_scan_caps.csv")
    header = [
        "BADGE ID",
        "FIRST NAME",
        "LAST NAME",
        "TITLE",
        "COMPANY",
        "ADDRESS 1",
        "CITY",
        "STATE",
        "ZIP",
        "COUNTRY",
        "PHONE",
        "EMAIL",
        "SCAN DATE",
        "SCAN TIME",
        "RATING",
        "NOTES",
        "Q1 PRODUCT INTEREST",
        "DEVICE",
    ]
    sheet.add(header)
    badge = 100200
    us_written = [
        ("USA", "US"),
        ("U.S.", "US"),
        ("UNITED STATES", "US"),
        ("US", "US"),
        ("U.S.A.", "US"),
        ("UNITED STATES OF AMERICA", "US"),
    ]
    for index in range(90):
        badge += rng.randrange(1, 40)
        first, last = b.person()
        company = rng.choice(COMPANIES)
        title, level, function = rng.choice(TITLES)
        expect: Expect = {}
        roll = rng.random()
        city = state_w = zip_w = country_w = ""
        country_code: str | None = None
        if roll < 0.72:
            city, abbr, name, zip_code = rng.choice(US_PLACES)
            state_w = abbr if rng.random() < 0.8 else name
            country_w, country_code = rng.choice(us_written)
            expect["state"] = f"US-{abbr}"
            # Excel dropped the leading zero
            zip_w = zip_code[1:] if zip_code.startswith("0") and rng.random() < 0.7 else zip_code
            if rng.random() < 0.1:
                zip_w += f"-{rng.randrange(1000, 9999)}"
                expect["postal_code"] = f"{zip_code}-{zip_w[-4:]}"
            else:
                expect["postal_code"] = zip_code
            if rng.random() < 0.04:  # no country at all: the state cannot be read
                country_w, country_code = "", None
                expect["state"] = FLAG
        elif roll < 0.82:
            city, abbr, name, postal = rng.choice(CA_PLACES)
            state_w = abbr if rng.random() < 0.7 else name
            country_w, country_code = "CANADA", "CA"
            zip_w = postal
            expect["state"] = f"CA-{abbr}"
            expect["postal_code"] = postal
        elif roll < 0.90:
            city = rng.choice(["LONDON", "MANCHESTER", "LEEDS"])
            country_w, country_code = rng.choice(
                [("ENGLAND", "GB"), ("UK", "GB"), ("UNITED KINGDOM", "GB")]
            )
            zip_w = rng.choice(["EC1A 1BB", "M1 1AE", "LS1 4DY"])
            expect["postal_code"] = zip_w
        elif roll < 0.96:
            city, state_w, state_code, zip_w = rng.choice(DE_PLACES)
            country_w, country_code = rng.choice([("DEUTSCHLAND", "DE"), ("GERMANY", "DE")])
            expect["state"] = state_code
            expect["postal_code"] = zip_w
        else:
            country_w, country_code = rng.choice(["ATLANTIS", "NARNIA"]), FLAG
            city = "POSEIDONIA"
        expect["country"] = country_code or ""
        if not country_code:
            del expect["country"]
        if city:
            expect["city"] = city.upper()
        home = country_code if country_code in ("US", "CA", "GB", "DE") else "US"
        phone_w, phone_e = b.phone(home, home=country_code != FLAG, excel=True)
        expect["phone"] = phone_e
        address = b.email(first, last, domain_of(company))
        email_w, email_e = b.email_written(address, first, last, zero_width=False)
        expect["email"] = email_e
        rating = rng.choice(["HOT", "WARM", "COLD", "A", "B", "C", "", "", "", ""])
        note, note_level = rng.choice(NOTES)
        expect["engagement_level"] = in_person_level(rating, note_level)
        first_w, last_w = first.upper(), last.upper()
        if rng.random() < 0.05:
            first_w += NBSP
        company_w = company.upper()
        if rng.random() < 0.08:
            company_w = company_w.replace(" ", NBSP, 1)
        if rng.random() < 0.05:
            company_w = "  " + company_w + " "
        expect.update(
            first_name=first,
            last_name=last,
            company=clean(company_w),
            job_title=title.upper(),
            job_level=level,
            job_function=function,
        )
        cells = [
            str(badge),
            first_w,
            last_w,
            title.upper(),
            company_w,
            f"{rng.randrange(1, 999)} {rng.choice(['MAIN ST', 'HARBOR RD', 'ELM AVE'])}",
            city.upper(),
            state_w.upper(),
            zip_w,
            country_w,
            phone_w,
            email_w.upper() if email_e != FLAG and rng.random() < 0.5 else email_w,
            "05/14/2025",
            f"{rng.randrange(9, 17):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}",
            rating,
            note.upper(),
            rng.choice(["API GATEWAY", "OBSERVABILITY", ""]),
            f"BOOTH-IPAD-{rng.randrange(1, 4)}",
        ]
        row = sheet.add(cells)
        sheet.lead([row], expect)
        if index in (30, 70):  # a VOID scan and a test scan between the leads
            badge += 1
            void = sheet.add(
                [
                    str(badge),
                    "VOID",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "05/14/2025",
                    "11:00:00",
                    "",
                    "",
                    "",
                    "BOOTH-IPAD-1",
                ]
            )
            sheet.lead([void], {"first_name": "Void", "engagement_level": "Low"}, "VOID scan")
            badge += 1
            test = sheet.add(
                [
                    str(badge),
                    "TEST",
                    "TEST",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "TEST@EXAMPLE.COM",
                    "05/14/2025",
                    "08:00:00",
                    "",
                    "",
                    "",
                    "BOOTH-IPAD-2",
                ]
            )
            sheet.lead(
                [test],
                {
                    "first_name": "Test",
                    "last_name": "Test",
                    "email": "test@example.com",
                    "engagement_level": "Low",
                },
                "test registration",
            )
    sheet.add([f"RECORD COUNT: {len(sheet.records)}"] + [""] * (len(header) - 1))
    context: dict[str, object] = {
        "default_country": "US",
        "event_channel": "in_person",
        "event_minutes": None,
        "profile": "badge_scan",
        "encoding": "cp1252",
    }
    return sheet, context


# ------------------------------------------------------------------ 2. Zoom attendee report


def clock(minute_of_day: int) -> str:
    """A Zoom detail-row time on the webinar's day."""
    return f"May 15, 2025 {minute_of_day // 60:02d}:{minute_of_day % 60:02d}:00"


def zoom(b: Builder) -> tuple[Sheet, dict[str, object]]:
    rng = b.rng
    sheet = Sheet("zoom_webinar_attendees.csv")
    width = 16

    def pad(cells: list[str]) -> list[str]:
        return cells + [""] * (width - len(cells))

    length = 60
    sheet.add(pad(["Attendee Report"]))
    sheet.add(pad(["Report Generated:", "May 15, 2025 05:14 PM"]))
    sheet.add(
        pad(
            [
                "Topic",
                "Webinar ID",
                "Actual Start Time",
                "Actual Duration (minutes)",
                "# Registrants",
                "# Cancelled registrants",
                "Unique Viewers",
                "Total Users",
                "Max Concurrent Views",
            ]
        )
    )
    sheet.add(
        pad(
            [
                "Zero Trust in Practice",
                "847 5984 1045",
                "May 15, 2025 10:00 AM",
                str(length),
                "140",
                "3",
                "110",
                "130",
                "95",
            ]
        )
    )
    sheet.add(pad(["Host Details"]))
    sheet.add(
        pad(
            [
                "Attended",
                "User Name (Original Name)",
                "Email",
                "Join Time",
                "Leave Time",
                "Time in Session (minutes)",
                "Is Guest",
                "Country/Region Name",
            ]
        )
    )
    sheet.add(
        pad(
            [
                "Yes",
                "Dana Field",
                "dana.field@ourco.example.com",
                "May 15, 2025 09:41:02",
                "May 15, 2025 11:03:40",
                "83",
                "No",
                "United States of America",
            ]
        )
    )
    sheet.add(pad(["Panelist Details"]))
    sheet.add(
        pad(
            [
                "Attended",
                "User Name (Original Name)",
                "Email",
                "Join Time",
                "Leave Time",
                "Time in Session (minutes)",
                "Is Guest",
                "Country/Region Name",
            ]
        )
    )
    for name in ("Priya Raman", "Marco Bellini"):
        local = name.lower().replace(" ", ".")
        sheet.add(
            pad(
                [
                    "Yes",
                    name,
                    f"{local}@ourco.example.com",
                    "May 15, 2025 09:50:15",
                    "May 15, 2025 11:02:11",
                    "72",
                    "No",
                    "India",
                ]
            )
        )
    sheet.add(pad(["Attendee Details"]))
    header = [
        "Attended",
        "User Name (Original Name)",
        "First Name",
        "Last Name",
        "Email",
        "Phone",
        "Registration Time",
        "Approval Status",
        "Join Time",
        "Leave Time",
        "Time in Session (minutes)",
        "Is Guest",
        "Organization",
        "Job Title",
        "Industry",
        "Country/Region Name",
    ]
    sheet.add(header)
    countries = [
        ("United States of America", "US", "US"),
        ("United States of America", "US", "US"),
        ("United States of America", "US", "US"),
        ("United Kingdom", "GB", "GB"),
        ("Germany", "DE", "DE"),
        ("Canada", "CA", "CA"),
        ("Hong Kong, China", "HK", None),
        ("Hong Kong", "HK", None),
        ("India", "IN", None),
        ("--", None, "US"),
    ]
    pending: list[tuple[int, list[str], dict[str, object]]] = []  # rejoin rows to place later
    people: list[dict[str, object]] = []
    for index in range(85):
        first, last = b.person()
        company = rng.choice(COMPANIES)
        title, level, function = rng.choice(TITLES)
        industry_w, industry_e = rng.choice(INDUSTRIES)
        country_w, country_code, phone_home = rng.choice(countries)
        expect: Expect = {}
        if country_code:
            expect["country"] = country_code
        address = b.email(first, last, domain_of(company))
        email_w = address
        if rng.random() < 0.08:
            email_w = address.capitalize()
        if rng.random() < 0.05:
            email_w = f" {address}{NBSP}"
        expect["email"] = address
        phone_w = ""
        if rng.random() < 0.7:
            if phone_home:
                phone_w, phone_e = b.phone(phone_home, home=rng.random() < 0.6)
            else:
                phone_w, phone_e = b.phone("GB", home=False)
            expect["phone"] = phone_e
        first_w, last_w = first, last
        roll = rng.random()
        if roll < 0.08:
            first_w, last_w = first.lower(), last.lower()
        elif roll < 0.12:
            first_w = first + ZWSP
        elif roll < 0.15:
            last_w = f" {last}  "
        expect.update(
            first_name=first,
            last_name=last,
            company=company,
            job_title=title,
            job_level=level,
            job_function=function,
        )
        title_w = title.replace(" ", "  ", 1) if rng.random() < 0.1 else title
        expect["industry"] = industry_e
        status = "approved"
        attended = rng.random() > 0.12
        sessions: list[int] = []
        if attended:
            total = rng.choice([3, 8, 11, 12, 13, 20, 25, 30, 35, 36, 40, 45, 52, 58, 60, 61])
            if rng.random() < 0.15 and total >= 8:
                cut = rng.randrange(2, total - 1)
                sessions = [cut, total - cut]
            else:
                sessions = [total]
        upgraded = index in (17, 63)
        if upgraded:
            status = "upgraded to panelist"
        expect["engagement_level"] = webcast_level(sum(sessions), attended, length)
        user_name = f"{first} {last}"
        base = [
            "Yes" if attended else "No",
            user_name,
            first_w,
            last_w,
            email_w,
            phone_w,
            f"May {rng.randrange(1, 14):02d}, 2025 {rng.randrange(24):02d}:{rng.randrange(60):02d}:"
            f"{rng.randrange(60):02d}",
            status,
        ]
        tail = ["No", company, title_w, industry_w, country_w]
        if not attended:
            row = sheet.add([*base, "--", "--", "--", "--", company, title_w, industry_w, "--"])
            expect.pop("country", None)
            if phone_w and phone_home in ("GB", "DE") and not phone_w.startswith(("+", "00")):
                # Zoom writes no country for absentees: a national number cannot be read.
                expect["phone"] = FLAG
            sheet.lead([row], expect)
            continue
        start = 10 * 60 + rng.randrange(0, 5)
        first_row = sheet.add(
            [*base, clock(start), clock(start + sessions[0]), str(sessions[0]), *tail]
        )
        if upgraded:
            continue  # skipped as a panelist: not a lead
        entry: dict[str, object] = {"rows": [first_row], "expect": expect}
        people.append(entry)
        if len(sessions) > 1:
            again = start + sessions[0] + 3
            # Only the first row of a person has the registration time and status.
            person = ["Yes", user_name, first_w, last_w, email_w, phone_w, "", ""]
            later = [*person, clock(again), clock(again + sessions[1]), str(sessions[1]), *tail]
            pending.append((index + rng.randrange(1, 12), later, entry))
        for due, later, owner in [p for p in pending if p[0] <= index]:
            rows = owner["rows"]
            assert isinstance(rows, list)
            rows.append(sheet.add(later))
            pending.remove((due, later, owner))
    for _, later, owner in pending:
        rows = owner["rows"]
        assert isinstance(rows, list)
        rows.append(sheet.add(later))
    for entry in people:
        rows, wanted = entry["rows"], entry["expect"]
        assert isinstance(rows, list) and isinstance(wanted, dict)
        sheet.lead(rows, wanted)
    sheet.add(pad(["Other Attended"]))
    sheet.add(
        pad(
            [
                "User Name (Original Name)",
                "Join Time",
                "Leave Time",
                "Time in Session (minutes)",
                "Country/Region Name",
            ]
        )
    )
    for name in ("Conference Room B", "iPhone", "jdoe"):
        sheet.add(pad([name, "May 15, 2025 10:05:00", "May 15, 2025 10:20:00", "15", "Germany"]))
    context: dict[str, object] = {
        "default_country": "US",
        "event_channel": "online",
        "event_minutes": None,
        "profile": "zoom_webinar_attendee",
        "encoding": "utf-8-sig",
    }
    return sheet, context


# ------------------------------------------------------------------ 3. Teams attendance report


def teams(b: Builder) -> tuple[Sheet, dict[str, object]]:
    rng = b.rng
    sheet = Sheet("teams_attendance.csv", delimiter="\t")
    length = 60
    sheet.add(["1. Summary"])
    sheet.add(["Meeting title", "Partner enablement webinar"])
    sheet.add(["Attended participants", "46"])
    sheet.add(["Start time", "5/15/25, 3:58:02 PM"])
    sheet.add(["End time", "5/15/25, 4:58:02 PM"])
    sheet.add(["Meeting duration", "1h 0m 0s"])
    sheet.add(["Average attendance time", "41m 12s"])
    sheet.blank()
    sheet.add(["2. Participants"])
    sheet.add(
        [
            "Name",
            "First Join",
            "Last Leave",
            "In-Meeting Duration",
            "Email",
            "Participant ID (UPN)",
            "Role",
        ]
    )
    activities: list[list[str]] = []
    organiser = [
        "Field, Dana",
        "5/15/25, 3:55:10 PM",
        "5/15/25, 5:00:00 PM",
        "1h 4m 50s",
        "dana.field@ourco.example.com",
        "dana.field@ourco.example.com",
        "Organizer",
    ]
    sheet.add(organiser)
    for index in range(46):
        first, last = b.person()
        company = rng.choice(COMPANIES)
        address = b.email(first, last, domain_of(company))
        roll = rng.random()
        if roll < 0.45:
            name_w = f"{last}, {first}"
        elif roll < 0.5:
            name_w = f"{last},{NBSP}{first}"
        elif roll < 0.55:
            name_w = f"{first}{NBSP}{last}"
        else:
            name_w = f"{first} {last}"
        seconds = rng.choice(
            [45, 300, 659, 720, 725, 1500, 1800, 2159, 2160, 2400, 2900, 3240, 3600, 3730]
        )
        role = "Presenter" if index in (10, 33) else "Attendee"
        h, rest = divmod(seconds, 3600)
        m, s = divmod(rest, 60)
        duration = (
            (f"{h}h {m}m {s}s" if h else f"{m}m {s}s" if s else f"{m}m") if m or h else f"{s}s"
        )
        guest = index in (22, 41)
        email_w = "" if guest else address
        upn = (
            ""
            if guest
            else (address if rng.random() < 0.8 else f"{plain(first)}@{domain_of(company)}")
        )
        row = sheet.add(
            [name_w, "5/15/25, 4:00:31 PM", "5/15/25, 4:40:00 PM", duration, email_w, upn, role]
        )
        activities.append(
            [name_w, "5/15/25, 4:00:31 PM", "5/15/25, 4:40:00 PM", duration, email_w, role]
        )
        if rng.random() < 0.2:
            activities.append(
                [name_w, "5/15/25, 4:45:00 PM", "5/15/25, 4:50:00 PM", "5m", email_w, role]
            )
        if role != "Attendee":
            continue
        expect: Expect = {
            "first_name": first,
            "last_name": last,
            "engagement_level": webcast_level(seconds / 60, True, length),
        }
        if guest:
            sheet.lead([row], expect, "neither a usable e-mail nor a usable phone")
        else:
            expect["email"] = address
            sheet.lead([row], expect)
    sheet.blank()
    sheet.add(["3. In-Meeting Activities"])
    sheet.add(["Name", "Join Time", "Leave Time", "Duration", "Email", "Role"])
    for cells in activities:
        sheet.add(cells)
    context: dict[str, object] = {
        "default_country": "US",
        "event_channel": "online",
        "event_minutes": None,
        "profile": "teams_attendance",
        "encoding": "utf-16",
    }
    return sheet, context


# ------------------------------------------------------------------ 4. German semicolon list


def german(b: Builder) -> tuple[Sheet, dict[str, object]]:
    rng = b.rng
    sheet = Sheet("messe_kontakte_de.csv", delimiter=";")
    header = [
        "Anrede",
        "Vorname",
        "Nachname",
        "Firma",
        "Position",
        "Branche",
        "E-Mail",
        "Telefon",
        "Mobil",
        "Straße",
        "PLZ",
        "Ort",
        "Bundesland",
        "Land",
        "Bewertung",
        "Bemerkungen",
        "Einwilligung",
        "Erfasst am",
    ]
    sheet.add(["Messe-Kontakte Hannover Messe 2025"] + [""] * (len(header) - 1))
    sheet.add([""] * len(header))
    sheet.add(header)
    for _ in range(62):
        first, last = b.person(german=True)
        company = rng.choice(GERMAN_COMPANIES)
        title, level, function = rng.choice(GERMAN_TITLES)
        industry_w, industry_e = rng.choice(GERMAN_INDUSTRIES)
        expect: Expect = {
            "first_name": first,
            "last_name": last,
            "company": company,
            "job_title": title,
            "job_level": level,
            "job_function": function,
            "industry": industry_e,
        }
        roll = rng.random()
        if roll < 0.75:
            city, state_w, state_code, plz = rng.choice(DE_PLACES)
            country_w, country_code = rng.choice(
                [
                    ("Deutschland", "DE"),
                    ("Deutschland", "DE"),
                    ("DE", "DE"),
                    ("Germany", "DE"),
                    ("", None),
                ]
            )
            plz_w = plz[1:] if plz.startswith("0") and rng.random() < 0.5 else plz
            phone_country = "DE"
        elif roll < 0.87:
            city, state_w, state_code, plz = rng.choice(
                [("Wien", "Wien", "AT-9", "1010"), ("Innsbruck", "Tirol", "AT-7", "6020")]
            )
            country_w, country_code = "Österreich", "AT"
            plz_w = plz
            phone_country = "AT"
        else:
            city, state_w, state_code, plz = rng.choice(
                [
                    ("Zürich", "ZH", "CH-ZH", "8001"),
                    ("Zürich", "Zürich", "CH-ZH", "8004"),
                    ("Bern", "Bern", "CH-BE", "3011"),
                ]
            )
            country_w, country_code = "Schweiz", "CH"
            plz_w = plz
            phone_country = "CH"
        if country_code:
            expect["country"] = country_code
        expect.update(city=city, postal_code=plz)
        if rng.random() < 0.15:
            state_w = ""
        if not country_code and state_w:
            expect["state"] = FLAG  # no Land: the Bundesland is not read against a guess
        elif state_w:
            expect["state"] = state_code
        phone_w, phone_e = b.phone(phone_country, home=rng.random() < 0.7)
        expect["phone"] = phone_e
        mobile_w = ""
        if rng.random() < 0.3:
            mobile = f"0171{rng.randrange(1_000_000, 9_999_999)}"
            if phone_country == "DE":
                mobile_w = rng.choice(
                    [f"0171 {mobile[4:]}", f"+49 171 {mobile[4:]}", f"0171/{mobile[4:]}"]
                )
            else:
                mobile_w = rng.choice([f"+49 171 {mobile[4:]}", f"0049 171 {mobile[4:]}"])
            expect["mobile_phone"] = f"+49{mobile[1:]}"
        address = b.email(first, last, domain_of(company).replace(".example.com", ".example.de"))
        email_w, email_e = b.email_written(address, first, last, zero_width=False)
        expect["email"] = email_e
        rating = rng.choice(["A", "B", "C", "heiß", "warm", "kalt", "", "", ""])
        note, note_level = rng.choice(GERMAN_NOTES)
        expect["engagement_level"] = in_person_level(rating, note_level)
        consent_w, consent_e = rng.choice(
            [
                ("ja", "opted_in"),
                ("Ja", "opted_in"),
                ("nein", "opted_out"),
                ("", ""),
                ("vielleicht", FLAG),
            ]
        )
        if consent_w:
            expect["consent"] = consent_e
        company_w = company.replace(" ", NBSP, 1) if rng.random() < 0.06 else company
        cells = [
            rng.choice(["Herr", "Frau", ""]),
            first,
            last,
            company_w,
            title,
            industry_w,
            email_w,
            phone_w,
            mobile_w,
            f"Hauptstraße {rng.randrange(1, 99)}",
            plz_w,
            city,
            state_w,
            country_w,
            rating,
            note,
            consent_w,
            f"{rng.randrange(10, 15)}.05.2025",
        ]
        sheet.lead([sheet.add(cells)], expect)
    context: dict[str, object] = {
        "default_country": "DE",
        "event_channel": "in_person",
        "event_minutes": None,
        "profile": None,
        "encoding": "cp1252",
    }
    return sheet, context


# ------------------------------------------------------------------ 5. business cards


def cards(b: Builder) -> tuple[Sheet, dict[str, object]]:
    rng = b.rng
    sheet = Sheet("business_cards.csv")
    sheet.add(
        [
            "Name",
            "Company",
            "Title",
            "Mobile",
            "Work",
            "Fax",
            "Email",
            "Address",
            "Website",
            "Note",
            "Created Time",
        ]
    )
    for _ in range(48):
        first, last = b.person()
        company = rng.choice(COMPANIES)
        title, level, function = rng.choice(TITLES)
        roll = rng.random()
        if roll < 0.3:
            name_w = f"{last}, {first}"
        elif roll < 0.4:
            name_w = f"{rng.choice(['Dr.', 'Ms.', 'Mr.', 'Prof.'])} {first} {last}"
        elif roll < 0.45:
            name_w = f"{first}{NBSP}{last}"
        elif roll < 0.5:
            name_w = f"  {first}  {last} "
        else:
            name_w = f"{first} {last}"
        expect: Expect = {
            "first_name": first,
            "last_name": last,
            "company": company,
            "job_title": title,
            "job_level": level,
            "job_function": function,
        }
        country = rng.choice(["US", "US", "US", "GB", "CA"])
        mobile_w, mobile_e = b.phone(country, home=country == "US")
        expect["mobile_phone"] = mobile_e
        work_w = ""
        if rng.random() < 0.5:
            work_w, work_e = b.phone(country, home=country == "US")
            expect["phone"] = work_e
        address = b.email(first, last, domain_of(company))
        roll = rng.random()
        if roll < 0.08:
            local, _, domain = address.partition("@")
            email_w, email_e = f"{local}@{domain.replace('.', ',', 1)}", FLAG  # OCR: ',' for '.'
        elif roll < 0.15:
            email_w, email_e = f"{first} {last} <{address}>", address
        else:
            email_w, email_e = address, address
        expect["email"] = email_e
        site = domain_of(company)
        roll = rng.random()
        website_w = ""
        if roll < 0.25:
            website_w = f"www.{site}"
        elif roll < 0.45:
            website_w = f"https://www.{site}/contact?ref=card"
        elif roll < 0.55:
            website_w = site.upper()
        elif roll < 0.6:
            website_w = "see back of card"
            expect["website"] = FLAG
        if website_w and "website" not in expect:
            expect["website"] = site
        note, note_level = rng.choice(NOTES)
        expect["engagement_level"] = note_level or "Low"
        street = f"{rng.randrange(1, 999)} Market St"
        if rng.random() < 0.2:
            street += "\nSuite 400"
        cells = [
            name_w,
            company,
            title,
            mobile_w,
            work_w,
            "",
            email_w,
            street,
            website_w,
            note,
            f"2025-05-{rng.randrange(14, 16)} {rng.randrange(9, 18):02d}:{rng.randrange(60):02d}",
        ]
        sheet.lead([sheet.add(cells)], expect)
    context: dict[str, object] = {
        "default_country": "US",
        "event_channel": "in_person",
        "event_minutes": None,
        "profile": "camcard",
        "encoding": "utf-8-sig",
    }
    return sheet, context


# ------------------------------------------------------------------ 6. Salesforce-shaped CRM list


def crm(b: Builder) -> tuple[Sheet, dict[str, object]]:
    rng = b.rng
    sheet = Sheet("crm_leads_salesforce.csv")
    sheet.add(
        [
            "First Name",
            "Last Name",
            "Title",
            "Company",
            "Email",
            "Phone",
            "Mobile",
            "Website",
            "City",
            "State/Province",
            "Zip/Postal Code",
            "Country",
            "Industry",
            "Lead Source",
            "Lead Status",
            "Rating",
            "Lead Score",
            "Marketing Opt-In",
            "Description",
        ]
    )
    for index in range(72):
        first, last = b.person()
        company = rng.choice(COMPANIES)
        title, level, function = rng.choice(TITLES)
        industry_w, industry_e = rng.choice(INDUSTRIES)
        expect: Expect = {
            "first_name": first,
            "last_name": last,
            "company": company,
            "job_title": title,
            "job_level": level,
            "job_function": function,
            "industry": industry_e,
        }
        roll = rng.random()
        zip_w = state_w = city = ""
        if roll < 0.7:
            city, abbr, name, zip_code = rng.choice(US_PLACES)
            country_w, country_code = rng.choice(
                [("United States", "US"), ("USA", "US"), ("U.S.", "US"), ("US", "US")]
            )
            state_w = rng.choice([abbr, name, f"US-{abbr}"])
            expect["state"] = f"US-{abbr}"
            zip_w = zip_code
            expect["postal_code"] = zip_code
            phone_country = "US"
        elif roll < 0.85:
            city, abbr, name, postal = rng.choice(CA_PLACES)
            country_w, country_code = rng.choice([("Canada", "CA"), ("CA", "CA")])
            state_w = rng.choice([abbr, name])
            expect["state"] = f"CA-{abbr}"
            zip_w = postal
            expect["postal_code"] = postal
            phone_country = "CA"
        elif roll < 0.95:
            city = "London"
            country_w, country_code = rng.choice(
                [("England", "GB"), ("United Kingdom", "GB"), ("Great Britain", "GB")]
            )
            phone_country = "GB"
        else:
            country_w, country_code = "Atlantis", FLAG
            phone_country = "GB"
        expect["country"] = country_code
        if city:
            expect["city"] = city
        phone_w, phone_e = b.phone(phone_country, home=country_code == "US")
        expect["phone"] = phone_e
        mobile_w = ""
        if rng.random() < 0.25:
            mobile_w, mobile_e = b.phone(phone_country, home=False)
            expect["mobile_phone"] = mobile_e
        if index % 37 == 5:
            address = f"info@{domain_of(company)}"
            email_w, email_e = address, address
        else:
            address = b.email(first, last, domain_of(company))
            email_w, email_e = b.email_written(address, first, last)
        expect["email"] = email_e
        site = domain_of(company)
        website_w = rng.choice(
            ["", f"https://www.{site}", f"http://{site}/", f"www.{site}", "n/a", "TBD"]
        )
        if website_w == "TBD":
            expect["website"] = FLAG
        elif website_w and website_w != "n/a":
            expect["website"] = site
        rating = rng.choice(["Hot", "Warm", "Cold", "", ""])
        score_w = rng.choice(["", "", "85", "72", "70", "69", "45", "30", "29.5", "12", "0", "N/A"])
        score = float(score_w) if score_w not in ("", "N/A") else None
        expect["engagement_level"] = crm_level(score, rating)
        consent_w, consent_e = rng.choice(
            [
                ("true", "opted_in"),
                ("false", "opted_out"),
                ("Yes", "opted_in"),
                ("No", "opted_out"),
                ("Opted in", "opted_in"),
                ("unsubscribed", "opted_out"),
                ("", ""),
                ("maybe later", FLAG),
            ]
        )
        if consent_w:
            expect["consent"] = consent_e
        first_w, last_w = first, last
        if rng.random() < 0.08:
            first_w, last_w = first.lower(), last.lower()
        elif rng.random() < 0.05:
            first_w, last_w = first.upper(), last.upper()
        if rng.random() < 0.05:
            last_w = last_w + ZWSP
        cells = [
            first_w,
            last_w,
            title,
            company,
            email_w,
            phone_w,
            mobile_w,
            website_w,
            city,
            state_w,
            zip_w,
            country_w,
            industry_w,
            "Trade Show",
            rng.choice(["Open - Not Contacted", "Working - Contacted"]),
            rating,
            score_w,
            consent_w,
            rng.choice(["", "Met at booth", "Downloaded whitepaper"]),
        ]
        sheet.lead([sheet.add(cells)], expect)
    context: dict[str, object] = {
        "default_country": "US",
        "event_channel": "in_person",
        "event_minutes": None,
        "profile": "salesforce_shaped",
        "encoding": "utf-8",
    }
    return sheet, context


# ------------------------------------------------------------------ main


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def main() -> None:
    builder = Builder(seed=20250515)
    truth: dict[str, object] = {
        "about": "Expected normalised values per lead record; see make_messy.py.",
        "flagged": FLAG,
        "files": {},
    }
    files = truth["files"]
    assert isinstance(files, dict)
    for make in (badge_scan, zoom, teams, german, cards, crm):
        sheet, context = make(builder)
        encoding = str(context.pop("encoding"))
        (HERE / sheet.name).write_bytes(encode(sheet.text(), encoding))
        files[sheet.name] = {**context, "fields": list(FIELDS), "records": table(sheet)}
    lines = json.dumps(truth, ensure_ascii=False, indent=1).splitlines()
    (HERE / "truth.json").write_text(compact(lines), encoding="utf-8")


def table(sheet: Sheet) -> dict[str, list[object]]:
    """Records as ``[rows, values in FIELDS order (null: the file has none), reason?]``."""
    out: dict[str, list[object]] = {}
    for row, entry in sheet.records.items():
        expect = entry["expect"]
        assert isinstance(expect, dict)
        unknown = set(expect) - set(FIELDS)
        assert not unknown, unknown
        item: list[object] = [entry["rows"], [expect.get(name) for name in FIELDS]]
        if "rejected" in entry:
            item.append(entry["rejected"])
        out[row] = item
    return out


def compact(lines: list[str]) -> str:
    """The JSON with one record per line: readable in a diff, and small."""
    text = "\n".join(lines)
    decoded = json.loads(text)
    parts = ["{"]
    parts.append(f' "about": {json.dumps(decoded["about"])},')
    parts.append(f' "flagged": {json.dumps(decoded["flagged"])},')
    parts.append(' "files": {')
    names = list(decoded["files"])
    for position, name in enumerate(names):
        entry = decoded["files"][name]
        parts.append(f"  {json.dumps(name)}: {{")
        for key in ("default_country", "event_channel", "event_minutes", "profile", "fields"):
            parts.append(f"   {json.dumps(key)}: {json.dumps(entry[key], ensure_ascii=False)},")
        parts.append('   "records": {')
        rows = list(entry["records"].items())
        for index, (row, item) in enumerate(rows):
            comma = "," if index < len(rows) - 1 else ""
            dumped = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
            parts.append(f"    {json.dumps(row)}:{dumped}{comma}")
        parts.append("   }")
        parts.append("  }" + ("," if position < len(names) - 1 else ""))
    parts.append(" }")
    parts.append("}")
    return "\n".join(parts) + "\n"


if __name__ == "__main__":
    main()
