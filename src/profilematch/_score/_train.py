"""Training the confidence model: u from random pairs, the rest by EM.

:func:`estimate_u` compares random pairs of profiles for ``u``.
:func:`train_em` learns ``m``, ``r``, ``h`` and the priors by expectation
maximisation over the counts of distinct comparison vectors of the candidate
pairs, with ``u`` held, starting from a rough labelling anchored on the name
(:func:`_seed`).
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence

import attrs

from profilematch._compare import (
    BUSINESS_NAME_LEVELS,
    EXACT,
    FAMILIES,
    LEVELS,
    MISSING,
    Vector,
    compare,
)
from profilematch._features import ProfileFeatures
from profilematch._score._parameters import (
    _EPSILON,
    DEFAULT_MODEL,
    ModelParameters,
    _table,
)

__all__ = ["estimate_u", "train_em"]


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
    iterations: int,
    tolerance: float,
    train_u: bool = False,
) -> ModelParameters:
    """m, r, h and the priors by expectation maximisation over vector counts.

    Four classes of candidate pairs: matches (m), related non-matches (r:
    namesakes and people with similar names, who share a name blocking key),
    households (h: family members and colleagues, whose names differ but who
    share a phone, an address or an email) and unrelated pairs (u, from random
    pairs). With two classes, EM on contact data settles on "same household"
    as readily as on "same person", since households share surname, phone,
    address and email together; with one class for namesakes and households,
    the class follows whichever is more common, and the other is read as
    matches. The iteration starts from a rough labelling anchored on the name
    (see :func:`_seed`), which puts it in the basin of "same person".

    Args:
        vector_counts: How many candidate pairs show each comparison vector.
        u: The u probabilities from random pairs.
        iterations: Largest number of iterations.
        tolerance: Stop when no probability moves by more than this.
        train_u: Refine u on the candidate pairs too.

    Returns:
        The trained parameters (``profiles`` and ``candidate_pairs`` unset).
    """
    vectors = list(vector_counts.items())
    total = sum(count for _, count in vectors)
    if total == 0:
        return attrs.evolve(DEFAULT_MODEL, u=_table(u))
    tables, priors = _seed(vectors, u)
    trained = tables if train_u else tables[:3]

    for _ in range(iterations):
        sums = [
            {family: [0.0] * len(LEVELS[family]) for family in FAMILIES} for _ in tables
        ]
        mass = [0.0] * len(tables)
        for vector, count in vectors:
            likelihood = list(priors)
            for family, level in zip(FAMILIES, vector, strict=True):
                if level != MISSING:
                    for k, table in enumerate(tables):
                        likelihood[k] *= max(table[family][level], _EPSILON)
            norm = sum(likelihood) or 1.0
            for k, share in enumerate(likelihood):
                share = count * share / norm
                mass[k] += share
                for family, level in zip(FAMILIES, vector, strict=True):
                    sums[k][family][level] += share

        new_priors = [max(x / total, 1e-6) for x in mass]
        change = max(abs(a - b) for a, b in zip(new_priors, priors, strict=True))
        priors = new_priors
        for k, (table, table_sums) in enumerate(zip(trained, sums, strict=False)):
            for family in FAMILIES:
                if k == _HOUSEHOLD and family in _PERSONAL:
                    continue
                new = _normalized(table_sums[family])
                if new is None:
                    continue
                if k == _HOUSEHOLD and family == "name":
                    new = _household_names(new, tables[3]["name"])
                change = max(
                    change,
                    *(abs(a - b) for a, b in zip(new, table[family], strict=True)),
                )
                table[family] = new
        if change < tolerance:
            break
    m, r, h, u_now = tables
    return ModelParameters(
        prior=priors[0],
        related_prior=priors[1],
        household_prior=priors[2],
        m=_table(m),
        u=_table(u_now),
        r=_table(r),
        h=_table(h),
    )


_NAME_AGREES = frozenset(
    LEVELS["name"].index(level)
    for level in (
        "exact",
        "reordered",
        "close",
        "nickname_or_initial",
        "business_reordered",
        "business_close",
    )
)
# Name levels of a pair that may start as a household: person names that
# differ, no name, or business names that share nothing (see _household_names).
_HOUSEHOLD_START = frozenset(
    level
    for level in range(len(LEVELS["name"]))
    if level not in _NAME_AGREES and level not in BUSINESS_NAME_LEVELS
) | {LEVELS["name"].index("business_else")}
_CONTACT = tuple(FAMILIES.index(family) for family in ("email", "phone", "address"))
_PERSONAL = ("birth_date", "account")
_PERSONAL_INDEX = tuple(FAMILIES.index(family) for family in _PERSONAL)
# Households share contact details, not a birth date or an account number: for
# those families the household class keeps the levels of random pairs, so
# that duplicates with a badly typed name cannot become its own.
_HOUSEHOLD = 2


def _seed(
    vectors: Sequence[tuple[Vector, int]], u: Mapping[str, tuple[float, ...]]
) -> tuple[list[dict[str, list[float]]], list[float]]:
    """Starting m, r, h, u and priors from a rough labelling of candidate pairs.

    A pair whose names agree and that shares one more attribute exactly starts
    as a match; a pair whose person names differ (or are missing), or whose
    business names share no word, but that shares an email, a phone or an
    address exactly, and neither a birth date nor an account number, starts as
    a household; every other candidate pair starts as related (it shares a
    blocking key, so it is not a random pair); the unrelated class starts
    empty, with the u of random pairs.
    """
    sums = [{family: [0.0] * len(LEVELS[family]) for family in FAMILIES} for _ in "mrh"]
    counts = [0, 0, 0]
    for vector, count in vectors:
        shared = any(level == EXACT for level in vector[1:])
        contact = any(vector[index] == EXACT for index in _CONTACT)
        personal = any(vector[index] == EXACT for index in _PERSONAL_INDEX)
        if vector[0] in _NAME_AGREES and shared:
            k = 0
        elif vector[0] in _HOUSEHOLD_START and contact and not personal:
            k = 2
        else:
            k = 1
        counts[k] += count
        for family, level in zip(FAMILIES, vector, strict=True):
            sums[k][family][level] += count

    m = {f: _normalized(sums[0][f]) or list(DEFAULT_MODEL.m[f]) for f in FAMILIES}
    r = {f: _normalized(sums[1][f]) or list(u[f]) for f in FAMILIES}
    h = {
        f: list(u[f]) if f in _PERSONAL else _normalized(sums[2][f]) or list(u[f])
        for f in FAMILIES
    }
    h["name"] = _household_names(h["name"], u["name"])
    u_start = {f: list(u[f]) for f in FAMILIES}
    total = sum(counts)
    priors = [max(c / total, 0.01) for c in counts] + [0.01]
    return [m, r, h, u_start], priors


def _household_names(
    trained: Sequence[float], random_pairs: Sequence[float]
) -> list[float]:
    """Name level probabilities of the household class.

    People of one household have different first names and often one surname,
    and EM learns how their person names compare (``trained``). Organisations
    at one address or phone (the restaurants of one hotel) have names as unlike
    as any two organisations' names, so on business name levels the class keeps
    the levels of random pairs: a business name written differently but alike
    (an abbreviation, the operator's name added) then counts for one
    organisation, as it does against random pairs, and mostly names that share
    nothing read as two. No household has one name twice, so "exact" gets
    nothing.

    Args:
        trained: Name level probabilities learned for households (any mass on
            business levels or "exact" is dropped).
        random_pairs: Name level probabilities of random pairs (u).

    Returns:
        Probabilities summing to 1 over the non-missing levels.
    """
    # The built-in u repeats person levels on business levels, so it is no
    # distribution; shares of its total are.
    total = sum(random_pairs[1:])
    business = sum(random_pairs[i] for i in BUSINESS_NAME_LEVELS) / total
    person = [
        0.0 if i in BUSINESS_NAME_LEVELS or i == EXACT else p
        for i, p in enumerate(trained)
    ]
    mass = sum(person[1:])
    scale = (1.0 - business) / mass if mass > 0 else 0.0
    return [1.0] + [
        random_pairs[i] / total if i in BUSINESS_NAME_LEVELS else p * scale
        for i, p in enumerate(person[1:], start=1)
    ]


def _normalized(sums: Sequence[float]) -> list[float] | None:
    """Level probabilities from expected counts (missing excluded), smoothed."""
    present = sums[1:]
    mass = sum(present)
    if mass <= 0:
        return None
    return [1.0] + [(s + 1e-3) / (mass + 1e-3 * len(present)) for s in present]
