"""The matching pipeline: from profile features to match groups.

:func:`match_features` blocks the profiles into candidate pairs, compares the
pairs, trains the model (or reuses one), scores the pairs and clusters the
links at or above the threshold into match groups, each with a stable MatchId,
timing every stage. :func:`find_matches` runs it on profiles or dicts, without
a store.
"""

from __future__ import annotations

import hashlib
import json
import logging
import operator
import time
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from profilematch._block import candidate_pairs
from profilematch._cluster import cluster
from profilematch._compare import FAMILIES, compare, conflicting
from profilematch._errors import BadRequestException
from profilematch._features import ProfileFeatures, profile_features
from profilematch._gc import collection_paused
from profilematch._matcher._options import MatchOptions, Progress
from profilematch._matcher._pairs import _compare_all, _unpack
from profilematch._models import MatchItem, Profile
from profilematch._parallel import ordered_map, worker_count
from profilematch._score import (
    DEFAULT_MODEL,
    ModelParameters,
    Scorer,
    TermFrequencies,
    estimate_u,
    probability,
    train_em,
)

__all__ = ["MatchResult", "MatchStats", "find_matches", "match_features", "match_id"]

logger = logging.getLogger(__name__)

# Normalizing fewer profiles than this takes less time than forking workers.
_PARALLEL_NORMALIZE_FROM = 5_000
_NORMALIZE_CHUNK = 2_000


@attrs.frozen(kw_only=True)
class MatchStats:
    """Counts and timings of a matching run."""

    profiles: int
    candidate_pairs: int
    pairs_scored: int
    pairs_above_threshold: int
    oversized_keys: Mapping[str, int]
    invalid_values: Mapping[str, int]
    seconds: Mapping[str, float]
    trained: bool


@attrs.frozen(kw_only=True)
class MatchResult:
    """Match groups, the model that scored them and the run's statistics."""

    groups: list[MatchItem]
    model: ModelParameters
    stats: MatchStats


def match_id(profile_ids: Iterable[str]) -> str:
    """Stable MatchId of a match group: a hash of its sorted profile ids."""
    joined = "\n".join(sorted(profile_ids))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:32]


@collection_paused()
def match_features(
    features: Sequence[ProfileFeatures],
    *,
    options: MatchOptions = MatchOptions(),
    model: ModelParameters | None = None,
    progress: Progress | None = None,
) -> MatchResult:
    """Find match groups among profiles already normalized into features.

    Args:
        features: One entry per profile; profile ids must be distinct.
        options: Threshold, blocking limit, seed, workers and training options.
        model: Parameters to reuse; None trains them on this data (or uses the
            built-in model when there are fewer than
            ``options.min_training_profiles`` profiles).
        progress: Called as ``progress(stage, done, total)`` during the run.

    Returns:
        The match groups, the model used and the run's statistics.

    Raises:
        BadRequestException: Two profiles share a profile id.
    """
    ids = [item.profile_id for item in features]
    if len(set(ids)) != len(ids):
        duplicate = next(x for x, c in Counter(ids).items() if c > 1)
        raise BadRequestException(
            f"ProfileId must be unique within one run, got {duplicate!r} twice; "
            "give each profile its own id",
            field="ProfileId",
            rule="unique",
            value=duplicate,
        )

    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    n = len(features)
    if progress:
        progress("block", 0, n)
    codes, oversized = candidate_pairs(features, max_block_size=options.max_block_size)
    frequencies = TermFrequencies(features)
    seconds["block"] = time.perf_counter() - clock
    if progress:
        progress("block", n, n)
    logger.info("blocking: %d profiles, %d candidate pairs", n, len(codes))

    clock = time.perf_counter()
    codes, vectors, counts = _compare_all(
        features, codes, frequencies, options, progress
    )
    seconds["compare"] = time.perf_counter() - clock

    clock = time.perf_counter()
    trained = model is None and n >= options.min_training_profiles and len(codes) > 0
    if trained:
        u = estimate_u(features, sample_size=options.u_sample_size, seed=options.seed)
        vector_counts = Counter(
            {_unpack(packed): count for packed, count in Counter(vectors).items()}
        )
        model = attrs.evolve(
            train_em(
                vector_counts,
                u=u,
                iterations=options.em_iterations,
                tolerance=options.em_tolerance,
            ),
            profiles=n,
            candidate_pairs=len(codes),
        )
    elif model is None:
        model = DEFAULT_MODEL
    seconds["train"] = time.perf_counter() - clock
    if progress:
        progress("train", 1, 1)

    clock = time.perf_counter()
    scorer = Scorer(model, frequencies)
    edges = _score_pairs(scorer, features, codes, vectors, counts, options.threshold)
    # In the order of the pairs, however the workers took them.
    edges.sort(key=operator.itemgetter(1, 2))
    candidate_count, scored_count = len(codes), len(vectors)
    # Clustering needs only the links: give the pair arrays back first.
    del codes, vectors, counts
    seconds["score"] = time.perf_counter() - clock
    if progress:
        progress("score", candidate_count, candidate_count)

    clock = time.perf_counter()

    # Clustering asks whether two profiles already joined through others are
    # clearly different people. A prior that makes a match rare among all
    # candidate pairs (namesakes and strangers outnumber duplicates) does not
    # hold for two profiles linked to the same third one, so here no prior
    # counts against a match: with them, two profiles of one person that
    # agree on the name and share no email or phone read as a clear
    # non-match, and the more profiles, the more often. A prior that favours
    # a match (duplicates are most candidate pairs) still counts. Clustering
    # keeps what it asks for per component and frees it after, so no cache
    # here grows with the whole run.
    linked = Scorer(model, frequencies, min_prior_weight=0.0)

    def pair_probability(i: int, j: int) -> float:
        vector, exact = compare(features[i], features[j])
        if conflicting(features[i], features[j], vector):
            return 0.0
        return linked.probability(vector, exact)

    groups = [
        MatchItem(
            match_id=match_id(ids[x] for x in members),
            profile_ids=tuple(sorted(ids[x] for x in members)),
            confidence_score=round(confidence, 6),
        )
        for members, confidence in cluster(n, edges, pair_probability)
    ]
    seconds["cluster"] = time.perf_counter() - clock
    if progress:
        progress("cluster", len(groups), len(groups))

    invalid: Counter[str] = Counter()
    for item in features:
        invalid.update(dict(item.invalid))
    stats = MatchStats(
        profiles=n,
        candidate_pairs=candidate_count,
        pairs_scored=scored_count,
        pairs_above_threshold=len(edges),
        oversized_keys=oversized,
        invalid_values=dict(invalid),
        seconds=seconds,
        trained=trained,
    )
    logger.info(
        "matching: %d profiles, %d candidate pairs, %d match groups in %.1f s",
        n,
        candidate_count,
        len(groups),
        sum(seconds.values()),
    )
    return MatchResult(groups=groups, model=model, stats=stats)


