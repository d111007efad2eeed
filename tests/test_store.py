"""Tests of the SQLite store: schema, transactions, tables and their methods."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest

import profilematch as pm
from profilematch._store import (
    MIGRATIONS,
    JobRecord,
    ProfileWrite,
    Store,
)
from profilematch._store._connection import bulk_cache

T0 = datetime(2026, 12, 5, 0, 0, tzinfo=timezone.utc)


@attrs.frozen
class Group:
    """A stand-in for MatchItem with the three fields write_generation reads."""

    match_id: str
    profile_ids: tuple[str, ...]
    confidence_score: float


def pid(number: int) -> str:
    """A readable 32-hex profile id."""
    return f"{number:032x}"


@pytest.fixture
def store():
    """An in-memory store with one domain, 'retail'."""
    with Store() as fresh:
        fresh.insert_domain("retail", {"DefaultExpirationDays": 30}, now=T0)
        yield fresh


def write(number: int, raw=None, keys=(), source_name=None) -> ProfileWrite:
    """A profile write with a readable id."""
    return ProfileWrite(
        profile_id=pid(number),
        raw=raw if raw is not None else {"FirstName": f"p{number}"},
        features_json=None,
        keys=tuple(keys),
        source_name=source_name,
    )


def test_new_file_store_gets_every_migration(tmp_path: Path):
    """A new file store applies every migration once, in order, and reopens cleanly."""
    path = str(tmp_path / "s.db")

    with Store(path) as first:
        applied = first.applied_migrations()
    with Store(path) as again:
        reapplied = again.applied_migrations()

    assert [m.name for m in MIGRATIONS] == applied
    assert applied == reapplied


def test_file_store_uses_wal(tmp_path: Path):
    """A file store runs in WAL mode so readers never block the writer."""
    path = str(tmp_path / "s.db")

    with Store(path), contextlib.closing(sqlite3.connect(path)) as connection:
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]

    assert "wal" == mode


def test_atomic_rolls_back_everything_on_error(store: Store):
    """An error inside atomic() undoes every write of the block, nested ones too."""
    with pytest.raises(RuntimeError), store.atomic():
        store.insert_profiles("retail", [write(1)])
        with store.atomic():
            store.insert_profiles("retail", [write(2)])
        raise RuntimeError("boom")

    assert 0 == store.count_profiles("retail")


def test_savepoint_rolls_back_only_the_inner_block(store: Store):
    """A failed nested atomic() undoes its own writes and keeps the outer ones."""
    with store.atomic():
        store.insert_profiles("retail", [write(1)])
        with pytest.raises(RuntimeError), store.atomic():
            store.insert_profiles("retail", [write(2)])
            raise RuntimeError("boom")

    assert [pid(1)] == [
        p for batch in store.profile_features("retail") for p, _ in batch
    ]


def test_profile_features_come_in_batches_in_ingest_order(store: Store):
    """Features come a batch at a time, in ingest order, each profile once."""
    store.insert_profiles("retail", [write(n) for n in (5, 1, 4, 2, 3)])

    batches = list(store.profile_features("retail", batch_size=2))

    assert [2, 2, 1] == [len(batch) for batch in batches]
    assert [pid(n) for n in (5, 1, 4, 2, 3)] == [p for b in batches for p, _ in b]


def test_writes_between_feature_batches_are_allowed(store: Store):
    """The caller may write between batches; an updated profile is not read twice."""
    store.insert_profiles("retail", [write(n) for n in range(1, 5)])
    seen = []

    for batch in store.profile_features("retail", batch_size=2):
        seen.extend(p for p, _ in batch)
        store.replace_profile("retail", write(1, raw={"FirstName": "again"}))

    assert [pid(n) for n in range(1, 5)] == seen


def test_write_inside_a_snapshot_is_refused(store: Store):
    """atomic() inside snapshot() is refused, and the store stays usable."""
    with pytest.raises(pm.InternalServerException, match="snapshot"), store.snapshot():
        store.set_meta("k", "v")

    store.set_meta("k", "w")

    assert "w" == store.get_meta("k")


def test_snapshot_inside_atomic_sees_the_open_transaction(store: Store):
    """A read inside atomic() sees the writes made so far in that transaction."""
    with store.atomic():
        store.set_meta("k", "v")
        with store.snapshot():
            seen = store.get_meta("k")

    assert "v" == seen


def test_database_locked_becomes_throttling(tmp_path: Path):
    """A writer that cannot get the lock in time gets ThrottlingException."""
    path = str(tmp_path / "s.db")
    blocker = sqlite3.connect(path, isolation_level=None)

    with contextlib.closing(blocker), Store(path, busy_timeout=0.05) as store:
        blocker.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(pm.ThrottlingException):
                store.insert_domain("late", {})
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()


def test_closed_store_refuses_work():
    """A closed store raises InternalServerException instead of touching SQLite."""
    store = Store()
    store.close()

    with pytest.raises(pm.InternalServerException):
        store.get_meta("x")


def test_token_secret_is_created_once_and_kept(tmp_path: Path):
    """The token secret is made on first use and the same after reopening."""
    path = str(tmp_path / "s.db")

    with Store(path) as first:
        secret = first.token_secret()
    with Store(path) as again:
        kept = again.token_secret()

    assert secret == kept
    assert 32 == len(secret)


def test_meta_values_replace(store: Store):
    """set_meta replaces a value and get_meta returns None for an unknown key."""
    store.set_meta("k", "1")
    store.set_meta("k", "2")

    assert ("2", None) == (store.get_meta("k"), store.get_meta("missing"))


def test_domain_insert_get_update(store: Store):
    """A domain keeps its config and timestamps; an update changes only the stamp."""
    later = T0 + timedelta(hours=1)

    updated = store.update_domain("retail", {"DefaultExpirationDays": 9}, now=later)

    assert {"DefaultExpirationDays": 9} == store.get_domain("retail").config
    assert (T0, later) == (updated.created_at, updated.last_updated_at)


def test_domain_duplicate_is_bad_request(store: Store):
    """Creating a domain twice names the field and the rule."""
    with pytest.raises(pm.BadRequestException) as caught:
        store.insert_domain("retail", {})

    assert ("DomainName", "unique") == (caught.value.field, caught.value.rule)


def test_unknown_domain_is_not_found(store: Store):
    """Every domain lookup of an unknown name raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException, match="'nope' does not exist"):
        store.get_domain("nope")


