"""Merging field by field: the fields a merge combines, and where each value came from.

``merge_fields`` combines one main profile with others as the service does;
``merge_records`` does the same for profile records and carries each value's
update time and original profile along. Both work on service-shaped profile
dicts (PascalCase keys) and touch no store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Protocol, TypeAlias

import attrs

from profilematch._errors import BadRequestException
from profilematch._models import (
    ADDRESS_MEMBERS,
    PROFILE_ADDRESS_MEMBERS,
    PROFILE_TEXT_MEMBERS,
)

__all__ = [
    "ADDRESS_FIELDS",
    "ADDRESS_PARTS",
    "MERGEABLE_FIELDS",
    "SCALAR_FIELDS",
    "MergedProfile",
    "ModelLike",
    "ProfileRecord",
    "merge_fields",
    "merge_records",
]

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

# Members that never take part in a merge: the id is the main profile's, and
# FoundByItems only describe a search result.
_NOT_MERGED = frozenset({"ProfileId", "FoundByItems"})

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


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
