"""Confidence: an unsupervised Fellegi-Sunter model over comparison vectors.

For each attribute family and comparison level the model holds ``m`` (how
often a true match shows that level) and ``u`` (how often two unrelated
profiles do). The match weight of a level is ``log2(m / u)``; the weight of a
pair is the sum over its families plus the prior log-odds, and its confidence
is the posterior probability ``1 / (1 + 2 ** -weight)``. Missing levels weigh
nothing.

``u`` comes from random pairs of profiles; ``m`` and the prior (the share of
candidate pairs that match) come from expectation maximisation over the
candidate pairs, run on the counts of distinct comparison vectors (there are a
few hundred, whatever the number of pairs). Exact levels of name, email and
phone are weakened by how common the shared value is: agreement on a
switchboard number or a family email is weaker evidence than agreement on a
number only one person has.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from profilematch._compare import EXACT, FAMILIES, LEVELS, MISSING, Vector, compare
from profilematch._features import ProfileFeatures

# Smallest probability a level may take, so that no weight is infinite.
_EPSILON = 1e-7

# Term frequencies are counted against at least this many profiles, so that a
# handful of profiles sharing a value in a tiny input is not read as "common".
FREQUENCY_FLOOR = 10_000

_TF_FAMILIES = ("name", "email", "phone")


def _check_levels(
    instance: ModelParameters, attribute: attrs.Attribute[Any], value: Any
) -> None:
    """Refuse a table whose families or level counts differ from LEVELS."""
    for family in FAMILIES:
        if family not in value or len(value[family]) != len(LEVELS[family]):
            raise ValueError(
                f"ModelParameters.{attribute.name}: family {family!r} needs "
                f"{len(LEVELS[family])} probabilities (levels {LEVELS[family]}), "
                f"got {value.get(family)!r}; train a model or use DEFAULT_MODEL"
            )


@attrs.frozen
class ModelParameters:
    """Trained parameters of the confidence model: plain data, JSON-safe.

    Attributes:
        prior: Probability that a candidate pair is a match, before evidence.
        m: Per family, the probability of each comparison level among matches.
        u: Per family, the probability of each level among unrelated profiles.
        profiles: Number of profiles the model was trained on (0: built in).
        candidate_pairs: Number of candidate pairs EM ran over.
        frequency_floor: Term frequencies are counted against at least this
            many profiles.
    """

    prior: float
    m: Mapping[str, tuple[float, ...]] = attrs.field(validator=_check_levels)
    u: Mapping[str, tuple[float, ...]] = attrs.field(validator=_check_levels)
    profiles: int = 0
    candidate_pairs: int = 0
    frequency_floor: int = FREQUENCY_FLOOR

    def weight(self, family: str, level: int) -> float:
        """Match weight (log2 Bayes factor) of one level; 0 for missing."""
        if level == MISSING:
            return 0.0
        m = max(self.m[family][level], _EPSILON)
        u = max(self.u[family][level], _EPSILON)
        return math.log2(m / u)

    @property
    def prior_weight(self) -> float:
        """The prior as a match weight: log2 of the prior odds."""
        prior = min(max(self.prior, _EPSILON), 1 - _EPSILON)
        return math.log2(prior / (1 - prior))

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; :meth:`from_dict` reads it back."""
        return {
            "Prior": self.prior,
            "M": {family: list(self.m[family]) for family in FAMILIES},
            "U": {family: list(self.u[family]) for family in FAMILIES},
            "Levels": {family: list(LEVELS[family]) for family in FAMILIES},
            "Profiles": self.profiles,
            "CandidatePairs": self.candidate_pairs,
            "FrequencyFloor": self.frequency_floor,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelParameters:
        """Read parameters written by :meth:`to_dict`.

        Raises:
            ValueError: A family or level is missing or of the wrong length.
        """
        return cls(
            prior=float(data["Prior"]),
            m={family: tuple(map(float, v)) for family, v in data["M"].items()},
            u={family: tuple(map(float, v)) for family, v in data["U"].items()},
            profiles=int(data.get("Profiles", 0)),
            candidate_pairs=int(data.get("CandidatePairs", 0)),
            frequency_floor=int(data.get("FrequencyFloor", FREQUENCY_FLOOR)),
        )

    def __str__(self) -> str:
        lines = [
            f"ModelParameters: prior {self.prior:.4g} "
            f"(trained on {self.profiles} profiles, {self.candidate_pairs} pairs)",
            f"  {'family':<11} {'level':<25} {'m':>9} {'u':>9} {'weight':>7}",
        ]
        for family in FAMILIES:
            for level, name in enumerate(LEVELS[family]):
                if level == MISSING:
                    continue
                lines.append(
                    f"  {family:<11} {name:<25} {self.m[family][level]:>9.3g} "
                    f"{self.u[family][level]:>9.3g} {self.weight(family, level):>7.2f}"
                )
        return "\n".join(lines)


def _table(values: Mapping[str, Sequence[float]]) -> dict[str, tuple[float, ...]]:
    return {family: tuple(values[family]) for family in FAMILIES}


# Built-in parameters, used for inputs too small to train on and as the
# starting point of EM. They were trained on customers_synthetic (see
# benchmarks/accuracy.py) and rounded.
DEFAULT_MODEL = ModelParameters(
    prior=0.3,
    m=_table(
        {
            "name": (1, 0.55, 0.03, 0.12, 0.05, 0.1, 0.02, 0.0005, 0.13),
            "email": (1, 0.55, 0.02, 0.05, 0.1, 0.05, 0.23),
            "phone": (1, 0.7, 0.08, 0.01, 0.02, 0.19),
            "address": (1, 0.6, 0.15, 0.05, 0.2),
            "birth_date": (1, 0.8, 0.03, 0.07, 0.1),
            "account": (1, 0.85, 0.1, 0.05),
        }
    ),
    u=_table(
        {
            "name": (1, 1e-4, 1e-5, 2e-4, 5e-3, 1e-3, 5e-3, 1e-3, 0.99),
            "email": (1, 1e-5, 1e-6, 1e-6, 1e-5, 1e-3, 0.999),
            "phone": (1, 1e-5, 1e-6, 1e-6, 1e-5, 0.9999),
            "address": (1, 1e-4, 1e-4, 5e-3, 0.995),
            "birth_date": (1, 5e-5, 1e-5, 1e-3, 0.999),
            "account": (1, 1e-5, 1e-4, 0.9999),
        }
    ),
)


def estimate_u(
    features: Sequence[ProfileFeatures], *, sample_size: int, seed: int
) -> dict[str, tuple[float, ...]]:
    """u probabilities from random pairs of profiles.

    Args:
        features: The profiles' features.
        sample_size: Number of random pairs to compare.
        seed: Seed of the pair sampler.

    Returns:
        Per family, the probability of each level among the non-missing
        comparisons of random pairs (missing is 1.0 and never used).
    """
    n = len(features)
    rng = random.Random(seed)
    counts = {family: [0] * len(LEVELS[family]) for family in FAMILIES}
    for _ in range(sample_size):
        i = rng.randrange(n)
        j = rng.randrange(n - 1)
        j += j >= i
        vector, _ = compare(features[i], features[j])
        for family, level in zip(FAMILIES, vector, strict=True):
            counts[family][level] += 1

    u: dict[str, tuple[float, ...]] = {}
    for family in FAMILIES:
        present = counts[family][1:]
        total = sum(present)
        # Add-half smoothing keeps unseen levels possible without a guess.
        smoothed = [(c + 0.5) / (total + 0.5 * len(present)) for c in present]
        u[family] = (1.0, *smoothed)
    return u


def train_em(
    vector_counts: Mapping[Vector, int],
    *,
    u: Mapping[str, tuple[float, ...]],
    start: ModelParameters,
    iterations: int,
    tolerance: float,
) -> tuple[dict[str, tuple[float, ...]], float]:
    """m probabilities and the prior by expectation maximisation, u held fixed.

    Args:
        vector_counts: How many candidate pairs show each comparison vector.
        u: The u probabilities (from random pairs).
        start: Parameters whose m and prior start the iteration.
        iterations: Largest number of iterations.
        tolerance: Stop when no m or prior moves by more than this.

    Returns:
        The m probabilities per family and the prior.
    """
    vectors = list(vector_counts.items())
    m = {family: list(start.m[family]) for family in FAMILIES}
    prior = min(max(start.prior, 0.01), 0.99)
    total = sum(count for _, count in vectors)
    if total == 0:
        return _table(m), prior

    for _ in range(iterations):
        sums = {family: [0.0] * len(LEVELS[family]) for family in FAMILIES}
        matched = 0.0
        for vector, count in vectors:
            ratio = prior / (1 - prior)
            for family, level in zip(FAMILIES, vector, strict=True):
                if level != MISSING:
                    ratio *= max(m[family][level], _EPSILON) / max(
                        u[family][level], _EPSILON
                    )
            weight = count * ratio / (1 + ratio)
            matched += weight
            for family, level in zip(FAMILIES, vector, strict=True):
                sums[family][level] += weight

        change = abs(matched / total - prior)
        prior = min(max(matched / total, 1e-6), 1 - 1e-6)
        for family in FAMILIES:
            present = sums[family][1:]
            mass = sum(present)
            if mass <= 0:
                continue
            new = [1.0] + [(s + 1e-3) / (mass + 1e-3 * len(present)) for s in present]
            change = max(
                change, *(abs(a - b) for a, b in zip(new, m[family], strict=True))
            )
            m[family] = new
        if change < tolerance:
            break
    return _table(m), prior


class TermFrequencies:
    """How many profiles hold each name, email and phone value."""

    def __init__(self, features: Iterable[ProfileFeatures]) -> None:
        names: Counter[str] = Counter()
        emails: Counter[str] = Counter()
        phones: Counter[str] = Counter()
        profiles = 0
        for item in features:
            profiles += 1
            if item.first and item.last:
                names[f"{item.first} {item.last}"] += 1
            elif item.name_tokens and not item.tokens:
                names[" ".join(item.name_tokens)] += 1
            emails.update(item.emails)
            phones.update(item.phones)

        # Values held by one profile are the rule; keeping only the others
        # bounds memory by the number of repeated values.
        self.profiles = profiles
        self.counts: dict[str, dict[str, int]] = {
            family: {value: c for value, c in counter.items() if c > 1}
            for family, counter in zip(
                _TF_FAMILIES, (names, emails, phones), strict=True
            )
        }

    def count(self, family: str, value: str) -> int:
        """Number of profiles holding the value (1 when not repeated)."""
        return self.counts[family].get(value, 1)


class Scorer:
    """Turns comparison vectors into match weights and probabilities."""

    def __init__(
        self, model: ModelParameters, frequencies: TermFrequencies | None = None
    ) -> None:
        self.model = model
        self.frequencies = frequencies
        self.weights = [
            [model.weight(family, level) for level in range(len(LEVELS[family]))]
            for family in FAMILIES
        ]
        self.prior_weight = model.prior_weight
        self._tf_index = [FAMILIES.index(family) for family in _TF_FAMILIES]

    def count_adjustment(self, family_index: int, count: int) -> float:
        """Change of an exact level's weight when its value is held by ``count``.

        The u probability of agreeing on one value is the share of profiles that
        hold it; when that exceeds the level's average u, the weight falls by
        the log2 of the ratio. Rare values keep the level's weight.
        """
        if count <= 1:
            return 0.0

        family = FAMILIES[family_index]
        profiles = self.frequencies.profiles if self.frequencies else 0
        u_value = count / max(profiles, self.model.frequency_floor)
        u_exact = max(self.model.u[family][EXACT], _EPSILON)
        if u_value <= u_exact:
            return 0.0
        return -math.log2(u_value / u_exact)

    def match_weight(
        self, vector: Vector, exact_values: Sequence[str | None] = (None, None, None)
    ) -> float:
        """Total match weight of a pair, prior included."""
        total = self.prior_weight
        for family_index, level in enumerate(vector):
            total += self.weights[family_index][level]
        for slot, family_index in enumerate(self._tf_index):
            value = exact_values[slot]
            if value is not None and self.frequencies and vector[family_index] == EXACT:
                family = FAMILIES[family_index]
                count = self.frequencies.count(family, value)
                total += self.count_adjustment(family_index, count)
        return total

    def probability(
        self, vector: Vector, exact_values: Sequence[str | None] = (None, None, None)
    ) -> float:
        """Posterior probability that the pair is a match."""
        return probability(self.match_weight(vector, exact_values))


def probability(match_weight: float) -> float:
    """Probability from a total match weight (log2 odds)."""
    if match_weight > 60:
        return 1.0
    if match_weight < -60:
        return 0.0
    return 1.0 / (1.0 + math.pow(2.0, -match_weight))
