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

import logging
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any, Protocol

import attrs

from profilematch._errors import BadRequestException

__all__ = [
    "ADDRESS_FIELDS",
    "ADDRESS_PARTS",
    "MERGEABLE_FIELDS",
    "SCALAR_FIELDS",
    "AutoMergePlan",
    "GroupPlan",
    "MergeOperation",
    "MergedProfile",
    "ProfileRecord",
    "canonical_value",
    "consolidate",
    "merge_fields",
    "merge_records",
    "plan_auto_merge",
]

logger = logging.getLogger(__name__)

#: Service Profile members that hold one string each.
SCALAR_FIELDS: tuple[str, ...] = (
    "AccountNumber",
    "AdditionalInformation",
    "PartyType",
    "BusinessName",
    "FirstName",
    "MiddleName",
    "LastName",
    "BirthDate",
    "Gender",
    "PhoneNumber",
    "MobilePhoneNumber",
    "HomePhoneNumber",
    "BusinessPhoneNumber",
    "EmailAddress",
    "PersonalEmailAddress",
    "BusinessEmailAddress",
    "PartyTypeString",
    "GenderString",
    "ProfileType",
)

#: Service Profile members that hold an Address; a merge takes them whole.
ADDRESS_FIELDS: tuple[str, ...] = (
    "Address",
    "ShippingAddress",
    "MailingAddress",
    "BillingAddress",
)

#: Members of an Address, usable in consolidation as ``Address.PostalCode``.
ADDRESS_PARTS: tuple[str, ...] = (
    "Address1",
    "Address2",
    "Address3",
    "Address4",
    "City",
    "County",
    "State",
    "Province",
    "Country",
    "PostalCode",
)

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


def _as_dict(value: Mapping[str, Any] | _SupportsToDict) -> dict[str, Any]:
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
        """The newest update time of any attribute, or of the profile itself."""
        times = [_as_datetime(value) for value in self.attribute_updated_at.values()]
        times.append(_as_datetime(self.updated_at))
        known = [time for time in times if time is not None]
        return max(known, default=_EPOCH)


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
    field_source_profile_ids: Mapping[str, Any] | _SupportsToDict | None,
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
    main: Mapping[str, Any] | _SupportsToDict,
    others: Sequence[Mapping[str, Any] | _SupportsToDict],
    field_source_profile_ids: Mapping[str, Any] | _SupportsToDict | None = None,
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
    field_source_profile_ids: Mapping[str, Any] | _SupportsToDict | None = None,
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
    consolidation: Mapping[str, Any] | _SupportsToDict,
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
    conflict_resolution: Mapping[str, Any] | _SupportsToDict,
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
    consolidation: Mapping[str, Any] | _SupportsToDict,
    conflict_resolution: Mapping[str, Any] | _SupportsToDict,
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
    consolidation: Mapping[str, Any] | _SupportsToDict,
    conflict_resolution: Mapping[str, Any] | _SupportsToDict,
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
