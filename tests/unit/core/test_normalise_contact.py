from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import pycountry
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intake_app.core.issues import Issue
from intake_app.core.normalise.contact import (
    Normalised,
    company_key,
    email_domain,
    normalise_country,
    normalise_email,
    normalise_phone,
    normalise_postal_code,
    normalise_state,
    normalise_website,
)


def codes(result: Normalised) -> list[str]:
    return [issue.code for issue in result.issues]


def only_issue(result: Normalised) -> Issue:
    assert len(result.issues) == 1, result.issues
    return result.issues[0]


# ----------------------------------------------------------------- Normalised


def test_normalised_defaults_and_is_frozen() -> None:
    result = Normalised("x")

    assert result.issues == ()
    assert result.extra == {}
    assert not result.has_error
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.value = "y"  # type: ignore[misc]


def test_normalised_extra_defaults_are_not_shared() -> None:
    assert Normalised("a").extra is not Normalised("b").extra


def test_for_field_files_issues_under_another_field() -> None:
    result = normalise_phone("123", "US").for_field("mobile_phone")

    assert [issue.field for issue in result.issues] == ["mobile_phone"]
    assert normalise_phone("123", "US").issues[0].field == "phone"


# ----------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ada@example.com", "ada@example.com"),
        ("  Ada.Lovelace@Example.COM  ", "ada.lovelace@example.com"),
        ("\u200bada@example.com\u200d", "ada@example.com"),
        ("\ufeffada@example.com\u2060", "ada@example.com"),
        ("ada@exam\u200cple.com", "ada@example.com"),
        ("\u00a0ada@example.com\u00a0", "ada@example.com"),
        ("ada\u00a0@example.com", "ada@example.com"),
        ("mailto:ada@example.com", "ada@example.com"),
        ("MAILTO:Ada@Example.com", "ada@example.com"),
        ("mailto:ada@example.com?subject=Hello", "ada@example.com"),
        ("Ada Lovelace <ada@example.com>", "ada@example.com"),
        ('"Lovelace, Ada" <ada@example.com>', "ada@example.com"),
        ("<ada@example.com>", "ada@example.com"),
        ("Ada <mailto:ADA@example.com>", "ada@example.com"),
        ("mailto:Name <a@b.com>", "a@b.com"),
        ('"Ada <the first> Lovelace" <ada@example.com>', "ada@example.com"),
        ("  Ada Lovelace   < ada@example.com >  ", "ada@example.com"),
        ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
    ],
)
def test_email_is_cleaned_and_lower_cased(raw: str, expected: str) -> None:
    result = normalise_email(raw)

    assert result.value == expected
    assert result.issues == ()
    assert result.extra == {}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("user@münchen.de", "user@münchen.de"),
        ("User@MÜNCHEN.de", "user@münchen.de"),
        ("user@xn--mnchen-3ya.de", "user@münchen.de"),
        ("Jörg@example.com", "jörg@example.com"),
    ],
)
def test_email_allows_internationalised_addresses(raw: str, expected: str) -> None:
    assert normalise_email(raw).value == expected


@pytest.mark.parametrize(
    "raw",
    [
        "ada",
        "ada@",
        "@example.com",
        "ada@@example.com",
        "ada@localhost",
        "ada@example",
        "ada lovelace@example.com",
        "ada@exa mple.com",
        "ada@example..com",
        "a@b.com; c@d.com",
        "n/a",
        "--",
        "Ada Lovelace",
        "Ada <>",
        "mailto:",
    ],
)
def test_invalid_email_is_flagged_not_kept(raw: str) -> None:
    result = normalise_email(raw)

    assert result.value is None
    issue = only_issue(result)
    assert issue == Issue("email", "invalid_email", "error", issue.message)
    assert raw.strip() in issue.message
    assert result.has_error


@pytest.mark.parametrize("raw", ["", "   ", "\u200b", "\u00a0 \ufeff"])
def test_blank_email_gives_nothing(raw: str) -> None:
    assert normalise_email(raw) == Normalised(None)


