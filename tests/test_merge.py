"""Tests for merging: merge_fields, consolidation, auto-merge plans, store calls."""

# The house style puts the expected value first in asserts, which SIM300 flags.
# ruff: noqa: SIM300

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profilematch._errors import BadRequestException
from profilematch._merge import ProfileRecord, merge_fields, merge_records

A = "a" * 32
B = "b" * 32
C = "c" * 32
D = "d" * 32

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def at(days: int) -> datetime:
    """A fixed point in time, ``days`` after T0."""
    return T0 + timedelta(days=days)


def record(
    profile_id: str,
    *,
    times: dict[str, datetime] | None = None,
    updated: datetime = T0,
    source: str | None = None,
    **fields: Any,
) -> ProfileRecord:
    """A profile record with the given PascalCase fields."""
    return ProfileRecord(
        profile={"ProfileId": profile_id, **fields},
        attribute_updated_at=times or {},
        updated_at=updated,
        source_name=source,
    )


# ---------------------------------------------------------------------------
# merge_fields


def test_fields_without_conflict_are_combined() -> None:
    """A field only another profile has is taken from it."""
    main = {"ProfileId": A, "FirstName": "John"}
    other = {"ProfileId": B, "EmailAddress": "john@example.com"}

    merged = merge_fields(main, [other])

    assert {
        "ProfileId": A,
        "FirstName": "John",
        "EmailAddress": "john@example.com",
    } == merged.profile
    assert {"FirstName": A, "EmailAddress": B} == merged.field_sources


def test_main_value_wins_a_conflict() -> None:
    """On a conflict without a named source the main profile's value is kept."""
    main = {"ProfileId": A, "LastName": "Doe"}
    other = {"ProfileId": B, "LastName": "Roe"}

    merged = merge_fields(main, [other])

    assert "Doe" == merged.profile["LastName"]
    assert A == merged.field_sources["LastName"]


def test_named_source_wins_a_conflict() -> None:
    """A field named in FieldSourceProfileIds is taken from that profile."""
    main = {"ProfileId": A, "LastName": "Doe"}
    other = {"ProfileId": B, "LastName": "Roe"}

    merged = merge_fields(main, [other], {"LastName": B})

    assert "Roe" == merged.profile["LastName"]
    assert B == merged.field_sources["LastName"]


def test_named_source_wins_even_when_empty() -> None:
    """A named source without a value removes the field from the merged profile."""
    main = {"ProfileId": A, "LastName": "Doe", "FirstName": "John"}
    other = {"ProfileId": B, "FirstName": "John"}

    merged = merge_fields(main, [other], {"LastName": B})

    assert "LastName" not in merged.profile
    assert B == merged.field_sources["LastName"]


def test_addresses_are_taken_whole() -> None:
    """An address comes entirely from one profile, never part by part."""
    main = {"ProfileId": A, "Address": {"City": "Springfield"}}
    other = {
        "ProfileId": B,
        "Address": {"City": "Shelbyville", "PostalCode": "12345"},
    }

    kept = merge_fields(main, [other])
    chosen = merge_fields(main, [other], {"Address": B})

    assert {"City": "Springfield"} == kept.profile["Address"]
    assert {"City": "Shelbyville", "PostalCode": "12345"} == chosen.profile["Address"]


def test_attributes_merge_key_by_key() -> None:
    """Attributes are combined per key, and a source can be named per key."""
    main = {"ProfileId": A, "Attributes": {"tier": "gold", "store": "north"}}
    other = {"ProfileId": B, "Attributes": {"tier": "silver", "pet": "cat"}}

    merged = merge_fields(main, [other], {"Attributes": {"store": B}})

    assert {"tier": "gold", "pet": "cat"} == merged.profile["Attributes"]
    assert {
        "Attributes.tier": A,
        "Attributes.store": B,
        "Attributes.pet": B,
    } == merged.field_sources


def test_profile_id_is_the_main_one() -> None:
    """The merged profile keeps the main profile's id."""
    merged = merge_fields({"ProfileId": A}, [{"ProfileId": B, "FirstName": "x"}])

    assert A == merged.profile["ProfileId"]


def test_first_other_with_a_value_wins_when_main_has_none() -> None:
    """Without a main value the first other profile holding the field wins."""
    main = {"ProfileId": A}
    others = [
        {"ProfileId": B, "City": "x"},
        {"ProfileId": C, "FirstName": "Ann"},
        {"ProfileId": D, "FirstName": "Anne"},
    ]

    merged = merge_fields(main, others)

    assert "Ann" == merged.profile["FirstName"]


def test_unknown_source_profile_is_refused() -> None:
    """A source that is not among the merged profiles is a bad request."""
    with pytest.raises(BadRequestException) as caught:
        merge_fields({"ProfileId": A}, [{"ProfileId": B}], {"FirstName": C})

    assert "FieldSourceProfileIds.FirstName" == caught.value.field
    assert C == caught.value.value


def test_unknown_source_field_is_refused() -> None:
    """A FieldSourceProfileIds key that is not a profile field is a bad request."""
    with pytest.raises(BadRequestException) as caught:
        merge_fields({"ProfileId": A}, [{"ProfileId": B}], {"Nickname": B})

    assert "FieldSourceProfileIds.Nickname" == caught.value.field


_values = st.one_of(st.none(), st.sampled_from(["", "x", "y", "z"]))


@given(
    main=st.fixed_dictionaries({"FirstName": _values, "LastName": _values}),
    other=st.fixed_dictionaries({"FirstName": _values, "LastName": _values}),
)
def test_merge_keeps_every_non_empty_main_value(
    main: dict[str, Any], other: dict[str, Any]
) -> None:
    """Without named sources every non-empty main value survives the merge."""
    merged = merge_fields({"ProfileId": A, **main}, [{"ProfileId": B, **other}])

    for name, value in main.items():
        if value:
            assert value == merged.profile[name]
        elif other[name]:
            assert other[name] == merged.profile[name]
        else:
            assert name not in merged.profile


def test_merge_records_carries_times_and_provenance() -> None:
    """A merged record keeps each value's own update time and original source."""
    main = record(A, times={"PhoneNumber": at(1)}, PhoneNumber="1")
    other = record(B, times={"PhoneNumber": at(5)}, PhoneNumber="2")

    merged = merge_records(main, [other], {"PhoneNumber": B})

    assert "2" == merged.profile["PhoneNumber"]
    assert at(5) == merged.updated_at_of("PhoneNumber")
    assert B == merged.field_sources["PhoneNumber"]
