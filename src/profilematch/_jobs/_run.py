"""Running one job: queue it PENDING, run its stages, record how it ended.

``run`` runs a job on a domain now; scheduled jobs go through the same steps.
A job is inserted PENDING together with its lease, then its stages run. An
exception in a stage ends the job FAILED with the reason, and the previous match
groups stay the latest; an interrupt (Ctrl-C) marks the job FAILED, then goes
through.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from profilematch._config import get_default_region
from profilematch._errors import ProfileMatchError
from profilematch._jobs._base import Progress, _check_enabled, _matching_of, to_job
from profilematch._jobs._leases import (
    _RUN_LEASE_SECONDS,
    _in_flight,
    _in_flight_lock,
    _job_lease,
    _new_owner,
)
from profilematch._jobs._stages import _finish
from profilematch._jobs._state import _end, _Run
from profilematch._matcher import MatchOptions
from profilematch._models import IdentityResolutionJob, Matching
from profilematch._store import DomainRecord, JobRecord, Store, utc_now

__all__ = ["run"]

logger = logging.getLogger(__name__)


def _insert_pending(
    store: Store, domain: DomainRecord, owner: str, moment: datetime
) -> JobRecord:
    """Insert a PENDING job and take its lease, both or neither."""
    matching = _check_enabled(domain.domain_name, _matching_of(domain.config))
    expiration_days = int(domain.config.get("DefaultExpirationDays", 366))
    auto_merging = matching.auto_merging
    record = JobRecord(
        domain_name=domain.domain_name,
        job_id=uuid.uuid4().hex,
        status="PENDING",
        job_start_time=moment,
        last_updated_at=moment,
        job_expiration_time=moment + timedelta(days=expiration_days),
        auto_merging=None if auto_merging is None else auto_merging.to_dict(),
    )

    with store.atomic():
        store.insert_job(record)
        store.acquire_lease(
            _job_lease(record.domain_name, record.job_id),
            owner,
            ttl_seconds=_RUN_LEASE_SECONDS,
        )

    return record


def _execute(
    state: _Run,
    matching: Matching,
    *,
    options: MatchOptions | None = None,
    reuse_model: bool,
    export_to: str | os.PathLike[str] | None,
) -> IdentityResolutionJob:
    """Run a PENDING job to its end; an exception in a stage makes it FAILED."""
    key = (state.domain, state.job_id)
    with _in_flight_lock:
        _in_flight.add(key)
    started = time.perf_counter()

    try:
        record = _finish(
            state,
            matching,
            options=(
                MatchOptions(default_region=get_default_region())
                if options is None
                else options
            ),
            reuse_model=reuse_model,
            export_to=export_to,
        )
    except Exception as error:
        logger.warning(
            "domain %s job %s: FAILED in %s: %s",
            state.domain,
            state.job_id,
            state.status,
            error,
        )
        # The traceback is for debugging, not for the user of a command line.
        logger.debug(
            "domain %s job %s: failure", state.domain, state.job_id, exc_info=True
        )
        reason = (
            error.message
            if isinstance(error, ProfileMatchError)
            else f"{type(error).__name__}: {error}"
        )
        record = _end(
            state,
            "FAILED",
            f"The job failed in {state.status}: {reason}. The previous match "
            f"groups are still the latest.",
        )
    except BaseException:
        # Interrupted (Ctrl-C): record the failure, then let the interrupt through.
        with contextlib.suppress(Exception):
            _end(state, "FAILED", "The job was interrupted; run it again.")
        raise
    finally:
        with contextlib.suppress(Exception):
            state.store.release_lease(_job_lease(*key), state.owner)
        with _in_flight_lock:
            _in_flight.discard(key)

    logger.info(
        "domain %s job %s: %s in %.2f s",
        state.domain,
        state.job_id,
        record.status,
        time.perf_counter() - started,
    )
    return to_job(record)


def run(
    store: Store,
    domain: str,
    *,
    progress: Progress | None = None,
    options: MatchOptions | None = None,
    reuse_model: bool = False,
    export_to: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
) -> IdentityResolutionJob:
    """Run an identity resolution job on a domain now and return it finished.

    Example::

        job = run(store, "retail", progress=lambda stage, done, total: None)
        assert job.status in ("COMPLETED", "PARTIAL_SUCCESS", "FAILED")

    Args:
        store: the store holding the domain.
        domain: the domain's name.
        progress: called with ``(stage, done, total)`` as the job advances;
            the stage is the job's status (PREPROCESSING, FIND_MATCHING, ...).
        options: the matcher's options (threshold, blocking limit, seed); by
            default MatchOptions() with the library's default phone region.
        reuse_model: score with the model of the domain's last job instead of
            training a new one (trains one when no job stored a model).
        export_to: a directory, ``file://`` or ``s3://`` URL to export to,
            instead of the domain's ExportingConfig.
        now: the clock to stamp the job with (default: the current time); a
            fixed value stamps every time of the job with it.

    Returns:
        The job, COMPLETED, PARTIAL_SUCCESS (export failed) or FAILED (with
        the reason in its message).

    Raises:
        ResourceNotFoundException: no such domain.
        BadRequestException: matching is not enabled on the domain.
    """
    record = store.get_domain(domain)
    matching = _check_enabled(domain, _matching_of(record.config))
    clock: Callable[[], datetime] = utc_now if now is None else (lambda: now)
    owner = _new_owner()

    pending = _insert_pending(store, record, owner, clock())
    state = _Run(store, domain, pending.job_id, owner, clock, progress)

    return _execute(
        state, matching, options=options, reuse_model=reuse_model, export_to=export_to
    )
