"""The same person among lead rows and stored people: blocking keys, scored pairs, clusters.

Pure matching, no Qt and no SQL (DESIGN §2 "dedupe": within the file and against
every stored person). The work stays near-linear: records are only compared
within *blocks* that share a key (the same e-mail, phone, order- and
nickname-proof name, or company with a last or first name), and a block larger
than ``rules.max_block`` (a very common name) is skipped, counting on the other
keys. Each candidate pair gets points per piece of evidence (``rules.weights``,
log-odds) and its score is their logistic, with the reasons in plain words.

A shared mailbox (``info@``, ``sales@`` ...) or a switchboard phone never merges
people by itself: role addresses are known by name, and any phone or e-mail that
the data shows with more than ``rules.shared_after_names`` distinct names counts
as shared, so it is neither a block nor evidence.
"""

from __future__ import annotations

import math
import re
import unicodedata
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations, product

from rapidfuzz.distance import OSA, JaroWinkler

from intake_app.core.compiled import compiled
from intake_app.core.lead_values import SHARED_MAILBOXES as ROLE_MAILBOXES
from intake_app.core.lead_values import email_key, phone_key
from intake_app.core.normalise.contact import SHARED_MAILBOXES, company_key, email_domain
from intake_app.core.normalise.people import fold
from schemas import DedupeRules, DedupeWeights

__all__ = [
    "Match",
    "PersonRecord",
    "PreparedRecords",
    "auto_clusters",
    "blocking_keys",
    "find_matches",
    "name_order",
    "person_keys",
]


@dataclass(frozen=True, slots=True)
class PersonRecord:
    """One lead row or stored person, as far as matching needs it."""

    key: int  # the caller's id for the row or stored person
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None  # already normalised (lower-case) or None
    phone: str | None = None  # E.164 or None
    mobile_phone: str | None = None
    company: str | None = None
    city: str | None = None
    country: str | None = None  # ISO alpha-2


@dataclass(frozen=True)
class Match:
    """A scored candidate pair: ``a`` and ``b`` are :attr:`PersonRecord.key` values."""

    a: int
    b: int
    score: float  # 0..1
    reasons: tuple[str, ...]  # plain phrases: ("Bob = Robert", "same company domain")


# ------------------------------------------------------------------ name folding

# Letters NFKD does not take apart, and the German umlauts written out (Müller = Mueller).
_SPELLED = str.maketrans(
    {
        "ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss",
        "ẞ": "SS", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae", "œ": "oe", "Œ": "Oe",
        "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th",
        "\u0131": "i",  # dotless i
    }
)  # fmt: skip
# Cyrillic, romanised the common (passport-like) way.
_CYRILLIC_LATIN = (
    "a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m", "n", "o", "p", "r",
    "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "y", "", "e", "yu", "ya", "i", "yi",
    "ye", "g",
)  # fmt: skip
_CYRILLIC = str.maketrans(
    dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюяіїєґ", _CYRILLIC_LATIN, strict=True))
)
_NOT_LETTERS = re.compile(r"[^a-z]+")
_UMLAUT_PAIRS = re.compile(r"(?<=[aou])e")  # ae/oe/ue → a/o/u, so Mueller = Muller = Müller


def _name_key(text: str) -> str:
    """A name part folded for comparing: "MÜLLER", "Mueller", "Muller" all give "muller"."""
    spelled = unicodedata.normalize("NFC", text).translate(_SPELLED)
    if not spelled.isascii():
        spelled = spelled.lower().translate(_CYRILLIC)
    words = fold(spelled).split()
    if len(words) > 1:  # "John A." is John; a lone initial stays
        words = [word for word in words if len(word) > 1] or words[:1]
    return _UMLAUT_PAIRS.sub("", "".join(words))


_NAME_CACHE: dict[str, str] = {}


def _cached_name_key(text: str | None) -> str:
    if not text:
        return ""
    found = _NAME_CACHE.get(text)
    if found is None:
        if len(_NAME_CACHE) > 500_000:
            _NAME_CACHE.clear()
        found = _NAME_CACHE[text] = _name_key(text)
    return found


@lru_cache(maxsize=500_000)  # names repeat: each is worked out once
def _skeleton(key: str) -> str:
    """Consonants without repeats: "smith", "smyth" and "smtih" all give "smth"."""
    out: list[str] = []
    for char in key:
        if char in "aeiouy":
            continue
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out) or key


