"""The embedded SQLite store: domains, profiles, jobs, results and leases.

One Store wraps one SQLite database, a file or ``:memory:``. The Client is a
thin facade over it; the job runner and merging use it directly. Rules kept
throughout:

- Every value is bound with ``?``; table and column names are constants.
- ``atomic()`` is the one way to write: the outermost call is a
  ``BEGIN IMMEDIATE`` transaction, nested calls are savepoints, so a bulk write
  applies fully or not at all.
- File stores use WAL and a busy timeout and open one connection per thread;
  ``:memory:`` has one connection shared by every thread behind a lock.
- "database is locked" becomes ThrottlingException; other SQLite failures
  become InternalServerException, and the transaction is rolled back.
- The schema is a list of named, ordered migrations, applied once each.
- Match results are generations: ``write_generation`` inserts a whole
  generation and flips the domain's latest pointer in one transaction, keeps
  the previous generation for readers still paging, and drops older ones.

Timestamps are stored as ISO 8601 text in UTC with microseconds (so text order
is time order) and returned as aware datetimes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import attrs

from profilematch._errors import (
    BadRequestException,
    ResourceNotFoundException,
)
from profilematch._store._connection import (
    _dumps,
    _from_iso,
    _from_iso_or_none,
    _Handle,
    _iso,
    _iso_or_none,
    _Leases,
    _loads_or_none,
    utc_now,
)
from profilematch._store._domains import (
    DOMAIN_NOT_FOUND_HINT,
    DomainRecord,
    _Domains,
)
from profilematch._store._schema import MIGRATIONS, Migration, _Schema

__all__ = [
    "DOMAIN_NOT_FOUND_HINT",
    "MIGRATIONS",
    "DomainRecord",
    "GenerationRecord",
    "JobRecord",
    "MatchRecord",
    "Migration",
    "ProfileRecord",
    "ProfileWrite",
    "Store",
    "utc_now",
]

logger = logging.getLogger(__name__)


@attrs.frozen
class ProfileWrite:
    """A profile ready to be written.

    Attributes:
        profile_id: 32 lowercase hex characters.
        raw: the profile in the service's shape, without ProfileId.
        features_json: the canonical features (ProfileFeatures.to_json()), or None.
        keys: the search keys, ``(key_name, key_value)`` pairs.
        source_name: where the profile came from, or None.
    """

    profile_id: str
    raw: dict[str, Any]
    features_json: str | None
    keys: tuple[tuple[str, str], ...]
    source_name: str | None = None


@attrs.frozen
class ProfileRecord:
    """A stored profile.

    Attributes:
        profile_id: 32 lowercase hex characters.
        raw: the profile in the service's shape, without ProfileId.
        features_json: the canonical features, or None if not computed.
        source_name: where the profile came from, or None.
        created_at: when it was first written.
        updated_at: when it last changed.
        attribute_updated_at: for each top-level attribute (service name, with
            ``Attributes.<key>`` for custom attributes), when it last changed.
    """

    profile_id: str
    raw: dict[str, Any]
    features_json: str | None
    source_name: str | None
    created_at: datetime
    updated_at: datetime
    attribute_updated_at: dict[str, datetime]


@attrs.frozen
class JobRecord:
    """A stored identity resolution job.

    Attributes mirror IdentityResolutionJob; the JSON-like ones (stats,
    exporting_location, auto_merging) are in the service's shape, and
    ``model_json`` is the trained model parameters as the matcher wrote them.
    """

    domain_name: str
    job_id: str
    status: str
    job_start_time: datetime | None = None
    job_end_time: datetime | None = None
    last_updated_at: datetime | None = None
    job_expiration_time: datetime | None = None
    stats: dict[str, Any] | None = None
    message: str | None = None
    model_json: str | None = None
    exporting_location: dict[str, Any] | None = None
    auto_merging: dict[str, Any] | None = None
    report: dict[str, Any] | None = None


@attrs.frozen
class GenerationRecord:
    """One stored generation of match results."""

    generation_id: int
    domain_name: str
    job_id: str | None
    created_at: datetime
    potential_matches: int


@attrs.frozen
class MatchRecord:
    """One stored match group, at its rank in its generation."""

    rank: int
    match_id: str
    profile_ids: tuple[str, ...]
    confidence_score: float


class MatchGroup(Protocol):
    """Anything with the three fields of a MatchItem."""

    @property
    def match_id(self) -> str: ...

    @property
    def profile_ids(self) -> Sequence[str]: ...

    @property
    def confidence_score(self) -> float: ...


@attrs.define
class Store(_Schema, _Domains, _Leases):
    """A SQLite store for profilematch (a file, or in memory).

    Args:
        path: a database file, created with its schema on first use; None or
            ``":memory:"`` for a private in-memory store.
        busy_timeout: seconds to wait for another writer before giving up with
            ThrottlingException.
    """

    def __attrs_post_init__(self) -> None:
        if self.path is None or self.path == ":memory:":
            self._shared = _Handle(self._connect(":memory:"))
        self._migrate()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- profiles ------------------------------------------------------------

    @staticmethod
    def _attribute_stamps(raw: Mapping[str, Any], stamp: str) -> dict[str, str]:
        return {name: stamp for name in _flat_attributes(raw)}

    @staticmethod
    def _insert_keys(
        connection: sqlite3.Connection, domain: str, writes: Iterable[ProfileWrite]
    ) -> None:
        connection.executemany(
            "INSERT INTO profile_keys (domain_name, key_name, key_value, profile_id) "
            "VALUES (?, ?, ?, ?)",
            (
                (domain, key_name, key_value, write.profile_id)
                for write in writes
                for key_name, key_value in write.keys
            ),
        )

    def insert_profiles(
        self,
        domain: str,
        writes: Sequence[ProfileWrite],
        *,
        now: datetime | None = None,
    ) -> None:
        """Insert profiles and their search keys in one transaction.

        Raises:
            ResourceNotFoundException: no such domain.
            BadRequestException: a profile id is already taken; nothing written.
        """
        stamp = _iso(now or utc_now())

        with self.atomic() as connection:
            self._domain_row(connection, domain)
            try:
                connection.executemany(
                    "INSERT INTO profiles (domain_name, profile_id, raw_json, "
                    "features_json, source_name, created_at, updated_at, "
                    "attribute_updated_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (
                            domain,
                            write.profile_id,
                            _dumps(write.raw),
                            write.features_json,
                            write.source_name,
                            stamp,
                            stamp,
                            _dumps(self._attribute_stamps(write.raw, stamp)),
                        )
                        for write in writes
                    ),
                )
            except sqlite3.IntegrityError as error:
                raise BadRequestException(
                    f"ProfileId: a profile id is already taken ({error}); let "
                    "profilematch choose the ids",
                    field="ProfileId",
                    rule="unique",
                ) from None
            self._insert_keys(connection, domain, writes)

    def replace_profile(
        self, domain: str, write: ProfileWrite, *, now: datetime | None = None
    ) -> ProfileRecord:
        """Replace a stored profile's content, features and keys.

        Attributes whose value changed (or appeared) get ``now`` as their
        last-updated time; removed attributes leave the map. The source name is
        replaced only when the write names one.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        stamp = _iso(now or utc_now())

        with self.atomic() as connection:
            old = self._profile_row(connection, domain, write.profile_id)
            if old is None:
                raise self._missing_profile(connection, domain, write.profile_id)
            old_stamps = {
                name: _iso(moment) for name, moment in old.attribute_updated_at.items()
            }
            old_values = _flat_attributes(old.raw)
            stamps = {
                name: old_stamps.get(name, stamp)
                if old_values.get(name) == value
                else stamp
                for name, value in _flat_attributes(write.raw).items()
            }
            connection.execute(
                "UPDATE profiles SET raw_json = ?, features_json = ?, "
                "source_name = COALESCE(?, source_name), updated_at = ?, "
                "attribute_updated_json = ? WHERE domain_name = ? AND profile_id = ?",
                (
                    _dumps(write.raw),
                    write.features_json,
                    write.source_name,
                    stamp,
                    _dumps(stamps),
                    domain,
                    write.profile_id,
                ),
            )
            connection.execute(
                "DELETE FROM profile_keys WHERE domain_name = ? AND profile_id = ?",
                (domain, write.profile_id),
            )
            self._insert_keys(connection, domain, [write])
            record = self._profile_row(connection, domain, write.profile_id)
            assert record is not None
            return record

    def delete_profile(self, domain: str, profile_id: str) -> None:
        """Delete a profile and its search keys.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        with self.atomic() as connection:
            cursor = connection.execute(
                "DELETE FROM profiles WHERE domain_name = ? AND profile_id = ?",
                (domain, profile_id),
            )
            if cursor.rowcount == 0:
                raise self._missing_profile(connection, domain, profile_id)
            connection.execute(
                "DELETE FROM profile_keys WHERE domain_name = ? AND profile_id = ?",
                (domain, profile_id),
            )

    def _missing_profile(
        self, connection: sqlite3.Connection, domain: str, profile_id: str
    ) -> ResourceNotFoundException:
        self._domain_row(connection, domain)
        row = connection.execute(
            "SELECT merged_into FROM merged_profiles "
            "WHERE domain_name = ? AND profile_id = ?",
            (domain, profile_id),
        ).fetchone()
        if row is not None:
            return ResourceNotFoundException(
                f"profile {profile_id} was merged into profile {row[0]}; use "
                f"{row[0]} instead"
            )
        return ResourceNotFoundException(
            f"profile {profile_id} does not exist in domain {domain!r}; check the id"
        )

    @staticmethod
    def _profile_from_row(row: Sequence[Any]) -> ProfileRecord:
        return ProfileRecord(
            profile_id=row[0],
            raw=json.loads(row[1]),
            features_json=row[2],
            source_name=row[3],
            created_at=_from_iso(row[4]),
            updated_at=_from_iso(row[5]),
            attribute_updated_at={
                name: _from_iso(text) for name, text in json.loads(row[6]).items()
            },
        )

    _PROFILE_COLUMNS = (
        "profile_id, raw_json, features_json, source_name, created_at, updated_at, "
        "attribute_updated_json"
    )

    def _profile_row(
        self, connection: sqlite3.Connection, domain: str, profile_id: str
    ) -> ProfileRecord | None:
        row = connection.execute(
            f"SELECT {self._PROFILE_COLUMNS} FROM profiles "
            "WHERE domain_name = ? AND profile_id = ?",
            (domain, profile_id),
        ).fetchone()

        return None if row is None else self._profile_from_row(row)

    def get_profile(self, domain: str, profile_id: str) -> ProfileRecord:
        """Return one profile.

        Raises:
            ResourceNotFoundException: no such domain or profile; a merged
                profile's message names the profile it was merged into.
        """
        with self.snapshot() as connection:
            record = self._profile_row(connection, domain, profile_id)
            if record is None:
                raise self._missing_profile(connection, domain, profile_id)

        return record

    def get_profiles(
        self, domain: str, profile_ids: Sequence[str]
    ) -> dict[str, ProfileRecord]:
        """Return the stored profiles among ``profile_ids`` by id, skipping absent ones.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        found: dict[str, ProfileRecord] = {}

        with self.snapshot() as connection:
            self._domain_row(connection, domain)
            for profile_id in dict.fromkeys(profile_ids):
                record = self._profile_row(connection, domain, profile_id)
                if record is not None:
                    found[profile_id] = record

        return found

    def missing_profile_message(self, domain: str, profile_id: str) -> str:
        """Say why a profile cannot be found (absent, or merged into another)."""
        with self.snapshot() as connection:
            return self._missing_profile(connection, domain, profile_id).message

    def _pages(self, domain: str, columns: str, batch_size: int) -> Iterator[list[Any]]:
        """Yield a domain's profile rows in ingest order, a batch per read.

        Each row is ``(rowid, *columns)``. The read walks the table by rowid
        ("+domain_name" keeps SQLite off the (domain, id) index, through which
        every page would scan and sort all the domain's remaining rows).
        Updates keep a profile's place, so no profile comes twice; one stored
        while the pages are read may come or not.
        """
        last_rowid = 0

        while True:
            with self.snapshot() as connection:
                rows = connection.execute(
                    f"SELECT rowid, {columns} FROM profiles "
                    "WHERE +domain_name = ? AND rowid > ? ORDER BY rowid LIMIT ?",
                    (domain, last_rowid, batch_size),
                ).fetchall()
            if not rows:
                return
            yield rows
            last_rowid = rows[-1][0]

    def iter_profiles(
        self, domain: str, *, batch_size: int = 1000
    ) -> Iterator[ProfileRecord]:
        """Yield every profile of a domain in ingest order, a batch per read."""
        for rows in self._pages(domain, self._PROFILE_COLUMNS, batch_size):
            for row in rows:
                yield self._profile_from_row(row[1:])

    def profile_features(
        self, domain: str, *, batch_size: int = 10_000
    ) -> Iterator[list[tuple[str, str | None]]]:
        """Yield ``(profile_id, features_json)`` of every profile, in ingest order.

        A batch per read, so the caller may write to the store between batches
        (a job renews its lease meanwhile).
        """
        for rows in self._pages(domain, "profile_id, features_json", batch_size):
            yield [(row[1], row[2]) for row in rows]

    def search_profile_ids(
        self,
        domain: str,
        clauses: Sequence[tuple[str, Sequence[str]]],
        *,
        logical_operator: str,
        limit: int,
        after: str | None = None,
    ) -> list[str]:
        """Return profile ids matching search clauses, in id order.

        Args:
            domain: the domain.
            clauses: ``(key_name, values)`` pairs; a clause holds when the
                profile has the key with any of the values (already normalized).
            logical_operator: ``"AND"`` (every clause) or ``"OR"`` (any).
            limit: the most ids to return.
            after: return ids greater than this one.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        selects: list[str] = []
        params: list[Any] = []
        for key_name, values in clauses:
            marks = ", ".join("?" for _ in values)
            selects.append(
                "SELECT profile_id FROM profile_keys WHERE domain_name = ? "
                f"AND key_name = ? AND key_value IN ({marks})"
            )
            params.extend([domain, key_name, *values])
        joiner = " INTERSECT " if logical_operator == "AND" else " UNION "
        query = (
            f"SELECT DISTINCT profile_id FROM ({joiner.join(selects)}) "
            "WHERE profile_id > ? ORDER BY profile_id LIMIT ?"
        )

        with self.snapshot() as connection:
            self._domain_row(connection, domain)
            rows = connection.execute(
                query, (*params, "" if after is None else after, limit)
            ).fetchall()

        return [row[0] for row in rows]

    def count_key_holders(self, domain: str, key_name: str, key_value: str) -> int:
        """Return how many profiles hold one search key (an indexed lookup).

        Args:
            domain: the domain.
            key_name: the key's name, such as ``_phone``.
            key_value: the stored key value, as written at ingest.
        """
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT COUNT(DISTINCT profile_id) FROM profile_keys "
                "WHERE domain_name = ? AND key_name = ? AND key_value = ?",
                (domain, key_name, key_value),
            ).fetchone()

        return int(row[0])

    def features_containing(
        self, domain: str, texts: Sequence[str]
    ) -> list[tuple[str, str | None, dict[str, Any] | None]]:
        """Return the profiles whose features JSON contains any of the texts.

        One pass over the domain's profiles in SQL; only the rows that hold a
        text come back, so the caller parses a few features, not all. A
        profile stored without features comes back too, with its raw profile,
        since what its features would hold is not known here.

        Args:
            domain: the domain.
            texts: substrings of the features JSON; a row holding one matches.

        Returns:
            ``(profile_id, features_json, raw)`` per row; ``raw`` (the profile
            in the service's shape) only when ``features_json`` is None.
        """
        if not texts:
            return []

        contains = " OR ".join("instr(features_json, ?) > 0" for _ in texts)
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT profile_id, features_json, "
                "CASE WHEN features_json IS NULL THEN raw_json END FROM profiles "
                f"WHERE domain_name = ? AND (features_json IS NULL OR {contains})",
                (domain, *texts),
            ).fetchall()

        return [
            (row[0], row[1], None if row[2] is None else json.loads(row[2]))
            for row in rows
        ]

    # -- merged profiles and history ------------------------------------------

    def mark_merged(
        self,
        domain: str,
        profile_id: str,
        merged_into: str,
        *,
        now: datetime | None = None,
    ) -> None:
        """Delete a profile and leave a tombstone pointing at the profile it joined.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        with self.atomic() as connection:
            self.delete_profile(domain, profile_id)
            connection.execute(
                "INSERT OR REPLACE INTO merged_profiles (domain_name, profile_id, "
                "merged_into, merged_at) VALUES (?, ?, ?, ?)",
                (domain, profile_id, merged_into, _iso(now or utc_now())),
            )

    def merged_into(self, domain: str, profile_id: str) -> str | None:
        """Return the profile a merged profile went into, or None."""
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT merged_into FROM merged_profiles "
                "WHERE domain_name = ? AND profile_id = ?",
                (domain, profile_id),
            ).fetchone()

        return None if row is None else str(row[0])

    def add_history(
        self,
        domain: str,
        profile_id: str,
        event: Mapping[str, Any],
        *,
        now: datetime | None = None,
    ) -> None:
        """Append an event (any JSON object) to a profile's history."""
        with self.atomic() as connection:
            connection.execute(
                "INSERT INTO profile_history (domain_name, profile_id, event_json, at) "
                "VALUES (?, ?, ?, ?)",
                (domain, profile_id, _dumps(dict(event)), _iso(now or utc_now())),
            )

    def history(
        self, domain: str, profile_id: str
    ) -> list[tuple[dict[str, Any], datetime]]:
        """Return a profile's history events, oldest first, with their times."""
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT event_json, at FROM profile_history "
                "WHERE domain_name = ? AND profile_id = ? ORDER BY event_id",
                (domain, profile_id),
            ).fetchall()

        return [(json.loads(row[0]), _from_iso(row[1])) for row in rows]

    # -- jobs ------------------------------------------------------------------

    @staticmethod
    def _job_params(job: JobRecord) -> tuple[Any, ...]:
        return (
            job.status,
            _iso_or_none(job.job_start_time),
            _iso_or_none(job.job_end_time),
            _iso_or_none(job.last_updated_at),
            _iso_or_none(job.job_expiration_time),
            None if job.stats is None else _dumps(job.stats),
            job.message,
            job.model_json,
            None if job.exporting_location is None else _dumps(job.exporting_location),
            None if job.auto_merging is None else _dumps(job.auto_merging),
            None if job.report is None else _dumps(job.report),
            job.domain_name,
            job.job_id,
        )

    _JOB_COLUMNS = (
        "domain_name, job_id, status, job_start_time, job_end_time, "
        "last_updated_at, job_expiration_time, stats_json, message, model_json, "
        "exporting_location_json, auto_merging_json, report_json"
    )

    @staticmethod
    def _job_from_row(row: Sequence[Any]) -> JobRecord:
        return JobRecord(
            domain_name=row[0],
            job_id=row[1],
            status=row[2],
            job_start_time=_from_iso_or_none(row[3]),
            job_end_time=_from_iso_or_none(row[4]),
            last_updated_at=_from_iso_or_none(row[5]),
            job_expiration_time=_from_iso_or_none(row[6]),
            stats=_loads_or_none(row[7]),
            message=row[8],
            model_json=row[9],
            exporting_location=_loads_or_none(row[10]),
            auto_merging=_loads_or_none(row[11]),
            report=_loads_or_none(row[12]),
        )

    def insert_job(self, job: JobRecord) -> None:
        """Insert a job.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        with self.atomic() as connection:
            self._domain_row(connection, job.domain_name)
            connection.execute(
                "INSERT INTO jobs (status, job_start_time, job_end_time, "
                "last_updated_at, job_expiration_time, stats_json, message, "
                "model_json, exporting_location_json, auto_merging_json, "
                "report_json, domain_name, job_id) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                self._job_params(job),
            )

    def update_job(self, domain: str, job_id: str, **changes: Any) -> JobRecord:
        """Change some fields of a job and return the job as stored.

        Args:
            domain: the domain.
            job_id: the job.
            **changes: JobRecord fields and their new values.

        Raises:
            ResourceNotFoundException: no such job.
        """
        with self.atomic() as connection:
            job = attrs.evolve(self._job_row(connection, domain, job_id), **changes)
            connection.execute(
                "UPDATE jobs SET status = ?, job_start_time = ?, job_end_time = ?, "
                "last_updated_at = ?, job_expiration_time = ?, stats_json = ?, "
                "message = ?, model_json = ?, exporting_location_json = ?, "
                "auto_merging_json = ?, report_json = ? "
                "WHERE domain_name = ? AND job_id = ?",
                self._job_params(job),
            )

        return job

    def _job_row(
        self, connection: sqlite3.Connection, domain: str, job_id: str
    ) -> JobRecord:
        row = connection.execute(
            f"SELECT {self._JOB_COLUMNS} FROM jobs "
            "WHERE domain_name = ? AND job_id = ?",
            (domain, job_id),
        ).fetchone()
        if row is None:
            self._domain_row(connection, domain)
            raise ResourceNotFoundException(
                f"identity resolution job {job_id} does not exist in domain "
                f"{domain!r}; list the jobs with list_identity_resolution_jobs"
            )

        return self._job_from_row(row)

    def get_job(self, domain: str, job_id: str) -> JobRecord:
        """Return a job.

        Raises:
            ResourceNotFoundException: no such domain or job.
        """
        with self.snapshot() as connection:
            return self._job_row(connection, domain, job_id)

    def list_jobs(
        self,
        domain: str,
        *,
        limit: int,
        after: tuple[str, str] | None = None,
    ) -> list[JobRecord]:
        """Return up to ``limit`` jobs, newest first.

        Args:
            domain: the domain.
            limit: the most jobs to return.
            after: the ``job_position(job)`` of the last job of the previous page.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        query = f"SELECT {self._JOB_COLUMNS} FROM jobs WHERE domain_name = ? "
        params: list[Any] = [domain]
        if after is not None:
            query += "AND (COALESCE(job_start_time, ''), job_id) < (?, ?) "
            params.extend(after)
        query += "ORDER BY COALESCE(job_start_time, '') DESC, job_id DESC LIMIT ?"
        params.append(limit)

        with self.snapshot() as connection:
            self._domain_row(connection, domain)
            rows = connection.execute(query, params).fetchall()

        return [self._job_from_row(row) for row in rows]

    @staticmethod
    def job_position(job: JobRecord) -> tuple[str, str]:
        """Return the key list_jobs pages by, for a page token."""
        return (_iso_or_none(job.job_start_time) or "", job.job_id)

    def latest_model_json(self, domain: str) -> str | None:
        """Return the model of the newest job that stored one, or None."""
        with self.snapshot() as connection:
            row = connection.execute(
                "SELECT model_json FROM jobs WHERE domain_name = ? "
                "AND model_json IS NOT NULL "
                "ORDER BY COALESCE(job_start_time, '') DESC, job_id DESC LIMIT 1",
                (domain,),
            ).fetchone()

        return None if row is None else str(row[0])

    # -- generations of match results ---------------------------------------

    def write_generation(
        self,
        domain: str,
        job_id: str | None,
        groups: Iterable[MatchGroup],
        *,
        now: datetime | None = None,
    ) -> int:
        """Store match groups as a new generation and make it the latest.

        Groups are ranked by confidence score descending, then match id. The
        previous generation is kept so readers paging through it can finish;
        older ones are dropped.

        Args:
            domain: the domain.
            job_id: the job that produced the groups, or None.
            groups: MatchItems, or anything with match_id, profile_ids and
                confidence_score.
            now: the generation's date (default: now).

        Returns:
            The new generation id.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        ranked = sorted(
            (
                (
                    float(group.confidence_score),
                    str(group.match_id),
                    tuple(group.profile_ids),
                )
                for group in groups
            ),
            key=lambda item: (-item[0], item[1]),
        )

        with self.atomic() as connection:
            previous = self._domain_row(connection, domain).latest_generation_id
            cursor = connection.execute(
                "INSERT INTO generations (domain_name, job_id, created_at, "
                "potential_matches) VALUES (?, ?, ?, ?)",
                (domain, job_id, _iso(now or utc_now()), len(ranked)),
            )
            generation_id = cursor.lastrowid
            assert generation_id is not None
            connection.executemany(
                "INSERT INTO matches (generation_id, rank, domain_name, match_id, "
                "profile_ids_json, confidence_score) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (generation_id, rank, domain, match_id, _dumps(list(ids)), score)
                    for rank, (score, match_id, ids) in enumerate(ranked)
                ),
            )
            connection.execute(
                "UPDATE domains SET latest_generation_id = ? WHERE domain_name = ?",
                (generation_id, domain),
            )
            keep = (generation_id, -1 if previous is None else previous)
            for table in ("matches", "generations"):
                connection.execute(
                    f"DELETE FROM {table} WHERE domain_name = ? "
                    "AND generation_id NOT IN (?, ?)",
                    (domain, *keep),
                )

        logger.debug(
            "domain %s: generation %d with %d match groups",
            domain,
            generation_id,
            len(ranked),
        )
        return generation_id

    def latest_generation(self, domain: str) -> GenerationRecord | None:
        """Return the domain's latest generation, or None before the first job.

        Raises:
            ResourceNotFoundException: no such domain.
        """
        with self.snapshot() as connection:
            latest = self._domain_row(connection, domain).latest_generation_id
            return None if latest is None else self._generation_row(connection, latest)

    def get_generation(
        self, domain: str, generation_id: int
    ) -> GenerationRecord | None:
        """Return a generation of a domain, or None if it was dropped."""
        with self.snapshot() as connection:
            record = self._generation_row(connection, generation_id)

        return None if record is None or record.domain_name != domain else record

    @staticmethod
    def _generation_row(
        connection: sqlite3.Connection, generation_id: int
    ) -> GenerationRecord | None:
        row = connection.execute(
            "SELECT generation_id, domain_name, job_id, created_at, potential_matches "
            "FROM generations WHERE generation_id = ?",
            (generation_id,),
        ).fetchone()
        if row is None:
            return None

        return GenerationRecord(
            generation_id=row[0],
            domain_name=row[1],
            job_id=row[2],
            created_at=_from_iso(row[3]),
            potential_matches=row[4],
        )

    def read_matches(
        self, generation_id: int, *, offset: int, limit: int
    ) -> list[MatchRecord]:
        """Return up to ``limit`` match groups of a generation from a rank on."""
        with self.snapshot() as connection:
            rows = connection.execute(
                "SELECT rank, match_id, profile_ids_json, confidence_score "
                "FROM matches WHERE generation_id = ? AND rank >= ? "
                "ORDER BY rank LIMIT ?",
                (generation_id, offset, limit),
            ).fetchall()

        return [
            MatchRecord(
                rank=row[0],
                match_id=row[1],
                profile_ids=tuple(json.loads(row[2])),
                confidence_score=row[3],
            )
            for row in rows
        ]

    def unfinished_jobs(self, domain: str) -> list[JobRecord]:
        """Return a domain's jobs that are not COMPLETED, PARTIAL_SUCCESS or FAILED."""
        with self.snapshot() as connection:
            rows = connection.execute(
                f"SELECT {self._JOB_COLUMNS} FROM jobs WHERE domain_name = ? "
                "AND status NOT IN ('COMPLETED', 'PARTIAL_SUCCESS', 'FAILED') "
                "ORDER BY COALESCE(job_start_time, ''), job_id",
                (domain,),
            ).fetchall()

        return [self._job_from_row(row) for row in rows]

    def delete_job(self, domain: str, job_id: str) -> None:
        """Delete a job, if it exists."""
        with self.atomic() as connection:
            connection.execute(
                "DELETE FROM jobs WHERE domain_name = ? AND job_id = ?",
                (domain, job_id),
            )

    # -- merging support (added by the merging module) -------------------------

    def set_attribute_updated_at(
        self, domain: str, profile_id: str, stamps: Mapping[str, Any]
    ) -> None:
        """Replace a profile's per-attribute last-updated times.

        A merged profile keeps the time each value had in the profile it came
        from, so a later merge by recency still compares the values' own ages.

        Args:
            domain: the domain.
            profile_id: the profile.
            stamps: attribute name to a datetime or an ISO 8601 string.

        Raises:
            ResourceNotFoundException: no such domain or profile.
        """
        encoded = {
            name: _iso(value) if isinstance(value, datetime) else str(value)
            for name, value in stamps.items()
        }

        with self.atomic() as connection:
            cursor = connection.execute(
                "UPDATE profiles SET attribute_updated_json = ? "
                "WHERE domain_name = ? AND profile_id = ?",
                (_dumps(encoded), domain, profile_id),
            )
            if cursor.rowcount == 0:
                raise self._missing_profile(connection, domain, profile_id)

    def repoint_merged(self, domain: str, old_target: str, new_target: str) -> int:
        """Point tombstones that lead to a profile now merged at its new home.

        Returns:
            How many tombstones were changed.
        """
        with self.atomic() as connection:
            cursor = connection.execute(
                "UPDATE merged_profiles SET merged_into = ? "
                "WHERE domain_name = ? AND merged_into = ?",
                (new_target, domain, old_target),
            )

        return cursor.rowcount


def _flat_attributes(raw: Mapping[str, Any]) -> dict[str, Any]:
    flat = {name: value for name, value in raw.items() if name != "Attributes"}
    for key, value in (raw.get("Attributes") or {}).items():
        flat[f"Attributes.{key}"] = value
    return flat
