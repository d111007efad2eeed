"""The stages of a job: load the features, find the matches, merge, store, export.

``_finish`` runs them in order for a job whose PENDING row exists.
PREPROCESSING loads the profiles' stored features, FIND_MATCHING runs the
matcher, MERGING (only with AutoMerging enabled) merges the groups the
consolidation rules allow; the merges, the new generation of match groups and
the job's results then commit in one transaction. An export, when one is asked
for, follows and ends the job COMPLETED, or PARTIAL_SUCCESS when only the export
failed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import attrs

from profilematch._errors import ProfileMatchError
from profilematch._export import location_of, write_export
from profilematch._features import ProfileFeatures, profile_features
from profilematch._gc import collection_paused
from profilematch._jobs._base import Progress
from profilematch._jobs._report import _oversized_note, _report_of
from profilematch._jobs._state import _end, _Run, _timed
from profilematch._matcher import MatchOptions, MatchStats, match_features
from profilematch._merge import auto_merge
from profilematch._models import (
    AutoMerging,
    ExportingConfig,
    JobStats,
    Matching,
    MatchItem,
    Profile,
)
from profilematch._score import ModelParameters
from profilematch._store import JobRecord, MatchGroup, Store

logger = logging.getLogger(__name__)


@collection_paused()
def _load_features(
    store: Store, domain: str, region: str, report: Progress
) -> list[ProfileFeatures]:
    """Load every profile's stored features, computing any that are missing."""
    total = store.count_profiles(domain)
    features: list[ProfileFeatures] = []
    missing: list[str] = []
    shared: dict[Any, Any] = {}

    for batch in store.profile_features(domain):
        for profile_id, features_json in batch:
            if features_json is None:
                missing.append(profile_id)
                continue
            loaded = ProfileFeatures.from_json(features_json, shared=shared)
            # The row's id is the authority: features may be computed before
            # the profile's id is assigned.
            if loaded.profile_id != profile_id:
                loaded = attrs.evolve(loaded, profile_id=profile_id)
            features.append(loaded)
        report("PREPROCESSING", len(features) + len(missing), total)

    if missing:
        # Profiles written without features (an older store) are normalized now.
        logger.info(
            "domain %s: computing features of %d profiles", domain, len(missing)
        )
        records = store.get_profiles(domain, missing)
        for profile_id in missing:
            raw = {**records[profile_id].raw, "ProfileId": profile_id}
            profile = Profile.from_dict(raw)
            features.append(profile_features(profile, default_region=region))
    report("PREPROCESSING", total, total)

    return features


def _find_matches(
    features: Sequence[ProfileFeatures],
    options: MatchOptions,
    model_json: str | None,
    report: Progress,
) -> tuple[list[MatchItem], str, MatchStats]:
    """Run the matcher; return its match groups, its model as JSON and its stats."""
    model = (
        None
        if model_json is None
        else ModelParameters.from_dict(json.loads(model_json))
    )

    result = match_features(
        features,
        options=options,
        model=model,
        progress=lambda _step, done, total: report("FIND_MATCHING", done, total),
    )

    groups = _match_items(result.groups)
    return groups, json.dumps(result.model.to_dict(), sort_keys=True), result.stats


def _match_items(groups: Iterable[MatchGroup]) -> list[MatchItem]:
    """The service's MatchItem of each match group."""
    return [
        MatchItem(
            match_id=group.match_id,
            profile_ids=tuple(group.profile_ids),
            confidence_score=group.confidence_score,
        )
        for group in groups
    ]


def _auto_merge(
    state: _Run,
    groups: Sequence[MatchItem],
    auto_merging: AutoMerging,
    region: str,
) -> tuple[list[MatchItem], int]:
    """Merge what the auto-merging settings allow.

    Returns:
        The match groups left after merging, and the number of merges done.
    """
    result = auto_merge(
        state.store,
        state.domain,
        groups,
        auto_merging,
        now=state.clock(),
        default_region=region,
        job_id=state.job_id,
    )
    remaining = _match_items(result.groups)

    return remaining, result.merges_done


def _export_destination(
    matching: Matching, export_to: str | os.PathLike[str] | None
) -> str | os.PathLike[str] | ExportingConfig | None:
    """Return where a finished job exports: the override, else the domain's."""
    if export_to is not None:
        return export_to

    config = matching.exporting_config
    if config is None or config.s3_exporting is None:
        return None

    return config


