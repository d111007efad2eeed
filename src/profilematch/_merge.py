"""Merging profiles: the manual merge, auto-merging by consolidation rules, previews.

Three layers, each usable alone:

- pure functions over service-shaped profile dicts (PascalCase keys):
  ``merge_fields`` combines one main profile with others, and ``consolidate``
  turns one match group into the merge operations its consolidation criteria
  call for;
- ``plan_auto_merge`` applies an AutoMerging setting to many match groups;
- store-backed calls (``merge_profiles``, ``auto_merge``,
  ``get_auto_merging_preview``) that read profiles from the store, apply the
  plan and record every merge in the profile history.
"""

from __future__ import annotations

import hashlib
import logging
import random
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Protocol, TypeAlias

import attrs

from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._models import (
    ADDRESS_MEMBERS,
    PROFILE_ADDRESS_MEMBERS,
    PROFILE_TEXT_MEMBERS,
)
from profilematch._store import MatchRecord, ProfileWrite, Store
from profilematch._store import ProfileRecord as StoredProfile

__all__ = [
    "ADDRESS_FIELDS",
    "ADDRESS_PARTS",
    "DEFAULT_PREVIEW_SAMPLE_SIZE",
    "MERGEABLE_FIELDS",
    "SCALAR_FIELDS",
    "AutoMergePlan",
    "AutoMergeResult",
    "AutoMergingPreview",
    "GroupPlan",
    "MergeOperation",
    "MergedProfile",
    "ModelLike",
    "ProfileRecord",
    "auto_merge",
    "canonical_value",
    "consolidate",
    "get_auto_merging_preview",
    "merge_fields",
    "merge_profiles",
    "merge_records",
    "plan_auto_merge",
]

logger = logging.getLogger(__name__)

#: Service Profile members that hold one string each.
SCALAR_FIELDS = PROFILE_TEXT_MEMBERS

#: Service Profile members that hold an Address; a merge takes them whole.
ADDRESS_FIELDS = PROFILE_ADDRESS_MEMBERS

#: Members of an Address, usable in consolidation as ``Address.PostalCode``.
ADDRESS_PARTS = ADDRESS_MEMBERS

#: Every Profile member a merge combines; Attributes are combined key by key.
MERGEABLE_FIELDS: tuple[str, ...] = (
    *SCALAR_FIELDS,
    *ADDRESS_FIELDS,
    "Attributes",
    "EngagementPreferences",
)

_PHONE_FIELDS = frozenset(
    {"PhoneNumber", "MobilePhoneNumber", "HomePhoneNumber", "BusinessPhoneNumber"}
)
_EMAIL_FIELDS = frozenset(
    {"EmailAddress", "PersonalEmailAddress", "BusinessEmailAddress"}
)
_NAME_FIELDS = frozenset({"FirstName", "MiddleName", "LastName"})

# Members that never take part in a merge: the id is the main profile's, and
# FoundByItems only describe a search result.
_NOT_MERGED = frozenset({"ProfileId", "FoundByItems"})

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

_DEFAULT_REGION = "US"


class _SupportsToDict(Protocol):
    def to_dict(self) -> dict[str, Any]: ...


#: A model with ``to_dict()``, or its dict in the service's shape.
ModelLike: TypeAlias = "Mapping[str, Any] | _SupportsToDict"


def _as_dict(value: ModelLike) -> dict[str, Any]:
    """A model or a service-shaped mapping as a plain dict."""
    if isinstance(value, Mapping):
        return dict(value)

    return value.to_dict()


def _as_datetime(value: object) -> datetime | None:
    """A timestamp as an aware UTC datetime; ISO strings and epoch seconds accepted."""
    if value is None:
        return None

    if isinstance(value, datetime):
        result = value
    elif isinstance(value, (int, float)):
        result = datetime.fromtimestamp(value, tz=timezone.utc)
    elif isinstance(value, str):
        try:
            result = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None

    if result.tzinfo is None:
        result = result.replace(tzinfo=timezone.utc)
    return result


def _is_empty(value: object) -> bool:
    """True for a value a merge treats as absent: None, "", {} or []."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    if isinstance(value, (Mapping, list, tuple)):
        return len(value) == 0
    return False


@attrs.frozen(kw_only=True)
class ProfileRecord:
    """A profile as merging sees it: its values, their update times and its source.

    Attributes:
        profile: the profile in the service's shape (PascalCase keys), with
            its ``ProfileId``.
        attribute_updated_at: when each attribute was last updated, keyed by
            service name (``"EmailAddress"``, ``"Address"``,
            ``"Attributes.tier"``); datetimes or ISO strings.
        updated_at: when the profile as a whole was last updated; the time of
            an attribute missing from ``attribute_updated_at``.
        source_name: the source the profile came from, or None.
        field_sources: which original profile each field's value came from,
            for a profile that is itself the result of a merge.
    """

    profile: Mapping[str, Any]
    attribute_updated_at: Mapping[str, Any] = attrs.field(factory=dict)
    updated_at: Any = None
    source_name: str | None = None
    field_sources: Mapping[str, str] = attrs.field(factory=dict)

    @property
    def profile_id(self) -> str:
        """The profile's id."""
        return str(self.profile["ProfileId"])

    def updated_at_of(self, attribute: str) -> datetime:
        """When an attribute was last updated, falling back to the profile's time.

        Args:
            attribute: a service name such as ``"FirstName"``,
                ``"Address.City"`` or ``"Attributes.tier"``.

        Returns:
            An aware UTC datetime; the epoch when nothing is known.
        """
        candidates = [attribute]
        if "." in attribute:
            candidates.append(attribute.split(".", 1)[0])

        for name in candidates:
            found = _as_datetime(self.attribute_updated_at.get(name))
            if found is not None:
                return found

        return _as_datetime(self.updated_at) or _EPOCH

    def last_updated(self) -> datetime:
        """The newest update time of any attribute, else of the profile itself.

        Attribute times come first because a profile's own time also moves
        when nothing but its features or keys were rewritten.
        """
        times = [_as_datetime(value) for value in self.attribute_updated_at.values()]
        known = [time for time in times if time is not None]
        if known:
            return max(known)
        return _as_datetime(self.updated_at) or _EPOCH


