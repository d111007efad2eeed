"""Tests of the comparison levels, from golden CSV files under tests/data/."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profilematch._compare import (
    BUSINESS_NAME_LEVELS,
    FAMILIES,
    LEVELS,
    compare,
    compare_address,
    compare_birth_date,
    compare_email,
    compare_name,
    compare_phone,
)
from profilematch._features import ProfileFeatures, profile_features

DATA = Path(__file__).parent / "data"

_EMAIL_FIELDS = ("email_address", "personal_email_address", "business_email_address")
_PHONE_FIELDS = ("phone_number", "mobile_phone_number", "home_phone_number")


def rows(name: str) -> list[Any]:
    """The golden rows of one family, as pytest parameters with readable ids."""
    with (DATA / f"compare_{name}.csv").open(newline="", encoding="utf-8") as f:
        return [pytest.param(row, id=row["case"]) for row in csv.DictReader(f)]


def features(**fields: Any) -> ProfileFeatures:
    """Features of a profile given as snake_case fields (empty means missing)."""
    kept = {k: v for k, v in fields.items() if v not in ("", None)}
    return profile_features({"profile_id": "p", **kept})


def spread(values: str, names: tuple[str, ...]) -> dict[str, str]:
    """Put ';'-separated values into successive profile fields."""
    return dict(zip(names, [v for v in values.split(";") if v], strict=False))


@pytest.mark.parametrize("row", rows("name"))
def test_name_levels(row: dict[str, str]) -> None:
    """Each golden pair of names gets its documented comparison level."""
    a = features(
        first_name=row["first_a"], middle_name=row["middle_a"], last_name=row["last_a"]
    )
    b = features(
        first_name=row["first_b"], middle_name=row["middle_b"], last_name=row["last_b"]
    )

    level, _ = compare_name(a, b)

    assert row["level"] == LEVELS["name"][level]


@pytest.mark.parametrize("row", rows("business_name"))
def test_business_name_levels(row: dict[str, str]) -> None:
    """Each golden pair of business names gets its documented comparison level."""
    a = features(business_name=row["name_a"])
    b = features(business_name=row["name_b"])

    level, _ = compare_name(a, b)

    assert row["level"] == LEVELS["name"][level]


def test_person_name_against_business_name_gets_a_business_level() -> None:
    """A person name met by a business name alone is compared as business text."""
    a = features(first_name="Ada", last_name="Quill")
    b = features(business_name="Quill Plumbing Supplies")

    level, _ = compare_name(a, b)

    assert "business_shared_word" == LEVELS["name"][level]


def test_profile_with_both_names_is_compared_by_its_person_name() -> None:
    """A profile carrying a person name and a business name meets others as a person."""
    a = features(first_name="Ada", last_name="Quill", business_name="Quill Plumbing")
    b = features(first_name="Tom", last_name="Quill")

    level, _ = compare_name(a, b)

    assert "surname_only" == LEVELS["name"][level]


_words = st.text(alphabet="abcdefgh ", min_size=1, max_size=14)


@given(_words, _words)
def test_name_kinds_keep_their_own_levels(text_a: str, text_b: str) -> None:
    """Person names never get a business level, business names never a person one."""
    first_a, _, last_a = text_a.partition(" ")
    first_b, _, last_b = text_b.partition(" ")
    people = compare_name(
        features(first_name=first_a, last_name=last_a),
        features(first_name=first_b, last_name=last_b),
    )[0]
    businesses = compare_name(
        features(business_name=text_a), features(business_name=text_b)
    )[0]

    assert people not in BUSINESS_NAME_LEVELS
    assert businesses in BUSINESS_NAME_LEVELS | {0, 1}


@pytest.mark.parametrize("row", rows("email"))
def test_email_levels(row: dict[str, str]) -> None:
    """Each golden pair of email lists gets its documented comparison level."""
    a = features(**spread(row["emails_a"], _EMAIL_FIELDS))
    b = features(**spread(row["emails_b"], _EMAIL_FIELDS))

    level, _ = compare_email(a.emails, a.mailboxes, b.emails, b.mailboxes)

    assert row["level"] == LEVELS["email"][level]


@pytest.mark.parametrize("row", rows("phone"))
def test_phone_levels(row: dict[str, str]) -> None:
    """Each golden pair of phone lists gets its documented comparison level."""

    def with_country(phones: str, country: str) -> ProfileFeatures:
        address = {"address": {"country": country}} if country else {}
        return features(**spread(phones, _PHONE_FIELDS), **address)

    a = with_country(row["phones_a"], row["country_a"])
    b = with_country(row["phones_b"], row["country_b"])

    level, _ = compare_phone(a.phones, a.nationals, b.phones, b.nationals)

    assert row["level"] == LEVELS["phone"][level]


@pytest.mark.parametrize("row", rows("address"))
def test_address_levels(row: dict[str, str]) -> None:
    """Each golden pair of addresses gets its documented comparison level."""

    def at(side: str) -> ProfileFeatures:
        parts = {
            "address1": row[f"address1_{side}"],
            "city": row[f"city_{side}"],
            "postal_code": row[f"postal_{side}"],
        }
        parts = {k: v for k, v in parts.items() if v}
        return features(address=parts or None)

    level = compare_address(at("a").addresses, at("b").addresses)

    assert row["level"] == LEVELS["address"][level]


@pytest.mark.parametrize("row", rows("birth_date"))
def test_birth_date_levels(row: dict[str, str]) -> None:
    """Each golden pair of birth dates gets its documented comparison level."""
    a = features(birth_date=row["birth_date_a"])
    b = features(birth_date=row["birth_date_b"])

    level = compare_birth_date(a.birth_dates, b.birth_dates)

    assert row["level"] == LEVELS["birth_date"][level]


def test_missing_is_never_agreement_or_disagreement() -> None:
    """Two empty profiles compare as missing in every family."""
    vector, exact = compare(features(), features())

    assert (0,) * len(FAMILIES) == vector
    assert (None, None, None) == exact


_names = st.text(alphabet="abcdefghijklmnop ", min_size=0, max_size=12)


@given(_names, _names, _names, _names)
def test_comparison_is_symmetric(fa: str, la: str, fb: str, lb: str) -> None:
    """Comparing a with b gives the same vector as comparing b with a."""
    a = features(first_name=fa, last_name=la, email_address=f"{fa.strip()}@x.org")
    b = features(first_name=fb, last_name=lb, email_address=f"{fb.strip()}@x.org")

    assert compare(a, b)[0] == compare(b, a)[0]