def test_delete_domain_takes_everything_with_it(store: Store):
    """Deleting a domain removes its profiles, keys, jobs and results."""
    store.insert_profiles("retail", [write(1, keys=[("_account", "a")])])
    store.insert_job(JobRecord(domain_name="retail", job_id=pid(9), status="PENDING"))
    store.write_generation("retail", pid(9), [Group("m", (pid(1), pid(2)), 0.9)])

    store.delete_domain("retail")
    store.insert_domain("retail", {})

    assert 0 == store.count_profiles("retail")
    assert [] == store.list_jobs("retail", limit=10)
    assert None is store.latest_generation("retail")
    assert [] == store.search_profile_ids(
        "retail", [("_account", ["a"])], logical_operator="OR", limit=10
    )


def test_list_domains_pages_by_name(store: Store):
    """list_domains returns names in order, resuming after the last one seen."""
    for name in ("b", "a", "c"):
        store.insert_domain(name, {})

    first = store.list_domains(limit=2)
    rest = store.list_domains(limit=10, after=first[-1].domain_name)

    assert ["a", "b"] == [d.domain_name for d in first]
    assert ["c", "retail"] == [d.domain_name for d in rest]


def test_profiles_round_trip_with_source_and_stamps(store: Store):
    """A profile keeps its raw JSON, source and a stamp per attribute."""
    raw = {"FirstName": "Ann", "Attributes": {"tier": "gold"}}

    store.insert_profiles("retail", [write(1, raw, source_name="crm")], now=T0)
    record = store.get_profile("retail", pid(1))

    assert raw == record.raw
    assert "crm" == record.source_name
    assert {"FirstName": T0, "Attributes.tier": T0} == record.attribute_updated_at


def test_bulk_insert_is_all_or_nothing(store: Store):
    """A duplicate id in a bulk insert leaves nothing written."""
    with pytest.raises(pm.BadRequestException):
        store.insert_profiles("retail", [write(1), write(2), write(1)])

    assert 0 == store.count_profiles("retail")