# ------------------------------------------------------------------ compiled rules


class _RulesIndex:
    """The schema's dedupe rules, folded once."""

    def __init__(self, rules: DedupeRules) -> None:
        self.rules = rules
        self.weights: DedupeWeights = rules.weights
        groups: dict[str, list[str]] = {}
        for group in rules.nicknames:
            keys = [_name_key(name) for name in group]
            head = keys[0]
            for name in keys:
                known = groups.setdefault(name, [])
                if head not in known:
                    known.append(head)
        self.groups = {name: tuple(heads) for name, heads in groups.items()}
        self.role_boxes = frozenset(
            {
                *SHARED_MAILBOXES,
                *ROLE_MAILBOXES,
                *(box.casefold() for box in rules.shared_mailboxes),
            }
        )
        self.free_mail = frozenset(domain.casefold() for domain in rules.free_mail_domains)
        self.auto_logit = _logit(rules.auto_merge_threshold)

    def canon(self, first: str) -> tuple[str, ...]:
        """The nickname groups of a folded first name, its own group first when it heads one."""
        heads = self.groups.get(first)
        if heads is None:
            return (first,)
        return heads

    def is_role_box(self, email: str) -> bool:
        local = email.split("@", 1)[0].split("+", 1)[0]
        if local in self.role_boxes:
            return True
        first = re.split(r"[._-]", local, maxsplit=1)[0]
        return first != local and first in self.role_boxes


def _logit(probability: float) -> float:
    probability = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log(probability / (1 - probability))


def _index(rules: DedupeRules) -> _RulesIndex:
    return compiled(rules, _RulesIndex)


# ------------------------------------------------------------------ one record's features


class _Person:
    """What scoring needs of one record, folded once."""

    __slots__ = (
        "canon",
        "city",
        "company",
        "country",
        "domain",
        "email",
        "first",
        "first_raw",
        "free",
        "key",
        "label",
        "last",
        "last_raw",
        "local",
        "name_keys",
        "phones",
        "tokens",
    )

    def __init__(self, record: PersonRecord, index: _RulesIndex) -> None:
        self.key = record.key
        self.first_raw = (record.first_name or "").strip()
        self.last_raw = (record.last_name or "").strip()
        self.first = _cached_name_key(self.first_raw)
        self.last = _cached_name_key(self.last_raw)
        self.canon = index.canon(self.first) if self.first else ()
        email = email_key(record.email)
        domain = _domain(email) if email else None
        self.free = bool(domain and domain in index.free_mail)
        self.domain = None if self.free else domain  # a work domain only
        self.email = None if email is None or index.is_role_box(email) else email
        local = _NOT_LETTERS.sub("", self.email.split("@", 1)[0]) if self.email else ""
        self.local = local if len(local) >= 6 else ""
        # Tuples, not sets: a list of 100,000 rows holds one of these per row at once.
        phone = _phone(record.phone, record.country)
        mobile = _phone(record.mobile_phone, record.country)
        if phone and mobile and phone != mobile:
            self.phones: tuple[str, ...] = (phone, mobile)
        else:
            self.phones = (phone,) if phone else (mobile,) if mobile else ()
        company = company_key(record.company) if record.company else None
        self.company = company or None
        self.label = _domain_label(self.domain) if self.domain else ""
        by_name = self.company.split(" ", 1)[0] if self.company else ""
        by_domain = self.label.split("-", 1)[0] if self.label else ""
        if by_name and by_domain and by_name != by_domain:
            self.tokens: tuple[str, ...] = (by_name, by_domain)
        else:
            self.tokens = (by_name,) if by_name else (by_domain,) if by_domain else ()
        self.city = _cached_name_key(record.city)
        self.country = (record.country or "").upper()
        if self.first and self.last:
            lasts = index.canon(self.last)
            self.name_keys = tuple(
                dict.fromkeys(
                    "|".join(sorted((first, last))) for first in self.canon for last in lasts
                )
            )
        else:
            self.name_keys = ()

    def block_keys(self) -> list[str]:
        """Every internal block this record falls in (before shared keys are removed)."""
        keys = [f"n{name}" for name in self.name_keys]
        if self.first and self.last:
            head = self.canon[0]
            keys.append(f"s{head}|{_skeleton(self.last)}")
            keys.append(f"t{_skeleton(self.first)}|{self.last}")
            for token in self.tokens:
                keys.append(f"c{token}|{self.last}")
                keys.append(f"d{token}|{head}")
        return keys


