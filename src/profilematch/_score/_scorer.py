"""Scoring comparison vectors: match weights, probabilities, common values.

:class:`Scorer` turns a comparison vector into a match weight (the posterior
log2 odds of a match against every kind of non-match) and a probability.
Exact levels of name, email and phone are weakened by how many profiles hold
the shared value: :class:`TermFrequencies` counts the values of a run's
profiles, :class:`KnownCounts` holds counts taken elsewhere, and both answer
the :class:`ValueCounts` interface the scorer reads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Protocol

import attrs

from profilematch._compare import EXACT, FAMILIES, LEVELS, Vector
from profilematch._features import ProfileFeatures
from profilematch._score._parameters import _EPSILON, ModelParameters

__all__ = [
    "ROLE_ACCOUNT_COUNT",
    "ROLE_LOCAL_PARTS",
    "KnownCounts",
    "Scorer",
    "TermFrequencies",
    "ValueCounts",
    "combine",
    "is_role_email",
    "probability",
]

_TF_FAMILIES = ("name", "email", "phone")

# Role addresses belong to a desk, not a person: colleagues share them. They
# count as held by this many profiles, which makes agreement on one weak.
ROLE_ACCOUNT_COUNT = 100
ROLE_LOCAL_PARTS = frozenset(
    [
        "accounts",
        "admin",
        "administrator",
        "billing",
        "careers",
        "contact",
        "customerservice",
        "enquiries",
        "help",
        "hello",
        "hr",
        "info",
        "inquiries",
        "jobs",
        "mail",
        "marketing",
        "noreply",
        "no-reply",
        "office",
        "postmaster",
        "reception",
        "sales",
        "service",
        "support",
        "team",
        "webmaster",
    ]
)


def is_role_email(address: str) -> bool:
    """Whether an address belongs to a desk (info@, sales@), not to a person.

    Args:
        address: A canonical email address.

    Returns:
        True when its local part is one of ROLE_LOCAL_PARTS.
    """
    return address.partition("@")[0] in ROLE_LOCAL_PARTS


class ValueCounts(Protocol):
    """How many profiles hold a name, email or phone value.

    ``profiles`` is the number of profiles counted over; ``count(family,
    value)`` is the number holding the value (1 when not repeated), with a role
    email counting as held by at least ROLE_ACCOUNT_COUNT.
    """

    @property
    def profiles(self) -> int:
        """Number of profiles counted over."""
        ...

    def count(self, family: str, value: str) -> int:
        """Number of profiles holding the value (1 when not repeated)."""
        ...


@attrs.frozen
class KnownCounts:
    """Counts of a few values, taken elsewhere (such as a store's query).

    Attributes:
        profiles: Number of profiles counted over.
        counts: Per ``(family, value)``, the number of profiles holding it; a
            value not listed counts as held by one.
    """

    profiles: int
    counts: Mapping[tuple[str, str], int] = attrs.field(factory=dict)

    def count(self, family: str, value: str) -> int:
        """Number of profiles holding the value, as :meth:`TermFrequencies.count`."""
        count = self.counts.get((family, value), 1)
        if family == "email" and is_role_email(value):
            return max(count, ROLE_ACCOUNT_COUNT)
        return count


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
        """Number of profiles holding the value (1 when not repeated).

        A role email address (info@, sales@, ...) counts as held by at least
        ROLE_ACCOUNT_COUNT profiles.
        """
        count = self.counts[family].get(value, 1)
        if family == "email" and is_role_email(value):
            return max(count, ROLE_ACCOUNT_COUNT)
        return count


class Scorer:
    """Turns comparison vectors into match weights and probabilities.

    The match weight of a pair is its posterior log2 odds of being a match
    against every kind of non-match: ``-log2(2 ** -w_u + 2 ** -w_r + 2 ** -w_h)``
    where ``w_u``, ``w_r`` and ``w_h`` are the prior plus the summed level
    weights against unrelated pairs, related pairs and households (a model
    without households leaves out ``w_h``).
    """

    def __init__(
        self,
        model: ModelParameters,
        frequencies: ValueCounts | None = None,
        *,
        min_prior_weight: float | None = None,
    ) -> None:
        """Build the weight tables of a model.

        Args:
            model: The trained (or built-in) parameters.
            frequencies: How many profiles hold each name, email and phone
                value; None scores exact levels without the common-value
                adjustment.
            min_prior_weight: A floor under the prior log2 odds of a match
                against each kind of non-match; 0 lets a prior count for a
                match but never against one. None keeps the priors as they
                are.
        """
        self.model = model
        self.frequencies = frequencies
        self.weights = [
            [model.weight(family, level) for level in range(len(LEVELS[family]))]
            for family in FAMILIES
        ]
        self.related_weights = [
            [
                model.related_weight(family, level)
                for level in range(len(LEVELS[family]))
            ]
            for family in FAMILIES
        ]
        self.household_weights = [
            [
                model.household_weight(family, level)
                for level in range(len(LEVELS[family]))
            ]
            for family in FAMILIES
        ]
        self._tf_index = [FAMILIES.index(family) for family in _TF_FAMILIES]
        profiles = frequencies.profiles if frequencies else model.profiles
        floor = -math.inf if min_prior_weight is None else min_prior_weight
        self.prior_weight = max(model.prior_weight_among(profiles), floor)
        self.related_prior_weight = max(model.related_prior_weight, floor)
        self.household_prior_weight = max(model.household_prior_weight, floor)

    def count_adjustment(self, family_index: int, count: int) -> float:
        """Change of the match weight when an exact value is held by ``count``.

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

    def vector_weights(self, vector: Vector) -> tuple[float, ...]:
        """Weights against each kind of non-match, priors included.

        Against unrelated pairs, related pairs and, when the model has them,
        households.
        """
        against_u = self.prior_weight
        against_r = self.related_prior_weight
        against_h = self.household_prior_weight
        for family_index, level in enumerate(vector):
            against_u += self.weights[family_index][level]
            against_r += self.related_weights[family_index][level]
            against_h += self.household_weights[family_index][level]
        if self.model.h is None:
            return against_u, against_r
        return against_u, against_r, against_h

    def match_weight(
        self, vector: Vector, exact_values: Sequence[str | None] = (None, None, None)
    ) -> float:
        """Posterior log2 odds that the pair is a match."""
        total = combine(*self.vector_weights(vector))
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


def combine(*against: float) -> float:
    """Log2 odds of a match against any kind of non-match.

    Args:
        *against: Log2 odds of a match against each kind of non-match.

    Returns:
        -log2 of the sum of 2 ** -w over the kinds.
    """
    low = min(against)
    if low > 60 or low < -60:
        return low
    return -math.log2(sum(2.0**-weight for weight in against))


def probability(match_weight: float) -> float:
    """Probability from a total match weight (log2 odds)."""
    if match_weight > 60:
        return 1.0
    if match_weight < -60:
        return 0.0
    return 1.0 / (1.0 + math.pow(2.0, -match_weight))
