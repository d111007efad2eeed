"""The data model: frozen attrs classes in the service's shapes.

Each model declares its members once, with the service model's constraints
attached as a :class:`Spec`. Everything else is derived from those
declarations: the PascalCase names (``first_name`` is ``FirstName``,
``s3_bucket_name`` is ``S3BucketName``), ``to_dict()``, ``from_dict()`` and
the validation that runs on every construction, so a model that exists is a
model the service would accept.

Lists are kept as tuples and maps as :class:`FrozenMap`, so every model is
immutable and hashable; timestamps are timezone-aware UTC datetimes. Use
``model.evolve(**changes)`` (or ``attrs.evolve``) for a changed copy.
"""

# ruff: noqa: RUF009
# RUF009 is off: the field helpers of _spec return attrs.field(...) definitions,
# not shared default values, which is what that rule guards against.

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, TypeVar

import attrs

from profilematch._models._spec import (
    _BOOLEAN,
    _COUNT,
    _DOMAIN_NAME,
    _EXPIRATION_DAYS,
    _MATCH_COUNT,
    _PROFILE_ID,
    _SCORE,
    _SPEC,
    _TAGS,
    _TEXT,
    _TIMESTAMP,
    FrozenMap,
    Spec,
    _field,
    _float,
    _list,
    _map,
    _nested,
    _str_field,
    _string,
    _struct,
    _utc,
    service_name,
)
from profilematch._validate import Checker, Problem

__all__ = [
    "ADDRESS_MEMBERS",
    "PROFILE_ADDRESS_MEMBERS",
    "PROFILE_TEXT_MEMBERS",
    "Address",
    "AutoMerging",
    "BatchGetProfileError",
    "ConflictResolution",
    "Consolidation",
    "ContactPreference",
    "Domain",
    "DomainStats",
    "EngagementPreferences",
    "ExportingConfig",
    "ExportingLocation",
    "FieldSourceProfileIds",
    "FoundByKeyValue",
    "FrozenMap",
    "IdentityResolutionJob",
    "JobSchedule",
    "JobStats",
    "ListDomainItem",
    "MatchItem",
    "MatchesPage",
    "Matching",
    "Profile",
    "S3ExportingConfig",
    "S3ExportingLocation",
    "Spec",
    "service_name",
]

_M = TypeVar("_M", bound="_Model")
_INVALID: Any = object()

# Set while from_dict builds a model whose values it has already checked,
# so the constructor does not check them a second time under a shorter path.
_TRUSTED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "profilematch_trusted", default=False
)


