"""Tests for merging: merge_fields, consolidation, auto-merge plans, store calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profilematch._client import Client
from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._matcher import match_id
from profilematch._merge import (
    MergeOperation,
    ProfileRecord,
    auto_merge,
    canonical_value,
    consolidate,
    get_auto_merging_preview,
    merge_fields,
    merge_profiles,
    merge_records,
    plan_auto_merge,
)
from profilematch._models import (
    AutoMerging,
    ConflictResolution,
    Consolidation,
    FieldSourceProfileIds,
    MatchItem,
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


# ---------------------------------------------------------------------------
# merge_profiles, auto_merge and the preview on a store

DOMAIN = "retail"


@pytest.fixture
def client() -> Iterator[Client]:
    """An in-memory client with one domain."""
    with Client() as fresh:
        fresh.create_domain(DOMAIN, default_expiration_days=30)
        yield fresh


def put(
    client: Client,
    profile: dict[str, Any],
    *,
    at_time: datetime | None = None,
    source: str | None = None,
) -> str:
    """Store a profile, its attributes last updated at ``at_time``."""
    profile_id = client.put_profiles(DOMAIN, [profile], source_name=source)[0]
    if at_time is not None:
        names = [n for n in profile if n != "Attributes"]
        names += [f"Attributes.{k}" for k in profile.get("Attributes", {})]
        client.store.set_attribute_updated_at(
            DOMAIN, profile_id, dict.fromkeys(names, at_time)
        )
    return profile_id


def stored(client: Client, profile_id: str) -> dict[str, Any]:
    """A stored profile's service-shaped fields, without its id."""
    return client.store.get_profile(DOMAIN, profile_id).raw


def test_merge_profiles_combines_and_deletes(client: Client) -> None:
    """The main profile takes the merged fields; the others are gone."""
    main = put(client, {"FirstName": "Ann", "LastName": "Lee"})
    other = put(client, {"LastName": "Li", "EmailAddress": "ann@example.com"})

    message = merge_profiles(client.store, DOMAIN, main, [other])

    assert {
        "FirstName": "Ann",
        "LastName": "Lee",
        "EmailAddress": "ann@example.com",
    } == stored(client, main)
    assert 1 == client.store.count_profiles(DOMAIN)
    assert main in message


def test_merged_profile_says_where_it_went(client: Client) -> None:
    """Asking for a merged profile names the profile it was merged into."""
    main = put(client, {"FirstName": "Ann"})
    other = put(client, {"FirstName": "Anne"})
    merge_profiles(client.store, DOMAIN, main, [other])

    with pytest.raises(ResourceNotFoundException) as got:
        client.get_profile(DOMAIN, other)
    with pytest.raises(ResourceNotFoundException) as updated:
        client.update_profile(DOMAIN, other, last_name="Lee")
    batch = client.batch_get_profile(DOMAIN, [other])

    assert f"merged into profile {main}" in got.value.message
    assert f"merged into profile {main}" in updated.value.message
    assert f"merged into profile {main}" in batch.errors[0].message


def test_field_source_wins_and_history_records_it(client: Client) -> None:
    """A named field source wins, and the history says which field came whence."""
    main = put(client, {"FirstName": "Ann", "LastName": "Lee"}, source="crm")
    other = put(client, {"FirstName": "Anna"}, source="shop")
    moment = at(30)

    merge_profiles(
        client.store,
        DOMAIN,
        main,
        [other],
        {"FirstName": other, "LastName": other},
        now=moment,
    )

    assert {"FirstName": "Anna"} == stored(client, main)
    event, when = client.store.history(DOMAIN, main)[-1]
    assert moment == when
    assert [other] == event["ProfileIdsMerged"]
    assert {"FirstName": other, "LastName": other} == event["FieldSourceProfileIds"]
    assert {main: "crm", other: "shop"} == event["SourceNames"]


def test_merge_recomputes_features_and_search_keys(client: Client) -> None:
    """The merged profile is found by the merged-in email and its features change."""
    main = put(client, {"FirstName": "Ann"})
    other = put(client, {"EmailAddress": "Ann@Example.com"})
    before = client.store.get_profile(DOMAIN, main).features_json

    merge_profiles(client.store, DOMAIN, main, [other])

    after = client.store.get_profile(DOMAIN, main).features_json
    found = client.search_profiles(DOMAIN, "_email", ["ann@example.com"])
    assert before != after
    assert "ann@example.com" in (after or "")
    assert [main] == [profile.profile_id for profile in found.items]


