"""Comparing candidate pairs: packed comparison vectors, in worker tiles.

A candidate pair is a code ``i * n + j`` over the positions of ``n`` profiles.
Comparing it gives its comparison vector, packed into two bytes, and for the
name, email and phone the two share exactly, how many profiles hold that value.
:func:`_compare_all` compares every pair, in this process or, when there are
many, in forked workers that each compare one piece of one tile (a range of
``i`` by a range of ``j``), so that a worker reads the features of two ranges
of profiles only. Workers find the features, counts and pairs in ``_WORK``,
inherited through fork.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from typing import Any

from profilematch._compare import FAMILIES, LEVELS, Vector, compare
from profilematch._features import ProfileFeatures
from profilematch._matcher._options import MatchOptions, Progress
from profilematch._parallel import can_fork, ordered_map, worker_count
from profilematch._score import TermFrequencies

__all__ = ["tiles_per_side"]

_RADIX = tuple(len(LEVELS[family]) for family in FAMILIES)
# A packed comparison vector fits two bytes (math.prod(_RADIX) < 2 ** 16) and a
# count of profiles sharing a value two, so a candidate pair costs 8 bytes for
# its code, 2 for its vector and 6 for its counts.
_VECTOR_CODE = "H"
_COUNT_CODE = "H"
# XXX: a value held by more profiles than this counts as held by this many, so
# its term-frequency adjustment is short by log2(count / _COUNT_CAP) bits on
# top of a weakening of more than ten bits already.
_COUNT_CAP = 65_535
_CHUNK = 20_000
# Fewer candidate pairs than this compare faster in one process than forked.
_PARALLEL_FROM = 200_000
# The pairs one worker process compares before it exits (see _tiled): enough
# that forking costs little beside comparing them.
_TILE_PIECE = 400_000


# The worker processes read these, inherited through fork.
_WORK: dict[str, Any] = {}


def _compare_chunk(bounds: tuple[int, int]) -> tuple[array[int], array[int]]:
    """Compare the candidate pairs codes[start:stop] of the shared work."""
    features: Sequence[ProfileFeatures] = _WORK["features"]
    frequencies: TermFrequencies = _WORK["frequencies"]
    codes: array[int] = _WORK["codes"]
    n = len(features)
    vectors = array(_VECTOR_CODE)
    counts = array(_COUNT_CODE)
    for code in codes[bounds[0] : bounds[1]]:
        i, j = divmod(code, n)
        vector, exact = compare(features[i], features[j])
        packed = 0
        for level, radix in zip(vector, _RADIX, strict=True):
            packed = packed * radix + level
        vectors.append(packed)
        for slot, family in enumerate(("name", "email", "phone")):
            value = exact[slot]
            count = frequencies.count(family, value) if value else 1
            counts.append(min(count, _COUNT_CAP))
    return vectors, counts


def _unpack(packed: int) -> Vector:
    levels = []
    for radix in reversed(_RADIX):
        packed, level = divmod(packed, radix)
        levels.append(level)
    return tuple(reversed(levels))


def tiles_per_side(pairs: int) -> int:
    """Ranges of positions per side of the tiles for this many pairs."""
    return max(1, math.isqrt(2 * pairs // _TILE_PIECE))


def _tiled(codes: array[int], n: int) -> tuple[array[int], list[tuple[int, int]]]:
    """Regroup candidate pairs by tile, a range of i by a range of j.

    A worker compares one piece of one tile and exits, so it reads, and copies
    from its parent as it touches them, the features of two ranges of
    positions only: forked workers that compared pairs in any order would each
    end up with a private copy of every profile's features. Empties ``codes``
    from its end as it goes, so the pairs are held once.

    Returns:
        The pairs in tile order, and the bounds of the pieces to compare.
    """
    # Ranges per side such that a tile holds about one piece of pairs: the
    # more pairs, the smaller the share of the profiles one worker reads.
    sides = tiles_per_side(len(codes))
    width = n // sides + 1
    row_span = width * n
    tiles = [array("q") for _ in range(sides * sides)]
    while codes:
        segment = codes[-_CHUNK:]
        del codes[-_CHUNK:]
        for code in segment:
            tiles[code // row_span * sides + code % n // width].append(code)

    tiled = array("q")
    pieces: list[tuple[int, int]] = []
    for tile in tiles:
        start = len(tiled)
        tiled.extend(tile)
        del tile[:]
        pieces.extend(
            (offset, min(offset + _TILE_PIECE, len(tiled)))
            for offset in range(start, len(tiled), _TILE_PIECE)
        )
    return tiled, pieces


def _compare_all(
    features: Sequence[ProfileFeatures],
    codes: array[int],
    frequencies: TermFrequencies,
    options: MatchOptions,
    progress: Progress | None,
) -> tuple[array[int], array[int], array[int]]:
    """Comparison vectors (packed) and shared-value counts of every pair.

    Returns:
        The candidate pairs in the order compared (``codes`` itself, emptied and
        regrouped by tile when workers compare them), their vectors and counts.
    """
    workers = worker_count(options.workers, len(codes), parallel_from=_PARALLEL_FROM)
    if workers > 1 and can_fork():
        codes, pieces = _tiled(codes, len(features))
    else:
        pieces = [
            (start, min(start + _CHUNK, len(codes)))
            for start in range(0, len(codes), _CHUNK)
        ]
    _WORK.update(features=features, frequencies=frequencies, codes=codes)
    vectors = array(_VECTOR_CODE)
    counts = array(_COUNT_CODE)

    try:
        results = ordered_map(_compare_chunk, pieces, workers, fresh=True)
        for done, (piece_vectors, piece_counts) in enumerate(results, 1):
            vectors.extend(piece_vectors)
            counts.extend(piece_counts)
            if progress:
                progress("compare", done, len(pieces))
    finally:
        _WORK.clear()
    return codes, vectors, counts
