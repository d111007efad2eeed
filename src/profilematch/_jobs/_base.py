"""What every part of a job shares: progress, final statuses and Matching settings.

A job reports its progress through a Progress callback and ends in one of the
FINAL_STATUSES. Running a job and telling when a scheduled one is due both read
the domain's Matching settings and refuse a domain whose matching is off.
``to_job`` turns a stored job into the IdentityResolutionJob the service shows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from profilematch._errors import BadRequestException
from profilematch._models import (
    AutoMerging,
    ExportingLocation,
    IdentityResolutionJob,
    JobStats,
    Matching,
)
from profilematch._store import JobRecord

__all__ = ["FINAL_STATUSES", "Progress", "to_job"]


Progress = Callable[[str, int, int], None]
"""A progress callback: ``(stage, done, total)``; stage is a job status."""

FINAL_STATUSES = frozenset({"COMPLETED", "PARTIAL_SUCCESS", "FAILED"})


def _matching_of(config: Mapping[str, Any]) -> Matching | None:
    """Return the domain's Matching settings, or None when it has none."""
    data = config.get("Matching")

    return None if data is None else Matching.from_dict(data)


def to_job(record: JobRecord) -> IdentityResolutionJob:
    """Return a stored job in the service's shape.

    Args:
        record: the job as the store keeps it.

    Returns:
        The IdentityResolutionJob.
    """
    return IdentityResolutionJob(
        domain_name=record.domain_name,
        job_id=record.job_id,
        status=record.status,
        job_start_time=record.job_start_time,
        job_end_time=record.job_end_time,
        last_updated_at=record.last_updated_at,
        job_expiration_time=record.job_expiration_time,
        auto_merging=(
            None
            if record.auto_merging is None
            else AutoMerging.from_dict(record.auto_merging)
        ),
        exporting_location=(
            None
            if record.exporting_location is None
            else ExportingLocation.from_dict(record.exporting_location)
        ),
        job_stats=None if record.stats is None else JobStats.from_dict(record.stats),
        message=record.message,
    )


def _check_enabled(domain: str, matching: Matching | None) -> Matching:
    """Return the domain's Matching when it is enabled.

    Raises:
        BadRequestException: matching is off for the domain.
    """
    if matching is not None and matching.enabled:
        return matching

    enabled = None if matching is None else matching.enabled
    raise BadRequestException(
        f"Matching.Enabled: identity resolution jobs need matching enabled on "
        f"domain {domain!r}; got {enabled}. Enable it with "
        f"update_domain(..., matching=Matching(enabled=True)).",
        field="Matching.Enabled",
        rule="must be true to run a job",
        value=enabled,
    )
