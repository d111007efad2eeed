"""Auto-merging inside a job: a job's match groups merged as AutoMerging says."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

import attrs

from profilematch._errors import BadRequestException
from profilematch._merge._apply import _apply, _record_from_store, _region
from profilematch._merge._fields import ModelLike, ProfileRecord, _as_dict
from profilematch._merge._plan import _group_fields, plan_auto_merge
from profilematch._store import Store

__all__ = ["AutoMergeResult", "auto_merge"]

logger = logging.getLogger(__name__)


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
