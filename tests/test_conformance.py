"""Conformance of the models with the service model that botocore publishes.

Two directions: what ``to_dict()`` produces must fit the published response
shapes, and every rule a model enforces must be the published rule, so a
mistyped limit or pattern shows up here.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import attrs
import botocore.session
import pytest
from botocore.model import Shape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import profilematch as pm
from profilematch._models import _SPEC, Spec, _Model, service_name
from test_models import model_strategy

SERVICE = botocore.session.get_session().get_service_model("customer-profiles")


def conformance_problems(shape: Shape, value: Any, path: str = "") -> list[str]:
    """Every way ``value`` breaks the published ``shape``, as readable lines."""
    kind = shape.type_name
    where = path or shape.name
    if kind == "structure":
        return _structure_problems(shape, value, where)
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected a list, got {value!r}"]
        problems = _count_problems(shape, len(value), where)
        for i, item in enumerate(value):
            problems += conformance_problems(shape.member, item, f"{where}[{i}]")
        return problems
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: expected a dict, got {value!r}"]
        problems = _count_problems(shape, len(value), where)
        for key, item in value.items():
            problems += conformance_problems(shape.key, key, f"{where}[{key!r}]")
            problems += conformance_problems(shape.value, item, f"{where}[{key!r}]")
        return problems

    return _scalar_problems(shape, value, where)


def _structure_problems(shape: Shape, value: Any, where: str) -> list[str]:
    """Unknown and missing members of a structure, then each member's problems."""
    if not isinstance(value, dict):
        return [f"{where}: expected a dict, got {value!r}"]

    problems = [
        f"{where}.{key}: not a member of {shape.name}"
        for key in value
        if key not in shape.members
    ]
    problems += [
        f"{where}.{key}: required by {shape.name} but missing"
        for key in shape.required_members
        if key not in value
    ]
    for key, item in value.items():
        if key in shape.members:
            problems += conformance_problems(shape.members[key], item, f"{where}.{key}")

    return problems


def _count_problems(shape: Shape, size: int, where: str) -> list[str]:
    """A size (string length, item count) or number outside the shape's min..max."""
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    if (low is not None and size < low) or (high is not None and size > high):
        return [f"{where}: {size} is outside {low}..{high}"]

    return []


def _scalar_problems(shape: Shape, value: Any, where: str) -> list[str]:
    """Type, length, pattern, enum and range problems of a plain value."""
    kind = shape.type_name
    meta = shape.metadata
    if kind == "string":
        if not isinstance(value, str):
            return [f"{where}: expected a string, got {value!r}"]
        problems = _count_problems(shape, len(value), where)
        pattern = meta.get("pattern")
        if pattern and not re.fullmatch(pattern, value, re.DOTALL):
            problems.append(f"{where}: {value!r} does not match {pattern}")
        if "enum" in meta and value not in meta["enum"]:
            problems.append(f"{where}: {value!r} not one of {meta['enum']}")
        return problems
    if kind in ("integer", "long"):
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: expected an integer, got {value!r}"]
        return _count_problems(shape, value, where)
    if kind in ("double", "float"):
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return [f"{where}: expected a number, got {value!r}"]
        return _count_problems(shape, value, where)
    if kind == "boolean":
        return [] if isinstance(value, bool) else [f"{where}: expected a boolean"]
    if kind == "timestamp":
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return []
        return [f"{where}: expected an aware datetime, got {value!r}"]

    return [f"{where}: shape type {kind} is not checked by this test"]


def _response(cls: type[Any], wrap: str | None) -> st.SearchStrategy[Any]:
    """Response bodies: a model's dict, or a list of them under one member."""
    models = model_strategy(cls)
    if wrap is None:
        return models.map(lambda model: model.to_dict())

    if wrap == "List":
        # Jobs are listed in their shorter list-item form.
        return st.lists(models, max_size=3).map(
            lambda jobs: {
                "IdentityResolutionJobsList": [job.to_list_item_dict() for job in jobs]
            }
        )

    return st.lists(models, max_size=3).map(
        lambda items: {wrap: [item.to_dict() for item in items]}
    )


RESPONSES = [
    ("GetDomainResponse", pm.Domain, None),
    ("GetMatchesResponse", pm.MatchesPage, None),
    ("GetIdentityResolutionJobResponse", pm.IdentityResolutionJob, None),
    ("SearchProfilesResponse", pm.Profile, "Items"),
    ("BatchGetProfileResponse", pm.Profile, "Profiles"),
    ("BatchGetProfileResponse", pm.BatchGetProfileError, "Errors"),
    ("ListDomainsResponse", pm.ListDomainItem, "Items"),
    ("ListIdentityResolutionJobsResponse", pm.IdentityResolutionJob, "List"),
    ("MergeProfilesRequest", pm.FieldSourceProfileIds, None),
]


@pytest.mark.parametrize(
    ("shape_name", "cls", "wrap"),
    RESPONSES,
    ids=[f"{shape}-{cls.__name__}" for shape, cls, _ in RESPONSES],
)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_to_dict_fits_the_published_shape(shape_name, cls, wrap, data):
    """The dict form of generated models fits the service's published shape."""
    body = data.draw(_response(cls, wrap))
    shape = SERVICE.shape_for(shape_name)
    if shape_name == "MergeProfilesRequest":
        shape = shape.members["FieldSourceProfileIds"]

    assert [] == conformance_problems(shape, body)


def test_the_checker_catches_unknown_members_and_broken_limits():
    """The shape walker itself reports an unknown key and a too-long string."""
    shape = SERVICE.shape_for("MatchItem")

    problems = conformance_problems(shape, {"MatchId": "", "Extra": 1})

    assert [
        "MatchItem.Extra: not a member of MatchItem",
        "MatchItem.MatchId: 0 is outside 1..255",
    ] == problems


