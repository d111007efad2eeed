"""Tests of blocking: keys, candidate pairs and oversized keys."""

from __future__ import annotations

from typing import Any

from profilematch._block import blocking_keys, candidate_pairs, decode_pair
from profilematch._features import ProfileFeatures, profile_features


def features(n: int, **fields: Any) -> ProfileFeatures:
    """Features of a profile with a numbered id and snake_case fields."""
    return profile_features({"profile_id": f"p{n}", **fields})


def test_keys_are_prefixed_with_their_kind() -> None:
    """Every blocking key names its kind, so equal values of two kinds differ."""
    keys = blocking_keys(features(1, email_address="nora@example.com"))

    assert "email:nora@example.com" in keys


def test_shared_phone_in_other_fields_makes_a_pair() -> None:
    """A mobile number equal to another profile's home number makes a pair."""
    profiles = [
        features(0, first_name="Ann", mobile_phone_number="+1 201 555 0101"),
        features(1, first_name="Zoe", home_phone_number="(201) 555-0101"),
    ]

    codes, _ = candidate_pairs(profiles)

    assert [(0, 1)] == [decode_pair(code, 2) for code in codes]


def test_swapped_names_meet() -> None:
    """First and last name swapped still share a blocking key."""
    profiles = [
        features(0, first_name="John", last_name="Doe"),
        features(1, first_name="Doe", last_name="John"),
    ]

    codes, _ = candidate_pairs(profiles)

    assert 1 == len(codes)


def test_pairs_are_deduplicated_across_keys() -> None:
    """Two profiles sharing several keys make one candidate pair."""
    shared = {"first_name": "Ann", "last_name": "Lee", "email_address": "a@x.org"}
    profiles = [features(0, **shared), features(1, **shared)]

    codes, _ = candidate_pairs(profiles)

    assert 1 == len(codes)


def test_oversized_key_makes_no_pairs_and_is_reported() -> None:
    """A key shared by more profiles than the limit makes no pairs."""
    profiles = [
        features(n, first_name=name, email_address="test@test.com")
        for n, name in enumerate(["Ann", "Bob", "Cyd", "Dee", "Eve"])
    ]

    codes, oversized = candidate_pairs(profiles, max_block_size=4)

    assert 0 == len(codes)
    assert {"email:test@test.com": 5} == oversized


def test_profiles_without_shared_values_make_no_pairs() -> None:
    """Ada Lind and Ben Ortiz share no key."""
    profiles = [
        features(0, first_name="Ada", last_name="Lind"),
        features(1, first_name="Ben", last_name="Ortiz"),
    ]

    codes, _ = candidate_pairs(profiles)

    assert 0 == len(codes)


def test_a_key_repeated_within_one_profile_makes_no_pair_with_itself() -> None:
    """One profile holding a phone twice pairs once with another, never with itself."""
    profiles = [
        features(0, phone_number="+1 201 555 0101", mobile_phone_number="2015550101"),
        features(1, first_name="Zoe", email_address="zoe@example.com"),
        features(2, home_phone_number="(201) 555-0101"),
    ]

    codes, _ = candidate_pairs(profiles)

    assert [(0, 2)] == [decode_pair(code, 3) for code in codes]


def test_pairs_are_distinct_and_sorted_across_many_shared_keys() -> None:
    """Profiles meeting through several kinds give each pair once, in order."""
    profiles = [
        features(
            n,
            first_name="Nora",
            last_name="Quill",
            email_address="nora@example.com",
            phone_number="+1 201 555 0101",
            birth_date="1980-04-03",
        )
        for n in range(4)
    ]

    codes, _ = candidate_pairs(profiles)

    expected = [(i, j) for i in range(4) for j in range(i + 1, 4)]
    assert expected == [decode_pair(code, 4) for code in codes]
