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
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import attrs

from profilematch._errors import BadRequestException, ResourceNotFoundException
from profilematch._merge._consolidate import (
    MergeOperation,
    _criteria,
    _resolution,
    canonical_value,
    consolidate,
)
from profilematch._merge._fields import (
    ADDRESS_FIELDS,
    ADDRESS_PARTS,
    MERGEABLE_FIELDS,
    SCALAR_FIELDS,
    MergedProfile,
    ModelLike,
    ProfileRecord,
    _as_dict,
    _field_source_map,
    merge_fields,
    merge_records,
)
from profilematch._merge._plan import (
    AutoMergePlan,
    GroupPlan,
    _check_gate,
    _group_fields,
    plan_auto_merge,
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
