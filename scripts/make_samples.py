"""Write the sample lead files in resources/samples/ (fictional people, reproducible).

Run from the project folder: ``python scripts/make_samples.py``. The files are
committed; the script is here so they can be made again or changed on purpose.
Every address is on example.com/.org/.net and every phone number is a 555 or a
drama number, so nothing in them reaches a real person.

* ``cloud-summit-badge-scans.csv``: a lead-retrieval export from a trade show
  booth, with a title block, ratings and notes, repeat scans, a nickname
  duplicate, shouted capitals, phone numbers written every way, a row with no
  contact details and a card scanned upside down.
* ``zero-trust-webinar-attendees.csv``: a Zoom webinar attendee report with its
  header blocks, attendees with time in session, no-shows, and people who
  were at the booth too.
"""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "resources" / "samples"

PEOPLE = [
    # first, last, company, title, country, city
    ("Ada", "Lovelace", "Analytical Engines Ltd", "CTO", "United Kingdom", "London"),
    ("Grace", "Hopper", "Compilers Inc", "VP Engineering", "USA", "Arlington"),
    ("Katherine", "Johnson", "Orbital Analytics", "Principal Data Scientist", "US", "Hampton"),
    ("Alan", "Turing", "Bletchley Systems", "Head of Research", "UK", "Milton Keynes"),
    ("Robert", "Noyce", "Silicon Works", "Director of IT", "United States", "San Jose"),
    ("Hedy", "Lamarr", "Spread Spectrum GmbH", "Geschäftsführerin", "Deutschland", "Wien"),
    ("Margaret", "Hamilton", "Apollo Software", "Software Engineering Manager", "USA", "Boston"),
    ("Tim", "Berners-Lee", "Hypertext Labs", "Chief Architect", "GB", "Oxford"),
    ("Radia", "Perlman", "Spanning Tree Networks", "Distinguished Engineer", "U.S.", "Seattle"),
    ("Linus", "Torvalds", "Kernel Oy", "Maintainer", "Finland", "Helsinki"),
    ("Barbara", "Liskov", "Substitution Partners", "VP, Platform", "United States", "Cambridge"),
    (
        "Sophie",
        "Wilson",
        "Acorn Semiconductors",
        "Sr. Director Chip Design",
        "England",
        "Cambridge",
    ),
    ("Frances", "Allen", "Optimizing Compilers Corp", "IT Security Analyst", "USA", "Peekskill"),
    ("Shafi", "Goldwasser", "ZK Proofs Ltd", "CISO", "Israel", "Tel Aviv"),
    ("Whitfield", "Diffie", "Key Exchange Inc", "Chief Security Officer", "USA", "Palo Alto"),
    ("Yukihiro", "Matsumoto", "Ruby Works KK", "CTO", "Japan", "Matsue"),
    ("Anita", "Borg", "Systers Collective", "Program Manager", "United States", "Palo Alto"),
    ("Jean", "Bartik", "ENIAC Heritage", "IT Manager", "USA", "Philadelphia"),
    ("Donald", "Knuth", "Literate Programs LLC", "Professor", "United States", "Stanford"),
    ("Adele", "Goldberg", "Smalltalk Systems", "VP Product", "USA", "Palo Alto"),
    ("Vint", "Cerf", "Interplanetary Net", "Chief Internet Evangelist", "USA", "McLean"),
    ("Karen", "Spärck Jones", "Inverse Document Ltd", "Research Lead", "UK", "Cambridge"),
    ("Juan", "Pérez García", "Soluciones Nube SA", "Director de Sistemas", "España", "Madrid"),
    ("Marie", "Dubois", "Sécurité Numérique SAS", "Responsable Sécurité", "France", "Lyon"),
    ("Lars", "Andersen", "Nordic Cloud AS", "Head of Infrastructure", "Norway", "Oslo"),
    ("Priya", "Raman", "Cloudward Technologies", "Security Architect", "India", "Bengaluru"),
    ("Wei", "Zhang", "Pacific Data Pte Ltd", "IT Director", "Singapore", "Singapore"),
    ("Olivia", "Santos", "Rio Sistemas Ltda", "Gerente de TI", "Brazil", "São Paulo"),
    ("Noah", "Williams", "Maple Leaf Security", "SOC Manager", "Canada", "Toronto"),
    ("Chloe", "Martin", "Outback Cyber Pty Ltd", "Cloud Engineer", "Australia", "Sydney"),
]
RATINGS = ["Hot", "Warm", "Cold", "Warm", "Hot", ""]
NOTES = [
    "wants pricing",
    "demo given",
    "send the zero trust whitepaper",
    "asked for a call next week",
    "",
    "just the swag",
    "evaluating vendors Q3",
    "",
    "requested a proof of concept",
    "",
]


def slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    keep = "".join(ch for ch in plain.lower() if ch.isalnum() or ch in " -")
    return keep.replace(" ", "").replace("-", "")


def email(first: str, last: str, company: str) -> str:
    domain = slug(company.split()[0]) + ".example.com"
    return f"{slug(first)}.{slug(last)}@{domain}"