def test_replace_profile_restamps_only_changed_attributes(store: Store):
    """Only changed or new attributes get the new time; removed ones leave the map."""
    later = T0 + timedelta(days=1)
    store.insert_profiles(
        "retail", [write(1, {"FirstName": "Ann", "LastName": "Lee"})], now=T0
    )

    record = store.replace_profile(
        "retail", write(1, {"FirstName": "Ann", "BirthDate": "1990-01-02"}), now=later
    )

    assert {"FirstName": T0, "BirthDate": later} == record.attribute_updated_at
    assert later == record.updated_at


def test_delete_profile_and_missing_profile(store: Store):
    """A deleted profile is gone; deleting it again raises ResourceNotFoundException."""
    store.insert_profiles("retail", [write(1)])

    store.delete_profile("retail", pid(1))

    with pytest.raises(pm.ResourceNotFoundException, match="does not exist"):
        store.delete_profile("retail", pid(1))


def test_search_and_or(store: Store):
    """AND keeps profiles with every key, OR those with any, in id order."""
    store.insert_profiles(
        "retail",
        [
            write(1, keys=[("_email", "a@x.com"), ("_account", "1")]),
            write(2, keys=[("_email", "a@x.com")]),
            write(3, keys=[("_account", "1")]),
        ],
    )
    clauses = [("_email", ["a@x.com"]), ("_account", ["1"])]

    both = store.search_profile_ids("retail", clauses, logical_operator="AND", limit=9)
    either = store.search_profile_ids("retail", clauses, logical_operator="OR", limit=9)
    after = store.search_profile_ids(
        "retail", clauses, logical_operator="OR", limit=1, after=pid(1)
    )

    assert [pid(1)] == both
    assert [pid(1), pid(2), pid(3)] == either
    assert [pid(2)] == after


def test_iter_profiles_in_ingest_order_across_batches(store: Store):
    """iter_profiles yields every profile in ingest order, whatever the batch size."""
    store.insert_profiles("retail", [write(n) for n in (5, 3, 9, 1)])

    ids = [record.profile_id for record in store.iter_profiles("retail", batch_size=3)]

    assert [pid(5), pid(3), pid(9), pid(1)] == ids


def test_merged_profile_leaves_tombstone_and_history(store: Store):
    """A merged profile is deleted, points at its main profile and keeps history."""
    store.insert_profiles("retail", [write(1), write(2)])

    with store.atomic():
        store.mark_merged("retail", pid(2), pid(1), now=T0)
        store.add_history("retail", pid(1), {"merged": [pid(2)]}, now=T0)

    assert pid(1) == store.merged_into("retail", pid(2))
    assert [({"merged": [pid(2)]}, T0)] == store.history("retail", pid(1))
    with pytest.raises(
        pm.ResourceNotFoundException, match=f"merged into profile {pid(1)}"
    ):
        store.get_profile("retail", pid(2))


def test_jobs_insert_update_get_list_newest_first(store: Store):
    """Jobs are stored, updated field by field and listed newest first in pages."""
    for n in range(3):
        store.insert_job(
            JobRecord(
                domain_name="retail",
                job_id=pid(n),
                status="PENDING",
                job_start_time=T0 + timedelta(minutes=n),
            )
        )

    store.update_job(
        "retail",
        pid(1),
        status="COMPLETED",
        stats={"NumberOfMatchesFound": 4},
        model_json='{"m":1}',
    )
    first = store.list_jobs("retail", limit=2)
    rest = store.list_jobs("retail", limit=2, after=Store.job_position(first[-1]))

    assert "COMPLETED" == store.get_job("retail", pid(1)).status
    assert {"NumberOfMatchesFound": 4} == store.get_job("retail", pid(1)).stats
    assert [pid(2), pid(1)] == [job.job_id for job in first]
    assert [pid(0)] == [job.job_id for job in rest]
    assert '{"m":1}' == store.latest_model_json("retail")


def test_unknown_job_is_not_found(store: Store):
    """get_job of an unknown id raises ResourceNotFoundException."""
    with pytest.raises(pm.ResourceNotFoundException, match="job"):
        store.get_job("retail", pid(1))


def test_write_generation_ranks_and_flips_latest(store: Store):
    """A generation is ranked by score then match id and becomes the latest."""
    groups = [
        Group("b", (pid(1), pid(2)), 0.5),
        Group("a", (pid(3), pid(4)), 0.5),
        Group("c", (pid(5), pid(6)), 0.9),
    ]

    generation = store.write_generation("retail", None, groups, now=T0)
    latest = store.latest_generation("retail")
    rows = store.read_matches(generation, offset=0, limit=10)

    assert latest is not None
    assert (generation, 3, T0) == (
        latest.generation_id,
        latest.potential_matches,
        latest.created_at,
    )
    assert ["c", "a", "b"] == [row.match_id for row in rows]
    assert (pid(3), pid(4)) == rows[1].profile_ids


