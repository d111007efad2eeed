"""Clustering: from scored candidate pairs to match groups.

Pairs at or above the match threshold join profiles with union-find. A
connected component of two profiles is a match group as it stands. A larger
component is rebuilt link by link, strongest first, in the way of average
linkage: two partial groups join only when the profiles across them agree on
average (mean pair probability at least ``merge_floor``) and no pair across
them is a clear non-match (probability below ``conflict_floor``). So a chain
A~B~C, where A and C are different people held together only through B, is
cut at its weak link, and a group whose members disagree strongly (different
generational suffixes, different first names sharing a household phone) is
split.

The confidence score of a group is the probability of the weakest link that
holds it together: the smallest probability among the links that joined its
parts. A pair's group has its pair probability.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

logger = logging.getLogger(__name__)

Edge = tuple[float, int, int]
"""(probability, i, j) with i < j, positions of two profiles."""


class UnionFind:
    """Disjoint sets over the integers 0..n-1, with path halving."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        """The representative of x's set."""
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(self, a: int, b: int) -> bool:
        """Join the sets of a and b; False when they were already one."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return False
        if root_b < root_a:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        return True


def components(n: int, edges: Iterable[Edge]) -> dict[int, list[Edge]]:
    """Connected components of the edges, each keyed by its smallest member."""
    union_find = UnionFind(n)
    kept = list(edges)
    for _, i, j in kept:
        union_find.union(i, j)

    grouped: dict[int, list[Edge]] = {}
    for edge in kept:
        grouped.setdefault(union_find.find(edge[1]), []).append(edge)
    return grouped


def cluster(
    n: int,
    edges: Iterable[Edge],
    pair_probability: Callable[[int, int], float],
    *,
    merge_floor: float = 0.5,
    conflict_floor: float = 0.01,
    max_checked_size: int = 200,
) -> list[tuple[tuple[int, ...], float]]:
    """Match groups from links at or above the threshold.

    Args:
        n: Number of profiles (positions 0..n-1).
        edges: Links at or above the match threshold, as (probability, i, j).
        pair_probability: Probability of any two positions (i < j), used for
            pairs across partial groups that were not candidate pairs.
        merge_floor: Smallest mean probability across two partial groups that
            lets them join.
        conflict_floor: A pair across two partial groups below this keeps them
            apart.
        max_checked_size: Components larger than this are kept whole.

    Returns:
        The groups, each as its sorted positions and its confidence score,
        ordered by their first position.
    """
    groups: list[tuple[tuple[int, ...], float]] = []
    for component_edges in components(n, edges).values():
        if len(component_edges) == 1:
            probability, i, j = component_edges[0]
            groups.append(((i, j), probability))
            continue
        groups.extend(
            _split(
                component_edges,
                pair_probability,
                merge_floor=merge_floor,
                conflict_floor=conflict_floor,
                max_checked_size=max_checked_size,
            )
        )
    groups.sort()
    return groups


def _split(
    edges: Sequence[Edge],
    pair_probability: Callable[[int, int], float],
    *,
    merge_floor: float,
    conflict_floor: float,
    max_checked_size: int,
) -> list[tuple[tuple[int, ...], float]]:
    """Rebuild one component link by link, strongest first, guarding each join."""
    known = {(i, j): p for p, i, j in edges}
    members_of = {x: [x] for _, i, j in edges for x in (i, j)}
    check = len(members_of) <= max_checked_size
    if not check:
        # XXX: components above max_checked_size are kept whole, so a long
        # chain through many profiles is not cut; the cost of checking every
        # pair across its parts grows with the square of its size.
        logger.warning("component of %d profiles kept unchecked", len(members_of))

    group_of = {x: x for x in members_of}
    weakest = {x: 1.0 for x in members_of}
    ordered = sorted(edges, key=lambda edge: (-edge[0], edge[1], edge[2]))
    for probability, i, j in ordered:
        group_i, group_j = group_of[i], group_of[j]
        if group_i == group_j:
            continue
        left, right = members_of[group_i], members_of[group_j]
        if check and not _compatible(
            left, right, known, pair_probability, merge_floor, conflict_floor
        ):
            continue

        keep, drop = min(group_i, group_j), max(group_i, group_j)
        members_of[keep] = left + right
        for x in members_of[drop]:
            group_of[x] = keep
        del members_of[drop]
        weakest[keep] = min(weakest[keep], weakest[drop], probability)

    return [
        (tuple(sorted(members)), weakest[root])
        for root, members in members_of.items()
        if len(members) > 1
    ]


def _compatible(
    left: Sequence[int],
    right: Sequence[int],
    known: dict[tuple[int, int], float],
    pair_probability: Callable[[int, int], float],
    merge_floor: float,
    conflict_floor: float,
) -> bool:
    """Whether two partial groups agree well enough to join."""
    total = 0.0
    for x in left:
        for y in right:
            key = (x, y) if x < y else (y, x)
            probability = known.get(key)
            if probability is None:
                probability = pair_probability(*key)
                known[key] = probability
            if probability < conflict_floor:
                return False
            total += probability
    return total / (len(left) * len(right)) >= merge_floor
