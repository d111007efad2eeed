"""The matching engine: from profile features to match groups with a confidence.

Stages, each in its own module: block (candidate pairs), compare (comparison
vectors), score (the Fellegi-Sunter model, trained or reused) and cluster
(match groups). :func:`match_features` runs them for a job;
:func:`find_matches` runs them on profiles or dicts for a notebook;
:func:`explain` shows how any two profiles were scored.

One module per part: the options of a run and the progress callback
(``_options``), the pipeline from features to match groups that
``match_features`` and ``find_matches`` run (``_pipeline``), the comparison of
candidate pairs, packed and in worker tiles (``_pairs``), and explanations with
their text and HTML tables (``_explain``).
"""

from __future__ import annotations

from profilematch._matcher._explain import (
    VETO_HOUSEHOLD,
    VETO_SUFFIX,
    Explanation,
    FamilyExplanation,
    ValueAdjustment,
    explain,
)
from profilematch._matcher._options import DEFAULT_THRESHOLD, MatchOptions, Progress

# _COUNT_CAP, _RADIX, _WORK, _compare_all, _compare_chunk, _score_pairs, _tiled
# and tiles_per_side stay reachable here for the tests that use them.
from profilematch._matcher._pairs import _COUNT_CAP as _COUNT_CAP
from profilematch._matcher._pairs import _RADIX as _RADIX
from profilematch._matcher._pairs import _WORK as _WORK
from profilematch._matcher._pairs import _compare_all as _compare_all
from profilematch._matcher._pairs import _compare_chunk as _compare_chunk
from profilematch._matcher._pairs import _tiled as _tiled
from profilematch._matcher._pairs import tiles_per_side as tiles_per_side
from profilematch._matcher._pipeline import (
    MatchResult,
    MatchStats,
    find_matches,
    match_features,
    match_id,
)
from profilematch._matcher._pipeline import _score_pairs as _score_pairs

__all__ = [
    "DEFAULT_THRESHOLD",
    "VETO_HOUSEHOLD",
    "VETO_SUFFIX",
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