@pytest.mark.parametrize(
    "raw",
    [
        "info@acme.com",
        "Sales@Acme.com",
        "marketing@acme.com",
        "contact@acme.com",
        "admin@acme.com",
        "office@acme.com",
        "hello@acme.com",
        "support@acme.com",
        "events@acme.com",
        "team@acme.com",
        "noreply@acme.com",
        "no-reply@acme.com",
        "info+booth@acme.com",
        "Acme Sales <sales@acme.com>",
    ],
)
def test_shared_mailbox_is_kept_and_marked(raw: str) -> None:
    result = normalise_email(raw)

    assert result.value is not None
    assert result.value.endswith("@acme.com")
    assert result.extra == {"shared_mailbox": "yes"}
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == ("email", "shared_mailbox", "info")
    assert not result.has_error


@pytest.mark.parametrize(
    "raw", ["information.desk@acme.com", "salesforce.admin@x.com", "ada@info.com"]
)
def test_personal_address_is_not_a_shared_mailbox(raw: str) -> None:
    assert normalise_email(raw).extra == {}


@pytest.mark.parametrize(
    "raw",
    [
        "ada\u00ad@example.com",  # soft hyphen
        "\u202eada@example.com",  # right-to-left override
        "ada@exa\u200emple.com",  # left-to-right mark
        "ada\x1b@example.com",  # a terminal escape
        "ada@example.com\U000e0041",  # a tag character
    ],
)
def test_other_invisible_and_control_characters_are_dropped(raw: str) -> None:
    assert normalise_email(raw) == normalise_email("ada@example.com")


@pytest.mark.parametrize(
    ("raw", "scripts", "odd"),
    [
        ("pat@p\u0430ypal.com", "Latin and Cyrillic", "\u0430"),  # Cyrillic a
        ("pat@xn--pypal-4ve.com", "Latin and Cyrillic", "\u0430"),  # the same, as IDNA
        ("ceo@\u03bfracle.com", "Latin and Greek", "\u03bf"),  # Greek omicron
        ("ceo@mail.g\u043e\u043egle.com", "Latin and Cyrillic", "\u043e"),  # in a subdomain
    ],
)
def test_a_domain_mixing_scripts_is_kept_and_flagged(raw: str, scripts: str, odd: str) -> None:
    result = normalise_email(raw)

    assert result.value is not None and result.value == result.value.lower()
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == ("email", "mixed_script_domain", "warning")
    assert f'mixes {scripts} letters ("{odd}" is ' in issue.message
    assert "look-alike" in issue.message and "xn--" in issue.message


def test_a_local_part_mixing_scripts_is_kept_and_flagged() -> None:
    result = normalise_email("j\u043ehn.smith@example.com")  # Cyrillic o

    assert result.value == "j\u043ehn.smith@example.com"
    issue = only_issue(result)
    assert issue.code == "mixed_script_local_part"
    assert issue.message == (
        '"j\u043ehn.smith@example.com": the name before the @ mixes Latin and Cyrillic letters'
        ' ("\u043e" is Cyrillic), as look-alike addresses do; check the address.'
    )


@pytest.mark.parametrize(
    "raw",
    [
        "olga@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",  # all Cyrillic
        "taro@\u4f8b\u3048.jp",  # Han and Hiragana: Japanese
        "taro@\u30c6\u30b9\u30c8abc.jp",  # Katakana with Latin
        "kim@\ud55c\uad6d\u4e2d.kr",  # Hangul with Han: Korean
        "j\u00f6rg@m\u00fcnchen.de",  # Latin with accents
        "ivan@\u0431\u0430\u043d\u043a.com",  # a Cyrillic label under a Latin TLD
    ],
)
def test_single_script_and_east_asian_mixes_are_not_flagged(raw: str) -> None:
    assert normalise_email(raw).issues == ()


def test_email_message_names_the_raw_value() -> None:
    issue = only_issue(normalise_email("not-an-address"))

    assert issue.message == '"not-an-address" is not a valid e-mail address.'


def test_very_long_raw_value_is_shortened_in_the_message() -> None:
    raw = "x" * 500

    message = only_issue(normalise_email(raw)).message

    assert len(message) < 150
    assert "…" in message


