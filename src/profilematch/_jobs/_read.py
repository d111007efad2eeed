"""Reading jobs: one by its id, or a domain's jobs a page at a time, newest first.

Both first mark FAILED the domain's unfinished jobs whose process is gone, so a
reader never sees a job running that no process runs.
"""

from __future__ import annotations

import re
from typing import Any

import attrs

from profilematch._errors import BadRequestException
from profilematch._jobs._base import to_job
from profilematch._jobs._leases import fail_abandoned_jobs
from profilematch._models import IdentityResolutionJob
from profilematch._paging import (
    PageToken,
    check_max_results,
    decode_token,
    encode_token,
)
from profilematch._store import Store

__all__ = ["JobsPage", "get_job", "list_jobs"]

_JOB_ID = re.compile(r"[a-f0-9]{32}")


def get_job(store: Store, domain: str, job_id: str) -> IdentityResolutionJob:
    """Return one identity resolution job.

    Args:
        store: the store.
        domain: the domain's name.
        job_id: the job's id, 32 lowercase hex characters.

    Returns:
        The job.

    Raises:
        BadRequestException: the id is not 32 lowercase hex characters.
        ResourceNotFoundException: no such domain or job.
    """
    if not isinstance(job_id, str) or not _JOB_ID.fullmatch(job_id):
        raise BadRequestException(
            f"JobId: must be 32 lowercase hex characters; got {job_id!r}. Use a "
            f"JobId from list_identity_resolution_jobs.",
            field="JobId",
            rule="pattern [a-f0-9]{32}",
            value=job_id,
        )
    fail_abandoned_jobs(store, domain)

    return to_job(store.get_job(domain, job_id))


@attrs.frozen(kw_only=True)
class JobsPage:
    """One page of identity resolution jobs, newest first.

    Attributes:
        identity_resolution_jobs_list: the jobs of this page.
        next_token: pass it back for the next page; None on the last page.
    """

    identity_resolution_jobs_list: tuple[IdentityResolutionJob, ...] = ()
    next_token: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The page in the service's shape (ListIdentityResolutionJobs)."""
        result: dict[str, Any] = {
            "IdentityResolutionJobsList": [
                job.to_list_item_dict() for job in self.identity_resolution_jobs_list
            ]
        }
        if self.next_token is not None:
            result["NextToken"] = self.next_token

        return result


def list_jobs(
    store: Store,
    domain: str,
    *,
    max_results: int | None = None,
    next_token: str | None = None,
) -> JobsPage:
    """Return a page of a domain's jobs, ordered by start time, newest first.

    Args:
        store: the store.
        domain: the domain's name.
        max_results: at most this many jobs, 1 to 100 (default 100).
        next_token: the token of the previous page, or None for the first.

    Returns:
        The page and the token of the next one.

    Raises:
        BadRequestException: max_results is out of range or next_token is not
            a token of this domain's job list.
        ResourceNotFoundException: no such domain.
    """
    limit = 100 if max_results is None else check_max_results(max_results)
    secret = store.token_secret()
    after: tuple[str, str] | None = None
    if next_token is not None:
        token = decode_token(secret, next_token, kind="jobs", domain=domain)
        after = _position(token.position, next_token)
    fail_abandoned_jobs(store, domain)

    records = store.list_jobs(domain, limit=limit + 1, after=after)

    more = len(records) > limit
    records = records[:limit]
    following = None
    if more:
        following = encode_token(
            secret,
            PageToken(
                kind="jobs",
                domain=domain,
                generation=None,
                position=list(store.job_position(records[-1])),
            ),
        )

    return JobsPage(
        identity_resolution_jobs_list=tuple(to_job(record) for record in records),
        next_token=following,
    )


def _position(position: object, next_token: str) -> tuple[str, str]:
    """Read the (start time, job id) a jobs token pins.

    Raises:
        BadRequestException: the position is not a pair of strings.
    """
    if (
        isinstance(position, list)
        and len(position) == 2
        and all(isinstance(part, str) for part in position)
    ):
        return position[0], position[1]

    raise BadRequestException(
        "next_token: the token does not hold a job position; start again from "
        "the first page with next_token=None",
        field="next_token",
        rule="valid token",
        value=next_token,
    )