def phone(rng: random.Random, country: str) -> str:
    n = rng.randrange(100, 199)
    if country in ("USA", "US", "United States", "U.S."):
        return rng.choice([f"(415) 555-0{n}", f"415.555.0{n}", f"+1 415 555 0{n}"])
    if country in ("United Kingdom", "UK", "GB", "England"):
        return rng.choice([f"020 7946 0{n}", f"+44 20 7946 0{n}"])
    if country == "Canada":
        return f"416-555-0{n}"
    if country == "Australia":
        return f"+61 2 5550 0{n}"
    return ""


def badge_scans() -> None:
    rng = random.Random(2026)
    rows = []
    for at, (first, last, company, title, country, _city) in enumerate(PEOPLE):
        rows.append(
            [
                first,
                last,
                email(first, last, company),
                company,
                title,
                country,
                phone(rng, country),
                RATINGS[at % len(RATINGS)],
                NOTES[at % len(NOTES)],
            ]
        )
    # The booth's realities.
    rows.insert(3, [x.upper() if i < 2 else x for i, x in enumerate(rows[0])])  # scanned twice
    rows[3][8] = "second scan, asked again about pricing"
    rows.append(["Bob", "Noyce", "bob.noyce@silicon.example.com", "Silicon Works",
                 "Director, IT", "USA", "", "Warm", "goes by Bob"])  # fmt: skip
    rows.append(["MARGARET", "HAMILTON", "", "APOLLO SOFTWARE", "ENGINEERING MGR",
                 "UNITED STATES", "617 555 0147", "", "card only, no email"])  # fmt: skip
    rows.append(["Walk", "In", "", "", "", "", "", "", "no contact details"])
    rows.append(["Info", "Desk", "info@booth.example.com", "Expo Services", "", "", "", "", ""])
    with (OUT / "cloud-summit-badge-scans.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Lead Retrieval Export"] + [""] * 8)
        writer.writerow(["Show: Cloud Security Summit 2026 (sample data)"] + [""] * 8)
        writer.writerow([""] * 9)
        writer.writerow(["First Name", "Last Name", "Email", "Company", "Title", "Country",
                         "Phone", "Rating", "Notes"])  # fmt: skip
        writer.writerows(rows)
        writer.writerow([f"RECORD COUNT: {len(rows)}"] + [""] * 8)


def webinar() -> None:
    rng = random.Random(7)
    header = [
        "Attended", "User Name (Original Name)", "First Name", "Last Name", "Email", "Phone",
        "Registration Time", "Approval Status", "Join Time", "Leave Time",
        "Time in Session (minutes)", "Is Guest", "Job Title", "Country/Region Name",
    ]  # fmt: skip
    attendees = []
    chosen = PEOPLE[::2] + PEOPLE[1:12:3]
    for at, (first, last, company, title, country, _city) in enumerate(chosen):
        shown = at % 5 != 3
        minutes = rng.choice([12, 25, 38, 47, 55, 58, 61]) if shown else None
        country_name = {
            "USA": "United States of America", "US": "United States of America",
            "United States": "United States of America", "U.S.": "United States of America",
            "UK": "United Kingdom", "GB": "United Kingdom", "England": "United Kingdom",
            "Deutschland": "Germany", "España": "Spain",
        }.get(country, country)  # fmt: skip
        attendees.append(
            [
                "Yes" if shown else "No",
                f"{first} {last}",
                first,
                last,
                email(first, last, company),
                phone(rng, country) if at % 3 == 0 else "",
                f"Mar {1 + at % 9:02d}, 2026 {9 + at % 8:02d}:{(at * 7) % 60:02d}:00",
                "approved",
                f"Mar 18, 2026 10:0{at % 6}:00" if shown else "--",
                "Mar 18, 2026 11:00:00" if shown else "--",
                str(minutes) if minutes else "--",
                "No" if shown else "--",
                title,
                country_name if shown else "--",
            ]
        )
    with (OUT / "zero-trust-webinar-attendees.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        width = len(header)
        writer.writerow(["Attendee Report"] + [""] * (width - 1))
        writer.writerow(["Report Generated:", "Mar 18, 2026 05:14 PM"] + [""] * (width - 2))
        writer.writerow(["Topic", "Webinar ID", "Actual Start Time", "Actual Duration (minutes)",
                         "# Registrants", "# Cancelled registrants", "Unique Viewers",
                         "Total Users", "Max Concurrent Views"] + [""] * (width - 9))  # fmt: skip
        writer.writerow(["Zero Trust in Practice (sample data)", "812 5550 1234",
                         "Mar 18, 2026 10:00 AM", "60", str(len(attendees)), "0",
                         str(sum(1 for a in attendees if a[0] == "Yes")),
                         str(sum(1 for a in attendees if a[0] == "Yes")), "14"]
                        + [""] * (width - 9))  # fmt: skip
        writer.writerow(["Attendee Details"] + [""] * (width - 1))
        writer.writerow(header)
        writer.writerows(attendees)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    badge_scans()
    webinar()
    print(f"Wrote the sample files to {OUT.name}/")  # noqa: T201


if __name__ == "__main__":
    main()
