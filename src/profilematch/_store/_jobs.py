"""Identity resolution jobs: stored, changed, listed newest first and deleted."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import attrs

from profilematch._errors import ResourceNotFoundException
from profilematch._store._connection import (
    _dumps,
    _from_iso_or_none,
    _iso_or_none,
    _loads_or_none,
)
from profilematch._store._domains import _Domains

__all__ = ["JobRecord"]


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


class _Jobs(_Domains):
    """The jobs table."""

    __slots__ = ()

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
