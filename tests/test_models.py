"""Tests of the data model and its local validation."""

from __future__ import annotations

import datetime as dt
import pickle
import re
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import profilematch as pm
from profilematch._models import _SPEC, FrozenMap, Spec, service_name
from profilematch._validate import Checker, closest, describe_value, join_path

PID = "0123456789abcdef0123456789abcdef"
NOW = dt.datetime(2026, 12, 3, 16, 0, tzinfo=dt.timezone.utc)


def test_profile_to_dict_uses_service_names_and_omits_none():
    """A profile's dict has PascalCase keys, nested dicts and no None values."""
    profile = pm.Profile(
        first_name="Ana",
        address=pm.Address(address1="1 Main St", postal_code="02139"),
        attributes={"tier": "gold"},
    )

    assert {
        "FirstName": "Ana",
        "Address": {"Address1": "1 Main St", "PostalCode": "02139"},
        "Attributes": {"tier": "gold"},
    } == profile.to_dict()


def test_profile_round_trips_through_dict():
    """from_dict(to_dict()) gives back an equal profile."""
    profile = pm.Profile(profile_id=PID, last_name="Silva", gender="FEMALE")

    assert profile == pm.Profile.from_dict(profile.to_dict())


def test_construction_refuses_an_overlong_name():
    """Direct construction checks the service model's length limits."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.Profile(first_name="x" * 300)

    assert "FirstName" == caught.value.field
    assert "length 1..255" == caught.value.rule
    assert "x" * 300 == caught.value.value


def test_match_item_keeps_a_tuple_and_a_float():
    """A list of ids becomes a tuple and an int score a float."""
    item = pm.MatchItem(match_id="m1", profile_ids=[PID], confidence_score=1)

    assert (PID,) == item.profile_ids
    assert 1.0 == item.confidence_score
    assert {"MatchId": "m1", "ProfileIds": [PID], "ConfidenceScore": 1.0} == (
        item.to_dict()
    )


def test_service_name_capitalizes_each_part():
    """Field names map to the service's PascalCase names, digits kept."""
    assert "S3BucketName" == service_name("s3_bucket_name")
    assert "Address1" == service_name("address1")


def test_models_are_hashable():
    """A frozen model with a map member can be hashed and used in a set."""
    profile = pm.Profile(attributes={"a": "b"})

    assert 1 == len({profile, attrs.evolve(profile)})
    assert isinstance(profile.attributes, FrozenMap)


# Hypothesis strategies derived from the models' own rules, so every model
# class is covered without a hand-written generator per class.


def _bounded(low: int | None, high: int | None, cap: int) -> tuple[int, int]:
    """A size range inside the rule's range, capped to keep examples small."""
    low = low or 0
    high = cap if high is None else min(high, max(low, cap))

    return low, high


