"""Scheduled jobs: when a domain's next job is due, and running the due ones.

A domain with matching enabled runs a job at every scheduled time of its
JobSchedule (else Saturday 00:00 UTC). ``run_due_jobs`` runs the job of every
domain whose time has come, claiming each due time through a lease so two
processes never run one twice; ``discard_pending_jobs`` drops queued jobs when
matching is switched off.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from profilematch._errors import ResourceNotFoundException
from profilematch._jobs._base import Progress, _check_enabled, _matching_of
from profilematch._jobs._leases import _new_owner
from profilematch._jobs._run import _execute, _insert_pending
from profilematch._jobs._state import _Run
from profilematch._matcher import MatchOptions
from profilematch._models import IdentityResolutionJob
from profilematch._schedule import is_due, last_job_time, next_job_time
from profilematch._store import DomainRecord, JobRecord, Store, utc_now

__all__ = ["discard_pending_jobs", "next_job_time_of", "run_due_jobs"]

logger = logging.getLogger(__name__)

# A claimed schedule slot stays claimed until well after the next slot.
_SLOT_LEASE_SECONDS = 8 * 24 * 3600.0


def _last_start(store: Store, domain: str) -> datetime | None:
    """Return when the domain's newest job started, or None before the first."""
    newest = store.list_jobs(domain, limit=1)

    return newest[0].job_start_time if newest else None


def _all_domains(store: Store) -> Iterator[DomainRecord]:
    """Yield every domain of the store, a page at a time."""
    after: str | None = None

    while True:
        page = store.list_domains(limit=100, after=after)
        yield from page
        if len(page) < 100:
            return
        after = page[-1].domain_name


def next_job_time_of(store: Store, domain: str) -> datetime:
    """Return when the domain's next scheduled job is due.

    This is the first scheduled time after the domain's last job started (or
    after it was created). When that time has passed, the job is due and the
    next call to run_due_jobs runs it.

    Args:
        store: the store holding the domain.
        domain: the domain's name.

    Returns:
        An aware UTC datetime.

    Raises:
        ResourceNotFoundException: no such domain.
        BadRequestException: matching is not enabled on the domain.
    """
    record = store.get_domain(domain)
    matching = _check_enabled(domain, _matching_of(record.config))
    since = _last_start(store, domain) or record.created_at

    return next_job_time(matching.job_schedule, since)


def run_due_jobs(
    store: Store,
    now: datetime | None = None,
    *,
    progress: Progress | None = None,
    options: MatchOptions | None = None,
) -> list[IdentityResolutionJob]:
    """Run the job of every enabled domain whose scheduled time has come.

    A domain is due when a scheduled time (its JobSchedule, else Saturday
    00:00 UTC) fell after its last job started, or after it was created if it
    never ran one. Several missed times make one job. Each due time is claimed
    through a lease in the store, so two processes calling this together run
    each due job once; safe to call from cron every few minutes.

    Args:
        store: the store.
        now: the current time (default: now).
        progress: called with ``(stage, done, total)`` as each job advances.
        options: the matcher's options for every job, as for run().

    Returns:
        The jobs this call ran, in domain name order.
    """
    moment = utc_now() if now is None else now
    claimed: list[tuple[JobRecord, str]] = []

    for record in _all_domains(store):
        matching = _matching_of(record.config)
        if matching is None or not matching.enabled:
            continue
        domain = record.domain_name
        since = _last_start(store, domain) or record.created_at
        if not is_due(matching.job_schedule, since, moment):
            continue
        slot = last_job_time(matching.job_schedule, moment)
        owner = _new_owner()
        slot_lease = f"schedule:{domain}:{slot.isoformat()}"
        if not store.acquire_lease(
            slot_lease, owner, ttl_seconds=_SLOT_LEASE_SECONDS, now=moment
        ):
            logger.debug(
                "domain %s: the %s run is taken by another process", domain, slot
            )
            continue
        claimed.append((_insert_pending(store, record, owner, moment), owner))

    jobs: list[IdentityResolutionJob] = []
    for pending, owner in claimed:
        domain = pending.domain_name
        try:
            matching = _matching_of(store.get_domain(domain).config)
            if matching is None or not matching.enabled:
                # Matching was switched off after the job was queued.
                store.delete_job(domain, pending.job_id)
                continue
            state = _Run(store, domain, pending.job_id, owner, lambda: moment, progress)
            jobs.append(
                _execute(
                    state,
                    matching,
                    options=options,
                    reuse_model=False,
                    export_to=None,
                )
            )
        except ResourceNotFoundException:
            logger.info("domain %s: deleted before its scheduled job ran", domain)

    return jobs


def discard_pending_jobs(store: Store, domain: str) -> int:
    """Delete a domain's jobs that are queued but not started.

    Call when matching is switched off: a queued job must then not run.

    Args:
        store: the store.
        domain: the domain's name.

    Returns:
        How many jobs were deleted.
    """
    pending = [job for job in store.unfinished_jobs(domain) if job.status == "PENDING"]

    for job in pending:
        store.delete_job(domain, job.job_id)

    return len(pending)
