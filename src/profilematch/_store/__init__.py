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
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Protocol

import attrs

from profilematch._errors import ResourceNotFoundException
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
)
from profilematch._store._merged import _Merged
from profilematch._store._profiles import ProfileRecord, ProfileWrite
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
class Store(_Schema, _Merged, _Leases):
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
