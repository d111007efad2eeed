"""Tests of the matching engine run end to end through find_matches."""

from __future__ import annotations

import math
from array import array
from typing import Any

import pytest

import profilematch as pm
from profilematch._features import ProfileFeatures, profile_features
from profilematch._matcher import (
    _COUNT_CAP,
    _RADIX,
    _WORK,
    MatchOptions,
    _compare_chunk,
    match_features,
    match_id,
)


def person(first: str, last: str, **fields: Any) -> dict[str, Any]:
    """A PascalCase profile dict with a name and the given fields."""
    return {"FirstName": first, "LastName": last, **fields}


def at(address1: str) -> dict[str, str]:
    """A PascalCase address in one town."""
    return {"Address1": address1, "City": "Springfield", "PostalCode": "12345"}


def names(groups: list[pm.MatchItem], profiles: list[dict[str, Any]]) -> set[str]:
    """The groups as sets of first names, joined for readable comparison."""
    by_id = {p["ProfileId"]: p["FirstName"] for p in profiles}
    return {"+".join(sorted(by_id[i] for i in g.profile_ids)) for g in groups}


def with_ids(profiles: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each profile a distinct 32-hex ProfileId."""
    return [{**p, "ProfileId": f"{n:032x}"} for n, p in enumerate(profiles, 1)]


def test_two_pairs_sharing_one_email_stay_two_groups() -> None:
    """Nora and Nora match, Norma and Norma match, and the pairs stay apart."""
    profiles = with_ids(
        [
            person(
                "Nora",
                "Quill",
                EmailAddress="nora.quill@example.com",
                PhoneNumber="+1 201 555 0101",
            ),
            person(
                "Nora2",
                "Quill",
                EmailAddress="nquill@example.org",
                PhoneNumber="+1 201 555 0101",
            ),
            person(
                "Norma",
                "Quill",
                EmailAddress="nquill@example.org",
                PhoneNumber="+1 201 555 0177",
            ),
            person(
                "Norma2",
                "Quill",
                EmailAddress="norma.q@example.net",
                PhoneNumber="+1 201 555 0177",
            ),
        ]
    )
    profiles[1]["FirstName"] = "Nora"
    profiles[3]["FirstName"] = "Norma"

    groups = pm.find_matches(profiles)

    ids = {frozenset(g.profile_ids) for g in groups}
    assert {
        frozenset({profiles[0]["ProfileId"], profiles[1]["ProfileId"]}),
        frozenset({profiles[2]["ProfileId"], profiles[3]["ProfileId"]}),
    } == ids


def test_household_with_one_landline_is_two_people() -> None:
    """Clara and Tom Fenwick at 3 Mill Lane with one landline are two people."""
    profiles = [
        person(
            "Clara", "Fenwick", PhoneNumber="+1 201 555 0142", Address=at("3 Mill Lane")
        ),
        person(
            "Tom", "Fenwick", PhoneNumber="+1 201 555 0142", Address=at("3 Mill Lane")
        ),
    ]

    assert [] == pm.find_matches(profiles)


def test_placeholder_phone_is_no_evidence() -> None:
    """A 555-555-5555 number shared by three Ruizes links none of them."""
    profiles = [
        person("Sam", "Ruiz", PhoneNumber="555-555-5555"),
        person("Kim", "Ruiz", PhoneNumber="555-555-5555"),
        person("Sam", "Ruiz-Vega", PhoneNumber="555-555-5555"),
    ]

    assert [] == pm.find_matches(profiles)


def test_family_email_and_address_do_not_merge_a_family() -> None:
    """Four Fenns sharing an email and an address, born apart, are four people."""
    profiles = [
        person(
            first,
            "Fenn",
            EmailAddress="fenn.family@example.com",
            Address=at("22 Poppy Way"),
            BirthDate=born,
        )
        for first, born in [
            ("Alan", "1970-01-02"),
            ("Beth", "1972-03-04"),
            ("Cody", "2001-05-06"),
            ("Dana", "2004-07-08"),
        ]
    ]

    assert [] == pm.find_matches(profiles)


def test_colleagues_sharing_a_role_address_are_two_people() -> None:
    """Jo Park and Lee Hunt sharing info@agency.example.gov are two people."""
    profiles = [
        person("Jo", "Park", EmailAddress="info@agency.example.gov"),
        person("Lee", "Hunt", EmailAddress="info@agency.example.gov"),
    ]

    assert [] == pm.find_matches(profiles)


def test_generational_suffixes_keep_father_and_son_apart() -> None:
    """Walter Finch Sr. and Walter Finch Jr. at one address are two people."""
    profiles = [
        person("Walter", "Finch Sr.", Address=at("9 Elm Street")),
        person("Walter", "Finch Jr.", Address=at("9 Elm Street")),
    ]

    assert [] == pm.find_matches(profiles)


def test_profiles_without_contact_details_stay_apart() -> None:
    """Ada Lind and Ben Ortiz, both without email and phone, are two people."""
    groups = pm.find_matches([person("Ada", "Lind"), person("Ben", "Ortiz")])

    assert [] == groups


def test_typo_and_email_case_match() -> None:
    """John Doe and Jhn Doe with the same email in two casings match."""
    profiles = [
        person("John", "Doe", EmailAddress="John.Doe@Example.com"),
        person("Jhn", "Doe", EmailAddress="john.doe@example.com"),
    ]

    groups = pm.find_matches(profiles)

    assert 1 == len(groups)
    assert 2 == len(groups[0].profile_ids)
    assert 0.5 <= groups[0].confidence_score <= 1.0


def test_match_id_is_a_hash_of_sorted_ids() -> None:
    """The MatchId of a group does not depend on the order of its profile ids."""
    assert match_id(["b" * 32, "a" * 32]) == match_id(["a" * 32, "b" * 32])


def test_same_input_gives_same_groups_and_ids() -> None:
    """Two runs over profiles without ProfileId give identical groups and ids."""
    profiles = [
        person("John", "Doe", EmailAddress="John.Doe@Example.com"),
        person("Jhn", "Doe", EmailAddress="john.doe@example.com"),
    ]

    first = pm.find_matches(profiles)
    second = pm.find_matches(list(profiles))

    assert first == second
    assert match_id(first[0].profile_ids) == first[0].match_id


def test_profiles_and_dicts_are_both_accepted() -> None:
    """find_matches takes Profile objects as well as PascalCase dicts."""
    profiles = [
        pm.Profile.from_dict(person("John", "Doe", EmailAddress="jd@example.com")),
        person("John", "Doe", EmailAddress="JD@example.com"),
    ]

    assert 1 == len(pm.find_matches(profiles))


def test_threshold_out_of_range_is_refused() -> None:
    """A threshold above 1 raises BadRequestException naming the option."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.find_matches([], threshold=1.5)

    assert "threshold" == caught.value.field


def test_duplicate_profile_ids_are_refused() -> None:
    """Two features with one profile id raise BadRequestException."""
    features = [profile_features({"profile_id": "a" * 32, "first_name": "Ann"})] * 2

    with pytest.raises(pm.BadRequestException) as caught:
        match_features(features)

    assert "ProfileId" == caught.value.field


def test_oversized_blocking_key_is_reported() -> None:
    """A key shared by more profiles than the limit appears in the stats."""
    features = [
        profile_features(
            {
                "profile_id": f"{n:032x}",
                "first_name": first,
                "email_address": "test@test.com",
            }
        )
        for n, first in enumerate(["Ann", "Bob", "Cyd", "Dee"])
    ]

    result = match_features(features, options=MatchOptions(max_block_size=3))

    assert 4 == result.stats.oversized_keys["email:test@test.com"]


def test_explanation_reads_as_text_and_html() -> None:
    """An explanation lists every family with its level, as text and as HTML."""
    a = person("John", "Doe", EmailAddress="jd@example.com")
    b = person("Jon", "Doe", EmailAddress="jd@example.com")

    explanation = pm.explain(a, b)

    assert "exact" == explanation.families[1].level
    assert "email" in str(explanation)
    assert "<table>" in explanation._repr_html_()
    assert 0.5 < explanation.probability <= 1.0


def test_features_round_trip_through_json() -> None:
    """ProfileFeatures read back from to_json() equal the originals."""
    original = profile_features(
        {
            "profile_id": "a" * 32,
            "first_name": "José",
            "last_name": "Núñez Jr.",
            "email_address": "Jose.Nunez@GMail.com",
            "mobile_phone_number": "020 7946 0018",
            "address": {"address1": "3 Mill Lane", "city": "Leeds", "country": "GB"},
            "birth_date": "03/04/1980",
            "account_number": "AC-123",
        }
    )

    assert original == ProfileFeatures.from_json(original.to_json())


def test_progress_reports_every_stage() -> None:
    """The progress callback hears of blocking, comparing, training and more."""
    stages: list[str] = []
    features = [
        profile_features(
            {
                "profile_id": f"{n:032x}",
                "first_name": "Ann",
                "last_name": "Lee",
                "email_address": "ann@x.org",
            }
        )
        for n in range(2)
    ]

    match_features(features, progress=lambda stage, done, total: stages.append(stage))

    assert {"block", "compare", "train", "score", "cluster"} == set(stages)


def test_packed_vectors_fit_two_bytes() -> None:
    """Every comparison vector packs into the 2-byte array that holds it."""
    assert math.prod(_RADIX) <= 2**16


def test_shared_value_counts_saturate_in_two_bytes() -> None:
    """A value held by more profiles than two bytes count is stored as the cap."""

    class Everyone:
        def count(self, family: str, value: str) -> int:
            return 10**6

    pair = [
        profile_features({"profile_id": name, "email_address": "x@y.org"})
        for name in "ab"
    ]
    _WORK.update(features=pair, frequencies=Everyone(), codes=array("q", [1]))
    try:
        _, counts = _compare_chunk((0, 1))
    finally:
        _WORK.clear()

    assert _COUNT_CAP == max(counts)


def test_training_is_deterministic_for_a_seed() -> None:
    """Two trained runs with one seed give the same model and the same groups."""
    rows = [
        ("Ann", "Lee", "ann.lee@x.org", "+1 201 555 0111"),
        ("Ann", "Lee", "ANN.LEE@x.org", "+1 201 555 0111"),
        ("Bob", "Ray", "bob@y.org", "+1 201 555 0122"),
        ("Rob", "Ray", "bob@y.org", "+1 201 555 0122"),
        ("Cy", "Fox", "cy@z.org", "+1 201 555 0133"),
        ("Di", "Fox", "di@z.org", "+1 201 555 0133"),
    ]
    features = [
        profile_features(
            {
                "profile_id": f"{n:032x}",
                "first_name": first,
                "last_name": last,
                "email_address": email,
                "phone_number": phone,
            }
        )
        for n, (first, last, email, phone) in enumerate(rows)
    ]
    options = MatchOptions(min_training_profiles=2, u_sample_size=300, seed=3)

    first = match_features(features, options=options)
    second = match_features(features, options=options)

    assert first.stats.trained
    assert first.model == second.model
    assert first.groups == second.groups


_WORDS = tuple(
    a + b for a in ("mar", "pel", "tor", "vin") for b in ("ack", "ori", "usk")
)
_FIRST = ("ada", "bea", "cal", "dov", "eli", "fay", "gus", "hal")


def _mixed_profiles() -> list[dict[str, Any]]:
    """Organisations listed twice under name variants, households and duplicates.

    Each organisation appears under its own name and under its operator's name
    followed by its own, at one address and phone; each household is two people
    with one surname, address and landline; each duplicate person appears twice
    with one email.
    """
    profiles: list[dict[str, Any]] = []
    for n, word in enumerate(_WORDS):
        own = f"{word.title()} {_WORDS[(n + 7) % len(_WORDS)].title()} Nursery"
        site = {
            "Address": at(f"{100 + n} Lake Street"),
            "PhoneNumber": f"+1 312 555 {1000 + n}",
        }
        profiles.append({"BusinessName": own, **site})
        profiles.append({"BusinessName": f"Northside Family Services {own}", **site})
    for n, word in enumerate(_WORDS):
        home = {
            "Address": at(f"{n + 1} Hill Road"),
            "HomePhoneNumber": f"+1 201 555 {2000 + n}",
        }
        first, second = _FIRST[n % 8], _FIRST[(n + 3) % 8]
        profiles.append(person(first, word, **home))
        profiles.append(person(second, word, **home))
    for n, word in enumerate(_WORDS):
        email = {"EmailAddress": f"{word}.{n}@example.com"}
        profiles.append(person(_FIRST[n % 8], f"{word}son", **email))
        profiles.append(person(_FIRST[n % 8], f"{word}son", **email))
    return with_ids(profiles)


def test_business_name_variants_at_one_site_match_in_a_trained_run() -> None:
    """An organisation listed under two names at one address and phone is one group."""
    profiles = _mixed_profiles()
    options = {"min_training_profiles": 2, "u_sample_size": 2_000}

    groups = {frozenset(g.profile_ids) for g in pm.find_matches(profiles, **options)}

    sites = [
        frozenset({profiles[k]["ProfileId"], profiles[k + 1]["ProfileId"]})
        for k in range(0, 2 * len(_WORDS), 2)
    ]
    assert set(sites) <= groups


def test_households_stay_apart_beside_business_name_variants() -> None:
    """Two people of one household are no group though organisations share sites."""
    profiles = _mixed_profiles()
    options = {"min_training_profiles": 2, "u_sample_size": 2_000}

    groups = {frozenset(g.profile_ids) for g in pm.find_matches(profiles, **options)}

    start = 2 * len(_WORDS)
    households = {
        frozenset({profiles[k]["ProfileId"], profiles[k + 1]["ProfileId"]})
        for k in range(start, start + 2 * len(_WORDS), 2)
    }
    assert set() == households & groups