def spec_strategy(spec: Spec) -> st.SearchStrategy[Any]:
    """Values that satisfy one member's rules."""
    kind = spec.kind
    if kind == "string":
        return _string_strategy(spec)
    if kind in ("integer", "long"):
        low, high = spec.range or (None, None)
        return st.integers(
            min_value=None if low is None else int(low),
            max_value=None if high is None else int(high),
        )
    if kind == "double":
        low, high = spec.range or (None, None)
        return st.floats(low, high, allow_nan=False, allow_infinity=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.datetimes(timezones=st.just(dt.timezone.utc))
    if kind == "structure":
        assert spec.model is not None
        return model_strategy(spec.model)
    if kind == "list":
        assert spec.member is not None
        low, high = _bounded(*(spec.count or (None, None)), cap=3)
        return st.lists(spec_strategy(spec.member), min_size=low, max_size=high)

    assert spec.key is not None and spec.member is not None
    low, high = _bounded(*(spec.count or (None, None)), cap=3)
    return st.dictionaries(
        spec_strategy(spec.key), spec_strategy(spec.member), min_size=low, max_size=high
    )


def _string_strategy(spec: Spec) -> st.SearchStrategy[str]:
    """Strings that satisfy a string member's length, pattern and enum."""
    if spec.enum is not None:
        return st.sampled_from(spec.enum)

    low, high = spec.length or (None, None)
    if spec.pattern is None:
        size_low, size_high = _bounded(low, high, cap=40)
        return st.text(min_size=size_low, max_size=size_high)

    # Hypothesis cannot generate from a lookahead, so generate from the
    # pattern without it and keep the strings the full pattern accepts.
    loose = re.sub(r"\(\?!.*?\)", "", spec.pattern)
    full = re.compile(spec.pattern, re.DOTALL)
    return st.from_regex(loose, fullmatch=True).filter(
        lambda text: (
            (low is None or len(text) >= low)
            and (high is None or len(text) <= high)
            and full.fullmatch(text) is not None
        )
    )


def model_strategy(cls: type[Any]) -> st.SearchStrategy[Any]:
    """Valid instances of a model, optional members sometimes left out."""
    required = {}
    optional = {}
    for field in attrs.fields(cls):
        spec = field.metadata[_SPEC]
        if spec.required:
            required[field.name] = spec_strategy(spec)
        else:
            optional[field.name] = st.none() | spec_strategy(spec)

    return st.fixed_dictionaries(required, optional=optional).map(
        lambda kwargs: cls(**kwargs)
    )


MODELS = [
    pm.Address,
    pm.AutoMerging,
    pm.BatchGetProfileError,
    pm.ConflictResolution,
    pm.Consolidation,
    pm.ContactPreference,
    pm.Domain,
    pm.DomainStats,
    pm.EngagementPreferences,
    pm.ExportingConfig,
    pm.ExportingLocation,
    pm.FieldSourceProfileIds,
    pm.FoundByKeyValue,
    pm.IdentityResolutionJob,
    pm.JobSchedule,
    pm.JobStats,
    pm.ListDomainItem,
    pm.MatchItem,
    pm.MatchesPage,
    pm.Matching,
    pm.Profile,
    pm.S3ExportingConfig,
    pm.S3ExportingLocation,
]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_model_round_trips_through_dict(cls, data):
    """from_dict(to_dict(x)) == x for generated valid instances of every model."""
    model = data.draw(model_strategy(cls))

    assert model == cls.from_dict(model.to_dict())


def _domain(**changes: Any) -> dict[str, Any]:
    """Keyword arguments of a valid domain, with some changed."""
    kwargs: dict[str, Any] = {
        "domain_name": "retail",
        "default_expiration_days": 366,
        "created_at": NOW,
        "last_updated_at": NOW,
    }
    kwargs.update(changes)

    return kwargs


def _match(**changes: Any) -> dict[str, Any]:
    """Keyword arguments of a valid match item, with some changed."""
    kwargs: dict[str, Any] = {
        "match_id": "m1",
        "profile_ids": (PID,),
        "confidence_score": 0.5,
    }
    kwargs.update(changes)

    return kwargs


REFUSALS = [
    ("empty name", pm.Profile, {"first_name": ""}, "FirstName", "length 1..255"),
    (
        "long postcode",
        pm.Address,
        {"postal_code": "9" * 256},
        "PostalCode",
        "length 1..255",
    ),
    (
        "long information",
        pm.Profile,
        {"additional_information": "i" * 1001},
        "AdditionalInformation",
        "length 1..1000",
    ),
    (
        "profile id pattern",
        pm.Profile,
        {"profile_id": PID.upper()},
        "ProfileId",
        "pattern [a-f0-9]{32}",
    ),
    (
        "domain name pattern",
        pm.Domain,
        _domain(domain_name="my domain"),
        "DomainName",
        "pattern ^[a-zA-Z0-9_-]+$",
    ),
    (
        "schedule time pattern",
        pm.JobSchedule,
        {"day_of_the_week": "MONDAY", "time": "24:00"},
        "Time",
        "pattern ^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$",
    ),
    (
        "schedule time length",
        pm.JobSchedule,
        {"day_of_the_week": "MONDAY", "time": "1:00:00"},
        "Time",
        "length 3..5",
    ),
    (
        "gender enum",
        pm.Profile,
        {"gender": "F"},
        "Gender",
        "one of MALE, FEMALE, UNSPECIFIED",
    ),
    (
        "day enum is case-sensitive",
        pm.JobSchedule,
        {"day_of_the_week": "Monday", "time": "0:00"},
        "DayOfTheWeek",
        "one of SUNDAY, MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY",
    ),
    (
        "expiration below range",
        pm.Domain,
        _domain(default_expiration_days=0),
        "DefaultExpirationDays",
        "range 1..1098",
    ),
    (
        "expiration above range",
        pm.Domain,
        _domain(default_expiration_days=1099),
        "DefaultExpirationDays",
        "range 1..1098",
    ),
    (
        "score above one",
        pm.MatchItem,
        _match(confidence_score=1.5),
        "ConfidenceScore",
        "range 0.0..1.0",
    ),
    (
        "score not a number",
        pm.MatchItem,
        _match(confidence_score=float("nan")),
        "ConfidenceScore",
        "range 0.0..1.0",
    ),
    (
        "merge threshold below zero",
        pm.AutoMerging,
        {"enabled": True, "min_allowed_confidence_score_for_merging": -0.1},
        "MinAllowedConfidenceScoreForMerging",
        "range 0.0..1.0",
    ),
    (
        "negative count",
        pm.JobStats,
        {"number_of_matches_found": -1},
        "NumberOfMatchesFound",
        "range 0..",
    ),
    (
        "no attribute sets",
        pm.Consolidation,
        {"matching_attributes_list": ()},
        "MatchingAttributesList",
        "items 1..10",
    ),
    (
        "too many attributes in a set",
        pm.Consolidation,
        {"matching_attributes_list": (("FirstName",) * 21,)},
        "MatchingAttributesList[0]",
        "items 1..20",
    ),
    (
        "too many tags",
        pm.Domain,
        _domain(tags={f"k{i}": "v" for i in range(51)}),
        "Tags",
        "entries 1..50",
    ),
    (
        "reserved tag key",
        pm.Domain,
        _domain(tags={"aws:owner": "me"}),
        "Tags['aws:owner']",
        "pattern ^(?!aws:)[a-zA-Z+-=._:/]+$",
    ),
    (
        "empty attribute value",
        pm.Profile,
        {"attributes": {"tier": ""}},
        "Attributes['tier']",
        "length 1..255",
    ),
    (
        "bad id in a match",
        pm.MatchItem,
        _match(profile_ids=(PID, "nope")),
        "ProfileIds[1]",
        "pattern [a-f0-9]{32}",
    ),
    ("name not a string", pm.Profile, {"first_name": 3}, "FirstName", "type string"),
    (
        "flag not a boolean",
        pm.Matching,
        {"enabled": "yes"},
        "Enabled",
        "type boolean",
    ),
    (
        "bool is not an integer",
        pm.Domain,
        _domain(default_expiration_days=True),
        "DefaultExpirationDays",
        "type integer",
    ),
    (
        "ids not a list",
        pm.MatchItem,
        _match(profile_ids=PID),
        "ProfileIds",
        "type list",
    ),
    (
        "address not an Address",
        pm.Profile,
        {"address": {"City": "Lyon"}},
        "Address",
        "type Address",
    ),
    (
        "naive timestamp",
        pm.Domain,
        _domain(created_at=dt.datetime(2026, 1, 1)),
        "CreatedAt",
        "type timestamp with a time zone",
    ),
    (
        "required member None",
        pm.MatchItem,
        _match(match_id=None),
        "MatchId",
        "required",
    ),
]


@pytest.mark.parametrize(
    ("cls", "kwargs", "field", "rule"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_construction_refuses_what_the_service_would(cls, kwargs, field, rule):
    """Constructing a model that breaks a rule raises one BadRequestException."""
    with pytest.raises(pm.BadRequestException) as caught:
        cls(**kwargs)

    assert field == caught.value.field
    assert rule == caught.value.rule
    assert caught.value.message.startswith(f"{field}: {rule}, got ")


@pytest.mark.parametrize(
    ("cls", "kwargs", "field", "rule"),
    [case[1:] for case in REFUSALS if case[0] != "address not an Address"],
    ids=[case[0] for case in REFUSALS if case[0] != "address not an Address"],
)
def test_from_dict_refuses_what_construction_refuses(cls, kwargs, field, rule):
    """from_dict applies the same rules, under the prefix the caller gives."""
    valid = model_for(cls)
    data = {**valid.to_dict(), **_wire(kwargs)}

    with pytest.raises(pm.BadRequestException) as caught:
        cls.from_dict(data, prefix="Items[2]")

    assert f"Items[2].{field}" == caught.value.field
    assert rule == caught.value.rule


def model_for(cls: type[Any]) -> Any:
    """A small valid instance of a model, to change one member of."""
    if cls is pm.Domain:
        return cls(**_domain())
    if cls is pm.MatchItem:
        return cls(**_match())
    if cls is pm.JobSchedule:
        return cls(day_of_the_week="MONDAY", time="0:00")
    if cls is pm.Consolidation:
        return cls(matching_attributes_list=(("FirstName",),))
    if cls in (pm.AutoMerging, pm.Matching):
        return cls(enabled=True)

    return cls()


def _wire(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments under their service names, tuples as lists."""
    return {
        service_name(key): list(value) if isinstance(value, tuple) else value
        for key, value in kwargs.items()
    }


def test_edges_of_each_range_are_accepted():
    """The ends of length, number and count ranges are inside the range."""
    profile = pm.Profile(first_name="a", last_name="z" * 255)
    domain = pm.Domain(**_domain(default_expiration_days=1098, tags={"k": ""}))
    item = pm.MatchItem(**_match(confidence_score=0))
    schedule = pm.JobSchedule(day_of_the_week="SATURDAY", time="23:59")

    assert "z" * 255 == profile.last_name
    assert 1098 == domain.default_expiration_days
    assert 0.0 == item.confidence_score
    assert "23:59" == schedule.time


def test_every_problem_is_listed_in_one_error():
    """All broken rules of one input are reported together, the first as field."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.Profile(first_name="", gender="F", profile_id="x")

    message = caught.value.message
    assert "ProfileId" == caught.value.field
    assert message.startswith("3 problems in the request:\n")
    assert "- FirstName: length 1..255, got ''; send 1 to 255 characters" in message
    assert "- Gender: one of MALE, FEMALE, UNSPECIFIED, got 'F'" in message
    assert 3 == len(caught.value.problems)


def test_from_dict_refuses_unknown_members_and_names_the_allowed_ones():
    """An unknown key is refused, and the message lists the allowed keys."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.JobSchedule.from_dict(
            {"DayOfTheWeek": "MONDAY", "Time": "1:00", "Timezone": "UTC"}
        )

    assert "Timezone" == caught.value.field
    assert "unknown member" == caught.value.rule
    assert "UTC" == caught.value.value
    assert "allowed members are DayOfTheWeek, Time" in caught.value.message


def test_from_dict_reports_a_missing_required_member():
    """A required member left out of the dict is reported as required."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.JobSchedule.from_dict({"DayOfTheWeek": "MONDAY"})

    assert "Time" == caught.value.field
    assert "required" == caught.value.rule


def test_from_dict_paths_reach_into_nested_lists():
    """A problem deep in a page is reported with its full path."""
    data = {
        "Matches": [
            {"MatchId": "a", "ProfileIds": [PID], "ConfidenceScore": 0.9},
            {"MatchId": "b", "ProfileIds": [PID, "XYZ"], "ConfidenceScore": 0.8},
        ]
    }

    with pytest.raises(pm.BadRequestException) as caught:
        pm.MatchesPage.from_dict(data)

    assert "Matches[1].ProfileIds[1]" == caught.value.field
    assert "XYZ" == caught.value.value


def test_from_dict_refuses_wrong_container_types():
    """A structure that is not a dict or a list that is not a list is refused."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.Profile.from_dict({"Address": "1 Main St", "FoundByItems": "x"})

    fields = [(problem.field, problem.rule) for problem in caught.value.problems]
    assert [
        ("Address", "type structure"),
        ("FoundByItems", "type list"),
    ] == fields


def test_from_dict_refuses_a_body_that_is_not_a_dict():
    """A request body that is not a dict is refused under the given prefix."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.Profile.from_dict(["FirstName", "Ana"], prefix="Profiles[0]")

    assert "Profiles[0]" == caught.value.field
    assert "type structure" == caught.value.rule


@pytest.mark.parametrize(
    "raw",
    [
        "2026-12-03T16:00:00Z",
        "2026-12-03T17:00:00+01:00",
        1796313600,
        NOW,
    ],
)
def test_from_dict_reads_timestamps_in_several_forms(raw):
    """ISO 8601 with an offset, epoch seconds and aware datetimes all read as UTC."""
    page = pm.MatchesPage.from_dict({"MatchGenerationDate": raw})

    assert NOW == page.match_generation_date
    assert dt.timezone.utc == page.match_generation_date.tzinfo


@pytest.mark.parametrize("raw", ["yesterday", "2026-12-03T16:00:00", True, [1]])
def test_from_dict_refuses_unreadable_or_naive_timestamps(raw):
    """A timestamp that is not a time, or has no time zone, is refused."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.MatchesPage.from_dict({"MatchGenerationDate": raw})

    assert "MatchGenerationDate" == caught.value.field


def test_evolve_checks_the_changed_copy():
    """A copy made with evolve is checked like a new model."""
    profile = pm.Profile(first_name="Ana")

    assert "Bo" == profile.evolve(first_name="Bo").first_name
    with pytest.raises(pm.BadRequestException):
        profile.evolve(gender="female")


def test_models_are_frozen():
    """Assigning to a member of a model fails."""
    profile = pm.Profile(first_name="Ana")

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        profile.first_name = "Bo"  # type: ignore[misc]
    assert "Ana" == profile.first_name


def test_frozen_map_is_read_only_equal_to_a_dict_and_picklable():
    """A FrozenMap compares equal to its dict, refuses writes and pickles."""
    frozen = FrozenMap({"a": "1"})

    assert {"a": "1"} == frozen
    assert frozen == pickle.loads(pickle.dumps(frozen))
    with pytest.raises(TypeError):
        frozen["b"] = "2"  # type: ignore[index]


def test_present_attributes_lists_filled_members_by_service_name():
    """Only members with a value are listed; ids, empty maps and addresses skip."""
    profile = pm.Profile(
        profile_id=PID,
        first_name="Ana",
        email_address="ana@example.com",
        address=pm.Address(),
        billing_address=pm.Address(city="Porto"),
        attributes={},
    )

    assert {
        "FirstName": "Ana",
        "EmailAddress": "ana@example.com",
        "BillingAddress": pm.Address(city="Porto"),
    } == profile.present_attributes()
    assert ["Address", "BillingAddress"] == list(profile.addresses())


def test_member_names_map_service_names_to_fields():
    """member_names gives each service name's snake_case field, in order."""
    names = pm.S3ExportingConfig.member_names()

    assert {"S3BucketName": "s3_bucket_name", "S3KeyName": "s3_key_name"} == names
    assert "first_name" == pm.Profile.member_names()["FirstName"]


def test_checker_paths_join_members_and_indexes():
    """Child checkers report problems under the joined path of their parents."""
    checker = Checker("Profiles").at("[3]").at("Address")

    checker.check_length("PostalCode", "", 1, 255)

    assert ["Profiles[3].Address.PostalCode"] == [p.field for p in checker.problems]
    assert "Address" == join_path("", "Address")


def test_checker_without_problems_does_not_raise():
    """raise_if_any is silent when every check passed."""
    checker = Checker()

    passed = checker.check_enum("Status", "PENDING", ("PENDING", "FAILED"))
    checker.raise_if_any()

    assert passed
    assert [] == checker.problems


def test_open_ranges_read_naturally_in_messages():
    """A range open at one end is written as the service writes it, with a fix."""
    checker = Checker()

    checker.check_range("PotentialMatches", -1, 0, None)
    checker.check_length("Message", "m" * 2049, None, 2048)

    assert "PotentialMatches: range 0.., got -1; send a number at least 0" == (
        checker.problems[0].describe()
    )
    assert (
        checker.problems[1]
        .describe()
        .endswith("(2049 characters); send at most 2048 characters")
    )


def test_describe_value_shortens_long_values_and_names_odd_types():
    """Long values are cut with their length noted; containers get their type."""
    assert "'ab'" == describe_value("ab")
    assert describe_value("x" * 500).endswith("... (500 characters)")
    assert "[1] (a list)" == describe_value([1])


def test_from_dicts_builds_all_or_reports_every_bad_item():
    """from_dicts returns every model, or one error naming each bad item."""
    good = {"FirstName": "Ana"}

    built = pm.Profile.from_dicts([good, good], prefix="Profiles")
    with pytest.raises(pm.BadRequestException) as caught:
        pm.Profile.from_dicts([good, {"Gender": "F"}, "x"], prefix="Profiles")

    assert (pm.Profile(first_name="Ana"),) * 2 == built
    assert ["Profiles[1].Gender", "Profiles[2]"] == [
        problem.field for problem in caught.value.problems
    ]


def test_closest_reads_through_case_underscores_and_typos() -> None:
    """closest finds the member a snake_case name or a typo means, and no
    member for a name like none of them."""
    members = ["EmailAddress", "FirstName", "LastName"]

    assert "FirstName" == closest("first_name", members)
    assert "EmailAddress" == closest("EmailAdress", members)
    assert closest("Zzz", members) is None


def test_unknown_member_suggests_the_member_meant() -> None:
    """A misspelled member of a profile dict is refused with the one meant."""
    with pytest.raises(pm.BadRequestException) as caught:
        pm.Profile.from_dict({"EmailAdress": "ann@example.com"})

    assert "unknown member" == caught.value.rule
    assert "did you mean EmailAddress?" in str(caught.value)
