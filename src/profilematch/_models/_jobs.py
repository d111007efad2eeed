"""Identity resolution jobs and what they produce.

A job (IdentityResolutionJob) reports what it reviewed, found and merged
(JobStats) and where it exported its match groups (ExportingLocation). The
match groups themselves are MatchItems, read a page at a time (MatchesPage).
"""

# ruff: noqa: RUF009
# RUF009 is off: the field helpers of _spec return attrs.field(...) definitions,
# not shared default values, which is what that rule guards against.

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from profilematch._models._base import _Model
from profilematch._models._domains import AutoMerging
from profilematch._models._spec import (
    _COUNT,
    _DOMAIN_NAME,
    _MATCH_COUNT,
    _PROFILE_ID,
    _SCORE,
    _TEXT,
    _TIMESTAMP,
    _field,
    _list,
    _nested,
    _str_field,
    _string,
    _struct,
)

__all__ = [
    "ExportingLocation",
    "IdentityResolutionJob",
    "JobStats",
    "MatchItem",
    "MatchesPage",
    "S3ExportingLocation",
]


@attrs.frozen(kw_only=True)
class MatchItem(_Model):
    """A match group: profiles found to be the same customer.

    ``confidence_score`` is in [0, 1]; higher means surer.
    """

    match_id: str = _str_field(length=_TEXT, required=True)
    profile_ids: tuple[str, ...] = _field(
        _list(_string(pattern=_PROFILE_ID)), required=True
    )
    confidence_score: float = _field(_SCORE, required=True)


@attrs.frozen(kw_only=True)
class MatchesPage(_Model):
    """One page of match groups, as GetMatches returns it."""

    matches: tuple[MatchItem, ...] = _field(_list(_struct(MatchItem)), default=())
    match_generation_date: dt.datetime | None = _field(_TIMESTAMP)
    next_token: str | None = _str_field(length=(1, 1024))
    potential_matches: int = _field(_MATCH_COUNT, default=0)


@attrs.frozen(kw_only=True)
class S3ExportingLocation(_Model):
    """The bucket and key that one job's match groups were written to."""

    s3_bucket_name: str | None = _str_field(length=(3, 63), pattern=r"^[a-z0-9.-]+$")
    s3_key_name: str | None = _str_field(length=(1, 1024), pattern=r".*")


@attrs.frozen(kw_only=True)
class ExportingLocation(_Model):
    """Where one job exported its match groups."""

    s3_exporting: S3ExportingLocation | None = _nested(S3ExportingLocation)


@attrs.frozen(kw_only=True)
class JobStats(_Model):
    """What an identity resolution job reviewed, found and merged."""

    number_of_profiles_reviewed: int | None = _field(_COUNT)
    number_of_matches_found: int | None = _field(_COUNT)
    number_of_merges_done: int | None = _field(_COUNT)


_JOB_STATUSES = (
    "PENDING",
    "PREPROCESSING",
    "FIND_MATCHING",
    "MERGING",
    "COMPLETED",
    "PARTIAL_SUCCESS",
    "FAILED",
)


_JOB_LIST_ITEM = frozenset(
    (
        "DomainName",
        "JobId",
        "Status",
        "JobStartTime",
        "JobEndTime",
        "JobStats",
        "ExportingLocation",
        "Message",
    )
)


@attrs.frozen(kw_only=True)
class IdentityResolutionJob(_Model):
    """One run of identity resolution over a domain."""

    domain_name: str = _str_field(length=(1, 64), pattern=_DOMAIN_NAME, required=True)
    job_id: str = _str_field(pattern=_PROFILE_ID, required=True)
    status: str = _str_field(enum=_JOB_STATUSES, required=True)
    job_start_time: dt.datetime | None = _field(_TIMESTAMP)
    job_end_time: dt.datetime | None = _field(_TIMESTAMP)
    last_updated_at: dt.datetime | None = _field(_TIMESTAMP)
    job_expiration_time: dt.datetime | None = _field(_TIMESTAMP)
    auto_merging: AutoMerging | None = _nested(AutoMerging)
    exporting_location: ExportingLocation | None = _nested(ExportingLocation)
    job_stats: JobStats | None = _nested(JobStats)
    message: str | None = _str_field(length=(None, 2048), pattern=r".*")

    def to_list_item_dict(self) -> dict[str, Any]:
        """The job as ListIdentityResolutionJobs lists it.

        Returns:
            :meth:`to_dict` without the members a list item does not carry
            (LastUpdatedAt, JobExpirationTime, AutoMerging).
        """
        full = self.to_dict()

        return {key: value for key, value in full.items() if key in _JOB_LIST_ITEM}
