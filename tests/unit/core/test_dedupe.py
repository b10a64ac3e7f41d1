from __future__ import annotations

from pathlib import Path

import pytest

from intake_app.core.dedupe import (
    Match,
    PersonRecord,
    PreparedRecords,
    auto_clusters,
    blocking_keys,
    find_matches,
    name_order,
    person_keys,
)
from schemas import DedupeRules, SchemaError, load_schema

RULES = load_schema().dedupe_rules


def pair(first: PersonRecord, second: PersonRecord, rules: DedupeRules = RULES) -> Match | None:
    found = find_matches([first, second], rules=rules, min_score=0.0)
    return found[0] if found else None


def merged(records: list[PersonRecord], rules: DedupeRules = RULES) -> list[list[int]]:
    matches = find_matches(records, rules=rules)
    return auto_clusters([record.key for record in records], matches, rules)


def test_nickname_at_the_same_company_domain_matches_with_the_reason() -> None:
    bob = PersonRecord(1, "Bob", "Smith", "bob.smith@acme.com")
    robert = PersonRecord(2, "Robert", "Smith", "robert.smith@acme.com", phone="+14155550100")

    found = pair(bob, robert)

    assert found is not None
    assert found.score >= RULES.review_threshold
    assert "Bob = Robert" in found.reasons
    assert "same company domain" in found.reasons


def test_nickname_with_the_same_company_merges_automatically() -> None:
    bob = PersonRecord(1, "Bob", "Smith", "bob.smith77@gmail.com", company="Acme Inc.")
    robert = PersonRecord(2, "Robert", "Smith", "robert.smith@acme.com", company="ACME Corp")

    found = pair(bob, robert)

    assert found is not None
    assert found.score >= RULES.auto_merge_threshold
    assert found.reasons == ("Bob = Robert", "same company")
    assert merged([bob, robert]) == [[1, 2]]


def test_same_email_in_another_case_is_the_same_person() -> None:
    first = PersonRecord(1, "Ada", "Lovelace", "Ada.Lovelace@Example.com")
    second = PersonRecord(2, "Ada", "Lovelace", "ada.lovelace@example.com")

    found = pair(first, second)

    assert found is not None
    assert found.score >= RULES.auto_merge_threshold
    assert "same email" in found.reasons


def test_same_phone_and_name_merge() -> None:
    first = PersonRecord(1, "Grace", "Hopper", phone="+14155550123")
    second = PersonRecord(2, "Grace", "Hopper", "grace@navy.mil", mobile_phone="+14155550123")

    found = pair(first, second)

    assert found is not None
    assert found.score >= RULES.auto_merge_threshold
    assert "same phone" in found.reasons


@pytest.mark.parametrize("other", ["Mueller", "MUELLER", "Muller", "MÜLLER"])
def test_transliterations_of_a_name_match(other: str) -> None:
    first = PersonRecord(1, "Jürgen", "Müller", "j.mueller@siemens.de")
    second = PersonRecord(2, "Juergen", other, "j.mueller@siemens.de")

    found = pair(first, second)

    assert found is not None
    assert found.score >= RULES.auto_merge_threshold
    assert blocking_keys(first, RULES)["name"] == blocking_keys(second, RULES)["name"]


def test_sharp_s_and_accents_fold() -> None:
    first = PersonRecord(1, "José", "Strauß", company="Beispiel GmbH")
    second = PersonRecord(2, "Jose", "Strauss", company="Beispiel")

    assert person_keys(first, RULES)["name_key"] == person_keys(second, RULES)["name_key"]
    found = pair(first, second)
    assert found is not None
    assert found.score >= RULES.auto_merge_threshold


def test_swapped_first_and_last_name_match() -> None:
    first = PersonRecord(1, "John", "Smith", "jsmith@globex.com")
    second = PersonRecord(2, "Smith", "John", "jsmith@globex.com")

    found = pair(first, second)

    assert found is not None
    assert found.score >= RULES.auto_merge_threshold
    assert "first and last name swapped" in found.reasons
    assert blocking_keys(first, RULES)["name"] == blocking_keys(second, RULES)["name"]


