"""The matching engine: from profile features to match groups with a confidence.

Stages, each in its own module: block (candidate pairs), compare (comparison
vectors), score (the Fellegi-Sunter model, trained or reused) and cluster
(match groups). :func:`match_features` runs them for a job;
:func:`find_matches` runs them on profiles or dicts for a notebook;
:func:`explain` shows how any two profiles were scored.
"""

from __future__ import annotations

import hashlib
import html
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
from profilematch._compare import (
    FAMILIES,
    LEVELS,
    MISSING,
    Vector,
    compare,
    conflicting,
)
from profilematch._errors import BadRequestException
from profilematch._features import ProfileFeatures, profile_features
from profilematch._gc import collection_paused
from profilematch._matcher._options import DEFAULT_THRESHOLD, MatchOptions, Progress
from profilematch._matcher._pairs import _COUNT_CAP, _compare_all, _unpack

# _RADIX, _WORK, _compare_chunk, _tiled and tiles_per_side stay reachable here
# for the tests that use them.
from profilematch._matcher._pairs import _RADIX as _RADIX
from profilematch._matcher._pairs import _WORK as _WORK
from profilematch._matcher._pairs import _compare_chunk as _compare_chunk
from profilematch._matcher._pairs import _tiled as _tiled
from profilematch._matcher._pairs import tiles_per_side as tiles_per_side
from profilematch._models import MatchItem, Profile
from profilematch._score import (
    DEFAULT_MODEL,
    ModelParameters,
    Scorer,
    TermFrequencies,
    ValueCounts,
    combine,
    estimate_u,
    is_role_email,
    probability,
    train_em,
)

logger = logging.getLogger(__name__)


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
    features = [
        profile_features(p, default_region=match_options.default_region) for p in items
    ]
    result = match_features(features, options=match_options, model=model)
    return sorted(result.groups, key=lambda g: (-g.confidence_score, g.match_id))


_EXPLANATION_COLUMNS = (
    "family",
    "level",
    "m",
    "u",
    "r",
    "h",
    "vs unrelated",
    "vs related",
    "vs household",
)


@attrs.frozen
class FamilyExplanation:
    """How one attribute family contributed to a pair's score.

    ``match_weight`` is log2(m / u), the evidence against an unrelated pair;
    ``related_match_weight`` is log2(m / r), the evidence against a related
    pair (a namesake); ``household_match_weight`` is log2(m / h), the evidence
    against a household pair (a family member, a colleague). All are 0 for
    missing.
    """

    family: str
    level: str
    m: float | None
    u: float | None
    r: float | None
    match_weight: float
    related_match_weight: float
    h: float | None = None
    household_match_weight: float = 0.0


@attrs.frozen
class ValueAdjustment:
    """How a shared name, email or phone value weakened an exact level.

    Attributes:
        family: ``name``, ``email`` or ``phone``.
        value: The canonical value both profiles hold ("first last" for a
            person name, E.164 for a phone).
        profiles: How many profiles hold it, as scoring counts them (a role
            email at least ROLE_ACCOUNT_COUNT); None when no counts were given.
        role_email: The value is a role address (info@, sales@).
        adjustment: Change of the combined match weight (0 or negative).
    """

    family: str
    value: str
    profiles: int | None
    role_email: bool
    adjustment: float


VETO_SUFFIX = "suffix: the generational suffixes differ"
"""Why a pair is never linked: Sr. and Jr. (see ``conflicting``)."""
VETO_HOUSEHOLD = "household: one surname, other first names, no shared birth date"
"""Why a pair is never linked: a household (see ``conflicting``)."""


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.3g}"


