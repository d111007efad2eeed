"""Readers and writers at once: threads on one Client, processes on one file."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import profilematch as pm
from profilematch._client import Client

GROUPS = 25
PAGE = 4


def generation_groups(number: int) -> list[pm.MatchItem]:
    """The groups of generation ``number``: every match id carries the number."""
    return [
        pm.MatchItem(
            match_id=f"g{number:04d}-{n:03d}",
            profile_ids=(f"{number:016x}{n:016x}",),
            confidence_score=1 - n / 100,
        )
        for n in range(GROUPS)
    ]


def read_whole_generation(client: Client, domain: str) -> list[str] | None:
    """Page through the latest results; None when they were regenerated meanwhile."""
    seen: list[str] = []
    token = None
    while True:
        try:
            page = client.get_matches(domain, max_results=PAGE, next_token=token)
        except pm.BadRequestException as error:
            assert "regenerated" in error.message
            return None
        seen.extend(match.match_id for match in page.matches)
        token = page.next_token
        if token is None:
            return seen


def is_whole_generation(match_ids: list[str]) -> bool:
    """True when the ids are exactly one generation's groups, in order."""
    if not match_ids:
        return False
    prefix = match_ids[0].split("-")[0]
    return [f"{prefix}-{n:03d}" for n in range(GROUPS)] == match_ids


def new_domain(client: Client) -> None:
    """Create 'd' with matching on and a first generation."""
    client.create_domain(
        "d", default_expiration_days=1, matching=pm.Matching(enabled=True)
    )
    client.store.write_generation("d", None, generation_groups(0))


@pytest.mark.parametrize("on_file", [False, True])
def test_threads_paging_while_a_writer_replaces_see_whole_generations(
    tmp_path: Path, on_file: bool
):
    """Readers paging while a writer replaces generations only see whole ones."""
    path = tmp_path / "s.db" if on_file else None
    with Client(path) as client:
        new_domain(client)
        done = threading.Event()
        readings: list[list[str] | None] = []
        errors: list[BaseException] = []

        def writer() -> None:
            try:
                for number in range(1, 40):
                    client.store.write_generation("d", None, generation_groups(number))
            except BaseException as error:  # reported by the main thread
                errors.append(error)
            finally:
                done.set()

        def reader() -> None:
            try:
                while not done.is_set():
                    readings.append(read_whole_generation(client, "d"))
                readings.append(read_whole_generation(client, "d"))
            except BaseException as error:  # reported by the main thread
                errors.append(error)

        threads = [threading.Thread(target=writer)]
        threads += [threading.Thread(target=reader) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    complete = [ids for ids in readings if ids is not None]
    assert [] == errors
    assert complete, "no reader finished a generation"
    assert all(is_whole_generation(ids) for ids in complete)


WRITER = """
import sys
import profilematch as pm
from profilematch._client import Client

path, count, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with Client(path) as client:
    for number in range(1, count + 1):
        groups = [
            pm.MatchItem(
                match_id=f"g{number:04d}-{n:03d}",
                profile_ids=(f"{number:016x}{n:016x}",),
                confidence_score=1 - n / 100,
            )
            for n in range(size)
        ]
        client.store.write_generation("d", None, groups)
"""


def test_processes_paging_while_another_writes_see_whole_generations(tmp_path: Path):
    """A reader process never sees half of a generation another process writes."""
    path = tmp_path / "s.db"
    with Client(path) as setup:
        new_domain(setup)

    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), "30", str(GROUPS)],
        stderr=subprocess.PIPE,
        text=True,
    )
    readings: list[list[str] | None] = []
    with Client(path) as reader:
        while writer.poll() is None:
            readings.append(read_whole_generation(reader, "d"))
        final = read_whole_generation(reader, "d")
    _, stderr = writer.communicate()

    complete = [ids for ids in readings if ids is not None]
    assert 0 == writer.returncode, stderr
    assert all(is_whole_generation(ids) for ids in complete)
    assert [f"g0030-{n:03d}" for n in range(GROUPS)] == final


INGESTER = """
import sys
from profilematch._client import Client

path, tag = sys.argv[1], sys.argv[2]
with Client(path) as client:
    for batch in range(20):
        client.put_profiles(
            "d", [{"FirstName": f"{tag}{batch}", "LastName": str(n)} for n in range(50)]
        )
"""


def test_two_processes_ingesting_into_one_file_lose_nothing(tmp_path: Path):
    """Two processes writing profiles to one file keep every row and a sound file."""
    path = tmp_path / "s.db"
    with Client(path) as setup:
        setup.create_domain("d", default_expiration_days=1)

    writers = [
        subprocess.Popen(
            [sys.executable, "-c", INGESTER, str(path), tag],
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("a", "b")
    ]
    outcomes = [writer.communicate() for writer in writers]
    codes = [writer.returncode for writer in writers]
    with Client(path) as client:
        count = client.get_domain("d").stats.profile_count
    with contextlib.closing(sqlite3.connect(path)) as connection:
        check = connection.execute("PRAGMA integrity_check").fetchone()[0]

    assert [0, 0] == codes, [stderr for _, stderr in outcomes]
    assert 2 * 20 * 50 == count
    assert "ok" == check


def test_threads_creating_profiles_on_one_client_get_distinct_ids(tmp_path: Path):
    """Threads sharing one file Client all succeed and every id is distinct."""
    with Client(tmp_path / "s.db") as client:
        client.create_domain("d", default_expiration_days=1)
        ids: list[str] = []
        lock = threading.Lock()

        def create(tag: int) -> None:
            for n in range(25):
                profile_id = client.create_profile("d", first_name=f"t{tag}n{n}")
                with lock:
                    ids.append(profile_id)

        threads = [threading.Thread(target=create, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert 100 == client.get_domain("d").stats.profile_count
    assert 100 == len(set(ids))