# ----------------------------------------------------------------- email_domain


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ada@Example.COM", "example.com"),
        ("Ada Lovelace <ada@www.acme.com>", "acme.com"),
        ("mailto:ada@sub.acme.co.uk", "sub.acme.co.uk"),
        ("ada@xn--mnchen-3ya.de", "münchen.de"),
        ("a@b@acme.com", "acme.com"),
        ("ada", None),
        ("@acme.com", None),
        ("ada@", None),
        ("ada@localhost", None),
        ("", None),
    ],
)
def test_email_domain(raw: str, expected: str | None) -> None:
    assert email_domain(raw) == expected


def test_email_domain_matches_the_website_form() -> None:
    assert email_domain("ada@ACME.com") == normalise_website("https://www.acme.com/").value


# ----------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("(415) 555-0123", "US", "+14155550123"),
        ("415.555.0123", "us", "+14155550123"),
        ("+1 212 555 0147", None, "+12125550147"),
        ("+1 212 555 0147", "DE", "+12125550147"),
        ("1-212-555-0147", "US", "+12125550147"),
        ("030 1234567", "DE", "+49301234567"),
        ("+49 (0)30 1234567", None, "+49301234567"),
        ("0049 30 1234567", "DE", "+49301234567"),
        ("0049 30 1234567", "US", "+49301234567"),
        ("020 7946 0123", "GB", "+442079460123"),
        ("02 5550 1234", "AU", "+61255501234"),
        ("\u00a0+44\u00a020 7946 0123\u200b", None, "+442079460123"),
        ("tel:+1-415-555-0123", None, "+14155550123"),
    ],
)
def test_phone_is_formatted_as_e164(raw: str, region: str | None, expected: str) -> None:
    result = normalise_phone(raw, region)

    assert result.value == expected
    assert result.issues == ()
    assert result.extra == {}


@pytest.mark.parametrize(
    "raw",
    [
        "415-555-0123 x123",
        "415-555-0123 X123",
        "415-555-0123 ext. 123",
        "415-555-0123 ext 123",
        "415-555-0123 extension 123",
        "tel:+1-415-555-0123;ext=123",
        "415-555-0123#123",
    ],
)
def test_phone_extension_goes_to_extra(raw: str) -> None:
    result = normalise_phone(raw, "US")

    assert result.value == "+14155550123"
    assert result.extra == {"phone_ext": "123"}
    assert result.issues == ()


@pytest.mark.parametrize("raw", ["4.15555E+09", "4.15555e+09", "4,15555E+09", "1.21255501E+10"])
def test_phone_rounded_by_excel_cannot_be_recovered(raw: str) -> None:
    result = normalise_phone(raw, "US")

    assert result.value is None
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == ("phone", "phone_mangled", "error")
    assert raw in issue.message
    assert "spreadsheet" in issue.message


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("1.2125550147E+10", "US"),
        ("1.2125550147E+10", None),
        ("1.2125550147E+10", "DE"),
        ("1.2125550147e10", "US"),
        ("1,2125550147E+10", "US"),
    ],
)
def test_phone_in_scientific_notation_with_every_digit_is_recovered(
    raw: str, region: str | None
) -> None:
    result = normalise_phone(raw, region)

    assert result.value == "+12125550147"
    issue = only_issue(result)
    assert (issue.code, issue.severity) == ("phone_recovered", "warning")
    assert raw in issue.message


def test_scientific_notation_of_a_fraction_is_not_a_phone() -> None:
    result = normalise_phone("4.1555501234E+09", "US")

    assert result.value is None
    assert codes(result) == ["invalid_phone"]


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("4155550123.0", "US", "+14155550123"),
        ("4155550123,00", "US", "+14155550123"),
        ("12125550147.0", None, "+12125550147"),
        ("4930123456.0", "US", "+4930123456"),
        ("+4930123456.0", "US", "+4930123456"),
    ],
)
def test_phone_float_rendering_is_recovered(raw: str, region: str | None, expected: str) -> None:
    result = normalise_phone(raw, region)

    assert result.value == expected
    assert codes(result) == ["phone_recovered"]
    assert not result.has_error


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ('="0049301234"', "DE", "+49301234"),
        ('="0049301234"', "US", "+49301234"),
        ('= "+1 415 555 0123"', None, "+14155550123"),
        ("'0049301234", "DE", "+49301234"),
    ],
)
def test_phone_excel_text_formula_is_unwrapped(raw: str, region: str | None, expected: str) -> None:
    result = normalise_phone(raw, region)

    assert result.value == expected
    assert result.issues == ()


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("+1 212 555 0147", None, "+12125550147"),  # NANP 555-01xx
        ("020 7946 0999", "GB", "+442079460999"),  # Ofcom drama range, London
    ],
)
def test_fictional_numbers_that_phonenumbers_calls_valid_import_cleanly(
    raw: str, region: str | None, expected: str
) -> None:
    result = normalise_phone(raw, region)

    assert result.value == expected
    assert result.issues == ()


