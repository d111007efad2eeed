"""Explaining the score of two profiles, attribute family by family.

:func:`explain` compares two profiles and shows, per attribute family, the
level that held, its probabilities and match weights; then the priors, the
weakening by shared values that are common, the combined weight and the
probability a job gives the pair, with the reason when a job never links it.
An :class:`Explanation` prints as a terminal table and shows as an HTML table
in a notebook.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from profilematch._compare import (
    FAMILIES,
    LEVELS,
    MISSING,
    Vector,
    compare,
    conflicting,
)
from profilematch._features import ProfileFeatures, profile_features
from profilematch._matcher._options import MatchOptions
from profilematch._matcher._pairs import _COUNT_CAP
from profilematch._models import Profile
from profilematch._score import (
    DEFAULT_MODEL,
    ModelParameters,
    Scorer,
    ValueCounts,
    combine,
    is_role_email,
    probability,
)

__all__ = [
    "VETO_HOUSEHOLD",
    "VETO_SUFFIX",
    "Explanation",
    "FamilyExplanation",
    "ValueAdjustment",
    "explain",
]

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