def test_merge_keeps_each_value_update_time(client: Client) -> None:
    """A value taken from another profile keeps that profile's update time."""
    main = put(client, {"FirstName": "Ann"}, at_time=at(1))
    other = put(client, {"EmailAddress": "ann@example.com"}, at_time=at(7))

    merge_profiles(client.store, DOMAIN, main, [other], now=at(30))

    times = client.store.get_profile(DOMAIN, main).attribute_updated_at
    assert {"FirstName": at(1), "EmailAddress": at(7)} == times


@pytest.mark.parametrize(
    ("make_request", "error", "field"),
    [
        (lambda m, o: (m, [m]), BadRequestException, "ProfileIdsToBeMerged[0]"),
        (lambda m, o: (m, []), BadRequestException, "ProfileIdsToBeMerged"),
        (
            lambda m, o: (m, [f"{i:032x}" for i in range(21)]),
            BadRequestException,
            "ProfileIdsToBeMerged",
        ),
        (lambda m, o: (m, [o, o]), BadRequestException, "ProfileIdsToBeMerged[1]"),
        (lambda m, o: (m, ["XYZ"]), BadRequestException, "ProfileIdsToBeMerged[0]"),
        (lambda m, o: ("nope", [o]), BadRequestException, "MainProfileId"),
        (lambda m, o: (m, [o, "0" * 32]), ResourceNotFoundException, None),
        (lambda m, o: ("0" * 32, [o]), ResourceNotFoundException, None),
    ],
)
def test_bad_merge_changes_nothing(
    client: Client, make_request: Any, error: type[Exception], field: str | None
) -> None:
    """A refused merge raises a clear error and leaves every profile as it was."""
    main = put(client, {"FirstName": "Ann"})
    other = put(client, {"FirstName": "Anne"})
    main_id, ids = make_request(main, other)

    with pytest.raises(error) as caught:
        merge_profiles(client.store, DOMAIN, main_id, ids)

    assert {"FirstName": "Ann"} == stored(client, main)
    assert {"FirstName": "Anne"} == stored(client, other)
    assert [] == client.store.history(DOMAIN, main)
    if field is not None:
        assert isinstance(caught.value, BadRequestException)
        assert field == caught.value.field


def test_profile_of_another_domain_is_not_merged(client: Client) -> None:
    """An id from another domain is unknown here, and nothing changes anywhere."""
    client.create_domain("other", default_expiration_days=30)
    main = put(client, {"FirstName": "Ann"})
    foreign = client.put_profiles("other", [{"FirstName": "Anne"}])[0]

    with pytest.raises(ResourceNotFoundException) as caught:
        merge_profiles(client.store, DOMAIN, main, [foreign])

    assert foreign in caught.value.message
    assert {"FirstName": "Anne"} == client.store.get_profile("other", foreign).raw
    assert 1 == client.store.count_profiles(DOMAIN)


def test_unknown_field_source_changes_nothing(client: Client) -> None:
    """A field source naming a profile outside the merge is refused up front."""
    main = put(client, {"FirstName": "Ann"})
    other = put(client, {"FirstName": "Anne"})

    with pytest.raises(BadRequestException) as caught:
        merge_profiles(client.store, DOMAIN, main, [other], {"FirstName": "e" * 32})

    assert "FieldSourceProfileIds.FirstName" == caught.value.field
    assert 2 == client.store.count_profiles(DOMAIN)


def store_family(client: Client) -> tuple[str, str, str]:
    """The issue's three profiles in the store, with their update times."""
    a = put(
        client,
        {
            "FirstName": "John",
            "LastName": "Doe",
            "EmailAddress": "doe.family@example.com",
            "PhoneNumber": "+1 206 555 5555",
            "Address": {"City": "Seattle"},
        },
        at_time=at(3),
    )
    b = put(
        client,
        {
            "FirstName": "John",
            "LastName": "Doe",
            "EmailAddress": "doe.family@example.com",
            "PhoneNumber": "+1 206 555 5556",
            "BirthDate": "1980-02-01",
        },
        at_time=at(1),
    )
    c = put(
        client,
        {
            "FirstName": "Jane",
            "LastName": "Doe",
            "EmailAddress": "doe.family@example.com",
            "PhoneNumber": "206-555-5555",
        },
        at_time=at(2),
    )
    client.store.set_attribute_updated_at(
        DOMAIN,
        c,
        {
            "FirstName": at(4),
            "LastName": at(2),
            "EmailAddress": at(2),
            "PhoneNumber": at(2),
        },
    )
    return a, b, c