def test_a_typo_with_the_same_email_merges() -> None:
    first = PersonRecord(1, "Katherine", "Johnson", "kjohnson@nasa.gov")
    second = PersonRecord(2, "Katherine", "Jonhson", "kjohnson@nasa.gov")

    found = pair(first, second)

    assert found is not None
    assert found.score >= RULES.auto_merge_threshold


def test_company_legal_suffix_variants_are_one_company() -> None:
    first = PersonRecord(1, "Hedy", "Lamarr", company="Initech GmbH & Co. KG", city="Wien")
    second = PersonRecord(2, "Hedy", "Lamarr", company="INITECH", city="Wien")

    found = pair(first, second)

    assert found is not None
    assert "same company" in found.reasons
    assert person_keys(first, RULES)["company_key"] == person_keys(second, RULES)["company_key"]


def test_namesakes_at_other_companies_stay_apart() -> None:
    first = PersonRecord(1, "John", "Smith", "john.smith@acme.com", "+14155550100", company="Acme")
    second = PersonRecord(
        2, "John", "Smith", "john.smith@globex.com", "+12125550100", company="Globex"
    )

    found = pair(first, second)

    assert found is None or found.score < RULES.review_threshold
    assert merged([first, second]) == [[1], [2]]


def test_two_people_behind_one_role_mailbox_are_not_merged() -> None:
    first = PersonRecord(1, "Ann", "Lee", "info@acme.com", company="Acme")
    second = PersonRecord(2, "Tom", "Ray", "info@acme.com", company="Acme")

    assert merged([first, second]) == [[1], [2]]
    assert blocking_keys(first, RULES)["email"] == set()
    assert person_keys(first, RULES)["email_key"] is None


def test_a_switchboard_phone_shared_by_five_names_merges_nobody() -> None:
    names = [("Ann", "Lee"), ("Tom", "Ray"), ("Eva", "Berg"), ("Max", "Kahn"), ("Ida", "Wolf")]
    records = [
        PersonRecord(key, first, last, phone="+498912345600")
        for key, (first, last) in enumerate(names, start=1)
    ]
    # The same name twice on the switchboard is still a candidate by name, not by phone.
    records.append(PersonRecord(6, "Ann", "Lee", phone="+498912345600"))

    matches = find_matches(records, rules=RULES, min_score=0.0)

    assert all("same phone" not in match.reasons for match in matches)
    clusters = auto_clusters([record.key for record in records], matches, RULES)
    assert all(len(group) == 1 for group in clusters)


def test_two_people_sharing_a_phone_with_other_names_are_not_merged() -> None:
    first = PersonRecord(1, "Ann", "Lee", phone="+498912345600", company="Acme")
    second = PersonRecord(2, "Tom", "Ray", phone="+498912345600", company="Acme")

    assert merged([first, second]) == [[1], [2]]


def test_personal_and_work_email_merge_by_name_and_phone() -> None:
    first = PersonRecord(1, "Mike", "Jones", "mike.jones@gmail.com", "+14155550111")
    second = PersonRecord(2, "Michael", "Jones", "mjones@initech.com", "+14155550111")

    found = pair(first, second)

    assert found is not None
    assert found.score >= RULES.auto_merge_threshold
    assert found.reasons[0] == "Mike = Michael"


def test_matches_come_best_first_and_each_pair_once() -> None:
    records = [
        PersonRecord(1, "Ada", "Lovelace", "ada@example.com"),
        PersonRecord(2, "Ada", "Lovelace", "ada@example.com"),
        PersonRecord(3, "Ada", "Lovelace", company="Example Ltd", phone="+441234567890"),
        PersonRecord(4, "Ada", "Lovelace", "ada@example.com", "+441234567890"),
    ]

    matches = find_matches(records, rules=RULES, min_score=0.0)

    pairs = [frozenset((match.a, match.b)) for match in matches]
    assert len(pairs) == len(set(pairs))
    assert [match.score for match in matches] == sorted(
        (match.score for match in matches), reverse=True
    )


