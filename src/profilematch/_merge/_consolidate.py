"""Consolidation: the merges one match group calls for, and conflict resolution.

A consolidation criterion is a list of attributes; profiles whose every one of
them is present and equal in canonical form (``canonical_value``) merge into
one. The conflict resolution (RECENCY or SOURCE) picks the profile that
remains and the value of every field the profiles disagree on.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from datetime import datetime
from typing import Any

import attrs

from profilematch._errors import BadRequestException
from profilematch._merge._fields import (
    ADDRESS_FIELDS,
    ADDRESS_PARTS,
    SCALAR_FIELDS,
    ModelLike,
    ProfileRecord,
    _as_dict,
    _field_names,
    _is_empty,
    merge_records,
)
from profilematch._models import EMAIL_MEMBERS, PHONE_MEMBERS

__all__ = ["MergeOperation", "canonical_value", "consolidate"]

_NAME_FIELDS = frozenset({"FirstName", "MiddleName", "LastName"})

_DEFAULT_REGION = "US"


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

    if attribute in EMAIL_MEMBERS:
        email = normalize.email(value)
        return (email.address if email and email.address else None) or _plain(value)
    if attribute in PHONE_MEMBERS:
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