def auto_merging(gate: float | None = None) -> AutoMerging:
    """The issue's auto-merging setting: two criteria, recency."""
    return AutoMerging(
        enabled=True,
        consolidation=Consolidation(
            matching_attributes_list=(
                ("FirstName", "LastName", "EmailAddress"),
                ("PhoneNumber",),
            )
        ),
        conflict_resolution=ConflictResolution(conflict_resolving_model="RECENCY"),
        min_allowed_confidence_score_for_merging=gate,
    )


def test_auto_merge_consolidates_the_family_group(client: Client) -> None:
    """A and B merge by name and email, then C by phone; newest values win."""
    a, b, c = store_family(client)
    group = MatchItem(match_id="m1", profile_ids=(a, b, c), confidence_score=0.9)

    result = auto_merge(client.store, DOMAIN, [group], auto_merging(0.8), now=at(30))

    assert [] == result.groups
    assert 2 == result.merges_done
    assert [c] == [r.profile_id for r in client.store.iter_profiles(DOMAIN)]
    assert {
        "FirstName": "Jane",
        "LastName": "Doe",
        "EmailAddress": "doe.family@example.com",
        "PhoneNumber": "+1 206 555 5555",
        "Address": {"City": "Seattle"},
        "BirthDate": "1980-02-01",
    } == stored(client, c)
    with pytest.raises(ResourceNotFoundException) as caught:
        client.get_profile(DOMAIN, b)
    assert f"merged into profile {c}" in caught.value.message


def test_auto_merge_leaves_groups_below_the_gate(client: Client) -> None:
    """A group under the confidence gate keeps all its profiles and its MatchId."""
    a, b, c = store_family(client)
    group = MatchItem(match_id="m1", profile_ids=(a, b, c), confidence_score=0.5)

    result = auto_merge(client.store, DOMAIN, [group], auto_merging(0.8))

    assert [group] == result.groups
    assert 0 == result.merges_done
    assert 3 == client.store.count_profiles(DOMAIN)


def test_auto_merge_regroups_what_remains(client: Client) -> None:
    """A profile meeting no criterion stays, in a group with a new MatchId."""
    a, b, c = store_family(client)
    d = put(client, {"FirstName": "Jim", "PhoneNumber": "+1 206 555 0000"})
    group = MatchItem(match_id="m1", profile_ids=(a, b, c, d), confidence_score=0.9)

    result = auto_merge(client.store, DOMAIN, [group], auto_merging())

    assert 1 == len(result.groups)
    assert {c, d} == set(result.groups[0].profile_ids)
    assert match_id([c, d]) == result.groups[0].match_id
    assert {a, b} == set(result.merged_profile_ids)


def test_auto_merge_history_names_the_job(client: Client) -> None:
    """Each automatic merge is recorded with its job, group and criterion."""
    a, b, c = store_family(client)
    group = MatchItem(match_id="m1", profile_ids=(a, b, c), confidence_score=0.9)

    auto_merge(client.store, DOMAIN, [group], auto_merging(), job_id="f" * 32)

    events = [event for event, _ in client.store.history(DOMAIN, c)]
    assert [("AutoMerging", "f" * 32, "m1", 1)] == [
        (e["Trigger"], e["JobId"], e["MatchId"], e["CriterionIndex"]) for e in events
    ]


def test_auto_merge_without_consolidation_is_refused(client: Client) -> None:
    """Auto-merging enabled without criteria is a bad request."""
    with pytest.raises(BadRequestException) as caught:
        auto_merge(client.store, DOMAIN, [], AutoMerging(enabled=True))

    assert "AutoMerging.Consolidation" == caught.value.field


