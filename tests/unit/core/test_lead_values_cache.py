"""The per-value caches of the first pass give what the uncached functions give."""

from __future__ import annotations

from intake_app.core.lead_values import phone_key
from intake_app.core.normalise.people import fold


def test_phone_key_depends_on_the_country_even_when_cached() -> None:
    national = "030 1234567"
    assert phone_key(national, "DE") == "+49301234567"
    assert phone_key(national, "GB") != phone_key(national, "DE")
    assert phone_key(national, "DE") == phone_key.__wrapped__(national, "DE")
    assert phone_key("+1 415 555 0107", None) == phone_key.__wrapped__("+1 415 555 0107", None)
    assert phone_key("12345", "US") is None


def test_fold_is_the_same_when_cached() -> None:
    for text in ("Geschäftsführer/CEO", "HOT", "  Vice-President & Sales "):
        assert fold(text) == fold.__wrapped__(text)
    assert fold("Geschäftsführer/CEO") == "geschaftsfuhrer ceo"