def test_against_pairs_rows_with_stored_people_but_never_stored_with_stored() -> None:
    rows = [PersonRecord(1, "Ada", "Lovelace", "ada@example.com")]
    stored = [
        PersonRecord(101, "Ada", "Lovelace", "ada@example.com"),
        PersonRecord(102, "Ada", "Lovelace", "ada@example.com"),
    ]

    matches = find_matches(rows, stored, rules=RULES)

    assert {(match.a, match.b) for match in matches} == {(1, 101), (1, 102)}


def test_across_only_gives_the_pairs_with_stored_people_and_nothing_else() -> None:
    rows = [
        PersonRecord(0, "Bob", "Smith", "bob.smith@acme.com", company="Acme"),
        PersonRecord(1, "Robert", "Smith", "robert.smith@acme.com", company="Acme Inc"),
        PersonRecord(2, "Grace", "Hopper", "grace@navy.example", phone="+12025550100"),
    ]
    stored = [
        PersonRecord(-10, "Rob", "Smith", "rob@acme.com", company="ACME"),
        PersonRecord(-11, "Grace", "Hopper", None, phone="+12025550100"),
        PersonRecord(-12, "Alan", "Turing", "alan@bletchley.example"),
    ]
    everything = find_matches(rows, stored, rules=RULES)
    across = find_matches(PreparedRecords(rows, RULES), stored, rules=RULES, across_only=True)

    assert any(match.b >= 0 for match in everything)  # Bob and Robert: a pair of the file
    assert across == [match for match in everything if match.b < 0]
    assert {(match.a, match.b) for match in across} == {(0, -10), (1, -10), (2, -11)}


def test_prepared_records_give_the_union_of_their_lookup_keys() -> None:
    rows = [
        PersonRecord(0, "Bob", "Smith", "bob@acme.com", phone="+14155550100"),
        PersonRecord(1, "Ann", "Lee", "info@acme.com"),
    ]
    wanted = PreparedRecords(rows, RULES).lookup_keys(("email", "phone", "name"))

    assert wanted == {
        kind: blocking_keys(rows[0], RULES)[kind] | blocking_keys(rows[1], RULES)[kind]
        for kind in ("email", "phone", "name")
    }
    assert wanted["email"] == {"bob@acme.com"}  # a role mailbox is no key


def test_name_order_puts_nicknames_and_swapped_names_together() -> None:
    def order(first: str, last: str) -> str:
        return name_order(PersonRecord(0, first, last), RULES)

    assert order("Bob", "Smith") == order("ROBERT", "smith") == order("Smith", "Robert")
    assert order("Bob", "Smith") != order("Bob", "Smyth")
    assert order("", "Smith") == ""


def test_a_weak_link_does_not_chain_two_groups() -> None:
    matches = [
        Match(1, 2, 0.99, ("same email",)),
        Match(3, 4, 0.99, ("same email",)),
        Match(2, 3, 0.91, ("same name", "same company")),
    ]

    assert auto_clusters([1, 2, 3, 4, 5], matches, RULES) == [[1, 2], [3, 4], [5]]


def test_a_chain_of_single_links_does_not_grow_a_group() -> None:
    matches = [Match(key, key + 1, 0.95, ("same phone",)) for key in range(1, 6)]

    clusters = auto_clusters(range(1, 7), matches, RULES)

    assert max(len(group) for group in clusters) <= 3
    assert sorted(key for group in clusters for key in group) == [1, 2, 3, 4, 5, 6]


def test_review_level_links_are_not_merged() -> None:
    matches = [Match(1, 2, 0.8, ("same name",))]

    assert auto_clusters([2, 1], matches, RULES) == [[1], [2]]


def test_max_cluster_is_respected_keeping_the_strongest_links() -> None:
    rules = RULES.model_copy(update={"max_cluster": 3})
    keys = list(range(1, 7))
    matches = [
        Match(a, b, 0.99 if b <= 3 else 0.95, ("same email",)) for a in keys for b in keys if a < b
    ]

    clusters = auto_clusters(keys, matches, rules)

    assert clusters[0] == [1, 2, 3]
    assert all(len(group) <= 3 for group in clusters)