def _score_pairs(
    scorer: Scorer,
    features: Sequence[ProfileFeatures],
    codes: array[int],
    vectors: array[int],
    counts: array[int],
    threshold: float,
) -> list[tuple[float, int, int]]:
    """Links at or above the threshold, as (probability, i, j).

    A pair of conflicting profiles (see :func:`conflicting`) makes no link
    whatever its score.
    """
    n = len(features)
    base: dict[int, float] = {}
    exact_slots = [
        (slot, FAMILIES.index(family))
        for slot, family in enumerate(("name", "email", "phone"))
    ]
    adjust_cache: dict[tuple[int, int], float] = {}
    edges = []
    for index, (code, packed) in enumerate(zip(codes, vectors, strict=True)):
        weight = base.get(packed)
        vector = None
        if weight is None:
            vector = _unpack(packed)
            weight = base[packed] = scorer.match_weight(vector)
        for slot, family_index in exact_slots:
            count = counts[3 * index + slot]
            if count > 1:
                key = (family_index, count)
                delta = adjust_cache.get(key)
                if delta is None:
                    delta = adjust_cache[key] = scorer.count_adjustment(
                        family_index, count
                    )
                weight += delta
        confidence = probability(weight)
        if confidence >= threshold:
            i, j = divmod(code, n)
            if not conflicting(features[i], features[j], vector or _unpack(packed)):
                edges.append((confidence, i, j))
    return edges


def _stable_id(data: Mapping[str, Any], seen: Counter[str]) -> str:
    """A profile id from the profile's content, distinct for repeated content."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    seen[text] += 1
    if seen[text] > 1:
        text = f"{text}#{seen[text]}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _as_profiles(profiles: Iterable[Profile | Mapping[str, Any]]) -> list[Profile]:
    """Profiles from Profiles or PascalCase dicts, each with a profile id."""
    seen: Counter[str] = Counter()
    result = []
    for item in profiles:
        profile = item if isinstance(item, Profile) else Profile.from_dict(item)
        if profile.profile_id is None:
            profile = attrs.evolve(
                profile, profile_id=_stable_id(profile.to_dict(), seen)
            )
        result.append(profile)
    return result


def _features_of(
    profiles: Sequence[Profile], options: MatchOptions
) -> list[ProfileFeatures]:
    """Normalize every profile, in worker processes when there are many."""
    region = options.default_region

    def normalize_chunk(bounds: tuple[int, int]) -> list[ProfileFeatures]:
        start, stop = bounds
        return [
            profile_features(p, default_region=region) for p in profiles[start:stop]
        ]

    chunks = [
        (start, min(start + _NORMALIZE_CHUNK, len(profiles)))
        for start in range(0, len(profiles), _NORMALIZE_CHUNK)
    ]
    workers = worker_count(
        options.workers, len(profiles), parallel_from=_PARALLEL_NORMALIZE_FROM
    )
    return [
        features
        for chunk in ordered_map(normalize_chunk, chunks, workers)
        for features in chunk
    ]


def find_matches(
    profiles: Iterable[Profile | Mapping[str, Any]],
    *,
    model: ModelParameters | None = None,
    **options: Any,
) -> list[MatchItem]:
    """Find match groups among profiles, without a store (for notebooks).

    Args:
        profiles: Profiles, or dicts in the service's PascalCase shape. A
            profile without ProfileId gets a stable id: a hash of its content.
        model: Parameters to reuse instead of training.
        **options: Any :class:`MatchOptions` field, such as ``threshold=0.8``.

    Returns:
        The match groups, highest confidence first, then by MatchId.

    Raises:
        BadRequestException: A dict is not a valid profile, or an option is
            out of range.

    Example:
        >>> groups = find_matches([{"FirstName": "Ada", "LastName": "Lind"}])
        >>> groups
        []
    """
    match_options = MatchOptions(**options)
    items = _as_profiles(profiles)
    features = _features_of(items, match_options)
    result = match_features(features, options=match_options, model=model)
    return sorted(result.groups, key=lambda g: (-g.confidence_score, g.match_id))
