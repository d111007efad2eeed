"""Tests of the data model and its local validation."""

# The house style puts the expected value first in asserts, which SIM300 flags.
# ruff: noqa: SIM300

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import profilematch as pm
from profilematch._models import FrozenMap, service_name

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