def _finish(
    state: _Run,
    matching: Matching,
    *,
    options: MatchOptions,
    reuse_model: bool,
    export_to: str | os.PathLike[str] | None,
) -> JobRecord:
    """Run the stages of a job whose PENDING row exists; return it finished.

    Raises:
        Exception: whatever a stage raised; the caller marks the job FAILED.
    """
    store, domain, job_id = state.store, state.domain, state.job_id

    state.enter("PREPROCESSING")
    with _timed(domain, job_id, "PREPROCESSING") as counts:
        features = _load_features(store, domain, options.default_region, state.report)
        counts["profiles"] = len(features)

    model_json = store.latest_model_json(domain) if reuse_model else None
    if reuse_model and model_json is None:
        logger.info("domain %s job %s: no stored model; training one", domain, job_id)

    state.enter("FIND_MATCHING")
    with _timed(domain, job_id, "FIND_MATCHING") as counts:
        groups, model_json, match_stats = _find_matches(
            features, options, model_json, state.report
        )
        counts["match groups"] = len(groups)
    report = _report_of(job_id, match_stats)
    oversized_note = _oversized_note(report, options.max_block_size)
    if oversized_note:
        logger.warning("domain %s job %s: %s", domain, job_id, oversized_note)
    groups.sort(key=lambda group: (-group.confidence_score, group.match_id))

    auto_merging = matching.auto_merging
    if auto_merging is not None and not auto_merging.enabled:
        auto_merging = None
    if auto_merging is not None:
        state.enter("MERGING")
    destination = _export_destination(matching, export_to)
    stats = JobStats(
        number_of_profiles_reviewed=len(features),
        number_of_matches_found=len(groups),
        number_of_merges_done=0,
    )

    # Merges, the new generation and the job's results commit together: a
    # failure anywhere here leaves the profiles and the latest generation as
    # they were. The store's write lock is held meanwhile.
    with store.atomic():
        if auto_merging is not None:
            with _timed(domain, job_id, "MERGING") as counts:
                groups, merges = _auto_merge(
                    state, groups, auto_merging, options.default_region
                )
                counts["merges"] = merges
                counts["match groups left"] = len(groups)
            stats = attrs.evolve(stats, number_of_merges_done=merges)
        generated = state.clock()
        store.write_generation(domain, job_id, groups, now=generated)
        record = store.update_job(
            domain,
            job_id,
            status="COMPLETED" if destination is None else state.status,
            stats=stats.to_dict(),
            model_json=model_json,
            report=report.to_dict(),
            message=oversized_note,
            last_updated_at=generated,
            job_end_time=None if destination is not None else generated,
        )

    if destination is None:
        return record

    return _export(state, groups, generated, destination, note=oversized_note)


def _export(
    state: _Run,
    groups: Sequence[MatchItem],
    generated: datetime,
    destination: str | os.PathLike[str] | ExportingConfig,
    *,
    note: str | None,
) -> JobRecord:
    """Export a stored generation and end the job COMPLETED or PARTIAL_SUCCESS.

    ``note`` is the job's message so far; the export's own message follows it.
    """
    name = f"{state.domain}-{generated:%Y%m%dT%H%M%SZ}-{state.job_id}.jsonl"

    try:
        with _timed(state.domain, state.job_id, "EXPORT") as counts:
            url = write_export(groups, generated, destination, name=name)
            counts["match groups"] = len(groups)
    except ProfileMatchError as error:
        logger.warning(
            "domain %s job %s: export failed: %s", state.domain, state.job_id, error
        )
        return _end(
            state,
            "PARTIAL_SUCCESS",
            _joined(
                note,
                "The match groups are stored and readable with get_matches, but "
                f"the export failed: {error.message}",
            ),
        )

    location = location_of(url)
    return _end(
        state,
        "COMPLETED",
        _joined(
            note,
            None if location is not None else f"Exported the match groups to {url}",
        ),
        exporting_location=None if location is None else location.to_dict(),
    )


def _joined(*sentences: str | None) -> str | None:
    """The sentences that are given, in one message, or None."""
    given = [sentence for sentence in sentences if sentence]

    return " ".join(given) if given else None
