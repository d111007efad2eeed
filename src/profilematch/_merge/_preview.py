"""The auto-merging preview: settings tried on a sample, nothing written."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import attrs

from profilematch._merge._apply import _record_from_store, _region
from profilematch._merge._consolidate import _criteria, _resolution
from profilematch._merge._fields import ModelLike, _as_dict
from profilematch._merge._plan import _check_gate, plan_auto_merge
from profilematch._store import MatchRecord, Store

__all__ = [
    "DEFAULT_PREVIEW_SAMPLE_SIZE",
    "AutoMergingPreview",
    "get_auto_merging_preview",
]

#: How many match groups a preview samples when not told otherwise.
DEFAULT_PREVIEW_SAMPLE_SIZE = 1000


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
