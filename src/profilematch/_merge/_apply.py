"""One merge carried out on the store, inside the caller's transaction.

The merged profile replaces the main one, with its features and search keys
computed afresh and each value's update time kept; the merged profiles leave
tombstones pointing at the main one; every profile involved gets a history
event.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from profilematch._errors import ResourceNotFoundException
from profilematch._merge._consolidate import MergeOperation
from profilematch._merge._fields import ProfileRecord, merge_records
from profilematch._store import ProfileRecord as StoredProfile
from profilematch._store import ProfileWrite, Store


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