def test_default_max_cluster_is_ten() -> None:
    records = [PersonRecord(key, "Ada", "Lovelace", "ada@example.com") for key in range(25)]

    clusters = merged(records)

    assert max(len(group) for group in clusters) <= RULES.max_cluster == 10
    assert sum(len(group) for group in clusters) == 25


def test_clusters_are_sorted_and_include_singletons() -> None:
    matches = [Match(9, 4, 0.99, ("same email",))]

    assert auto_clusters([9, 7, 4], matches, RULES) == [[4, 9], [7]]


def test_blocking_and_person_keys_are_stable() -> None:
    record = PersonRecord(
        1,
        "Bob",
        "Smith",
        "Bob.Smith@Acme.com",
        "+14155550100",
        "+14155550199",
        "Acme, Inc.",
        "Boston",
        "US",
    )

    keys = blocking_keys(record, RULES)

    assert keys == {
        "email": {"bob.smith@acme.com"},
        "phone": {"+14155550100", "+14155550199"},
        "name": {"robert|smith"},
        "company": {"acme", "acme.com"},
    }
    stored = person_keys(record, RULES)
    assert stored == {
        "email_key": "bob.smith@acme.com",
        "phone_key": "+14155550100",
        "name_key": "robert|smith",
        "company_key": "acme",
    }
    for kind in ("email", "phone", "name", "company"):
        assert stored[f"{kind}_key"] in keys[kind]
    assert person_keys(record, RULES) == stored


def test_a_record_with_nothing_has_empty_keys() -> None:
    record = PersonRecord(1)

    assert blocking_keys(record, RULES) == {
        "email": set(),
        "phone": set(),
        "name": set(),
        "company": set(),
    }
    assert set(person_keys(record, RULES).values()) == {None}


def test_very_common_names_are_not_compared_all_pairs() -> None:
    rules = RULES.model_copy(update={"max_block": 5})
    records = [
        PersonRecord(key, "John", "Smith", f"john{key}@example{key}.com") for key in range(20)
    ]

    assert find_matches(records, rules=rules, min_score=0.0) == []


def test_company_nicknames_add_to_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "dedupe_rules.yaml").write_text(
        "dedupe_rules:\n  auto_merge_threshold: 0.95\n  nicknames:\n    - [Wilhelm, Willi]\n",
        encoding="utf-8",
    )

    rules = load_schema(tmp_path).dedupe_rules

    assert rules.auto_merge_threshold == 0.95
    assert ("Wilhelm", "Willi") in rules.nicknames
    assert len(rules.nicknames) == len(RULES.nicknames) + 1
    found = pair(
        PersonRecord(1, "Willi", "Brandt", "w.brandt@spd.de"),
        PersonRecord(2, "Wilhelm", "Brandt", "w.brandt@spd.de"),
        rules,
    )
    assert found is not None
    assert "Willi = Wilhelm" in found.reasons


def test_bad_dedupe_rules_are_refused(tmp_path: Path) -> None:
    (tmp_path / "dedupe_rules.yaml").write_text(
        "dedupe_rules:\n  review_threshold: 0.95\n  auto_merge_threshold: 0.9\n",
        encoding="utf-8",
    )

    with pytest.raises(SchemaError, match="review_threshold"):
        load_schema(tmp_path)


def test_namesakes_with_two_different_work_domains_are_not_merged() -> None:
    from intake_app.core.dedupe import PersonRecord, find_matches
    from schemas import load_schema

    rules = load_schema().dedupe_rules
    a = PersonRecord(1, "Margaret", "Jackson", "margaret.jackson162@example162.com", None, None,
                     "ACME Corporation")  # fmt: skip
    b = PersonRecord(2, "Margaret", "Jackson", "margaret.jackson833@example333.com", None, None,
                     "ACME Corporation")  # fmt: skip
    assert all(m.score < rules.auto_merge_threshold for m in find_matches([a, b], rules=rules))