def test_possible_but_unverified_number_is_kept_with_a_warning() -> None:
    result = normalise_phone("07700 900123", "GB")  # Ofcom drama mobile range

    assert result.value == "+447700900123"
    issue = only_issue(result)
    assert (issue.code, issue.severity) == ("phone_unverified", "warning")
    assert "07700 900123" in issue.message


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("123", "US"),
        ("555-0123", "US"),  # a local number only: no area code
        ("+1 415 555 0123 4567 89", None),
        ("n/a", "US"),
        ("--", "US"),
        ("call me", "DE"),
        ("+999 123 456", None),
    ],
)
def test_impossible_phone_is_flagged(raw: str, region: str | None) -> None:
    result = normalise_phone(raw, region)

    assert result.value is None
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == ("phone", "invalid_phone", "error")
    assert raw in issue.message


def test_national_number_without_any_region_is_flagged_not_guessed() -> None:
    result = normalise_phone("(415) 555-0123", None)

    assert result.value is None
    issue = only_issue(result)
    assert issue.code == "invalid_phone"
    assert "no country" in issue.message


@pytest.mark.parametrize("region", ["XX", "", "  ", "usa"])
def test_unknown_region_is_treated_as_none(region: str) -> None:
    assert normalise_phone("(415) 555-0123", region).value is None
    assert normalise_phone("+14155550123", region).value == "+14155550123"


@pytest.mark.parametrize("raw", ["", "  ", "\u200b", '=""'])
def test_blank_phone_gives_nothing(raw: str) -> None:
    assert normalise_phone(raw, "US") == Normalised(None)


# ----------------------------------------------------------------- country


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("US", "US"),
        ("us", "US"),
        ("USA", "US"),
        ("U.S.", "US"),
        ("u.s.a.", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("America", "US"),
        ("  united   states ", "US"),
        ("GB", "GB"),
        ("GBR", "GB"),
        ("UK", "GB"),
        ("U.K.", "GB"),
        ("United Kingdom", "GB"),
        ("England", "GB"),
        ("Scotland", "GB"),
        ("Wales", "GB"),
        ("Great Britain", "GB"),
        ("DE", "DE"),
        ("DEU", "DE"),
        ("Germany", "DE"),
        ("Deutschland", "DE"),
        ("DEUTSCHLAND", "DE"),
        ("Allemagne", "DE"),
        ("Alemania", "DE"),
        ("Germania", "DE"),
        ("Duitsland", "DE"),
        ("España", "ES"),
        ("Espana", "ES"),
        ("Espagne", "ES"),
        ("Spain", "ES"),
        ("Österreich", "AT"),
        ("Osterreich", "AT"),
        ("Schweiz", "CH"),
        ("Suisse", "CH"),
        ("Svizzera", "CH"),
        ("Switzerland", "CH"),
        ("Nederland", "NL"),
        ("Holland", "NL"),
        ("The Netherlands", "NL"),
        ("Netherlands", "NL"),
        ("Belgique", "BE"),
        ("België", "BE"),
        ("Italia", "IT"),
        ("Polska", "PL"),
        ("Brasil", "BR"),
        ("México", "MX"),
        ("Mexico", "MX"),
        ("Česko", "CZ"),
        ("Czech Republic", "CZ"),
        ("Czechia", "CZ"),
        ("South Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("Vietnam", "VN"),
        ("Viet Nam", "VN"),
        ("Türkiye", "TR"),
        ("Turkiye", "TR"),
        ("Turkey", "TR"),
        ("UAE", "AE"),
        ("United Arab Emirates", "AE"),
        ("Hong Kong", "HK"),
        ("Taiwan", "TW"),
        ("Ivory Coast", "CI"),
        ("Côte d'Ivoire", "CI"),
        ("Cote d\u2019Ivoire", "CI"),
        ("COTE D'IVOIRE", "CI"),
        ("France", "FR"),
        ("Japan", "JP"),
        ("Bolivia", "BO"),
        ("Bolivia, Plurinational State of", "BO"),
        ("Iran", "IR"),
        ("Bosnia & Herzegovina", "BA"),
        ("Guinea-Bissau", "GW"),
        ("Guinea Bissau", "GW"),
        ("The Gambia", "GM"),
        ("Republic of Côte d'Ivoire", "CI"),
    ],
)
def test_country_is_read_as_alpha_2(raw: str, expected: str) -> None:
    result = normalise_country(raw)

    assert result.value == expected
    assert result.issues == ()