def _check(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check one converted value against its rules; True when it passes."""
    if value is None:
        if spec.required:
            return checker.add(name, "required", None, "send a value")
        return True

    kind = spec.kind
    if kind == "string":
        return _check_string(checker, name, spec, value)
    if kind in ("integer", "long", "double"):
        expected: type | tuple[type, ...] = float if kind == "double" else int
        if not checker.check_type(name, value, expected, _TYPE_WORDS[kind]):
            return False
        return spec.range is None or checker.check_range(name, value, *spec.range)
    if kind == "boolean":
        return checker.check_type(name, value, bool, "boolean")
    if kind == "timestamp":
        if isinstance(value, dt.datetime) and value.utcoffset() is not None:
            return True
        return checker.add(
            name,
            "type timestamp with a time zone",
            value,
            "send a timezone-aware datetime, such as datetime.now(timezone.utc)",
        )
    if kind == "structure":
        assert spec.model is not None
        return checker.check_type(name, value, spec.model, spec.model.__name__)
    if kind == "list":
        return _check_list(checker, name, spec, value)

    return _check_map(checker, name, spec, value)


def _check_string(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check a string's type, length, pattern and allowed values."""
    if not checker.check_type(name, value, str, "string"):
        return False

    ok = spec.length is None or checker.check_length(name, value, *spec.length)
    if ok and spec.pattern is not None:
        ok = checker.check_pattern(name, value, spec.pattern)
    if ok and spec.enum is not None:
        ok = checker.check_enum(name, value, spec.enum)

    return ok


def _check_list(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check a list's type, item count and every item."""
    if not checker.check_type(name, value, tuple, "list"):
        return False
    if spec.count is not None and not checker.check_items(name, value, *spec.count):
        return False

    assert spec.member is not None
    child = checker.at(name)
    results = [
        _check(child, f"[{i}]", spec.member, item) for i, item in enumerate(value)
    ]

    return all(results)


def _check_map(checker: Checker, name: str, spec: Spec, value: Any) -> bool:
    """Check a map's type, entry count, every key and every value."""
    if not checker.check_type(name, value, Mapping, "map"):
        return False
    if spec.count is not None and not checker.check_entries(name, value, *spec.count):
        return False

    assert spec.key is not None and spec.member is not None
    child = checker.at(name)
    ok = True
    for key, item in value.items():
        where = f"[{key!r}]"
        ok = _check(child, where, spec.key, key) and ok
        ok = _check(child, where, spec.member, item) and ok

    return ok


_TYPE_WORDS = {"integer": "integer", "long": "integer", "double": "number"}


def _parse(checker: Checker, name: str, spec: Spec, raw: Any) -> Any:
    """Turn a value from a dict into the model's form, or _INVALID (and a problem)."""
    kind = spec.kind
    if raw is None:
        return None
    if kind == "structure":
        assert spec.model is not None
        if isinstance(raw, spec.model):
            return raw
        if not isinstance(raw, Mapping):
            checker.add(name, "type structure", raw, "send a dict of members")
            return _INVALID
        return spec.model._build(checker.at(name), raw)
    if kind == "list":
        return _parse_list(checker, name, spec, raw)
    if kind == "map":
        return _parse_map(checker, name, spec, raw)
    if kind == "timestamp":
        return _parse_timestamp(checker, name, raw)
    if kind == "double":
        return _float(raw)

    return raw


def _parse_list(checker: Checker, name: str, spec: Spec, raw: Any) -> Any:
    """A list or tuple of parsed items, as a tuple."""
    if not isinstance(raw, (list, tuple)):
        checker.add(name, "type list", raw, "send a list")
        return _INVALID

    assert spec.member is not None
    child = checker.at(name)
    items = [_parse(child, f"[{i}]", spec.member, item) for i, item in enumerate(raw)]
    if any(item is _INVALID for item in items):
        return _INVALID

    return tuple(items)


def _parse_map(checker: Checker, name: str, spec: Spec, raw: Any) -> Any:
    """A mapping of parsed values, as a FrozenMap."""
    if not isinstance(raw, Mapping):
        checker.add(name, "type map", raw, "send a dict")
        return _INVALID

    assert spec.member is not None
    child = checker.at(name)
    items = {key: _parse(child, f"[{key!r}]", spec.member, v) for key, v in raw.items()}
    if any(item is _INVALID for item in items.values()):
        return _INVALID

    return FrozenMap(items)


def _parse_timestamp(checker: Checker, name: str, raw: Any) -> Any:
    """A datetime from a datetime, an ISO 8601 string or epoch seconds."""
    try:
        if isinstance(raw, dt.datetime):
            value = raw
        elif isinstance(raw, str):
            value = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            value = dt.datetime.fromtimestamp(raw, dt.timezone.utc)
        else:
            raise TypeError(raw)
    except (TypeError, ValueError, OverflowError, OSError):
        checker.add(
            name,
            "type timestamp",
            raw,
            "send a timezone-aware datetime, an ISO 8601 string with an offset "
            "or epoch seconds",
        )
        return _INVALID

    return _utc(value)


def _dump(spec: Spec, value: Any) -> Any:
    """The service form of a model value: dicts, lists and plain values."""
    if spec.kind == "structure":
        return value.to_dict()
    if spec.kind == "list":
        assert spec.member is not None
        member = spec.member
        return [_dump(member, item) for item in value]
    if spec.kind == "map":
        assert spec.member is not None
        member = spec.member
        return {key: _dump(member, item) for key, item in value.items()}

    return value


class _Model:
    """What every model shares: validation on construction and the dict forms."""

    # Filled in lazily per class: (field name, service name, spec).
    _members: ClassVar[tuple[tuple[str, str, Spec], ...]]

    @classmethod
    def _specs(cls) -> tuple[tuple[str, str, Spec], ...]:
        """The members of this model as (field name, service name, spec)."""
        members = cls.__dict__.get("_members")
        if members is None:
            members = tuple(
                (
                    field.name,
                    field.metadata[_SPEC].wire or service_name(field.name),
                    field.metadata[_SPEC],
                )
                for field in attrs.fields(cls)  # type: ignore[arg-type]
            )
            cls._members = members

        return members

    @classmethod
    def member_names(cls) -> dict[str, str]:
        """The model's members: service name to snake_case field name.

        Returns:
            ``{"FirstName": "first_name", ...}`` in declaration order.
        """
        return {wire: name for name, wire, _spec in cls._specs()}

    def __attrs_post_init__(self) -> None:
        """Check every member against the service model's rules.

        Raises:
            BadRequestException: listing every broken rule.
        """
        if _TRUSTED.get():
            return

        checker = Checker()
        for name, wire, spec in self._specs():
            _check(checker, wire, spec, getattr(self, name))
        checker.raise_if_any()

    def to_dict(self) -> dict[str, Any]:
        """The model in the service's shape.

        Returns:
            A dict with PascalCase keys, members that are None left out, nested
            models as dicts, tuples as lists and timestamps as UTC datetimes.
        """
        result: dict[str, Any] = {}
        for name, wire, spec in self._specs():
            value = getattr(self, name)
            if value is not None:
                result[wire] = _dump(spec, value)

        return result

    @classmethod
    def from_dict(cls: type[_M], data: Mapping[str, Any], *, prefix: str = "") -> _M:
        """Build the model from a dict in the service's shape.

        Args:
            data: PascalCase keys, as :meth:`to_dict` returns them or the
                service sends them; nested members may be dicts or models;
                timestamps may be datetimes, ISO 8601 strings with an offset
                or epoch seconds.
            prefix: the path of ``data`` in a larger request
                (``"Profiles[3]"``), used in error messages.

        Returns:
            The model.

        Raises:
            BadRequestException: listing every unknown member, wrong type and
                broken rule, with the first one's field, rule and value.
        """
        checker = Checker(prefix)
        if not isinstance(data, Mapping):
            checker.problems.append(_not_a_mapping(prefix or cls.__name__, data))
            checker.raise_if_any()

        result = cls._build(checker, data)
        checker.raise_if_any()

        return result  # type: ignore[no-any-return]

    @classmethod
    def from_dicts(
        cls: type[_M], items: Iterable[Mapping[str, Any]], *, prefix: str = ""
    ) -> tuple[_M, ...]:
        """Build many models at once, all or none.

        Args:
            items: dicts in the service's shape.
            prefix: the path of the list in the request (``"Profiles"``);
                item ``i`` is reported as ``Profiles[i]``.

        Returns:
            The models, in order.

        Raises:
            BadRequestException: listing the problems of every item.
        """
        checker = Checker(prefix)
        models = []
        for i, data in enumerate(items):
            if isinstance(data, Mapping):
                models.append(cls._build(checker.at(f"[{i}]"), data))
            else:
                checker.problems.append(_not_a_mapping(checker.path(f"[{i}]"), data))
        checker.raise_if_any()

        return tuple(models)

    @classmethod
    def _build(cls, checker: Checker, data: Mapping[str, Any]) -> Any:
        """Parse and check ``data``; the model, or _INVALID with problems added."""
        before = len(checker.problems)
        specs = cls._specs()
        checker.check_keys("", data, [wire for _, wire, _ in specs])

        values: dict[str, Any] = {}
        for name, wire, spec in specs:
            value = _parse(checker, wire, spec, data.get(wire))
            if value is not _INVALID and _check(checker, wire, spec, value):
                values[name] = value
        if len(checker.problems) > before:
            return _INVALID

        token = _TRUSTED.set(True)
        try:
            return cls(**values)
        finally:
            _TRUSTED.reset(token)

    def evolve(self: _M, **changes: Any) -> _M:
        """A copy with some fields changed, checked like a new model.

        Args:
            **changes: new values by snake_case field name.

        Returns:
            The changed copy.

        Raises:
            BadRequestException: when a new value breaks a rule.
        """
        return attrs.evolve(self, **changes)  # type: ignore[misc]


def _not_a_mapping(field: str, value: Any) -> Problem:
    """The problem of a request body that is not a dict."""
    return Problem(field=field, rule="type structure", value=value, fix="send a dict")


@attrs.frozen(kw_only=True)
class Address(_Model):
    """A postal address of a profile; every member is optional."""

    address1: str | None = _str_field(length=_TEXT)
    address2: str | None = _str_field(length=_TEXT)
    address3: str | None = _str_field(length=_TEXT)
    address4: str | None = _str_field(length=_TEXT)
    city: str | None = _str_field(length=_TEXT)
    county: str | None = _str_field(length=_TEXT)
    state: str | None = _str_field(length=_TEXT)
    province: str | None = _str_field(length=_TEXT)
    country: str | None = _str_field(length=_TEXT)
    postal_code: str | None = _str_field(length=_TEXT)


@attrs.frozen(kw_only=True)
class ContactPreference(_Model):
    """One contact the profile agreed to be reached at."""

    key_name: str | None = _str_field(length=(1, 64), pattern=_DOMAIN_NAME)
    key_value: str | None = _str_field(length=_TEXT)
    profile_id: str | None = _str_field(pattern=_PROFILE_ID)
    contact_type: str | None = _str_field(
        enum=(
            "PhoneNumber",
            "MobilePhoneNumber",
            "HomePhoneNumber",
            "BusinessPhoneNumber",
            "EmailAddress",
            "PersonalEmailAddress",
            "BusinessEmailAddress",
        )
    )


@attrs.frozen(kw_only=True)
class EngagementPreferences(_Model):
    """The phone and email contacts a profile may be reached at."""

    phone: tuple[ContactPreference, ...] | None = _field(
        _list(_struct(ContactPreference))
    )
    email: tuple[ContactPreference, ...] | None = _field(
        _list(_struct(ContactPreference))
    )


@attrs.frozen(kw_only=True)
class FoundByKeyValue(_Model):
    """A search key and the values by which a search found a profile."""

    key_name: str | None = _str_field(length=(1, 64), pattern=_DOMAIN_NAME)
    values: tuple[str, ...] | None = _field(_list(_string(length=_TEXT)))


_ADDRESS_FIELDS = ("address", "shipping_address", "mailing_address", "billing_address")


@attrs.frozen(kw_only=True)
class Profile(_Model):
    """A customer profile: the unit that identity resolution matches.

    Every member is optional; ``profile_id`` is set once the profile is stored.
    """

    profile_id: str | None = _str_field(pattern=_PROFILE_ID)
    account_number: str | None = _str_field(length=_TEXT)
    additional_information: str | None = _str_field(length=(1, 1000))
    party_type: str | None = _str_field(enum=("INDIVIDUAL", "BUSINESS", "OTHER"))
    business_name: str | None = _str_field(length=_TEXT)
    first_name: str | None = _str_field(length=_TEXT)
    middle_name: str | None = _str_field(length=_TEXT)
    last_name: str | None = _str_field(length=_TEXT)
    birth_date: str | None = _str_field(length=_TEXT)
    gender: str | None = _str_field(enum=("MALE", "FEMALE", "UNSPECIFIED"))
    phone_number: str | None = _str_field(length=_TEXT)
    mobile_phone_number: str | None = _str_field(length=_TEXT)
    home_phone_number: str | None = _str_field(length=_TEXT)
    business_phone_number: str | None = _str_field(length=_TEXT)
    email_address: str | None = _str_field(length=_TEXT)
    personal_email_address: str | None = _str_field(length=_TEXT)
    business_email_address: str | None = _str_field(length=_TEXT)
    address: Address | None = _nested(Address)
    shipping_address: Address | None = _nested(Address)
    mailing_address: Address | None = _nested(Address)
    billing_address: Address | None = _nested(Address)
    attributes: Mapping[str, str] | None = _field(
        _map(_string(length=_TEXT), _string(length=_TEXT))
    )
    found_by_items: tuple[FoundByKeyValue, ...] | None = _field(
        _list(_struct(FoundByKeyValue), count=(1, 5))
    )
    party_type_string: str | None = _str_field(length=_TEXT)
    gender_string: str | None = _str_field(length=_TEXT)
    profile_type: str | None = _str_field(enum=("ACCOUNT_PROFILE", "PROFILE"))
    engagement_preferences: EngagementPreferences | None = _nested(
        EngagementPreferences
    )

    def present_attributes(self) -> dict[str, Any]:
        """The members that hold a value, by service name, ProfileId and search
        results (FoundByItems) left out.

        Returns:
            ``{"FirstName": "Ana", "Address": Address(...), "Attributes": {...}}``
            in the service model's member order; an empty string, an empty
            map or an Address with no member set counts as no value.
        """
        present: dict[str, Any] = {}
        for name, wire, _spec in self._specs():
            value = getattr(self, name)
            if name in ("profile_id", "found_by_items") or value is None:
                continue
            if isinstance(value, (str, Mapping)) and not value:
                continue
            if isinstance(value, Address) and not value.to_dict():
                continue
            present[wire] = value

        return present

    def addresses(self) -> dict[str, Address]:
        """The profile's addresses that are set, by service name.

        Returns:
            ``{"Address": ..., "BillingAddress": ...}``, only those not None.
        """
        found: dict[str, Address] = {}
        for name in _ADDRESS_FIELDS:
            value = getattr(self, name)
            if value is not None:
                found[service_name(name)] = value

        return found


@attrs.frozen(kw_only=True)
class MatchItem(_Model):
    """A match group: profiles found to be the same customer.

    ``confidence_score`` is in [0, 1]; higher means surer.
    """

    match_id: str = _str_field(length=_TEXT, required=True)
    profile_ids: tuple[str, ...] = _field(
        _list(_string(pattern=_PROFILE_ID)), required=True
    )
    confidence_score: float = _field(_SCORE, required=True)


@attrs.frozen(kw_only=True)
class MatchesPage(_Model):
    """One page of match groups, as GetMatches returns it."""

    matches: tuple[MatchItem, ...] = _field(_list(_struct(MatchItem)), default=())
    match_generation_date: dt.datetime | None = _field(_TIMESTAMP)
    next_token: str | None = _str_field(length=(1, 1024))
    potential_matches: int = _field(_MATCH_COUNT, default=0)


_DAYS = (
    "SUNDAY",
    "MONDAY",
    "TUESDAY",
    "WEDNESDAY",
    "THURSDAY",
    "FRIDAY",
    "SATURDAY",
)


@attrs.frozen(kw_only=True)
class JobSchedule(_Model):
    """The weekly time at which a domain's identity resolution job runs (UTC)."""

    day_of_the_week: str = _str_field(enum=_DAYS, required=True)
    time: str = _str_field(
        length=(3, 5),
        pattern=r"^([0-9]|0[0-9]|1[0-9]|2[0-3]):[0-5][0-9]$",
        required=True,
    )


@attrs.frozen(kw_only=True)
class ConflictResolution(_Model):
    """How merging picks a value when profiles disagree."""

    conflict_resolving_model: str = _str_field(
        enum=("RECENCY", "SOURCE"), required=True
    )
    source_name: str | None = _str_field(length=_TEXT)


@attrs.frozen(kw_only=True)
class Consolidation(_Model):
    """Sets of attributes that must all agree for profiles to be merged."""

    matching_attributes_list: tuple[tuple[str, ...], ...] = _field(
        _list(_list(_string(length=_TEXT), count=(1, 20)), count=(1, 10)),
        required=True,
    )


@attrs.frozen(kw_only=True)
class AutoMerging(_Model):
    """Whether and how an identity resolution job merges the groups it finds."""

    enabled: bool = _field(_BOOLEAN, required=True)
    consolidation: Consolidation | None = _nested(Consolidation)
    conflict_resolution: ConflictResolution | None = _nested(ConflictResolution)
    min_allowed_confidence_score_for_merging: float | None = _field(_SCORE)


@attrs.frozen(kw_only=True)
class S3ExportingConfig(_Model):
    """The bucket (and key prefix) that a job's match groups are written to."""

    s3_bucket_name: str = _str_field(
        length=(3, 63), pattern=r"^[a-z0-9.-]+$", required=True
    )
    s3_key_name: str | None = _str_field(length=(1, 800), pattern=r".*")


@attrs.frozen(kw_only=True)
class ExportingConfig(_Model):
    """Where a domain's jobs export their match groups."""

    s3_exporting: S3ExportingConfig | None = _nested(S3ExportingConfig)


@attrs.frozen(kw_only=True)
class S3ExportingLocation(_Model):
    """The bucket and key that one job's match groups were written to."""

    s3_bucket_name: str | None = _str_field(length=(3, 63), pattern=r"^[a-z0-9.-]+$")
    s3_key_name: str | None = _str_field(length=(1, 1024), pattern=r".*")


@attrs.frozen(kw_only=True)
class ExportingLocation(_Model):
    """Where one job exported its match groups."""

    s3_exporting: S3ExportingLocation | None = _nested(S3ExportingLocation)


@attrs.frozen(kw_only=True)
class Matching(_Model):
    """A domain's identity resolution settings."""

    enabled: bool = _field(_BOOLEAN, required=True)
    job_schedule: JobSchedule | None = _nested(JobSchedule)
    auto_merging: AutoMerging | None = _nested(AutoMerging)
    exporting_config: ExportingConfig | None = _nested(ExportingConfig)


@attrs.frozen(kw_only=True)
class DomainStats(_Model):
    """Counts of what a domain holds."""

    profile_count: int | None = _field(_COUNT)
    metering_profile_count: int | None = _field(_COUNT)
    object_count: int | None = _field(_COUNT)
    total_size: int | None = _field(_COUNT)


@attrs.frozen(kw_only=True)
class Domain(_Model):
    """A domain: a named collection of profiles with its matching settings."""

    domain_name: str = _str_field(length=(1, 64), pattern=_DOMAIN_NAME, required=True)
    default_expiration_days: int = _field(_EXPIRATION_DAYS, required=True)
    default_encryption_key: str | None = _str_field(length=(0, 255))
    dead_letter_queue_url: str | None = _str_field(length=(0, 255))
    matching: Matching | None = _nested(Matching)
    stats: DomainStats | None = _nested(DomainStats)
    created_at: dt.datetime = _field(_TIMESTAMP, required=True)
    last_updated_at: dt.datetime = _field(_TIMESTAMP, required=True)
    tags: Mapping[str, str] | None = _field(_TAGS)


@attrs.frozen(kw_only=True)
class ListDomainItem(_Model):
    """A domain as ListDomains lists it."""

    domain_name: str = _str_field(length=(1, 64), pattern=_DOMAIN_NAME, required=True)
    created_at: dt.datetime = _field(_TIMESTAMP, required=True)
    last_updated_at: dt.datetime = _field(_TIMESTAMP, required=True)
    tags: Mapping[str, str] | None = _field(_TAGS)


@attrs.frozen(kw_only=True)
class JobStats(_Model):
    """What an identity resolution job reviewed, found and merged."""

    number_of_profiles_reviewed: int | None = _field(_COUNT)
    number_of_matches_found: int | None = _field(_COUNT)
    number_of_merges_done: int | None = _field(_COUNT)


_JOB_STATUSES = (
    "PENDING",
    "PREPROCESSING",
    "FIND_MATCHING",
    "MERGING",
    "COMPLETED",
    "PARTIAL_SUCCESS",
    "FAILED",
)


_JOB_LIST_ITEM = frozenset(
    (
        "DomainName",
        "JobId",
        "Status",
        "JobStartTime",
        "JobEndTime",
        "JobStats",
        "ExportingLocation",
        "Message",
    )
)


@attrs.frozen(kw_only=True)
class IdentityResolutionJob(_Model):
    """One run of identity resolution over a domain."""

    domain_name: str = _str_field(length=(1, 64), pattern=_DOMAIN_NAME, required=True)
    job_id: str = _str_field(pattern=_PROFILE_ID, required=True)
    status: str = _str_field(enum=_JOB_STATUSES, required=True)
    job_start_time: dt.datetime | None = _field(_TIMESTAMP)
    job_end_time: dt.datetime | None = _field(_TIMESTAMP)
    last_updated_at: dt.datetime | None = _field(_TIMESTAMP)
    job_expiration_time: dt.datetime | None = _field(_TIMESTAMP)
    auto_merging: AutoMerging | None = _nested(AutoMerging)
    exporting_location: ExportingLocation | None = _nested(ExportingLocation)
    job_stats: JobStats | None = _nested(JobStats)
    message: str | None = _str_field(length=(None, 2048), pattern=r".*")

    def to_list_item_dict(self) -> dict[str, Any]:
        """The job as ListIdentityResolutionJobs lists it.

        Returns:
            :meth:`to_dict` without the members a list item does not carry
            (LastUpdatedAt, JobExpirationTime, AutoMerging).
        """
        full = self.to_dict()

        return {key: value for key, value in full.items() if key in _JOB_LIST_ITEM}


@attrs.frozen(kw_only=True)
class FieldSourceProfileIds(_Model):
    """For a merge: which profile each member of the merged profile comes from."""

    account_number: str | None = _str_field(pattern=_PROFILE_ID)
    additional_information: str | None = _str_field(pattern=_PROFILE_ID)
    party_type: str | None = _str_field(pattern=_PROFILE_ID)
    business_name: str | None = _str_field(pattern=_PROFILE_ID)
    first_name: str | None = _str_field(pattern=_PROFILE_ID)
    middle_name: str | None = _str_field(pattern=_PROFILE_ID)
    last_name: str | None = _str_field(pattern=_PROFILE_ID)
    birth_date: str | None = _str_field(pattern=_PROFILE_ID)
    gender: str | None = _str_field(pattern=_PROFILE_ID)
    phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    mobile_phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    home_phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    business_phone_number: str | None = _str_field(pattern=_PROFILE_ID)
    email_address: str | None = _str_field(pattern=_PROFILE_ID)
    personal_email_address: str | None = _str_field(pattern=_PROFILE_ID)
    business_email_address: str | None = _str_field(pattern=_PROFILE_ID)
    address: str | None = _str_field(pattern=_PROFILE_ID)
    shipping_address: str | None = _str_field(pattern=_PROFILE_ID)
    mailing_address: str | None = _str_field(pattern=_PROFILE_ID)
    billing_address: str | None = _str_field(pattern=_PROFILE_ID)
    attributes: Mapping[str, str] | None = _field(
        _map(_string(length=_TEXT), _string(pattern=_PROFILE_ID))
    )
    profile_type: str | None = _str_field(pattern=_PROFILE_ID)
    engagement_preferences: str | None = _str_field(pattern=_PROFILE_ID)


@attrs.frozen(kw_only=True)
class BatchGetProfileError(_Model):
    """Why one profile of a BatchGetProfile request was not returned."""

    code: str = _str_field(length=_TEXT, required=True)
    message: str = _str_field(length=(1, 1000), required=True)
    profile_id: str = _str_field(pattern=_PROFILE_ID, required=True)


PROFILE_ADDRESS_MEMBERS: tuple[str, ...] = (
    "Address",
    "ShippingAddress",
    "MailingAddress",
    "BillingAddress",
)
"""Profile members that hold an Address, in the service's order."""

PROFILE_TEXT_MEMBERS: tuple[str, ...] = tuple(
    name
    for name in Profile.member_names()
    if name not in PROFILE_ADDRESS_MEMBERS
    and name not in ("ProfileId", "Attributes", "FoundByItems", "EngagementPreferences")
)
"""Profile members that hold one string each (AccountNumber ... ProfileType)."""

ADDRESS_MEMBERS: tuple[str, ...] = tuple(Address.member_names())
"""Members of an Address (Address1 ... PostalCode)."""