_DOMAINS: dict[str, str | None] = {}


def _domain(email: str) -> str | None:
    """The cleaned domain of an address, remembered per domain as written."""
    local, _, written = email.rpartition("@")
    if not local:
        return email_domain(email)
    if written in _DOMAINS:
        return _DOMAINS[written]
    if len(_DOMAINS) > 200_000:
        _DOMAINS.clear()
    found = _DOMAINS[written] = email_domain(email)
    return found


def _phone(phone: str | None, country: str | None) -> str | None:
    if not phone:
        return None
    text = phone.strip()
    if text.startswith("+") and text[1:].isdigit() and len(text) >= 7:
        return text
    return phone_key(text, country)


def _domain_label(domain: str) -> str:
    """The part of a domain that names the company: "acme.co.uk" → "acme"."""
    labels = domain.split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in ("co", "com", "ac", "or", "ne"):
        labels = labels[:-2]
    elif len(labels) >= 2:
        labels = labels[:-1]
    return labels[-1]


def _name_points(a: _Person, b: _Person, index: _RulesIndex) -> tuple[float, str | None]:
    """Points for how well two names agree, and the reason when they do."""
    weights = index.weights
    if not (a.last and b.last):
        return 0.0, None
    if not (a.first and b.first):
        if a.last == b.last:
            return weights.same_last_name_only, "same last name"
        return 0.0, None
    points, why = _parts_points(
        a.first, a.canon, a.last, b.first, b.canon, b.last, index, (a.first_raw, b.first_raw)
    )
    if points == weights.same_name:
        return points, _spelled_reason(a, b)
    if points > 0 or not (
        a.first == b.last
        or a.last == b.first
        or (a.first[0] == b.last[0] and a.last[0] == b.first[0])
    ):
        return points, why
    swapped = max(
        _parts_points(
            a.last, index.canon(a.last), a.first, b.first, b.canon, b.last, index, ("", "")
        )[0],
        _parts_points(
            a.first, a.canon, a.last, b.last, index.canon(b.last), b.first, index, ("", "")
        )[0],
    )
    if swapped > 0:
        return min(swapped, weights.swapped_name), "first and last name swapped"
    return points, why


def _parts_points(
    first: str,
    canon: tuple[str, ...],
    last: str,
    other_first: str,
    other_canon: tuple[str, ...],
    other_last: str,
    index: _RulesIndex,
    shown: tuple[str, str],
) -> tuple[float, str | None]:
    weights = index.weights
    typo = index.rules.typo_similarity
    same_first = first == other_first
    if last == other_last:
        if same_first:
            return weights.same_name, None
        if set(canon) & set(other_canon):
            return weights.nickname, f"{shown[0]} = {shown[1]}"
        if len(first) == 1 or len(other_first) == 1:
            if first[0] == other_first[0]:
                return weights.same_last_name_only, f"{shown[0]} = {shown[1]}"
            return weights.first_name_differs, None
        if _typo(first, other_first, typo):
            return weights.typo_first_name, f"{shown[0]} ~ {shown[1]}"
        return weights.first_name_differs, None
    last_similar = _typo(last, other_last, typo)
    if same_first or set(canon) & set(other_canon):
        if last_similar:
            return weights.typo_last_name, "last name spelled differently"
        return weights.last_name_differs, None
    if last_similar and _typo(first, other_first, typo):
        return weights.typo_both_names, "name spelled differently"
    return weights.names_differ, None


def _typo(first: str, second: str, similarity: float) -> bool:
    """One slip of the keyboard (an edit or a swap of neighbours), or spellings this similar."""
    if len(first) >= 4 and len(second) >= 4 and OSA.distance(first, second, score_cutoff=1) <= 1:
        return True
    return JaroWinkler.normalized_similarity(first, second) >= similarity


def _spelled_reason(a: _Person, b: _Person) -> str:
    if a.last_raw != b.last_raw and fold(a.last_raw) != fold(b.last_raw):
        return f"{a.last_raw} = {b.last_raw}"
    if a.first_raw != b.first_raw and fold(a.first_raw) != fold(b.first_raw):
        return f"{a.first_raw} = {b.first_raw}"
    return "same name"