@pytest.mark.parametrize(
    "raw",
    ["Atlantis", "Narnia", "Europe", "EU", "Virgin Islands", "N/A", "Germny", "XX", "Unknown"],
)
def test_unknown_country_is_flagged_not_guessed(raw: str) -> None:
    result = normalise_country(raw)

    assert result.value is None
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == ("country", "unknown_country", "warning")
    assert raw in issue.message


@pytest.mark.parametrize("raw", ["", "  ", "\u200b", ".", "--"])
def test_blank_country_gives_nothing(raw: str) -> None:
    assert normalise_country(raw) == Normalised(None)


# ----------------------------------------------------------------- state


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("CA", "US", "US-CA"),
        ("ca", "US", "US-CA"),
        ("California", "US", "US-CA"),
        ("NY", "US", "US-NY"),
        ("N.Y.", "US", "US-NY"),
        ("New York", "US", "US-NY"),
        ("District of Columbia", "US", "US-DC"),
        ("Washington, D.C.", "US", "US-DC"),
        ("US-CA", "US", "US-CA"),
        ("us-ca", "US", "US-CA"),
        ("ON", "CA", "CA-ON"),
        ("Ontario", "CA", "CA-ON"),
        ("BC", "CA", "CA-BC"),
        ("British Columbia", "CA", "CA-BC"),
        ("Québec", "CA", "CA-QC"),
        ("Quebec", "CA", "CA-QC"),
        ("Colombie-Britannique", "CA", "CA-BC"),
        ("Bavaria", "DE", "DE-BY"),
        ("Bayern", "DE", "DE-BY"),
        ("BY", "DE", "DE-BY"),
        ("North Rhine-Westphalia", "DE", "DE-NW"),
        ("Nordrhein-Westfalen", "DE", "DE-NW"),
        ("NRW", "DE", "DE-NW"),
        ("Baden-Württemberg", "DE", "DE-BW"),
        ("Baden-Wuerttemberg", "DE", "DE-BW"),
        ("Lower Saxony", "DE", "DE-NI"),
        ("Thuringia", "DE", "DE-TH"),
        ("Thüringen", "DE", "DE-TH"),
        ("Hesse", "DE", "DE-HE"),
        ("NSW", "AU", "AU-NSW"),
        ("New South Wales", "AU", "AU-NSW"),
        ("Vic", "AU", "AU-VIC"),
        ("Maharashtra", "IN", "IN-MH"),
        ("Mahārāshtra", "IN", "IN-MH"),
        ("Tamil Nadu", "IN", "IN-TN"),
        ("England", "GB", "GB-ENG"),
        ("Scotland", "GB", "GB-SCT"),
        ("Wales", "GB", "GB-WLS"),
        ("Bavaria", "Germany", "DE-BY"),
        ("Bavaria", "Deutschland", "DE-BY"),
        ("Texas", "usa", "US-TX"),
    ],
)
def test_state_is_read_as_iso_3166_2(raw: str, country: str, expected: str) -> None:
    result = normalise_state(raw, country)

    assert result.value == expected
    assert result.issues == ()