@attrs.frozen
class Explanation:
    """Per family: level, m, u, r, h and match weights; then totals and probability.

    ``match_weight``, ``related_match_weight`` and ``household_match_weight``
    are the priors plus the sums of the family weights. ``adjustments`` lists,
    per exact name, email or phone level, the shared value, how many profiles
    hold it and how much that weakens the evidence (``adjustment_weight`` is
    their sum). ``combined_weight`` is the posterior log2 odds of a match
    against every kind of non-match, adjustments included, and ``probability``
    the probability a job gives the pair: 0 when ``vetoed`` names a reason the
    two cannot be one person (see :func:`~profilematch._compare.conflicting`).
    ``counted_profiles`` is the number of profiles the values were counted
    over, None when no counts were given (the weights are then the model's
    own).
    """

    families: tuple[FamilyExplanation, ...]
    prior_weight: float
    related_prior_weight: float
    match_weight: float
    related_match_weight: float
    combined_weight: float
    probability: float
    household_prior_weight: float = 0.0
    household_match_weight: float = 0.0
    adjustments: tuple[ValueAdjustment, ...] = ()
    adjustment_weight: float = 0.0
    counted_profiles: int | None = None
    vetoed: str | None = None

    def _rows(self) -> list[tuple[str, ...]]:
        rows: list[tuple[str, ...]] = [
            (
                row.family,
                row.level,
                _number(row.m),
                _number(row.u),
                _number(row.r),
                _number(row.h),
                f"{row.match_weight:.2f}",
                f"{row.related_match_weight:.2f}",
                f"{row.household_match_weight:.2f}",
            )
            for row in self.families
        ]
        rows.append(
            (
                "prior",
                "",
                "",
                "",
                "",
                "",
                f"{self.prior_weight:.2f}",
                f"{self.related_prior_weight:.2f}",
                f"{self.household_prior_weight:.2f}",
            )
        )
        rows.append(
            (
                "total",
                "",
                "",
                "",
                "",
                "",
                f"{self.match_weight:.2f}",
                f"{self.related_match_weight:.2f}",
                f"{self.household_match_weight:.2f}",
            )
        )
        return rows

    def _adjustment_rows(self) -> list[tuple[str, ...]]:
        return [
            (
                item.family,
                item.value + (" (role email)" if item.role_email else ""),
                "-" if item.profiles is None else str(item.profiles),
                f"{item.adjustment:.2f}",
            )
            for item in self.adjustments
        ]

    def _notes(self) -> list[str]:
        """Lines on how the shared values were counted and on the veto."""
        notes = []
        if self.adjustments and self.counted_profiles is None:
            notes.append(
                "shared values not counted: exact levels keep the model's weights"
            )
        elif self.adjustments:
            notes.append(
                f"shared values counted over {self.counted_profiles} profiles: "
                f"adjustment {self.adjustment_weight:.2f}, in the combined weight"
            )
        if self.vetoed:
            notes.append(f"vetoed, {self.vetoed}: never linked, probability 0")
        return notes

    def __str__(self) -> str:
        widths = (11, 25, 9, 9, 9, 9, 13, 11, 13)
        lines = [
            " ".join(
                f"{cell:<{w}}" if i < 2 else f"{cell:>{w}}"
                for i, (cell, w) in enumerate(zip(row, widths, strict=True))
            )
            for row in [_EXPLANATION_COLUMNS, *self._rows()]
        ]
        lines[-1] += (
            f"  combined {self.combined_weight:.2f}  probability {self.probability:.4f}"
        )
        if self.adjustments:
            shared = self._adjustment_rows()
            value_width = max(25, *(len(row[1]) for row in shared))
            lines.append("")
            lines.extend(
                " ".join(
                    f"{cell:<{w}}" if i < 2 else f"{cell:>{w}}"
                    for i, (cell, w) in enumerate(
                        zip(row, (11, value_width, 9, 11), strict=True)
                    )
                )
                for row in [_ADJUSTMENT_COLUMNS, *shared]
            )
        lines.extend(self._notes())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        parts = [_html_table(_EXPLANATION_COLUMNS, self._rows())]
        if self.adjustments:
            parts.append(_html_table(_ADJUSTMENT_COLUMNS, self._adjustment_rows()))
        parts.extend(f"<p>{html.escape(note)}</p>" for note in self._notes())
        parts.append(
            f"<p>combined match weight {self.combined_weight:.2f}, "
            f"probability {self.probability:.4f}</p>"
        )
        return "".join(parts)


_ADJUSTMENT_COLUMNS = ("shared", "value", "profiles", "adjustment")


