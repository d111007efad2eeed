"""Clustering: from scored candidate pairs to match groups.

Pairs at or above the match threshold join profiles with union-find. A
connected component of two profiles is a match group as it stands. A larger
component is checked in two steps:

1. It is rebuilt link by link, strongest first; two partial groups join only
   when no pair across them is a clear non-match (probability below
   ``conflict_floor``; the matcher gives conflicting profiles, such as
   different generational suffixes or different first names sharing a
   household phone, probability 0). So a chain A~B~C where A and C are
   different people is cut.
2. A group held together by a single link between two parts of two or more
   profiles each is cut at that link (see :func:`_split_at_bridges`).

A component too large to check this way (``max_checked_size``) is a chain
through many people: it keeps only its links at or above 0.9, then 0.99, and
so on, until its parts are small enough. One still too large at the last floor
is cut by its weakest links: its links join parts strongest first, and a link
that would make a part larger than ``max_checked_size`` is dropped.

The work stays bounded whatever the size of a component: the check of a join
looks at no more than ``_SAMPLE`` profiles on each side (all of them in a
small group), and bridges are found in one depth-first search, so a component
costs time in proportion to its profiles and links, never their square.

The confidence score of a group is the probability of its weakest link that
holds it together: the smallest link probability of a maximum spanning tree of
its links. A group of two has its pair probability.
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
    conflict_floor: float = 0.01,
    max_checked_size: int = 100,
) -> list[tuple[tuple[int, ...], float]]:
    """Match groups from links at or above the threshold.

    Args:
        n: Number of profiles (positions 0..n-1).
        edges: Links at or above the match threshold, as (probability, i, j).
        pair_probability: Probability of any two positions (i < j), used for
            pairs across partial groups that were not candidate pairs.
        conflict_floor: A pair across two partial groups below this keeps them
            apart.
        max_checked_size: A component larger than this keeps only its links
            at or above ever stricter floors (0.9, 0.99, ...) until its parts
            are small enough to check; one still too large at the last floor
            is cut by its weakest links into parts of at most this size.

    Returns:
        The groups, each as its sorted positions and its confidence score,
        ordered by their first position.
    """
    groups: list[tuple[tuple[int, ...], float]] = []
    pending = list(components(n, edges).values())
    while pending:
        component_edges = pending.pop()
        if len(component_edges) == 1:
            probability, i, j = component_edges[0]
            groups.append(((i, j), probability))
            continue
        size = len({x for _, i, j in component_edges for x in (i, j)})
        floor = min(p for p, _, _ in component_edges)
        stricter = [p for p in _STRICTER if p > floor]
        if size > max_checked_size and stricter:
            # A component this large is a chain of many people, not one
            # person: keep only its stronger links and look again.
            kept = [edge for edge in component_edges if edge[0] >= stricter[0]]
            logger.info(
                "component of %d profiles: keeping links at or above %s",
                size,
                stricter[0],
            )
            pending.extend(_subcomponents(kept))
            continue
        if size > max_checked_size:
            parts = _capped_parts(component_edges, max_checked_size)
            logger.warning(
                "component of %d profiles cut by its weakest links into %d parts",
                size,
                len(parts),
            )
            pending.extend(parts)
            continue
        groups.extend(
            _split(
                component_edges,
                pair_probability,
                conflict_floor=conflict_floor,
            )
        )
    groups.sort()
    return groups


def _subcomponents(edges: Sequence[Edge]) -> list[list[Edge]]:
    """Connected components of a few edges, in time of their own size."""
    local = {x: k for k, x in enumerate({x for _, i, j in edges for x in (i, j)})}
    union_find = UnionFind(len(local))
    for _, i, j in edges:
        union_find.union(local[i], local[j])

    grouped: dict[int, list[Edge]] = {}
    for edge in edges:
        grouped.setdefault(union_find.find(local[edge[1]]), []).append(edge)
    return list(grouped.values())


def _capped_parts(edges: Sequence[Edge], max_size: int) -> list[list[Edge]]:
    """Parts of at most max_size profiles, joined by the strongest links first.

    A link that would join two parts into one larger than max_size is dropped,
    so the links cut are the weakest that keep every part small enough.
    """
    local = {x: k for k, x in enumerate({x for _, i, j in edges for x in (i, j)})}
    union_find = UnionFind(len(local))
    sizes = [1] * len(local)
    for _, i, j in sorted(edges, key=lambda edge: (-edge[0], edge[1], edge[2])):
        root_i, root_j = union_find.find(local[i]), union_find.find(local[j])
        if root_i != root_j and sizes[root_i] + sizes[root_j] <= max_size:
            union_find.union(root_i, root_j)
            sizes[union_find.find(root_i)] = sizes[root_i] + sizes[root_j]

    grouped: dict[int, list[Edge]] = {}
    for edge in edges:
        root = union_find.find(local[edge[1]])
        if root == union_find.find(local[edge[2]]):
            grouped.setdefault(root, []).append(edge)
    return list(grouped.values())


# Link floors tried in turn on a component larger than max_checked_size.
_STRICTER = (0.9, 0.99, 0.999, 0.9999, 0.99999, 0.999999)

# Profiles on each side of a join whose pairs are checked for a conflict: a
# join of two large partial groups checks the profiles that formed each first,
# so a join costs at most _SAMPLE ** 2 pair probabilities.
_SAMPLE = 12


def _split(
    edges: Sequence[Edge],
    pair_probability: Callable[[int, int], float],
    *,
    conflict_floor: float,
) -> list[tuple[tuple[int, ...], float]]:
    """Rebuild one component link by link, strongest first, guarding each join."""
    known = {(i, j): p for p, i, j in edges}
    members_of = {x: [x] for _, i, j in edges for x in (i, j)}

    group_of = {x: x for x in members_of}
    ordered = sorted(edges, key=lambda edge: (-edge[0], edge[1], edge[2]))
    for _, i, j in ordered:
        group_i, group_j = group_of[i], group_of[j]
        if group_i == group_j:
            continue
        left, right = members_of[group_i], members_of[group_j]
        if not _compatible(
            left[:_SAMPLE],
            right[:_SAMPLE],
            known,
            pair_probability,
            conflict_floor=conflict_floor,
        ):
            continue

        keep, drop = min(group_i, group_j), max(group_i, group_j)
        members_of[keep] = left + right
        for x in members_of[drop]:
            group_of[x] = keep
        del members_of[drop]

    links_of: dict[int, list[Edge]] = {}
    for edge in ordered:
        group = group_of[edge[1]]
        if group == group_of[edge[2]]:
            links_of.setdefault(group, []).append(edge)
    groups = []
    for group, members in members_of.items():
        if len(members) < 2:
            continue
        group_links = links_of[group]
        for part in _split_at_bridges(members, group_links):
            groups.append((tuple(sorted(part)), _weakest_link(part, group_links)))
    return groups


def _split_at_bridges(members: Sequence[int], links: Sequence[Edge]) -> list[list[int]]:
    """Cut a group at a link that alone holds two parts of two or more together.

    Such a link (a bridge whose removal leaves at least two profiles on each
    side) is the only one of at least four pairs across the cut, so the parts
    are far less linked across than within: Nora~Nora and Norma~Norma held
    together only by the email one Nora and one Norma share. The weakest such
    bridge is cut first, and each part is cut again in the same way.
    """
    if len(members) < 4:
        return [list(members)]

    inside = set(members)
    own = [edge for edge in links if edge[1] in inside and edge[2] in inside]
    cut = _weakest_bridge(members, own)
    if cut is None:
        return [list(members)]
    side = _reachable(cut[1], [edge for edge in own if edge is not cut])
    other_side = [x for x in members if x not in side]
    return _split_at_bridges(sorted(side), own) + _split_at_bridges(other_side, own)


def _weakest_bridge(members: Sequence[int], links: Sequence[Edge]) -> Edge | None:
    """The weakest bridge leaving two or more profiles on each side, if any.

    One iterative depth-first search (Tarjan's bridge test) with subtree sizes,
    in time of the members and links.
    """
    neighbours: dict[int, list[tuple[int, int]]] = {x: [] for x in members}
    for index, (_, i, j) in enumerate(links):
        neighbours[i].append((j, index))
        neighbours[j].append((i, index))

    total = len(members)
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    size: dict[int, int] = {}
    best: Edge | None = None
    for root in members:
        if root in order:
            continue
        order[root] = low[root] = len(order)
        size[root] = 1
        # Each frame: (node, link index that reached it, iterator position).
        stack: list[tuple[int, int, int]] = [(root, -1, 0)]
        while stack:
            node, via, position = stack[-1]
            if position < len(neighbours[node]):
                stack[-1] = (node, via, position + 1)
                nxt, index = neighbours[node][position]
                if index == via:
                    continue
                if nxt in order:
                    low[node] = min(low[node], order[nxt])
                else:
                    order[nxt] = low[nxt] = len(order)
                    size[nxt] = 1
                    stack.append((nxt, index, 0))
                continue
            stack.pop()
            if not stack:
                continue
            parent = stack[-1][0]
            low[parent] = min(low[parent], low[node])
            size[parent] += size[node]
            if low[node] > order[parent] and 2 <= size[node] <= total - 2:
                edge = links[via]
                if best is None or edge < best:
                    best = edge
    return best


def _reachable(start: int, links: Sequence[Edge]) -> set[int]:
    """Positions reachable from start through the links."""
    neighbours: dict[int, list[int]] = {}
    for _, i, j in links:
        neighbours.setdefault(i, []).append(j)
        neighbours.setdefault(j, []).append(i)
    seen = {start}
    stack = [start]
    while stack:
        for nxt in neighbours.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return seen


def _weakest_link(members: Sequence[int], links: Sequence[Edge]) -> float:
    """Probability of the weakest link of a maximum spanning tree of the group."""
    local = {x: k for k, x in enumerate(members)}
    union_find = UnionFind(len(local))
    weakest = 1.0
    for probability, i, j in sorted(links, key=lambda edge: -edge[0]):
        if i in local and j in local and union_find.union(local[i], local[j]):
            weakest = min(weakest, probability)
    return weakest


def _compatible(
    left: Sequence[int],
    right: Sequence[int],
    known: dict[tuple[int, int], float],
    pair_probability: Callable[[int, int], float],
    *,
    conflict_floor: float,
) -> bool:
    """Whether no pair across two partial groups is a clear non-match."""
    for x in left:
        for y in right:
            key = (x, y) if x < y else (y, x)
            probability = known.get(key)
            if probability is None:
                probability = pair_probability(*key)
                known[key] = probability
            if probability < conflict_floor:
                return False
    return True
