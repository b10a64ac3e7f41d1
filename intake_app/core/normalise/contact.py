"""Contact fields: e-mail, phone, country, state, postal code, website and a company key.

Every normaliser takes the text as read from a lead file and returns a
:class:`Normalised`: the canonical value (``None`` when there is none or it
cannot be trusted) and the :class:`~intake_app.core.issues.Issue` findings that
explain why. Nothing is guessed: a value that cannot be read with confidence is
flagged, and the raw text stays with the caller.

Blank input gives ``Normalised(None)`` with no issues: whether a field is
required is the caller's business, not the normaliser's.

Look-ups that a lead list repeats thousands of times (country, state, website,
company key) are cached, and so, in smaller caches, are e-mail and phone (a
person's rows repeat them), so results are shared objects: treat a
``Normalised`` and its ``extra`` mapping as read-only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache

import phonenumbers
import pycountry
from email_validator import EmailNotValidError, validate_email

from intake_app.core.issues import Issue, Severity
from intake_app.core.normalise.invisible import DROP_INVISIBLE, INVISIBLE
from intake_app.core.normalise.scripts import script_mix

__all__ = [
    "SHARED_MAILBOXES",
    "Normalised",
    "company_key",
    "email_domain",
    "normalise_country",
    "normalise_email",
    "normalise_phone",
    "normalise_postal_code",
    "normalise_state",
    "normalise_website",
]


@dataclass(frozen=True)
class Normalised:
    """A normalised value, the issues found on the way and any side values.

    Attributes:
        value: The canonical value, or None when there is none or it is not trusted.
        issues: What was wrong or doubtful about the raw text.
        extra: Side values split off the raw text, e.g. ``{"phone_ext": "123"}``.
    """

    value: str | None
    issues: tuple[Issue, ...] = ()
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def has_error(self) -> bool:
        return any(issue.severity == "error" for issue in self.issues)

    def codes(self) -> tuple[str, ...]:
        return tuple(issue.code for issue in self.issues)

    def for_field(self, name: str) -> Normalised:
        """The same result with every issue filed under field ``name`` (e.g. ``mobile_phone``)."""
        if all(issue.field == name for issue in self.issues):
            return self
        issues = tuple(replace(issue, field=name) for issue in self.issues)
        return Normalised(self.value, issues, dict(self.extra))


_NOTHING = Normalised(None)

# No-break spaces (plain, narrow, figure).
_NBSP = "\u00a0\u202f\u2007"
_EMAIL_CLEAN = dict.fromkeys(map(ord, INVISIBLE + _NBSP), None)
_SPACE_CLEAN = {**DROP_INVISIBLE, **dict.fromkeys(map(ord, _NBSP), " ")}

_MAX_SHOWN = 80


def _shown(text: str) -> str:
    """The raw value as quoted in a message: trimmed, and shortened when it is very long."""
    shown = " ".join(text.translate(DROP_INVISIBLE).split())
    if len(shown) > _MAX_SHOWN:
        shown = shown[: _MAX_SHOWN - 1] + "…"
    return f'"{shown}"'


def _one(field_name: str, code: str, severity: Severity, message: str) -> tuple[Issue, ...]:
    return (Issue(field=field_name, code=code, severity=severity, message=message),)


def _fold(text: str) -> str:
    """A look-up key: accents stripped, case folded, ``&`` read as "and", punctuation dropped.

    Dots and apostrophes vanish (``U.S.`` is ``us``, ``d'Ivoire`` is ``divoire``); any
    other run of punctuation or space becomes one space.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = bare.casefold().replace("&", " and ")
    folded = _DOTS.sub("", folded)
    return " ".join(_NON_WORD.split(folded)).strip()


_DOTS = re.compile("[.'`\u2019\u00b4]")  # dots, apostrophes and the accents typed for them
_NON_WORD = re.compile(r"[\W_]+")


# ---------------------------------------------------------------------------- e-mail

# Role addresses: several people read them, so they never identify one person.
SHARED_MAILBOXES = frozenset(
    {
        "info", "information", "sales", "marketing", "contact", "contacts", "contactus",
        "admin", "administrator", "office", "hello", "hi", "support", "events", "event",
        "team", "noreply", "no-reply", "donotreply", "do-not-reply", "enquiries", "enquiry",
        "inquiries", "inquiry", "help", "helpdesk", "service", "services", "customerservice",
        "mail", "webmaster", "postmaster", "hostmaster", "hr", "jobs", "careers", "recruiting",
        "billing", "accounts", "accounting", "finance", "reception", "press", "media", "pr",
        "general", "business", "partners", "partner", "orders", "newsletter", "feedback",
        "kontakt", "vertrieb", "buero", "bureau", "verkauf",
    }
)  # fmt: skip

_MAILTO = "mailto:"
_SPACE_AT = re.compile(r"\s*@\s*")
# `Ada Lovelace <ada@example.com>` or `"Lovelace, Ada" <ada@example.com>`.
_DISPLAY_FORM = re.compile(r"(?s)(?:\"[^\"]*\"|[^<>\"])*<([^<>]*)>")


def _strip_mailto(text: str) -> str:
    if text[: len(_MAILTO)].lower() == _MAILTO:
        text = text[len(_MAILTO) :].strip()
    return text


def _address_part(text: str) -> str:
    """The bare address from a cell: ``mailto:``, a display name and angle brackets removed."""
    text = text.translate(_EMAIL_CLEAN).strip()
    address = _strip_mailto(text)
    from_link = address != text
    display = _DISPLAY_FORM.fullmatch(address)
    if display:
        inner = display.group(1).strip()
        address = _strip_mailto(inner)
        from_link = from_link or address != inner
    if from_link:
        # A mailto link may carry ?subject=...
        address = address.partition("?")[0]
    # A no-break space typed before or after the "@" becomes a plain space once a cell
    # is cleaned; no address has a space there, so the space is dropped.
    return _SPACE_AT.sub("@", address)


# The everyday address, checked without email_validator's general machinery (which costs
# tens of microseconds an address): ASCII dot-atom local part, ASCII host labels, a
# letter TLD. Anything else (quoted parts, IDN, special-use names) takes the full path.
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_PLAIN_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_PLAIN_TLD = re.compile(r"[A-Za-z]{2,63}")
_SPECIAL_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test", "internal"})


def _plain_address(address: str) -> tuple[str, str] | None:
    """``(local part, address)`` lower-cased if ``address`` is plainly valid, else None."""
    if not address.isascii() or len(address) > 254:
        return None
    local, at, domain = address.rpartition("@")
    if not at or len(local) > 64 or not _PLAIN_LOCAL.fullmatch(local):
        return None
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253 or labels[-1].lower() in _SPECIAL_TLDS:
        return None
    if not _PLAIN_TLD.fullmatch(labels[-1]) or any(label[2:4] == "--" for label in labels):
        return None  # "xn--" and other "ab--" labels are for IDNA: the full check decides
    if not all(_PLAIN_LABEL.fullmatch(label) for label in labels[:-1]):
        return None
    lowered = address.lower()
    return lowered.rpartition("@")[0], lowered


@lru_cache(maxsize=4096)
def normalise_email(text: str) -> Normalised:
    """Validate and lower-case an e-mail address.

    Accepts surrounding whitespace, zero-width characters and no-break spaces,
    a ``mailto:`` prefix and the display-name forms ``Ada <ada@example.com>`` and
    ``"Lovelace, Ada" <ada@example.com>``. Syntax only: no DNS look-up.
    Internationalised domains are allowed and kept in Unicode form.

    Args:
        text: The cell as read.

    Returns:
        The lower-cased address; None with an ``invalid_email`` error when it is not
        one. A role mailbox (``info@``, ``sales@`` ...) is kept, marked
        ``extra={"shared_mailbox": "yes"}`` with a ``shared_mailbox`` info issue.
    """
    if not text.translate(_EMAIL_CLEAN).strip():
        return _NOTHING
    address = _address_part(text)
    plain = _plain_address(address)
    issues: tuple[Issue, ...] = ()
    if plain is not None:
        local, value = plain
    else:
        try:
            checked = validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            return Normalised(
                None,
                _one(
                    "email",
                    "invalid_email",
                    "error",
                    f"{_shown(text)} is not a valid e-mail address.",
                ),
            )
        local = checked.local_part.lower()
        value = f"{local}@{checked.domain.lower()}"
        issues = _look_alike(text, local, checked.domain.lower(), checked.ascii_domain)
    if local.partition("+")[0] in SHARED_MAILBOXES:
        return Normalised(
            value,
            (
                *issues,
                *_one(
                    "email",
                    "shared_mailbox",
                    "info",
                    f"{_shown(text)} is a shared mailbox, so it is kept but not used to match"
                    " people.",
                ),
            ),
            {"shared_mailbox": "yes"},
        )
    return Normalised(value, issues)


def _look_alike(text: str, local: str, domain: str, ascii_domain: str | None) -> tuple[Issue, ...]:
    """Warnings for a domain label or a local part that mixes scripts (a homoglyph address)."""
    issues: list[Issue] = []
    for label in domain.split("."):
        mix = script_mix(label)
        if mix is not None:
            punycode = ascii_domain and ascii_domain != domain
            shown = f"{domain} ({ascii_domain})" if punycode else domain
            issues.append(Issue(
                "email", "mixed_script_domain", "warning",
                f"{_shown(text)}: the domain {shown} mixes {mix.describe()}, as look-alike"
                " domains do; check it is the company's real domain.",
            ))  # fmt: skip
            break
    mix = script_mix(local)
    if mix is not None:
        issues.append(Issue(
            "email", "mixed_script_local_part", "warning",
            f"{_shown(text)}: the name before the @ mixes {mix.describe()}, as look-alike"
            " addresses do; check the address.",
        ))  # fmt: skip
    return tuple(issues)


def email_domain(email: str) -> str | None:
    """The lower-case domain of an e-mail address, or None when there is no usable one.

    The domain is cleaned like a website (see :func:`normalise_website`), so the two
    compare equal for the same company.
    """
    local, at, domain = _address_part(email).rpartition("@")
    if not at or not local:
        return None
    return _clean_domain(domain)


# ---------------------------------------------------------------------------- phone

_PHONE_FIELD = "phone"
# Excel's text formula, used to keep leading zeros: ="0049301234".
_TEXT_FORMULA = re.compile(r'=\s*"(.*)"', re.DOTALL)
# Excel's scientific rendering of a number: 1.2125550147E+10, 4,15555E+09.
_SCIENTIFIC = re.compile(r"(\+?\d)(?:[.,](\d*))?[eE]\+?(\d{1,3})")
# A float rendering of a whole number: 4155550123.0
_FLOAT = re.compile(r"(\+?\d{4,})[.,]0+")
_IS_POSSIBLE = phonenumbers.ValidationResult.IS_POSSIBLE


def _parse_phone(text: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=4096)
def normalise_phone(text: str, region: str | None) -> Normalised:
    """Format a phone number as E.164, with any extension split off.

    Numbers without a country code are read in ``region`` (ISO 3166-1 alpha-2 of
    the row's country, else the event's). A leading ``00`` is read as ``+`` when
    the region's own reading does not give a valid number.

    Spreadsheet damage is undone where nothing was lost: the text formula
    ``="0049301234"``, the float ``4155550123.0`` and scientific renderings such
    as ``1.2125550147E+10`` whose mantissa still holds every digit (a
    ``phone_recovered`` issue says so). ``4.15555E+09`` lost digits and gives a
    ``phone_mangled`` error.

    Args:
        text: The cell as read.
        region: The region to read national numbers in, or None.

    Returns:
        The E.164 number, the extension as ``extra["phone_ext"]``. A number that is
        possible but not known valid (fictional ranges such as Ofcom's 07700 900xxx)
        is kept with a ``phone_unverified`` warning; anything else gives None and an
        ``invalid_phone`` error.
    """
    cleaned = text.translate(_SPACE_CLEAN).strip()
    if not cleaned:
        return _NOTHING
    formula = _TEXT_FORMULA.fullmatch(cleaned)
    if formula:
        cleaned = formula.group(1).strip()
    cleaned = cleaned.removeprefix("'").strip()
    if not cleaned:
        return _NOTHING
    region = region.strip().upper() if region else None
    if region not in phonenumbers.SUPPORTED_REGIONS:
        region = None

    notes: tuple[Issue, ...] = ()
    from_number = False  # the digits come from a number cell: "+" and leading zeros are gone
    scientific = _SCIENTIFIC.fullmatch(cleaned)
    if scientific:
        lead, decimals, exponent = (
            scientific.group(1),
            scientific.group(2) or "",
            scientific.group(3),
        )
        if len(decimals) < int(exponent):
            return Normalised(
                None,
                _one(
                    _PHONE_FIELD,
                    "phone_mangled",
                    "error",
                    f"{_shown(text)} was rounded by a spreadsheet, so the phone number's"
                    " digits are lost.",
                ),
            )
        if len(decimals) > int(exponent):
            return _invalid_phone(text)
        cleaned = lead + decimals
        from_number = not cleaned.startswith("+")
        notes = _one(
            _PHONE_FIELD,
            "phone_recovered",
            "warning",
            f"{_shown(text)} was shown in scientific notation by a spreadsheet and was read"
            f" back as {cleaned}.",
        )
    else:
        as_float = _FLOAT.fullmatch(cleaned)
        if as_float:
            cleaned = as_float.group(1)
            from_number = not cleaned.startswith("+")
            notes = _one(
                _PHONE_FIELD,
                "phone_recovered",
                "info",
                f"{_shown(text)} was stored as a number by a spreadsheet and was read back"
                f" as {cleaned}.",
            )

    first = _parse_phone(cleaned, region)
    chosen = first if first is not None and phonenumbers.is_valid_number(first) else None
    second = None
    if chosen is None:
        if from_number:
            second = _parse_phone("+" + cleaned, None)
        elif cleaned.startswith("00"):
            second = _parse_phone("+" + cleaned[2:], None)
        if second is not None and phonenumbers.is_valid_number(second):
            chosen = second
    if chosen is None:
        for candidate in (first, second):
            if (
                candidate is not None
                and phonenumbers.is_possible_number_with_reason(candidate) == _IS_POSSIBLE
                and _plausible(candidate)
            ):
                chosen = candidate
                notes += _one(
                    _PHONE_FIELD,
                    "phone_unverified",
                    "warning",
                    f"{_shown(text)} has the right length but is not a number the phone plan"
                    " knows to be in use, so it is kept unverified.",
                )
                break
    if chosen is None:
        no_region = first is None and region is None and not cleaned.startswith(("+", "00"))
        return _invalid_phone(text, no_region=no_region)

    value = phonenumbers.format_number(chosen, phonenumbers.PhoneNumberFormat.E164)
    extension = chosen.extension
    return Normalised(value, notes, {"phone_ext": extension} if extension else {})


# North American numbers: the area code and the exchange never start with 0 or 1, so a
# "possible" +1 number that does (a foreign national number read in the US) is not one.
_NANP_SHAPE = re.compile(r"[2-9]\d{2}[2-9]\d{6}")


def _plausible(number: phonenumbers.PhoneNumber) -> bool:
    """A possible number kept unverified must at least have its plan's shape."""
    if number.country_code == 1:
        return bool(_NANP_SHAPE.fullmatch(str(number.national_number)))
    return True


def _invalid_phone(text: str, *, no_region: bool = False) -> Normalised:
    if no_region:
        message = f"{_shown(text)} has no country code and no country is known to read it in."
    else:
        message = f"{_shown(text)} is not a possible phone number."
    return Normalised(None, _one(_PHONE_FIELD, "invalid_phone", "error", message))


# ---------------------------------------------------------------------------- country

# Spellings that ISO 3166 does not list: everyday English, abbreviations, native
# names and the names other European languages use. Keys are folded by _fold().
_COUNTRY_VARIANTS: dict[str, tuple[str, ...]] = {
    "US": (
        "USA", "U.S.", "U.S.A.", "United States of America", "America", "United States",
        "US of A", "Estados Unidos", "Vereinigte Staaten", "Etats-Unis", "Stati Uniti",
        "Verenigde Staten",
    ),
    "GB": (
        "UK", "U.K.", "Great Britain", "Britain", "England", "Scotland", "Wales", "Cymru",
        "Northern Ireland", "Vereinigtes Königreich", "Royaume-Uni", "Reino Unido",
        "Regno Unito", "Verenigd Koninkrijk", "Grossbritannien", "Großbritannien",
        "Grande-Bretagne", "Gran Bretaña",
    ),
    "DE": ("Deutschland", "Allemagne", "Alemania", "Germania", "Duitsland", "Niemcy", "BRD"),
    "ES": ("España", "Espagne", "Spanien", "Spagna", "Spanje", "Hiszpania"),
    "FR": ("Frankreich", "Francia", "Frankrijk", "Francja"),
    "IT": ("Italia", "Italien", "Italie", "Włochy"),
    "AT": ("Österreich", "Autriche", "Austria", "Oostenrijk"),
    "CH": ("Schweiz", "Suisse", "Svizzera", "Svizra", "Zwitserland", "Suiza"),
    "NL": ("Nederland", "Holland", "The Netherlands", "Niederlande", "Pays-Bas", "Países Bajos"),
    "BE": ("Belgique", "België", "Belgien", "Belgio", "Bélgica"),
    "LU": ("Luxemburg", "Lëtzebuerg"),
    "PL": ("Polska", "Polen", "Pologne"),
    "BR": ("Brasil", "Brasilien"),
    "MX": ("México", "Mexiko", "Mexique"),
    "CZ": ("Česko", "Czech Republic", "Česká republika", "Tschechien"),
    "SK": ("Slovensko", "Slowakei"),
    "DK": ("Danmark", "Dänemark"),
    "SE": ("Sverige", "Schweden", "Suède"),
    "NO": ("Norge", "Norwegen", "Norvège"),
    "FI": ("Suomi", "Finnland"),
    "IE": ("Ireland", "Republic of Ireland", "Éire", "Eire", "Irland"),
    "GR": ("Ελλάδα", "Hellas", "Griechenland"),
    "HU": ("Magyarország", "Ungarn"),
    "RO": ("România",),
    "HR": ("Hrvatska", "Kroatien"),
    "SI": ("Slovenija",),
    "JP": ("Japan", "Nippon", "Japon"),
    "CN": ("China", "PRC", "People's Republic of China", "Mainland China"),
    "KR": ("South Korea", "Korea, Republic of", "Republic of Korea", "Korea", "S. Korea"),
    "KP": ("North Korea",),
    "RU": ("Russia", "Russland", "Russie"),
    "VN": ("Vietnam",),
    "TR": ("Türkiye", "Turkey", "Türkei", "Turquie"),
    "AE": ("UAE", "U.A.E.", "Emirates"),
    "HK": ("Hong Kong", "Hong Kong SAR", "Hong Kong, China"),
    "MO": ("Macau", "Macao SAR"),
    "TW": ("Taiwan", "Chinese Taipei"),
    "CI": ("Ivory Coast", "Côte d'Ivoire", "Cote d'Ivoire"),
    "IR": ("Iran", "Persia"),
    "SY": ("Syria",),
    "LA": ("Laos",),
    "MD": ("Moldova",),
    "BO": ("Bolivia",),
    "VE": ("Venezuela",),
    "TZ": ("Tanzania",),
    "MK": ("Macedonia", "North Macedonia"),
    "SZ": ("Swaziland", "Eswatini"),
    "MM": ("Burma", "Myanmar"),
    "CV": ("Cape Verde",),
    "CD": ("DR Congo", "DRC", "Democratic Republic of the Congo", "Congo-Kinshasa"),
    "CG": ("Republic of the Congo", "Congo-Brazzaville"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "PS": ("Palestine",),
    "ZA": ("South Africa", "RSA"),
    "NZ": ("New Zealand", "Aotearoa"),
    "IN": ("Bharat",),
    "SA": ("KSA", "Saudi Arabia"),
}  # fmt: skip

_LEADING_THE = "the "


def _name_forms(name: str) -> Iterator[str]:
    """The name and its shorter forms: without a bracketed note, before an inverting comma."""
    yield name
    bare = re.sub(r"\s*[\[(][^\])]*[\])]", "", name).strip()
    if bare and bare != name:
        yield bare
    head, comma, _tail = bare.partition(",")
    if comma and head.strip():
        yield head.strip()


def _add_level(table: dict[str, str], pairs: Iterable[tuple[str, str]], clashes: set[str]) -> None:
    """Add (spelling, code) pairs at one level of trust.

    A key already in the table (from a more trusted level) is left alone; a key that two
    codes share at the same level is ambiguous, so it is left out for good.
    """
    level: dict[str, str] = {}
    for raw, code in pairs:
        key = _fold(raw)
        if not key or key in table:
            continue
        if level.get(key, code) != code:
            clashes.add(key)
        level[key] = code
    for key, code in level.items():
        if key not in clashes:
            table[key] = code


@lru_cache(maxsize=1)
def _country_table() -> dict[str, str]:
    """Folded spelling → alpha-2, most trusted spellings first; ambiguous ones left out."""
    table: dict[str, str] = {}
    clashes: set[str] = set()
    countries = list(pycountry.countries)
    # Levels, most trusted first: a later level never overrides an earlier one.
    levels: list[list[tuple[str, str]]] = [
        [(variant, code) for code, variants in _COUNTRY_VARIANTS.items() for variant in variants],
        [(str(c.alpha_2), str(c.alpha_2)) for c in countries]
        + [(str(c.alpha_3), str(c.alpha_2)) for c in countries],
        [
            (str(getattr(c, attr)), str(c.alpha_2))
            for c in countries
            for attr in ("name", "official_name", "common_name")
            if getattr(c, attr, None)
        ],
        [
            (form, str(c.alpha_2))
            for c in countries
            for attr in ("name", "official_name", "common_name")
            if getattr(c, attr, None)
            for form in list(_name_forms(str(getattr(c, attr))))[1:]
        ],
    ]
    for level in levels:
        _add_level(table, level, clashes)
    return table


def _lookup_country(text: str) -> str | None:
    key = _fold(text)
    if not key:
        return None
    table = _country_table()
    found = table.get(key)
    if found is None and key.startswith(_LEADING_THE):
        found = table.get(key.removeprefix(_LEADING_THE))
    return found


@lru_cache(maxsize=4096)
def normalise_country(text: str) -> Normalised:
    """ISO 3166-1 alpha-2 code for a country name or code.

    Reads alpha-2 and alpha-3 codes, ISO names (short, official and common),
    everyday variants (``USA``, ``U.K.``, ``England``, ``Holland``) and native or
    other-language names (``Deutschland``, ``Österreich``, ``Suisse``), ignoring
    case, accents and punctuation. Exact look-ups only: nothing is fuzzily matched.

    Args:
        text: The cell as read.

    Returns:
        The alpha-2 code; None with an ``unknown_country`` warning when the text names
        no country this table knows.
    """
    if not _fold(text):
        return _NOTHING
    code = _lookup_country(text)
    if code is None:
        return Normalised(
            None,
            _one(
                "country", "unknown_country", "warning", f"{_shown(text)} is not a known country."
            ),
        )
    return Normalised(code)


def _country_code(country: str | None) -> str | None:
    """The alpha-2 code of a country given as a code or name, or None."""
    if not country or not country.strip():
        return None
    return normalise_country(country).value


# ---------------------------------------------------------------------------- state

# Names that pycountry does not give a subdivision: English names of German Länder,
# French names of Canadian provinces, older names and codes. Values are the part of
# the ISO 3166-2 code after the hyphen.
_STATE_VARIANTS: dict[str, dict[str, tuple[str, ...]]] = {
    "DE": {
        "BW": ("Baden-Wuerttemberg", "Baden-Wurttemberg"),
        "BY": ("Bavaria",),
        "HE": ("Hesse",),
        "MV": (
            "Mecklenburg-Western Pomerania", "Mecklenburg-West Pomerania",
            "Mecklenburg-Vorpommern",
        ),
        "NI": ("Lower Saxony",),
        "NW": ("North Rhine-Westphalia", "North Rhine Westphalia", "NRW"),
        "RP": ("Rhineland-Palatinate",),
        "SN": ("Saxony",),
        "ST": ("Saxony-Anhalt",),
        "TH": ("Thuringia", "Thueringen"),
    },
    "CA": {
        "BC": ("Colombie-Britannique",),
        "NB": ("Nouveau-Brunswick",),
        "NL": ("Newfoundland", "Labrador", "Terre-Neuve-et-Labrador", "NF"),
        "NS": ("Nouvelle-Écosse",),
        "NT": ("Territoires du Nord-Ouest", "NWT"),
        "PE": ("Île-du-Prince-Édouard", "PEI"),
        "QC": ("Québec", "PQ"),
        "YT": ("Yukon Territory",),
    },
    "US": {
        "DC": ("Washington DC", "Washington, D.C.", "D.C."),
    },
    "AU": {
        "ACT": ("Canberra",),
    },
    "IN": {
        "OD": ("Orissa", "OR"),
        "UK": ("Uttaranchal", "UT"),
        "PY": ("Pondicherry",),
        "DL": ("New Delhi", "NCT of Delhi", "National Capital Territory of Delhi"),
        "CG": ("Chattisgarh", "Chhattisgarh", "CT"),
        "TS": ("Telangana", "TG"),
    },
    "GB": {
        "WLS": ("Wales", "Cymru"),
    },
    "CH": {
        "BE": ("Bern",),
        "GE": ("Genf", "Geneva"),
        "VD": ("Waadt",),
        "TI": ("Tessin",),
    },
}  # fmt: skip

_FULL_SUBDIVISION_CODE = re.compile(r"([A-Za-z]{2})\s*-\s*([A-Za-z0-9]{1,3})")


@lru_cache(maxsize=1)
def _subdivision_tables() -> tuple[dict[str, dict[str, str]], frozenset[str]]:
    """Per country, folded spelling → ISO 3166-2 code; and the set of every code."""
    grouped: dict[str, list[tuple[str, str, bool]]] = {}
    for sub in pycountry.subdivisions:
        grouped.setdefault(str(sub.country_code), []).append(
            (str(sub.code), str(sub.name), sub.parent_code is None)
        )
    tables: dict[str, dict[str, str]] = {}
    for country, subs in grouped.items():
        table: dict[str, str] = {}
        clashes: set[str] = set()
        variants = _STATE_VARIANTS.get(country, {})
        # Levels, most trusted first. Full codes and the part after the hyphen (which is
        # the postal abbreviation in the US, Canada and Australia) are unique.
        for code, _name, _top in subs:
            table[_fold(code)] = code
            table[_fold(code.partition("-")[2])] = code
        _add_level(
            table,
            [(name, f"{country}-{suffix}") for suffix, names in variants.items() for name in names],
            clashes,
        )
        for top_level in (True, False):
            level = [(name, code) for code, name, top in subs if top is top_level]
            _add_level(table, level, clashes)
        _add_level(
            table,
            [(form, code) for code, name, _top in subs for form in list(_name_forms(name))[1:]],
            clashes,
        )
        tables[country] = table
    codes = frozenset(str(sub.code) for sub in pycountry.subdivisions)
    return tables, codes


@lru_cache(maxsize=8192)
def normalise_state(text: str, country: str | None) -> Normalised:
    """ISO 3166-2 code for a state, province or other subdivision of ``country``.

    Reads subdivision names as ISO lists them, English and other variants kept
    for the big countries (``Bavaria``, ``Lower Saxony``, ``Québec``), the code
    after the hyphen (``CA``, ``ON``, ``NSW``, ``BY``: the postal abbreviation in
    the US, Canada and Australia) and full codes (``US-CA``).

    Args:
        text: The cell as read.
        country: The row's country, as an alpha-2 code (or any spelling
            :func:`normalise_country` reads), or None.

    Returns:
        The ISO 3166-2 code. Without a country only a full code is accepted; anything
        else gives None and a ``state_without_country`` warning. A subdivision not in
        the country gives None and an ``unknown_state`` warning; a country that has no
        subdivisions gives None and a ``no_subdivisions`` info issue.
    """
    key = _fold(text)
    if not key:
        return _NOTHING
    tables, all_codes = _subdivision_tables()
    code = _country_code(country)
    full = _FULL_SUBDIVISION_CODE.fullmatch(text.translate(_SPACE_CLEAN).strip())
    full_code = f"{full.group(1)}-{full.group(2)}".upper() if full else None
    if code is None:
        if full_code in all_codes:
            return Normalised(full_code)
        return Normalised(
            None,
            _one(
                "state",
                "state_without_country",
                "warning",
                f"{_shown(text)} cannot be read as a state or province without a country.",
            ),
        )
    table = tables.get(code)
    if table is None:
        return Normalised(
            None,
            _one(
                "state",
                "no_subdivisions",
                "info",
                f"{_shown(text)} is not kept as a state because {code} has no states or"
                " provinces in ISO 3166-2.",
            ),
        )
    found = table.get(key)
    if found is None and key.startswith(_LEADING_THE):
        found = table.get(key.removeprefix(_LEADING_THE))
    if found is None:
        return Normalised(
            None,
            _one(
                "state",
                "unknown_state",
                "warning",
                f"{_shown(text)} is not a known state or province of {code}.",
            ),
        )
    return Normalised(found)


# ---------------------------------------------------------------------------- postal code

_US_ZIP = re.compile(r"(\d{5})(?:[- ]?(\d{4}))?")
# Countries whose postal codes are always five digits, from 01xxx (Dresden 01067, Ain
# 01000, Álava 01001): four digits not starting with 0 there lost the zero in a spreadsheet.
_FIVE_DIGIT_POSTCODES = frozenset({"DE", "FR", "ES"})
_FOUR_DIGITS = re.compile(r"[1-9]\d{3}")
_US_ZIP_NO_ZERO = re.compile(r"(\d{4})(?:[- ]?(\d{4}))?")


def _zero_restored(text: str, restored: str) -> Normalised:
    return Normalised(
        restored,
        _one(
            "postal_code",
            "postal_zero_restored",
            "warning",
            f"{_shown(text)} lost its leading zero in a spreadsheet and was read as {restored}.",
        ),
    )


def normalise_postal_code(text: str, country: str | None) -> Normalised:
    """Tidy a postal code: trimmed, inner whitespace folded, letters upper-case.

    Leading zeros are kept. For the US, and the countries whose codes are always five
    digits (DE, FR, ES), a 4-digit code (a spreadsheet dropped the leading zero)
    gets its zero back with a ``postal_zero_restored`` warning; for the US a
    ZIP+4 is written ``02134-1234``, and any other shape is kept with a
    ``postal_suspect`` warning.

    Args:
        text: The cell as read.
        country: The row's country, as an alpha-2 code (or any spelling
            :func:`normalise_country` reads), or None.

    Returns:
        The tidied code, with the issues above.
    """
    value = " ".join(text.translate(_SPACE_CLEAN).split()).upper()
    if not value:
        return _NOTHING
    code = _country_code(country)
    if code in _FIVE_DIGIT_POSTCODES and _FOUR_DIGITS.fullmatch(value):
        return _zero_restored(text, f"0{value}")
    if code != "US":
        return Normalised(value)
    zip_code = _US_ZIP.fullmatch(value)
    if zip_code:
        five, four = zip_code.groups()
        return Normalised(f"{five}-{four}" if four else five)
    dropped = _US_ZIP_NO_ZERO.fullmatch(value)
    if dropped:
        four_digits, plus_four = dropped.groups()
        restored = f"0{four_digits}-{plus_four}" if plus_four else f"0{four_digits}"
        return _zero_restored(text, restored)
    return Normalised(
        value,
        _one(
            "postal_code",
            "postal_suspect",
            "warning",
            f"{_shown(text)} does not look like a US ZIP code (5 or 9 digits).",
        ),
    )


# ---------------------------------------------------------------------------- website

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://|^//")
_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?")
_WWW = "www."


def _decode_label(label: str) -> str | None:
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return None


@lru_cache(maxsize=8192)
def _clean_domain(host: str) -> str | None:
    """A host name as a bare lower-case domain: port, ``www.`` and trailing dot gone, or None."""
    host = host.partition(":")[0].strip().rstrip(".").lower()
    if "." not in host or len(host) > 253:
        return None
    labels: list[str] = []
    for label in host.split("."):
        decoded = _decode_label(label)
        if decoded is None or not _LABEL.fullmatch(decoded):
            return None
        labels.append(decoded.lower())
    if not any(char.isalpha() for char in labels[-1]):
        return None  # an IP address, or a number, is not a website
    domain = ".".join(labels)
    while domain.startswith(_WWW) and "." in domain[len(_WWW) :]:
        domain = domain[len(_WWW) :]
    return domain


@lru_cache(maxsize=8192)
def normalise_website(text: str) -> Normalised:
    """A website as a bare lower-case domain (``acme.com``).

    Strips the scheme, user name, ``www.``, path, query, fragment, port and a
    trailing dot. Internationalised domains are kept (and ``xn--`` labels shown)
    in Unicode form.

    Args:
        text: The cell as read.

    Returns:
        The domain; None with an ``invalid_website`` warning for placeholders such as
        ``n/a`` or ``-`` and anything else that is not a domain.
    """
    cleaned = text.translate(_SPACE_CLEAN).strip()
    if not cleaned:
        return _NOTHING
    rest = _SCHEME.sub("", cleaned.lower().replace("\\", "/"), count=1)
    host = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")[2]
    domain = _clean_domain(host) if " " not in host else None
    if domain is None:
        return Normalised(
            None,
            _one("website", "invalid_website", "warning", f"{_shown(text)} is not a website."),
        )
    return Normalised(domain)


# ---------------------------------------------------------------------------- company key

# Legal-form suffixes, as written; they are folded into token runs by _tokens().
_LEGAL_SUFFIXES = """
    Inc | Inc. | Incorporated | Corp | Corp. | Corporation | Co | Co. | Company | Cos | Ltd | Ltd. |
    Limited | LLC | L.L.C. | LLP | L.L.P. | LP | L.P. | PLC | P.L.C. | GmbH | GmbH & Co. KG |
    GmbH & Co. KGaA | mbH | AG | KG | KGaA | OHG | UG | e.K. | e.V. | SE | S.A. | SA | SAS |
    S.A.S. | SARL | S.A.R.L. | S.à r.l. | SRL | S.R.L. | S.r.l. | S.L. | SL | SLU | S.A.U. |
    SpA | S.p.A. | B.V. | BV | N.V. | NV | Pty | Pty Ltd | Pty. Ltd. | Pte | Pte Ltd | Oy |
    Oyj | AB | A/S | ApS | AS | ASA | KK | K.K. | Kabushiki Kaisha | Co., Ltd. | Co. Ltd |
    Sdn Bhd | Lda | Ltda | S.A. de C.V. | SA de CV | Limited Liability Company | LLC Ltd
"""
# Suffixes that are also everyday words: only removed when written with their dots.
_DOTTED_ONLY: dict[tuple[str, ...], str] = {("spa",): "s.p.a"}
_THE = "the"
_AND = "and"


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_fold(text).split())


@lru_cache(maxsize=1)
def _suffix_runs() -> tuple[tuple[str, ...], ...]:
    """The legal suffixes as token runs, longest first so that the longest one matches."""
    runs = {_tokens(suffix) for suffix in _LEGAL_SUFFIXES.split("|")}
    runs.discard(())
    return tuple(sorted(runs, key=len, reverse=True))


@lru_cache(maxsize=16384)
def company_key(text: str) -> str | None:
    """A key for matching company names, not for display.

    Case-folded, accents stripped, punctuation removed and ``&`` read as "and";
    legal-form suffixes (Inc, Corp., Ltd, GmbH & Co. KG, S.A., B.V., Pty Ltd ...)
    and a leading "The" are removed, as long as something is left. "ACME
    Corporation", "Acme Corp." and "acme, inc" all give "acme".

    Args:
        text: The company name as written.

    Returns:
        The key, or None when the name is blank.
    """
    tokens = list(_tokens(text))
    if not tokens:
        return None
    lowered = text.casefold()
    runs = _suffix_runs()
    removed = True
    while removed:
        removed = False
        for run in runs:
            size = len(run)
            left = tokens[:-size]
            if left and left != [_THE] and tuple(tokens[-size:]) == run:
                marker = _DOTTED_ONLY.get(run)
                if marker is not None and marker not in lowered:
                    continue
                del tokens[-size:]
                removed = True
                break
        while len(tokens) > 1 and tokens[-1] == _AND:
            del tokens[-1]
            removed = True
    if len(tokens) > 1 and tokens[0] == _THE:
        del tokens[0]
    return " ".join(tokens)