def _html_table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """An HTML table of text cells, escaped."""
    header = "".join(f"<th>{html.escape(name)}</th>" for name in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>"


def _to_features(
    item: ProfileFeatures | Profile | Mapping[str, Any], options: MatchOptions
) -> ProfileFeatures:
    if isinstance(item, ProfileFeatures):
        return item
    profile = item if isinstance(item, Profile) else Profile.from_dict(item)
    return profile_features(profile, default_region=options.default_region)


def _veto(a: ProfileFeatures, b: ProfileFeatures, vector: Vector) -> str | None:
    """Why a job never links the pair, or None when it may."""
    if not conflicting(a, b, vector):
        return None
    if LEVELS["name"][vector[0]] == "suffix_conflict":
        return VETO_SUFFIX
    return VETO_HOUSEHOLD


def _adjustments(
    scorer: Scorer, exact: Sequence[str | None], counts: ValueCounts | None
) -> tuple[ValueAdjustment, ...]:
    """Per shared name, email and phone value, its count and weight change."""
    found = []
    for family, value in zip(("name", "email", "phone"), exact, strict=True):
        if value is None:
            continue
        role = family == "email" and is_role_email(value)
        if counts is None:
            found.append(ValueAdjustment(family, value, None, role, 0.0))
            continue
        # The same cap as the counts a job keeps per candidate pair.
        held = min(counts.count(family, value), _COUNT_CAP)
        change = scorer.count_adjustment(FAMILIES.index(family), held)
        found.append(ValueAdjustment(family, value, held, role, change))
    return tuple(found)


def explain(
    a: ProfileFeatures | Profile | Mapping[str, Any],
    b: ProfileFeatures | Profile | Mapping[str, Any],
    *,
    model: ModelParameters = DEFAULT_MODEL,
    options: MatchOptions = MatchOptions(),
    counts: ValueCounts | None = None,
) -> Explanation:
    """Explain the score of two profiles, family by family.

    With ``counts`` (how many profiles hold each name, email and phone value,
    such as :class:`~profilematch._score.TermFrequencies` over the profiles of
    a run), exact levels are weakened by how common the shared value is and
    the prior is the one for that many profiles, as a job scores the pair.
    Without, the weights are the model's own and the prior is the one for the
    profiles it was trained on. Either way a pair the job never links (a
    household, conflicting generational suffixes) is reported in ``vetoed``
    and gets probability 0.

    Args:
        a: One profile (features, a Profile or a PascalCase dict).
        b: The other profile.
        model: The model to score with (a job's trained model, or the default).
        options: Options whose default region applies to phones.
        counts: Something with ``profiles`` and ``count(family, value)``, the
            interface the scorer reads; None leaves values uncounted.

    Returns:
        The explanation; ``str()`` is a terminal table, and notebooks show an
        HTML table.
    """
    first, second = _to_features(a, options), _to_features(b, options)
    vector, exact = compare(first, second)
    rows = []
    for family, level in zip(FAMILIES, vector, strict=True):
        present = level != MISSING
        rows.append(
            FamilyExplanation(
                family=family,
                level=LEVELS[family][level],
                m=model.m[family][level] if present else None,
                u=model.u[family][level] if present else None,
                r=model.r[family][level] if present else None,
                h=model.h[family][level] if present and model.h else None,
                match_weight=model.weight(family, level),
                related_match_weight=model.related_weight(family, level),
                household_match_weight=model.household_weight(family, level),
            )
        )

    # The scorer a job builds: with counts, its prior is the one for the
    # profiles counted; without, the one for the model's own size.
    scorer = Scorer(model, counts)
    against = scorer.vector_weights(vector)
    adjustments = _adjustments(scorer, exact, counts)
    adjustment_weight = sum(item.adjustment for item in adjustments)
    combined = combine(*against) + adjustment_weight
    vetoed = _veto(first, second, vector)
    household_prior = model.household_prior_weight if model.h else 0.0
    return Explanation(
        families=tuple(rows),
        prior_weight=scorer.prior_weight,
        related_prior_weight=model.related_prior_weight,
        match_weight=against[0],
        related_match_weight=against[1],
        combined_weight=combined,
        probability=0.0 if vetoed else probability(combined),
        household_prior_weight=household_prior,
        household_match_weight=against[2] if len(against) > 2 else 0.0,
        adjustments=adjustments,
        adjustment_weight=adjustment_weight,
        counted_profiles=None if counts is None else counts.profiles,
        vetoed=vetoed,
    )


__all__ = [
    "DEFAULT_THRESHOLD",
    "Explanation",
    "FamilyExplanation",
    "MatchOptions",
    "MatchResult",
    "MatchStats",
    "Progress",
    "ValueAdjustment",
    "explain",
    "find_matches",
    "match_features",
    "match_id",
]
