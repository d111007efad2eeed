"""Tests of running work in forked processes, and of ingest that uses them."""

from __future__ import annotations

import os
from array import array

import pytest

import profilematch as pm
from profilematch._features import profile_features
from profilematch._matcher import (
    MatchOptions,
    _pairs,
    _pipeline,
    _tiled,
    match_features,
    tiles_per_side,
)
from profilematch._parallel import can_fork, ordered_map, worker_count

needs_fork = pytest.mark.skipif(not can_fork(), reason="the platform cannot fork")


@needs_fork
def test_ordered_map_keeps_the_order_and_sees_the_parents_data() -> None:
    """Workers read data of the parent they were not sent, and results keep order."""
    data = list(range(1000))

    def total(bounds: tuple[int, int]) -> tuple[int, int]:
        return os.getpid(), sum(data[bounds[0] : bounds[1]])

    chunks = [(start, start + 100) for start in range(0, 1000, 100)]
    results = list(ordered_map(total, chunks, workers=2))

    assert [sum(range(s, s + 100)) for s, _ in chunks] == [r[1] for r in results]
    assert os.getpid() not in {pid for pid, _ in results}


def test_ordered_map_with_one_worker_runs_here() -> None:
    """One worker applies the function in this process."""
    results = list(ordered_map(lambda x: (os.getpid(), x * 2), [1, 2, 3], workers=1))

    assert [(os.getpid(), 2), (os.getpid(), 4), (os.getpid(), 6)] == results


def test_worker_count_follows_the_request_then_the_size() -> None:
    """A requested count wins; else small work gets one process."""
    assert 3 == worker_count(3, 10, parallel_from=100)
    assert 1 == worker_count(None, 99, parallel_from=100)
    expected = (os.cpu_count() or 1) if can_fork() else 1
    assert expected == worker_count(None, 100, parallel_from=100)


def rows(count: int) -> list[dict[str, object]]:
    """Distinct profiles with ids, names, emails and phones."""
    return [
        {
            "ProfileId": f"{n:032x}",
            "FirstName": f"Ann{n % 97}",
            "LastName": f"Lee{n % 89}",
            "EmailAddress": f"ann.{n}@example.com",
            "PhoneNumber": f"+1 201 555 {n % 10000:04d}",
        }
        for n in range(count)
    ]


@needs_fork
def test_ingest_in_workers_stores_what_one_process_stores() -> None:
    """put_profiles in two worker processes writes the same features and keys."""
    profiles = rows(2500)
    stored = []

    for workers in (1, 2):
        with pm.Client(workers=workers) as client:
            client.create_domain("d", default_expiration_days=30)
            ids = client.put_profiles("d", profiles)
            features = [
                row for batch in client.store.profile_features("d") for row in batch
            ]
            found = client.search_profiles("d", "_email", ["ann.2499@example.com"])
            stored.append((ids, features, [p.profile_id for p in found.items]))

    assert stored[0] == stored[1]
    assert [f"{2499:032x}"] == stored[1][2]


def test_client_refuses_fewer_than_one_worker() -> None:
    """workers=0 is refused with a message naming the option and the rule."""
    with pytest.raises(pm.BadRequestException, match="workers") as caught:
        pm.Client(workers=0)

    assert "at least 1" == caught.value.rule


@needs_fork
def test_a_bad_row_in_a_later_chunk_refuses_the_whole_parallel_call() -> None:
    """A refused row in another worker's chunk names its own index; none is stored."""
    profiles = rows(2500)
    profiles[2100] = {**profiles[2100], "BirthDate": 7}
    profiles[2200] = {**profiles[2200], "ProfileId": profiles[5]["ProfileId"]}

    with pm.Client(workers=2) as client:
        client.create_domain("d", default_expiration_days=30)
        with pytest.raises(pm.BadRequestException) as caught:
            client.put_profiles("d", profiles)
        stored = client.store.count_profiles("d")

    message = str(caught.value)
    assert 0 == stored
    assert "Profiles[2100].BirthDate" in message
    assert "Profiles[2200].ProfileId" in message


@needs_fork
def test_a_taken_id_in_a_later_chunk_undoes_the_chunks_written_before_it() -> None:
    """Chunks checked earlier are written in the call's transaction; a stored id
    in a later chunk refuses the call and leaves only the profiles stored before."""
    profiles = rows(2500)

    with pm.Client(workers=2) as client:
        client.create_domain("d", default_expiration_days=30)
        client.put_profiles("d", [profiles[2300]])
        with pytest.raises(pm.BadRequestException) as caught:
            client.put_profiles("d", profiles)
        stored = client.store.count_profiles("d")
        found = client.search_profiles("d", "_email", ["ann.5@example.com"])

    assert 1 == stored
    assert [] == list(found.items)
    assert "Profiles[2300].ProfileId" in str(caught.value)
    assert "exists already" in str(caught.value)


def test_tiles_hold_every_pair_once_and_each_piece_one_tile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Tiling regroups the pairs without loss, and no piece spans two tiles."""
    monkeypatch.setattr(_pairs, "_TILE_PIECE", 10)
    n = 1000
    codes = array(
        "q",
        sorted({i * n + j for i in range(0, n, 7) for j in (i + 1, n - 1) if j > i}),
    )
    original = sorted(codes)

    tiled, pieces = _tiled(codes, n)

    sides = tiles_per_side(len(original))
    width = n // sides + 1
    tile_of = [divmod(code, n) for code in tiled]
    assert original == sorted(tiled)
    assert 0 == len(codes)
    assert len(tiled) == sum(stop - start for start, stop in pieces)
    assert 1 < sides
    assert all(stop - start <= 10 for start, stop in pieces)
    for start, stop in pieces:
        tiles = {(i // width, j // width) for i, j in tile_of[start:stop]}
        assert 1 == len(tiles)


@needs_fork
def test_matching_in_workers_finds_what_one_process_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Comparing in fresh forked workers, tile by tile, gives the same groups."""
    monkeypatch.setattr(_pairs, "_TILE_PIECE", 300)
    profiles = [
        pm.Profile(
            profile_id=f"{n:032x}",
            first_name=("Ann", "Anne", "Bo", "Cy")[n % 4],
            last_name=f"Lee{n // 8}",
            email_address=f"lee{n // 4}@example.com",
            phone_number=f"+1 201 555 {n // 2:04d}",
        )
        for n in range(600)
    ]
    features = [profile_features(profile) for profile in profiles]

    alone = match_features(features, options=MatchOptions(workers=1))
    forked = match_features(features, options=MatchOptions(workers=2))

    assert alone.groups == forked.groups
    assert alone.stats.candidate_pairs == forked.stats.candidate_pairs
    assert alone.model == forked.model


@needs_fork
def test_find_matches_normalizes_in_workers_as_in_one_process(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """find_matches gives the same match groups whether profiles are normalized
    in worker processes, chunk by chunk, or all in this process."""
    monkeypatch.setattr(_pipeline, "_NORMALIZE_CHUNK", 40)
    people = [
        {
            "FirstName": f"Ann{n % 97}",
            "LastName": f"Lee{n}",
            "EmailAddress": f"ann.{n}@example.com",
            "PhoneNumber": f"+1 201 555 {n:04d}",
        }
        for n in range(150)
    ]
    copies = [
        {**person, "EmailAddress": person["EmailAddress"].upper()} for person in people
    ]

    alone = pm.find_matches(people + copies, workers=1)
    forked = pm.find_matches(people + copies, workers=2)

    assert 100 <= len(alone)
    assert [(g.match_id, g.profile_ids) for g in alone] == [
        (g.match_id, g.profile_ids) for g in forked
    ]