def test_preview_counts_without_changing_anything(tmp_path: Path) -> None:
    """The preview reports the sample and the merges, and the file is unchanged."""
    path = tmp_path / "store.db"
    with Client(path) as client:
        client.create_domain(DOMAIN, default_expiration_days=30)
        a, b, c = store_family(client)
        d = put(client, {"FirstName": "Jim"})
        e = put(client, {"FirstName": "Jim", "LastName": "Roe"})
        client.store.write_generation(
            DOMAIN,
            None,
            [
                MatchItem(match_id="m1", profile_ids=(a, b, c), confidence_score=0.9),
                MatchItem(match_id="m2", profile_ids=(d, e), confidence_score=0.7),
            ],
        )
    before = snapshot_files(tmp_path)

    with Client(path) as client:
        settings = auto_merging()
        assert settings.consolidation is not None
        assert settings.conflict_resolution is not None
        preview = get_auto_merging_preview(
            client.store,
            DOMAIN,
            settings.consolidation,
            settings.conflict_resolution,
        )

    assert {
        "DomainName": DOMAIN,
        "NumberOfMatchesInSample": 2,
        "NumberOfProfilesInSample": 5,
        "NumberOfProfilesWillBeMerged": 2,
    } == preview.to_dict()
    assert before == snapshot_files(tmp_path)


def snapshot_files(directory: Path) -> dict[str, bytes]:
    """Every file of a directory by name, byte for byte."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def test_preview_applies_the_gate(client: Client) -> None:
    """Groups under the preview's gate count in the sample but merge nothing."""
    a, b, c = store_family(client)
    client.store.write_generation(
        DOMAIN,
        None,
        [MatchItem(match_id="m1", profile_ids=(a, b, c), confidence_score=0.6)],
    )

    preview = get_auto_merging_preview(
        client.store, DOMAIN, BY_NAME_AND_EMAIL, RECENCY, 0.95
    )

    assert (1, 3, 0) == (
        preview.number_of_matches_in_sample,
        preview.number_of_profiles_in_sample,
        preview.number_of_profiles_will_be_merged,
    )


def test_preview_samples_reproducibly(client: Client) -> None:
    """A seeded sample of the groups is the same every time."""
    ids = [put(client, {"FirstName": f"P{i}"}) for i in range(20)]
    groups = [
        MatchItem(
            match_id=f"m{i}", profile_ids=(ids[i], ids[i + 10]), confidence_score=0.9
        )
        for i in range(10)
    ]
    client.store.write_generation(DOMAIN, None, groups)

    first = get_auto_merging_preview(
        client.store, DOMAIN, BY_NAME_AND_EMAIL, RECENCY, sample_size=4
    )
    second = get_auto_merging_preview(
        client.store, DOMAIN, BY_NAME_AND_EMAIL, RECENCY, sample_size=4
    )

    assert 4 == first.number_of_matches_in_sample
    assert first == second


def test_preview_before_any_job_is_empty(client: Client) -> None:
    """With no match results yet the preview samples nothing."""
    preview = get_auto_merging_preview(client.store, DOMAIN, BY_NAME_AND_EMAIL, RECENCY)

    assert 0 == preview.number_of_matches_in_sample
    assert 0 == preview.number_of_profiles_will_be_merged


def test_preview_of_unknown_domain_is_not_found(client: Client) -> None:
    """A preview for a domain that does not exist is a ResourceNotFoundException."""
    with pytest.raises(ResourceNotFoundException):
        get_auto_merging_preview(client.store, "nope", BY_NAME_AND_EMAIL, RECENCY)


def test_repoint_merged_follows_later_merges(client: Client) -> None:
    """A tombstone pointing at a profile that merged later points at its new home."""
    a = put(client, {"FirstName": "Ann"})
    b = put(client, {"FirstName": "Ann"})
    c = put(client, {"FirstName": "Ann"})

    merge_profiles(client.store, DOMAIN, a, [b])
    merge_profiles(client.store, DOMAIN, c, [a])

    assert c == client.store.merged_into(DOMAIN, b)
    assert c == client.store.merged_into(DOMAIN, a)


def test_set_attribute_updated_at_of_missing_profile_is_not_found(
    client: Client,
) -> None:
    """Setting update times of an unknown profile is a ResourceNotFoundException."""
    with pytest.raises(ResourceNotFoundException):
        client.store.set_attribute_updated_at(DOMAIN, "0" * 32, {"FirstName": at(1)})


def test_client_merge_profiles_delegates(client: Client) -> None:
    """Client.merge_profiles merges with field sources given as a model."""
    main = client.create_profile(DOMAIN, first_name="Ann", last_name="Lee")
    other = client.create_profile(DOMAIN, last_name="Li")

    client.merge_profiles(DOMAIN, main, [other], FieldSourceProfileIds(last_name=other))

    assert "Li" == client.get_profile(DOMAIN, main).last_name
    assert 1 == client.store.count_profiles(DOMAIN)