@pytest.mark.parametrize(
    ("raw", "expected"), [("US-CA", "US-CA"), ("de-by", "DE-BY"), ("AU-NSW", "AU-NSW")]
)
def test_full_iso_code_is_accepted_without_a_country(raw: str, expected: str) -> None:
    result = normalise_state(raw, None)

    assert result.value == expected
    assert result.issues == ()


@pytest.mark.parametrize(
    ("raw", "country"),
    [("CA", None), ("California", None), ("Bavaria", None), ("XX-YY", None), ("CA", "Atlantis")],
)
def test_state_without_a_country_is_flagged(raw: str, country: str | None) -> None:
    result = normalise_state(raw, country)

    assert result.value is None
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == (
        "state",
        "state_without_country",
        "warning",
    )
    assert raw in issue.message


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("Bavaria", "US"),
        ("Texas", "DE"),
        ("DE-BY", "US"),
        ("CA", "CA"),
        ("Narnia", "US"),
        ("Calif", "US"),
    ],
)
def test_state_not_in_the_country_is_flagged_not_guessed(raw: str, country: str) -> None:
    result = normalise_state(raw, country)

    assert result.value is None
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == ("state", "unknown_state", "warning")
    assert raw in issue.message


def test_country_without_subdivisions_gives_info() -> None:
    result = normalise_state("Kowloon", "HK")

    assert result.value is None
    issue = only_issue(result)
    assert (issue.code, issue.severity) == ("no_subdivisions", "info")
    assert "Kowloon" in issue.message


@pytest.mark.parametrize("raw", ["", " ", "\u200b"])
def test_blank_state_gives_nothing(raw: str) -> None:
    assert normalise_state(raw, "US") == Normalised(None)
    assert normalise_state(raw, None) == Normalised(None)


# ----------------------------------------------------------------- postal code


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("02134", "US", "02134"),
        (" 02134 ", "US", "02134"),
        ("02134-1234", "US", "02134-1234"),
        ("021341234", "US", "02134-1234"),
        ("02134 1234", "US", "02134-1234"),
        ("02134", "United States", "02134"),
        ("sw1a   1aa", "GB", "SW1A 1AA"),
        ("\u00a0ec1a 1bb\u200b", "GB", "EC1A 1BB"),
        ("01067", "DE", "01067"),
        ("k1a 0b1", "CA", "K1A 0B1"),
        ("1012 ab", "NL", "1012 AB"),
        ("2134", None, "2134"),
        ("0123", "DE", "0123"),
        ("75001", None, "75001"),
    ],
)
def test_postal_code_is_tidied_and_keeps_leading_zeros(
    raw: str, country: str | None, expected: str
) -> None:
    result = normalise_postal_code(raw, country)

    assert result.value == expected
    assert result.issues == ()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2134", "02134"), ("2134-1234", "02134-1234"), ("21341234", "02134-1234")],
)
def test_us_zip_that_lost_its_leading_zero_is_restored(raw: str, expected: str) -> None:
    result = normalise_postal_code(raw, "US")

    assert result.value == expected
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == (
        "postal_code",
        "postal_zero_restored",
        "warning",
    )
    assert raw in issue.message


@pytest.mark.parametrize("raw", ["123", "123456", "0213412345", "ABCDE", "02134-12"])
def test_us_zip_of_the_wrong_shape_is_kept_with_a_warning(raw: str) -> None:
    result = normalise_postal_code(raw, "US")

    assert result.value == raw
    issue = only_issue(result)
    assert (issue.code, issue.severity) == ("postal_suspect", "warning")
    assert raw in issue.message


def test_blank_postal_code_gives_nothing() -> None:
    assert normalise_postal_code("  ", "US") == Normalised(None)