# Rules this library adds on purpose where the service model states none.
STRICTER = {
    ("MatchItem", "ConfidenceScore"): "confidence scores are in [0, 1]",
    **{
        ("DomainStats", service_name(f.name)): "a count"
        for f in attrs.fields(pm.DomainStats)
    },
    **{
        ("JobStats", service_name(f.name)): "a count" for f in attrs.fields(pm.JobStats)
    },
}

# Where a model stands for a shape of another name.
SHAPE_OF = {
    "Domain": "GetDomainResponse",
    "MatchesPage": "GetMatchesResponse",
    "IdentityResolutionJob": "GetIdentityResolutionJobResponse",
    "Matching": "MatchingResponse",
}


def rule_differences(owner: str, spec: Spec, shape: Shape, where: str) -> list[str]:
    """Where a member's rules differ from the published shape's."""
    kind = spec.kind
    if shape.type_name != kind:
        return [f"{where}: {kind} here, {shape.type_name} published"]

    meta = shape.metadata
    differences = []
    published_range = (meta.get("min") or None, meta.get("max"))
    if kind == "string":
        ours = spec.length or (None, None)
        if (ours[0] or None, ours[1]) != published_range:
            differences.append(f"{where}: length {ours}, published {published_range}")
        if spec.pattern != meta.get("pattern"):
            differences.append(
                f"{where}: pattern {spec.pattern}, published {meta.get('pattern')}"
            )
        if list(spec.enum or ()) != meta.get("enum", []):
            differences.append(
                f"{where}: enum {spec.enum}, published {meta.get('enum')}"
            )
    elif kind in ("integer", "long", "double"):
        ours_range = spec.range or (None, None)
        if (ours_range[0] or None, ours_range[1]) != published_range and (
            owner,
            where.split(".")[-1],
        ) not in STRICTER:
            differences.append(
                f"{where}: range {ours_range}, published {published_range}"
            )
    elif kind in ("list", "map"):
        ours_count = spec.count or (None, None)
        if (ours_count[0] or None, ours_count[1]) != published_range:
            differences.append(
                f"{where}: count {ours_count}, published {published_range}"
            )
        assert spec.member is not None
        member_shape = shape.member if kind == "list" else shape.value
        differences += rule_differences(owner, spec.member, member_shape, where + "[]")
        if kind == "map":
            assert spec.key is not None
            differences += rule_differences(owner, spec.key, shape.key, where + "{}")
    elif kind == "structure":
        assert spec.model is not None
        if not isinstance(spec.model, type):
            differences.append(f"{where}: no model class")

    return differences


def _model_members(cls: type[Any]) -> list[tuple[str, Spec]]:
    """A model's members as (service name, spec)."""
    return [
        (field.metadata[_SPEC].wire or service_name(field.name), field.metadata[_SPEC])
        for field in attrs.fields(cls)
    ]


MODELS = [
    cls
    for cls in (getattr(pm, name) for name in pm.__all__)
    if isinstance(cls, type) and issubclass(cls, _Model)
]


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_every_rule_is_the_published_rule(cls):
    """Each member of each model exists in its published shape with equal rules."""
    shape = SERVICE.shape_for(SHAPE_OF.get(cls.__name__, cls.__name__))
    owner = cls.__name__

    differences = []
    for name, spec in _model_members(cls):
        if name not in shape.members:
            differences.append(f"{owner}.{name}: not in {shape.name}")
            continue
        member = shape.members[name]
        differences += rule_differences(owner, spec, member, f"{owner}.{name}")
        if spec.kind == "structure" and member.name != SHAPE_OF.get(
            spec.model.__name__, spec.model.__name__
        ):
            differences.append(
                f"{owner}.{name}: {spec.model.__name__}, published {member.name}"
            )

    assert [] == differences


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__name__)
def test_every_published_requirement_is_required_here(cls):
    """A member the published shape requires is required by the model too."""
    shape = SERVICE.shape_for(SHAPE_OF.get(cls.__name__, cls.__name__))
    required = {name for name, spec in _model_members(cls) if spec.required}

    assert set() == set(shape.required_members) - required


def test_profile_rules_are_the_create_profile_rules():
    """Profile's rules agree with CreateProfile's input members, one by one."""
    request = SERVICE.shape_for("CreateProfileRequest")
    members = dict(_model_members(pm.Profile))
    # Members a stored or found profile has but a create request does not.
    response_only = {"ProfileId", "FoundByItems"}

    differences = []
    for name, member in request.members.items():
        if name == "DomainName":
            continue
        if name not in members:
            differences.append(f"Profile.{name}: missing")
            continue
        differences += rule_differences("Profile", members[name], member, name)

    assert [] == differences
    assert set(members) - set(request.members) == response_only


def test_rule_differences_notices_a_mistyped_limit():
    """A limit or pattern that differs from the published one is reported."""
    match_id = SERVICE.shape_for("MatchItem").members["MatchId"]
    profile_ids = SERVICE.shape_for("MatchItem").members["ProfileIds"]
    wrong_length = Spec(kind="string", length=(1, 256))
    wrong_pattern = Spec(kind="list", member=Spec(kind="string", pattern="[a-f]{32}"))

    assert ["Id: length (1, 256), published (1, 255)"] == rule_differences(
        "MatchItem", wrong_length, match_id, "Id"
    )
    assert ["Ids[]: pattern [a-f]{32}, published [a-f0-9]{32}"] == rule_differences(
        "MatchItem", wrong_pattern, profile_ids, "Ids"
    )