def test_write_generation_keeps_previous_and_drops_older(store: Store):
    """After a new generation the previous one stays readable; older ones go."""
    first = store.write_generation("retail", None, [Group("a", (pid(1),), 1.0)])
    second = store.write_generation("retail", None, [Group("b", (pid(2),), 1.0)])
    third = store.write_generation("retail", None, [Group("c", (pid(3),), 1.0)])

    assert None is store.get_generation("retail", first)
    assert [] == store.read_matches(first, offset=0, limit=5)
    assert ["b"] == [r.match_id for r in store.read_matches(second, offset=0, limit=5)]
    assert third == store.latest_generation("retail").generation_id


def test_generation_of_another_domain_is_not_returned(store: Store):
    """get_generation does not hand out another domain's generation."""
    store.insert_domain("other", {})
    generation = store.write_generation("other", None, [])

    assert None is store.get_generation("retail", generation)


def test_failed_generation_write_leaves_latest_alone(store: Store):
    """A generation written in a transaction that fails never becomes visible."""
    first = store.write_generation("retail", None, [Group("a", (pid(1),), 1.0)])

    with pytest.raises(RuntimeError), store.atomic():
        store.write_generation("retail", None, [Group("b", (pid(2),), 1.0)])
        raise RuntimeError("the job failed after writing")

    assert first == store.latest_generation("retail").generation_id
    assert ["a"] == [r.match_id for r in store.read_matches(first, offset=0, limit=5)]


def test_lease_is_exclusive_until_expiry(store: Store):
    """A lease held by one owner is refused to another until it expires."""
    taken = store.acquire_lease("job", "p1", ttl_seconds=60, now=T0)
    refused = store.acquire_lease("job", "p2", ttl_seconds=60, now=T0)
    renewed = store.acquire_lease("job", "p1", ttl_seconds=60, now=T0)
    expired = store.acquire_lease(
        "job", "p2", ttl_seconds=60, now=T0 + timedelta(seconds=61)
    )

    assert (True, False, True, True) == (taken, refused, renewed, expired)


def test_released_lease_can_be_taken(store: Store):
    """After its owner releases a lease another owner can take it."""
    store.acquire_lease("job", "p1", ttl_seconds=60, now=T0)

    store.release_lease("job", "p1")

    assert store.acquire_lease("job", "p2", ttl_seconds=60, now=T0)


def test_lease_race_between_connections_has_one_winner(tmp_path: Path):
    """Of many threads with their own connections racing for a lease, one wins."""
    path = str(tmp_path / "s.db")
    Store(path).close()
    wins: list[str] = []
    barrier = threading.Barrier(8)

    def race(owner: str) -> None:
        with Store(path) as mine:
            barrier.wait()
            if mine.acquire_lease("job", owner, ttl_seconds=60, now=T0):
                wins.append(owner)

    threads = [threading.Thread(target=race, args=(f"o{n}",)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert 1 == len(wins)


def test_memory_store_shared_between_threads():
    """An in-memory store can be written from many threads without losing rows."""
    with Store() as store:
        store.insert_domain("d", {})

        def insert(start: int) -> None:
            for n in range(start, start + 20):
                store.insert_profiles("d", [write(n)])

        threads = [threading.Thread(target=insert, args=(k * 100,)) for k in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert 80 == store.count_profiles("d")


def test_bulk_cache_is_larger_inside_and_restored_after_even_on_error() -> None:
    """bulk_cache raises the page cache for its block and puts the old size back."""
    connection = sqlite3.connect(":memory:")
    before = connection.execute("PRAGMA cache_size").fetchone()[0]

    with bulk_cache(connection):
        inside = connection.execute("PRAGMA cache_size").fetchone()[0]
    with contextlib.suppress(RuntimeError), bulk_cache(connection):
        raise RuntimeError("the write failed")
    after = connection.execute("PRAGMA cache_size").fetchone()[0]

    assert inside < before < 0  # negative sizes are KiB: more negative, larger
    assert before == after