def _score(
    a: _Person, b: _Person, index: _RulesIndex, shared: frozenset[str] | set[str]
) -> tuple[float, list[str]]:
    """Log-odds points for one pair and the reasons, strongest evidence first."""
    weights = index.weights
    points = weights.prior
    reasons: list[str] = []
    if a.email and b.email:
        if a.email == b.email:
            if a.email not in shared:
                points += weights.same_email
                reasons.append("same email")
        else:
            if a.domain and a.domain == b.domain:
                points += weights.work_email_differs
            elif a.free and b.free:
                points += weights.personal_email_differs
            elif a.domain and b.domain and not a.free and not b.free:
                # Two different work domains: two employers, whatever the names say.
                points += weights.company_domain_differs
            same_place = a.domain == b.domain or a.free or b.free
            if a.local and a.local == b.local and same_place:
                points += weights.similar_email
                reasons.append("similar email")
    if a.phones and b.phones:
        common = [phone for phone in a.phones if phone in b.phones]
        if not common:
            points += weights.phone_differs
        elif any(phone not in shared for phone in common):
            points += weights.same_phone
            reasons.append("same phone")
    name_points, why = _name_points(a, b, index)
    points += name_points
    if why:
        reasons.insert(0, why)
    company_points, company_reason = _company_points(a, b, weights)
    if company_reason:
        reasons.append(company_reason)
    points += company_points
    if a.country and b.country and a.country != b.country:
        points += weights.country_differs
    elif a.city and a.city == b.city:
        points += weights.same_city
        reasons.append("same city")
    return points, reasons


def _company_points(a: _Person, b: _Person, weights: DedupeWeights) -> tuple[float, str | None]:
    """Same company by name, by work e-mail domain, or one's name fitting the other's domain."""
    if a.company and a.company == b.company:
        return weights.same_company, "same company"
    if a.domain and a.domain == b.domain:
        return weights.same_company, "same company domain"
    if (a.company and b.label and _fits(a.company, b.label)) or (
        b.company and a.label and _fits(b.company, a.label)
    ):
        return weights.same_company, "company matches e-mail domain"
    if (a.company and b.company) or (a.domain and b.domain):
        return weights.company_differs, None
    if (a.company or a.domain) and (b.company or b.domain):
        return weights.company_domain_differs, None  # a name against a domain that does not fit
    return 0.0, None


def _fits(company: str, label: str) -> bool:
    """Whether a company key and a domain label name the same firm: "acme systems", "acme"."""
    compact = company.replace(" ", "")
    plain = label.replace("-", "")
    if len(plain) < 3:
        return False
    return compact.startswith(plain) or plain.startswith(compact) or label in company.split()


def _probability(points: float) -> float:
    if points < -30:
        return 0.0
    return round(1.0 / (1.0 + math.exp(-points)), 4)


# ------------------------------------------------------------------ public API


def blocking_keys(record: PersonRecord, rules: DedupeRules) -> dict[str, set[str]]:
    """The keys to fetch a record's candidate people by, per kind.

    Kinds: ``email`` (the address, unless it is a role mailbox), ``phone`` (phone
    and mobile), ``name`` (first and last name folded for case, accents,
    transliteration and nicknames, in either order; several keys when a first
    name is in several nickname groups) and ``company`` (the folded company name
    and the work e-mail domain). Every value :func:`person_keys` stores for the
    same record is among them, so ``column IN keys`` finds it.

    Args:
        record: the incoming row.
        rules: the schema's dedupe rules.

    Returns:
        Kind to keys; a kind with nothing to go by has an empty set.
    """
    return _lookup_keys(_Person(record, _index(rules)))


def _lookup_keys(person: _Person) -> dict[str, set[str]]:
    company: set[str] = set()
    if person.company:
        company.add(person.company)
    if person.domain:
        company.add(person.domain)
    return {
        "email": {person.email} if person.email else set(),
        "phone": set(person.phones),
        "name": set(person.name_keys),
        "company": company,
    }


