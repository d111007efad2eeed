"""Tests of clustering: union-find, conflict vetoes, bridges and confidence."""

from __future__ import annotations

from collections.abc import Callable

from profilematch._cluster import _SAMPLE, UnionFind, cluster


def lookup(table: dict[tuple[int, int], float]) -> Callable[[int, int], float]:
    """A pair_probability callback over a table (0.1 for unlisted pairs)."""
    return lambda i, j: table.get((i, j), 0.1)


def test_union_find_joins_sets() -> None:
    """After two unions, three elements share one representative."""
    union_find = UnionFind(4)
    union_find.union(0, 1)
    union_find.union(1, 2)

    assert union_find.find(0) == union_find.find(2)
    assert union_find.find(3) != union_find.find(0)


def test_pair_is_a_group_with_its_probability() -> None:
    """One link above the threshold makes a group with the link's probability."""
    groups = cluster(2, [(0.9, 0, 1)], lookup({}))

    assert [((0, 1), 0.9)] == groups


def test_chain_through_a_conflict_is_cut() -> None:
    """A~B and B~C with A and C in conflict do not make one group of three."""
    edges = [(0.95, 0, 1), (0.9, 1, 2)]

    groups = cluster(3, edges, lookup({(0, 2): 0.0}))

    assert [((0, 1), 0.95)] == groups


def test_group_held_by_one_bridge_is_split() -> None:
    """Two pairs joined only by one link between them stay two groups."""
    edges = [(0.8, 0, 1), (0.99, 1, 2), (0.8, 2, 3)]

    groups = cluster(4, edges, lookup({}))

    assert [((0, 1), 0.8), ((2, 3), 0.8)] == groups


def test_confidence_is_the_weakest_spanning_link() -> None:
    """A triangle's confidence is its weakest maximum-spanning-tree link."""
    edges = [(0.99, 0, 1), (0.7, 1, 2), (0.6, 0, 2)]

    groups = cluster(3, edges, lookup({}))

    assert [((0, 1, 2), 0.7)] == groups


def test_oversized_component_keeps_only_stronger_links() -> None:
    """A chain too large to check is cut at its links below the next floor."""
    edges = [(0.95, 0, 1), (0.6, 1, 2), (0.95, 2, 3)]

    groups = cluster(4, edges, lookup({}), max_checked_size=3)

    assert [((0, 1), 0.95), ((2, 3), 0.95)] == groups


def test_component_too_large_at_every_floor_is_cut_by_its_weakest_links() -> None:
    """A chain of certain links larger than the limit becomes parts within it."""
    edges = [(1.0, k, k + 1) for k in range(5)]

    groups = cluster(6, edges, lookup({}), max_checked_size=3)

    assert [((0, 1, 2), 1.0), ((3, 4, 5), 1.0)] == groups


def test_join_checks_a_bounded_sample_of_pairs() -> None:
    """A ring of 100 profiles asks far fewer pair probabilities than all its pairs."""
    asked: list[tuple[int, int]] = []

    def probability(i: int, j: int) -> float:
        asked.append((i, j))
        return 0.5

    edges = [(0.9, k, k + 1) for k in range(99)] + [(0.9, 0, 99)]

    groups = cluster(100, edges, probability, max_checked_size=100)

    assert [tuple(range(100))] == [members for members, _ in groups]
    assert len(asked) <= 99 * _SAMPLE