# ----------------------------------------------------------------- website


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("acme.com", "acme.com"),
        ("ACME.COM", "acme.com"),
        ("www.acme.com", "acme.com"),
        ("https://www.acme.com", "acme.com"),
        ("http://acme.com/", "acme.com"),
        ("HTTPS://WWW.Acme.com/about/team?ref=booth#top", "acme.com"),
        ("https://acme.com:8443/path", "acme.com"),
        ("acme.com:8080", "acme.com"),
        ("acme.com.", "acme.com"),
        ("//acme.com/x", "acme.com"),
        ("  acme.co.uk/  ", "acme.co.uk"),
        ("shop.acme.de", "shop.acme.de"),
        ("https://user:pw@acme.com", "acme.com"),
        ("www.münchen.de", "münchen.de"),
        ("https://xn--mnchen-3ya.de/", "münchen.de"),
        ("MÜNCHEN.DE", "münchen.de"),
        ("acme.com\\contact", "acme.com"),
        ("www.com", "www.com"),
        ("www.www.acme.com", "acme.com"),
    ],
)
def test_website_becomes_a_bare_domain(raw: str, expected: str) -> None:
    result = normalise_website(raw)

    assert result.value == expected
    assert result.issues == ()


@pytest.mark.parametrize(
    "raw",
    [
        "n/a",
        "N/A",
        "-",
        "none",
        "localhost",
        "http://",
        "acme",
        "acme .com",
        "192.168.0.1",
        "acme..com",
        "-acme.com",
        "acme_inc.com",
        "https://xn--zz.de",
    ],
)
def test_invalid_website_is_flagged(raw: str) -> None:
    result = normalise_website(raw)

    assert result.value is None
    issue = only_issue(result)
    assert (issue.field, issue.code, issue.severity) == ("website", "invalid_website", "warning")
    assert raw in issue.message


def test_blank_website_gives_nothing() -> None:
    assert normalise_website("   ") == Normalised(None)


# ----------------------------------------------------------------- company key


@pytest.mark.parametrize(
    "raw", ["ACME Corporation", "Acme Corp.", "acme, inc", "Acme Inc.", "The Acme Company", "ACME"]
)
def test_company_variants_share_a_key(raw: str) -> None:
    assert company_key(raw) == "acme"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Acme Incorporated", "acme"),
        ("Acme Co", "acme"),
        ("Acme Co.", "acme"),
        ("Acme Ltd", "acme"),
        ("Acme Limited", "acme"),
        ("Acme LLC", "acme"),
        ("Acme, L.L.C.", "acme"),
        ("Acme LLP", "acme"),
        ("Acme PLC", "acme"),
        ("Müller GmbH", "muller"),
        ("Müller AG", "muller"),
        ("Müller KG", "muller"),
        ("Müller GmbH & Co. KG", "muller"),
        ("Acme SE", "acme"),
        ("Acme S.A.", "acme"),
        ("Acme SA", "acme"),
        ("Acme SAS", "acme"),
        ("Acme SARL", "acme"),
        ("Acme S.p.A.", "acme"),
        ("Acme SRL", "acme"),
        ("Acme B.V.", "acme"),
        ("Acme BV", "acme"),
        ("Acme N.V.", "acme"),
        ("Acme NV", "acme"),
        ("Acme Pty Ltd", "acme"),
        ("Acme Oy", "acme"),
        ("Acme AB", "acme"),
        ("Acme A/S", "acme"),
        ("Acme ApS", "acme"),
        ("Acme AS", "acme"),
        ("Acme KK", "acme"),
        ("Acme Co., Ltd.", "acme"),
        ("Acme & Co", "acme"),
        ("Acme Corp. Ltd", "acme"),
        ("Société Générale S.A.", "societe generale"),
        ("Procter & Gamble", "procter and gamble"),
        ("Procter and Gamble Co.", "procter and gamble"),
        ("O'Reilly Media, Inc.", "oreilly media"),
        ("Acme Holdings Ltd", "acme holdings"),
        ("  ACME   Widgets,  Inc. ", "acme widgets"),
        ("Acme-Widgets", "acme widgets"),
    ],
)
def test_company_key_folds_names_and_drops_legal_suffixes(raw: str, expected: str) -> None:
    assert company_key(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Inc", "inc"),  # nothing would be left
        ("The Company", "company"),
        ("Company", "company"),
        ("The", "the"),
        ("Day Spa", "day spa"),  # "spa" is only a suffix when written S.p.A.
        ("Incorporated Television", "incorporated television"),  # suffixes only at the end
        ("Cosco", "cosco"),
        ("Theatre Co", "theatre"),
    ],
)
def test_company_key_keeps_what_is_not_a_suffix(raw: str, expected: str) -> None:
    assert company_key(raw) == expected