@attrs.frozen(kw_only=True)
class MergedProfile:
    """The result of merging profiles: the values and where each one came from.

    Attributes:
        profile: the merged profile in the service's shape; its ``ProfileId``
            is the main profile's.
        field_sources: for each field present in the merge (``"FirstName"``,
            ``"Address"``, ``"Attributes.tier"``), the id of the profile whose
            value was taken. A field whose chosen source had no value is
            absent from ``profile`` but still listed here.
    """

    profile: dict[str, Any]
    field_sources: dict[str, str]


def _field_source_map(
    field_source_profile_ids: ModelLike | None,
    known_ids: Sequence[str],
) -> tuple[dict[str, str], dict[str, str]]:
    """Check FieldSourceProfileIds and split it into fields and Attributes keys."""
    if field_source_profile_ids is None:
        return {}, {}

    raw = _as_dict(field_source_profile_ids)
    fields: dict[str, str] = {}
    attribute_keys: dict[str, str] = {}
    allowed = ", ".join(MERGEABLE_FIELDS)

    for name, source in raw.items():
        if source is None:
            continue

        if name == "Attributes":
            if not isinstance(source, Mapping):
                raise BadRequestException(
                    "FieldSourceProfileIds.Attributes: must map attribute keys to "
                    f"profile ids, got {source!r}; pass a dict such as "
                    '{"tier": "<profile id>"}.',
                    field="FieldSourceProfileIds.Attributes",
                    rule="map of attribute key to profile id",
                    value=source,
                )
            for key, key_source in source.items():
                attribute_keys[str(key)] = _check_source(
                    f"FieldSourceProfileIds.Attributes.{key}", key_source, known_ids
                )
            continue

        if name not in MERGEABLE_FIELDS:
            raise BadRequestException(
                f"FieldSourceProfileIds.{name}: not a mergeable profile field; "
                f"use one of {allowed}.",
                field=f"FieldSourceProfileIds.{name}",
                rule="known profile field",
                value=name,
            )
        fields[name] = _check_source(f"FieldSourceProfileIds.{name}", source, known_ids)

    return fields, attribute_keys


def _check_source(field: str, source: object, known_ids: Sequence[str]) -> str:
    """A source profile id, refused unless it is one of the merged profiles."""
    if not isinstance(source, str) or source not in known_ids:
        raise BadRequestException(
            f"{field}: the source profile must be the main profile or one of the "
            f"profiles to be merged, got {source!r}; name one of "
            f"{', '.join(known_ids)}.",
            field=field,
            rule="one of the merged profile ids",
            value=source,
        )
    return source


def merge_fields(
    main: ModelLike,
    others: Sequence[ModelLike],
    field_source_profile_ids: ModelLike | None = None,
) -> MergedProfile:
    """Merge profiles into the main one, field by field, as the service does.

    A field only one profile has is taken from it; on a conflict the main
    profile's value wins, and among the others the first in ``others`` that
    has a value. A field named in ``field_source_profile_ids`` is taken from
    that profile even when it has no value there, which removes the field.
    Addresses and EngagementPreferences are taken whole; Attributes key by
    key.

    Args:
        main: the main profile (service-shaped dict or Profile) with its
            ``ProfileId``.
        others: the profiles merged into it, in order of preference.
        field_source_profile_ids: the service's FieldSourceProfileIds: a
            mapping (or model) from field name to the profile id to take it
            from; ``"Attributes"`` maps attribute keys to profile ids.

    Returns:
        The merged profile and the source of every field.

    Raises:
        BadRequestException: a source names an unknown field or a profile
            that is not among those merged.
    """
    main_dict = _as_dict(main)
    other_dicts = [_as_dict(other) for other in others]
    profiles = [main_dict, *other_dicts]
    ids = [str(profile.get("ProfileId")) for profile in profiles]
    by_id = dict(zip(ids, profiles, strict=True))
    chosen_fields, chosen_keys = _field_source_map(field_source_profile_ids, ids)

    merged: dict[str, Any] = {"ProfileId": main_dict.get("ProfileId")}
    sources: dict[str, str] = {}
    names = _field_names(profiles)

    for name in names:
        source_id: str | None
        if name in chosen_fields:
            source_id = chosen_fields[name]
            value = by_id[source_id].get(name)
        else:
            source_id, value = _first_present(ids, profiles, name)
        if source_id is None:
            continue

        sources[name] = source_id
        if not _is_empty(value):
            merged[name] = value

    attributes = _merge_attributes(ids, profiles, by_id, chosen_keys, sources)
    if attributes:
        merged["Attributes"] = attributes

    return MergedProfile(profile=merged, field_sources=sources)


