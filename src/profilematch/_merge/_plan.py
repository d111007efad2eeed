"""Planning auto-merging over many match groups, without changing anything."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from profilematch._errors import BadRequestException
from profilematch._merge._consolidate import (
    MergeOperation,
    _consolidate,
    _criteria,
    _resolution,
)
from profilematch._merge._fields import ModelLike, ProfileRecord

__all__ = ["AutoMergePlan", "GroupPlan", "plan_auto_merge"]


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
