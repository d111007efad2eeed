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
from profilematch._merge import (
    MergeOperation,
    ProfileRecord,
    canonical_value,
    consolidate,
    merge_fields,
    merge_records,
    plan_auto_merge,
)

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


# ---------------------------------------------------------------------------
# consolidate

BY_NAME_AND_EMAIL = {
    "MatchingAttributesList": [
        ["FirstName", "LastName", "EmailAddress"],
        ["PhoneNumber"],
    ]
}
RECENCY = {"ConflictResolvingModel": "RECENCY"}


def family() -> list[ProfileRecord]:
    """The issue's three profiles: A and B the same John, C his relative Jane."""
    a = record(
        A,
        updated=at(3),
        FirstName="John",
        LastName="Doe",
        EmailAddress="doe.family@example.com",
        PhoneNumber="+1 206 555 5555",
        Address={"City": "Seattle"},
    )
    b = record(
        B,
        updated=at(1),
        FirstName="JOHN",
        LastName="Doe",
        EmailAddress="Doe.Family@Example.com",
        PhoneNumber="(206) 555-5556",
        BirthDate="1980-02-01",
    )
    c = record(
        C,
        updated=at(2),
        times={"FirstName": at(4)},
        FirstName="Jane",
        LastName="Doe",
        EmailAddress="doe.family@example.com",
        PhoneNumber="206-555-5555",
    )
    return [a, b, c]


def test_criteria_apply_in_order_on_merged_profiles() -> None:
    """Criterion 1 merges A and B, then criterion 2 merges the result with C."""
    operations = consolidate(family(), BY_NAME_AND_EMAIL, RECENCY)

    assert [
        MergeOperation(
            main_profile_id=A,
            profile_ids_to_be_merged=(B,),
            field_source_profile_ids={
                "FirstName": A,
                "EmailAddress": A,
                "PhoneNumber": A,
            },
            criterion_index=0,
        ),
        MergeOperation(
            main_profile_id=C,
            profile_ids_to_be_merged=(A,),
            field_source_profile_ids={"FirstName": C, "PhoneNumber": A},
            criterion_index=1,
        ),
    ] == operations


def test_consolidated_profile_takes_each_newest_value() -> None:
    """The group's final profile holds each attribute's most recent value."""
    plan = plan_auto_merge(
        [{"MatchId": "m1", "ProfileIds": [A, B, C], "ConfidenceScore": 0.9}],
        {r.profile_id: r for r in family()},
        BY_NAME_AND_EMAIL,
        RECENCY,
    )
    final = apply_operations(family(), plan.operations)

    assert (C,) == plan.groups[0].remaining_profile_ids
    assert 2 == plan.profiles_merged
    assert {
        "ProfileId": C,
        "FirstName": "Jane",
        "LastName": "Doe",
        "EmailAddress": "doe.family@example.com",
        "PhoneNumber": "+1 206 555 5555",
        "Address": {"City": "Seattle"},
        "BirthDate": "1980-02-01",
    } == final[C].profile


def apply_operations(
    records: list[ProfileRecord], operations: tuple[MergeOperation, ...]
) -> dict[str, ProfileRecord]:
    """Apply merge operations to records the way the store does."""
    by_id = {r.profile_id: r for r in records}
    for op in operations:
        others = [by_id.pop(pid) for pid in op.profile_ids_to_be_merged]
        by_id[op.main_profile_id] = merge_records(
            by_id[op.main_profile_id], others, op.field_source_profile_ids
        )
    return by_id


def test_group_below_the_confidence_gate_does_not_merge() -> None:
    """A group scored under MinAllowedConfidenceScoreForMerging is left alone."""
    plan = plan_auto_merge(
        [{"MatchId": "m1", "ProfileIds": [A, B, C], "ConfidenceScore": 0.5}],
        {r.profile_id: r for r in family()},
        BY_NAME_AND_EMAIL,
        RECENCY,
        0.8,
    )

    assert () == plan.operations
    assert (A, B, C) == plan.groups[0].remaining_profile_ids


def test_group_at_the_confidence_gate_merges() -> None:
    """A group scored exactly at the gate merges."""
    plan = plan_auto_merge(
        [{"MatchId": "m1", "ProfileIds": [A, B, C], "ConfidenceScore": 0.8}],
        {r.profile_id: r for r in family()},
        BY_NAME_AND_EMAIL,
        RECENCY,
        0.8,
    )

    assert 2 == plan.profiles_merged


def test_profile_meeting_no_criterion_stays_apart() -> None:
    """A profile that shares no criterion with the others is not merged."""
    stranger = record(
        D,
        FirstName="Jim",
        LastName="Doe",
        EmailAddress="jim@example.com",
        PhoneNumber="+1 206 555 0000",
    )

    operations = consolidate([*family(), stranger], BY_NAME_AND_EMAIL, RECENCY)

    merged = {pid for op in operations for pid in op.profile_ids_to_be_merged}
    assert 2 == len(merged)
    assert D not in merged
    assert D not in {op.main_profile_id for op in operations}