def _field_names(profiles: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every field except Attributes present in any profile, in a stable order."""
    names: list[str] = []
    for profile in profiles:
        for name in profile:
            if name in _NOT_MERGED or name == "Attributes" or name in names:
                continue
            names.append(name)
    return names


def _first_present(
    ids: Sequence[str], profiles: Sequence[Mapping[str, Any]], name: str
) -> tuple[str | None, Any]:
    """The first profile, main first, with a value for a field, and that value."""
    for profile_id, profile in zip(ids, profiles, strict=True):
        value = profile.get(name)
        if not _is_empty(value):
            return profile_id, value
    return None, None


def _merge_attributes(
    ids: Sequence[str],
    profiles: Sequence[Mapping[str, Any]],
    by_id: Mapping[str, Mapping[str, Any]],
    chosen_keys: Mapping[str, str],
    sources: dict[str, str],
) -> dict[str, Any]:
    """Combine the Attributes maps key by key, recording each key's source."""
    keys: list[str] = []
    for profile in profiles:
        for key in profile.get("Attributes") or {}:
            if key not in keys:
                keys.append(key)
    keys.extend(key for key in chosen_keys if key not in keys)

    merged: dict[str, Any] = {}
    for key in keys:
        source_id: str | None
        if key in chosen_keys:
            source_id = chosen_keys[key]
            value = (by_id[chosen_keys[key]].get("Attributes") or {}).get(key)
        else:
            maps = [profile.get("Attributes") or {} for profile in profiles]
            source_id, value = _first_present(ids, maps, key)
        if source_id is None:
            continue

        sources[f"Attributes.{key}"] = source_id
        if not _is_empty(value):
            merged[key] = value

    return merged


def merge_records(
    main: ProfileRecord,
    others: Sequence[ProfileRecord],
    field_source_profile_ids: ModelLike | None = None,
) -> ProfileRecord:
    """Merge profile records, carrying each value's update time and provenance.

    Args:
        main: the main profile record.
        others: the records merged into it, in order of preference.
        field_source_profile_ids: as for ``merge_fields``.

    Returns:
        The merged record: the main profile's id and source name, each
        field's update time from the profile it came from, and
        ``field_sources`` naming the original profile of every value (through
        earlier merges too).

    Raises:
        BadRequestException: as for ``merge_fields``.
    """
    records = {record.profile_id: record for record in (main, *others)}
    merged = merge_fields(
        main.profile,
        [other.profile for other in others],
        field_source_profile_ids,
    )

    updated: dict[str, Any] = {}
    provenance: dict[str, str] = {}
    for field, source_id in merged.field_sources.items():
        source = records[source_id]
        updated[field] = source.updated_at_of(field)
        provenance[field] = source.field_sources.get(field, source_id)

    newest = max(record.last_updated() for record in records.values())
    return ProfileRecord(
        profile=merged.profile,
        attribute_updated_at=updated,
        updated_at=newest,
        source_name=main.source_name,
        field_sources=provenance,
    )


# ---------------------------------------------------------------------------
# Consolidation: canonical values and the merge operations of a match group.


@attrs.frozen(kw_only=True)
class MergeOperation:
    """One merge a consolidation calls for, in the shape of a MergeProfiles call.

    Attributes:
        main_profile_id: the profile that remains.
        profile_ids_to_be_merged: the profiles merged into it and deleted.
        field_source_profile_ids: which profile each conflicting field is
            taken from (FieldSourceProfileIds shape, Attributes nested).
        criterion_index: the position (from 0) of the consolidation criterion
            that matched.
    """

    main_profile_id: str
    profile_ids_to_be_merged: tuple[str, ...]
    field_source_profile_ids: dict[str, Any]
    criterion_index: int


def _known_attribute(name: str) -> bool:
    """True for an attribute name a consolidation criterion may use."""
    if name in SCALAR_FIELDS or name in ADDRESS_FIELDS:
        return True

    head, _, tail = name.partition(".")
    if head in ADDRESS_FIELDS:
        return tail in ADDRESS_PARTS
    return head == "Attributes" and tail != ""


def _criteria(
    consolidation: ModelLike,
) -> tuple[tuple[str, ...], ...]:
    """The consolidation's criteria, checked: 1 to 10 of 1 to 20 known names."""
    raw = _as_dict(consolidation).get("MatchingAttributesList")
    field = "Consolidation.MatchingAttributesList"

    if not isinstance(raw, (list, tuple)) or not 1 <= len(raw) <= 10:
        raise BadRequestException(
            f"{field}: must be a list of 1 to 10 criteria, got {raw!r}; give each "
            'criterion as a list of attribute names, e.g. [["FirstName", '
            '"LastName", "EmailAddress"]].',
            field=field,
            rule="items 1..10",
            value=raw,
        )

    problems: list[tuple[str, str, object, str]] = []
    criteria: list[tuple[str, ...]] = []
    for index, criterion in enumerate(raw):
        where = f"{field}[{index}]"
        if not isinstance(criterion, (list, tuple)) or not 1 <= len(criterion) <= 20:
            problems.append(
                (where, "items 1..20", criterion, "give 1 to 20 attribute names")
            )
            continue
        for position, name in enumerate(criterion):
            if not isinstance(name, str) or not _known_attribute(name):
                problems.append(
                    (
                        f"{where}[{position}]",
                        "known attribute name",
                        name,
                        "use a Profile field (FirstName, EmailAddress, ...), "
                        "Address.PostalCode and the like, or Attributes.<key>",
                    )
                )
        criteria.append(tuple(str(name) for name in criterion))

    if problems:
        first = problems[0]
        lines = "; ".join(
            f"{where}: {rule}, got {value!r}; {todo}"
            for where, rule, value, todo in problems
        )
        raise BadRequestException(lines, field=first[0], rule=first[1], value=first[2])
    return tuple(criteria)


def _resolution(
    conflict_resolution: ModelLike,
) -> tuple[str, str | None]:
    """The conflict resolution's model and source name, checked."""
    raw = _as_dict(conflict_resolution)
    model = raw.get("ConflictResolvingModel")
    source = raw.get("SourceName")

    if model not in ("RECENCY", "SOURCE"):
        raise BadRequestException(
            "ConflictResolution.ConflictResolvingModel: must be RECENCY or SOURCE, "
            f"got {model!r}; choose one of them.",
            field="ConflictResolution.ConflictResolvingModel",
            rule="one of RECENCY, SOURCE",
            value=model,
        )
    if model == "SOURCE" and not source:
        raise BadRequestException(
            "ConflictResolution.SourceName: required when ConflictResolvingModel "
            f"is SOURCE, got {source!r}; name the source whose values win.",
            field="ConflictResolution.SourceName",
            rule="required with SOURCE",
            value=source,
        )

    return str(model), (str(source) if source else None)


def _plain(value: object) -> str | None:
    """Case-folded text with whitespace collapsed, or None when empty."""
    if _is_empty(value) or not isinstance(value, str):
        return None
    return " ".join(value.casefold().split())


def _region_of(profile: Mapping[str, Any], default_region: str) -> str:
    """The phone region of a profile: its first address country, else the default."""
    from profilematch import normalize

    for field in ADDRESS_FIELDS:
        address = profile.get(field) or {}
        found = normalize.country(address.get("Country"))
        if found:
            return found
    return default_region


def _canonical_address_part(part: str, address: Mapping[str, Any]) -> Hashable:
    """One member of an Address in canonical form."""
    from profilematch import normalize

    value = address.get(part)
    if _is_empty(value):
        return None
    if part == "Country":
        return normalize.country(value) or _plain(value)

    parsed = normalize.address(
        address1=address.get("Address1"),
        city=address.get("City"),
        postal_code=address.get("PostalCode"),
        country=address.get("Country"),
    )
    if part == "PostalCode" and parsed is not None and parsed.postal_code:
        return parsed.postal_code
    if part == "Address1" and parsed is not None and parsed.street:
        return (parsed.house_number, parsed.street)
    if part == "City" and parsed is not None and parsed.city:
        return parsed.city
    return _plain(value)


def canonical_value(
    profile: Mapping[str, Any], attribute: str, *, default_region: str | None = None
) -> Hashable:
    """An attribute of a profile in the canonical form consolidation compares.

    Emails compare by canonical address, phones by E.164 (region from the
    profile's address country, else ``default_region``), names by their
    tokens, birth dates by their ISO readings, addresses by their canonical
    parts; anything else case-folded with whitespace collapsed.

    Args:
        profile: a service-shaped profile dict.
        attribute: a service attribute name (``"EmailAddress"``,
            ``"Address.PostalCode"``, ``"Attributes.tier"``).
        default_region: the phone region for numbers without a country code.

    Returns:
        A hashable canonical value, or None when the profile has no value.
    """
    from profilematch import normalize

    head, _, tail = attribute.partition(".")
    if head == "Attributes":
        return _plain((profile.get("Attributes") or {}).get(tail))
    if head in ADDRESS_FIELDS:
        address = profile.get(head) or {}
        if tail:
            return _canonical_address_part(tail, address)
        parts = tuple(_canonical_address_part(part, address) for part in ADDRESS_PARTS)
        return None if all(part is None for part in parts) else parts

    value = profile.get(attribute)
    if _is_empty(value) or not isinstance(value, str):
        return None

    if attribute in _EMAIL_FIELDS:
        email = normalize.email(value)
        return (email.address if email and email.address else None) or _plain(value)
    if attribute in _PHONE_FIELDS:
        region = _region_of(profile, default_region or _DEFAULT_REGION)
        phone = normalize.phone(value, region)
        return (phone.e164 if phone and phone.e164 else None) or _digits(value)
    if attribute in _NAME_FIELDS:
        name = normalize.name(first=value)
        return (name.tokens if name and name.tokens else None) or _plain(value)
    if attribute == "BirthDate":
        return normalize.birth_date(value) or _plain(value)
    return _plain(value)


def _digits(value: str) -> str | None:
    """The digits of a phone number no normalizer could read, or None."""
    digits = "".join(char for char in value if char.isdigit())
    return digits or None


def _pick(
    records: Sequence[ProfileRecord],
    attribute: str | None,
    source_name: str | None,
) -> ProfileRecord:
    """The record whose value wins: the named source first, then the newest.

    ``attribute`` None compares whole profiles by their newest update. Ties
    go to the record listed first, so the outcome is deterministic.
    """
    preferred = [record for record in records if record.source_name == source_name]
    pool = preferred if source_name is not None and preferred else list(records)

    def when(record: ProfileRecord) -> datetime:
        if attribute is None:
            return record.last_updated()
        return record.updated_at_of(attribute)

    best = pool[0]
    for record in pool[1:]:
        if when(record) > when(best):
            best = record
    return best


def _resolved_sources(
    records: Sequence[ProfileRecord], source_name: str | None
) -> dict[str, Any]:
    """FieldSourceProfileIds that resolve every conflicting field by the rule."""
    chosen: dict[str, Any] = {}
    attribute_keys: dict[str, str] = {}

    for field in _field_names([record.profile for record in records]):
        holders = [r for r in records if not _is_empty(r.profile.get(field))]
        if len({_frozen(r.profile[field]) for r in holders}) > 1:
            chosen[field] = _pick(holders, field, source_name).profile_id

    keys = {key for r in records for key in r.profile.get("Attributes") or {}}
    for key in sorted(keys):
        holders = [
            r
            for r in records
            if not _is_empty((r.profile.get("Attributes") or {}).get(key))
        ]
        if len({r.profile["Attributes"][key] for r in holders}) > 1:
            attribute_keys[key] = _pick(
                holders, f"Attributes.{key}", source_name
            ).profile_id

    if attribute_keys:
        chosen["Attributes"] = attribute_keys
    return chosen


def _frozen(value: object) -> Hashable:
    """A hashable copy of a JSON-like value, to tell conflicting values apart."""
    if isinstance(value, Mapping):
        return tuple(sorted((str(key), _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_frozen(item) for item in value)
    return value if isinstance(value, Hashable) else repr(value)


def consolidate(
    group_profiles: Sequence[ProfileRecord],
    consolidation: ModelLike,
    conflict_resolution: ModelLike,
    *,
    default_region: str | None = None,
) -> list[MergeOperation]:
    """The merges one match group calls for under consolidation criteria.

    Criteria apply in order, each to the profiles left by the previous one
    (merged profiles carry their merged values): profiles whose every
    attribute of the criterion is present and equal in canonical form merge
    into one. The profile that remains is the preferred one (named source
    first, then the most recently updated); each conflicting field is taken
    by the conflict resolution: RECENCY takes the most recently updated
    value, SOURCE the value from the named source, falling back to RECENCY
    when no profile or several profiles of that source hold it.

    Args:
        group_profiles: the records of one match group.
        consolidation: the Consolidation (model or service-shaped dict).
        conflict_resolution: the ConflictResolution (model or dict).
        default_region: the phone region for numbers without a country code.

    Returns:
        The merge operations in the order they must be applied; empty when
        no two profiles meet a criterion.

    Raises:
        BadRequestException: the consolidation or conflict resolution breaks
            a rule (sizes, attribute names, SOURCE without a source name).
    """
    operations, _ = _consolidate(
        group_profiles,
        _criteria(consolidation),
        _resolution(conflict_resolution),
        default_region=default_region,
    )
    return operations


def _consolidate(
    group_profiles: Sequence[ProfileRecord],
    criteria: Sequence[Sequence[str]],
    resolution: tuple[str, str | None],
    *,
    default_region: str | None,
) -> tuple[list[MergeOperation], list[ProfileRecord]]:
    """Consolidate checked criteria; returns the operations and the final records."""
    _, source_name = resolution
    records = list(group_profiles)
    operations: list[MergeOperation] = []

    for index, criterion in enumerate(criteria):
        buckets: dict[tuple[Hashable, ...], list[ProfileRecord]] = {}
        for record in records:
            key = tuple(
                canonical_value(record.profile, name, default_region=default_region)
                for name in criterion
            )
            if any(part is None for part in key):
                continue
            buckets.setdefault(key, []).append(record)

        merged_away: set[str] = set()
        replaced: dict[str, ProfileRecord] = {}
        for bucket in buckets.values():
            if len(bucket) < 2:
                continue
            main = _pick(bucket, None, source_name)
            others = [record for record in bucket if record is not main]
            sources = _resolved_sources(bucket, source_name)
            operations.append(
                MergeOperation(
                    main_profile_id=main.profile_id,
                    profile_ids_to_be_merged=tuple(r.profile_id for r in others),
                    field_source_profile_ids=sources,
                    criterion_index=index,
                )
            )
            replaced[main.profile_id] = merge_records(main, others, sources)
            merged_away.update(record.profile_id for record in others)

        records = [
            replaced.get(record.profile_id, record)
            for record in records
            if record.profile_id not in merged_away
        ]

    return operations, records


# ---------------------------------------------------------------------------
# Auto-merging over many match groups.


@attrs.frozen(kw_only=True)
class GroupPlan:
    """What auto-merging does with one match group.

    Attributes:
        match_id: the group's MatchId.
        confidence_score: the group's confidence score.
        operations: the merges, in order; empty when the group does not merge.
        remaining_profile_ids: the profiles left once the merges are done.
    """

    match_id: str
    confidence_score: float
    operations: tuple[MergeOperation, ...]
    remaining_profile_ids: tuple[str, ...]

    @property
    def profiles_merged(self) -> int:
        """How many profiles the group's merges delete."""
        return sum(len(op.profile_ids_to_be_merged) for op in self.operations)


@attrs.frozen(kw_only=True)
class AutoMergePlan:
    """What auto-merging does with a set of match groups.

    Attributes:
        groups: one plan per match group, in input order.
    """

    groups: tuple[GroupPlan, ...]

    @property
    def operations(self) -> tuple[MergeOperation, ...]:
        """Every merge operation, group by group, in order."""
        return tuple(op for group in self.groups for op in group.operations)

    @property
    def profiles_merged(self) -> int:
        """How many profiles the plan's merges delete."""
        return sum(group.profiles_merged for group in self.groups)


def _group_fields(group: Any) -> tuple[str, tuple[str, ...], float]:
    """MatchId, ProfileIds and ConfidenceScore of a MatchItem or its dict."""
    if isinstance(group, Mapping):
        return (
            str(group["MatchId"]),
            tuple(group["ProfileIds"]),
            float(group.get("ConfidenceScore") or 0.0),
        )

    return (
        str(group.match_id),
        tuple(group.profile_ids),
        float(group.confidence_score or 0.0),
    )


def plan_auto_merge(
    groups: Iterable[object],
    records: Mapping[str, ProfileRecord] | Callable[[Sequence[str]], Any],
    consolidation: ModelLike,
    conflict_resolution: ModelLike,
    min_allowed_confidence_score_for_merging: float | None = None,
    *,
    default_region: str | None = None,
) -> AutoMergePlan:
    """Apply auto-merging settings to match groups without changing anything.

    Only groups whose confidence score is at least the minimum merge; each is
    consolidated with ``consolidate``. Profiles a group names but ``records``
    lacks (deleted since the job ran) are left out of it.

    Args:
        groups: MatchItems or their service-shaped dicts.
        records: the profile records by id, or a function that returns them
            for a list of ids (a mapping of id to record).
        consolidation: the Consolidation to apply.
        conflict_resolution: the ConflictResolution to apply.
        min_allowed_confidence_score_for_merging: the confidence gate in
            [0, 1]; None lets every group through.
        default_region: the phone region for numbers without a country code.

    Returns:
        The plan: per group, its merges and the profiles left.

    Raises:
        BadRequestException: the settings break a rule.
    """
    criteria = _criteria(consolidation)
    resolution = _resolution(conflict_resolution)
    gate = _check_gate(min_allowed_confidence_score_for_merging)
    plans: list[GroupPlan] = []

    for group in groups:
        match_id, profile_ids, score = _group_fields(group)
        if score < gate:
            plans.append(
                GroupPlan(
                    match_id=match_id,
                    confidence_score=score,
                    operations=(),
                    remaining_profile_ids=profile_ids,
                )
            )
            continue

        found = records if isinstance(records, Mapping) else records(profile_ids)
        members = [found[pid] for pid in profile_ids if pid in found]
        operations, remaining = _consolidate(
            members, criteria, resolution, default_region=default_region
        )
        plans.append(
            GroupPlan(
                match_id=match_id,
                confidence_score=score,
                operations=tuple(operations),
                remaining_profile_ids=tuple(r.profile_id for r in remaining),
            )
        )

    return AutoMergePlan(groups=tuple(plans))


def _check_gate(value: float | None) -> float:
    """The confidence gate, refused outside [0, 1]."""
    if value is None:
        return 0.0

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        ok = False
    else:
        ok = 0.0 <= float(value) <= 1.0
    if not ok:
        raise BadRequestException(
            "MinAllowedConfidenceScoreForMerging: must be a number from 0.0 to "
            f"1.0, got {value!r}; pass a confidence score such as 0.9.",
            field="MinAllowedConfidenceScoreForMerging",
            rule="range 0.0..1.0",
            value=value,
        )
    return float(value)


# ---------------------------------------------------------------------------
# Store-backed calls: the manual merge, auto-merging for jobs, the preview.

_PROFILE_ID_PATTERN = re.compile(r"[a-f0-9]{32}")
_DOMAIN_NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]+$")
_MAX_TO_BE_MERGED = 20

#: How many match groups a preview samples when not told otherwise.
DEFAULT_PREVIEW_SAMPLE_SIZE = 1000


@attrs.frozen(kw_only=True)
class AutoMergeResult:
    """What auto-merging did to a job's match groups.

    Attributes:
        groups: the match groups after merging: a group whose profiles all
            merged into one is gone; a group that lost some profiles has the
            remaining ones and a MatchId computed from them; the rest are as
            they came.
        merges_done: how many profiles were merged into another and deleted.
        merged_profile_ids: the ids of those profiles, in merge order.
    """

    groups: list[Any]
    merges_done: int
    merged_profile_ids: tuple[str, ...]


@attrs.frozen(kw_only=True)
class AutoMergingPreview:
    """The response of GetAutoMergingPreview.

    Attributes:
        domain_name: the domain.
        number_of_matches_in_sample: match groups in the sample.
        number_of_profiles_in_sample: profiles in those groups.
        number_of_profiles_will_be_merged: profiles that auto-merging would
            merge into another (and delete).
    """

    domain_name: str
    number_of_matches_in_sample: int
    number_of_profiles_in_sample: int
    number_of_profiles_will_be_merged: int

    def to_dict(self) -> dict[str, Any]:
        """The preview in the service's PascalCase shape."""
        return {
            "DomainName": self.domain_name,
            "NumberOfMatchesInSample": self.number_of_matches_in_sample,
            "NumberOfProfilesInSample": self.number_of_profiles_in_sample,
            "NumberOfProfilesWillBeMerged": self.number_of_profiles_will_be_merged,
        }


def _record_from_store(stored: StoredProfile) -> ProfileRecord:
    """A merging record from a stored profile."""
    return ProfileRecord(
        profile={**stored.raw, "ProfileId": stored.profile_id},
        attribute_updated_at=dict(stored.attribute_updated_at),
        updated_at=stored.updated_at,
        source_name=stored.source_name,
    )


def _region(default_region: str | None) -> str:
    """The phone region in force: the caller's, else the library default."""
    from profilematch._config import get_default_region

    return default_region or get_default_region()


def _write_for(profile: Mapping[str, Any], region: str) -> ProfileWrite:
    """A store write for a merged profile, with features and search keys fresh."""
    from profilematch._client import search_keys
    from profilematch._features import profile_features
    from profilematch._models import Profile

    model = Profile.from_dict(profile, prefix="MergedProfile")
    raw = model.to_dict()
    profile_id = str(raw.pop("ProfileId"))
    raw.pop("FoundByItems", None)

    return ProfileWrite(
        profile_id=profile_id,
        raw=raw,
        features_json=profile_features(model, default_region=region).to_json(),
        keys=search_keys(raw, profile_id, region=region),
    )


def _apply(
    store: Store,
    domain_name: str,
    operation: MergeOperation,
    *,
    now: datetime,
    region: str,
    event: Mapping[str, Any],
) -> ProfileRecord:
    """Carry out one merge on the store inside the caller's transaction."""
    wanted = [operation.main_profile_id, *operation.profile_ids_to_be_merged]
    found = store.get_profiles(domain_name, wanted)
    for profile_id in wanted:
        if profile_id not in found:
            raise ResourceNotFoundException(
                store.missing_profile_message(domain_name, profile_id)
            )

    main = _record_from_store(found[operation.main_profile_id])
    others = [
        _record_from_store(found[pid]) for pid in operation.profile_ids_to_be_merged
    ]
    merged = merge_records(main, others, operation.field_source_profile_ids)

    store.replace_profile(domain_name, _write_for(merged.profile, region), now=now)
    store.set_attribute_updated_at(
        domain_name, operation.main_profile_id, merged.attribute_updated_at
    )
    for profile_id in operation.profile_ids_to_be_merged:
        store.mark_merged(domain_name, profile_id, operation.main_profile_id, now=now)
        store.repoint_merged(domain_name, profile_id, operation.main_profile_id)

    sources = {record.profile_id: record.source_name for record in (main, *others)}
    store.add_history(
        domain_name,
        operation.main_profile_id,
        {
            **event,
            "Event": "MERGE",
            "MainProfileId": operation.main_profile_id,
            "ProfileIdsMerged": list(operation.profile_ids_to_be_merged),
            "FieldSourceProfileIds": dict(sorted(merged.field_sources.items())),
            "SourceNames": sources,
        },
        now=now,
    )
    for profile_id in operation.profile_ids_to_be_merged:
        store.add_history(
            domain_name,
            profile_id,
            {
                **event,
                "Event": "MERGED_INTO",
                "MainProfileId": operation.main_profile_id,
            },
            now=now,
        )

    return merged


def _check_merge_request(
    domain_name: object,
    main_profile_id: object,
    profile_ids_to_be_merged: object,
) -> tuple[str, str, tuple[str, ...]]:
    """Check a MergeProfiles request's ids; raise once listing every problem."""
    problems: list[tuple[str, str, object, str]] = []

    if not isinstance(domain_name, str) or not (
        1 <= len(domain_name) <= 64 and _DOMAIN_NAME_PATTERN.fullmatch(domain_name)
    ):
        problems.append(
            (
                "DomainName",
                "len 1..64; pattern ^[a-zA-Z0-9_-]+$",
                domain_name,
                "name an existing domain",
            )
        )
    if not isinstance(main_profile_id, str) or not _PROFILE_ID_PATTERN.fullmatch(
        main_profile_id
    ):
        problems.append(
            (
                "MainProfileId",
                "pattern [a-f0-9]{32}",
                main_profile_id,
                "pass the id of the profile that remains",
            )
        )

    ids: tuple[str, ...] = ()
    if isinstance(profile_ids_to_be_merged, str) or not isinstance(
        profile_ids_to_be_merged, Sequence
    ):
        problems.append(
            (
                "ProfileIdsToBeMerged",
                "list of profile ids",
                profile_ids_to_be_merged,
                "pass a list of 1 to 20 profile ids",
            )
        )
    else:
        ids = tuple(profile_ids_to_be_merged)
        if not 1 <= len(ids) <= _MAX_TO_BE_MERGED:
            problems.append(
                (
                    "ProfileIdsToBeMerged",
                    "items 1..20",
                    list(ids),
                    "merge 1 to 20 profiles at a time",
                )
            )
        for index, profile_id in enumerate(ids):
            where = f"ProfileIdsToBeMerged[{index}]"
            if not isinstance(profile_id, str) or not _PROFILE_ID_PATTERN.fullmatch(
                profile_id
            ):
                problems.append(
                    (where, "pattern [a-f0-9]{32}", profile_id, "pass a profile id")
                )
            elif profile_id == main_profile_id:
                problems.append(
                    (
                        where,
                        "not the main profile",
                        profile_id,
                        "leave MainProfileId out of the profiles to be merged",
                    )
                )
            elif profile_id in ids[:index]:
                problems.append((where, "unique", profile_id, "name each profile once"))

    if problems:
        _raise_all(problems)
    return str(domain_name), str(main_profile_id), ids


def _raise_all(problems: Sequence[tuple[str, str, object, str]]) -> None:
    """Raise one BadRequestException listing every problem; the first one's parts."""
    message = "; ".join(
        f"{field}: {rule}, got {value!r}; {todo}"
        for field, rule, value, todo in problems
    )
    field, rule, value, _ = problems[0]
    raise BadRequestException(message, field=field, rule=rule, value=value)


def merge_profiles(
    store: Store,
    domain_name: str,
    main_profile_id: str,
    profile_ids_to_be_merged: Sequence[str],
    field_source_profile_ids: ModelLike | None = None,
    *,
    now: datetime | None = None,
    default_region: str | None = None,
) -> str:
    """Merge 1 to 20 profiles into a main profile, in one transaction.

    Fields are combined as ``merge_fields`` describes; the merged profiles are
    deleted, and asking for one afterwards says which profile it went into.
    The main profile's features and search keys are recomputed, and the
    merge is recorded in its history. A merge cannot be undone.

    Args:
        store: the store.
        domain_name: the domain.
        main_profile_id: the profile that remains.
        profile_ids_to_be_merged: the profiles merged into it (1 to 20).
        field_source_profile_ids: FieldSourceProfileIds (model or dict): for a
            field, the profile whose value to take even when it is empty.
        now: the time of the merge (default: now).
        default_region: the phone region for numbers without a country code.

    Returns:
        The service's response message.

    Raises:
        BadRequestException: an id is malformed, repeated or the main one is
            among those to merge; too many or no ids; a field source names an
            unknown field or a profile that is not merged. Nothing changes.
        ResourceNotFoundException: no such domain, or a profile is not in it
            (absent, in another domain, or merged already). Nothing changes.
    """
    from profilematch._models import FieldSourceProfileIds

    domain, main_id, ids = _check_merge_request(
        domain_name, main_profile_id, profile_ids_to_be_merged
    )
    sources = _as_dict(field_source_profile_ids or {})
    if sources:
        sources = FieldSourceProfileIds.from_dict(
            sources, prefix="FieldSourceProfileIds"
        ).to_dict()
    # Refuse a source outside the merge before the store is touched.
    _field_source_map(sources, [main_id, *ids])
    moment = now or datetime.now(timezone.utc)
    operation = MergeOperation(
        main_profile_id=main_id,
        profile_ids_to_be_merged=ids,
        field_source_profile_ids=sources,
        criterion_index=-1,
    )

    with store.atomic():
        _apply(
            store,
            domain,
            operation,
            now=moment,
            region=_region(default_region),
            event={"Trigger": "MergeProfiles"},
        )

    logger.info("domain %s: merged %d profiles into %s", domain, len(ids), main_id)
    noun = "profile" if len(ids) == 1 else "profiles"
    return f"Merged {len(ids)} {noun} into profile {main_id}."


def _settings(
    auto_merging: ModelLike,
) -> tuple[dict[str, Any], dict[str, Any], float | None]:
    """Consolidation, ConflictResolution and gate of an AutoMerging setting."""
    raw = _as_dict(auto_merging)
    consolidation = raw.get("Consolidation")
    resolution = raw.get("ConflictResolution") or {"ConflictResolvingModel": "RECENCY"}

    if consolidation is None:
        raise BadRequestException(
            "AutoMerging.Consolidation: required when auto-merging is enabled, got "
            "None; give the criteria, e.g. "
            '{"MatchingAttributesList": [["FirstName", "LastName", "EmailAddress"]]}.',
            field="AutoMerging.Consolidation",
            rule="required when Enabled",
            value=None,
        )

    return (
        _as_dict(consolidation),
        _as_dict(resolution),
        raw.get("MinAllowedConfidenceScoreForMerging"),
    )


def _regrouped(group: Any, remaining: tuple[str, ...]) -> Any | None:
    """A match group after merging: None when fewer than two profiles remain."""
    from profilematch._matcher import match_id
    from profilematch._models import MatchItem

    if len(remaining) < 2:
        return None
    if set(remaining) == set(_group_fields(group)[1]):
        return group

    return MatchItem(
        match_id=match_id(remaining),
        profile_ids=remaining,
        confidence_score=_group_fields(group)[2],
    )


def auto_merge(
    store: Store,
    domain_name: str,
    groups: Sequence[Any],
    auto_merging: ModelLike,
    *,
    now: datetime | None = None,
    default_region: str | None = None,
    job_id: str | None = None,
) -> AutoMergeResult:
    """Merge a job's match groups as the domain's AutoMerging setting says.

    Runs in one transaction: the caller's when it holds ``store.atomic()``
    (the job runner's), else its own. Each group at or above the confidence
    gate is consolidated from the profiles as stored now, and its merges are
    applied in order and recorded in the profiles' history.

    Args:
        store: the store.
        domain_name: the domain.
        groups: the job's match groups (MatchItems or their dicts).
        auto_merging: the AutoMerging setting (model or dict); its
            ``Enabled`` flag is the caller's business.
        now: the time of the merges (default: now).
        default_region: the phone region for numbers without a country code.
        job_id: the job doing the merging, kept in the history.

    Returns:
        The groups after merging and the merges done.

    Raises:
        BadRequestException: the setting lacks a Consolidation or breaks a rule.
    """
    consolidation, resolution, gate = _settings(auto_merging)
    region = _region(default_region)
    moment = now or datetime.now(timezone.utc)
    event = {"Trigger": "AutoMerging", "JobId": job_id}
    result_groups: list[Any] = []
    merged_ids: list[str] = []

    def fetch(profile_ids: Sequence[str]) -> dict[str, ProfileRecord]:
        found = store.get_profiles(domain_name, profile_ids)
        return {pid: _record_from_store(stored) for pid, stored in found.items()}

    with store.atomic():
        for group in groups:
            plan = plan_auto_merge(
                [group],
                fetch,
                consolidation,
                resolution,
                gate,
                default_region=region,
            ).groups[0]
            for operation in plan.operations:
                _apply(
                    store,
                    domain_name,
                    operation,
                    now=moment,
                    region=region,
                    event={
                        **event,
                        "MatchId": plan.match_id,
                        "CriterionIndex": operation.criterion_index,
                    },
                )
                merged_ids.extend(operation.profile_ids_to_be_merged)
            if not plan.operations:
                result_groups.append(group)
                continue
            regrouped = _regrouped(group, plan.remaining_profile_ids)
            if regrouped is not None:
                result_groups.append(regrouped)

    logger.info(
        "domain %s: auto-merging merged %d profiles in %d match groups",
        domain_name,
        len(merged_ids),
        len(groups),
    )
    return AutoMergeResult(
        groups=result_groups,
        merges_done=len(merged_ids),
        merged_profile_ids=tuple(merged_ids),
    )


def get_auto_merging_preview(
    store: Store,
    domain_name: str,
    consolidation: ModelLike,
    conflict_resolution: ModelLike,
    min_allowed_confidence_score_for_merging: float | None = None,
    *,
    sample_size: int = DEFAULT_PREVIEW_SAMPLE_SIZE,
    seed: int | None = None,
    default_region: str | None = None,
) -> AutoMergingPreview:
    """Dry-run auto-merging settings on a sample of the current match groups.

    Nothing is written. The sample is drawn from the latest generation with a
    seeded random generator, so the same store, settings and seed give the
    same figures.

    Args:
        store: the store.
        domain_name: the domain.
        consolidation: the Consolidation to try (model or dict).
        conflict_resolution: the ConflictResolution to try (model or dict).
        min_allowed_confidence_score_for_merging: the confidence gate in
            [0, 1], or None for no gate.
        sample_size: the most match groups to sample.
        seed: the sampling seed; None derives one from the domain and the
            generation, so repeated previews agree.
        default_region: the phone region for numbers without a country code.

    Returns:
        The preview: groups and profiles in the sample, profiles that would
        be merged.

    Raises:
        BadRequestException: a setting breaks a rule.
        ResourceNotFoundException: no such domain.
    """
    from profilematch._models import ConflictResolution, Consolidation

    checked_consolidation = Consolidation.from_dict(
        _as_dict(consolidation), prefix="Consolidation"
    )
    checked_resolution = ConflictResolution.from_dict(
        _as_dict(conflict_resolution), prefix="ConflictResolution"
    )
    _check_gate(min_allowed_confidence_score_for_merging)
    _criteria(checked_consolidation)
    _resolution(checked_resolution)

    generation = store.latest_generation(domain_name)
    if generation is None:
        return AutoMergingPreview(
            domain_name=domain_name,
            number_of_matches_in_sample=0,
            number_of_profiles_in_sample=0,
            number_of_profiles_will_be_merged=0,
        )

    sample = _sample(store, generation.generation_id, domain_name, sample_size, seed)
    ids = [pid for group in sample for pid in group.profile_ids]
    records = {
        pid: _record_from_store(stored)
        for pid, stored in store.get_profiles(domain_name, ids).items()
    }
    plan = plan_auto_merge(
        sample,
        records,
        checked_consolidation,
        checked_resolution,
        min_allowed_confidence_score_for_merging,
        default_region=_region(default_region),
    )

    return AutoMergingPreview(
        domain_name=domain_name,
        number_of_matches_in_sample=len(sample),
        number_of_profiles_in_sample=len(ids),
        number_of_profiles_will_be_merged=plan.profiles_merged,
    )


def _sample(
    store: Store, generation_id: int, domain_name: str, size: int, seed: int | None
) -> list[MatchRecord]:
    """A seeded random sample of a generation's match groups, in rank order."""
    groups: list[MatchRecord] = []
    offset = 0
    while True:
        page = store.read_matches(generation_id, offset=offset, limit=1000)
        groups.extend(page)
        if len(page) < 1000:
            break
        offset += len(page)

    if len(groups) <= size:
        return groups

    if seed is None:
        text = f"{domain_name}\n{generation_id}".encode()
        seed = int.from_bytes(hashlib.sha256(text).digest()[:8], "big")
    chosen = random.Random(seed).sample(range(len(groups)), size)
    return [groups[index] for index in sorted(chosen)]
