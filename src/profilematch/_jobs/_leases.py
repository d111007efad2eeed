"""Leases: which process runs a job, and the jobs whose process is gone.

While a job runs, its process holds a lease named after the job and renews it
as the job advances. A job found unfinished without a live holder (its process
was killed) is marked FAILED the next time jobs are read. Jobs this process
runs are also kept in a set, so a reader in the same process never takes one of
them for a leftover.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid

from profilematch._jobs._base import FINAL_STATUSES
from profilematch._store import JobRecord, Store, utc_now

__all__ = ["fail_abandoned_jobs"]

logger = logging.getLogger(__name__)

# A running job renews its lease at every stage and progress report; a holder
# that stops renewing (a killed process elsewhere) is presumed dead after this.
_RUN_LEASE_SECONDS = 3600.0
_RENEW_EVERY_SECONDS = 60.0
_HOST = socket.gethostname()

_STALE_MESSAGE = (
    "The process running this job stopped before the job finished (killed or "
    "crashed). Run the job again."
)

# Jobs this process is running now, so a reader in the same process never
# mistakes one of them for the leftover of a dead process.
_in_flight: set[tuple[str, str]] = set()
_in_flight_lock = threading.Lock()


def _job_lease(domain: str, job_id: str) -> str:
    """Name the lease a running job holds."""
    return f"job:{domain}:{job_id}"


def _new_owner() -> str:
    """Return a lease owner naming this host and process, unique per call."""
    return f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex}"


def _owner_is_dead(owner: str) -> bool:
    """Tell whether a lease owner is a process on this host that no longer runs."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != _HOST or not pid_text.isdigit():
        return False

    try:
        # Signal 0 checks that the process exists without touching it.
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False

    return False


def _is_abandoned(store: Store, record: JobRecord) -> bool:
    """Tell whether an unfinished job has no live process running it."""
    with _in_flight_lock:
        if (record.domain_name, record.job_id) in _in_flight:
            return False

    owner = store.lease_owner(_job_lease(record.domain_name, record.job_id))
    if owner is None:
        return True
    # Our own process holds the lease but does not run the job: left over.
    if owner.startswith(f"{_HOST}:{os.getpid()}:"):
        return True

    return _owner_is_dead(owner)


def fail_abandoned_jobs(store: Store, domain: str) -> int:
    """Mark FAILED the unfinished jobs whose process is gone.

    Args:
        store: the store.
        domain: the domain's name.

    Returns:
        How many jobs were marked FAILED.
    """
    failed = 0

    for record in store.unfinished_jobs(domain):
        if not _is_abandoned(store, record):
            continue
        moment = utc_now()
        with store.atomic():
            # Re-read inside the transaction: the job may have ended meanwhile.
            if store.get_job(domain, record.job_id).status in FINAL_STATUSES:
                continue
            store.update_job(
                domain,
                record.job_id,
                status="FAILED",
                message=_STALE_MESSAGE,
                job_end_time=moment,
                last_updated_at=moment,
            )
        logger.warning(
            "domain %s job %s: abandoned; marked FAILED", domain, record.job_id
        )
        failed += 1

    return failed