def test_client_field_sources_follow_the_service_rules(client: Client) -> None:
    """A FieldSourceProfileIds dict with an unknown member is refused by name."""
    main = client.create_profile(DOMAIN, first_name="Ann")
    other = client.create_profile(DOMAIN, first_name="Anne")

    with pytest.raises(BadRequestException) as caught:
        client.merge_profiles(DOMAIN, main, [other], {"ShoeSize": other})

    assert "ShoeSize" in caught.value.message
    assert 2 == client.store.count_profiles(DOMAIN)


def test_client_preview_returns_the_service_shape(client: Client) -> None:
    """Client.get_auto_merging_preview takes models and answers in service shape."""
    a, b, c = store_family(client)
    client.store.write_generation(
        DOMAIN,
        None,
        [MatchItem(match_id="m1", profile_ids=(a, b, c), confidence_score=0.9)],
    )
    settings = auto_merging()
    assert settings.consolidation is not None
    assert settings.conflict_resolution is not None

    preview = client.get_auto_merging_preview(
        DOMAIN, settings.consolidation, settings.conflict_resolution, 0.5
    )

    assert {
        "DomainName": DOMAIN,
        "NumberOfMatchesInSample": 1,
        "NumberOfProfilesInSample": 3,
        "NumberOfProfilesWillBeMerged": 2,
    } == preview.to_dict()
    assert 3 == client.store.count_profiles(DOMAIN)


def test_client_preview_checks_the_domain_name(client: Client) -> None:
    """A malformed domain name is refused before anything is read."""
    with pytest.raises(BadRequestException) as caught:
        client.get_auto_merging_preview("no spaces", BY_NAME_AND_EMAIL, RECENCY)

    assert "DomainName" == caught.value.field


def test_merge_in_unknown_domain_is_not_found(client: Client) -> None:
    """Merging in a domain that does not exist is a ResourceNotFoundException."""
    with pytest.raises(ResourceNotFoundException):
        merge_profiles(client.store, "nope", A, [B])


_people = st.lists(
    st.fixed_dictionaries(
        {
            "FirstName": st.sampled_from(["Ann", "ANN", "Bo", ""]),
            "EmailAddress": st.sampled_from(["a@x.com", "A@X.com", "b@x.com", ""]),
            "PhoneNumber": st.sampled_from(["+1 206 555 0100", "(206) 555-0100", ""]),
        }
    ),
    min_size=1,
    max_size=6,
)


@given(people=_people, days=st.lists(st.integers(0, 5), min_size=6, max_size=6))
def test_consolidation_accounts_for_every_profile(
    people: list[dict[str, Any]], days: list[int]
) -> None:
    """Merged and remaining profiles together are exactly the group, each once."""
    records = [
        record(f"{index:032x}", updated=at(days[index]), **person)
        for index, person in enumerate(people)
    ]
    group = {
        "MatchId": "m",
        "ProfileIds": [r.profile_id for r in records],
        "ConfidenceScore": 1.0,
    }

    plan = plan_auto_merge(
        [group],
        {r.profile_id: r for r in records},
        {"MatchingAttributesList": [["FirstName", "EmailAddress"], ["PhoneNumber"]]},
        RECENCY,
    ).groups[0]

    merged = [pid for op in plan.operations for pid in op.profile_ids_to_be_merged]
    assert sorted(group["ProfileIds"]) == sorted([*merged, *plan.remaining_profile_ids])
    assert len(set(merged)) == len(merged)


def test_canonical_address_compares_every_part() -> None:
    """A whole address compares street, city, postal code and country canonically."""
    left = {
        "Address": {
            "Address1": "123 Main Street",
            "City": "Springfield",
            "PostalCode": "62704-1234",
            "Country": "USA",
        }
    }
    right = {
        "Address": {
            "Address1": "123 main st.",
            "City": "SPRINGFIELD",
            "PostalCode": "62704",
            "Country": "US",
        }
    }

    assert canonical_value(left, "Address") == canonical_value(right, "Address")


def test_canonical_phone_reads_the_address_country() -> None:
    """A national phone number is read in the region of the profile's country."""
    swedish = {"PhoneNumber": "070 123 45 67", "Address": {"Country": "Sweden"}}

    assert "+46701234567" == canonical_value(swedish, "PhoneNumber")