class PreparedRecords:
    """Incoming records folded once: to fetch their candidates, then to match them.

    :func:`find_matches` takes it in place of the records, so a chunk of an import
    is folded once for both steps rather than twice.
    """

    def __init__(self, records: Sequence[PersonRecord], rules: DedupeRules) -> None:
        index = _index(rules)
        self.records = list(records)
        self.people = [_Person(record, index) for record in self.records]

    def __len__(self) -> int:
        return len(self.people)

    def person_keys(self) -> Iterator[tuple[int, dict[str, str | None]]]:
        """Each record's key and the :func:`person_keys` to store for it."""
        for record, person in zip(self.records, self.people, strict=True):
            yield record.key, _stored_keys(record, person)

    def lookup_keys(self, kinds: Iterable[str] = ("email", "phone", "name")) -> dict[str, set[str]]:
        """The union of :func:`blocking_keys` over the records, for the given kinds."""
        wanted: dict[str, set[str]] = {kind: set() for kind in kinds}
        for person in self.people:
            for kind, keys in _lookup_keys(person).items():
                if kind in wanted:
                    wanted[kind].update(keys)
        return wanted


def name_order(record: PersonRecord, rules: DedupeRules) -> str:
    """A sort key that puts records of the same (folded, nickname-aware) name together.

    Matching a large list against stored people chunk by chunk, in this order,
    fetches each name's stored people for one chunk rather than for many.
    """
    first = _cached_name_key((record.first_name or "").strip())
    last = _cached_name_key((record.last_name or "").strip())
    if not (first and last):
        return ""
    index = _index(rules)
    return "|".join(sorted((index.canon(first)[0], index.canon(last)[0])))


def person_keys(record: PersonRecord, rules: DedupeRules) -> dict[str, str | None]:
    """The one key per kind to store on a person: ``email_key``, ``phone_key``, ``name_key``, ``company_key``.

    ``email_key`` is None for a role mailbox, ``phone_key`` is the phone, else the
    mobile, and ``company_key`` the folded company name, else the work e-mail domain.
    """  # noqa: E501
    return _stored_keys(record, _Person(record, _index(rules)))


def _stored_keys(record: PersonRecord, person: _Person) -> dict[str, str | None]:
    phone = _phone(record.phone, record.country) or _phone(record.mobile_phone, record.country)
    return {
        "email_key": person.email,
        "phone_key": phone,
        "name_key": person.name_keys[0] if person.name_keys else None,
        "company_key": person.company or person.domain,
    }