@pytest.mark.parametrize("raw", ["", "   ", ".,;", "\u200b"])
def test_company_key_of_nothing_is_none(raw: str) -> None:
    assert company_key(raw) is None


def test_country_look_up_never_searches_fuzzily(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("search_fuzzy must not be used")

    monkeypatch.setattr(pycountry.countries, "search_fuzzy", refuse)
    monkeypatch.setattr(pycountry.countries, "lookup", refuse)

    assert normalise_country("Untied Staets").value is None
    assert normalise_country("Republic of Türkiye").value == "TR"


# ----------------------------------------------------------------- robustness

_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=60
) | st.sampled_from(["mailto:", '=""', "1E+99", "0.0E+0", "xn--", "www.", "<>", "-", "@."])


@settings(max_examples=500, deadline=None)
@given(text=_TEXT, region=st.sampled_from([None, "US", "DE", "GB", "XX", ""]))
def test_normalisers_never_raise(text: str, region: str | None) -> None:
    results = [
        normalise_email(text),
        normalise_phone(text, region),
        normalise_country(text),
        normalise_state(text, region),
        normalise_postal_code(text, region),
        normalise_website(text),
    ]
    for result in results:
        assert isinstance(result, Normalised)
        assert all(isinstance(issue, Issue) for issue in result.issues)
        # Nothing is dropped silently: no value and no issue only for text without content.
        if result.value is None and not result.issues:
            assert not any(char.isalnum() for char in text), (text, result)
    key = company_key(text)
    assert key is None or (key and key == key.strip() and "  " not in key)
    assert email_domain(text) is None or "@" not in (email_domain(text) or "")


@settings(max_examples=200, deadline=None)
@given(text=_TEXT)
def test_normalised_values_are_fixed_points(text: str) -> None:
    for normalise in (normalise_email, normalise_country, normalise_website):
        value = normalise(text).value
        if value is not None:
            assert normalise(value).value == value


def test_cached_results_are_stable() -> None:
    first = normalise_country("Deutschland")
    second = normalise_country("Deutschland")

    assert first == second == Normalised("DE")


# ----------------------------------------------------------------- speed


@pytest.mark.parametrize(
    "call",
    [
        lambda: normalise_country("United States of America"),
        lambda: normalise_state("Bavaria", "DE"),
        lambda: normalise_website("https://www.acme.com/about"),
        lambda: company_key("Acme GmbH & Co. KG"),
    ],
    ids=["country", "state", "website", "company_key"],
)
def test_repeated_lookups_are_fast(call: Callable[[], Normalised | str | None]) -> None:
    call()  # fill the cache
    rounds = 20_000
    start = time.perf_counter()
    for _ in range(rounds):
        call()
    per_call = (time.perf_counter() - start) / rounds

    assert per_call < 20e-6


def test_email_and_phone_stay_lean() -> None:
    rounds = 2_000
    start = time.perf_counter()
    for number in range(rounds):
        normalise_email(f"person{number}@example{number % 7}.com")
        normalise_phone(f"+1 212 555 {number % 10000:04d}", "US")
    per_pair = (time.perf_counter() - start) / rounds

    assert per_pair < 1e-3  # generous: about 0.15 ms a pair on a laptop


# The quick path for everyday addresses must agree with email_validator wherever it answers.
from email_validator import EmailNotValidError, validate_email  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from intake_app.core.normalise.contact import _plain_address  # noqa: E402

_ADDRESS = st.from_regex(
    r"\A[A-Za-z0-9._%+'-]{1,20}@[A-Za-z0-9-]{1,12}(\.[A-Za-z0-9-]{1,12}){0,2}\.[A-Za-z0-9]{1,6}\Z"
)


@settings(max_examples=400, deadline=None)
@given(address=_ADDRESS)
def test_the_quick_path_agrees_with_email_validator(address: str) -> None:
    quick = _plain_address(address)
    if quick is None:
        return
    try:
        checked = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        raise AssertionError(f"{address!r} passed the quick path but is invalid: {exc}") from exc
    assert quick[1] == f"{checked.local_part.lower()}@{checked.domain.lower()}"