def test_missing_attribute_never_meets_a_criterion() -> None:
    """Two profiles both lacking an attribute of a criterion do not merge by it."""
    records = [record(A, FirstName="Ann"), record(B, FirstName="Ann")]

    operations = consolidate(
        records, {"MatchingAttributesList": [["FirstName", "LastName"]]}, RECENCY
    )

    assert [] == operations


def test_source_resolution_prefers_the_named_source() -> None:
    """SOURCE keeps the named source's value even when another is newer."""
    crm = record(
        A, updated=at(1), source="crm", EmailAddress="x@example.com", LastName="Old"
    )
    shop = record(
        B, updated=at(9), source="shop", EmailAddress="X@example.com", LastName="New"
    )

    operations = consolidate(
        [crm, shop],
        {"MatchingAttributesList": [["EmailAddress"]]},
        {"ConflictResolvingModel": "SOURCE", "SourceName": "crm"},
    )

    assert A == operations[0].main_profile_id
    assert {"LastName": A, "EmailAddress": A} == operations[0].field_source_profile_ids


def test_source_resolution_falls_back_to_recency() -> None:
    """SOURCE takes the newest value when the named source does not hold it."""
    crm = record(A, updated=at(1), source="crm", EmailAddress="x@example.com")
    shop = record(
        B, updated=at(2), source="shop", EmailAddress="x@example.com", LastName="Roe"
    )
    web = record(
        C, updated=at(5), source="web", EmailAddress="x@example.com", LastName="Doe"
    )

    operations = consolidate(
        [crm, shop, web],
        {"MatchingAttributesList": [["EmailAddress"]]},
        {"ConflictResolvingModel": "SOURCE", "SourceName": "crm"},
    )

    assert {"LastName": C} == operations[0].field_source_profile_ids


@pytest.mark.parametrize(
    ("consolidation", "field"),
    [
        ({"MatchingAttributesList": []}, "Consolidation.MatchingAttributesList"),
        (
            {"MatchingAttributesList": [["FirstName"]] * 11},
            "Consolidation.MatchingAttributesList",
        ),
        (
            {"MatchingAttributesList": [["FirstName"] * 21]},
            "Consolidation.MatchingAttributesList[0]",
        ),
        (
            {"MatchingAttributesList": [["FirstName", "ShoeSize"]]},
            "Consolidation.MatchingAttributesList[0][1]",
        ),
        (
            {"MatchingAttributesList": [["Address.Planet"]]},
            "Consolidation.MatchingAttributesList[0][0]",
        ),
    ],
)
def test_bad_consolidation_is_refused(
    consolidation: dict[str, Any], field: str
) -> None:
    """A consolidation outside the service's limits names the field at fault."""
    with pytest.raises(BadRequestException) as caught:
        consolidate(family(), consolidation, RECENCY)

    assert field == caught.value.field


def test_source_model_needs_a_source_name() -> None:
    """SOURCE without a SourceName is a bad request."""
    with pytest.raises(BadRequestException) as caught:
        consolidate(family(), BY_NAME_AND_EMAIL, {"ConflictResolvingModel": "SOURCE"})

    assert "ConflictResolution.SourceName" == caught.value.field


def test_confidence_gate_outside_range_is_refused() -> None:
    """A minimum confidence score outside [0, 1] is a bad request."""
    with pytest.raises(BadRequestException) as caught:
        plan_auto_merge([], {}, BY_NAME_AND_EMAIL, RECENCY, 1.5)

    assert "MinAllowedConfidenceScoreForMerging" == caught.value.field


@pytest.mark.parametrize(
    ("attribute", "left", "right"),
    [
        ("EmailAddress", "JOHN_DOE@ANYCOMPANY.COM", " john_doe@anycompany.com"),
        ("PhoneNumber", "(201) 555-0123", "+1 201 555 0123"),
        ("FirstName", "Zoë", "ZOE"),
        ("BirthDate", "Mar 1 1970", "1970-03-01"),
        ("Attributes.tier", "Gold ", "gold"),
    ],
)
def test_canonical_forms_are_equal(attribute: str, left: str, right: str) -> None:
    """Differently written values of one attribute share a canonical form."""

    def profile(value: str) -> dict[str, Any]:
        if attribute.startswith("Attributes."):
            return {"Attributes": {attribute.split(".", 1)[1]: value}}
        return {attribute: value}

    assert canonical_value(profile(left), attribute) == canonical_value(
        profile(right), attribute
    )
    assert canonical_value(profile(left), attribute) is not None


def test_canonical_postal_code_ignores_spacing_and_case() -> None:
    """Address.PostalCode compares postal codes in canonical form."""
    left = {"Address": {"PostalCode": "sw1a 1aa", "Country": "GB"}}
    right = {"Address": {"PostalCode": "SW1A1AA", "Country": "United Kingdom"}}

    assert canonical_value(left, "Address.PostalCode") == canonical_value(
        right, "Address.PostalCode"
    )


def test_canonical_value_of_a_missing_attribute_is_none() -> None:
    """An absent or empty attribute has no canonical value."""
    assert canonical_value({"FirstName": ""}, "FirstName") is None
    assert canonical_value({}, "Address.City") is None
