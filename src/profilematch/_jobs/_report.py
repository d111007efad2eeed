"""The job report: what a finished job found beyond its JobStats.

A job that finishes matching stores a JobReport made from the matcher's
statistics: candidate pairs, the blocking keys too common to make pairs, the
values that could not be normalized and the seconds of each stage. When some
blocking keys made no pairs, the job's message names the largest in a sentence.
``get_report`` reads the report back.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from profilematch._errors import ResourceNotFoundException
from profilematch._jobs._read import get_job
from profilematch._matcher import MatchStats
from profilematch._store import Store

__all__ = ["JobReport", "get_report"]


@attrs.frozen(kw_only=True)
class JobReport:
    """What a finished job found beyond its JobStats, for review and tuning.

    Attributes:
        job_id: the job.
        profiles: profiles reviewed.
        candidate_pairs: pairs that shared a blocking key.
        pairs_scored: candidate pairs the model scored.
        oversized_blocking_keys: blocking keys shared by more profiles than the
            limit, with their sizes; they made no candidate pairs. A
            switchboard number or a family email shows up here.
        invalid_values: per attribute, values that could not be normalized
            (kept raw, giving no evidence).
        seconds: seconds per matching stage.
        trained: whether the job trained its model (else it reused one).
    """

    job_id: str
    profiles: int
    candidate_pairs: int
    pairs_scored: int
    oversized_blocking_keys: Mapping[str, int]
    invalid_values: Mapping[str, int]
    seconds: Mapping[str, float]
    trained: bool

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-ready data."""
        return {
            "job_id": self.job_id,
            "profiles": self.profiles,
            "candidate_pairs": self.candidate_pairs,
            "pairs_scored": self.pairs_scored,
            "oversized_blocking_keys": dict(self.oversized_blocking_keys),
            "invalid_values": dict(self.invalid_values),
            "seconds": dict(self.seconds),
            "trained": self.trained,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> JobReport:
        """Rebuild a report from :meth:`to_dict`'s output."""
        return cls(
            job_id=data["job_id"],
            profiles=data["profiles"],
            candidate_pairs=data["candidate_pairs"],
            pairs_scored=data["pairs_scored"],
            oversized_blocking_keys=_largest_first(data["oversized_blocking_keys"]),
            invalid_values=dict(data["invalid_values"]),
            seconds=dict(data["seconds"]),
            trained=data["trained"],
        )


def _largest_first(sizes: Mapping[str, int]) -> dict[str, int]:
    """Blocking keys by size, largest first, then by key."""
    return dict(sorted(sizes.items(), key=lambda item: (-item[1], item[0])))


def _report_of(job_id: str, stats: MatchStats) -> JobReport:
    return JobReport(
        job_id=job_id,
        profiles=stats.profiles,
        candidate_pairs=stats.candidate_pairs,
        pairs_scored=stats.pairs_scored,
        oversized_blocking_keys=_largest_first(stats.oversized_keys),
        invalid_values=dict(sorted(stats.invalid_values.items())),
        seconds={stage: round(sec, 3) for stage, sec in stats.seconds.items()},
        trained=stats.trained,
    )


def _oversized_note(report: JobReport, limit: int) -> str | None:
    """One sentence about the blocking keys that made no pairs, or None."""
    keys = report.oversized_blocking_keys
    if not keys:
        return None

    shown = ", ".join(f"{key} ({size})" for key, size in list(keys.items())[:3])
    more = f" and {len(keys) - 3} more" if len(keys) > 3 else ""

    return (
        f"{len(keys)} blocking keys were shared by more than {limit} profiles "
        f"and made no candidate pairs: {shown}{more}. See get_job_report; "
        "raise max_block_size if they are real people."
    )


def get_report(store: Store, domain: str, job_id: str) -> JobReport:
    """Return what a finished job found: blocking, invalid values and timings.

    Raises:
        BadRequestException: the id is not 32 lowercase hex characters.
        ResourceNotFoundException: no such domain or job, or the job has not
            finished matching (it failed, or it is still running).
    """
    job = get_job(store, domain, job_id)
    record = store.get_job(domain, job.job_id)
    if record.report is None:
        raise ResourceNotFoundException(
            f"identity resolution job {job_id} has no report: its status is "
            f"{record.status}; reports exist for jobs that finished matching"
        )

    return JobReport.from_dict(record.report)
