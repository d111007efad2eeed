"""The parameters of the confidence model, and the built-in model.

:class:`ModelParameters` holds, per attribute family and comparison level, the
probabilities of each class of pair (matches ``m``, unrelated pairs ``u``,
related non-matches ``r``, households ``h``) and the priors, as plain JSON-safe
data, and gives the match weight of a level against each kind of non-match.
:data:`DEFAULT_MODEL` scores inputs too small to train on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from profilematch._compare import FAMILIES, LEVELS, MISSING

__all__ = ["DEFAULT_MODEL", "FREQUENCY_FLOOR", "ModelParameters"]

# Smallest probability a level may take, so that no weight is infinite.
_EPSILON = 1e-7

# Term frequencies are counted against at least this many profiles, so that a
# handful of profiles sharing a value in a tiny input is not read as "common".
FREQUENCY_FLOOR = 10_000


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


@attrs.frozen(kw_only=True)
class ModelParameters:
    """Trained parameters of the confidence model: plain data, JSON-safe.

    Attributes:
        prior: Share of candidate pairs that are matches, before evidence.
        related_prior: Share of candidate pairs that are related non-matches
            (households, colleagues, namesakes); the rest are unrelated.
        m: Per family, the probability of each comparison level among matches.
        u: Per family, the probability of each level among unrelated profiles
            (random pairs).
        r: Per family, the probability of each level among related non-matches.
        household_prior: Share of candidate pairs that are households: different
            names, shared contact details (0 and ``h`` None: no such class).
        h: Per family, the probability of each level among households.
        profiles: Number of profiles the model was trained on (0: built in).
        candidate_pairs: Number of candidate pairs EM ran over.
        frequency_floor: Term frequencies are counted against at least this
            many profiles.
    """

    prior: float
    related_prior: float
    m: Mapping[str, tuple[float, ...]] = attrs.field(validator=_check_levels)
    u: Mapping[str, tuple[float, ...]] = attrs.field(validator=_check_levels)
    r: Mapping[str, tuple[float, ...]] = attrs.field(validator=_check_levels)
    household_prior: float = 0.0
    h: Mapping[str, tuple[float, ...]] | None = attrs.field(
        default=None, validator=attrs.validators.optional(_check_levels)
    )
    profiles: int = 0
    candidate_pairs: int = 0
    frequency_floor: int = FREQUENCY_FLOOR

    def weight(self, family: str, level: int) -> float:
        """Match weight of one level against unrelated pairs: log2(m / u)."""
        return _log_ratio(self.m, self.u, family, level)

    def related_weight(self, family: str, level: int) -> float:
        """Match weight of one level against related pairs: log2(m / r)."""
        return _log_ratio(self.m, self.r, family, level)

    @property
    def prior_weight(self) -> float:
        """Prior log2 odds of a match against an unrelated pair."""
        return math.log2(_clamp(self.prior) / _clamp(self.unrelated_prior))

    def household_weight(self, family: str, level: int) -> float:
        """Match weight of one level against households: log2(m / h)."""
        if self.h is None:
            return 0.0
        return _log_ratio(self.m, self.h, family, level)

    @property
    def household_prior_weight(self) -> float:
        """Prior log2 odds of a match against a household pair."""
        return math.log2(_clamp(self.prior) / _clamp(self.household_prior))

    def prior_weight_among(self, profiles: int) -> float:
        """Prior log2 odds of a match against an unrelated pair among ``profiles``.

        A profile has as many duplicates among a million profiles as among ten
        thousand, but a hundred times as many strangers, so the odds that an
        agreement (on a name, a phone) comes from a duplicate rather than from
        a stranger fall in proportion to the profiles. The trained odds hold up
        to ``frequency_floor`` profiles (the labelled sets are that small) and
        fall by log2(profiles / frequency_floor) above it.

        Args:
            profiles: Number of profiles being matched.

        Returns:
            The prior log2 odds.
        """
        scale = max(profiles, self.frequency_floor) / self.frequency_floor
        return self.prior_weight - math.log2(scale)

    @property
    def related_prior_weight(self) -> float:
        """Prior log2 odds of a match against a related pair."""
        return math.log2(_clamp(self.prior) / _clamp(self.related_prior))

    @property
    def unrelated_prior(self) -> float:
        """Share of candidate pairs that are unrelated."""
        return 1.0 - self.prior - self.related_prior - self.household_prior

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe dict; :meth:`from_dict` reads it back."""
        households: dict[str, Any] = {}
        if self.h is not None:
            households = {
                "HouseholdPrior": self.household_prior,
                "H": {family: list(self.h[family]) for family in FAMILIES},
            }
        return {
            "Prior": self.prior,
            "RelatedPrior": self.related_prior,
            "M": {family: list(self.m[family]) for family in FAMILIES},
            "U": {family: list(self.u[family]) for family in FAMILIES},
            "R": {family: list(self.r[family]) for family in FAMILIES},
            "Levels": {family: list(LEVELS[family]) for family in FAMILIES},
            "Profiles": self.profiles,
            "CandidatePairs": self.candidate_pairs,
            "FrequencyFloor": self.frequency_floor,
            **households,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModelParameters:
        """Read parameters written by :meth:`to_dict`.

        Stored parameters that lack the business name levels read back with
        each business level taking the stored value of the person level it
        refines, so such a model scores as it did when it was trained.

        Raises:
            ValueError: A family or level is missing or of the wrong length.
        """
        stored_levels = data.get("Levels", {})

        def table(key: str) -> dict[str, tuple[float, ...]]:
            return {
                family: _by_level_name(family, v, stored_levels.get(family))
                for family, v in data[key].items()
            }

        return cls(
            prior=float(data["Prior"]),
            related_prior=float(data["RelatedPrior"]),
            m=table("M"),
            u=table("U"),
            r=table("R"),
            household_prior=float(data.get("HouseholdPrior", 0.0)),
            h=table("H") if "H" in data else None,
            profiles=int(data.get("Profiles", 0)),
            candidate_pairs=int(data.get("CandidatePairs", 0)),
            frequency_floor=int(data.get("FrequencyFloor", FREQUENCY_FLOOR)),
        )

    def __str__(self) -> str:
        lines = [
            f"ModelParameters: match prior {self.prior:.4g}, related prior "
            f"{self.related_prior:.4g}, household prior {self.household_prior:.4g} "
            f"(trained on {self.profiles} profiles, "
            f"{self.candidate_pairs} candidate pairs)",
            f"  {'family':<11} {'level':<25} {'m':>9} {'u':>9} {'r':>9} {'h':>9} "
            f"{'log2 m/u':>8} {'log2 m/r':>8} {'log2 m/h':>8}",
        ]
        for family in FAMILIES:
            for level, name in enumerate(LEVELS[family]):
                if level == MISSING:
                    continue
                h = "-" if self.h is None else f"{self.h[family][level]:.3g}"
                lines.append(
                    f"  {family:<11} {name:<25} {self.m[family][level]:>9.3g} "
                    f"{self.u[family][level]:>9.3g} {self.r[family][level]:>9.3g} "
                    f"{h:>9} {self.weight(family, level):>8.2f} "
                    f"{self.related_weight(family, level):>8.2f} "
                    f"{self.household_weight(family, level):>8.2f}"
                )
        return "\n".join(lines)


# The person name level each business name level refines, for stored
# parameters that lack the business levels.
_REFINES = {
    "business_reordered": "reordered",
    "business_close": "close",
    "business_loose": "loose",
    "business_shared_word": "else",
    "business_else": "else",
}


def _by_level_name(
    family: str, values: Sequence[Any], names: Sequence[str] | None
) -> tuple[float, ...]:
    """Stored level probabilities in the order of LEVELS, matched by level name.

    A level the stored names lack takes the value of the level it refines;
    without stored names, or with a level that cannot be filled, the values
    are kept as stored (and the length check reports them).
    """
    probabilities = tuple(map(float, values))
    if names is None or list(names) == list(LEVELS.get(family, ())):
        return probabilities
    if len(names) != len(probabilities):
        return probabilities

    stored = dict(zip(names, probabilities, strict=True))
    filled = [
        stored.get(level, stored.get(_REFINES.get(level, "")))
        for level in LEVELS[family]
    ]
    if any(value is None for value in filled):
        return probabilities
    return tuple(value for value in filled if value is not None)


def _clamp(probability: float) -> float:
    return min(max(probability, _EPSILON), 1 - _EPSILON)


def _log_ratio(
    top: Mapping[str, tuple[float, ...]],
    bottom: Mapping[str, tuple[float, ...]],
    family: str,
    level: int,
) -> float:
    """log2 of a ratio of level probabilities; 0 for missing."""
    if level == MISSING:
        return 0.0
    return math.log2(
        max(top[family][level], _EPSILON) / max(bottom[family][level], _EPSILON)
    )


def _table(values: Mapping[str, Sequence[float]]) -> dict[str, tuple[float, ...]]:
    return {family: tuple(values[family]) for family in FAMILIES}


# Built-in parameters for inputs too small to train on. Trained on
# customers_synthetic (benchmarks/accuracy.py), rounded, then given plausible
# m for levels that set never shows among its duplicates (a different address,
# swapped day and month, an account number), so that they weigh as evidence
# rather than as near-proof against a match. That set has no business names:
# each business name level repeats the m, u and r of the person level of the
# same name, so a business pair weighs as the same level of a person pair.
DEFAULT_MODEL = ModelParameters(
    prior=0.0873,
    related_prior=0.904,
    m=_table(
        {
            "name": (
                *(1, 0.355, 0.0166, 0.286, 0.104, 0.164, 0.0618, 0.000124, 0.0126),
                *(0.0166, 0.286, 0.104, 0.0126, 0.0126),
            ),
            "email": (1, 0.644, 0.0467, 0.0187, 0.062, 0.0696, 0.159),
            "phone": (1, 0.606, 0.0285, 0.019, 0.00951, 0.337),
            "address": (1, 0.7, 0.1, 0.05, 0.15),
            "birth_date": (1, 0.85, 0.03, 0.04, 0.08),
            "account": (1, 0.9, 0.05, 0.05),
        }
    ),
    u=_table(
        {
            "name": (
                *(1, 5.75e-05, 7.5e-06, 3.25e-05, 0.00478, 7.25e-05, 0.00382),
                *(2.5e-06, 0.991, 7.5e-06, 3.25e-05, 0.00478, 0.991, 0.991),
            ),
            "email": (1, 0.000127, 3.26e-06, 3.26e-06, 6.2e-05, 0.00044, 0.999),
            "phone": (1, 0.000473, 2.75e-05, 2.75e-05, 2.14e-05, 0.999),
            "address": (1, 0.000166, 6.64e-06, 1.99e-05, 1),
            "birth_date": (1, 0.000163, 1.48e-05, 0.000905, 0.999),
            "account": (1, 1e-05, 0.0001, 1),
        }
    ),
    r=_table(
        {
            "name": (
                *(1, 0.00198, 5.19e-05, 0.0025, 0.112, 0.011, 0.081, 0.000999),
                *(0.791, 5.19e-05, 0.0025, 0.112, 0.791, 0.791),
            ),
            "email": (1, 9.97e-05, 1e-05, 1e-05, 0.0148, 0.0126, 0.972),
            "phone": (1, 0.127, 0.00573, 0.00645, 0.0001, 0.861),
            "address": (1, 0.00561, 0.000998, 0.000998, 0.992),
            "birth_date": (1, 0.00522, 0.0001, 0.000782, 0.994),
            "account": (1, 0.001, 0.001, 0.998),
        }
    ),
)