def find_matches(
    records: Sequence[PersonRecord] | PreparedRecords,
    against: Sequence[PersonRecord] = (),
    *,
    rules: DedupeRules,
    min_score: float | None = None,
    across_only: bool = False,
) -> list[Match]:
    """Scored candidate pairs within ``records`` and between ``records`` and ``against``.

    Pairs within ``against`` (stored people, already one per person) are never
    made. Each pair comes once, with ``a`` from the earlier position (``records``
    before ``against``).

    Args:
        records: the incoming rows, or :class:`PreparedRecords` of them.
        against: stored people fetched by :func:`blocking_keys`.
        rules: the schema's dedupe rules.
        min_score: the lowest score returned; ``rules.review_threshold`` by default.
        across_only: only pairs of a record and a stored person (the records' own
            pairs were dealt with before); blocks are formed, and capped, the same.

    Returns:
        The pairs scoring at least ``min_score``, best first (ties by key).
    """
    index = _index(rules)
    floor = rules.review_threshold if min_score is None else min_score
    floor_points = _logit(floor) - 1e-9 if floor > 0 else -math.inf
    if isinstance(records, PreparedRecords):
        people = list(records.people)
    else:
        people = [_Person(record, index) for record in records]
    incoming = len(people)
    # What the incoming rows can be compared by, so stored people outside it are skipped.
    # Each person's block keys are worked out once, here when there are stored people.
    block_keys: list[list[str]] = [person.block_keys() for person in people] if against else []
    wanted: set[str] = set()
    for person, keys in zip(people, block_keys, strict=False):
        wanted.update(keys)
        wanted.update(person.phones)
        if person.email:
            wanted.add(person.email)
    for record in against:
        person = _Person(record, index)
        keys = person.block_keys()
        if (
            (person.email and person.email in wanted)
            or any(phone in wanted for phone in person.phones)
            or any(key in wanted for key in keys)
        ):
            people.append(person)
            block_keys.append(keys)
    del wanted
    shared = _shared_keys(people, rules.shared_after_names)
    # A key's first member is kept as a bare position, made a list by the second: most
    # keys (a spelling of a name at a company) have one member, and a list costs more.
    blocks: dict[str, int | list[int]] = {}
    for position, person in enumerate(people):
        keys = block_keys[position] if block_keys else person.block_keys()
        if person.email and person.email not in shared:
            keys.append(f"e{person.email}")
        keys.extend(f"p{phone}" for phone in person.phones if phone not in shared)
        for key in keys:
            held = blocks.get(key)
            if held is None:
                if position < incoming:
                    blocks[key] = position
            elif isinstance(held, int):
                if held != position:
                    blocks[key] = [held, position]
            elif held[-1] != position:
                held.append(position)
    limit = rules.max_block
    # Blocks that only say "similar name at one company" are many: a tighter cap.
    loose_limit = max(2, limit // 3)
    seen: set[int] = set()
    size = len(people)
    found: list[Match] = []
    for block, members in blocks.items():
        if isinstance(members, int):
            continue
        if len(members) > (limit if block[0] in "enp" else loose_limit):
            continue
        if across_only:
            # Members are in position order: the stored people come after the records.
            split = bisect_left(members, incoming)
            pairs: Iterable[tuple[int, int]] = product(members[:split], members[split:])
        else:
            pairs = combinations(members, 2)
        for first, second in pairs:
            if first >= incoming:
                break  # members are in position order: the rest are all stored people
            code = first * size + second
            if code in seen:
                continue
            seen.add(code)
            a, b = people[first], people[second]
            points, reasons = _score(a, b, index, shared)
            if points >= floor_points:
                found.append(Match(a.key, b.key, _probability(points), tuple(reasons)))
    found.sort(key=lambda match: (-match.score, match.a, match.b))
    return found


def _shared_keys(people: Sequence[_Person], after: int) -> set[str]:
    """Phones and e-mails that the data shows with more than ``after`` distinct names."""
    names: defaultdict[str, set[str]] = defaultdict(set)
    counts: defaultdict[str, int] = defaultdict(int)
    for person in people:
        keys = list(person.phones)
        if person.email:
            keys.append(person.email)
        for key in keys:
            counts[key] += 1
    for person in people:
        name = person.name_keys[0] if person.name_keys else person.first or person.last
        if not name:
            continue
        for key in person.phones:
            if counts[key] > after:
                names[key].add(name)
        if person.email and counts[person.email] > after:
            names[person.email].add(name)
    return {key for key, seen in names.items() if len(seen) > after}


def auto_clusters(
    keys: Iterable[int], matches: Iterable[Match], rules: DedupeRules
) -> list[list[int]]:
    """Groups of keys to merge without asking.

    Links scoring at least ``rules.auto_merge_threshold`` are taken strongest first.
    A row joins a group when it links to at least half of its rows, and two groups
    join only when more than half of the pairs between them are such links, so one
    link never glues two groups together (no chaining); never beyond
    ``rules.max_cluster`` keys (the strongest links win). Keys named only in
    ``matches`` are included too.

    Returns:
        Every group sorted, singletons included, groups in order of their first key.
    """
    threshold = rules.auto_merge_threshold
    root: dict[int, int] = {key: key for key in keys}
    strong: list[Match] = []
    neighbours: defaultdict[int, set[int]] = defaultdict(set)
    for match in matches:
        root.setdefault(match.a, match.a)
        root.setdefault(match.b, match.b)
        if match.score >= threshold and match.a != match.b:
            strong.append(match)
            neighbours[match.a].add(match.b)
            neighbours[match.b].add(match.a)
    members: dict[int, list[int]] = {key: [key] for key in root}
    strong.sort(key=lambda match: (-match.score, min(match.a, match.b), max(match.a, match.b)))
    limit = rules.max_cluster
    for match in strong:
        first, second = root[match.a], root[match.b]
        if first == second:
            continue
        small, large = members[first], members[second]
        if len(small) + len(large) > limit:
            continue
        if len(small) > len(large):
            small, large = large, small
            first, second = second, first
        links = sum(1 for key in small for other in neighbours[key] if root[other] == second)
        if 2 * links < len(small) * len(large) or (
            len(small) > 1 and 2 * links == len(small) * len(large)
        ):
            continue  # a row joins a group it links to half of; groups need a majority
        for key in small:
            root[key] = second
        large.extend(small)
        del members[first]
    return sorted((sorted(group) for group in members.values()), key=lambda group: group[0])
